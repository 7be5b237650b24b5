"""Calibration labels: the scorer's verdicts with evidence, the label form, agreement rates."""

from __future__ import annotations

from bs4 import BeautifulSoup
from sqlmodel import Session, select

from server.models import CalibrationLabel, PracticeSession, ScoreRecord, Turn
from server.services.practice import start_practice
from tests.web.manager_attempts import practise, user


def _level(db: Session, attempt: PracticeSession, behavior: str) -> str:
    record = db.exec(select(ScoreRecord).where(ScoreRecord.session_id == attempt.id)).one()
    return str(record.report_json["behaviors"][behavior]["level"])  # type: ignore[index]


def test_label_page_shows_the_practised_behavior_first_with_evidence(login, db: Session) -> None:  # type: ignore[no-untyped-def]
    attempt = practise(db, "agent1@demo.local")
    page = login("manager@demo.local").page(f"/manager/attempts/{attempt.id}/label")
    soup = BeautifulSoup(page.text, "html.parser")
    verdicts = soup.select("section.mgr-verdict")
    assert verdicts[0]["data-behavior"] == "active_listening"
    assert "practised" in verdicts[0].h3.get_text()
    assert len(verdicts) == 10
    assert soup.select_one("#l-behavior option[selected]")["value"] == "active_listening"
    turns = {t.index: t.text for t in db.exec(select(Turn).where(Turn.session_id == attempt.id))}
    quotes = soup.select(".mgr-evidence li")
    assert quotes
    for item in quotes:
        turn = int(item.find("a")["href"].rsplit("-", 1)[1])
        assert item.get_text().split("“", 1)[1].rsplit("”", 1)[0] in turns[turn]
    for level in ("good", "average", "poor", "n/a"):
        assert soup.select_one(f'input[name="level"][value="{level}"]') is not None
    assert soup.find("label", attrs={"for": "l-reason"}).get_text() == "Reason (required)"


def test_a_label_needs_a_reason_and_keeps_the_input(login, db: Session) -> None:  # type: ignore[no-untyped-def]
    attempt = practise(db, "agent1@demo.local")
    manager = login("manager@demo.local")
    manager.page(f"/manager/attempts/{attempt.id}/label")
    response = manager.submit(
        f"/manager/attempts/{attempt.id}/label",
        {"behavior": "ownership", "level": "poor", "reason": "   "},
    )
    assert response.status_code == 400
    soup = BeautifulSoup(response.text, "html.parser")
    assert [li.get_text() for li in soup.select("#form-errors li")] == [
        "Reason: say why (what in the transcript shows this level)."
    ]
    assert soup.select_one("#l-behavior option[selected]")["value"] == "ownership"
    assert soup.select_one('input[name="level"][value="poor"]').has_attr("checked")
    bad = manager.submit(
        f"/manager/attempts/{attempt.id}/label",
        {"behavior": "nonsense", "level": "great", "reason": "x"},
    )
    assert bad.status_code == 400
    bad_text = BeautifulSoup(bad.text, "html.parser").get_text()
    assert "Behavior: 'nonsense' is not scored in this attempt" in bad_text
    assert "Your level: pick one of good, average, poor, n/a." in bad_text
    assert db.exec(select(CalibrationLabel)).first() is None


def test_labels_are_stored_with_the_scorers_level_and_measured(login, db: Session) -> None:  # type: ignore[no-untyped-def]
    first = practise(db, "agent1@demo.local")
    second = practise(db, "agent2@demo.local")
    scorer_first = _level(db, first, "active_listening")
    scorer_second = _level(db, second, "active_listening")
    other = next(lv for lv in ("good", "average", "poor") if lv != scorer_second)
    manager = login("manager@demo.local")
    manager.page(f"/manager/attempts/{first.id}/label")
    saved = manager.submit(
        f"/manager/attempts/{first.id}/label",
        {"behavior": "active_listening", "level": scorer_first, "reason": "Paraphrased first."},
    )
    assert f"the scorer said {scorer_first}" in saved.text
    manager.submit(
        f"/manager/attempts/{second.id}/label",
        {"behavior": "active_listening", "level": "n/a", "reason": "First draft."},
    )
    manager.submit(  # labelling again replaces the manager's earlier label
        f"/manager/attempts/{second.id}/label",
        {"behavior": "active_listening", "level": other, "reason": "Jumped to the fix."},
    )
    labels = list(db.exec(select(CalibrationLabel).order_by(CalibrationLabel.id)))
    assert [(lb.session_id, lb.level, lb.scorer_level) for lb in labels] == [
        (first.id, scorer_first, scorer_first),
        (second.id, other, scorer_second),
    ]
    assert labels[1].reason == "Jumped to the fix."
    assert labels[0].labeled_by == user(db, "manager@demo.local").id

    soup = BeautifulSoup(manager.page("/manager/calibration").text, "html.parser")
    row = soup.select_one('tr[data-behavior="active_listening"]')
    cells = [td.get_text(strip=True) for td in row.find_all("td")]
    assert cells[:3] == ["2", "1", "50%"]
    direction = (
        "higher"
        if ["poor", "average", "good"].index(scorer_second)
        > ["poor", "average", "good"].index(other)
        else "lower"
    )
    assert cells[3:5] == (["1", "0"] if direction == "higher" else ["0", "1"])
    total = soup.select_one('tr[data-behavior="all"] .mgr-rate').get_text()
    assert total == "50%"
    assert len(soup.select("tr[data-label]")) == 2

    csv_text = manager.get("/manager/calibration.csv").text
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("labeled_at,labeled_by,agent,email,attempt_id,week,behavior")
    assert len(lines) == 3
    assert (
        f",{second.id},1,active_listening,{other},{scorer_second},no,Jumped to the fix.,"
        in (lines[1])
    )


def test_an_unscored_attempt_has_nothing_to_label(login, db: Session) -> None:  # type: ignore[no-untyped-def]
    attempt = start_practice(
        db, user(db, "agent1@demo.local"), scenario_id="calm_banking_fraud_alert"
    )
    db.commit()
    manager = login("manager@demo.local")
    page = manager.page(f"/manager/attempts/{attempt.id}/label")
    assert page.status_code == 200
    assert "there is nothing to label" in page.text
    refused = manager.submit(
        f"/manager/attempts/{attempt.id}/label",
        {"behavior": "active_listening", "level": "good", "reason": "early"},
    )
    assert refused.status_code == 400
    assert "has not been scored yet" in refused.text
