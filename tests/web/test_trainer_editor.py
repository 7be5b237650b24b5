"""The YAML editor through the real app: validation at the right line and field, drafts kept
per trainer, publishing version n+1 while old attempts keep theirs, new scenarios, preview."""

from __future__ import annotations

from bs4 import BeautifulSoup
from sqlmodel import Session, select

from server import accounts
from server.models import PracticeSession, ScenarioDraft, ScoreRecord, SessionMode, Turn
from server.paths import SCENARIOS_DIR
from server.scenario import load_scenario
from server.services import authoring, scenario_store
from server.services.practice import start_practice

SCENARIO = "hostile_telecom_outage"
# A fresh database stores only the shipped file's version (numbers can skip); a publish adds
# the next one.
SHIPPED = load_scenario(SCENARIOS_DIR / f"{SCENARIO}.yaml").version
NEXT = SHIPPED + 1
EDIT = f"/trainer/scenarios/{SCENARIO}/edit"


def soup_of(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.text, "html.parser")


def textarea(page: BeautifulSoup) -> str:
    """The editor's text as a browser reads it (HTML drops one newline after `<textarea>`)."""
    area = page.select_one("textarea#yaml-text")
    assert area is not None
    return area.get_text().removeprefix("\n")


def latest_text(db: Session) -> str:
    version = scenario_store.latest_version(db, SCENARIO)
    assert version is not None
    return version.yaml_text


