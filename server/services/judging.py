"""The LLM judge in the product: when an LLM is configured (`SPARRING_LLM_MODEL`, with
`SPARRING_LLM_BASE_URL` and `SPARRING_LLM_API_KEY`) and `SPARRING_LLM_JUDGE` is on, every score
the web app, `sparring practice` and `sparring score --judge` produce asks `scorer.judge` per
behavior on top of the marker rules; the markers decide every behavior the judge gives no
verified verdict for, and the report says which layer decided and why.

The web app asks the judge before it opens the transaction that stores the end of a
conversation (`prepare`), so no database lock is held while the model thinks; `take` hands the
verdicts to the scoring inside the transaction, for that session and exactly that transcript.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import openai
from pydantic import SecretStr

from scorer import BEHAVIORS, BehaviorResult, Transcript
from scorer.judge import LLMJudge
from scorer.scoring import Judge
from server.settings import Settings

log = logging.getLogger(__name__)

NO_JUDGE = (
    "no LLM judge is configured; set SPARRING_LLM_MODEL (with SPARRING_LLM_BASE_URL and "
    "SPARRING_LLM_API_KEY) to use one"
)
JUDGE_OFF = "the LLM judge is switched off (SPARRING_LLM_JUDGE=false)"


def _secret(value: object) -> str:
    return value.get_secret_value() if isinstance(value, SecretStr) else str(value or "")


def judge_status(settings: Settings) -> str | None:
    """Why scoring uses the markers only under `settings`; None when the judge is on."""
    if not settings.llm_model:
        return NO_JUDGE
    if not settings.llm_judge:
        return JUDGE_OFF
    return None


def judge_from_settings(settings: Settings) -> LLMJudge | None:
    """The LLM judge `settings` configure, None when there is none (see `judge_status`)."""
    if judge_status(settings) is not None:
        return None
    return _judge(
        settings.llm_base_url or None,
        _secret(settings.llm_api_key) or "not-needed",
        settings.llm_model,
        settings.llm_judge_timeout_s,
    )


@lru_cache(maxsize=8)
def _judge(base_url: str | None, api_key: str, model: str, timeout: float) -> LLMJudge:
    # One client per endpoint for the process: its connections are reused across reports.
    client = openai.OpenAI(base_url=base_url, api_key=api_key, timeout=timeout, max_retries=0)
    return LLMJudge(client, model)


# --- the web app: ask before the transaction, score inside it ---------------------------------

_lock = threading.Lock()
_configured: LLMJudge | None = None
_prepared: OrderedDict[int, PreparedVerdicts] = OrderedDict()
KEEP_PREPARED = 256


@dataclass(frozen=True)
class PreparedVerdicts:
    """The judge's answers for one transcript, asked earlier; a `scorer.score` judge. When the
    transcript scored differs from the one the judge read (a turn stored since, or timings
    filled in), a verdict is kept only while every quote it cites is still in its turn."""

    turns: tuple[Any, ...]
    verdicts: Mapping[str, BehaviorResult | str]
    name: str

    def __call__(
        self, transcript: Transcript, behaviors: Sequence[str]
    ) -> dict[str, BehaviorResult | str]:
        return {b: self._verdict(b, transcript) for b in behaviors}

    def _verdict(self, behavior: str, transcript: Transcript) -> BehaviorResult | str:
        verdict = self.verdicts.get(behavior, "the judge was not asked about this behavior")
        if isinstance(verdict, str) or transcript.turns == self.turns:
            return verdict
        turns = transcript.turns
        for item in verdict.evidence:
            if not (0 <= item.turn < len(turns) and item.quote in turns[item.turn].text):
                return (
                    "the conversation changed after the judge was asked, and its quote "
                    f"{item.quote!r} is no longer in turn {item.turn}"
                )
        return verdict


def configure(settings: Settings) -> None:
    """Use the judge `settings` configure for the web app's scores from now on."""
    global _configured
    with _lock:
        _configured = judge_from_settings(settings)
        _prepared.clear()


def configured() -> LLMJudge | None:
    with _lock:
        return _configured


def prepare(session_id: int, transcript: Transcript) -> None:
    """Ask the configured judge about `transcript` now (call it outside any transaction); the
    verdicts wait for `take`. Does nothing when no judge is configured."""
    judge = configured()
    if judge is None:
        return
    verdicts = judge(transcript, BEHAVIORS)
    decided = sum(isinstance(v, BehaviorResult) for v in verdicts.values())
    log.info(
        "practice session %s: the judge decided %d of %d behaviors",
        session_id,
        decided,
        len(verdicts),
    )
    with _lock:
        _prepared[session_id] = PreparedVerdicts(transcript.turns, verdicts, judge.name)
        _prepared.move_to_end(session_id)
        while len(_prepared) > KEEP_PREPARED:
            _prepared.popitem(last=False)


def peek(session_id: int | None) -> Judge | None:
    """What `take` would give, leaving the prepared verdicts in place (for scoring ahead of a
    write that may still be refused; `take` them once it is stored)."""
    with _lock:
        prepared = _prepared.get(session_id) if session_id is not None else None
        return prepared if prepared is not None else _configured


def take(session_id: int | None) -> Judge | None:
    """The judge for scoring `session_id` now: the verdicts `prepare` asked for (the transcript
    is checked when they are used), else the configured judge itself, else None."""
    with _lock:
        prepared = _prepared.pop(session_id, None) if session_id is not None else None
        return prepared if prepared is not None else _configured
