"""A readable scorecard for the terminal."""

from __future__ import annotations

from scorer.report import Report
from scorer.transcript import Transcript


def clock(seconds: float) -> str:
    """`mm:ss`, or `h:mm:ss` past the hour."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def render_text(report: Report, transcript: Transcript) -> str:
    """Per behavior: score and level, the evidence with its time (or turn), the coaching;
    then the metrics."""
    lines: list[str] = []
    if report.judge is not None:
        lines += [f"LLM judge: {report.judge}; the markers decide where it gives no verdict", ""]
    width = max((len(name) for name in report.behaviors), default=0)
    for name, result in report.behaviors.items():
        figure = "n/a" if result.score is None else f"{result.score:3d}/100 {result.level}"
        source = "  (judge)" if name in report.judged else ""
        lines.append(f"{name.ljust(width)}  {figure}{source}")
        if name in report.judge_notes:
            lines.append(f"  markers decided; judge skipped: {report.judge_notes[name]}")
        for item in result.evidence:
            where = clock(item.time) if item.time is not None else None
            place = f"[{where}]" if where else f"turn {item.turn}"
            speaker = ""
            if 0 <= item.turn < len(transcript.turns):
                speaker = f" {transcript.turns[item.turn].speaker}"
            lines.append(f'  {place} "{item.quote}"  ({item.effect} {item.marker}{speaker})')
        if result.coaching:
            lines.append(f"  → {result.coaching}")
        lines.append("")
    lines.append("metrics")
    for key, value in report.metrics.to_dict().items():
        lines.append(f"  {key}: {'—' if value is None else value}")
    return "\n".join(lines) + "\n"
