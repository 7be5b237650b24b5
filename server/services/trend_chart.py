"""Geometry of a small server-rendered SVG line chart of scores (0–100) over attempts.

The template draws the shapes; this module only places them, so the chart needs no JavaScript
and the same numbers are listed in a table next to it."""

from __future__ import annotations

from dataclasses import dataclass

from server.services.agent_progress import BehaviorTrend

WIDTH = 320
HEIGHT = 140
PAD_LEFT = 34
PAD_RIGHT = 12
PAD_TOP = 10
PAD_BOTTOM = 22


@dataclass(frozen=True)
class ChartDot:
    x: float
    y: float
    score: int
    label: str  # text of the dot's tooltip
    targeted: bool
    session_id: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    dots: list[ChartDot]
    polyline: str  # "x,y x,y …" for <polyline points=…>
    threshold_y: float
    gridlines: list[tuple[int, float]]  # (score, y) for 0, 50 and 100


def _y(score: float) -> float:
    plot_height = HEIGHT - PAD_TOP - PAD_BOTTOM
    return round(PAD_TOP + plot_height * (1 - score / 100), 1)


def chart_of(trend: BehaviorTrend) -> Chart:
    """Dots evenly spaced by attempt (oldest on the left), scores on a 0–100 scale, with the
    pass threshold as a horizontal line."""
    left, right = PAD_LEFT, WIDTH - PAD_RIGHT
    count = len(trend.points)
    step = (right - left) / (count - 1) if count > 1 else 0.0
    dots = []
    for i, point in enumerate(trend.points):
        x = round(left + step * i if count > 1 else (left + right) / 2, 1)
        when = point.at.strftime("%Y-%m-%d %H:%M")
        practised = "practised" if point.targeted else "scored in another week's attempt"
        dots.append(
            ChartDot(
                x=x,
                y=_y(point.score),
                score=point.score,
                label=f"{when}: {point.score} ({point.level}, {practised})",
                targeted=point.targeted,
                session_id=point.session_id,
            )
        )
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        plot_left=left,
        plot_right=right,
        dots=dots,
        polyline=" ".join(f"{dot.x},{dot.y}" for dot in dots),
        threshold_y=_y(trend.threshold),
        gridlines=[(value, _y(value)) for value in (0, 50, 100)],
    )
