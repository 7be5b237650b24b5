"""Measure the markers against a labelled jsonl set.

Each line holds `text`, `label` and optionally `context` (the customer turn just before, or a
list of earlier customer turns). The task follows from the label set:

- questions (`open` / `closed`): `open` when an open question is found; when a turn holds
  several questions the last one decides, because that is the one the customer answers; a
  turn with no open question counts as `closed`.
- paraphrase (`paraphrase` / `other`): `paraphrase` when the marker fires anywhere in the turn.
- empathy (`specific` / `generic` / `none`): `impact_named` gives `specific`, otherwise
  `generic_empathy` or `apology` gives `generic`, otherwise `none`.

`evaluate(path)` returns accuracy, per-label precision/recall/F1, macro-F1, the confusion
matrix and, for the empathy set, the F1 of "any empathy" (specific or generic vs none).

Measure the behaviors against a folder of labelled conversations: each `*.json` file is a
transcript in the scorer's JSON shape plus `"expect": {behavior_id: "good" | "average" |
"poor" | "n/a"}`. `evaluate_conversations(folder)` scores every file and compares levels:
agreement, a confusion matrix and quadratic-weighted Cohen's kappa, overall, per behavior and
on two fixed halves of the folder. A file belongs to the "tune" half when the first hex digit
of the SHA-1 of its file name (with `.json`) is even, else to the "check" half: tune on one,
report both; a check figure well below the tune figure means the rules fit the files, not the
behavior.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scorer.agreement import ORDERED_LEVELS, Agreement, agreement
from scorer.behaviors import BEHAVIORS
from scorer.markers import MarkerHit, detect
from scorer.scoring import Judge, score
from scorer.transcript import Transcript, TranscriptError

TASKS: dict[str, tuple[str, ...]] = {
    "questions": ("open", "closed"),
    "paraphrase": ("paraphrase", "other"),
    "empathy": ("specific", "generic", "none"),
}


class EvalFileError(ValueError):
    """A line of an evaluation or markers file that cannot be used; the message says where."""


@dataclass(frozen=True)
class Row:
    """One usable line of a jsonl file."""

    line: int
    text: str
    context: tuple[str, ...] = ()
    label: str | None = None


def read_rows(path: str | Path, *, need_label: bool = False) -> list[Row]:
    """The rows of a jsonl file; blank lines are skipped.

    Raises `EvalFileError("FILE:LINE: what is wrong")` for the first unusable line.
    """
    source = Path(path)
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise EvalFileError(f"{source}: no such file; pass the path of a .jsonl file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise EvalFileError(f"{source}: cannot be read as UTF-8 text ({error})") from None
    rows: list[Row] = []
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        where = f"{source}:{number}"
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as error:
            raise EvalFileError(
                f"{where}: not valid JSON ({error.msg}); write one JSON object per line"
            ) from None
        if not isinstance(record, dict):
            raise EvalFileError(f'{where}: expected a JSON object with a "text" field')
        text = record.get("text")
        if not isinstance(text, str):
            raise EvalFileError(f'{where}: field "text" is missing or not a string')
        context = _context(record.get("context"), where)
        label = record.get("label")
        if need_label and not isinstance(label, str):
            raise EvalFileError(f'{where}: field "label" is missing or not a string')
        rows.append(Row(number, text, context, label if isinstance(label, str) else None))
    return rows


def _context(value: object, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,) if value else ()
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise EvalFileError(
        f'{where}: field "context" must be a string (the previous customer '
        "turn) or a list of strings"
    )


def task_for(labels: set[str], path: str | Path = "") -> str:
    """The task whose label set contains every label of the file."""
    for task, names in TASKS.items():
        if labels and labels <= set(names):
            return task
    known = "; ".join(f"{task}: {', '.join(names)}" for task, names in TASKS.items())
    raise EvalFileError(f"{path}: labels {sorted(labels)} match no task ({known})")


def predict(task: str, hits: Sequence[MarkerHit]) -> str:
    """The label a turn gets for `task`, given its marker hits."""
    names = {h.marker for h in hits}
    if task == "questions":
        asked = [h for h in hits if h.marker in ("open_question", "closed_question")]
        return "open" if asked and asked[-1].marker == "open_question" else "closed"
    if task == "paraphrase":
        return "paraphrase" if "paraphrase" in names else "other"
    if task == "empathy":
        if "impact_named" in names:
            return "specific"
        if names & {"generic_empathy", "apology"}:
            return "generic"
        return "none"
    raise ValueError(f"unknown task {task!r}; expected one of {', '.join(TASKS)}")


@dataclass(frozen=True)
class LabelScore:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class EvalResult:
    path: str
    task: str
    total: int
    accuracy: float
    scores: tuple[LabelScore, ...]
    macro_f1: float
    confusion: dict[str, dict[str, int]]
    extra: dict[str, float] = field(default_factory=dict)

    def score(self, label: str) -> LabelScore:
        for item in self.scores:
            if item.label == label:
                return item
        raise KeyError(label)

    def render(self) -> str:
        """A readable text report: accuracy, per-label P/R/F1, macro-F1, confusion matrix."""
        lines = [
            f"{self.path}  task={self.task}  rows={self.total}",
            f"accuracy  {self.accuracy:.3f}",
            f"macro-F1  {self.macro_f1:.3f}",
        ]
        lines += [f"{name:<17} {value:.3f}" for name, value in self.extra.items()]
        lines += ["", f"{'label':<12} {'precision':>9} {'recall':>7} {'F1':>6} {'support':>8}"]
        lines += [
            f"{s.label:<12} {s.precision:>9.3f} {s.recall:>7.3f} {s.f1:>6.3f} {s.support:>8}"
            for s in self.scores
        ]
        predicted = sorted(
            {p for row in self.confusion.values() for p in row},
            key=lambda p: (
                p not in TASKS[self.task],
                TASKS[self.task].index(p) if p in TASKS[self.task] else 0,
                p,
            ),
        )
        width = max([len(p) for p in predicted] + [8]) + 1
        lines += ["", "confusion (rows: gold, columns: predicted)"]
        lines.append(" " * 12 + "".join(f"{p:>{width}}" for p in predicted))
        for gold, row in self.confusion.items():
            lines.append(f"{gold:<12}" + "".join(f"{row.get(p, 0):>{width}}" for p in predicted))
        return "\n".join(lines)


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def score_predictions(path: str, task: str, pairs: Sequence[tuple[str, str]]) -> EvalResult:
    """Accuracy, per-label P/R/F1, macro-F1 and confusion for (gold, predicted) pairs."""
    labels = TASKS[task]
    confusion: dict[str, dict[str, int]] = {label: {} for label in labels}
    for gold, guess in pairs:
        row = confusion.setdefault(gold, {})
        row[guess] = row.get(guess, 0) + 1
    scores = []
    for label in labels:
        true_pos = confusion.get(label, {}).get(label, 0)
        predicted = sum(row.get(label, 0) for row in confusion.values())
        support = sum(confusion.get(label, {}).values())
        precision = true_pos / predicted if predicted else 0.0
        recall = true_pos / support if support else 0.0
        scores.append(LabelScore(label, precision, recall, _f1(precision, recall), support))
    total = len(pairs)
    correct = sum(1 for gold, guess in pairs if gold == guess)
    extra: dict[str, float] = {}
    if task == "empathy":
        hits = sum(1 for g, p in pairs if g != "none" and p != "none")
        guessed = sum(1 for _, p in pairs if p != "none")
        actual = sum(1 for g, _ in pairs if g != "none")
        extra["any-empathy F1"] = _f1(
            hits / guessed if guessed else 0.0, hits / actual if actual else 0.0
        )
    return EvalResult(
        path=path,
        task=task,
        total=total,
        accuracy=correct / total if total else 0.0,
        scores=tuple(scores),
        macro_f1=sum(s.f1 for s in scores) / len(scores),
        confusion=confusion,
        extra=extra,
    )


def evaluate(path: str | Path) -> EvalResult:
    """Run `detect` on every row of a labelled jsonl file and score it against the labels."""
    rows = read_rows(path, need_label=True)
    if not rows:
        raise EvalFileError(f'{path}: no rows; each line needs "text" and "label"')
    task = task_for({row.label for row in rows if row.label is not None}, path)
    pairs = [
        (row.label or "", predict(task, detect(row.text, context=row.context))) for row in rows
    ]
    return score_predictions(str(path), task, pairs)


# --- labelled conversations -------------------------------------------------------------------

HALVES = ("tune", "check")


def half_of(file_name: str) -> str:
    """'tune' when the first hex digit of the SHA-1 of `file_name` is even, else 'check'."""
    digit = int(hashlib.sha1(file_name.encode("utf-8")).hexdigest()[0], 16)
    return "tune" if digit % 2 == 0 else "check"


@dataclass(frozen=True)
class LabelledConversation:
    """One file of a labelled folder: its transcript and the expected level per behavior."""

    name: str
    transcript: Transcript
    expect: dict[str, str]

    @property
    def half(self) -> str:
        return half_of(self.name)


def read_labelled(folder: str | Path) -> list[LabelledConversation]:
    """The labelled conversations in `folder` (its `*.json` files, sorted by name).

    Raises `EvalFileError("FILE: what is wrong")` for the first file that cannot be used.
    """
    root = Path(folder)
    if not root.is_dir():
        raise EvalFileError(f"{root}: no such folder; pass a folder of labelled .json files")
    files = sorted(root.glob("*.json"))
    if not files:
        raise EvalFileError(
            f'{root}: no .json files; each file is a transcript with "expect": '
            '{"behavior_id": "good|average|poor|n/a"}'
        )
    return [_read_case(path) for path in files]


def _read_case(path: Path) -> LabelledConversation:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise EvalFileError(f"{path}: cannot be read as UTF-8 text ({error})") from None
    except json.JSONDecodeError as error:
        raise EvalFileError(
            f"{path}:{error.lineno}: not valid JSON ({error.msg}); fix the file or move it out "
            "of the folder"
        ) from None
    if not isinstance(data, dict):
        raise EvalFileError(f'{path}: expected a JSON object with "turns" and "expect"')
    expect = data.pop("expect", None)
    if not isinstance(expect, dict):
        raise EvalFileError(
            f'{path}: field "expect" is missing or not an object; add {{"behavior_id": '
            '"good|average|poor|n/a"} (an empty {} keeps a file whose labels were dropped)'
        )
    for behavior, level in expect.items():
        if behavior not in BEHAVIORS:
            raise EvalFileError(
                f'{path}: "expect" names unknown behavior {behavior!r}; valid ids: '
                f"{', '.join(BEHAVIORS)}"
            )
        if level not in ORDERED_LEVELS:
            raise EvalFileError(
                f'{path}: "expect.{behavior}" is {level!r}; use one of {", ".join(ORDERED_LEVELS)}'
            )
    try:
        transcript = Transcript.from_dict(data, source=str(path))
    except TranscriptError as error:
        raise EvalFileError(str(error)) from None
    ordered = {b: expect[b] for b in BEHAVIORS if b in expect}
    return LabelledConversation(path.name, transcript, ordered)


@dataclass(frozen=True)
class Outcome:
    """The scorer's level against the label for one behavior of one conversation."""

    name: str
    half: str
    behavior: str
    expected: str
    got: str
    decided_by: str = "markers"

    @property
    def agreed(self) -> bool:
        return self.expected == self.got


