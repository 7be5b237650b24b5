"""CSV export of a team's attempts: headers, rows, scoping and spreadsheet safety."""

from __future__ import annotations

import csv
import io

from sqlmodel import Session, select

from server.models import ScenarioVersion, User
from server.services.export import safe_cell, to_csv
from tests.web.conftest import DEMO_PASSWORD
from tests.web.manager_attempts import CURT_LINES, other_team, practise, target_score


def _rows(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.text)))


def test_export_lists_every_scored_attempt_of_the_team(login, db: Session) -> None:  # type: ignore[no-untyped-def]
    first = practise(db, "agent1@demo.local")
    second = practise(
        db,
        "agent2@demo.local",
        scenario_id="hostile_telecom_outage",
        behavior_id="impact_naming",
        lines=CURT_LINES,
    )
    team, _, _ = other_team(db, DEMO_PASSWORD)
    practise(db, "night.agent@demo.local")  # another team's attempt: never exported here

    response = login("manager@demo.local").get(f"/manager/export.csv?team={first.team_id}")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="sparring-attempts-demo-team-')
    assert disposition.endswith('.csv"')
    assert response.text.splitlines()[0] == (
        "agent,email,week,behavior,scenario_id,scenario_version,started_at,score,level,passed,"
        "attempt_url"
    )
    rows = _rows(response)
    assert [r["email"] for r in rows] == ["agent2@demo.local", "agent1@demo.local"]  # newest first
    by_email = {r["email"]: r for r in rows}
    for attempt, email, week, behavior in (
        (first, "agent1@demo.local", "1", "active_listening"),
        (second, "agent2@demo.local", "3", "impact_naming"),
    ):
        row = by_email[email]
        version = db.get(ScenarioVersion, attempt.scenario_version_id)
        score = target_score(db, attempt)
        assert version is not None
        assert (row["week"], row["behavior"]) == (week, behavior)
        assert (row["scenario_id"], row["scenario_version"]) == (
            version.scenario_id,
            str(version.version),
        )
        assert row["score"] == ("" if score is None else str(score))
        assert row["passed"] == ("yes" if score is not None and score >= 70 else "no")
        assert row["attempt_url"] == f"http://testserver/attempts/{attempt.id}"
        assert row["started_at"].startswith(attempt.started_at.date().isoformat())
        assert row["started_at"].endswith("+00:00")  # UTC, said so, on SQLite and PostgreSQL
    assert team.id != first.team_id


def test_names_that_look_like_formulas_stay_text(login, db: Session) -> None:  # type: ignore[no-untyped-def]
    agent = db.exec(select(User).where(User.email == "agent1@demo.local")).one()
    agent.name = '=HYPERLINK("http://evil.example","click")'
    db.add(agent)
    db.commit()
    practise(db, "agent1@demo.local")
    rows = _rows(login("manager@demo.local").get("/manager/export.csv"))
    assert rows[0]["agent"] == "'" + agent.name
    assert safe_cell("-1") == "'-1" and safe_cell(42) == "42" and safe_cell(None) == ""
    assert to_csv(["a"], [["x,y"]]) == 'a\r\n"x,y"\r\n'
