"""Sparring's scorer: transcripts in, scores with evidence out. A pure library.

import scorer
report = scorer.score(scorer.load("call.vtt"), behaviors=["ownership"])
print(scorer.render_text(report, transcript))

`scorer.MODE` says whether the compiled modules run or the Python sources (see `_compiled.py`).
"""

from pathlib import Path

from scorer._compiled import Mode, choose

# Before any other submodule is imported: it decides where they load from.
MODE: Mode = choose(__name__, Path(__file__).parent)

from scorer.behaviors import BEHAVIORS  # noqa: E402
from scorer.render import render_text  # noqa: E402
from scorer.report import (  # noqa: E402
    LEVELS,
    SCORER_VERSION,
    BehaviorResult,
    Evidence,
    Metrics,
    Report,
    level_for,
)
from scorer.scoring import score  # noqa: E402
from scorer.transcript import Transcript, TranscriptError, Turn, load  # noqa: E402

__all__ = [
    "BEHAVIORS",
    "LEVELS",
    "MODE",
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
