"""Manager heatmap benchmark (a plain script, not a test): a SQLite team of 50 agents with
several scored attempts on each of the ten weeks, then the `/manager` page rendered server-side
through the real app, median of repeated runs.

    .venv/bin/python tests/benchmarks/bench_dashboard.py [--agents 50] [--attempts 3] [--runs 30]

Target: the page in ≤ 150 ms (median). The attempts' score rows come from real conversations
with the scripted customer, scored by the real scorer; each stored report is reused across
agents so that seeding stays quick.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

import scorer
from server import migrations
from server.accounts import add_member, create_user, get_or_create_team
from server.app import create_app
from server.customer import Conversation
from server.db import make_engine, session_scope
from server.models import (
    BehaviorScore,
    PracticeSession,
    Role,
    ScenarioVersion,
    ScoreRecord,
    SessionMode,
    SessionStatus,
    Team,
)
from server.services.curriculum import curriculum
from server.services.dashboard import build_heatmap
from server.services.scenario_store import scenario_of, sync_shipped
from server.settings import Settings

PASSWORD = "bench-password"
AGENT_LINES = (
    (
        "So the payment was blocked and you're worried, is that right? What happened first?",
        "I will unblock it now and I will call you at 3pm today to check.",
        "To recap: the block was a fraud check, I lifted it, call me on 555 0123 if it recurs.",
    ),
    ("ok", "we'll look into it", "as I mentioned, calm down"),
    (
        "That sounds like it cost you a day's work. Which address should it go to?",
        "I will send a replacement today by express; you'll have it tomorrow before noon.",
    ),
)


def real_reports(version: ScenarioVersion) -> list[dict[str, Any]]:
    """Reports of real conversations with the scripted customer."""
    scenario = scenario_of(version)
    reports = []
    for seed, lines in enumerate(AGENT_LINES):
        conversation = Conversation(scenario, seed=seed)
        conversation.opening()
        for line in lines:
            if conversation.ended:
                break
            conversation.reply(line)
        reports.append(scorer.score(conversation.transcript()).to_dict())
    return reports


def seed(engine: Any, agents: int, attempts: int) -> int:
    with session_scope(engine) as db:
        sync_shipped(db)
        team = get_or_create_team(db, name="Benchmark team")
        team.curriculum_start = date.today() - timedelta(weeks=4)
        manager = create_user(db, email="boss@bench.local", password=PASSWORD, role=Role.manager)
        add_member(db, team=team, user=manager)
        version = db.exec(select(ScenarioVersion)).first()
        assert version is not None and team.id is not None and version.id is not None
        reports = real_reports(version)
        count = 0
        for i in range(agents):
            agent = create_user(
                db, email=f"agent{i:03d}@bench.local", password=PASSWORD, name=f"Agent {i:03d}"
            )
            add_member(db, team=team, user=agent)
            assert agent.id is not None
            for week in curriculum().weeks:
                for n in range(attempts):
                    report = reports[(i + week.week + n) % len(reports)]
                    session = PracticeSession(
                        user_id=agent.id,
                        team_id=team.id,
                        scenario_version_id=version.id,
                        behavior_id=week.behavior,
                        week=week.week,
                        mode=SessionMode.practice,
                        status=SessionStatus.ended,
                        outcome="resolved",
                    )
                    db.add(session)
                    db.flush()
                    assert session.id is not None
                    record = ScoreRecord(
                        session_id=session.id,
                        scorer_version=str(report["scorer_version"]),
                        report_json=report,
                    )
                    db.add(record)
                    db.flush()
                    assert record.id is not None
                    for behavior_id, result in report["behaviors"].items():
                        db.add(
                            BehaviorScore(
                                score_record_id=record.id,
                                session_id=session.id,
                                behavior_id=behavior_id,
                                applicable=result["applicable"],
                                score=result["score"],
                                level=result["level"],
                            )
                        )
                    count += 1
        return count


def median_ms(action: Any, runs: int) -> tuple[float, float]:
    action()  # warm caches (templates, parsed curriculum)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--attempts", type=int, default=3, help="attempts per agent and week")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(  # type: ignore[call-arg]
            data_dir=Path(tmp) / "var",
            secret_key="bench-secret-key-" + "x" * 32,
            log_level="warning",
        )
        engine = make_engine(settings)
        migrations.upgrade(engine)
        started = time.perf_counter()
        sessions = seed(engine, args.agents, args.attempts)
        print(
            f"seeded {args.agents} agents × 10 weeks × {args.attempts} attempts = {sessions} "
            f"scored sessions in {time.perf_counter() - started:.1f} s (SQLite)"
        )

        app = create_app(settings)
        with TestClient(app) as client:
            page = client.get("/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            assert token is not None
            client.post(
                "/login",
                data={
                    "csrf_token": token.group(1),
                    "email": "boss@bench.local",
                    "password": PASSWORD,
                },
            )
            response = client.get("/manager")
            assert response.status_code == 200, response.text[:500]
            assert response.text.count('class="mgr-cell') == args.agents * 10

            def request_page() -> None:
                client.get("/manager")

            def heatmap_data() -> None:
                with Session(app.state.engine) as db:
                    heatmap = build_heatmap(db, db.exec(select(Team)).one())
                    assert len(heatmap.rows) == args.agents

            page_median, page_max = median_ms(request_page, args.runs)
            data_median, data_max = median_ms(heatmap_data, args.runs)
        app.state.engine.dispose()
        engine.dispose()

    print(
        f"GET /manager (TestClient, full request): median {page_median:.1f} ms, "
        f"max {page_max:.1f} ms over {args.runs} runs; {len(response.text) // 1024} KiB HTML"
    )
    print(f"heatmap queries (build_heatmap): median {data_median:.1f} ms, max {data_max:.1f} ms")
    verdict = "OK" if page_median <= 150 else "OVER TARGET"
    print(f"target ≤ 150 ms for the page: {verdict}")


if __name__ == "__main__":
    main()
