"""Recorded real calls, graded by the same scorer as practice: import (transcripts and stereo
audio), transcription, the processing job (in-process or Celery) and retention."""
