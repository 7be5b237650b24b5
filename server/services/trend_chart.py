"""Geometry of the server-rendered SVG line chart of one behavior's scores (0–100) over time.

This module places the shapes; the `trend_chart` macro in `web/templates/_macros.html` draws
them, so the chart needs no JavaScript, and `trend_table` lists the same points as a table.
The agent's history draws it WIDE, the manager's agent page COMPACT."""

from __future__ import annotations

from dataclasses import dataclass

from server.services.progress import Progress, TrendPoint

PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 36, 14, 14, 24
GRID = (0, 50, 100)
LABEL_GAP = 8  # a gridline this close to the threshold gives way to the threshold's label


@dataclass(frozen=True)
class ChartSize:
    width: int
    height: int
    dot_radius: int


WIDE = ChartSize(600, 220, 6)
COMPACT = ChartSize(320, 150, 5)


@dataclass(frozen=True)
class ChartDot:
    x: float
    y: float
    point: TrendPoint
    passed: bool  # the score meets the threshold
    label: str  # the dot's tooltip and accessible name

    @property
    def session_id(self) -> int:
        return self.point.session_id

    @property
    def targeted(self) -> bool:
        return self.point.targeted


@dataclass(frozen=True)
class Chart:
    progress: Progress
    size: ChartSize
    left: int  # the plot's x range
    right: int
    dots: list[ChartDot]
    path: str  # "M x,y L x,y …" through the dots, for <path d=…>
    threshold_y: float
    gridlines: list[tuple[int, float]]  # (score, y), labelled on the axis like the threshold
    title: str  # the chart's accessible summary


def _y(score: float, size: ChartSize) -> float:
    plot_height = size.height - PAD_TOP - PAD_BOTTOM
    return round(PAD_TOP + plot_height * (1 - score / 100), 1)


def dot_label(point: TrendPoint, passed: bool) -> str:
    attempt = point.attempt
    practised = "" if point.targeted else f", while practising week {attempt.week}"
    return (
        f"{point.at:%d %b %Y %H:%M}: {point.score} ({point.level}, "
        f"{'pass' if passed else 'not yet'}) on {attempt.scenario_title}{practised}"
    )


def _dots(progress: Progress, size: ChartSize, left: int, right: int) -> list[ChartDot]:
    count = len(progress.points)
    step = (right - left) / (count - 1) if count > 1 else 0.0
    dots = []
    for i, point in enumerate(progress.points):
        x = round(left + step * i if count > 1 else (left + right) / 2, 1)
        passed = point.score >= progress.threshold
        dots.append(ChartDot(x, _y(point.score, size), point, passed, dot_label(point, passed)))
    return dots


def chart_of(progress: Progress, size: ChartSize = WIDE) -> Chart:
    """Dots evenly spaced by attempt (oldest on the left), scores on a 0–100 scale, with the
    pass threshold as a horizontal line."""
    left, right = PAD_LEFT, size.width - PAD_RIGHT
    dots = _dots(progress, size, left, right)
    scores = ", ".join(str(p.score) for p in progress.points)
    return Chart(
        progress=progress,
        size=size,
        left=left,
        right=right,
        dots=dots,
        path=" ".join(f"{'M' if i == 0 else 'L'}{d.x},{d.y}" for i, d in enumerate(dots)),
        threshold_y=_y(progress.threshold, size),
        gridlines=[
            (value, _y(value, size))
            for value in GRID
            if abs(value - progress.threshold) >= LABEL_GAP
        ],
        title=f"{progress.title}: scores {scores} against threshold {progress.threshold}",
    )
