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
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from scorer.markers import MarkerHit, detect

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
