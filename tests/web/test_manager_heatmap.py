"""The manager's heatmap, agent page and week drill-down, from real scored practice attempts."""

from __future__ import annotations

from datetime import date, timedelta

from bs4 import BeautifulSoup
from sqlalchemy import event
from sqlmodel import Session, select

from server.accounts import add_member, create_user
from server.models import Role, Team, Turn
from server.services.curriculum import curriculum
from server.services.dashboard import build_heatmap
from tests.web.conftest import DEMO_PASSWORD
from tests.web.manager_attempts import CURT_LINES, LISTENING_LINES, practise, target_score, user


def _soup(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


def _cells(soup: BeautifulSoup, email: str) -> list:  # type: ignore[type-arg]
    row = soup.select_one(f'tr[data-agent="{email}"]')
    assert row is not None, f"no heatmap row for {email}"
    return row.select("td.mgr-cell")


def _set_threshold(manager, week: int, value: int) -> None:  # type: ignore[no-untyped-def]
    form = {f"threshold_{n}": "" for n in range(1, 11)}
    page = _soup(manager.page("/manager/curriculum"))
    form["start"] = page.select_one("#f-start")["value"]
    form["team_id"] = page.select_one('input[name="team_id"]')["value"]
    form[f"threshold_{week}"] = str(value)
    response = manager.submit("/manager/curriculum", form)
    assert "Saved the curriculum settings" in response.text


def test_heatmap_shows_best_score_attempts_and_pass_state(login, db: Session) -> None:  # type: ignore[no-untyped-def]
    first = practise(db, "agent1@demo.local")
    second = practise(db, "agent1@demo.local", lines=CURT_LINES)
    scores = [target_score(db, a) for a in (first, second)]
    best = max(s for s in scores if s is not None)
    manager = login("manager@demo.local")

    soup = _soup(manager.page("/manager"))
    headers = soup.select("table.mgr-heatmap thead th.mgr-week")
    assert [h.select_one(".mgr-week-no").get_text(" ", strip=True) for h in headers][:2] == [
        "Week 1 this week",
        "Week 2",
    ]
    assert len(headers) == 10
    assert "mgr-current" in headers[0]["class"] and "mgr-current" not in headers[1]["class"]
    for header, week in zip(headers, curriculum().weeks, strict=True):
        assert week.category in header.get_text() and week.title in header.get_text()

    alex = _cells(soup, "agent1@demo.local")
    sam = _cells(soup, "agent2@demo.local")
    assert len(alex) == len(sam) == 10
    assert alex[0].select_one(".mgr-score").get_text() == str(best)
    assert alex[0].select_one(".mgr-tries").get_text() == "2 tries"
    expected = "pass" if best >= 70 else "not yet"
    assert alex[0]["data-status"] == expected
    assert alex[0].select_one(".mgr-status").get_text() == expected
    assert all(cell["data-status"] == "none" for cell in alex[1:] + sam)
    assert sam[0].select_one(".mgr-score").get_text() == "—"
    # every cell is a link to its drill-down, with a label saying what it holds
    agent1 = user(db, "agent1@demo.local")
    for week, cell in enumerate(alex, start=1):
        link = cell.find("a")
        assert link["href"] == f"/manager/agents/{agent1.id}/weeks/{week}"
        assert link["aria-label"].startswith(f"Alex Agent, week {week}")

    # a threshold change judges later attempts; it does not rewrite past results
    _set_threshold(manager, 1, best + 1 if expected == "pass" else max(best - 1, 0))
    cell = _cells(_soup(manager.page("/manager")), "agent1@demo.local")[0]
    assert cell["data-status"] == expected
    passed_now = "1" if expected == "pass" else "0"
    assert _soup(manager.page("/manager")).select_one("#passed-now strong").get_text() == passed_now
    _set_threshold(manager, 1, best)  # now the same lines pass
    practise(db, "agent1@demo.local", lines=CURT_LINES if scores[1] == best else LISTENING_LINES)
    cell = _cells(_soup(manager.page("/manager")), "agent1@demo.local")[0]
    assert cell["data-status"] == "pass" and "cell-pass" in cell["class"]
    assert _soup(manager.page("/manager")).select_one("#passed-now strong").get_text() == "1"


def test_attempts_count_only_practice_of_that_weeks_behavior(login, db: Session) -> None:  # type: ignore[no-untyped-def]
    retake = practise(
        db, "agent2@demo.local", scenario_id="hostile_telecom_outage", behavior_id="impact_naming"
    )
    soup = _soup(login("manager@demo.local").page("/manager"))
    sam = _cells(soup, "agent2@demo.local")
    # scored on all ten behaviors, but it practised week 3 only
    assert [cell["data-status"] != "none" for cell in sam] == [i == 2 for i in range(10)]
    shown = sam[2].select_one(".mgr-score").get_text()
    score = target_score(db, retake)
    assert shown == (str(score) if score is not None else "n/a")


def test_heatmap_is_built_with_a_fixed_number_of_queries(app, db: Session) -> None:  # type: ignore[no-untyped-def]
    team = db.exec(select(Team)).one()

    def count_queries(agents: int) -> int:
        for i in range(agents):
            agent = create_user(
                db, email=f"extra{agents}-{i}@demo.local", password=DEMO_PASSWORD, role=Role.agent
            )
            add_member(db, team=team, user=agent)
        db.commit()
        statements: list[str] = []

        def record(*args: object) -> None:
            statements.append(str(args[2]))

        event.listen(app.state.engine, "before_cursor_execute", record)
        try:
            with Session(app.state.engine) as fresh:
                heatmap = build_heatmap(fresh, fresh.get(Team, team.id))  # type: ignore[arg-type]
        finally:
            event.remove(app.state.engine, "before_cursor_execute", record)
        assert len(heatmap.rows) >= agents
        return len(statements)

    assert count_queries(1) == count_queries(12) <= 6  # one of them: the real-call aggregate


def test_drill_down_lists_the_weeks_attempts_with_evidence(login, db: Session) -> None:  # type: ignore[no-untyped-def]
    attempt = practise(db, "agent1@demo.local")
    agent = user(db, "agent1@demo.local")
    manager = login("manager@demo.local")
    soup = _soup(manager.page(f"/manager/agents/{agent.id}/weeks/1"))
    assert "Let them finish, say it back, then ask" in soup.h1.get_text()
    card = soup.select_one(f'article[data-attempt="{attempt.id}"]')
    assert card is not None
    assert card.h2.a["href"] == f"/attempts/{attempt.id}"
    assert card.find("a", string="Label this attempt")["href"] == (
        f"/manager/attempts/{attempt.id}/label"
    )
    turns = {t.index: t.text for t in db.exec(select(Turn).where(Turn.session_id == attempt.id))}
    quotes = card.select(".mgr-evidence li")
    assert quotes, "the attempt's evidence is listed"
    for item in quotes:
        link = item.find("a")
        turn = int(link["href"].rsplit("-", 1)[1])
        quote = item.get_text().split("“", 1)[1].rsplit("”", 1)[0]
        assert quote in turns[turn]
    # other weeks: no attempt, and a way on
    empty = _soup(manager.page(f"/manager/agents/{agent.id}/weeks/4"))
    assert "has no attempt on this behavior yet" in empty.get_text()
    assert empty.find("a", string="Week 5 →")["href"] == f"/manager/agents/{agent.id}/weeks/5"
    assert manager.page(f"/manager/agents/{agent.id}/weeks/11").status_code == 404


def test_agent_page_draws_trends_with_a_table_fallback(login, db: Session) -> None:  # type: ignore[no-untyped-def]
    attempts = [practise(db, "agent1@demo.local"), practise(db, "agent1@demo.local")]
    agent = user(db, "agent1@demo.local")
    soup = _soup(login("manager@demo.local").page(f"/manager/agents/{agent.id}"))
    trend = soup.select_one("#trend-active_listening").find_parent("section")
    rows = trend.select("details table tbody tr")
    scores = [target_score(db, a) for a in attempts]
    if all(s is not None for s in scores):
        assert [int(r.find_all("td")[1].get_text()) for r in rows] == scores
        svg = trend.find("svg")
        assert svg["role"] == "img" and svg.find("title").get_text()
        assert len(svg.select("circle.dot")) == 2
        assert svg.select_one("path.trend-line")["d"].count(",") == 2
    listed = [tr["data-attempt"] for tr in soup.select("table.mgr-attempts tbody tr")]
    assert listed == [str(attempts[1].id), str(attempts[0].id)]  # newest first


def test_overridden_week_is_marked_as_the_agents_current_week(login, db: Session) -> None:  # type: ignore[no-untyped-def]
    manager = login("manager@demo.local")
    agent = user(db, "agent2@demo.local")
    team = db.exec(select(Team)).one()
    response = manager.submit(
        "/manager/curriculum/overrides",
        {
            "team_id": str(team.id),
            "target": str(agent.id),
            "behavior": "ownership",
            "starts_on": (date.today() - timedelta(days=1)).isoformat(),
        },
    )
    assert "Override added" in response.text
    soup = _soup(manager.page("/manager"))
    sam = _cells(soup, "agent2@demo.local")
    assert [("mgr-assigned" in c["class"]) for c in sam] == [i == 8 for i in range(10)]
    row = soup.select_one('tr[data-agent="agent2@demo.local"]')
    assert "agent override: week 9" in row.th.get_text()
    alex = _cells(soup, "agent1@demo.local")
    assert "mgr-assigned" in alex[0]["class"]
