"""The one value every marker family produces."""

from __future__ import annotations

from typing import NamedTuple

from scorer.markers.text import Span


class MarkerHit(NamedTuple):
    """A marker found in an agent turn, with the exact span of the turn that shows it (an
    immutable value; a named tuple, since every family makes many)."""

    marker: str
    quote: str
    start: int


def hit(marker: str, span: Span) -> MarkerHit:
    """The hit for `marker` quoting `span` (a clause or sentence of the turn)."""
    return MarkerHit(marker=marker, quote=span.text, start=span.start)
