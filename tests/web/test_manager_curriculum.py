"""Curriculum settings: start date, thresholds, due dates and overrides change what agents
practise (`plan_for`), with validation that keeps the manager's input."""

from __future__ import annotations

from datetime import date, timedelta

from bs4 import BeautifulSoup
from sqlmodel import Session, select

from server.models import Assignment, Team, TeamWeekSetting
from server.services.curriculum import plan_for
from server.services.dashboard import assigned_weeks
from server.services.manager_scope import team_agents
from tests.web.manager_attempts import user

TODAY = date.today()


def _team(db: Session) -> Team:
    db.expire_all()
    return db.exec(select(Team)).one()


def _settings(team: Team, **changes: str) -> dict[str, str]:
    form = {"team_id": str(team.id), "start": team.curriculum_start.isoformat()}  # type: ignore[union-attr]
    for n in range(1, 11):
        form[f"threshold_{n}"] = "70"
        form[f"due_{n}"] = ""
    form.update(changes)
    return form


def test_settings_page_shows_every_week_with_labels(login, db: Session) -> None:  # type: ignore[no-untyped-def]
    soup = BeautifulSoup(
        login("manager@demo.local").page("/manager/curriculum").text, "html.parser"
    )
    rows = soup.select("table.mgr-settings tbody tr")
    assert len(rows) == 10
    for control in soup.select("form input:not([type=hidden]), form select, form textarea"):
        assert soup.find("label", attrs={"for": control["id"]}) is not None, control
    assert soup.select_one("#f-threshold_3")["value"] == "70"
    assert soup.select_one("#f-start")["value"] == _team(db).curriculum_start.isoformat()  # type: ignore[union-attr]


def test_saved_settings_change_the_agents_plan(login, db: Session) -> None:  # type: ignore[no-untyped-def]
    manager = login("manager@demo.local")
    manager.page("/manager/curriculum")
    team = _team(db)
    start = TODAY - timedelta(days=TODAY.weekday() + 14)  # two weeks ago: week 3 now
    due = (start + timedelta(days=20)).isoformat()
    response = manager.submit(
        "/manager/curriculum", _settings(team, start=start.isoformat(), threshold_3="85", due_3=due)
    )
    assert "Saved the curriculum settings of Demo team." in response.text
    db.expire_all()
    plan = plan_for(db, user(db, "agent1@demo.local"), TODAY)
    assert (plan.week.week, plan.threshold, plan.due_date, plan.source) == (
        3,
        85,
        date.fromisoformat(due),
        "calendar",
    )
    # the page shows what was saved; a default threshold leaves no row behind
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.select_one("#f-threshold_3")["value"] == "85"
    assert soup.select_one("#f-due_3")["value"] == due
    weeks = [s.week for s in db.exec(select(TeamWeekSetting))]
    assert weeks == [3]


def test_invalid_settings_are_explained_and_nothing_is_saved(login, db: Session) -> None:  # type: ignore[no-untyped-def]
    manager = login("manager@demo.local")
    manager.page("/manager/curriculum")
    team = _team(db)
    before = team.curriculum_start
    response = manager.submit(
        "/manager/curriculum",
        _settings(team, start="2025-02-30", threshold_2="120", threshold_4="abc", due_5="soon"),
    )
    assert response.status_code == 400
    soup = BeautifulSoup(response.text, "html.parser")
    errors = [li.get_text() for li in soup.select("#form-errors li")]
    assert errors == [
        "Curriculum start date: '2025-02-30' is not a date; enter it as YYYY-MM-DD.",
        "Week 2 pass threshold: '120' is not a whole number from 0 to 100; enter one.",
        "Week 4 pass threshold: 'abc' is not a whole number from 0 to 100; enter one.",
        "Week 5 due date: 'soon' is not a date; enter it as YYYY-MM-DD.",
    ]
    # the input is kept, and each bad field points at its message
    assert soup.select_one("#f-threshold_2")["value"] == "120"
    assert soup.select_one("#f-threshold_4")["aria-invalid"] == "true"
    assert soup.select_one("#e-threshold_4").get_text().startswith("Week 4 pass threshold")
    assert soup.select_one("#f-due_5")["value"] == "soon"
    assert _team(db).curriculum_start == before
    assert db.exec(select(TeamWeekSetting)).first() is None
    # a due date before the start
    early = manager.submit(
        "/manager/curriculum",
        _settings(team, due_1=(team.curriculum_start - timedelta(days=1)).isoformat()),
    )  # type: ignore[operator]
    assert early.status_code == 400 and "is before the curriculum starts" in early.text


