"""Who may see the manager's pages: managers of the team and admins; nobody else."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from sqlmodel import Session

from tests.web.conftest import DEMO_PASSWORD
from tests.web.manager_attempts import other_team, practise, user


@pytest.fixture
def night(db: Session):  # type: ignore[no-untyped-def]
    return other_team(db, DEMO_PASSWORD)


def _urls(team_id: int, agent_id: int, attempt_id: int) -> list[str]:
    return [
        f"/manager?team={team_id}",
        f"/manager/curriculum?team={team_id}",
        f"/manager/calibration?team={team_id}",
        f"/manager/export.csv?team={team_id}",
        f"/manager/calibration.csv?team={team_id}",
        f"/manager/agents/{agent_id}",
        f"/manager/agents/{agent_id}/weeks/1",
        f"/manager/attempts/{attempt_id}/label",
    ]


def test_a_manager_of_another_team_gets_403(login, db: Session, night) -> None:  # type: ignore[no-untyped-def]
    team, _, _ = night
    attempt = practise(db, "agent1@demo.local")
    demo_team_id = attempt.team_id
    assert demo_team_id is not None and demo_team_id != team.id
    outsider = login("night.manager@demo.local")
    for url in _urls(demo_team_id, attempt.user_id, attempt.id):  # type: ignore[arg-type]
        response = outsider.page(url)
        assert response.status_code == 403, url
    page = BeautifulSoup(outsider.page(f"/manager?team={demo_team_id}").text, "html.parser")
    assert "You do not manage team" in page.get_text()
    # writes are refused too, and change nothing
    refused = outsider.submit(
        "/manager/curriculum", {"team_id": str(demo_team_id), "threshold_1": "5"}
    )
    assert refused.status_code == 403
    label = outsider.submit(
        f"/manager/attempts/{attempt.id}/label",
        {"behavior": "active_listening", "level": "good", "reason": "sneaky"},
    )
    assert label.status_code == 403
    # their own team works, and shows only their own agent
    own = BeautifulSoup(outsider.page("/manager").text, "html.parser")
    assert [tr["data-agent"] for tr in own.select("tbody tr[data-agent]")] == [
        "night.agent@demo.local"
    ]


def test_the_teams_manager_and_admins_get_in(login, db: Session, night) -> None:  # type: ignore[no-untyped-def]
    attempt = practise(db, "agent1@demo.local")
    for email in ("manager@demo.local", "admin@demo.local"):
        browser = login(email)
        for url in _urls(attempt.team_id, attempt.user_id, attempt.id):  # type: ignore[arg-type]
            assert browser.page(url).status_code == 200, (email, url)
    # an admin manages every team, so gets a team picker
    picker = BeautifulSoup(login("admin@demo.local").page("/manager").text, "html.parser")
    options = [o.get_text() for o in picker.select("#team-picker option")]
    assert options == ["Demo team", "Night shift"]
    assert picker.find("label", attrs={"for": "team-picker"}) is not None


def test_agents_and_trainers_get_403_and_visitors_sign_in(login, client, db: Session) -> None:  # type: ignore[no-untyped-def]
    attempt = practise(db, "agent1@demo.local")
    urls = _urls(attempt.team_id, attempt.user_id, attempt.id)  # type: ignore[arg-type]
    for email in ("agent1@demo.local", "trainer@demo.local"):
        browser = login(email)
        for url in urls:
            assert browser.page(url).status_code == 403, (email, url)
    anonymous = client.get("/manager", follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/login?next=/manager"


def test_unknown_things_are_404_and_non_agents_are_not_agents(login, db: Session) -> None:  # type: ignore[no-untyped-def]
    manager = login("manager@demo.local")
    assert manager.page("/manager?team=999").status_code == 404
    assert manager.page("/manager/agents/999").status_code == 404
    assert manager.page("/manager/attempts/999/label").status_code == 404
    # a manager in the same team is not an agent of it
    assert manager.page(f"/manager/agents/{user(db, 'manager@demo.local').id}").status_code == 404


def test_a_manager_without_a_team_is_told_what_to_do(login, db: Session) -> None:  # type: ignore[no-untyped-def]
    from server.accounts import create_user
    from server.models import Role

    create_user(db, email="new.boss@demo.local", password=DEMO_PASSWORD, role=Role.manager)
    db.commit()
    page = login("new.boss@demo.local").page("/manager")
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    assert soup.h1.get_text() == "No team yet"
    assert soup.find("a", string="teams page")["href"] == "/admin/teams"
