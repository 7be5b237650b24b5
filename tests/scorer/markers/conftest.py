"""Helpers for the marker tests: run `detect` and check every quote against the text."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pytest

from scorer.markers import MARKERS, MarkerHit, detect

Detect = Callable[..., list[str]]


def check_hits(text: str, hits: Sequence[MarkerHit]) -> None:
    """Every hit names a known marker and quotes the text exactly, in order of start."""
    for item in hits:
        assert item.marker in MARKERS
        assert item.quote, item
        assert text[item.start : item.start + len(item.quote)] == item.quote, item
    assert [h.start for h in hits] == sorted(h.start for h in hits)


@pytest.fixture
def check() -> Callable[[str, Sequence[MarkerHit]], None]:
    """The quote check, for tests that call `detect` themselves."""
    return check_hits


@pytest.fixture
def markers() -> Detect:
    """`markers(text, context=…, …)` -> the marker names found, after checking the quotes."""

    def run(
        text: str,
        *,
        context: Sequence[str] | str = (),
        agent_history: Sequence[str] = (),
        glossary: Mapping[str, str] | None = None,
        customer_name: str | None = None,
    ) -> list[str]:
        turns = [context] if isinstance(context, str) else list(context)
        hits = detect(
            text,
            context=turns,
            agent_history=agent_history,
            glossary=glossary,
            customer_name=customer_name,
        )
        check_hits(text, hits)
        return [h.marker for h in hits]

    return run
