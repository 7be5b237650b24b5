"""CSV exports for managers: a team's attempts, and the calibration labels.

Cells that a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR) get a
leading apostrophe, so a name like "=HYPERLINK(…)" stays text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlmodel import Session

from server.models import Team
from server.models.base import as_utc
from server.services.attempts import attempts_of
from server.services.calibration import LabelView
from server.services.manager_scope import team_agents

ATTEMPT_COLUMNS = (
    "agent",
    "email",
    "week",
    "behavior",
    "scenario_id",
    "scenario_version",
    "started_at",
    "score",
    "level",
    "passed",
    "attempt_url",
)
LABEL_COLUMNS = (
    "labeled_at",
    "labeled_by",
    "agent",
    "email",
    "attempt_id",
    "week",
    "behavior",
    "manager_level",
    "scorer_level",
    "agrees",
    "reason",
    "attempt_url",
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return out.getvalue()


def utc_iso(moment: datetime) -> str:
    """A stored time as ISO 8601 with its UTC offset, the same on every database."""
    return as_utc(moment).isoformat(timespec="seconds")


def attempt_rows(session: Session, team: Team, base_url: str) -> list[list[object]]:
    """One row per scored practice attempt of the team's agents, newest first."""
    agents = team_agents(session, team)
    people = {agent.id: agent for agent in agents}
    rows: list[list[object]] = []
    for attempt in attempts_of(session, agents, team, newest_first=True):
        if not attempt.scored:
            continue
        agent = people[attempt.user_id]
        rows.append(
            [
                agent.name,
                agent.email,
                attempt.week,
                attempt.behavior_id,
                attempt.scenario_id,
                attempt.scenario_version or "",
                utc_iso(attempt.started_at),
                "" if attempt.score is None else attempt.score,
                attempt.level,
                "yes" if attempt.passed else "no",
                f"{base_url.rstrip('/')}/attempts/{attempt.session_id}",
            ]
        )
    return rows


def label_rows(labels: list[LabelView], base_url: str) -> list[list[object]]:
    return [
        [
            utc_iso(label.created_at),
            label.labeled_by,
            label.agent_name,
            label.agent_email,
            label.session_id,
            label.week,
            label.behavior,
            label.level,
            label.scorer_level,
            "yes" if label.agrees else "no",
            label.reason,
            f"{base_url.rstrip('/')}/attempts/{label.session_id}",
        ]
        for label in labels
    ]


def export_filename(kind: str, team: Team, today: date | None = None) -> str:
    """`sparring-<kind>-<team-slug>-<date>.csv`, safe for a Content-Disposition header."""
    slug = "".join(c if c.isalnum() else "-" for c in team.name.lower()).strip("-") or "team"
    while "--" in slug:
        slug = slug.replace("--", "-")
    return f"sparring-{kind}-{slug}-{(today or date.today()).isoformat()}.csv"