def line_no(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def problems_of(page: BeautifulSoup) -> list[tuple[str, str, str]]:
    """(link text, field, message) of each listed problem."""
    out = []
    for li in page.select("#problems li"):
        link = li.select_one("a.goto-line")
        field = li.select_one("code.field")
        out.append(
            (
                link.get_text() if link else "",
                field.get_text() if field else "",
                li.get_text(" ", strip=True),
            )
        )
    return out


def test_editor_starts_from_the_latest_version_with_a_gutter(login, db: Session) -> None:
    page = soup_of(login("trainer@demo.local").page(EDIT))
    area = page.select_one("textarea#yaml-text")
    label = page.select_one("label[for=yaml-text]")
    assert area is not None and label is not None
    assert textarea(page) == latest_text(db)
    assert len(page.select("#editor-gutter span")) == latest_text(db).count("\n") + 1
    form = page.select_one("form#editor-form")
    actions = {b.get_text(strip=True): b["formaction"] for b in form.select("button")}
    assert actions == {
        "Save draft": f"/trainer/scenarios/{SCENARIO}/draft",
        "Validate": f"/trainer/scenarios/{SCENARIO}/validate",
        "Preview": f"/trainer/scenarios/{SCENARIO}/preview",
        f"Publish version {NEXT}": f"/trainer/scenarios/{SCENARIO}/publish",
    }
    assert page.select_one("script[src$='editor.js']") is not None


def test_validate_reports_the_line_and_field_and_keeps_the_text(login, db: Session) -> None:
    text = latest_text(db)
    broken = text.replace("difficulty: 3", "difficulty: 9").replace("  start: 3.5", "  start: lots")
    browser = login("trainer@demo.local")
    browser.page(EDIT)
    response = browser.submit(f"/trainer/scenarios/{SCENARIO}/validate", {"yaml_text": broken})
    assert response.status_code == 422
    page = soup_of(response)
    problems = problems_of(page)
    difficulty_line = line_no(broken, "difficulty: 9")
    start_line = line_no(broken, "start: lots")
    assert [(p[0], p[1]) for p in problems] == [
        (f"Line {difficulty_line}", "difficulty"),
        (f"Line {start_line}", "mood.start"),
    ]
    assert "between 1 and 5, got 9" in problems[0][2]
    links = page.select("#problems a.goto-line")
    assert [a["href"] for a in links] == [f"#line-{difficulty_line}", f"#line-{start_line}"]
    assert page.select_one(f"#line-{difficulty_line}")["class"] == ["bad"]
    assert page.select_one(f"#line-{difficulty_line + 1}").get("class") is None
    assert textarea(page) == broken
    assert page.select_one("textarea#yaml-text")["aria-invalid"] == "true"
    # the broken text is now the trainer's draft: reloading the editor shows it
    again = soup_of(browser.page(EDIT))
    assert textarea(again) == broken
    assert "draft was saved" in again.select_one(".editor-status").get_text()


def test_yaml_syntax_errors_point_at_their_line(login, db: Session) -> None:
    lines = latest_text(db).splitlines()
    lines[11] = "  behaviors: [impact_naming"  # an unclosed flow list
    broken = "\n".join(lines) + "\n"
    browser = login("trainer@demo.local")
    browser.page(EDIT)
    page = soup_of(browser.submit(f"/trainer/scenarios/{SCENARIO}/validate", {"yaml_text": broken}))
    (link, _field, message), *_ = problems_of(page)
    assert link.startswith("Line ")
    assert 12 <= int(link.removeprefix("Line ")) <= 14
    assert "YAML syntax" in message


def test_valid_text_is_confirmed(login, db: Session) -> None:
    browser = login("trainer@demo.local")
    browser.page(EDIT)
    response = browser.submit(
        f"/trainer/scenarios/{SCENARIO}/validate", {"yaml_text": latest_text(db)}
    )
    assert response.status_code == 200
    page = soup_of(response)
    assert page.select_one("#problems") is None
    assert "No problems" in page.select_one("#check-result").get_text()


def test_drafts_belong_to_one_trainer(login, db: Session) -> None:
    accounts.create_user(
        db, email="trainer2@demo.local", password="web-demo-password", role="trainer"
    )
    db.commit()
    first = login("trainer@demo.local")
    first.page(EDIT)
    edited = latest_text(db).replace("Dana Ruiz", "Dana Draft")
    response = first.submit(
        f"/trainer/scenarios/{SCENARIO}/draft", {"yaml_text": edited}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == EDIT
    assert "Dana Draft" in textarea(soup_of(first.page(EDIT)))
    other = soup_of(login("trainer2@demo.local").page(EDIT))
    assert "Dana Draft" not in textarea(other)
    list_page = soup_of(first.page("/trainer/scenarios"))
    marked = [
        b.find_parent("tr").select_one("code").get_text() for b in list_page.select(".draft-badge")
    ]
    assert marked == [SCENARIO]
    drafts = db.exec(select(ScenarioDraft)).all()
    assert [(d.scenario_id, d.yaml_text) for d in drafts] == [(SCENARIO, edited)]


def test_discarding_a_draft_goes_back_to_the_published_text(login, db: Session) -> None:
    browser = login("trainer@demo.local")
    browser.page(EDIT)
    browser.submit(f"/trainer/scenarios/{SCENARIO}/draft", {"yaml_text": "id: half written\n"})
    page = soup_of(browser.page(EDIT))
    form = page.select_one("form.discard-form")
    assert form is not None
    browser.submit(form["action"])
    assert textarea(soup_of(browser.page(EDIT))) == latest_text(db)


def test_windows_line_ends_are_stored_as_unix_ones(login, db: Session) -> None:
    browser = login("trainer@demo.local")
    browser.page(EDIT)
    browser.submit(
        f"/trainer/scenarios/{SCENARIO}/draft", {"yaml_text": latest_text(db).replace("\n", "\r\n")}
    )
    draft = db.exec(select(ScenarioDraft)).one()
    assert draft.yaml_text == latest_text(db)


def test_publish_creates_the_next_version_and_old_attempts_keep_theirs(login, db: Session) -> None:
    agent = accounts.require_user(db, "agent1@demo.local")
    old_attempt = start_practice(db, agent, scenario_id=SCENARIO, seed=4)
    db.commit()
    shipped = scenario_store.latest_version(db, SCENARIO)
    assert shipped is not None and shipped.version == SHIPPED
    assert old_attempt.scenario_version_id == shipped.id

    browser = login("trainer@demo.local")
    browser.page(EDIT)
    edited = shipped.yaml_text.replace("Dana Ruiz", "Dana Ortiz")
    response = browser.submit(
        f"/trainer/scenarios/{SCENARIO}/publish", {"yaml_text": edited}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/trainer/scenarios/{SCENARIO}"
    page = soup_of(browser.page(response.headers["location"]))
    assert f"Published {SCENARIO} version {NEXT}" in page.select_one(".flash").get_text()

    db.expire_all()
    published = scenario_store.latest_version(db, SCENARIO)
    assert published is not None and published.version == NEXT and published.id != shipped.id
    assert f"version: {NEXT}" in published.yaml_text and "Dana Ortiz" in published.yaml_text
    assert published.published_by == accounts.require_user(db, "trainer@demo.local").id
    assert db.get(PracticeSession, old_attempt.id).scenario_version_id == shipped.id  # type: ignore[union-attr]
    assert "Dana Ruiz" in scenario_store.scenario_of(shipped).customer.name
    assert db.exec(select(ScenarioDraft)).all() == []  # the draft went out with the publish
    new_attempt = start_practice(db, agent, scenario_id=SCENARIO, seed=5)
    assert new_attempt.scenario_version_id == published.id


def test_publishing_invalid_text_shows_the_line_and_publishes_nothing(login, db: Session) -> None:
    broken = latest_text(db).replace("type: hostile ", "type: grumpy ")
    browser = login("trainer@demo.local")
    browser.page(EDIT)
    response = browser.submit(f"/trainer/scenarios/{SCENARIO}/publish", {"yaml_text": broken})
    assert response.status_code == 422
    page = soup_of(response)
    assert [(p[0], p[1]) for p in problems_of(page)] == [
        (f"Line {line_no(broken, 'type: grumpy')}", "type")
    ]
    assert textarea(page) == broken
    db.expire_all()
    assert len(scenario_store.versions_of(db, SCENARIO)) == 1


def test_publishing_refuses_a_changed_id_and_an_unchanged_text(login, db: Session) -> None:
    browser = login("trainer@demo.local")
    browser.page(EDIT)
    renamed = latest_text(db).replace(f"id: {SCENARIO}", "id: another_outage")
    page = soup_of(browser.submit(f"/trainer/scenarios/{SCENARIO}/publish", {"yaml_text": renamed}))
    ((link, field, message),) = problems_of(page)
    assert (link, field) == (f"Line {line_no(renamed, 'id: another_outage')}", "id")
    assert "start a new scenario" in message
    page = soup_of(
        browser.submit(f"/trainer/scenarios/{SCENARIO}/publish", {"yaml_text": latest_text(db)})
    )
    assert f"nothing changed since version {SHIPPED}" in page.select_one("#problems").get_text()
    db.expire_all()
    assert len(scenario_store.versions_of(db, SCENARIO)) == 1


def test_new_scenario_starts_from_a_valid_template(login) -> None:
    template = authoring.new_scenario_template()
    assert authoring.check(template, scenario_id=authoring.NEW_ID).id == "my_new_scenario"
    page = soup_of(login("trainer@demo.local").page("/trainer/scenarios/new"))
    assert textarea(page) == template
    buttons = {b.get_text(strip=True): b["formaction"] for b in page.select("#editor-form button")}
    assert buttons["Create scenario"] == "/trainer/scenarios/new"
    assert buttons["Validate"] == "/trainer/scenarios/new/validate"


def test_creating_a_scenario_publishes_version_1_and_refuses_taken_ids(login, db: Session) -> None:
    browser = login("trainer@demo.local")
    browser.page("/trainer/scenarios/new")
    text = authoring.new_scenario_template().replace("id: my_new_scenario", "id: calm_retail_gift")
    response = browser.submit("/trainer/scenarios/new", {"yaml_text": text}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/trainer/scenarios/calm_retail_gift"
    created = scenario_store.latest_version(db, "calm_retail_gift")
    assert created is not None and created.version == 1
    assert db.exec(select(ScenarioDraft)).all() == []

    response = browser.submit("/trainer/scenarios/new", {"yaml_text": text})
    assert response.status_code == 422
    ((link, field, message),) = problems_of(soup_of(response))
    assert (link, field) == (f"Line {line_no(text, 'id: calm_retail_gift')}", "id")
    assert "already exists (version 1)" in message
    assert "/trainer/scenarios/calm_retail_gift/edit" in message
    taken = text.replace("id: calm_retail_gift", f"id: {SCENARIO}")
    response = browser.submit("/trainer/scenarios/new", {"yaml_text": taken})
    assert "already exists" in response.text
    assert textarea(soup_of(response)) == taken
    db.expire_all()
    assert len(scenario_store.versions_of(db, SCENARIO)) == 1


def test_new_scenario_drafts_are_kept_until_created(login, db: Session) -> None:
    browser = login("trainer@demo.local")
    browser.page("/trainer/scenarios/new")
    text = authoring.new_scenario_template().replace("Sam Carter", "Robin Hale")
    browser.submit("/trainer/scenarios/new/validate", {"yaml_text": text})
    page = soup_of(browser.page("/trainer/scenarios/new"))
    assert "Robin Hale" in textarea(page)
    listing = soup_of(browser.page("/trainer/scenarios"))
    assert listing.find("a", string="Continue the new scenario") is not None


def test_preview_starts_an_unscored_session_of_the_draft(login, db: Session) -> None:
    browser = login("trainer@demo.local")
    browser.page(EDIT)
    edited = latest_text(db).replace(  # every opening variant says it; the seed picks one
        "My internet has been dead since Monday", "My internet died on Monday"
    )
    response = browser.submit(
        f"/trainer/scenarios/{SCENARIO}/preview", {"yaml_text": edited}, follow_redirects=False
    )
    assert response.status_code == 303
    session_id = int(response.headers["location"].removeprefix("/practice/"))
    session = db.get(PracticeSession, session_id)
    assert session is not None
    assert session.mode is SessionMode.preview and session.draft_yaml == edited
    assert session.scenario_version_id is None
    opening = db.exec(select(Turn).where(Turn.session_id == session_id)).one()
    assert "My internet died on Monday" in opening.text
    assert db.exec(select(ScoreRecord)).all() == []
    assert len(scenario_store.versions_of(db, SCENARIO)) == 1  # nothing published


def test_preview_of_invalid_text_stays_in_the_editor(login, db: Session) -> None:
    browser = login("trainer@demo.local")
    browser.page(EDIT)
    broken = latest_text(db).replace("  satisfied_at: 6", "  satisfied_at: -1")
    response = browser.submit(f"/trainer/scenarios/{SCENARIO}/preview", {"yaml_text": broken})
    assert response.status_code == 422
    assert [(p[0], p[1]) for p in problems_of(soup_of(response))] == [
        (f"Line {line_no(broken, 'satisfied_at: -1')}", "mood.satisfied_at")
    ]
    assert db.exec(select(PracticeSession)).all() == []


def test_the_id_new_is_reserved_for_the_new_scenario_page(login) -> None:
    text = authoring.new_scenario_template().replace("id: my_new_scenario", "id: new")
    browser = login("trainer@demo.local")
    browser.page("/trainer/scenarios/new")
    response = browser.submit("/trainer/scenarios/new", {"yaml_text": text})
    assert response.status_code == 422
    ((link, field, message),) = problems_of(soup_of(response))
    assert (link, field) == (f"Line {line_no(text, 'id: new')}", "id")
    assert "reserved" in message
