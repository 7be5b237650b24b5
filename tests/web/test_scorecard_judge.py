"""The LLM judge in the web app: with an LLM configured, the end of a practice conversation is
scored with the judge on top of the markers (asked before the transaction that stores the
end), the stored report says which layer decided each behavior and why the judge gave no
verdict, and the scorecard shows both. Without an LLM the scorecard says the markers decided."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup
from sqlmodel import Session, select

from server.app import create_app
from server.models import ScoreRecord
from server.services import judging
from server.settings import Settings
from tests.scorer.fake_chat import OWNERSHIP_POOR, Script, reply_format, serve
from tests.web.conftest import Browser
from tests.web.test_agent_scorecard import play

# The agent's first line is quoted by the fake judge's ownership verdict.
LINES = ["We'll look into it.", "I will book a technician for tomorrow between 8 and 10."]


@pytest.fixture
def judged_app(seeded: Settings) -> Iterator[tuple[object, Script]]:
    script = Script(replies={"ownership": OWNERSHIP_POOR}, refuse={"json_schema": 500})
    with serve(script) as (url, running):
        settings = seeded.model_copy(update={"llm_model": "judge-model", "llm_base_url": url})
        application = create_app(settings)
        try:
            yield application, running
        finally:
            application.state.engine.dispose()
            judging.configure(seeded)  # no judge for the tests that follow


def test_scores_say_which_layer_decided_and_the_scorecard_shows_it(judged_app) -> None:  # type: ignore[no-untyped-def]
    application, script = judged_app
    with Session(application.state.engine, expire_on_commit=False) as db:
        session_id = play(db, "agent1@demo.local", LINES, behavior_id="ownership")
        record = db.exec(select(ScoreRecord).where(ScoreRecord.session_id == session_id)).one()
        report = record.report_json
    assert report["judge"] == "judge-model (json_object)"
    assert report["behaviors"]["ownership"]["decided_by"] == "judge"
    assert report["behaviors"]["ownership"]["score"] == 20
    clarity = report["behaviors"]["clarity"]
    assert clarity["decided_by"] == "markers" and "no JSON verdict" in clarity["judge_skipped"]
    # asked once per behavior (plus the refused json_schema request), not again in the transaction
    assert len(script.requests) == 11
    assert [reply_format(r["body"]) for r in script.requests][:2] == ["json_schema", "json_object"]

    with Browser(application) as browser:
        page = browser.login("agent1@demo.local").page(f"/attempts/{session_id}")
    assert page.status_code == 200, page.text
    soup = BeautifulSoup(page.text, "html.parser")
    meta = soup.select_one(".scored-by").get_text(" ", strip=True)
    assert meta == "scored by the marker rules and the LLM judge (judge-model (json_object))"
    verdict = soup.select_one(".verdict-card .decided-by").get_text(" ", strip=True)
    assert verdict.startswith("Decided by the LLM judge")
    clarity_card = soup.select_one("#behavior-clarity .decided-by")
    if clarity_card is not None:  # clarity is listed with the scored behaviors when it applied
        assert "the LLM judge gave no verdict" in clarity_card.get_text()


def test_without_an_llm_the_scorecard_says_the_markers_decided(login, db) -> None:  # type: ignore[no-untyped-def]
    session_id = play(db, "agent1@demo.local", LINES, behavior_id="ownership")
    record = db.exec(select(ScoreRecord).where(ScoreRecord.session_id == session_id)).one()
    assert record.report_json["judge"] is None
    assert {e["decided_by"] for e in record.report_json["behaviors"].values()} == {"markers"}
    page = login("agent1@demo.local").page(f"/attempts/{session_id}")
    soup = BeautifulSoup(page.text, "html.parser")
    assert "scored by the marker rules only" in soup.select_one(".scored-by").get_text()
    assert soup.select(".decided-by") == []


def test_a_chat_the_customer_ends_is_judged_over_the_websocket(judged_app) -> None:  # type: ignore[no-untyped-def]
    """The WebSocket path (turns stored in worker threads): the judge is asked before the
    transaction that ends the conversation, and its verdicts reach the stored report."""
    from tests.web.test_practice_ws import RESOLVING, start, until

    application, script = judged_app
    script.replies["impact_naming"] = (
        '{"applicable": true, "level": "good", "score": 85, "evidence": [{"turn": 1, "quote": '
        '"three days without internet when you work from home", "effect": "+"}], '
        '"coaching": "Keep naming what the outage costs her."}'
    )
    with Browser(application) as browser:
        browser.login("agent1@demo.local")
        session_id = start(browser)
        with browser.websocket_connect(f"/ws/practice/{session_id}") as ws:
            ws.receive_json()  # hello
            for line in RESOLVING:
                ws.send_json({"type": "say", "text": line})
                until(ws, "turn")
            ended = ws.receive_json()
    assert ended["type"] == "ended"
    judge_requests = [
        r for r in script.requests if "You grade one customer-service behavior" in str(r["body"])
    ]
    assert len(judge_requests) == 11  # asked once (json_schema refused first), not again
    with Session(application.state.engine) as db:
        record = db.exec(select(ScoreRecord).where(ScoreRecord.session_id == session_id)).one()
    report = record.report_json
    assert report["judge"] == "judge-model (json_object)"
    decided = {name: e["decided_by"] for name, e in report["behaviors"].items()}
    assert [name for name, layer in decided.items() if layer == "judge"] == ["impact_naming"]
    assert report["behaviors"]["impact_naming"]["score"] == 85
    reasons = [e["judge_skipped"] for e in report["behaviors"].values() if e["judge_skipped"]]
    assert len(reasons) == 9
    assert all("changed after the judge was asked" not in reason for reason in reasons)
