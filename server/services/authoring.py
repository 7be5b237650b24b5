"""The trainer's side of personas: the scenario catalogue, drafts kept per trainer, validation
with line-exact problems, publishing a new version or a new scenario, and version diffs.

Drafts live in `ScenarioDraft`, one per trainer and scenario id; the draft of a scenario that
is not published yet is kept under the reserved id `new`. Publishing goes through
`scenario_store.publish`, so every version stays immutable and practice sessions keep the
version they used."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from server.models import PracticeSession, ScenarioDraft, ScenarioVersion, SessionMode, User
from server.models.base import utcnow
from server.paths import TEMPLATES_DIR
from server.scenario import Problem, Scenario, ScenarioError, parse_scenario
from server.services import scenario_store

NEW_ID = "new"
"""The route and draft key of a scenario that has no published version yet (never a real id)."""

TEMPLATE_PATH = TEMPLATES_DIR / "trainer" / "new_scenario.yaml"
MAX_YAML_CHARS = 200_000
INDUSTRIES = {
    "banking": "Banking",
    "ecommerce": "E-commerce",
    "saas": "SaaS",
    "telecom": "Telecom",
    "travel": "Travel",
    "utilities": "Utilities",
    "insurance": "Insurance",
    "retail": "Retail",
    "healthcare": "Healthcare",
}
ID_LINE = re.compile(r"^id:", re.M)


# --- the catalogue ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ScenarioRow:
    """One scenario in the trainer's list: its latest published version."""

    version: ScenarioVersion
    scenario: Scenario | None  # None when the stored text no longer validates
    industry: str | None
    published_by: str
    has_draft: bool
    has_history: bool  # an earlier version is stored (numbers can skip: not `version > 1`)

    @property
    def scenario_id(self) -> str:
        return self.version.scenario_id


@dataclass(frozen=True)
class VersionRow:
    version: ScenarioVersion
    published_by: str
    attempts: int


def industry_of(scenario_id: str, scenario_type: str | None) -> str | None:
    """The industry named in an id such as `hostile_banking_overdraft_fees` (None if absent)."""
    rest = scenario_id
    if scenario_type and rest.startswith(f"{scenario_type}_"):
        rest = rest[len(scenario_type) + 1 :]
    return INDUSTRIES.get(rest.split("_", 1)[0])


def _publisher_names(db: Session, versions: list[ScenarioVersion]) -> dict[int, str]:
    ids = {v.published_by for v in versions if v.published_by is not None}
    if not ids:
        return {}
    users = db.exec(select(User).where(col(User.id).in_(ids)))
    return {u.id: (u.name or u.email) for u in users if u.id is not None}


def _publisher(names: dict[int, str], version: ScenarioVersion) -> str:
    if version.published_by is None:
        return "shipped file"
    return names.get(version.published_by, "a removed user")


def parsed_or_none(version: ScenarioVersion) -> Scenario | None:
    try:
        return scenario_store.scenario_of(version)
    except ScenarioError:
        return None


def catalogue(db: Session, *, user: User) -> list[ScenarioRow]:
    """Every scenario's latest version, by title, with whether `user` has a draft of it."""
    latest = scenario_store.latest_versions(db)
    names = _publisher_names(db, latest)
    drafts = set(db.exec(select(ScenarioDraft.scenario_id).where(ScenarioDraft.user_id == user.id)))
    counts = dict(
        db.exec(
            select(ScenarioVersion.scenario_id, func.count()).group_by(
                col(ScenarioVersion.scenario_id)
            )
        ).all()
    )
    rows = []
    for version in latest:
        scenario = parsed_or_none(version)
        rows.append(
            ScenarioRow(
                version=version,
                scenario=scenario,
                industry=industry_of(version.scenario_id, scenario.type if scenario else None),
                published_by=_publisher(names, version),
                has_draft=version.scenario_id in drafts,
                has_history=counts.get(version.scenario_id, 0) > 1,
            )
        )
    return rows


def version_history(db: Session, scenario_id: str) -> list[VersionRow]:
    """All versions, newest first, with the number of practice attempts pinned to each."""
    versions = scenario_store.versions_of(db, scenario_id)
    ids = [v.id for v in versions]
    counts: dict[int, int] = {}
    if ids:
        rows = db.exec(
            select(PracticeSession.scenario_version_id, func.count())
            .where(col(PracticeSession.scenario_version_id).in_(ids))
            .where(PracticeSession.mode == SessionMode.practice)
            .group_by(col(PracticeSession.scenario_version_id))
        )
        counts = {version_id: n for version_id, n in rows if version_id is not None}
    names = _publisher_names(db, versions)
    return [
        VersionRow(
            version=v,
            published_by=_publisher(names, v),
            attempts=counts.get(v.id or 0, 0),
        )
        for v in versions
    ]