@dataclass(frozen=True)
class ConversationEval:
    """Every label of a folder next to the scorer's level."""

    folder: str
    conversations: int
    outcomes: tuple[Outcome, ...]

    def select(self, *, half: str | None = None, behavior: str | None = None) -> Agreement:
        """Agreement on the labels of one half and/or one behavior (None: all)."""
        return agreement(
            (o.expected, o.got)
            for o in self.outcomes
            if (half is None or o.half == half) and (behavior is None or o.behavior == behavior)
        )

    @property
    def behaviors(self) -> tuple[str, ...]:
        """The labelled behaviors, in curriculum order."""
        present = {o.behavior for o in self.outcomes}
        return tuple(b for b in BEHAVIORS if b in present)

    def misses(self, half: str | None = "tune") -> list[Outcome]:
        return [o for o in self.outcomes if not o.agreed and (half is None or o.half == half)]

    def to_dict(self) -> dict[str, Any]:
        def figures(found: Agreement) -> dict[str, Any]:
            return {
                "labels": found.total,
                "agreed": found.agreed,
                "agreement": found.rate,
                "kappa": found.kappa,
            }

        return {
            "folder": self.folder,
            "conversations": self.conversations,
            "overall": figures(self.select()),
            "halves": {half: figures(self.select(half=half)) for half in HALVES},
            "behaviors": {
                b: {
                    **figures(self.select(behavior=b)),
                    "halves": {h: figures(self.select(half=h, behavior=b)) for h in HALVES},
                    "confusion": self.select(behavior=b).confusion(),
                }
                for b in self.behaviors
            },
            "levels": list(ORDERED_LEVELS),
            "outcomes": [
                {
                    "file": o.name,
                    "half": o.half,
                    "behavior": o.behavior,
                    "expected": o.expected,
                    "got": o.got,
                    "decided_by": o.decided_by,
                }
                for o in self.outcomes
            ],
        }

    def render(self, *, misses: bool = False) -> str:
        """Agreement and kappa overall and per half, per behavior, the confusion matrices, and
        with `misses` the disagreements of the tune half (the check half only in aggregate)."""
        lines = [
            f"{self.folder}  conversations={self.conversations}  labels={len(self.outcomes)}",
            "",
            f"{'':<26} {'labels':>6} {'agreed':>6} {'agreement':>9} {'kappa':>6}",
        ]
        lines.append(_figure_line("all", self.select()))
        for half in HALVES:
            lines.append(_figure_line(f"{half} half", self.select(half=half)))
        lines += [
            "",
            f"{'per behavior':<26} {'labels':>6} {'agreed':>6} {'agreement':>9} {'kappa':>6}"
            f" {'tune':>7} {'check':>7}",
        ]
        for behavior in self.behaviors:
            halves = " ".join(
                f"{_fraction(self.select(half=h, behavior=behavior)):>7}" for h in HALVES
            )
            lines.append(f"{_figure_line(behavior, self.select(behavior=behavior))} {halves}")
        judged = sum(1 for o in self.outcomes if o.decided_by == "judge")
        if judged:
            lines += ["", f"decided by the judge: {judged} of {len(self.outcomes)} labels"]
        lines += ["", "confusion per behavior (rows: label, columns: scorer)"]
        header = f"  {'':<9}" + "".join(f"{level:>9}" for level in ORDERED_LEVELS)
        for behavior in self.behaviors:
            matrix = self.select(behavior=behavior).confusion()
            lines += ["", behavior, header]
            for level, row in zip(ORDERED_LEVELS, matrix, strict=True):
                lines.append(f"  {level:<9}" + "".join(f"{count:>9}" for count in row))
        if misses:
            wrong = self.misses("tune")
            lines += [
                "",
                f"misses on the tune half ({len(wrong)}; the check half is shown only in "
                "aggregate):",
            ]
            lines += [
                f"  {o.name}: {o.behavior} = {o.got}, labelled {o.expected}"
                + (" (judge)" if o.decided_by == "judge" else "")
                for o in wrong
            ]
        return "\n".join(lines)


