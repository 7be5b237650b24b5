"""Scorer benchmark (a plain script, not a test): all ten behaviors on a 150-turn call and on a
1,500-turn call, pinned to one core, median of repeated runs.

    .venv/bin/python tests/benchmarks/bench_scorer.py [--runs 20]
    .venv/bin/python tests/benchmarks/bench_scorer.py --instructions   # needs valgrind

The calls are built from templates across six industries, filled with varied names, products,
amounts, dates and references, so that no sentence occurs twice, within a call or across runs:
a real call's sentences are new, and the per-text caches of the marker layer must not hide the
cost. Every run scores a call it has never seen ("cold", the headline figure); a second figure
scores the same call again ("warm", what the caches give a re-score).

Targets: a cold 150-turn call ≤ 300 ms; 1,500 turns within 10× of that (no quadratic work:
every look back over the call reads a bounded window of turns).

Milliseconds depend on the machine, on how the Python was built and on whether the scorer runs
compiled (printed first; `SPARRING_PURE_PYTHON=1` times the Python sources), and a shared virtual
machine can run at half speed for minutes at a time. `--instructions` counts instead, with
valgrind's callgrind, the instructions one cold 150-turn call takes: the same figure on any
machine, for telling whether a change made the scorer faster (it takes under a minute).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import time
from itertools import islice
from typing import Any

import scorer
from scorer import conversation
from scorer.markers import MarkerHit
from scorer.transcript import Transcript, Turn

INDUSTRIES: dict[str, dict[str, tuple[str, ...]]] = {
    "telecom": {
        "thing": ("broadband", "fibre line", "mobile signal", "landline", "router", "TV box"),
        "fault": ("dropping every evening", "dead since the weekend", "crawling at night"),
        "team": ("the network team", "our field engineers", "the line test desk"),
        "action": ("book an engineer", "run a line test", "send a new router"),
    },
    "banking": {
        "thing": ("debit card", "savings account", "overdraft", "standing order", "mortgage"),
        "fault": ("declined at the till", "charged a fee twice", "frozen without warning"),
        "team": ("the fraud team", "our payments desk", "the card services team"),
        "action": ("reverse the fee", "unblock the card", "order a replacement card"),
    },
    "travel": {
        "thing": ("flight to Lisbon", "hotel booking", "rail pass", "car hire", "ferry crossing"),
        "fault": ("cancelled at the gate", "double booked", "moved without notice"),
        "team": ("the refunds team", "our airport desk", "the bookings team"),
        "action": ("rebook the seat", "refund the fare", "move the booking"),
    },
    "saas": {
        "thing": ("payroll export", "admin login", "calendar sync", "invoice portal", "API key"),
        "fault": ("failing every morning", "locked after the update", "missing half the data"),
        "team": ("the platform team", "our identity team", "second-line support"),
        "action": ("reset the sync", "restore the seats", "unlock the admin account"),
    },
    "utilities": {
        "thing": ("gas bill", "smart meter", "electricity account", "water bill", "direct debit"),
        "fault": ("estimated three times", "reading zero since March", "doubled overnight"),
        "team": ("the metering team", "our billing desk", "the field team"),
        "action": ("take a manual reading", "rebill the account", "refund the overpayment"),
    },
    "ecommerce": {
        "thing": ("parcel", "kettle order", "return label", "gift voucher", "sofa delivery"),
        "fault": ("marked delivered but missing", "sent to the wrong address", "arrived broken"),
        "team": ("the courier desk", "our warehouse team", "the returns team"),
        "action": ("send a replacement", "refund the order", "open a courier claim"),
    },
}
FIRST = ("Dana", "Harold", "Joan", "Priya", "Tomasz", "Aisha", "Marcus", "Elena", "Kofi", "Ruth")
LAST = ("Ruiz", "Jennings", "Hale", "Sharma", "Nowak", "Khan", "Boyd", "Rossi", "Mensah", "Webb")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
NEEDS = (
    "I work from home",
    "my rent goes out on Friday",
    "my daughter's birthday is this weekend",
    "I run a small shop",
    "I've got clients waiting",
    "I'm travelling for a funeral",
    "payroll has to go out today",
    "I look after my mum",
)
CUSTOMER = (
    "My {thing} has been {fault} since {day} the {date} and {need}.",
    "I've called {n} times about the {thing} since the {date} and nobody has fixed it!",
    "When will the {thing} from order {ref} actually be sorted? This is ridiculous, I've lost "
    "£{amount}.",
    "Okay, and will I get the £{amount} back for the {n} days it was {fault}?",
    "What does {code} on the {thing} letter mean, when I just want it working by {day}?",
    "Fine, can you send that to {email} please, with reference {ref} on it?",
    "So when exactly is someone going to look at my {thing}, {n} weeks after case {ref}?",
    "That's not good enough after {n} calls and £{amount} lost. When will my {thing} from "
    "the {date} be fixed, "
    "because {need}?",
)
AGENT = (
    "So the {thing} has been {fault} since {day}, and with {need_you} that's a real problem. "
    "Which {detail} is the {thing} under, the one ending {last4}?",
    "Thanks for bearing with me on the {thing} since the {date}, {first}. I can see it on "
    "{team}'s list; I will "
    "{action} by {hour} pm {when} and text you on {phone}.",
    "I can hear we keep coming back to the {thing}, so let's pin it down: {when}, {hour} to "
    "{hour2}.",
    "Yes, I've applied a credit of £{amount} for the {n} days; it shows on your {month} bill.",
    "{code}, that's the code our system uses for a {thing} fault, and it means we fix case "
    "{ref} remotely.",
    "To recap: your {thing} was {fault}; I've asked {team} to {action}; call me on {phone}, "
    "reference {ref}.",
    "I'm sorry, {title} {last}, you shouldn't have had to chase case {ref} {n} times.",
    "Before I change anything, can I ask which {detail} the {thing} has used since the {date}?",
    "Let me make sure I have this right: the {thing} went {fault} on {day} and {need_you}.",
    "Mhm.",
    "Your reference is {ref}, and {team} will have it within {n} hours.",
    "Would you like me to {action} on the one ending {last4} while you're on the line, {first}?",
)
DETAILS = ("address", "account", "email", "postcode", "phone number", "card", "booking")
MONTHS = ("January", "March", "May", "July", "September", "November")
CODES = ("ONT", "CSC", "PRN", "LTA", "BRX", "NTE", "DLQ", "MPAN")


class Filler:
    """Fills templates so that no sentence repeats: every fill draws fresh slot values and a
    counter makes amounts, references and phone numbers unique."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.count = seed * 100_003

    def values(self, industry: dict[str, tuple[str, ...]], first: str, last: str) -> dict[str, Any]:
        self.count += 1
        rng, count = self.rng, self.count
        need = rng.choice(NEEDS)
        return {
            "thing": rng.choice(industry["thing"]),
            "fault": rng.choice(industry["fault"]),
            "team": rng.choice(industry["team"]),
            "action": rng.choice(industry["action"]),
            "day": rng.choice(DAYS),
            "when": rng.choice(("today", "tomorrow", "on " + rng.choice(DAYS))),
            "need": need,
            "need_you": need.replace("I've", "you've")
            .replace("I'm", "you're")
            .replace("my", "your")
            .replace("I ", "you "),
            "n": rng.choice(("two", "three", "four", "five", "six")),
            "amount": f"{count % 997 + 3}.{count % 89:02d}",
            "code": rng.choice(CODES),
            "email": f"{first.lower()}.{last.lower()}{count % 977}@example.com",
            "ref": f"{rng.choice(('HLD', 'INC', 'ORD', 'CS'))}-{count % 99991 + 10000}",
            "first": first,
            "last": last,
            "title": rng.choice(("Mr", "Mrs", "Ms", "Dr")),
            "hour": rng.choice(("2", "3", "4", "5")),
            "hour2": rng.choice(("6", "7", "8")),
            "phone": f"0161 {count % 900 + 100} {count % 9000 + 1000}",
            "detail": rng.choice(DETAILS),
            "month": rng.choice(MONTHS),
            "last4": f"{count % 9000 + 1000}",
            "date": f"{count % 28 + 1}{'st' if count % 28 == 0 else 'th'}",
        }


