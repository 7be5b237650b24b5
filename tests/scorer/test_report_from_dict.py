"""`Report.from_dict` reads a stored report back as the scorer's own types: the exact inverse of
`to_dict`, and a clear error naming the field when the JSON is not a report."""

from __future__ import annotations

from pathlib import Path

import pytest

import scorer
from scorer.report import ReportFormatError

FIXTURES = sorted(
    path
    for path in (Path(__file__).parent / "fixtures").rglob("*")
    if path.suffix in {".json", ".txt", ".vtt"}
)


def test_fixtures_exist() -> None:
    assert len(FIXTURES) >= 10


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_from_dict_inverts_to_dict(path: Path) -> None:
    report = scorer.score(scorer.load(path))
    back = scorer.Report.from_dict(report.to_dict())
    assert back == report
    assert back.to_dict() == report.to_dict()


def test_judge_fields_come_back() -> None:
    data = scorer.score(scorer.load(FIXTURES[0])).to_dict()
    name = next(iter(data["behaviors"]))
    data["behaviors"][name]["decided_by"] = "judge"
    data["behaviors"][name]["judge_skipped"] = None
    other = [n for n in data["behaviors"] if n != name][0]
    data["behaviors"][other]["judge_skipped"] = "timeout"
    data["judge"] = "gemma"
    report = scorer.Report.from_dict(data)
    assert report.decided_by(name) == "judge" and report.judge == "gemma"
    assert report.judge_notes == {other: "timeout"}
    assert report.to_dict() == data


def test_reports_stored_before_the_judge_fields_still_read() -> None:
    data = scorer.score(scorer.load(FIXTURES[0])).to_dict()
    del data["judge"]
    for entry in data["behaviors"].values():
        del entry["decided_by"], entry["judge_skipped"]
    report = scorer.Report.from_dict(data)
    assert report.judged == frozenset() and report.judge is None


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d, b: d.pop("behaviors"), "report.behaviors: expected dict"),
        (lambda d, b: d["behaviors"][b].update(level="great"), "level: expected one of"),
        (lambda d, b: d["behaviors"][b].update(score="82"), "score: expected int"),
        (lambda d, b: d["behaviors"][b].update(applicable=1), "applicable: expected bool"),
        (lambda d, b: d["metrics"].update(hedges=True), "metrics.hedges: expected int"),
    ],
)
def test_a_field_that_is_not_the_report_json_is_named(change, message: str) -> None:  # type: ignore[no-untyped-def]
    data = scorer.score(scorer.load(FIXTURES[0])).to_dict()
    name = next(iter(data["behaviors"]))
    change(data, name)
    with pytest.raises(ReportFormatError, match=message.replace("(", r"\(")):
        scorer.Report.from_dict(data)


def test_bad_evidence_names_its_index() -> None:
    data = scorer.score(scorer.load(FIXTURES[0])).to_dict()
    name, entry = next((n, e) for n, e in data["behaviors"].items() if e["evidence"])
    entry["evidence"][0]["effect"] = "?"
    with pytest.raises(ReportFormatError, match=rf"behaviors\.{name}\.evidence\[0\]\.effect"):
        scorer.Report.from_dict(data)
