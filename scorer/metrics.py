"""Call metrics: interruptions, response gap, speaking pace, talk ratio and question counts.

Timing-based figures are None when the transcript carries no timings."""

from __future__ import annotations

from statistics import median

from scorer.conversation import Conversation
from scorer.report import Metrics

# Shorter turns are timing noise for pace (a 0.01 s "turn" would claim thousands of wpm).
MIN_TURN_SECONDS = 0.5


def _call_minutes(conv: Conversation) -> float | None:
    starts = [t.start for t in conv.turns if t.start is not None]
    ends = [t.end if t.end is not None else t.start for t in conv.turns if t.start is not None]
    if not starts:
        return None
    span = max(e for e in ends if e is not None) - min(starts)
    return span / 60 if span > 0 else None


def _wpm(conv: Conversation, indices: list[int]) -> int | None:
    spoken = [(conv.word_counts[i], conv.duration(i)) for i in indices]
    timed = [(c, s) for c, s in spoken if s is not None and s >= MIN_TURN_SECONDS]
    seconds = sum(s for _, s in timed)
    if not timed or seconds <= 0:
        return None
    return round(sum(c for c, _ in timed) * 60 / seconds)


def _talk_ratio(conv: Conversation) -> float | None:
    durations = [conv.duration(i) for i in range(len(conv.turns))]
    if conv.turns and all(d is not None and d > 0 for d in durations):
        agent = sum(d for i, d in enumerate(durations) if d and conv.turns[i].speaker == "agent")
        total = sum(d for d in durations if d)
    else:
        agent = sum(conv.word_counts[i] for i in conv.agent_turns)
        total = sum(conv.word_counts)
    return round(agent / total, 2) if total else None


def compute_metrics(conv: Conversation) -> Metrics:
    interruptions_per_min = interruption_rate = gap = None
    if conv.has_turn_ends:
        count = len(conv.agent_interruptions)
        replies = [i for i in conv.agent_turns if conv.previous_other[i] == i - 1]
        minutes = _call_minutes(conv)
        interruptions_per_min = round(count / minutes, 2) if minutes else None
        interruption_rate = round(count / len(replies), 3) if replies else None
        gaps = list(conv.agent_gaps.values())
        gap = round(median(gaps), 2) if gaps else None
    return Metrics(
        interruptions_per_min=interruptions_per_min,
        interruption_rate=interruption_rate,
        median_response_gap_s=gap,
        agent_wpm=_wpm(conv, conv.agent_turns),
        customer_wpm=_wpm(conv, conv.customer_turns),
        talk_ratio=_talk_ratio(conv),
        hedges=conv.count("hedge"),
        open_questions=conv.count("open_question"),
        closed_questions=conv.count("closed_question"),
    )
