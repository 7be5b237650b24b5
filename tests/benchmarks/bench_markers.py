"""Benchmark: how long `scorer.markers.detect` takes per agent turn.

Run: .venv/bin/python tests/benchmarks/bench_markers.py [--turns 3000] [--seed 7]

Builds a few thousand realistic agent turns (one to four sentences each, drawn from
customer-service phrasing across telecom, banking, travel, SaaS, utilities and e-commerce),
each with the customer's earlier turns as context, and prints the median and 95th percentile
microseconds of CPU time per turn, plus the time to run `detect` over every agent turn of a
150-turn call. Each sentence carries a made-up word, so no sentence is seen twice and
per-text caches never help ("cold"); `--warm` leaves it out (sentences repeat, as stock
phrases do in real calls). Target: p95 ≤ 20 ms per turn (the live customer reacts on these
markers every turn).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from scorer.markers import detect

CUSTOMER_TURNS = [
    "My internet has been down since Monday and I work from home, I've lost two days of pay.",
    "You charged me twice for the same order and now my rent payment bounced.",
    "This is the third time I'm calling about the refund for my cancelled flight.",
    "The app keeps logging me out and I can't approve payroll for my team.",
    "Why is my electricity bill three times higher than last month?",
    "I was promised a callback yesterday and nobody called.",
    "The parcel says delivered but it's not here, it was a birthday present for my son.",
    "I just want to know when the engineer is coming, I've taken the day off.",
]
AGENT_SENTENCES = [
    "I'm sorry about that.",
    "I understand your frustration.",
    "You've lost two days of pay because the line has been down since Monday.",
    "So you were charged twice and that made your rent payment bounce.",
    "Can you tell me which card the charges were on?",
    "What happened when you tried to log in this morning?",
    "Walk me through what the app shows when it logs you out.",
    "Is that the account ending in 4421?",
    "I will call you back by 3 pm today with the engineer's arrival time.",
    "I'll email the refund confirmation within the hour.",
    "We'll look into it and someone will get back to you.",
    "As I mentioned, the refund takes five to seven working days.",
    "Please calm down so I can help you.",
    "If you let me explain, it's our policy to review the meter first.",
    "There's a CSC flag on the account, which is a billing hold, so I've lifted it.",
    "The ticket went to L2 with an SLA of 48 hours.",
    "I think it's probably a problem with the router.",
    "Would you be interested in upgrading to our premium plan?",
    "That way you can approve payroll for your team before Friday.",
    "We keep coming back to the refund, so let's fix that now.",
    "To recap: the charge was duplicated, I've reversed it, you'll see the money by Thursday, "
    "and my direct line is 0161 555 0199.",
    "Okay.",
    "Mhm.",
    "Thanks for waiting, Dana.",
    "Let me check that for you.",
    "Your new card will arrive in three to five working days.",
    "It sounds like this has been going on all week.",
    "Our records show the parcel was left with a neighbour at number 12.",
]


def _nonce(number: int) -> str:
    """A made-up lower-case word, different for every number (no digits, no real word)."""
    syllables = ("ka", "zu", "mo", "ri", "tep", "lox", "vi", "dra", "qen", "bu")
    word = "x"
    while True:
        word += syllables[number % 10]
        number //= 10
        if not number:
            return word


def build_turns(
    count: int, rng: random.Random, *, cold: bool = True
) -> list[tuple[str, list[str]]]:
    turns = []
    for number in range(count):
        sentences = rng.sample(AGENT_SENTENCES, rng.choice((1, 1, 2, 2, 3, 4)))
        if cold:  # a made-up word in every sentence: nothing is seen twice
            sentences = [
                f"{s[:-1]}, {_nonce(number * 4 + index)}{s[-1]}"
                for index, s in enumerate(sentences)
            ]
        context = rng.sample(CUSTOMER_TURNS, rng.randint(1, 4))
        turns.append((" ".join(sentences), context))
    return turns


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--turns", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--warm", action="store_true", help="let sentences repeat")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    turns = build_turns(args.turns + 200, rng, cold=not args.warm)
    glossary = {"CSC flag": "a billing hold", "L2": "the second-line technical team"}
    for text, context in turns[:200]:  # warm up imports and the regex engine
        detect(text, context=context, glossary=glossary, customer_name="Dana Ruiz")
    durations = []
    for text, context in turns[200:]:
        started = time.thread_time()
        detect(text, context=context, glossary=glossary, customer_name="Dana Ruiz")
        durations.append((time.thread_time() - started) * 1e6)
    durations.sort()
    median = statistics.median(durations)
    p95 = durations[int(len(durations) * 0.95)]
    # A 150-turn call: 75 agent turns, with fresh sentences.
    call = build_turns(75, random.Random(args.seed + 1), cold=not args.warm)
    call = [(f"{text} ", context) for text, context in call]
    started = time.thread_time()
    history: list[str] = []
    for text, context in call:
        detect(text, context=context, agent_history=history, glossary=glossary)
        history.append(text)
    call_ms = (time.thread_time() - started) * 1e3
    print(f"turns: {len(durations)} ({'warm' if args.warm else 'cold'})")
    print(f"median: {median:.0f} µs per turn")
    print(f"p95:    {p95:.0f} µs per turn")
    print(f"150-turn call (75 agent turns): {call_ms:.1f} ms")


if __name__ == "__main__":
    main()
