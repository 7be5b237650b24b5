"""Typed models of a persona file (`scenarios/<id>.yaml`) and of `scenarios/curriculum.yaml`.

Every model forbids unknown keys, so a typo in a persona file is an error with its line number
instead of a silently ignored field. The field descriptions are the reference a trainer reads
(`sparring scenario schema` prints them as JSON Schema).

Mood runs from 0 (furious) to 10 (delighted). Marker names are the scorer's vocabulary
(`scorer.markers.MARKERS`); the loader checks them, because the scorer owns that list.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from scorer import BEHAVIORS

BEHAVIOR_IDS: tuple[str, ...] = BEHAVIORS
"""The ten behaviors in curriculum order (docs/formats.md), as the scorer defines them."""

BehaviorId = Literal[
    "active_listening",
    "patience_under_repetition",
    "impact_naming",
    "deescalation",
    "tone_calibration",
    "self_regulation",
    "clarity",
    "customer_language",
    "ownership",
    "forwardable_summary",
]
ScenarioType = Literal["hostile", "repetitive", "multi_issue", "calm", "confused"]
Quadrant = Literal[
    "calm_resolution", "calm_reassurance", "escalated_resolution", "escalated_reassurance"
]
Channel = Literal["chat", "voice"]
MoodBand = Literal["furious", "upset", "neutral", "warm"]
MOOD_BANDS: tuple[MoodBand, ...] = ("furious", "upset", "neutral", "warm")

Identifier = Annotated[
    str,
    Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64, description="lower_snake_case id"),
]
Line = Annotated[str, Field(min_length=1, description="one thing the customer says")]
Mood = Annotated[float, Field(ge=0, le=10)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _as_list(value: object) -> object:
    """Let a single string stand for a one-element list (`lines: "Fine."`)."""
    return [value] if isinstance(value, str) else value


def _variants_schema(min_items: int) -> WithJsonSchema:
    line = {"type": "string", "minLength": 1}
    listed = {"type": "array", "items": line, "minItems": min_items}
    return WithJsonSchema({"anyOf": [line, listed]})


Variants = Annotated[list[Line], BeforeValidator(_as_list), _variants_schema(1)]
"""One line or a list of variants (the voice picks one with the conversation's seed)."""
OptionalVariants = Annotated[list[Line], BeforeValidator(_as_list), _variants_schema(0)]


def _number_as_text(value: object) -> object:
    """Let a bare number stand for its text (`topics: [39, 64.99]`). Files keep their own
    spelling (see `WORD_FIELDS`); this covers data built in code. true/false stay errors."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


Word = Annotated[
    str,
    BeforeValidator(_number_as_text),
    Field(min_length=1),
    WithJsonSchema({"anyOf": [{"type": "string", "minLength": 1}, {"type": "number"}]}),
]
"""A word or phrase to look for in the agent's turn; a number is taken as its text."""

WORD_FIELDS: tuple[tuple[str, ...], ...] = (
    ("issues", "*", "topics", "*"),
    ("issues", "*", "resolved_by", "phrases", "*"),
    ("customer", "withheld", "*", "revealed_by", "topics", "*"),
    ("issues", "*", "wrong", "*", "phrases", "*"),
)
"""Where a persona file holds `Word`s (`*` is any list item); the loader keeps a bare number or
yes/no there exactly as written (`64.90` stays "64.90", `no` stays "no")."""


def _unique(values: list[str], what: str) -> list[str]:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{what} {value!r} is listed twice; list each once")
        seen.add(value)
    return values


# --- the customer -----------------------------------------------------------------------------


class PiperVoice(_Model):
    """Offline voice (Piper). The default install ships one voice, `joe-us`."""

    model: str = Field(default="joe-us", description="Piper voice name")
    speaker: int | None = Field(
        default=None, ge=0, description="speaker index for multi-speaker voices"
    )
    length_scale: float = Field(
        default=1.0, ge=0.5, le=2.0, description="speaking pace: below 1 is faster, above 1 slower"
    )


class EdgeVoice(_Model):
    """Online voice (edge-tts); Sparring falls back to Piper when it is unreachable."""

    voice: str = Field(
        pattern=r"^[a-z]{2,3}-[A-Z]{2}-[A-Za-z]+Neural$",
        description="edge-tts voice name, e.g. en-US-JennyNeural",
    )
    rate: str = Field("+0%", pattern=r"^[+-]\d{1,3}%$", description='e.g. "+15%" or "-10%"')
    pitch: str = Field("+0Hz", pattern=r"^[+-]\d{1,3}Hz$", description='e.g. "+0Hz" or "-5Hz"')


class Voices(_Model):
    """One voice per TTS engine; an engine left out uses its default voice."""

    piper: PiperVoice = Field(default_factory=lambda: PiperVoice())
    edge: EdgeVoice | None = None
    cut_in_after_s: float | None = Field(
        default=None,
        ge=5,
        le=120,
        description="voice practice: the customer cuts in when the agent has talked this many "
        "seconds without a pause (recorded as the customer's interruption); empty: never",
    )


class RevealTrigger(_Model):
    """What makes the customer give up a withheld fact. Either part alone is enough."""

    topics: list[Word] = Field(
        default_factory=list,
        description="words or phrases; the fact comes out when the agent asks a question "
        "(a turn with a question marker or a '?') that mentions one of them",
    )
    markers: list[str] = Field(
        default_factory=list,
        description="scorer markers; the fact comes out when any of them is detected in the "
        "agent's turn (e.g. clarifying_question)",
    )

    @model_validator(mode="after")
    def _needs_a_trigger(self) -> RevealTrigger:
        if not self.topics and not self.markers:
            raise ValueError("give at least one of topics or markers, or the fact never comes out")
        return self


class WithheldFact(_Model):
    """A fact the customer keeps back until the agent asks about it."""

    id: Identifier
    fact: str = Field(min_length=1, description="the fact itself, in the third person")
    lines: Variants = Field(
        min_length=1, description="what the customer says when revealing it (variants)"
    )
    revealed_by: RevealTrigger


class Customer(_Model):
    name: str = Field(min_length=1, description="full name, e.g. Dana Ruiz")
    background: str = Field(min_length=1, description="who they are and what happened so far")
    facts: list[str] = Field(
        default_factory=list, description="facts the customer states freely when relevant"
    )
    withheld: list[WithheldFact] = Field(
        default_factory=list, description="facts given only when the agent asks"
    )
    goal: str = Field(min_length=1, description="what the customer wants out of this contact")
    voice: Voices = Field(default_factory=Voices)

    @field_validator("withheld")
    @classmethod
    def _unique_fact_ids(cls, facts: list[WithheldFact]) -> list[WithheldFact]:
        _unique([fact.id for fact in facts], "withheld fact id")
        return facts


# --- the mood model ---------------------------------------------------------------------------


class Reaction(_Model):
    """How the customer reacts when a marker is detected in the agent's turn."""

    delta: float = Field(ge=-10, le=10, description="change of mood (negative = angrier)")
    lines: OptionalVariants = Field(
        default_factory=list,
        description="said before the rest of the reply when this marker leads the turn "
        "(variants; one is picked)",
    )
    again_lines: OptionalVariants = Field(
        default_factory=list,
        description="said instead of `lines` when the agent already did this earlier in the call "
        "(\"That's the second 'I understand'.\"); without them `lines` are used every time, so "
        "keep counting words (twice, again) out of `lines`",
    )


class MoodBands(_Model):
    """Lower bound of each mood band; a mood at or above `warm` is warm, and so on down."""

    upset: Mood = 3.0
    neutral: Mood = 5.0
    warm: Mood = 7.5

    @model_validator(mode="after")
    def _ascending(self) -> MoodBands:
        if not self.upset < self.neutral < self.warm:
            raise ValueError(
                f"bands must rise: upset < neutral < warm, got {self.upset}, "
                f"{self.neutral}, {self.warm}"
            )
        return self

    def band(self, mood: float) -> MoodBand:
        if mood >= self.warm:
            return "warm"
        if mood >= self.neutral:
            return "neutral"
        if mood >= self.upset:
            return "upset"
        return "furious"


class MoodModel(_Model):
    start: Mood = Field(description="mood at the opening line, 0 (furious) to 10 (delighted)")
    hang_up_at: Mood = Field(description="the customer hangs up when mood falls to this or below")
    satisfied_at: Mood = Field(
        description="when every issue is resolved, at this mood or above the customer says "
        "so contentedly (`wrap_up`) and waits for the agent to close; below it, grudgingly "
        "(a mood-band line)"
    )
    bands: MoodBands = Field(default_factory=MoodBands)
    repeat_delta: float = Field(
        -0.5, ge=-10, le=10, description="mood change each time the customer must ask again"
    )
    resolved_delta: float = Field(
        1.0, ge=-10, le=10, description="mood change when one of the issues is resolved"
    )
    reactions: dict[str, Reaction] = Field(
        default_factory=dict, description="marker name -> reaction"
    )

    @model_validator(mode="after")
    def _thresholds_in_order(self) -> MoodModel:
        if not self.hang_up_at < self.start:
            raise ValueError(
                f"hang_up_at ({self.hang_up_at}) must be below start ({self.start}), "
                "or the customer hangs up before saying a word"
            )
        if not self.hang_up_at < self.satisfied_at:
            raise ValueError(
                f"hang_up_at ({self.hang_up_at}) must be below satisfied_at ({self.satisfied_at})"
            )
        return self


# --- issues -----------------------------------------------------------------------------------


class ResolveRule(_Model):
    """What the agent must do to resolve an issue. Both parts given: both are needed."""

    markers: list[str] = Field(
        default_factory=list,
        description="any one of these scorer markers in the agent's turn "
        "(e.g. ownership_commitment)",
    )
    phrases: list[Word] = Field(
        default_factory=list,
        description="any one of these words or phrases in the agent's turn, case-insensitive "
        "(e.g. 'credit', 'technician')",
    )

    @model_validator(mode="after")
    def _needs_a_condition(self) -> ResolveRule:
        if not self.markers and not self.phrases:
            raise ValueError("give markers, phrases or both, or the issue can never be resolved")
        return self


class Mistake(_Model):
    """Something an agent may get wrong about an issue, and how the customer corrects it."""

    phrases: list[Word] = Field(
        min_length=1,
        description="words or phrases that show the mistake (e.g. 'size 40', 'old address')",
    )
    lines: Variants = Field(
        min_length=1, description="what the customer says to correct it (variants)"
    )


class AfterTurns(_Model):
    after_turns: int = Field(
        ge=1, description="raise the next issue this many agent turns after this one was raised"
    )


class Issue(_Model):
    id: Identifier
    summary: str = Field(min_length=1, description="one sentence, for trainers and the LLM voice")
    opening: Variants = Field(
        min_length=1,
        description="the line that raises the issue: one line, or a list of variants carrying "
        "the same facts (one is picked per conversation, so the first turn cannot be memorised)",
    )
    repeats: Variants = Field(
        min_length=1,
        description="lines used, in order, when the customer asks again because the agent did "
        "not answer; the last one is reused",
    )
    asks_again: OptionalVariants = Field(
        default_factory=list,
        description="lines used, in order, when the customer asks again although the agent "
        "answered (a repetitive customer's choice, said as such: 'Sorry, I'm writing it down. "
        "When does the card come?'); required when asks_at_least is above 1",
    )
    details: OptionalVariants = Field(
        default_factory=list,
        description="what the customer says when the agent asks about this issue (variants "
        "carrying the details an agent would ask for: the new address, the order number); "
        "without them the customer explains the issue again with its opening",
    )
    wrong: list[Mistake] = Field(
        default_factory=list,
        description="mistakes an agent may make about this issue, each with the customer's "
        "correction",
    )
    topics: list[Word] = Field(
        default_factory=list,
        description="words that show the agent is working on this issue; a turn that neither "
        "resolves the issue nor mentions one of them makes the customer ask again",
    )
    asks_at_least: int = Field(
        1,
        ge=1,
        le=10,
        description="the customer asks this many times (opening included) before it accepts an "
        "answer; a repetitive customer uses 3",
    )
    resolved_by: ResolveRule
    reveal_next_when: Literal["resolved"] | AfterTurns = Field(
        "resolved",
        description="when the next issue is raised: `resolved` or `{after_turns: N}`",
    )

    @model_validator(mode="after")
    def _repetitive_repeats_are_marked(self) -> Issue:
        if self.asks_at_least > 1 and not self.asks_again:
            raise ValueError(
                f"asks_at_least is {self.asks_at_least}, so the customer asks again after a right "
                "answer: add `asks_again:` lines that say it is a repeat on purpose "
                '("Sorry, I\'m writing it down. When does the card come?")'
            )
        return self

    @field_validator("reveal_next_when", mode="before")
    @classmethod
    def _one_of_two_forms(cls, value: object) -> object:
        if value == "resolved" or (isinstance(value, dict) and "after_turns" in value):
            return value
        raise ValueError(f"must be `resolved` or `{{after_turns: N}}`, got {value!r}")


# --- lines ------------------------------------------------------------------------------------


class Lines(_Model):
    """What the customer says when no issue line or reaction applies, by mood band, plus the
    lines for the conversation's events. Each entry holds variants; a run never repeats one."""

    furious: Variants = Field(min_length=1)
    upset: Variants = Field(min_length=1)
    neutral: Variants = Field(min_length=1)
    warm: Variants = Field(min_length=1)
    ask_term: Variants = Field(
        min_length=1,
        description="asking what an unexplained term means; must contain {term}",
    )
    issue_resolved: Variants = Field(
        min_length=1, description="acknowledging that an issue is settled"
    )
    satisfied: Variants = Field(
        min_length=1,
        description="the customer's goodbye once the agent closes the call (a goodbye after "
        "every issue is resolved)",
    )
    hang_up: Variants = Field(min_length=1, description="the last words before hanging up")
    wrap_up: OptionalVariants = Field(
        default_factory=list,
        description="every issue is resolved: the customer says so and waits for the agent to "
        'close ("I think that\'s everything."); without them `issue_resolved` is used',
    )
    ask_when: OptionalVariants = Field(
        default_factory=list,
        description='the agent promised something without saying when ("And when will that be?")',
    )
    promise_noted: OptionalVariants = Field(
        default_factory=list,
        description="acknowledging a promise with a time when no reaction line already did "
        '("Okay. I\'ll hold you to that.")',
    )
    anything_else: OptionalVariants = Field(
        default_factory=list,
        description='the answer to "Anything else I can help with?" once every issue is '
        "resolved; without them `wrap_up` is used",
    )

    @field_validator("ask_term")
    @classmethod
    def _mentions_term(cls, lines: list[str]) -> list[str]:
        for line in lines:
            if "{term}" not in line:
                raise ValueError(f"{line!r} must contain {{term}}, where the unclear word goes")
        return lines

    def for_band(self, band: MoodBand) -> list[str]:
        return list(getattr(self, band))


# --- the scenario -----------------------------------------------------------------------------


class Scenario(_Model):
    """One persona: the customer, how its mood moves, its issues and its lines."""

    id: Identifier = Field(description="equals the file name without .yaml")
    title: str = Field(min_length=1)
    version: int = Field(1, ge=1, description="raise it when publishing a changed persona")
    type: ScenarioType
    quadrant: Quadrant = Field(
        description="calm|escalated x resolution|reassurance, e.g. escalated_resolution"
    )
    behaviors: list[BehaviorId] = Field(min_length=1, description="behavior ids it practises")
    difficulty: int = Field(ge=1, le=5)
    channels: list[Channel] = Field(min_length=1)
    customer: Customer
    glossary: dict[str, str] = Field(
        default_factory=dict,
        description="internal term -> customer language; an agent using a term unexplained "
        "makes the customer ask what it means",
    )
    mood: MoodModel
    issues: list[Issue] = Field(min_length=1, description="raised in this order")
    lines: Lines
    llm_style: str | None = Field(
        None, description="optional notes on how the LLM voice should sound"
    )

    @field_validator("behaviors", "channels")
    @classmethod
    def _no_duplicates(cls, values: list[str]) -> list[str]:
        return _unique(values, "entry")

    @field_validator("issues")
    @classmethod
    def _unique_issue_ids(cls, issues: list[Issue]) -> list[Issue]:
        _unique([issue.id for issue in issues], "issue id")
        return issues

    def markers_used(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Every marker name the scenario refers to, with its location (for the loader's
        cross-check against the scorer's vocabulary)."""
        found: list[tuple[tuple[str | int, ...], str]] = []
        for marker in self.mood.reactions:
            found.append((("mood", "reactions", marker), marker))
        for i, fact in enumerate(self.customer.withheld):
            for j, marker in enumerate(fact.revealed_by.markers):
                found.append((("customer", "withheld", i, "revealed_by", "markers", j), marker))
        for i, issue in enumerate(self.issues):
            for j, marker in enumerate(issue.resolved_by.markers):
                found.append((("issues", i, "resolved_by", "markers", j), marker))
        return found


# --- the curriculum ---------------------------------------------------------------------------


AgentLine = Annotated[str, Field(min_length=1, description="a line as an agent would say it")]


class DontSay(_Model):
    """A line to avoid, and why: the card shows the two apart."""

    say: str = Field(min_length=1, description="the line as an agent might say it, unquoted")
    why: str = Field(min_length=1, description="why it backfires, and what to do instead")


class Week(_Model):
    week: int = Field(ge=1, le=10)
    behavior: BehaviorId
    category: str = Field(min_length=1, description="Listening, Empathy, Composure, …")
    title: str = Field(min_length=1)
    do_this: list[AgentLine] = Field(min_length=1, description="the script to follow")
    dont_say: list[AgentLine | DontSay] = Field(
        min_length=1,
        description="the counter-script to avoid: each entry `{say: ..., why: ...}`, or one line "
        "of text",
    )
    pass_threshold: int = Field(70, ge=0, le=100)
    scenarios: list[Identifier] = Field(
        default_factory=list, description="recommended scenario ids"
    )


class Curriculum(_Model):
    weeks: list[Week] = Field(min_length=10, max_length=10)

    @model_validator(mode="after")
    def _weeks_in_order(self) -> Curriculum:
        for i, week in enumerate(self.weeks, start=1):
            if week.week != i:
                raise ValueError(
                    f"weeks must be numbered 1 to 10 in order; entry {i} is {week.week}"
                )
            expected = BEHAVIOR_IDS[i - 1]
            if week.behavior != expected:
                raise ValueError(f"week {i} must practise {expected}, got {week.behavior}")
        return self

    def week_for(self, behavior: str) -> Week:
        for week in self.weeks:
            if week.behavior == behavior:
                return week
        raise KeyError(f"no week practises {behavior!r}")
