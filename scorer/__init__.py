"""Sparring's scorer: transcripts in, scores with evidence out. A pure library."""

from scorer.transcript import Transcript, TranscriptError, Turn, load

__all__ = ["Transcript", "TranscriptError", "Turn", "load"]