def test_overrides_for_the_team_and_for_one_agent(login, db: Session) -> None:  # type: ignore[no-untyped-def]
    manager = login("manager@demo.local")
    manager.page("/manager/curriculum")
    team = _team(db)
    alex, sam = user(db, "agent1@demo.local"), user(db, "agent2@demo.local")
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    manager.submit(
        "/manager/curriculum/overrides",
        {
            "team_id": str(team.id),
            "target": "team",
            "behavior": "deescalation",
            "starts_on": yesterday,
        },
    )
    response = manager.submit(
        "/manager/curriculum/overrides",
        {
            "team_id": str(team.id),
            "target": str(sam.id),
            "behavior": "clarity",
            "starts_on": yesterday,
            "due_date": (TODAY + timedelta(days=6)).isoformat(),
        },
    )
    assert "Override added: week 7" in response.text
    future = (TODAY + timedelta(days=30)).isoformat()
    manager.submit(
        "/manager/curriculum/overrides",
        {"team_id": str(team.id), "target": "team", "behavior": "ownership", "starts_on": future},
    )
    db.expire_all()

    alex_plan, sam_plan = plan_for(db, alex, TODAY), plan_for(db, sam, TODAY)
    assert (alex_plan.behavior_id, alex_plan.source) == ("deescalation", "team override")
    assert (sam_plan.behavior_id, sam_plan.source) == ("clarity", "agent override")
    assert sam_plan.due_date == TODAY + timedelta(days=6)
    # the heatmap's batch rule agrees with plan_for
    batch = assigned_weeks(db, team, [alex.id, sam.id], TODAY)  # type: ignore[list-item]
    assert batch == {alex.id: (4, "team override"), sam.id: (7, "agent override")}

    soup = BeautifulSoup(manager.page("/manager/curriculum").text, "html.parser")
    listed = [
        [td.get_text(" ", strip=True) for td in tr.find_all("td")[:5]]
        for tr in soup.select("tr[data-override]")
    ]
    assert [(row[0], row[4]) for row in listed] == [
        ("Whole team", "scheduled"),
        ("Sam Agent", "in force"),
        ("Whole team", "in force"),
    ]

    # removing the agent's override sends Sam back to the team's
    override_id = db.exec(select(Assignment.id).where(Assignment.user_id == sam.id)).one()
    removed = manager.submit(
        f"/manager/curriculum/overrides/{override_id}/remove", {"team_id": str(team.id)}
    )
    assert "Override removed." in removed.text
    db.expire_all()
    assert plan_for(db, sam, TODAY).behavior_id == "deescalation"
    assert (
        manager.submit(
            f"/manager/curriculum/overrides/{override_id}/remove", {"team_id": str(team.id)}
        ).status_code
        == 404
    )


def test_invalid_override_keeps_the_input(login, db: Session) -> None:  # type: ignore[no-untyped-def]
    manager = login("manager@demo.local")
    manager.page("/manager/curriculum")
    team = _team(db)
    sam = user(db, "agent2@demo.local")
    response = manager.submit(
        "/manager/curriculum/overrides",
        {
            "team_id": str(team.id),
            "target": str(sam.id),
            "behavior": "",
            "starts_on": "2030-01-10",
            "due_date": "2030-01-01",
        },
    )
    assert response.status_code == 400
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.select_one("#oe-behavior").get_text().startswith("Behavior: '' is not")
    due_error = soup.select_one("#oe-due_date").get_text()
    assert "is before the override starts (2030-01-10)" in due_error
    assert soup.select_one(f'#o-target option[value="{sam.id}"]').has_attr("selected")
    assert soup.select_one("#o-starts_on")["value"] == "2030-01-10"
    # someone outside the team cannot be a target
    manager_id = user(db, "manager@demo.local").id
    outsider = manager.submit(
        "/manager/curriculum/overrides",
        {"team_id": str(team.id), "target": str(manager_id), "behavior": "clarity"},
    )
    assert "is not an agent of Demo team" in outsider.text
    assert db.exec(select(Assignment)).first() is None
    assert {a.email for a in team_agents(db, team)} == {"agent1@demo.local", "agent2@demo.local"}
