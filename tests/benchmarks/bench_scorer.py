"""Scorer benchmark (a plain script, not a test): all ten behaviors on a 150-turn call and on a
1,500-turn call, pinned to one core, median of repeated runs.

    .venv/bin/python tests/benchmarks/bench_scorer.py [--runs 20]

Targets: 150 turns ≤ 10 ms; 1,500 turns within 10× of that (no quadratic work over history).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import Any

import scorer
from scorer import conversation
from scorer.markers import MarkerHit
from scorer.transcript import Transcript, Turn

CUSTOMER_LINES = (
    "My internet has been dropping every evening since Monday and I work from home.",
    "I already restarted the router twice, it didn't help at all.",
    "When will the engineer actually come out? This is the third time I'm asking!",
    "Okay, and will I get a refund for the days without service?",
    "What does that mean, the ONT? I just want it to work.",
    "Fine. Can you send me that in writing please?",
)
AGENT_LINES = (
    "So the connection drops every evening and it's hurting your work calls. Which room is the "
    "router in?",
    "Thanks. I can see line errors. I will book an engineer for tomorrow at 9 am and text you.",
    "I can hear we keep coming back to the visit time, so let's pin it down: tomorrow, 9 to 11.",
    "Yes, I've applied a credit of £12 for the lost days; it shows on your next bill.",
    "The ONT, that's the white box where the fibre comes in, shows a fault we can fix remotely.",
    "To recap: your line had a fault; I've booked the engineer for tomorrow at 9 am; call me on "
    "0161 555 0123, extension 42.",
)


def build_call(turns: int) -> Transcript:
    built: list[Turn] = []
    clock = 0.0
    for index in range(turns):
        lines = CUSTOMER_LINES if index % 2 == 0 else AGENT_LINES
        text = lines[(index // 2) % len(lines)]
        duration = len(text.split()) / 2.6
        built.append(Turn("customer" if index % 2 == 0 else "agent", text, clock, clock + duration))
        clock += duration + 1.2
    return Transcript(tuple(built), channel="voice", customer_name="Dana Ruiz")


class TimedDetect:
    """Wraps marker detection to report how much of a run it takes."""

    def __init__(self) -> None:
        self.detect = conversation.detect
        self.seconds = 0.0

    def __call__(self, text: str, **kwargs: Any) -> list[MarkerHit]:
        began = time.perf_counter()
        try:
            return self.detect(text, **kwargs)
        finally:
            self.seconds += time.perf_counter() - began


def median_ms(transcript: Transcript, runs: int) -> tuple[float, float]:
    """Median milliseconds per `score` call, and the median share spent in marker detection."""
    scorer.score(transcript)  # warm caches and imports
    timed = TimedDetect()
    conversation.detect = timed  # type: ignore[assignment]
    timings = []
    shares = []
    try:
        for _ in range(runs):
            timed.seconds = 0.0
            began = time.perf_counter()
            scorer.score(transcript)
            elapsed = time.perf_counter() - began
            timings.append(elapsed * 1000)
            shares.append(timed.seconds / elapsed)
    finally:
        conversation.detect = timed.detect
    return statistics.median(timings), statistics.median(shares)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    small, small_share = median_ms(build_call(150), max(20, args.runs))
    large, large_share = median_ms(build_call(1500), max(20, args.runs))
    print(
        f"150-turn call, 10 behaviors:   median {small:7.2f} ms  (target ≤ 10 ms; "
        f"{small_share:.0%} in marker detection)"
    )
    print(
        f"1,500-turn call, 10 behaviors: median {large:7.2f} ms  "
        f"({large / small:.1f}× the 150-turn call, target ≤ 10×; "
        f"{large_share:.0%} in marker detection)"
    )


if __name__ == "__main__":
    main()
