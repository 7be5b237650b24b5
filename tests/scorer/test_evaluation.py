"""`scorer.evaluation`: task detection, metrics, errors; and the targets on the real sets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scorer.evaluation import EvalFileError, evaluate, predict, read_rows, score_predictions
from scorer.markers import detect

EVAL_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "eval"


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_questions_task(tmp_path):
    path = write_jsonl(
        tmp_path / "q.jsonl",
        [
            {"text": "What happened to the parcel?", "label": "open"},
            {"text": "Did the refund arrive?", "label": "closed"},
            {"text": "Tell me about the outage.", "label": "open"},
            {"text": "Is that the card ending 42?", "label": "open"},
        ],
    )
    result = evaluate(path)
    assert result.task == "questions"
    assert result.total == 4
    assert result.accuracy == pytest.approx(0.75)
    assert result.confusion == {"open": {"open": 2, "closed": 1}, "closed": {"closed": 1}}
    assert result.score("open").precision == pytest.approx(1.0)
    assert result.score("open").recall == pytest.approx(2 / 3)
    assert result.score("closed").precision == pytest.approx(0.5)
    rendered = result.render()
    assert "accuracy  0.750" in rendered
    assert "confusion" in rendered


def test_last_question_decides():
    hits = detect("Is it the router? Or what else could it be?")
    assert predict("questions", hits) == "open"
    assert predict("questions", detect("Thanks.")) == "closed"


def test_paraphrase_task_uses_context(tmp_path):
    path = write_jsonl(
        tmp_path / "p.jsonl",
        [
            {
                "text": "So you were charged twice this month.",
                "context": "You charged me twice this month!",
                "label": "paraphrase",
            },
            {
                "text": "You can reset it from the app.",
                "context": "I can't log in.",
                "label": "other",
            },
        ],
    )
    result = evaluate(path)
    assert result.task == "paraphrase"
    assert result.accuracy == 1.0
    assert result.macro_f1 == 1.0


def test_empathy_task_and_any_empathy(tmp_path):
    path = write_jsonl(
        tmp_path / "e.jsonl",
        [
            {"text": "I understand your frustration.", "label": "generic"},
            {"text": "I'm so sorry.", "label": "generic"},
            {"text": "Please send the order number.", "label": "none"},
            {"text": "Please send the order number.", "label": "specific"},
        ],
    )
    result = evaluate(path)
    assert result.task == "empathy"
    assert result.confusion["generic"] == {"generic": 2}
    assert result.extra["any-empathy F1"] == pytest.approx(2 * (1.0 * 2 / 3) / (1.0 + 2 / 3))


def test_score_predictions_handles_missing_labels():
    result = score_predictions("x", "questions", [("open", "none"), ("open", "open")])
    assert result.score("closed").f1 == 0.0
    assert result.score("open").recall == 0.5


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"text": "hi", "label": "open"}\nnot json\n', ":2: not valid JSON"),
        ('["text"]\n', ':1: expected a JSON object with a "text" field'),
        ('{"label": "open"}\n', ':1: field "text" is missing or not a string'),
        ('{"text": "hi"}\n', ':1: field "label" is missing'),
        ('{"text": "hi", "label": "open", "context": 3}\n', ':1: field "context" must be'),
        ('{"text": "hi", "label": "maybe"}\n', "match no task"),
        ("\n\n", "no rows"),
    ],
)
def test_errors_name_file_and_line(tmp_path, content, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(EvalFileError) as caught:
        evaluate(path)
    assert str(path) in str(caught.value)
    assert message in str(caught.value)


def test_missing_file(tmp_path):
    with pytest.raises(EvalFileError, match="no such file"):
        read_rows(tmp_path / "nope.jsonl")


def test_context_may_be_a_list(tmp_path):
    path = write_jsonl(tmp_path / "c.jsonl", [{"text": "ok", "context": ["a", "b"]}])
    assert read_rows(path)[0].context == ("a", "b")


TARGETS = [
    ("questions_swda_train.jsonl", lambda r: r.accuracy, 0.95),
    ("questions_annomi_dev.jsonl", lambda r: r.accuracy, 0.78),
    ("paraphrase_annomi_dev.jsonl", lambda r: r.score("paraphrase").f1, 0.75),
    ("empathy_epitome_dev.jsonl", lambda r: r.extra["any-empathy F1"], 0.88),
    ("empathy_epitome_dev.jsonl", lambda r: r.macro_f1, 0.65),
]


@pytest.mark.parametrize(("name", "measure", "target"), TARGETS)
def test_targets_on_the_shared_sets(name, measure, target):
    path = EVAL_DIR / name
    if not path.exists():
        pytest.skip(f"{path} is not present")
    result = evaluate(path)
    assert measure(result) >= target, result.render()
