"""The scorecard of an attempt: verdict against the threshold, evidence linked into the
transcript, the other behaviors, metrics, retake, and who may see it."""

from __future__ import annotations

import asyncio

import pytest
from bs4 import BeautifulSoup
from sqlmodel import Session, select

from server import accounts
from server.models import PracticeSession, ScenarioVersion, ScoreRecord, Team, TeamWeekSetting
from server.paths import SCENARIOS_DIR
from server.services import practice
from server.services.scenario_store import publish

SCENARIO = "hostile_telecom_outage"
LINES = [
    "Dana, three days without internet when you work from home means you can't reach your "
    "clients. I'm sorry, that's serious.",
    "I will book a technician for tomorrow morning between 8 and 10, and I will call you at "
    "noon to check it's working.",
    "I will credit your account for the whole week today, so you will not pay for days with "
    "no service.",
]


def play(
    db: Session, email: str, lines: list[str], behavior_id: str | None = "impact_naming"
) -> int:
    """A finished (and scored) practice attempt, played through the practice service."""
    user = accounts.get_user_by_email(db, email)
    assert user is not None
    session = practice.start_practice(
        db, user, scenario_id=SCENARIO, behavior_id=behavior_id, seed=3
    )
    db.commit()
    live = practice.open_live(db, session)
    for line in lines:
        if live.ended:
            break
        asyncio.run(practice.say_and_collect(db, live, line))
    practice.finish(db, live)
    assert session.id is not None
    return session.id


