"""Repeated customer questions, found with bit masks over a moving window, match a plain
pairwise comparison on long calls (where the masks are moved down many times)."""

from __future__ import annotations

import random

from scorer.conversation import REPEAT_OVERLAP, REPEAT_WINDOW, Conversation, _question_words
from scorer.text import content_words
from scorer.transcript import Transcript, Turn

WORDS = [
    "refund",
    "router",
    "engineer",
    "broadband",
    "invoice",
    "parcel",
    "card",
    "bill",
    "fee",
    "credit",
    "account",
    "line",
]


def _plain_repeats(conversation: Conversation) -> dict[int, tuple[int, int]]:
    """turn -> (original, times asked again), by comparing every pair in the window."""
    found: dict[int, tuple[int, int]] = {}
    asked: dict[int, int] = {}
    seen: list[tuple[int, frozenset[str]]] = []
    for order, index in enumerate(conversation.customer_turns):
        text = conversation.turns[index].text
        whole = content_words(text)
        best: tuple[float, int] | None = None
        for words_here in (whole, *_question_words(text, whole)):
            if len(words_here) < 2:
                continue
            for earlier, words_then in seen[max(0, order - REPEAT_WINDOW) : order]:
                if not words_then:
                    continue
                score = len(words_here & words_then) / min(len(words_here), len(words_then))
                if score >= REPEAT_OVERLAP and (
                    best is None or score > best[0] or score == best[0] and earlier < best[1]
                ):
                    best = (score, earlier)
        if best is not None:
            original = found[best[1]][0] if best[1] in found else best[1]
            asked[original] = asked.get(original, 0) + 1
            found[index] = (original, asked[original])
        seen.append((index, whole))
    return found


def test_repeats_match_the_pairwise_comparison_over_a_long_call():
    rng = random.Random(7)
    turns = []
    for number in range(600):
        if number % 2:
            turns.append(Turn("agent", "Let me check that for you."))
            continue
        picked = rng.sample(WORDS, rng.randint(1, 6))
        text = "When is my " + " and ".join(picked) + " sorted?"
        if rng.random() < 0.3:
            text = "This is ridiculous. " + text
        turns.append(Turn("customer", text))
    conversation = Conversation(Transcript(tuple(turns)))
    found = {i: (r.original, r.count) for i, r in conversation.repeats.items()}
    assert found == _plain_repeats(conversation)
    assert len(found) > 100
    assert max(i - original for i, (original, _) in found.items()) > 2 * REPEAT_WINDOW
