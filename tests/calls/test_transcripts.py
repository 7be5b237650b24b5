"""Transcript imports: every format reads into one timed transcript; a call is stored against the
agent, date and curriculum week, scored by the shared scorer, idempotent by content, and deleted
with everything it owns."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

import scorer
from server.calls import service
from server.calls.parse import parse_call_transcript
from server.db import session_scope
from server.models import Call, CallScore, CallStatus, Team, User
from server.settings import Settings
from tests.conftest import TEST_SECRET

FIXTURES = Path(__file__).parent / "fixtures"
SCORER_FIXTURES = Path(__file__).parents[1] / "scorer" / "fixtures"


def test_srt_reads_speakers_timings_and_joins_one_speakers_cues() -> None:
    transcript, fmt = parse_call_transcript(
        (FIXTURES / "power_cut.srt").read_text(), "power_cut.srt"
    )
    assert fmt == "srt"
    assert transcript.channel == "call"
    assert [(t.speaker, t.start, t.end) for t in transcript.turns] == [
        ("customer", 0.5, 6.2),
        ("agent", 7.4, 18.3),
        ("customer", 19.6, 20.4),
    ]
    assert transcript.turns[1].text.endswith("back within the hour.")


def test_srt_errors_name_the_srt_line() -> None:
    content = "1\n00:00:01,000 --> 00:00:02,000\nAgent: Hello\n\n2\nnot a timing\nCustomer: hi\n"
    with pytest.raises(scorer.TranscriptError) as caught:
        parse_call_transcript(content, "bad.srt")
    assert str(caught.value).startswith("bad.srt:6:")
    no_speaker = "1\n00:00:01,000 --> 00:00:02,000\nHello there\n"
    with pytest.raises(scorer.TranscriptError, match=r"bad\.srt:3: .*'Agent:' or 'Customer:'"):
        parse_call_transcript(no_speaker, "bad.srt")


def test_contact_lens_maps_participants_and_merges_consecutive_items() -> None:
    transcript, fmt = parse_call_transcript(
        (FIXTURES / "contact_lens.json").read_text(), "contact.json"
    )
    assert fmt == "contact_lens"
    speakers = [(t.speaker, t.start, t.end) for t in transcript.turns]
    assert speakers == [
        ("customer", 0.4, 5.2),
        ("agent", 6.3, 15.0),
        ("customer", 14.2, 19.0),  # starts before the agent finished
    ]
    report = scorer.score(transcript)
    assert report.behaviors["impact_naming"].level == "good"
    overlap_start, agent_end = transcript.turns[2].start, transcript.turns[1].end
    assert overlap_start is not None and agent_end is not None
    assert overlap_start < agent_end  # the overlap stays on the clock


def test_contact_lens_unknown_participant_is_named() -> None:
    data = json.loads((FIXTURES / "contact_lens.json").read_text())
    data["Transcript"][1]["ParticipantId"] = "SUPERVISOR"
    with pytest.raises(scorer.TranscriptError, match=r"Transcript\[1\]\.ParticipantId 'SUPER"):
        parse_call_transcript(json.dumps(data), "contact.json")


@pytest.mark.parametrize(
    "path",
    [
        "impact_naming/average_ecommerce.json",
        "impact_naming/good_utilities.txt",
        "impact_naming/poor_saas.vtt",
    ],
)
def test_the_scorers_own_shapes_read_as_the_scorer_reads_them(path: str) -> None:
    file = SCORER_FIXTURES / path
    transcript, _fmt = parse_call_transcript(file.read_text(), file.name)
    assert transcript.turns == scorer.load(file).turns


def _agent(session: Session, email: str = "agent1@demo.local") -> User:
    user = session.exec(select(User).where(User.email == email)).one()
    return user


def test_import_stores_scores_and_is_idempotent(seeded: Settings, engine) -> None:  # type: ignore[no-untyped-def]
    data = (FIXTURES / "contact_lens.json").read_bytes()
    with session_scope(engine) as session:
        team = session.exec(select(Team)).one()
        start = team.curriculum_start
        assert start is not None
        call_day = start + timedelta(days=15)  # the team's third curriculum week
        agent = _agent(session)
        imported = service.import_call(
            session, seeded, data=data, file_name="c.json", agent=agent, call_date=call_day
        )
        assert imported.created
        call_id = imported.call.id
        assert imported.call.week == 3 and imported.call.behavior_id == "impact_naming"
        assert imported.call.status is CallStatus.queued
    done = service.process_call(engine, seeded, call_id or 0)
    assert done is not None and done.status is CallStatus.done
    expected = scorer.score(parse_call_transcript(data.decode(), "c.json")[0]).to_dict()
    assert done.report_json == expected
    with session_scope(engine) as session:
        again = service.import_call(
            session, seeded, data=data, file_name="renamed.json", agent=_agent(session)
        )
        assert not again.created and again.call.id == call_id
        assert len(session.exec(select(Call)).all()) == 1
        scores = {s.behavior_id: s for s in session.exec(select(CallScore))}
        assert set(scores) == set(expected["behaviors"])
        assert scores["impact_naming"].score == expected["behaviors"]["impact_naming"]["score"]
        assert scores["impact_naming"].week == 3
    # A second delivery of the same job does nothing.
    assert service.process_call(engine, seeded, call_id or 0) is None


def test_bad_transcript_is_refused_with_its_line_and_nothing_stored(  # type: ignore[no-untyped-def]
    seeded: Settings, engine
) -> None:
    with session_scope(engine) as session:
        with pytest.raises(service.CallImportError, match=r"^call\.txt:2: unknown speaker 'Bob'"):
            service.import_call(
                session,
                seeded,
                data=b"Agent: Hello\nBob: hey\n",
                file_name="call.txt",
                agent=_agent(session),
            )
        with pytest.raises(service.CallImportError, match=r"unsupported file type '\.pdf'"):
            service.import_call(
                session, seeded, data=b"%PDF", file_name="call.pdf", agent=_agent(session)
            )
        manager = _agent(session, "manager@demo.local")
        with pytest.raises(service.CallImportError, match="is a manager, not an agent"):
            service.import_call(
                session, seeded, data=b"Agent: hi\n", file_name="call.txt", agent=manager
            )
        assert session.exec(select(Call)).all() == []


def test_delete_removes_audio_transcript_scores(seeded: Settings, engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.calls.audio import write_stereo_wav

    wav = tmp_path / "mono-with-transcript.wav"
    write_stereo_wav(wav, channels=1, seconds=1.0)
    settings = seeded.model_copy(update={"keep_audio": "forever"})
    with session_scope(engine) as session:
        imported = service.import_call(
            session,
            settings,
            data=wav.read_bytes(),
            file_name=wav.name,
            agent=_agent(session),
            transcript=((FIXTURES / "power_cut.srt").read_bytes(), "power_cut.srt"),
        )
        call_id = imported.call.id or 0
    done = service.process_call(engine, settings, call_id)
    assert done is not None and done.status is CallStatus.done
    audio = Path(done.audio_path or "")
    assert audio.exists() and done.audio_expires_at is None
    with session_scope(engine) as session:
        call = session.get(Call, call_id)
        assert call is not None
        service.delete_call(session, call)
    with session_scope(engine) as session:
        assert session.get(Call, call_id) is None
        assert session.exec(select(CallScore)).all() == []
    assert not audio.exists()


def test_cli_imports_a_folder_with_progress_and_again_changes_nothing(
    seeded: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "calls"
    folder.mkdir()
    for name in ("power_cut.srt", "contact_lens.json"):
        (folder / name).write_bytes((FIXTURES / name).read_bytes())
    env = {
        **os.environ,
        "SPARRING_DATA_DIR": str(seeded.data_dir),
        "SPARRING_DATABASE_URL": seeded.resolved_database_url,
        "SPARRING_SECRET_KEY": TEST_SECRET,
    }

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "server.cli", *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )

    agent = ("--agent", "agent1@demo.local")
    first = run("calls", "import", str(folder), *agent, "--date", "2026-12-01")
    assert first.returncode == 0, first.stderr
    assert first.stdout.count("scored  ") == 2, first.stdout
    assert "2/2" in first.stdout
    second = run("calls", "import", str(folder), "--agent", "agent1@demo.local")
    assert second.returncode == 0, second.stderr
    assert second.stdout.count("same    ") == 2, second.stdout
    listed = run("calls", "list")
    assert listed.stdout.count("agent1@demo.local\t2026-12-01") == 2
    assert "done" in listed.stdout
    unknown = run("calls", "import", str(folder), "--agent", "nobody@demo.local")
    assert unknown.returncode == 2
    assert "--agent: no user 'nobody@demo.local'" in unknown.stderr
    bad_date = run("calls", "import", str(folder), "--agent", "agent1@demo.local", "--date", "1/2")
    assert bad_date.returncode == 2 and "YYYY-MM-DD" in bad_date.stderr
