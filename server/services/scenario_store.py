"""Published persona versions in the database.

The YAML files in `scenarios/` are the shipped library: `sync_shipped` publishes each one the
first time (and again when a file's `version:` is raised). Trainers publish edits from the web
app with `publish`; every publish is a new immutable version, and practice sessions keep the id
of the version they used."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from server.models import ScenarioVersion, User
from server.paths import SCENARIOS_DIR
from server.scenario import Scenario, ScenarioError, load_all, parse_scenario

VERSION_LINE = re.compile(r"^version:[ \t]*\d+[ \t]*$", re.M)


@dataclass(frozen=True)
class SyncResult:
    published: list[str]
    unchanged: int


@lru_cache(maxsize=256)
def _parse_cached(yaml_text: str, source: str) -> Scenario:
    return parse_scenario(yaml_text, source)


def scenario_of(version: ScenarioVersion) -> Scenario:
    """The parsed persona of a stored version (cached by its text)."""
    return _parse_cached(version.yaml_text, f"{version.scenario_id} v{version.version}")


def scenario_card(version: ScenarioVersion) -> dict[str, Any]:
    """What the practice page shows about a published scenario."""
    scenario = scenario_of(version)
    return {
        "id": version.scenario_id,
        "version": version.version,
        "title": version.title,
        "type": scenario.type,
        "difficulty": scenario.difficulty,
        "quadrant": scenario.quadrant,
        "customer": scenario.customer.name,
        "behaviors": list(scenario.behaviors),
    }


def latest_versions(session: Session) -> list[ScenarioVersion]:
    """The newest version of every scenario, by title."""
    newest = (
        select(ScenarioVersion.scenario_id, func.max(ScenarioVersion.version).label("v"))
        .group_by(ScenarioVersion.scenario_id)
        .subquery()
    )
    rows = session.exec(
        select(ScenarioVersion).join(
            newest,
            and_(
                col(ScenarioVersion.scenario_id) == newest.c.scenario_id,
                col(ScenarioVersion.version) == newest.c.v,
            ),
        )
    )
    return sorted(rows, key=lambda v: v.title.lower())


def latest_version(session: Session, scenario_id: str) -> ScenarioVersion | None:
    return session.exec(
        select(ScenarioVersion)
        .where(ScenarioVersion.scenario_id == scenario_id)
        .order_by(ScenarioVersion.version.desc())  # type: ignore[attr-defined]
    ).first()


def versions_of(session: Session, scenario_id: str) -> list[ScenarioVersion]:
    return list(
        session.exec(
            select(ScenarioVersion)
            .where(ScenarioVersion.scenario_id == scenario_id)
            .order_by(ScenarioVersion.version.desc())  # type: ignore[attr-defined]
        )
    )


def with_version(yaml_text: str, version: int) -> str:
    """The YAML text with its top-level `version:` set to `version` (added if missing)."""
    if VERSION_LINE.search(yaml_text):
        return VERSION_LINE.sub(f"version: {version}", yaml_text, count=1)
    return f"version: {version}\n{yaml_text}"


def publish(
    session: Session, *, yaml_text: str, user: User | None, expected_id: str | None = None
) -> ScenarioVersion:
    """Validate and store `yaml_text` as the next version of its scenario.

    Raises `ScenarioError` (with line-exact problems) when the YAML is invalid, or when
    `expected_id` is given and the text declares another id."""
    scenario = parse_scenario(yaml_text, f"{expected_id or 'draft'}.yaml")
    if expected_id is not None and scenario.id != expected_id:
        from server.scenario import Problem

        raise ScenarioError(
            [
                Problem(
                    f"{expected_id}.yaml",
                    None,
                    "id",
                    f"the id is {scenario.id!r} but this editor publishes "
                    f"{expected_id!r}; keep the id or create a new scenario",
                )
            ]
        )
    latest = latest_version(session, scenario.id)
    number = (latest.version + 1) if latest else scenario.version
    text = with_version(yaml_text, number)
    version = ScenarioVersion(
        scenario_id=scenario.id,
        version=number,
        title=scenario.title,
        yaml_text=text,
        published_by=user.id if user else None,
    )
    session.add(version)
    session.flush()
    return version


def sync_shipped(session: Session, directory: Path = SCENARIOS_DIR) -> SyncResult:
    """Publish shipped persona files that are new, or whose `version:` went up."""
    library = load_all(directory)
    published: list[str] = []
    unchanged = 0
    for scenario_id, scenario in sorted(library.scenarios.items()):
        latest = latest_version(session, scenario_id)
        if latest is not None and latest.version >= scenario.version:
            unchanged += 1
            continue
        text = library.paths[scenario_id].read_text(encoding="utf-8")
        try:
            with session.begin_nested():
                session.add(
                    ScenarioVersion(
                        scenario_id=scenario_id,
                        version=scenario.version,
                        title=scenario.title,
                        yaml_text=text,
                    )
                )
        except IntegrityError:  # another process published it at the same moment
            unchanged += 1
            continue
        published.append(f"{scenario_id} v{scenario.version}")
    session.flush()
    return SyncResult(published=published, unchanged=unchanged)
