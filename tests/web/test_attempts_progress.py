"""Attempts, progress and trend charts from real scored practice: one query for one agent or a
team, the latest report of a rescored attempt, the team's thresholds, and the chart's geometry."""

from __future__ import annotations

import copy

from bs4 import BeautifulSoup
from sqlmodel import Session, select

from server.models import ScoreRecord, Team, TeamWeekSetting
from server.services.attempts import attempts_of
from server.services.curriculum import team_thresholds
from server.services.progress import progress_by_behavior
from server.services.trend_chart import COMPACT, WIDE, chart_of
from tests.web.manager_attempts import practise, target_score, user


def _team(db: Session) -> Team:
    return db.exec(select(Team)).one()


def test_one_query_serves_several_agents_against_the_teams_threshold(db: Session) -> None:
    team = _team(db)
    assert team.id is not None
    db.add(TeamWeekSetting(team_id=team.id, week=1, pass_threshold=55))
    db.commit()
    first = practise(db, "agent1@demo.local")
    second = practise(db, "agent2@demo.local")
    agents = [user(db, "agent1@demo.local"), user(db, "agent2@demo.local")]

    oldest_first = attempts_of(db, agents, team)
    assert [a.session_id for a in oldest_first] == [first.id, second.id]
    assert [a.session_id for a in attempts_of(db, agents, team, newest_first=True)] == [
        second.id,
        first.id,
    ]
    for attempt, session in zip(oldest_first, (first, second), strict=True):
        assert attempt.threshold == 55 and attempt.week == 1 and attempt.ended
        assert attempt.score == target_score(db, session)
        assert attempt.passed == (attempt.score is not None and attempt.score >= 55)
    assert attempts_of(db, agents[:1], team, behavior_id="ownership") == []


def test_a_rescored_attempt_counts_once_with_its_latest_report(login, db: Session) -> None:  # type: ignore[no-untyped-def]
    session = practise(db, "agent1@demo.local")
    record = db.exec(select(ScoreRecord).where(ScoreRecord.session_id == session.id)).one()
    newer = copy.deepcopy(record.report_json)
    entry = newer["behaviors"]["active_listening"]  # type: ignore[index]
    entry.update(applicable=True, score=12, level="poor", evidence=[])
    db.add(ScoreRecord(session_id=session.id, scorer_version="rescored", report_json=newer))
    db.commit()

    (attempt,) = attempts_of(db, [user(db, "agent1@demo.local")], _team(db))
    assert (attempt.score, attempt.level, attempt.evidence) == (12, "poor", ())
    soup = BeautifulSoup(login("agent1@demo.local").page("/agent/history").text, "html.parser")
    rows = soup.select("table.attempts tbody tr")
    assert len(rows) == 1 and rows[0].find_all("td")[4].get_text().startswith("12")


def test_progress_keeps_scores_from_other_weeks_practice_as_hollow_points(db: Session) -> None:
    practise(db, "agent1@demo.local")
    practise(db, "agent1@demo.local", scenario_id="hostile_telecom_outage", behavior_id="ownership")
    team = _team(db)
    attempts = attempts_of(db, [user(db, "agent1@demo.local")], team)
    progress = {p.behavior_id: p for p in progress_by_behavior(attempts, team_thresholds(db, team))}

    assert len(progress) == 10
    listening = progress["active_listening"]
    assert [a.session_id for a in listening.attempts] == [attempts[0].session_id]
    assert all(p.targeted == (p.attempt is attempts[0]) for p in listening.points)
    ownership = progress["ownership"]
    assert [a.behavior_id for a in ownership.attempts] == ["ownership"]
    for p in progress.values():
        chart = chart_of(p, COMPACT)
        assert [d.session_id for d in chart.dots] == [pt.session_id for pt in p.points]
        assert [d.targeted for d in chart.dots] == [pt.targeted for pt in p.points]
        for dot in chart.dots:
            assert dot.passed == (dot.point.score >= p.threshold)
            assert ("while practising" in dot.label) != dot.targeted


def test_the_chart_places_scores_left_to_right_and_high_scores_high(db: Session) -> None:
    for _ in range(3):
        practise(db, "agent1@demo.local")
    team = _team(db)
    attempts = attempts_of(db, [user(db, "agent1@demo.local")], team)
    listening = progress_by_behavior(attempts, team_thresholds(db, team))[0]
    chart = chart_of(listening, WIDE)
    xs = [d.x for d in chart.dots]
    assert xs[0] == chart.left and xs[-1] == chart.right and xs == sorted(xs)
    assert chart.path.startswith(f"M{xs[0]},") and chart.path.count("L") == 2
    zero, hundred = (y for score, y in chart.gridlines if score in (0, 100))
    assert zero > chart.threshold_y > hundred  # y grows downwards
    for dot in chart.dots:
        assert hundred <= dot.y <= zero
    assert [score for score, _ in chart.gridlines] == [0, 50, 100]  # none near the threshold 70
    assert chart.title.endswith(f"against threshold {listening.threshold}")
