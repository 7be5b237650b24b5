"""Keeping voice audio (`SPARRING_KEEP_AUDIO`, off by default, with a retention period) and the
edge-tts engine falling back to Piper when the network fails."""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
import wave
from pathlib import Path

import pytest

from server.settings import Settings
from server.voice.audio import purge_expired, voice_dir
from server.voice.pipeline import Engines
from tests.voice.harness import RATE, close, connect, run_client, synthesise, voice_server

LINE = "I will call you back tomorrow at nine with the engineer's arrival time."


async def short_call(server, say: bool = True):  # type: ignore[no-untyped-def]
    session_id = server.start_session()
    http = server.login()
    client, tasks = await run_client(await connect(server, http, session_id))
    try:
        await client.wait_for("hello", 20)
        await client.customer_final(0)
        if say:
            client.say(synthesise(LINE))
            await client.customer_final(2)
    finally:
        await close(client, tasks)
        http.close()
    await asyncio.sleep(0.3)  # the server closes its recording when the socket is gone
    return session_id, client


async def test_audio_is_kept_only_when_asked(tmp_path: Path) -> None:
    with voice_server(tmp_path / "off") as server:
        await short_call(server, say=False)
        assert not voice_dir(server.settings).exists()
    with voice_server(tmp_path / "kept", keep_audio="7") as server:
        session_id, client = await short_call(server)
        files = list((voice_dir(server.settings) / str(session_id)).glob("*.wav"))
        assert [f.name for f in files] == ["00000.000.wav"]
        with wave.open(str(files[0])) as recording:
            assert recording.getframerate() == RATE and recording.getnchannels() == 1
            seconds = recording.getnframes() / RATE
        sent = client.samples_sent / RATE
        assert 0 <= sent - seconds < 0.5  # every sample the server received, on the same clock
        turns = server.turns(session_id)
        assert turns[1].end is not None and turns[1].end < seconds


def test_recordings_past_the_retention_period_are_deleted(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, keep_audio="7")  # type: ignore[call-arg]
    folder = voice_dir(settings) / "12"
    folder.mkdir(parents=True)
    old, fresh = folder / "00000.000.wav", folder / "00042.500.wav"
    old.write_bytes(b"RIFF")
    fresh.write_bytes(b"RIFF")
    eight_days_ago = time.time() - 8 * 86_400
    os.utime(old, (eight_days_ago, eight_days_ago))
    assert purge_expired(settings) == 1
    assert not old.exists() and fresh.exists()
    forever = Settings(data_dir=tmp_path, keep_audio="forever")  # type: ignore[call-arg]
    os.utime(fresh, (eight_days_ago, eight_days_ago))
    assert purge_expired(forever) == 0 and fresh.exists()


async def test_edge_tts_network_failure_falls_back_to_piper(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import edge_tts.communicate

    # the network seam: Microsoft's endpoint replaced by a local port nobody listens on
    monkeypatch.setattr(edge_tts.communicate, "WSS_URL", "wss://127.0.0.1:9/edge/v1?x=1")
    leftovers_before = set(Path(tempfile.gettempdir()).glob("sparring-edge-*"))
    with voice_server(tmp_path) as server:
        server.app.state.voice_engines = Engines(tts_engine="edge")
        session_id, client = await short_call(server, say=False)
    assert client.audio_bytes > RATE  # the opening was spoken, by Piper
    assert not client.of("notice")  # a fallback is not a failure the user needs to hear about
    assert set(Path(tempfile.gettempdir()).glob("sparring-edge-*")) <= leftovers_before
    del session_id
