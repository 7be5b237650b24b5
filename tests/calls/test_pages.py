"""The manager's real-call pages over the real app: upload with type and size limits for the
team's agents only, the call page (timestamped transcript, scorecard, evidence, audio seeking),
blind labels, deletion, and practice next to real calls on the heatmap and the agent page."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from bs4 import BeautifulSoup
from sqlmodel import Session, select

from server.models import Call, CallLabel, CallStatus, Role, User
from server.services.curriculum import week_of_behavior
from tests.calls.audio import write_stereo_wav

FIXTURES = Path(__file__).parent / "fixtures"


def _agent(db: Session, email: str = "agent1@demo.local") -> User:
    return db.exec(select(User).where(User.email == email)).one()


def _wait_done(db: Session, call_id: int) -> Call:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        db.expire_all()
        call = db.get(Call, call_id)
        assert call is not None
        if call.status in (CallStatus.done, CallStatus.failed):
            return call
        time.sleep(0.1)
    raise AssertionError(f"call {call_id} was not processed in time")


def _upload(manager, db: Session, name: str, data: bytes, **fields: object):  # type: ignore[no-untyped-def]
    manager.page("/manager/calls")
    form = {"agent_id": str(_agent(db).id), "call_date": date.today().isoformat(), **fields}
    return manager.submit(
        "/manager/calls", form, files={"file": (name, data)}, follow_redirects=False
    )


def test_upload_scores_and_shows_the_call(login, db: Session, app) -> None:  # type: ignore[no-untyped-def]
    manager = login("manager@demo.local")
    response = _upload(manager, db, "contact.json", (FIXTURES / "contact_lens.json").read_bytes())
    assert response.status_code == 303, response.text
    call_id = int(response.headers["location"].rsplit("/", 1)[1])
    call = _wait_done(db, call_id)
    assert call.status is CallStatus.done, call.error
    page = manager.page(f"/manager/calls/{call_id}")
    soup = BeautifulSoup(page.text, "html.parser")
    assert soup.select_one("#call-status").text == "done"  # type: ignore[union-attr]
    week = week_of_behavior(call.behavior_id)
    assert f"Week {week.week}: {week.title}" in soup.select_one("#verdict-title").text  # type: ignore[union-attr]
    lines = soup.select("ol.transcript li")
    assert len(lines) == 3
    assert lines[1]["data-start"] == "6.3"
    assert "[00:06]" in lines[1].text and "Agent" in lines[1].text
    evidence = soup.select(".evidence a")
    assert evidence and all(str(a["href"]).startswith("#turn-") for a in evidence)
    assert soup.select_one("#call-audio") is None  # a transcript import has no audio
    listing = manager.page("/manager/calls")
    assert f'data-call="{call_id}" data-status="done"' in listing.text
    again = _upload(manager, db, "again.json", (FIXTURES / "contact_lens.json").read_bytes())
    assert again.headers["location"] == f"/manager/calls/{call_id}"


def test_audio_is_kept_and_evidence_seeks_it(login, db: Session, app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app.state.settings = app.state.settings.model_copy(update={"keep_audio": "30"})
    wav = tmp_path / "mono.wav"
    write_stereo_wav(wav, channels=1, seconds=21.0)
    manager = login("manager@demo.local")
    manager.page("/manager/calls")
    response = manager.submit(
        "/manager/calls",
        {"agent_id": str(_agent(db).id), "call_date": date.today().isoformat()},
        files={
            "file": ("mono.wav", wav.read_bytes()),
            "transcript": ("power_cut.srt", (FIXTURES / "power_cut.srt").read_bytes()),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    call_id = int(response.headers["location"].rsplit("/", 1)[1])
    call = _wait_done(db, call_id)
    assert call.audio_path and call.audio_expires_at is not None
    soup = BeautifulSoup(manager.page(f"/manager/calls/{call_id}").text, "html.parser")
    audio = soup.select_one("#call-audio")
    assert audio is not None and audio["src"] == f"/manager/calls/{call_id}/audio"
    seeks = [float(a["data-seek"]) for a in soup.select("[data-seek]")]  # type: ignore[arg-type]
    assert 7.4 in seeks  # the agent's turn, from the transcript and from the evidence
    assert soup.select_one('script[src$="calls.js"]') is not None
    played = manager.get(f"/manager/calls/{call_id}/audio", headers={"Range": "bytes=0-99"})
    assert played.status_code == 206 and len(played.content) == 100
    deleted = manager.submit(f"/manager/calls/{call_id}/remove", follow_redirects=False)
    assert deleted.status_code == 303
    assert not Path(call.audio_path).exists()
    db.expire_all()
    assert db.get(Call, call_id) is None


def test_upload_limits_type_size_and_scope(login, db: Session, app) -> None:  # type: ignore[no-untyped-def]
    manager = login("manager@demo.local")
    bad_type = _upload(manager, db, "notes.pdf", b"%PDF-1.4")
    assert bad_type.status_code == 400
    assert "unsupported file type &#39;.pdf&#39;" in bad_type.text
    mono = _upload(manager, db, "mono.wav", _mono_wav())
    assert mono.status_code == 400 and "mono recording" in mono.text
    bad_line = _upload(manager, db, "c.txt", b"Agent: Hello\nBob: hi\n")
    assert bad_line.status_code == 400 and "c.txt:2: unknown speaker" in bad_line.text
    app.state.settings = app.state.settings.model_copy(update={"call_upload_max_mb": 1})
    big = _upload(manager, db, "big.txt", b"Agent: hello\n" * 100_000)
    assert big.status_code == 400 and "larger than 1 MB" in big.text
    huge = _upload(manager, db, "huge.txt", b"x" * (10 * 1024 * 1024))
    assert huge.status_code == 413
    # An agent outside the manager's teams cannot be chosen.
    outsider = User(email="out@x.local", name="Out", role=Role.agent, password_hash="x")
    db.add(outsider)
    db.commit()
    manager.page("/manager/calls")
    refused = manager.submit(
        "/manager/calls",
        {"agent_id": str(outsider.id), "call_date": date.today().isoformat()},
        files={"file": ("c.srt", (FIXTURES / "power_cut.srt").read_bytes())},
    )
    assert refused.status_code == 403
    assert db.exec(select(Call)).all() == []
    agent = login("agent1@demo.local")
    assert agent.get("/manager/calls", follow_redirects=False).status_code in (302, 303, 403)


def _mono_wav() -> bytes:
    import io
    import wave

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x01" * 8000)
    return buffer.getvalue()


def test_blind_label_hides_the_scorer_until_saved(login, db: Session, app) -> None:  # type: ignore[no-untyped-def]
    manager = login("manager@demo.local")
    response = _upload(manager, db, "call.srt", (FIXTURES / "power_cut.srt").read_bytes())
    call_id = int(response.headers["location"].rsplit("/", 1)[1])
    call = _wait_done(db, call_id)
    blind = BeautifulSoup(manager.page(f"/manager/calls/{call_id}?mode=blind").text, "html.parser")
    assert blind.select_one("#verdict-title") is None and not blind.select(".other-behavior")
    assert blind.select_one('input[name="blind"]')["value"] == "1"  # type: ignore[index]
    assert "scorer" not in blind.select_one("#l-behavior").text  # type: ignore[union-attr]
    saved = manager.submit(
        f"/manager/calls/{call_id}/label",
        {"behavior": call.behavior_id, "level": "poor", "blind": "1"},
        follow_redirects=True,
    )
    assert "Label saved (blind): you said poor" in saved.text
    label = db.exec(select(CallLabel)).one()
    assert label.blind and label.level == "poor"
    report = call.report_json or {}
    assert label.scorer_level == report["behaviors"][call.behavior_id]["level"]  # type: ignore[index]
    missing = manager.submit(
        f"/manager/calls/{call_id}/label", {"behavior": call.behavior_id, "blind": "0"}
    )
    assert missing.status_code == 400 and "Your level: pick one" in missing.text
    assert "Reason: say why" in missing.text  # a seen label needs a reason


def test_heatmap_and_agent_page_show_practice_next_to_calls(login, db: Session, app) -> None:  # type: ignore[no-untyped-def]
    manager = login("manager@demo.local")
    response = _upload(manager, db, "call.srt", (FIXTURES / "power_cut.srt").read_bytes())
    call_id = int(response.headers["location"].rsplit("/", 1)[1])
    call = _wait_done(db, call_id)
    score = (call.report_json or {})["behaviors"][call.behavior_id]["score"]  # type: ignore[index]
    heatmap = BeautifulSoup(manager.page("/manager").text, "html.parser")
    row = heatmap.select_one('tr[data-agent="agent1@demo.local"]')
    assert row is not None
    cell = row.select_one(f'td[data-week="{call.week}"] .mgr-floor')
    assert cell is not None
    shown = str(score) if score is not None else "n/a"
    assert cell.text.strip() == f"calls {shown} · 1"
    agent_page = BeautifulSoup(manager.page(f"/manager/agents/{call.agent_id}").text, "html.parser")
    transfer = agent_page.select_one(f'.mgr-transfer tr[data-week="{call.week}"] .mgr-floor')
    assert transfer is not None and transfer.text.split()[0] == shown
