"""Trainer pages: the scenario catalogue, versions with their attempts, the YAML editor
(validate, drafts, preview, publish), new scenarios, read-only versions and diffs.

Trainers and admins only. Drafts belong to the trainer who saved them; published versions are
shared by the whole installation. The editor's buttons all post the same textarea, and every one
of them saves the draft first, so the text is never lost on an error."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from server.models import ScenarioVersion, User
from server.scenario import Problem, ScenarioError, reference
from server.services import authoring, scenario_store
from server.services.authoring import NEW_ID
from server.services.practice import start_preview
from server.web.deps import DbDep, NotFound, TrainerDep, small_int
from server.web.templating import flash, render

router = APIRouter(prefix="/trainer/scenarios")

DRAFT = "draft"
YamlField = Annotated[str, Form(max_length=authoring.MAX_YAML_CHARS * 2)]


def _latest_or_404(db: DbDep, scenario_id: str) -> ScenarioVersion:
    latest = scenario_store.latest_version(db, scenario_id)
    if latest is None:
        raise NotFound(
            f"No scenario {scenario_id!r}; see the list at /trainer/scenarios or start a new one."
        )
    return latest


def _version_or_404(db: DbDep, scenario_id: str, number: int) -> ScenarioVersion:
    version = authoring.version_of(db, scenario_id, number)
    if version is None:
        _latest_or_404(db, scenario_id)
        stored = ", ".join(str(v.version) for v in scenario_store.versions_of(db, scenario_id))
        raise NotFound(
            f"{scenario_id} has no version {number}; its stored versions ({stored}) are at "
            f"/trainer/scenarios/{scenario_id}."
        )
    return version


def _previous_number(db: DbDep, scenario_id: str, number: int) -> int:
    """The stored version before `number` (versions can skip numbers: a new install stores
    only the shipped version), or `number` itself for the first one."""
    stored = scenario_store.versions_of(db, scenario_id)
    return max((v.version for v in stored if v.version < number), default=number)


def _editor(
    request: Request,
    db: DbDep,
    user: User,
    scenario_id: str,
    *,
    yaml_text: str | None = None,
    problems: list[Problem] | None = None,
    checked: str | None = None,
    status_code: int = 200,
) -> Response:
    """The editor page; `yaml_text` (what was just posted) wins over the stored draft."""
    stored = authoring.editor_text(db, user=user, scenario_id=scenario_id)
    problems = problems or []
    return render(
        request,
        "trainer/edit.html",
        {
            "scenario_id": scenario_id,
            "is_new": scenario_id == NEW_ID,
            "text": stored.yaml_text if yaml_text is None else yaml_text,
            "draft_saved_at": stored.draft_saved_at,
            "base": stored.base,
            "problems": problems,
            "bad_lines": {p.line for p in problems if p.line is not None},
            "checked": checked,
        },
        status_code=status_code,
    )


def _edit_url(scenario_id: str) -> str:
    if scenario_id == NEW_ID:
        return "/trainer/scenarios/new"
    return f"/trainer/scenarios/{scenario_id}/edit"


def _save(db: DbDep, user: User, scenario_id: str, yaml_text: str) -> str:
    if scenario_id != NEW_ID:
        _latest_or_404(db, scenario_id)
    text = authoring.normalise_text(yaml_text)
    authoring.save_draft(db, user=user, scenario_id=scenario_id, yaml_text=text)
    db.commit()  # stored before any check runs, and no write lock is held while it does
    return text


@router.get("")
def scenario_list(request: Request, db: DbDep, user: TrainerDep) -> Response:
    rows = authoring.catalogue(db, user=user)
    new_draft = authoring.get_draft(db, user=user, scenario_id=NEW_ID)
    return render(request, "trainer/list.html", {"rows": rows, "new_draft": new_draft})


@router.get("/new")
def new_scenario(request: Request, db: DbDep, user: TrainerDep) -> Response:
    return _editor(request, db, user, NEW_ID)


@router.get("/reference")
def field_reference(request: Request, user: TrainerDep) -> Response:
    """Every persona and curriculum field, generated from the schema the editor checks against."""
    return render(
        request,
        "trainer/reference.html",
        {"persona": reference.persona_fields(), "curriculum": reference.curriculum_fields()},
    )


@router.post("/new")
def create_scenario(
    request: Request, db: DbDep, user: TrainerDep, yaml_text: YamlField
) -> Response:
    text = _save(db, user, NEW_ID, yaml_text)
    try:
        version = authoring.create_scenario(db, user=user, yaml_text=text)
    except ScenarioError as error:
        return _editor(
            request, db, user, NEW_ID, yaml_text=text, problems=error.problems, status_code=422
        )
    flash(request, f"Created {version.title} ({version.scenario_id}), version {version.version}.")
    return RedirectResponse(f"/trainer/scenarios/{version.scenario_id}", status_code=303)


@router.get("/{scenario_id}")
def scenario_page(request: Request, scenario_id: str, db: DbDep, user: TrainerDep) -> Response:
    latest = _latest_or_404(db, scenario_id)
    return render(
        request,
        "trainer/scenario.html",
        {
            "latest": latest,
            "scenario": authoring.parsed_or_none(latest),
            "history": authoring.version_history(db, scenario_id),
            "draft": authoring.get_draft(db, user=user, scenario_id=scenario_id),
        },
    )


@router.get("/{scenario_id}/edit")
def edit_page(request: Request, scenario_id: str, db: DbDep, user: TrainerDep) -> Response:
    if scenario_id == NEW_ID:
        return RedirectResponse("/trainer/scenarios/new", status_code=303)
    _latest_or_404(db, scenario_id)
    return _editor(request, db, user, scenario_id)


@router.post("/{scenario_id}/draft")
def save_draft(
    request: Request, scenario_id: str, db: DbDep, user: TrainerDep, yaml_text: YamlField
) -> Response:
    text = _save(db, user, scenario_id, yaml_text)
    try:
        authoring.check(text, scenario_id=scenario_id)
    except ScenarioError as error:  # saved anyway; every problem is listed at once
        count = len(error.problems)
        flash(
            request,
            f"Draft saved. Fix the {count} problem{'' if count == 1 else 's'} below before you "
            "publish.",
        )
        return _editor(request, db, user, scenario_id, yaml_text=text, problems=error.problems)
    flash(request, "Draft saved. Only you see it until you publish.")
    return RedirectResponse(_edit_url(scenario_id), status_code=303)


@router.post("/{scenario_id}/discard")
def discard_draft(request: Request, scenario_id: str, db: DbDep, user: TrainerDep) -> Response:
    if authoring.discard_draft(db, user=user, scenario_id=scenario_id):
        flash(request, "Draft discarded; the editor shows the latest published version.")
    return RedirectResponse(_edit_url(scenario_id), status_code=303)


@router.post("/{scenario_id}/validate")
def validate(
    request: Request, scenario_id: str, db: DbDep, user: TrainerDep, yaml_text: YamlField
) -> Response:
    text = _save(db, user, scenario_id, yaml_text)
    try:
        scenario = authoring.check(text, scenario_id=scenario_id)
    except ScenarioError as error:
        return _editor(
            request, db, user, scenario_id, yaml_text=text, problems=error.problems, status_code=422
        )
    checked = f"No problems: “{scenario.title}” is ready to preview or publish."
    return _editor(request, db, user, scenario_id, yaml_text=text, checked=checked)


@router.post("/{scenario_id}/preview")
def preview(
    request: Request, scenario_id: str, db: DbDep, user: TrainerDep, yaml_text: YamlField
) -> Response:
    text = _save(db, user, scenario_id, yaml_text)
    try:
        authoring.check(text, scenario_id=scenario_id)
        session = start_preview(db, user, text, return_url=_edit_url(scenario_id))
    except ScenarioError as error:
        return _editor(
            request, db, user, scenario_id, yaml_text=text, problems=error.problems, status_code=422
        )
    return RedirectResponse(f"/practice/{session.id}", status_code=303)


@router.post("/{scenario_id}/publish")
def publish(
    request: Request, scenario_id: str, db: DbDep, user: TrainerDep, yaml_text: YamlField
) -> Response:
    if scenario_id == NEW_ID:
        return create_scenario(request, db, user, yaml_text)
    text = _save(db, user, scenario_id, yaml_text)
    try:
        version = authoring.publish_edit(db, user=user, scenario_id=scenario_id, yaml_text=text)
    except ScenarioError as error:
        return _editor(
            request, db, user, scenario_id, yaml_text=text, problems=error.problems, status_code=422
        )
    flash(
        request,
        f"Published {version.scenario_id} version {version.version}. New attempts "
        "use it; earlier attempts keep the version they used.",
    )
    return RedirectResponse(f"/trainer/scenarios/{scenario_id}", status_code=303)


@router.get("/{scenario_id}/versions/{number}")
def version_page(
    request: Request, scenario_id: str, number: int, db: DbDep, user: TrainerDep
) -> Response:
    version = _version_or_404(db, scenario_id, number)
    latest = _latest_or_404(db, scenario_id)
    previous = _previous_number(db, scenario_id, version.version)
    return render(
        request,
        "trainer/version.html",
        {
            "version": version,
            "latest": latest,
            "previous": previous if previous != version.version else None,
            "lines": version.yaml_text.splitlines(),
        },
    )


@router.post("/{scenario_id}/versions/{number}/restore")
def restore_version(
    request: Request, scenario_id: str, number: int, db: DbDep, user: TrainerDep
) -> Response:
    version = _version_or_404(db, scenario_id, number)
    authoring.save_draft(db, user=user, scenario_id=scenario_id, yaml_text=version.yaml_text)
    flash(request, f"Your draft now holds version {number}; publish it to make it current.")
    return RedirectResponse(f"/trainer/scenarios/{scenario_id}/edit", status_code=303)


@router.get("/{scenario_id}/diff")
def diff_page(
    request: Request,
    scenario_id: str,
    db: DbDep,
    user: TrainerDep,
    old: Annotated[int | None, Query(alias="from")] = None,
    new: Annotated[str | None, Query(alias="to")] = None,
) -> Response:
    """Two versions side by side in one unified diff; `to=draft` compares the trainer's draft."""
    latest = _latest_or_404(db, scenario_id)
    draft = authoring.get_draft(db, user=user, scenario_id=scenario_id)
    if new == DRAFT:
        if draft is None:
            raise NotFound(
                f"You have no draft of {scenario_id}; open /trainer/scenarios/"
                f"{scenario_id}/edit and save one first."
            )
        after_text, after_label = draft.yaml_text, "your draft"
        old = old if old is not None else latest.version
    else:
        number = small_int(new) if new else latest.version
        if number is None:
            raise NotFound(f"`to` must be a version number or `{DRAFT}`, got {str(new)[:40]!r}.")
        after = _version_or_404(db, scenario_id, number)
        after_text, after_label = after.yaml_text, f"version {after.version}"
        old = old if old is not None else _previous_number(db, scenario_id, after.version)
    before = _version_or_404(db, scenario_id, old)
    return render(
        request,
        "trainer/diff.html",
        {
            "latest": latest,
            "before": before,
            "after_label": after_label,
            "to_value": DRAFT if new == DRAFT else after_label.removeprefix("version "),
            "has_draft": draft is not None,
            "numbers": [v.version for v in scenario_store.versions_of(db, scenario_id)],
            "diff": authoring.diff_texts(before.yaml_text, after_text),
        },
    )
