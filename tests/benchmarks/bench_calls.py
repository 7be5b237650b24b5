"""Recorded-call benchmark (a plain script, not a test): a synthesised stereo call — the Piper
voice on the agent's and the customer's channels, with pauses and overlaps — imported,
transcribed and scored end to end through `sparring calls import`'s code path (a temporary
SQLite database, the in-process job), with per-stage times and peak memory.

    .venv/bin/python tests/benchmarks/bench_calls.py            # a 10-minute call
    .venv/bin/python tests/benchmarks/bench_calls.py --hours 2  # the 2-hour target

Target: a 2-hour call in ≤ 5 minutes end to end on a 2-core machine (real-time factor ≤ 0.04).
Besides wall times it prints the CPU time per core, which other load on the machine does not
inflate. Measured on a shared 2-core machine (load average 5–8 from other work): the 2-hour call
in 396 s wall (RTF 0.055), 259 s of CPU (129 s per core, RTF 0.018), peak 2.5 GB, 1,171 of the
1,173 synthesised turns found and its 65 overlaps counted as 0.54 interruptions a minute.
The call's audio is synthesised first (not timed) and cached under the system temp folder; the
import and processing run in a child process so that its peak memory is the pipeline's alone.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import wave
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CUSTOMER = [
    "My internet has been down since Monday and I work from home.",
    "I have called three times already and nobody has fixed it.",
    "The engineer was meant to come on Thursday and never turned up.",
    "I was charged twice for the same month on my last bill.",
    "Why does it keep dropping every evening around seven?",
    "I need this sorted before my exam on Friday.",
    "Can you tell me exactly when someone will call me back?",
    "That is not what the last person told me.",
    "Okay, and will I get a refund for the days without service?",
    "Fine, thank you, that helps.",
]
AGENT = [
    "Being offline all week means you could not work, that is a lot to deal with.",
    "I will book an engineer for tomorrow morning between eight and ten.",
    "I will credit the duplicate charge to your account today.",
    "The evening drops come from a fault on the line, which the engineer will replace.",
    "I will call you by noon tomorrow on this number to confirm it is fixed.",
    "Let me check the history on your account so I do not ask you to repeat yourself.",
    "So to sum up, the engineer comes tomorrow, the refund is applied today, and I will call you.",
    "Could you tell me which rooms lose the connection?",
    "You will see the credit on your next bill within five days.",
    "Thank you for your patience, is there anything else I can help with today?",
]


def _say(voice: object, text: str) -> np.ndarray:
    chunks = list(voice.synthesize(text))  # type: ignore[attr-defined]
    return np.concatenate([c.audio_int16_array for c in chunks])


def synthesise(path: Path, seconds: float, seed: int = 7) -> dict[str, float]:
    """Write a stereo call of about `seconds` (agent left, customer right) and return its facts."""
    from piper import PiperVoice

    from server.speech.models import piper_voice

    voice = PiperVoice.load(piper_voice())
    rate = int(voice.config.sample_rate)
    said = {
        "agent": [_say(voice, t) for t in AGENT],
        "customer": [_say(voice, t) for t in CUSTOMER],
    }
    rng = random.Random(seed)
    total = int(seconds * rate)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(rate)
        block = np.zeros((60 * rate, 2), np.int16)  # written a minute at a time
        block_start = 0
        at, turns, overlaps, speaker = int(0.5 * rate), 0, 0, "customer"
        pending: list[tuple[int, int, np.ndarray]] = []  # (start sample, column, samples)
        while at < total:
            sentences = rng.randint(1, 2)
            samples = np.concatenate([rng.choice(said[speaker]) for _ in range(sentences)])
            pending.append((at, 0 if speaker == "agent" else 1, samples))
            end = at + len(samples)
            turns += 1
            speaker = "agent" if speaker == "customer" else "customer"
            if speaker == "agent" and rng.random() < 0.1:
                at = end - int(0.9 * rate)  # the agent talks over the customer's last words
                overlaps += 1
            else:
                at = end + int(rng.uniform(0.4, 2.5) * rate)
            # Flush every finished minute.
            while block_start + len(block) <= min(at, total):
                _mix(block, block_start, pending)
                out.writeframes(block.tobytes())
                block[:] = 0
                block_start += len(block)
                pending = [p for p in pending if p[0] + len(p[2]) > block_start]
        last = np.zeros((max(0, total - block_start), 2), np.int16)
        _mix(last, block_start, pending)
        out.writeframes(last.tobytes())
    return {"seconds": seconds, "turns": turns, "overlaps": overlaps}


def _mix(block: np.ndarray, block_start: int, pending: list[tuple[int, int, np.ndarray]]) -> None:
    block_end = block_start + len(block)
    for start, column, samples in pending:
        lo, hi = max(start, block_start), min(start + len(samples), block_end)
        if lo < hi:
            block[lo - block_start : hi - block_start, column] = samples[lo - start : hi - start]


def process(path: Path) -> dict[str, object]:
    """Import and process the call as `sparring calls import` does; per-stage seconds."""
    from sqlmodel import select

    from server import migrations
    from server.accounts import add_member, create_user, get_or_create_team
    from server.calls import service
    from server.db import make_engine, session_scope
    from server.models import User
    from server.settings import load_settings

    work = Path(tempfile.mkdtemp(prefix="sparring-bench-calls-"))
    settings = load_settings(data_dir=work, secret_key="bench-secret-key-0123456789-abcdefghij")
    engine = make_engine(settings)
    migrations.upgrade(engine)
    with session_scope(engine) as session:
        team = get_or_create_team(session, name="Bench")
        agent = create_user(
            session, email="agent@bench.local", password="bench-password-1", role="agent"
        )
        add_member(session, team=team, user=agent)
    began = time.perf_counter()
    with session_scope(engine) as session:
        agent = session.exec(select(User).where(User.email == "agent@bench.local")).one()
        call_id = service.import_call(
            session,
            settings,
            data=path.read_bytes(),
            file_name=path.name,
            agent=agent,
            call_date=date.today(),
        ).call.id
    imported = time.perf_counter() - began
    call = service.process_call(engine, settings, call_id or 0)
    total = time.perf_counter() - began
    assert call is not None and call.status.value == "done", call and call.error
    turns = (call.transcript_json or {}).get("turns") or []
    metrics = (call.report_json or {}).get("metrics")
    assert isinstance(metrics, dict)
    engine.dispose()
    return {
        "import": round(imported, 2),
        **(call.timings_json or {}),
        "total": round(total, 2),
        "turns": len(turns),  # type: ignore[arg-type]
        "interruptions_per_min": metrics.get("interruptions_per_min"),
        "duration_s": call.duration_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="call length (default 10)")
    parser.add_argument("--hours", type=float, default=None, help="call length in hours")
    parser.add_argument("--process", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.process:
        print(json.dumps(process(args.process)))
        return
    seconds = (args.hours * 3600) if args.hours else args.minutes * 60
    path = Path(tempfile.gettempdir()) / f"sparring-bench-call-{int(seconds)}s.wav"
    if not path.exists():
        began = time.perf_counter()
        facts = synthesise(path.with_suffix(".partial.wav"), seconds)
        path.with_suffix(".partial.wav").rename(path)
        print(
            f"synthesised {seconds / 60:.0f} min ({facts['turns']} turns, {facts['overlaps']} "
            f"overlaps) in {time.perf_counter() - began:.0f} s (not timed below): {path}"
        )
    load_before = os.getloadavg()[0]
    child = subprocess.run(
        [sys.executable, __file__, "--process", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if child.returncode != 0:
        sys.exit(f"processing failed:\n{child.stderr}")
    result = json.loads(child.stdout.strip().splitlines()[-1])
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_mb = usage.ru_maxrss / 1024
    cpu = usage.ru_utime + usage.ru_stime
    cores = os.cpu_count() or 1
    total = float(result["total"])
    print(f"call: {seconds / 60:.0f} min stereo WAV ({path.stat().st_size / 1e6:.0f} MB)")
    for stage in ("import", "decode", "load_model", "agent", "customer", "merge", "score"):
        if stage in result:
            print(f"  {stage:<11}{float(result[stage]):8.2f} s")
    print(f"  {'total':<11}{total:8.2f} s   real-time factor {total / seconds:.4f}")
    print(f"turns: {result['turns']}, interruptions/min: {result['interruptions_per_min']}")
    print(f"peak memory (import + processing): {peak_mb:.0f} MB")
    print(
        f"CPU time: {cpu:.0f} s on {cores} cores ({cpu / cores:.0f} s per core, CPU-time "
        f"real-time factor {cpu / cores / seconds:.4f}); load average before/after: "
        f"{load_before:.1f}/{os.getloadavg()[0]:.1f} — on a shared, loaded machine the wall "
        "time is longer than the per-core CPU time"
    )
    target = seconds * 0.04
    verdict = "within" if total <= target else "over"
    print(f"target for this length (RTF 0.04): ≤ {target:.0f} s — {verdict}")


if __name__ == "__main__":
    main()
