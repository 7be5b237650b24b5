"""The words pages use for Sparring's ids, in one place.

Behavior ids, marker names, outcomes, persona types and metric names are contracts between the
scorer, the customer, the database and the files (`impact_naming`, `fix_before_question`,
`hung_up`, `median_response_gap_s`); pages never show them raw. Templates use the filters
registered by `register` (`behavior_label`, `marker_label`, `outcome_label`, `kind_label`,
`metric_label`, `metric_value`, `day`) and the `local` filter for times, so every date on every
page has one format."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from jinja2 import Environment

DATE_FORMAT = "%d %b %Y"  # 07 Dec 2026
TIME_FORMAT = "%H:%M"
DATETIME_FORMAT = f"{DATE_FORMAT}, {TIME_FORMAT}"

BEHAVIOR_LABELS: dict[str, str] = {
    "active_listening": "Active listening",
    "patience_under_repetition": "Patience under repetition",
    "impact_naming": "Naming the impact",
    "deescalation": "De-escalation",
    "tone_calibration": "Tone calibration",
    "self_regulation": "Self-regulation",
    "clarity": "Clarity",
    "customer_language": "The customer's language",
    "ownership": "Ownership",
    "forwardable_summary": "Forwardable summary",
}

MARKER_LABELS: dict[str, str] = {
    # the markers the scorer detects in agent turns
    "apology": "apology",
    "clarifying_question": "clarifying question",
    "closed_question": "closed question",
    "cross_sell": "cross-sell during a service call",
    "customer_job_reference": "refers to what the customer is trying to do",
    "defensive": "defensive phrasing",
    "diffuse_commitment": "vague promise (we'll look into it)",
    "filler": "filler words",
    "generic_empathy": "generic empathy",
    "hedge": "hedging",
    "impact_named": "names the customer's impact",
    "interruption": "interrupted the customer",
    "jargon": "internal jargon",
    "jargon_explained": "jargon explained",
    "open_question": "open question",
    "ownership_commitment": "commitment with an action and a time",
    "paraphrase": "paraphrase",
    "pattern_named": "names the loop and pivots",
    "repeat_reference": "pointed back to an earlier answer (as I mentioned)",
    "summary": "summary",
    "told_to_calm_down": "told the customer to calm down",
    "vague_follow_up": "vague follow-up",
    "wrong_name": "wrong customer name",
    # what the behaviors add as evidence
    "bureaucratic": "bureaucratic wording",
    "clipped_repeat_answer": "clipped answer to a repeated question",
    "clipped_turn": "clipped reply",
    "copied_reply": "copy-pasted reply",
    "customer_confused": "customer was confused",
    "customer_escalated": "customer escalated",
    "customer_left": "customer hung up",
    "disengaged": "disengaged reply",
    "engaged_turn": "engaged reply",
    "engagement_drop": "engagement dropped",
    "even_pace": "even pace",
    "filler_only": "filler-only reply",
    "fix_before_impact": "offered a fix before naming the impact",
    "fix_before_question": "offered a fix before asking a question",
    "fix_offered": "fix offered",
    "full_repeat_answer": "full answer to a repeated question",
    "held_pace": "kept a steady pace",
    "long_sentences": "long sentences to a heated message",
    "short_sentences": "short, plain sentences to a heated message",
    "internal_codes": "summary in internal codes",
    "no_customer_job": "never mentions what the customer is trying to do",
    "no_impact_named": "no impact named",
    "no_summary": "no closing summary",
    "pivot_to_solution": "pivots to solving",
    "plain_language": "plain language",
    "product_led": "leads with the product",
    "repeat_not_answered": "a repeated question left unanswered",
    "request_without_commitment": "request without a commitment",
    "response_gap": "response gap",
    "rushed_reply": "rushed reply",
    "shorter_repeat_answer": "shorter answer to a repeated question",
    "slowed_down": "slowed down",
    "slowing_replies": "replies slowing down",
    "sped_up": "sped up",
    "summary_contact": "summary: direct contact",
    "summary_what_happened": "summary: what happened",
    "summary_what_was_done": "summary: what was done",
    "summary_when": "summary: when to expect resolution",
    "terse_replies": "terse replies",
}

OUTCOME_LABELS: dict[str, str] = {
    "resolved": "resolved",
    "hung_up": "the customer hung up",
    "ended": "ended by the agent",
}

KIND_LABELS: dict[str, str] = {
    # persona types, quadrants, channels
    "hostile": "hostile",
    "repetitive": "repetitive",
    "multi_issue": "several issues",
    "calm": "calm",
    "confused": "confused",
    "calm_resolution": "calm, wants a resolution",
    "calm_reassurance": "calm, wants reassurance",
    "escalated_resolution": "escalated, wants a resolution",
    "escalated_reassurance": "escalated, wants reassurance",
    "chat": "chat",
    "voice": "voice",
}

METRIC_LABELS: dict[str, tuple[str, str]] = {
    # name -> (label, unit)
    "interruptions_per_min": ("Interruptions per minute", ""),
    "interruption_rate": ("Share of turns that interrupt", "%"),
    "median_response_gap_s": ("Typical pause before you answer", "s"),
    "agent_wpm": ("Your pace", "words/min"),
    "customer_wpm": ("Customer's pace", "words/min"),
    "talk_ratio": ("Your share of the talking", "%"),
    "hedges": ("Hedges", ""),
    "open_questions": ("Open questions", ""),
    "closed_questions": ("Closed questions", ""),
}


def _humanize(name: str) -> str:
    return name.replace("_", " ")


def behavior_label(behavior_id: str | None) -> str:
    if not behavior_id:
        return ""
    return BEHAVIOR_LABELS.get(behavior_id, _humanize(behavior_id).capitalize())


def marker_label(marker: str | None) -> str:
    if not marker:
        return ""
    return MARKER_LABELS.get(marker, _humanize(marker))


def outcome_label(outcome: str | None) -> str:
    if not outcome:
        return ""
    return OUTCOME_LABELS.get(outcome, _humanize(outcome))


def kind_label(kind: str | None) -> str:
    if not kind:
        return ""
    return KIND_LABELS.get(kind, _humanize(kind))


def metric_label(name: str) -> str:
    return METRIC_LABELS.get(name, (_humanize(name).capitalize(), ""))[0]


def metric_value(value: Any, name: str) -> str:
    """A metric with its unit; ratios (0–1) as percentages; `—` when there is no value."""
    if value is None:
        return "—"
    unit = METRIC_LABELS.get(name, ("", ""))[1]
    if unit == "%":
        return f"{round(float(value) * 100)} %"
    if isinstance(value, float):
        value = f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{value} {unit}".strip()


def day(value: date | datetime | None) -> str:
    """A calendar date in the pages' one date format."""
    if value is None:
        return ""
    return value.strftime(DATE_FORMAT)


def register(env: Environment) -> None:
    env.filters.update(
        behavior_label=behavior_label,
        marker_label=marker_label,
        outcome_label=outcome_label,
        kind_label=kind_label,
        metric_label=metric_label,
        metric_value=metric_value,
        day=day,
    )