def percent(rate: float | None) -> str:
    """`62.7 %`, or `—` when there is nothing to measure."""
    return "—" if rate is None else f"{rate * 100:.1f} %"


def kappa_text(kappa: float | None) -> str:
    """Kappa to two decimals, or `—` when it is undefined (one level only on both sides)."""
    return "—" if kappa is None else f"{round(kappa, 2) + 0.0:.2f}"


def _fraction(found: Agreement) -> str:
    return f"{found.agreed}/{found.total}" if found.total else "—"


def _figure_line(name: str, found: Agreement) -> str:
    return (
        f"{name:<26} {found.total:>6} {found.agreed:>6} {percent(found.rate):>9} "
        f"{kappa_text(found.kappa):>6}"
    )


def evaluate_conversations(folder: str | Path, judge: Judge | None = None) -> ConversationEval:
    """Score every labelled conversation in `folder` (with `judge` on top of the markers when
    given) and pair each label with the scorer's level."""
    cases = read_labelled(folder)
    outcomes: list[Outcome] = []
    for case in cases:
        report = score(case.transcript, behaviors=list(case.expect), judge=judge)
        for behavior, expected in case.expect.items():
            outcomes.append(
                Outcome(
                    name=case.name,
                    half=case.half,
                    behavior=behavior,
                    expected=expected,
                    got=report.behaviors[behavior].level,
                    decided_by="judge" if behavior in report.judged else "markers",
                )
            )
    return ConversationEval(str(folder), len(cases), tuple(outcomes))