def build_call(turns: int, seed: int) -> Transcript:
    """A call of `turns` turns (customer first, then alternating) whose sentences are new."""
    filler = Filler(seed)
    rng = filler.rng
    first, last = rng.choice(FIRST), rng.choice(LAST)
    industry = INDUSTRIES[rng.choice(sorted(INDUSTRIES))]
    built: list[Turn] = []
    clock = 0.0
    for index in range(turns):
        speaker = "customer" if index % 2 == 0 else "agent"
        template = rng.choice(CUSTOMER if speaker == "customer" else AGENT)
        text = template.format(**filler.values(industry, first, last))
        duration = len(text.split()) / 2.6
        built.append(Turn(speaker, text, clock, clock + duration))
        clock += duration + rng.uniform(0.4, 1.8)
    return Transcript(tuple(built), channel="voice", customer_name=f"{first} {last}")


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


def timed_scores(calls: list[Transcript]) -> list[tuple[float, float]]:
    """(milliseconds, share spent in marker detection) of scoring each call, in order."""
    timed = TimedDetect()
    conversation.detect = timed  # type: ignore[assignment]
    results = []
    try:
        for call in calls:
            timed.seconds = 0.0
            began = time.perf_counter()
            scorer.score(call)
            elapsed = time.perf_counter() - began
            results.append((elapsed * 1000, timed.seconds / elapsed))
    finally:
        conversation.detect = timed.detect
    return results