def version_of(db: Session, scenario_id: str, number: int) -> ScenarioVersion | None:
    return db.exec(
        select(ScenarioVersion)
        .where(ScenarioVersion.scenario_id == scenario_id)
        .where(ScenarioVersion.version == number)
    ).first()


# --- drafts -----------------------------------------------------------------------------------


def new_scenario_template() -> str:
    """The YAML a new scenario starts from (valid as it stands, apart from its placeholder id)."""
    return TEMPLATE_PATH.read_text(encoding="utf-8")


def get_draft(db: Session, *, user: User, scenario_id: str) -> ScenarioDraft | None:
    return db.exec(
        select(ScenarioDraft)
        .where(ScenarioDraft.user_id == user.id)
        .where(ScenarioDraft.scenario_id == scenario_id)
    ).first()


def save_draft(db: Session, *, user: User, scenario_id: str, yaml_text: str) -> ScenarioDraft:
    """Keep `yaml_text` as `user`'s draft of `scenario_id` (replacing an earlier draft)."""
    assert user.id is not None
    draft = get_draft(db, user=user, scenario_id=scenario_id)
    if draft is None:
        draft = ScenarioDraft(scenario_id=scenario_id, user_id=user.id, yaml_text=yaml_text)
    else:
        draft.yaml_text, draft.updated_at = yaml_text, utcnow()
    db.add(draft)
    db.flush()
    return draft


def discard_draft(db: Session, *, user: User, scenario_id: str) -> bool:
    draft = get_draft(db, user=user, scenario_id=scenario_id)
    if draft is None:
        return False
    db.delete(draft)
    db.flush()
    return True


@dataclass(frozen=True)
class EditorText:
    """What the editor shows: the trainer's draft if there is one, else the latest version."""

    yaml_text: str
    draft_saved_at: datetime | None
    base: ScenarioVersion | None


def editor_text(db: Session, *, user: User, scenario_id: str) -> EditorText:
    base = None if scenario_id == NEW_ID else scenario_store.latest_version(db, scenario_id)
    draft = get_draft(db, user=user, scenario_id=scenario_id)
    if draft is not None:
        return EditorText(draft.yaml_text, draft.updated_at, base)
    if base is not None:
        return EditorText(base.yaml_text, None, base)
    return EditorText(new_scenario_template(), None, None)


# --- validation and publishing ----------------------------------------------------------------


def normalise_text(yaml_text: str) -> str:
    """Browsers send CRLF line ends from a textarea; store LF, ending with one newline."""
    text = yaml_text.replace("\r\n", "\n").replace("\r", "\n")
    return text.rstrip("\n") + "\n" if text.strip() else ""


def _id_line(yaml_text: str) -> int | None:
    match = ID_LINE.search(yaml_text)
    return yaml_text.count("\n", 0, match.start()) + 1 if match else None


def _source(scenario_id: str) -> str:
    return "new scenario" if scenario_id == NEW_ID else f"{scenario_id}.yaml"


def _problem(scenario_id: str, yaml_text: str, message: str, field: str = "id") -> ScenarioError:
    line = _id_line(yaml_text) if field == "id" else None
    return ScenarioError([Problem(_source(scenario_id), line, field, message)])


def check(yaml_text: str, *, scenario_id: str) -> Scenario:
    """Parse `yaml_text` as the scenario edited at `scenario_id` (`new` for a new one).

    Raises `ScenarioError` whose problems carry the line and field to fix."""
    if not yaml_text.strip():
        raise _problem(scenario_id, yaml_text, "the text is empty; paste or write the YAML", "")
    if len(yaml_text) > MAX_YAML_CHARS:
        raise _problem(
            scenario_id,
            yaml_text,
            f"the text is {len(yaml_text):,} characters; keep a persona under {MAX_YAML_CHARS:,}",
            "",
        )
    problems: list[Problem] = []
    scenario: Scenario | None = None
    try:
        scenario = parse_scenario(yaml_text, _source(scenario_id))
    except ScenarioError as error:  # reported with the editor's own checks below, all at once
        problems.extend(error.problems)
    written_id = scenario.id if scenario is not None else _written_id(yaml_text)
    if scenario_id == NEW_ID and written_id == NEW_ID:
        problems.extend(
            _problem(
                scenario_id, yaml_text, f"{NEW_ID!r} is reserved; choose another id, e.g. calm_x"
            ).problems
        )
    if scenario_id != NEW_ID and written_id is not None and written_id != scenario_id:
        problems.extend(
            _problem(
                scenario_id,
                yaml_text,
                f"the id is {written_id!r} but this editor publishes {scenario_id!r}; keep the "
                "id, or start a new scenario to publish under another id",
            ).problems
        )
    if problems or scenario is None:
        raise ScenarioError(sorted(problems, key=lambda p: (p.line is None, p.line or 0)))
    return scenario


