"""Agreement between two raters' levels: raw agreement, a confusion matrix and Cohen's kappa
with quadratic weights over the ordered levels n/a < poor < average < good.

Used by `sparring scorer eval DIR` (scorer against labelled conversations) and by the manager's
calibration (scorer against the manager's own labels).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Ordered: quadratic weights treat n/a as one step below poor (the situation never arose).
ORDERED_LEVELS: tuple[str, ...] = ("n/a", "poor", "average", "good")


@dataclass(frozen=True)
class Agreement:
    """How well `expected` (the human) and `got` (the scorer) agree on one set of labels."""

    pairs: tuple[tuple[str, str], ...]
    levels: tuple[str, ...] = ORDERED_LEVELS

    @property
    def total(self) -> int:
        return len(self.pairs)

    @property
    def agreed(self) -> int:
        return sum(1 for expected, got in self.pairs if expected == got)

    @property
    def rate(self) -> float | None:
        return self.agreed / self.total if self.pairs else None

    def confusion(self) -> list[list[int]]:
        """Rows: expected level; columns: the scorer's level; both in `levels` order."""
        index = {level: i for i, level in enumerate(self.levels)}
        matrix = [[0] * len(self.levels) for _ in self.levels]
        for expected, got in self.pairs:
            matrix[index[expected]][index[got]] += 1
        return matrix

    @property
    def kappa(self) -> float | None:
        return quadratic_kappa(self.pairs, self.levels)


def agreement(
    pairs: Iterable[tuple[str, str]], levels: Sequence[str] = ORDERED_LEVELS
) -> Agreement:
    known = set(levels)
    checked = tuple(pairs)
    for expected, got in checked:
        if expected not in known or got not in known:
            raise ValueError(f"unknown level in ({expected!r}, {got!r}); expected one of {levels}")
    return Agreement(pairs=checked, levels=tuple(levels))


def quadratic_kappa(
    pairs: Sequence[tuple[str, str]], levels: Sequence[str] = ORDERED_LEVELS
) -> float | None:
    """Cohen's kappa with quadratic disagreement weights; None when undefined (no pairs, or
    both raters used a single level so that chance agreement is total)."""
    n = len(pairs)
    if n == 0:
        return None
    k = len(levels)
    index = {level: i for i, level in enumerate(levels)}
    observed = [[0.0] * k for _ in range(k)]
    for expected, got in pairs:
        observed[index[expected]][index[got]] += 1
    rows = [sum(observed[i]) for i in range(k)]
    cols = [sum(observed[i][j] for i in range(k)) for j in range(k)]
    weight = [[((i - j) ** 2) / ((k - 1) ** 2) for j in range(k)] for i in range(k)]
    disagreement_observed = sum(weight[i][j] * observed[i][j] for i in range(k) for j in range(k))
    disagreement_expected = sum(
        weight[i][j] * rows[i] * cols[j] / n for i in range(k) for j in range(k)
    )
    if disagreement_expected == 0:
        return None
    return 1.0 - disagreement_observed / disagreement_expected
