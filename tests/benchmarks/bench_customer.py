"""Customer benchmark (a plain script, not a test): replayed calls per persona type and the
scripted customer's reply time in process.

    .venv/bin/python tests/benchmarks/bench_customer.py [--calls 10] [--show 3]

For each persona type it replays `--calls` calls (personas of that type in turn; good, mixed and
poor agents in turn, see tests/customer/replays.py) and counts the customer replies that
contradict or ignore what the agent just said. It times every scripted reply (marker detection,
state machine and words) and prints `--show` transcripts: one good, one mixed, one poor call.

Targets: 0 contradicting or ignoring replies; p95 reply well under the chat's 100 ms.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from server.customer import Conversation  # noqa: E402
from server.paths import SCENARIOS_DIR  # noqa: E402
from server.scenario import load_scenario  # noqa: E402
from server.scenario.schema import Scenario  # noqa: E402
from tests.customer.replays import STYLES, Replay, contradictions, play_agent  # noqa: E402


def timed_replay(replay: Replay) -> list[float]:
    """Replay the same agent lines on a fresh conversation, timing each reply in ms."""
    lines = [turn.text for turn in replay.conversation.turns if turn.speaker == "agent"]
    conversation = Conversation(replay.scenario, seed=replay.seed)
    conversation.opening()
    times = []
    for line in lines:
        if conversation.ended:
            break
        started = time.perf_counter()
        conversation.reply(line)
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=10, help="calls per persona type")
    parser.add_argument("--show", type=int, default=3, help="transcripts to print")
    args = parser.parse_args()
    by_type: dict[str, list[Scenario]] = defaultdict(list)
    for path in sorted(SCENARIOS_DIR.glob("*_*.yaml")):
        scenario = load_scenario(path)
        by_type[scenario.type].append(scenario)
    times: list[float] = []
    total_replies = total_bad = 0
    shown: list[Replay] = []
    for persona_type, personas in sorted(by_type.items()):
        replies = bad = 0
        outcomes: Counter[str] = Counter()
        for k in range(args.calls):
            replay = play_agent(personas[k % len(personas)], STYLES[k % 3], k)
            problems = contradictions(replay)
            replies += len(replay.conversation.states) - 1
            bad += len(problems)
            outcomes[f"{replay.style}:{replay.conversation.outcome}"] += 1
            times += timed_replay(replay)
            for problem in problems:
                print(f"  {replay.scenario.id} ({replay.style}): {problem}")
            if len(shown) < args.show and replay.style == STYLES[len(shown) % 3]:
                shown.append(replay)
        total_replies += replies
        total_bad += bad
        summary = ", ".join(f"{key} {n}" for key, n in sorted(outcomes.items()))
        print(
            f"{persona_type:12} {args.calls} calls, {replies:3} replies, {bad} contradicting "
            f"or ignoring ({summary})"
        )
    times.sort()
    p50 = times[len(times) // 2]
    p95 = times[int(len(times) * 0.95)]
    print(f"all types: {total_replies} replies, {total_bad} contradicting or ignoring (target 0)")
    print(
        f"scripted reply in process: p50 {p50:.2f} ms, p95 {p95:.2f} ms, max {times[-1]:.2f} ms "
        f"over {len(times)} replies"
    )
    for replay in shown:
        print(f"\n--- {replay.scenario.id}, {replay.style} agent, seed {replay.seed}")
        print(replay.transcript_text())


if __name__ == "__main__":
    main()