def _written_id(yaml_text: str) -> str | None:
    """The top-level `id:` as written, for a text the schema rejected (None when unreadable)."""
    match = re.search(r"^id:[ \t]*['\"]?([^'\"#\s]+)", yaml_text, re.M)
    return match.group(1) if match else None


def publish_edit(db: Session, *, user: User, scenario_id: str, yaml_text: str) -> ScenarioVersion:
    """Publish `yaml_text` as the next version of `scenario_id` and drop the trainer's draft.

    Raises `ScenarioError` when the text is invalid, unchanged since the latest version, or
    another trainer published the same version number at the same moment."""
    check(yaml_text, scenario_id=scenario_id)
    latest = scenario_store.latest_version(db, scenario_id)
    if latest is None:
        raise _problem(
            scenario_id,
            yaml_text,
            f"no published scenario {scenario_id!r}; create it from the new scenario page",
        )
    if scenario_store.with_version(yaml_text, latest.version) == latest.yaml_text:
        raise _problem(
            scenario_id,
            yaml_text,
            f"nothing changed since version {latest.version}; edit the text before publishing",
            "",
        )
    version = _publish(db, user=user, scenario_id=scenario_id, yaml_text=yaml_text)
    discard_draft(db, user=user, scenario_id=scenario_id)
    return version


def create_scenario(db: Session, *, user: User, yaml_text: str) -> ScenarioVersion:
    """Publish the first version of a new scenario; its id comes from the YAML and must be
    unused. Drops the trainer's new-scenario draft."""
    scenario = check(yaml_text, scenario_id=NEW_ID)
    existing = scenario_store.latest_version(db, scenario.id)
    if existing is not None:
        raise _problem(
            NEW_ID,
            yaml_text,
            f"a scenario with id {scenario.id!r} already exists (version {existing.version}); "
            f"choose another id, or edit that one at /trainer/scenarios/{scenario.id}/edit",
        )
    version = _publish(db, user=user, scenario_id=NEW_ID, yaml_text=yaml_text)
    discard_draft(db, user=user, scenario_id=NEW_ID)
    return version


def _publish(db: Session, *, user: User, scenario_id: str, yaml_text: str) -> ScenarioVersion:
    expected = None if scenario_id == NEW_ID else scenario_id
    try:
        with db.begin_nested():
            return scenario_store.publish(db, yaml_text=yaml_text, user=user, expected_id=expected)
    except IntegrityError:
        raise _problem(
            scenario_id,
            yaml_text,
            "another trainer published this scenario at the same moment; open the latest "
            "version, compare it with the diff page, then publish again",
            "",
        ) from None


# --- diffs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "context", "added" or "removed"
    old_no: int | None
    new_no: int | None
    text: str


@dataclass(frozen=True)
class DiffHunk:
    header: str  # "@@ -a,b +c,d @@"
    lines: list[DiffLine]


@dataclass(frozen=True)
class Diff:
    hunks: list[DiffHunk]
    added: int
    removed: int

    @property
    def unchanged(self) -> bool:
        return not self.hunks


def _range(start: int, end: int) -> str:
    length = end - start
    return f"{start + 1 if length else start},{length}"


def diff_texts(old: str, new: str, *, context: int = 3) -> Diff:
    """A unified diff of two texts, as hunks of numbered lines."""
    a, b = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    hunks: list[DiffHunk] = []
    added = removed = 0
    for group in matcher.get_grouped_opcodes(context):
        lines: list[DiffLine] = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [
                    DiffLine("context", i + 1, j + 1, a[i])
                    for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
                ]
                continue
            if tag in {"replace", "delete"}:
                lines += [DiffLine("removed", i + 1, None, a[i]) for i in range(i1, i2)]
                removed += i2 - i1
            if tag in {"replace", "insert"}:
                lines += [DiffLine("added", None, j + 1, b[j]) for j in range(j1, j2)]
                added += j2 - j1
        first, last = group[0], group[-1]
        header = f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@"
        hunks.append(DiffHunk(header, lines))
    return Diff(hunks, added, removed)
