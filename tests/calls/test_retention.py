"""Audio retention (`SPARRING_KEEP_AUDIO`): off keeps transcripts only; N days keeps the audio
until then, and a later job or `sparring calls purge` deletes it; transcript and scores stay."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from server.calls import service
from server.db import session_scope
from server.models import Call, CallScore, User
from server.models.base import utcnow
from server.settings import Settings, SettingsError, load_settings
from tests.calls.audio import write_stereo_wav
from tests.conftest import TEST_SECRET

FIXTURES = Path(__file__).parent / "fixtures"


def _mono_call(engine, settings: Settings, tmp_path: Path, name: str) -> Call:  # type: ignore[no-untyped-def]
    wav = tmp_path / name
    write_stereo_wav(wav, channels=1, seconds=2.0 + len(name) / 10)
    with session_scope(engine) as session:
        agent = session.exec(select(User).where(User.email == "agent1@demo.local")).one()
        call_id = service.import_call(
            session,
            settings,
            data=wav.read_bytes(),
            file_name=name,
            agent=agent,
            transcript=((FIXTURES / "power_cut.srt").read_bytes(), "power_cut.srt"),
        ).call.id
    done = service.process_call(engine, settings, call_id or 0)
    assert done is not None
    return done


def test_days_keep_audio_until_they_pass(seeded: Settings, engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = seeded.model_copy(update={"keep_audio": "7"})
    first = _mono_call(engine, settings, tmp_path, "a.wav")
    assert first.audio_path and Path(first.audio_path).exists()
    assert first.audio_expires_at is not None
    left = first.audio_expires_at - utcnow()
    assert timedelta(days=6, hours=23) < left <= timedelta(days=7)
    with session_scope(engine) as session:
        stored = session.get(Call, first.id)
        assert stored is not None
        stored.audio_expires_at = utcnow() - timedelta(seconds=1)
        session.add(stored)
    # The next job purges what has expired.
    _mono_call(engine, settings, tmp_path, "bb.wav")
    with session_scope(engine) as session:
        purged = session.get(Call, first.id)
        assert purged is not None and purged.audio_path is None
        assert purged.transcript_json and purged.report_json
        assert session.exec(select(CallScore).where(CallScore.call_id == first.id)).all()
    assert not Path(first.audio_path).exists()


def test_cli_purge(seeded: Settings, engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = seeded.model_copy(update={"keep_audio": "forever"})
    call = _mono_call(engine, settings, tmp_path, "c.wav")
    assert call.audio_expires_at is None  # forever
    with session_scope(engine) as session:
        stored = session.get(Call, call.id)
        assert stored is not None
        stored.audio_expires_at = utcnow() - timedelta(days=1)
        session.add(stored)
    result = subprocess.run(
        [sys.executable, "-m", "server.cli", "calls", "purge"],
        env={
            **os.environ,
            "SPARRING_DATA_DIR": str(seeded.data_dir),
            "SPARRING_DATABASE_URL": seeded.resolved_database_url,
            "SPARRING_SECRET_KEY": TEST_SECRET,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "deleted the audio of 1 call(s)"
    assert call.audio_path and not Path(call.audio_path).exists()


@pytest.mark.parametrize("value", ["0", "-3", "sometimes"])
def test_bad_retention_names_the_setting(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPARRING_KEEP_AUDIO", value)
    with pytest.raises(SettingsError, match=r"^SPARRING_KEEP_AUDIO: use `off`"):
        load_settings()
