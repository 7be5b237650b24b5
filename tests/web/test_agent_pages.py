"""The agent's pages: this week's practice, the printable card and the history, parsed."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from sqlmodel import Session, select

from server import accounts
from server.models import Assignment, BehaviorScore, Team, TeamWeekSetting
from server.paths import STATIC_DIR
from server.scenario.schema import DontSay, Week
from server.services import practice
from server.services.curriculum import week_info, week_of_behavior
from server.web.templating import templates

LINES = [
    "Dana, three days without internet when you work from home means you can't reach your "
    "clients. I'm sorry, that's serious.",
    "I will book a technician for tomorrow morning between 8 and 10, and I will call you at "
    "noon to check it's working.",
]


def soup_of(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


def play(db: Session, lines: list[str], behavior_id: str = "active_listening") -> int:
    user = accounts.get_user_by_email(db, "agent1@demo.local")
    assert user is not None
    session = practice.start_practice(
        db, user, scenario_id="hostile_telecom_outage", behavior_id=behavior_id, seed=1
    )
    db.commit()
    live = practice.open_live(db, session)
    for line in lines:
        asyncio.run(practice.say_and_collect(db, live, line))
    practice.finish(db, live)
    assert session.id is not None
    return session.id


def score_of(db: Session, session_id: int, behavior_id: str) -> int | None:
    row = db.exec(
        select(BehaviorScore).where(
            BehaviorScore.session_id == session_id, BehaviorScore.behavior_id == behavior_id
        )
    ).one()
    return row.score


def test_home_shows_the_week_its_card_scenarios_and_progress(login, db) -> None:
    week = week_info(1)
    soup = soup_of(login("agent1@demo.local").page("/agent"))
    assert soup.h1.get_text() == f"This week: {week.title}"
    facts = {
        dt.get_text(): dd.get_text(" ", strip=True)
        for dt, dd in zip(soup.select(".facts dt"), soup.select(".facts dd"), strict=True)
    }
    assert facts["Curriculum week"] == "1 of 10 calendar"
    assert facts["Pass threshold"] == str(week.pass_threshold)
    assert facts["Due"] == "no due date"
    assert week.category in facts["Behavior"]
    assert [li.get_text() for li in soup.select(".card-do li")] == list(week.do_this)
    dont = soup.select(".card-dont li")
    assert [(li.select_one(".dont-line"), li.select_one(".dont-why")) for li in dont]
    assert [li.select_one(".dont-line").get_text() for li in dont] == [
        entry.say for entry in week.dont_say if isinstance(entry, DontSay)
    ]
    assert [li.select_one(".dont-why").get_text() for li in dont] == [
        entry.why for entry in week.dont_say if isinstance(entry, DontSay)
    ]
    assert soup.find("button", string="Print card") is not None
    assert soup.find("a", href="/agent/card") is not None
    recommended = soup.select("#scenarios-title ~ ul.scenario-list > li")
    ids = [li.select_one("input[name=scenario_id]")["value"] for li in recommended]
    assert ids == list(week.scenarios)
    for item in recommended:
        meta = item.select_one(".scenario-meta").get_text()
        assert "Difficulty" in meta and item.select_one(".type-badge").get_text()
        form = item.form
        assert form["method"] == "post" and form["action"] == "/practice"
        assert form.select_one("input[name=csrf_token]")["value"]
        assert form.button["aria-label"].startswith("Practise ")
    others = soup.select(".more-scenarios li input[name=scenario_id]")
    assert len(others) + len(ids) == 16
    assert "No scored attempts" in soup.select_one(".progress").get_text()


def test_home_follows_a_manager_override_threshold_and_due_date(login, db) -> None:
    team = db.exec(select(Team)).one()
    assert team.id is not None
    due = date.today() + timedelta(days=5)
    db.add(
        Assignment(
            team_id=team.id, behavior_id="impact_naming", starts_on=date.today(), due_date=due
        )
    )
    db.add(TeamWeekSetting(team_id=team.id, week=3, pass_threshold=80))
    db.commit()
    soup = soup_of(login("agent1@demo.local").page("/agent"))
    week = week_of_behavior("impact_naming")
    assert soup.h1.get_text() == f"This week: {week.title}"
    text = soup.select_one(".week-summary").get_text(" ", strip=True)
    assert "3 of 10 team override" in text and "80" in text
    assert soup.select_one(".facts time")["datetime"] == due.isoformat()
    ids = [i["value"] for i in soup.select("#scenarios-title ~ ul.scenario-list input")[1::2]]
    assert ids == list(week.scenarios)


def test_progress_links_the_best_and_latest_scores(login, db) -> None:
    first = play(db, LINES[:1])
    second = play(db, LINES)
    scores = {sid: score_of(db, sid, "active_listening") for sid in (first, second)}
    soup = soup_of(login("agent1@demo.local").page("/agent"))
    progress = soup.select_one(".progress")
    best = max((second, first), key=lambda sid: scores[sid] or 0)
    link = progress.find("a", href=f"/attempts/{best}")
    assert link is not None and link.get_text() == str(scores[best])
    assert progress.find("a", href=f"/attempts/{second}") is not None
    assert "after 2 attempts" in progress.get_text(" ", strip=True)
    passed = (scores[best] or 0) >= week_info(1).pass_threshold
    assert progress.select_one(".verdict-small").get_text() == ("Passed" if passed else "Not yet")


def test_printable_card_page(login) -> None:
    soup = soup_of(login("agent1@demo.local").page("/agent/card"))
    week = week_info(1)
    assert week.title in soup.select_one("#card-title").get_text()
    assert len(soup.select(".card-do li")) == len(week.do_this)
    button = soup.find("button", string="Print card")
    assert button is not None and button.has_attr("data-print")
    assert soup.select_one(".card-actions")["class"] == ["no-print", "card-actions"]
    css = (STATIC_DIR / "agent.css").read_text(encoding="utf-8")
    assert "@media print" in css


def test_card_shows_a_dont_say_line_apart_from_its_why() -> None:
    week = Week.model_validate(
        {
            **week_info(2).model_dump(),
            "dont_say": [
                {"say": "As I mentioned, it's five days.", "why": "It blames the customer."},
                "Like I said...",
            ],
        }
    )
    html = templates.get_template("agent/_card.html").render(week=week)
    structured, plain = BeautifulSoup(html, "html.parser").select(".card-dont li")
    assert structured.select_one("q.dont-line").get_text() == "As I mentioned, it's five days."
    assert structured.select_one(".dont-why").get_text() == "It blames the customer."
    assert plain.get_text() == "Like I said..." and plain.select_one(".dont-why") is None
    css = (STATIC_DIR / "agent.css").read_text(encoding="utf-8")
    assert ".dont-why" in css  # the why sits on its own line, in a quieter style


def test_history_shows_first_best_latest_a_trend_chart_and_the_attempts(login, db) -> None:
    ids = [play(db, LINES[:1]), play(db, LINES), play(db, LINES[1:])]
    scores = [score_of(db, sid, "active_listening") for sid in ids]
    soup = soup_of(login("agent1@demo.local").page("/agent/history"))
    row = soup.select_one("table.summary tbody tr")
    cells = row.find_all("td")
    assert cells[0].get_text() == "3"
    assert cells[1].a["href"] == f"/attempts/{ids[0]}"
    assert cells[3].a["href"] == f"/attempts/{ids[2]}"
    assert cells[2].a.get_text() == str(max(s or 0 for s in scores))
    svg = soup.select_one("#trend-active_listening svg")
    assert svg["role"] == "img" and svg.title is not None
    assert svg.title.get_text().endswith(f"threshold {week_info(1).pass_threshold}")
    points = svg.select("a circle")
    assert len(points) == 3
    assert [a["href"] for a in svg.find_all("a")] == [f"/attempts/{sid}" for sid in ids]
    assert svg.select_one("line.threshold") is not None
    assert svg.select_one("path.trend-line") is not None
    xs = [float(c["cx"]) for c in points]
    assert xs == sorted(xs) and len(set(xs)) == 3, "drawn left to right in attempt order"
    ys = [float(c["cy"]) for c in points]
    pairs = list(zip(scores, ys, strict=True))
    for score_a, y_a in pairs:
        for score_b, y_b in pairs:
            if (score_a or 0) > (score_b or 0):
                assert y_a < y_b, "higher scores are drawn higher"
    fallback = soup.select("#trend-active_listening details table tbody tr")
    assert len(fallback) == 3
    listed = soup.select("table.attempts tbody tr")
    assert [tr.a["href"] for tr in listed] == [f"/attempts/{sid}" for sid in reversed(ids)]


def test_history_without_attempts_points_to_practice(login) -> None:
    soup = soup_of(login("agent2@demo.local").page("/agent/history"))
    assert soup.find("a", href="/agent") is not None
    assert soup.select("svg") == []


@pytest.mark.parametrize("email", ["manager@demo.local", "trainer@demo.local"])
def test_agent_pages_need_the_agent_role(login, email: str) -> None:
    browser = login(email)
    for url in ("/agent", "/agent/card", "/agent/history"):
        assert browser.get(url).status_code == 403
    assert browser.submit("/practice", {"scenario_id": "hostile_telecom_outage"}).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client) -> None:
    response = client.get("/agent", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/agent"


def test_an_unknown_scenario_is_explained(login) -> None:
    agent = login("agent1@demo.local")
    agent.page("/agent")
    response = agent.submit("/practice", {"scenario_id": "no_such_scenario"})
    assert response.status_code == 200
    assert "not published" in response.text and "no_such_scenario" in response.text
