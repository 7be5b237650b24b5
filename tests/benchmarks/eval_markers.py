"""Measure the markers on labelled utterance sets, on two fixed halves of each file.

Run: .venv/bin/python tests/benchmarks/eval_markers.py DIR_OR_FILES… [--misses N]
     [--half tune|check]

DIR is a folder holding the labelled sets (questions_swda_train.jsonl,
questions_annomi_dev.jsonl, paraphrase_annomi_dev.jsonl, empathy_epitome_dev.jsonl); files may
also be named one by one. Each line is {"text", "label", "context"?} as for `sparring scorer eval`.

Each row goes to a half by a fixed hash of its text: the first hex digit of the SHA-1 of the
text, even -> "tune", odd -> "check". Tune the markers on the tune half only and read the
check half as a held-out figure; a gap of more than a few points between the halves means the
rules were fitted to rows rather than to what is said.

For every file it prints, per half, the measures that matter for its task: accuracy
(questions), F1 of `paraphrase` (paraphrase), any-empathy F1 and three-way macro-F1 (empathy),
plus the confusion counts. `--misses N` prints up to N misses of the tune half (the check half
is only ever shown in aggregate).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from scorer.evaluation import (
    EvalFileError,
    EvalResult,
    Row,
    predict,
    read_rows,
    score_predictions,
    task_for,
)
from scorer.markers import detect

HALVES = ("tune", "check")
DEFAULT_FILES = (
    "questions_swda_train.jsonl",
    "questions_annomi_dev.jsonl",
    "paraphrase_annomi_dev.jsonl",
    "empathy_epitome_dev.jsonl",
)


def half_of(text: str) -> str:
    """'tune' when the first hex digit of the SHA-1 of `text` is even, else 'check'."""
    return (
        "tune" if int(hashlib.sha1(text.encode("utf-8")).hexdigest()[0], 16) % 2 == 0 else "check"
    )


def headline(result: EvalResult) -> str:
    """The measures that carry a target, for the result's task."""
    if result.task == "questions":
        return f"accuracy {result.accuracy:.3f}"
    if result.task == "paraphrase":
        score = result.score("paraphrase")
        return f"F1(paraphrase) {score.f1:.3f}  P {score.precision:.3f}  R {score.recall:.3f}"
    return (
        f"any-empathy F1 {result.extra['any-empathy F1']:.3f}  macro-F1 {result.macro_f1:.3f}"
        f"  accuracy {result.accuracy:.3f}"
    )


def measure(path: Path, misses: int, only: str | None) -> list[EvalResult]:
    """Print the figures of each half of `path` (and up to `misses` tune-half misses)."""
    rows = read_rows(path, need_label=True)
    task = task_for({row.label for row in rows if row.label is not None}, path)
    by_half: dict[str, list[Row]] = {half: [] for half in HALVES}
    for row in rows:
        by_half[half_of(row.text)].append(row)
    results = []
    for half in HALVES:
        if only is not None and half != only:
            continue
        pairs: list[tuple[str, str]] = []
        wrong: list[tuple[Row, str]] = []
        for row in by_half[half]:
            guess = predict(task, detect(row.text, context=row.context))
            pairs.append((row.label or "", guess))
            if guess != row.label:
                wrong.append((row, guess))
        result = score_predictions(f"{path.name} [{half}]", task, pairs)
        results.append(result)
        confusion = "  ".join(
            f"{gold}->{guess}:{count}"
            for (gold, guess), count in sorted(Counter(p for p in pairs if p[0] != p[1]).items())
        )
        print(f"{path.name:<30} {half:<5} n={len(pairs):<5} {headline(result)}")
        print(f"{'':<36} misses {confusion}")
        if half == "tune" and misses:
            for row, guess in wrong[:misses]:
                context = row.context[-1][-160:] if row.context else ""
                print(f"    gold={row.label} got={guess} | {row.text[:200]!r} | ctx={context!r}")
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "paths",
        nargs="+",
        help="labelled .jsonl files, or folders holding the sets named above",
    )
    parser.add_argument("--misses", type=int, default=0, help="show N tune-half misses")
    parser.add_argument("--half", choices=HALVES, help="measure one half only")
    args = parser.parse_args(argv)
    targets = [Path(p) for p in args.paths]
    files: list[Path] = []
    for target in targets:
        if target.is_dir():
            found = [target / name for name in DEFAULT_FILES if (target / name).exists()]
            if not found:
                print(
                    f"error: {target}: none of {', '.join(DEFAULT_FILES)} is in this folder",
                    file=sys.stderr,
                )
                return 1
            files += found
        elif target.exists():
            files.append(target)
        else:
            print(f"error: {target}: no such file or folder; pass .jsonl files", file=sys.stderr)
            return 1
    for path in files:
        try:
            measure(path, args.misses, args.half)
        except EvalFileError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
