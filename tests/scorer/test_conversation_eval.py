"""`scorer.evaluation` on folders of labelled conversations: reading and checking the files,
the fixed tune/check halves, pairing every label with the scorer's level, and the figures
(agreement, quadratic kappa, confusion) overall, per half and per behavior."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

import scorer
from scorer.agreement import agreement
from scorer.evaluation import (
    ConversationEval,
    EvalFileError,
    Outcome,
    evaluate_conversations,
    half_of,
    kappa_text,
    percent,
    read_labelled,
)

LABELLED = Path(__file__).parent / "labelled"


def test_half_follows_the_first_hex_digit_of_the_sha1_of_the_file_name() -> None:
    for name in ("a.json", "b.json", "refund_chat_calm_down.json", "broadband_textbook.json"):
        digit = int(hashlib.sha1(name.encode()).hexdigest()[0], 16)
        assert half_of(name) == ("tune" if digit % 2 == 0 else "check")
    # Fixed examples, so that the rule cannot drift: the SHA-1s start with b6fc and c56c.
    assert half_of("broadband_textbook.json") == "check"
    assert half_of("refund_chat_calm_down.json") == "tune"


def test_every_label_is_paired_with_the_scorers_level() -> None:
    found = evaluate_conversations(LABELLED)
    assert found.conversations == 4
    assert len(found.outcomes) == 8  # gym_no_labels.json has an empty "expect"
    for path in sorted(LABELLED.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        expect = data.pop("expect")
        report = scorer.score(data)
        mine = {o.behavior: o for o in found.outcomes if o.name == path.name}
        assert set(mine) == set(expect)
        for behavior, level in expect.items():
            outcome = mine[behavior]
            assert (outcome.expected, outcome.got) == (level, report.behaviors[behavior].level)
            assert outcome.half == half_of(path.name)
            assert outcome.decided_by == "markers"
    total = found.select()
    assert total.agreed == sum(o.expected == o.got for o in found.outcomes)
    assert found.select(half="tune").total + found.select(half="check").total == 8
    assert found.select(half="check").total == 3  # broadband_textbook.json


def _made_up() -> ConversationEval:
    rows = [
        ("t1.json", "tune", "ownership", "good", "good"),
        ("t1.json", "tune", "clarity", "poor", "average"),
        ("t2.json", "tune", "ownership", "poor", "poor"),
        ("c1.json", "check", "ownership", "average", "good"),
        ("c1.json", "check", "clarity", "n/a", "n/a"),
        ("c2.json", "check", "clarity", "good", "good"),
    ]
    return ConversationEval("made-up", 4, tuple(Outcome(*row) for row in rows))


def test_figures_overall_per_half_and_per_behavior() -> None:
    found = _made_up()
    assert (found.select().agreed, found.select().total) == (4, 6)
    assert found.select(half="tune").rate == pytest.approx(2 / 3)
    assert found.select(half="check").rate == pytest.approx(2 / 3)
    ownership = found.select(behavior="ownership")
    assert (ownership.agreed, ownership.total) == (2, 3)
    expected = agreement([("good", "good"), ("poor", "poor"), ("average", "good")])
    assert ownership.kappa == pytest.approx(expected.kappa)
    # rows: label n/a, poor, average, good; columns: the scorer's level in the same order
    assert ownership.confusion() == [[0, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 0, 1]]
    assert found.behaviors == ("clarity", "ownership")  # curriculum order
    data = found.to_dict()
    assert data["halves"]["tune"] == {
        "labels": 3,
        "agreed": 2,
        "agreement": pytest.approx(2 / 3),
        "kappa": pytest.approx(found.select(half="tune").kappa),
    }
    assert data["behaviors"]["ownership"]["confusion"] == ownership.confusion()


def test_render_shows_halves_confusion_and_only_tune_misses() -> None:
    text = _made_up().render(misses=True)
    assert "all" in text and "tune half" in text and "check half" in text
    assert "66.7 %" in text
    assert "confusion per behavior (rows: label, columns: scorer)" in text
    assert "t1.json: clarity = average, labelled poor" in text
    assert "c1.json" not in text  # the check half is only shown in aggregate
    assert "t1.json" not in _made_up().render(misses=False)


def test_number_formats() -> None:
    assert percent(None) == "—" and percent(0.955) == "95.5 %"
    assert kappa_text(None) == "—" and kappa_text(-0.0001) == "0.00"
    assert kappa_text(0.7349) == "0.73"


def _write(folder: Path, name: str, data: object) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


TURNS = [{"speaker": "customer", "text": "Hi."}, {"speaker": "agent", "text": "Hello."}]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"turns": TURNS}, 'field "expect" is missing'),
        ({"turns": TURNS, "expect": {"listening": "good"}}, "unknown behavior 'listening'"),
        ({"turns": TURNS, "expect": {"clarity": "great"}}, "\"expect.clarity\" is 'great'"),
        ({"turns": "nope", "expect": {}}, "field 'turns' must be a list"),
        ('{"turns": [\n  oops', "case.json:2: not valid JSON"),
    ],
)
def test_bad_files_name_the_file_and_the_field(
    tmp_path: Path, content: object, message: str
) -> None:
    _write(tmp_path / "set", "case.json", content)
    with pytest.raises(EvalFileError) as error:
        read_labelled(tmp_path / "set")
    assert str(tmp_path / "set" / "case.json") in str(error.value)
    assert message in str(error.value)


def test_missing_or_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(EvalFileError, match="no such folder"):
        read_labelled(tmp_path / "absent")
    (tmp_path / "empty").mkdir()
    with pytest.raises(EvalFileError, match="no .json files"):
        read_labelled(tmp_path / "empty")
