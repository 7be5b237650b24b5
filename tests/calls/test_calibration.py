"""Calibration on real calls: blind labels, quadratic-weighted kappa and confusion per behavior,
drift by month — on the manager's calibration page and from `sparring scorer calibrate`."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from bs4 import BeautifulSoup
from sqlmodel import Session, select

from scorer.agreement import agreement
from server.calls import service
from server.models import CallLabel, User
from server.services import calibration
from server.settings import Settings
from tests.conftest import TEST_SECRET

FIXTURES = Path(__file__).parent / "fixtures"
HUMAN_LEVELS = ["good", "average", "poor", "good"]


def _labelled_calls(db: Session, settings: Settings, engine) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Four scored calls on the same behavior, each labelled by the manager; the pairs."""
    agent = db.exec(select(User).where(User.email == "agent1@demo.local")).one()
    manager = db.exec(select(User).where(User.email == "manager@demo.local")).one()
    base = (FIXTURES / "power_cut.srt").read_text()
    pairs = []
    for i, level in enumerate(HUMAN_LEVELS):
        variant = base + f"\n5\n00:00:2{i},000 --> 00:00:2{i},900\nAgent: Goodbye number {i}.\n"
        imported = service.import_call(
            db, settings, data=variant.encode(), file_name=f"c{i}.srt", agent=agent
        )
        db.commit()
        call = service.process_call(engine, settings, imported.call.id or 0)
        assert call is not None and call.report_json
        label = calibration.add_call_label(
            db,
            call,
            {"behavior": "impact_naming", "level": level, "reason": f"call {i}"},
            labeled_by=manager,
            blind=i % 2 == 0,
        )
        label.created_at = datetime(2026, 10 + i // 2, 5, tzinfo=UTC)  # two months
        db.add(label)
        db.commit()
        pairs.append((level, label.scorer_level))
    return pairs


def test_kappa_confusion_and_drift(db: Session, seeded: Settings, app) -> None:  # type: ignore[no-untyped-def]
    pairs = _labelled_calls(db, seeded, app.state.engine)
    stored = calibration.stored_pairs(db)
    assert [(p.human, p.scorer) for p in stored] == pairs
    assert sum(p.blind for p in stored) == 2
    rows = {row.behavior: row for row in calibration.kappa_rows(stored)}
    expected = agreement(pairs)
    assert rows["impact_naming"].stats.confusion() == expected.confusion()
    assert rows["impact_naming"].kappa == expected.kappa
    assert rows["all"].stats.total == 4
    drift = calibration.drift(stored)
    assert [(d.period, d.labels) for d in drift] == [("2026-10", 2), ("2026-11", 2)]
    assert drift[0].kappa == agreement(pairs[:2]).kappa


def test_calibration_page_shows_kappa_and_drift(login, db: Session, seeded: Settings, app) -> None:  # type: ignore[no-untyped-def]
    pairs = _labelled_calls(db, seeded, app.state.engine)
    manager = login("manager@demo.local")
    soup = BeautifulSoup(manager.page("/manager/calibration").text, "html.parser")
    total = soup.select_one('.mgr-kappa tr[data-behavior="all"] .mgr-kappa-value')
    assert total is not None
    kappa = agreement(pairs).kappa
    assert total.text == (f"{kappa:.2f}" if kappa is not None else "—")
    assert soup.select_one('[data-confusion="impact_naming"]') is not None
    assert [tr["data-period"] for tr in soup.select(".mgr-drift tr[data-period]")] == [
        "2026-10",
        "2026-11",
    ]
    assert "2 given blind" in soup.text


def test_cli_calibrate_prints_the_same(db: Session, seeded: Settings, app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pairs = _labelled_calls(db, seeded, app.state.engine)
    env = {
        **os.environ,
        "SPARRING_DATA_DIR": str(seeded.data_dir),
        "SPARRING_DATABASE_URL": seeded.resolved_database_url,
        "SPARRING_SECRET_KEY": TEST_SECRET,
    }

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "server.cli", "scorer", "calibrate", *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )

    result = run("--team", "Demo team")
    assert result.returncode == 0, result.stderr
    assert result.stdout == calibration.render_text(calibration.stored_pairs(db))
    kappa = agreement(pairs).kappa
    shown = f"{kappa:.2f}" if kappa is not None else "—"
    assert any(
        line.startswith("impact_naming") and line.split()[-1] == shown
        for line in result.stdout.splitlines()
    )
    assert "4 labels (4 on real calls, 2 given blind)" in result.stdout
    assert "2026-10" in result.stdout and "2026-11" in result.stdout
    unknown = run("--team", "Nope")
    assert unknown.returncode == 2 and "--team: no team named 'Nope'" in unknown.stderr
    assert len(db.exec(select(CallLabel)).all()) == 4