# --- "How far to trust the scorer": the README section, generated -----------------------------

HUMAN_AGREEMENT = 0.955
"""Level agreement between two independent human raters on the same kind of labels."""

TRUST_BEGIN = "<!-- scorer-trust:begin (generated by `sparring scorer trust --write README.md`) -->"
TRUST_END = "<!-- scorer-trust:end -->"


def trust_intro() -> str:
    """The opening of the generated section: what the figures are and what to compare them to."""
    return (
        "Each figure compares the scorer's level (good, average, poor or n/a) with the level a "
        "human rater gave the same behavior in the same conversation: *agreement* is the share "
        "of labels where the two are equal, *κ* is Cohen's kappa with quadratic weights (1 is "
        "perfect, 0 is chance; a level off by one costs less than one off by three). Two "
        f"independent human raters agree on {percent(HUMAN_AGREEMENT)} of such labels, always "
        "within one level: read every figure against that. *Tune* and *check* are the two "
        "fixed halves of each folder (by the SHA-1 of the file name); a check figure well below "
        "the tune figure would mean the rules fit those files rather than the behavior. "
        "The sets: *shipped* (tests/scorer/conversations) was written by the Sparring team, "
        "one or more conversations for each failure class the scorer has had, while the rules "
        "were fixed: it guards against regressions and agrees by construction. *blind* "
        "(tests/scorer/blind) was written and labelled by writers who never saw the rules; "
        "the rules were then corrected on its misses, class by class, so it is no longer "
        "unseen. *held-out* (tests/scorer/heldout) was written the same way, and its "
        "conversations were never read to write a rule; its overall figure was checked after "
        "rule changes, and changes that lowered it were taken back, so it leans a little "
        "towards the rules. With the *check* half of *dev*, a development set written by one "
        "person and rated blind by another, it is the figure to trust. The blind and held-out "
        "labels come from one rater each.\n"
    )


