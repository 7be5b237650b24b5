"""Sparring's scorer: transcripts in, scores with evidence out. A pure library.

import scorer
report = scorer.score(scorer.load("call.vtt"), behaviors=["ownership"])
print(scorer.render_text(report, transcript))
"""

from scorer.behaviors import BEHAVIORS
from scorer.render import render_text
from scorer.report import (
    LEVELS,
    SCORER_VERSION,
    BehaviorResult,
    Evidence,
    Metrics,
    Report,
    level_for,
)
from scorer.scoring import score
from scorer.transcript import Transcript, TranscriptError, Turn, load

__all__ = [
    "BEHAVIORS",
    "LEVELS",
    "SCORER_VERSION",
    "BehaviorResult",
    "Evidence",
    "Metrics",
    "Report",
    "Transcript",
    "TranscriptError",
    "Turn",
    "level_for",
    "load",
    "render_text",
    "score",
]