def medians(results: list[tuple[float, float]]) -> tuple[float, float]:
    return (
        statistics.median(ms for ms, _ in results),
        statistics.median(share for _, share in results),
    )


def measure_cold(runs: int) -> tuple[tuple[float, float], tuple[float, float]]:
    """Median (milliseconds, detection share) of new 150-turn calls and of new 1,500-turn
    calls. The two are measured in turns (a 1,500-turn call after every few 150-turn ones),
    so that both see the same machine: a shared machine's speed drifts from minute to minute,
    and measured one after the other the ratio would follow the drift."""
    scorer.score(build_call(150, seed=999_999))  # imports, compiled patterns
    large_runs = max(5, runs // 4)
    small_calls = [build_call(150, seed=run + 1) for run in range(runs)]
    large_calls = [build_call(1500, seed=100_000 + run) for run in range(large_runs)]
    every = max(1, runs // large_runs)
    order: list[Transcript] = []
    large_left = iter(large_calls)
    for number, call in enumerate(small_calls, start=1):
        order.append(call)
        if number % every == 0:
            order.extend(islice(large_left, 1))
    order.extend(large_left)
    results = timed_scores(order)
    small = [r for call, r in zip(order, results, strict=True) if len(call.turns) == 150]
    large = [r for call, r in zip(order, results, strict=True) if len(call.turns) == 1500]
    return medians(small), medians(large)


def measure_warm(runs: int) -> tuple[float, float]:
    """Median (milliseconds, detection share) of scoring the same 150-turn call again."""
    call = build_call(150, seed=1)
    scorer.score(call)
    return medians(timed_scores([call] * runs))


def check_unique(turns: int, calls: int) -> None:
    """Hardly a sentence repeats within or across the calls a run uses (else caches would
    help)."""
    from scorer.markers.text import split_sentences

    seen: set[str] = set()
    total = 0
    for seed in range(1, calls + 1):
        for turn in build_call(turns, seed).turns:
            for sentence in split_sentences(turn.text):
                if len(sentence.text.split()) > 2:
                    total += 1
                    seen.add(sentence.text)
    repeated = total - len(seen)
    if repeated > total * 0.02:
        raise SystemExit(f"{repeated} of {total} sentences repeat; widen the templates")
    print(f"{total} sentences of three words or more, {repeated} of them repeats")


def score_calls(count: int) -> None:
    """Score `count` new 150-turn calls after a warm-up (what `--instructions` counts)."""
    scorer.score(build_call(150, seed=999_999))
    calls = [build_call(150, seed=5000 + number) for number in range(8)]
    for call in calls[:count]:
        scorer.score(call)


def count_instructions(calls: int = 8) -> float:
    """Instructions per cold 150-turn call: a run that scores `calls` calls, less one that
    scores none (imports, warm-up and building the calls), both under callgrind."""
    runs = [
        subprocess.Popen(
            [
                "valgrind",
                "--tool=callgrind",
                "--callgrind-out-file=/dev/null",
                sys.executable,
                __file__,
                "--score-only",
                str(count),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for count in (0, calls)
    ]
    totals = []
    for run in runs:
        _, err = run.communicate()
        found = re.search(r"Collected : (\d+)", err)
        if run.returncode != 0 or found is None:
            raise SystemExit(f"valgrind failed (is it installed?):\n{err[-2000:]}")
        totals.append(int(found.group(1)))
    return (totals[1] - totals[0]) / calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="count instructions per cold 150-turn call with valgrind instead of timing",
    )
    parser.add_argument("--score-only", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.score_only is not None:
        score_calls(args.score_only)
        return
    if args.instructions:
        per_call = count_instructions()
        print(f"150-turn call, 10 behaviors, cold: {per_call / 1e6:.0f} M instructions per call")
        return
    print(f"Python {platform.python_version()} ({platform.python_implementation()})")
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    runs = max(5, args.runs)
    check_unique(150, runs)
    (small, small_share), (large, large_share) = measure_cold(runs)
    warm, warm_share = measure_warm(runs)
    print(
        f"150-turn call, 10 behaviors, cold:   median {small:7.2f} ms  (target ≤ 300 ms; "
        f"{small_share:.0%} in marker detection)"
    )
    print(
        f"1,500-turn call, 10 behaviors, cold: median {large:7.2f} ms  "
        f"({large / small:.1f}× the 150-turn call, target ≤ 10×; "
        f"{large_share:.0%} in marker detection)"
    )
    print(
        f"150-turn call, 10 behaviors, warm:   median {warm:7.2f} ms  (same call re-scored; "
        f"{warm_share:.0%} in marker detection)"
    )


if __name__ == "__main__":
    main()