def trust_row(name: str, found: ConversationEval) -> str:
    """One labelled set's line of the summary table."""
    total = found.select()
    halves = " | ".join(_fraction(found.select(half=half)) for half in HALVES)
    return (
        f"| {name} | {found.conversations} | {total.total} | {percent(total.rate)} | "
        f"{kappa_text(total.kappa)} | {halves} |"
    )


def trust_block(name: str, found: ConversationEval) -> str:
    """One labelled set's figures per behavior, as Markdown."""
    lines = [
        f"Per behavior, {name}:",
        "",
        "| Behavior | Labels | Agreement | κ |",
        "|---|---:|---:|---:|",
    ]
    for behavior in found.behaviors:
        part = found.select(behavior=behavior)
        lines.append(
            f"| `{behavior}` | {part.total} | {percent(part.rate)} | {kappa_text(part.kappa)} |"
        )
    return "\n".join(lines) + "\n"


TRUST_TABLE_HEAD = (
    "| Labelled set | Conversations | Labels | Agreement | κ | Tune half | Check half |\n"
    "|---|---:|---:|---:|---:|---:|---:|\n"
    f"| two independent human raters | | | {percent(HUMAN_AGREEMENT)} | | | |\n"
)


def trust_section(sets: Sequence[tuple[str, ConversationEval]]) -> str:
    """The whole generated section, between its two marker comments."""
    table = TRUST_TABLE_HEAD + "".join(trust_row(name, found) + "\n" for name, found in sets)
    blocks = [trust_intro(), table, *(trust_block(name, found) for name, found in sets)]
    return TRUST_BEGIN + "\n" + "\n".join(blocks) + TRUST_END


def replace_trust_section(text: str, section: str, where: str = "the file") -> str:
    """`text` with the part between the marker comments (inclusive) replaced by `section`."""
    begin = text.find(TRUST_BEGIN)
    end = text.find(TRUST_END)
    if begin == -1 or end == -1 or end < begin:
        raise EvalFileError(
            f"{where} has no {TRUST_BEGIN} … {TRUST_END} pair; add those two lines where the "
            "section belongs, then run the command again"
        )
    return text[:begin] + section + text[end + len(TRUST_END) :]


def current_trust_section(text: str, where: str = "the file") -> str:
    """The generated section as it stands in `text` (markers included)."""
    begin = text.find(TRUST_BEGIN)
    end = text.find(TRUST_END)
    if begin == -1 or end == -1 or end < begin:
        raise EvalFileError(f"{where} has no {TRUST_BEGIN} … {TRUST_END} pair")
    return text[begin : end + len(TRUST_END)]
