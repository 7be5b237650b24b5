"""The text scorecard: one line per behavior, evidence with time or turn, coaching, metrics."""

from __future__ import annotations

from pathlib import Path

import scorer
from scorer.render import clock

FIXTURES = Path(__file__).parent / "fixtures"


def test_clock() -> None:
    assert clock(0) == "00:00"
    assert clock(75.9) == "01:15"
    assert clock(3723) == "1:02:03"


def test_timed_evidence_shows_the_time() -> None:
    transcript = scorer.load(FIXTURES / "patience_under_repetition/poor_utilities.vtt")
    report = scorer.score(transcript, behaviors=["patience_under_repetition"])
    text = scorer.render_text(report, transcript)
    lines = text.splitlines()
    name, score, level = lines[0].split()
    assert (name, level) == ("patience_under_repetition", "poor")
    assert score.endswith("/100") and int(score.split("/")[0]) < 40
    assert '  [00:20] "As I mentioned, we couldn\'t read the meter."' in text
    assert any(line.startswith("  → ") and "As I mentioned" in line for line in lines)
    assert "metrics" in lines
    assert "  median_response_gap_s: 1.0" in lines
    assert "  agent_wpm: " in text


def test_chat_evidence_shows_the_turn_and_na_lines() -> None:
    transcript = scorer.load(FIXTURES / "ownership/poor_ecommerce.json")
    text = scorer.render_text(scorer.score(transcript), transcript)
    assert '  turn 1 "We\'ll look into it."' in text
    assert "deescalation" in text and "n/a" in text
    assert "  interruptions_per_min: —" in text