def soup_of(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


def report_of(db: Session, session_id: int) -> dict:  # type: ignore[type-arg]
    record = db.exec(select(ScoreRecord).where(ScoreRecord.session_id == session_id)).one()
    return record.report_json


def set_threshold(db: Session, week: int, threshold: int) -> None:
    team = db.exec(select(Team)).one()
    assert team.id is not None
    setting = db.exec(
        select(TeamWeekSetting).where(
            TeamWeekSetting.team_id == team.id, TeamWeekSetting.week == week
        )
    ).first() or TeamWeekSetting(team_id=team.id, week=week)
    setting.pass_threshold = threshold
    db.add(setting)
    db.commit()


def test_scorecard_links_every_evidence_quote_to_its_place_in_the_transcript(login, db) -> None:
    session_id = play(db, "agent1@demo.local", LINES)
    focus = report_of(db, session_id)["behaviors"]["impact_naming"]
    assert focus["evidence"], "the script names the customer's impact"
    soup = soup_of(login("agent1@demo.local").page(f"/attempts/{session_id}"))

    verdict_card = soup.select_one(".verdict-card")
    assert verdict_card is not None and "Week 3" in verdict_card.get_text()
    links = verdict_card.select(".evidence a[href^='#turn-']")
    assert len(links) == len(focus["evidence"])
    for link, evidence in zip(links, focus["evidence"], strict=True):
        target = soup.find(id=link["href"][1:])
        assert target is not None and target.name == "li", link["href"]
        assert link["href"] == f"#turn-{evidence['turn']}"
        assert evidence["quote"] in target.get_text()
        assert evidence["quote"] in link.get_text()
    marks = [mark.get_text() for mark in soup.select(".transcript mark")]
    assert sorted(marks) == sorted(e["quote"] for e in focus["evidence"])
    assert verdict_card.select_one(".coaching").get_text() == focus["coaching"]
    transcript = soup.select(".transcript > li")
    assert [li["id"] for li in transcript] == [f"turn-{i}" for i in range(len(transcript))]


@pytest.mark.parametrize("margin, verdict", [(0, "PASS"), (1, "NOT YET")])
def test_the_verdict_keeps_the_threshold_the_attempt_was_judged_against(
    login, db, margin: int, verdict: str
) -> None:
    score = report_of(db, play(db, "agent1@demo.local", LINES))["behaviors"]["impact_naming"]
    set_threshold(db, 3, score["score"] + margin)
    session_id = play(db, "agent1@demo.local", LINES)  # the same lines score the same
    assert report_of(db, session_id)["behaviors"]["impact_naming"]["score"] == score["score"]
    set_threshold(db, 3, score["score"] + 1 - margin)  # a later change does not rewrite it
    soup = soup_of(login("agent1@demo.local").page(f"/attempts/{session_id}"))
    assert soup.select_one(".verdict").get_text(strip=True) == verdict
    assert f"threshold {score['score'] + margin}" in soup.select_one(".verdict-score").get_text()


def test_the_other_nine_behaviors_and_the_metrics_follow(login, db) -> None:
    session_id = play(db, "agent1@demo.local", LINES)
    behaviors = report_of(db, session_id)["behaviors"]
    soup = soup_of(login("agent1@demo.local").page(f"/attempts/{session_id}"))
    shown = {a["id"].removeprefix("behavior-") for a in soup.select("article.behavior")}
    applicable = {b for b, r in behaviors.items() if r["applicable"] and b != "impact_naming"}
    assert shown == applicable
    not_applicable = soup.select(".na-behaviors li")
    assert len(shown) + len(not_applicable) == 9
    assert soup.select_one(".na-behaviors").name == "details", "n/a behaviors are collapsed"
    rows = soup.select("table.metrics tbody tr")
    assert len(rows) == 9 and rows[0].th.get_text() == "Interruptions per minute"
    for article in soup.select("article.behavior"):
        for link in article.select(".evidence a"):
            assert soup.find(id=link["href"][1:]) is not None


def test_retake_starts_the_latest_version_of_the_same_scenario(login, db) -> None:
    session_id = play(db, "agent1@demo.local", LINES)
    text = (SCENARIOS_DIR / f"{SCENARIO}.yaml").read_text(encoding="utf-8")
    newer = publish(db, yaml_text=text, user=None, expected_id=SCENARIO)
    db.commit()
    agent = login("agent1@demo.local")
    soup = soup_of(agent.page(f"/attempts/{session_id}"))
    form = soup.select_one(f"form[action='/attempts/{session_id}/retake']")
    assert form is not None and form.button.get_text() == "Retake"
    assert f"latest published version {newer.version}" in form.get_text()
    response = agent.submit(f"/attempts/{session_id}/retake", follow_redirects=False)
    assert response.status_code == 303
    new_id = int(response.headers["location"].rsplit("/", 1)[1])
    assert new_id != session_id
    db.expire_all()
    new = db.get(PracticeSession, new_id)
    old = db.get(PracticeSession, session_id)
    assert new is not None and old is not None
    assert new.scenario_version_id == newer.id != old.scenario_version_id
    assert new.behavior_id == old.behavior_id == "impact_naming"
    assert new.status == "active" and new.user_id == old.user_id
    chat = soup_of(agent.page(f"/practice/{new_id}"))
    assert chat.select_one("#chat-log li#turn-0") is not None


def test_a_scenario_version_keeps_its_attempts(login, db) -> None:
    session_id = play(db, "agent1@demo.local", LINES)
    version = db.exec(
        select(ScenarioVersion).join(PracticeSession).where(PracticeSession.id == session_id)
    ).one()
    soup = soup_of(login("agent1@demo.local").page(f"/attempts/{session_id}"))
    assert f"scenario version {version.version}" in soup.select_one(".attempt-meta").get_text()


@pytest.mark.parametrize(
    "email, status, label",
    [
        ("agent1@demo.local", 200, False),
        ("manager@demo.local", 200, True),
        ("admin@demo.local", 200, True),
        ("agent2@demo.local", 403, False),
        ("trainer@demo.local", 403, False),
    ],
)
def test_who_may_see_an_attempt(login, db, email: str, status: int, label: bool) -> None:
    session_id = play(db, "agent1@demo.local", LINES)
    response = login(email).page(f"/attempts/{session_id}")
    assert response.status_code == status
    if status == 200:
        soup = BeautifulSoup(response.text, "html.parser")
        link = soup.find("a", href=f"/manager/attempts/{session_id}/label")
        assert (link is not None) == label
        retake = soup.select_one(f"form[action='/attempts/{session_id}/retake']")
        assert (retake is not None) == (email == "agent1@demo.local")
        assert (email != "agent1@demo.local") == ("agent1@demo.local" in response.text)
    else:
        assert login(email).submit(f"/attempts/{session_id}/retake").status_code == 403


def test_a_manager_of_another_team_may_not_see_an_attempt(login, db) -> None:
    session_id = play(db, "agent1@demo.local", LINES)
    other = accounts.create_user(
        db, email="other.manager@demo.local", password="web-demo-password", role="manager"
    )
    accounts.add_member(db, team=accounts.get_or_create_team(db, name="Night shift"), user=other)
    db.commit()
    assert login("other.manager@demo.local").get(f"/attempts/{session_id}").status_code == 403


def test_an_attempt_ended_before_a_word_has_nothing_to_score(login, db) -> None:
    session_id = play(db, "agent1@demo.local", [])
    assert db.exec(select(ScoreRecord).where(ScoreRecord.session_id == session_id)).first() is None
    soup = soup_of(login("agent1@demo.local").page(f"/attempts/{session_id}"))
    assert soup.select_one(".verdict").get_text(strip=True) == "NOT YET"
    assert "Nothing to score" in soup.select_one(".verdict-card").get_text()
    assert soup.select_one(f"form[action='/attempts/{session_id}/retake']") is not None


def test_an_attempt_in_progress_sends_its_owner_back_to_the_chat(login, db) -> None:
    agent = login("agent1@demo.local")
    agent.page("/agent")
    response = agent.submit("/practice", {"scenario_id": SCENARIO}, follow_redirects=False)
    chat_url = response.headers["location"]
    session_id = chat_url.rsplit("/", 1)[1]
    redirect = agent.get(f"/attempts/{session_id}", follow_redirects=False)
    assert redirect.status_code == 303 and redirect.headers["location"] == chat_url
    assert agent.get("/attempts/999999").status_code == 404
