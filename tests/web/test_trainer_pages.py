"""Trainer pages through the real app: the scenario list, a scenario's versions with the
attempts pinned to each, read-only versions, and who may see them."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from sqlmodel import Session

from server import accounts
from server.paths import SCENARIOS_DIR
from server.scenario import load_scenario
from server.services import authoring, scenario_store
from server.services.practice import start_practice

SCENARIO = "hostile_telecom_outage"
# A fresh database stores only the shipped file's version (numbers can skip); a publish adds
# the next one.
SHIPPED = load_scenario(SCENARIOS_DIR / f"{SCENARIO}.yaml").version
NEXT = SHIPPED + 1


def soup_of(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text[:500]
    return BeautifulSoup(response.text, "html.parser")


def test_list_shows_every_published_scenario_with_its_latest_version(login, db: Session) -> None:
    page = soup_of(login("trainer@demo.local").page("/trainer/scenarios"))
    table = page.select_one("table.scenario-table")
    assert table is not None
    headers = [th.get_text(strip=True) for th in table.select("thead th")]
    assert headers == [
        "Title",
        "Type",
        "Industry",
        "Difficulty",
        "Behaviors",
        "Version",
        "Published",
        "Actions",
    ]
    rows = table.select("tbody tr")
    latest = scenario_store.latest_versions(db)
    assert len(rows) == len(latest) >= 10
    by_id = {row.select_one("code.scenario-id").get_text(): row for row in rows}
    assert set(by_id) == {v.scenario_id for v in latest}
    row = by_id[SCENARIO]
    cells = {td["data-label"]: td for td in row.select("td")}
    assert cells["Type"].get_text(strip=True) == "hostile"
    assert cells["Industry"].get_text(strip=True) == "Telecom"
    assert "3" in cells["Difficulty"].get_text()
    behaviors = [li.get_text() for li in cells["Behaviors"].select("li")]
    assert behaviors == ["Naming the impact", "De-escalation", "Ownership"]
    assert "by shipped file" in cells["Published"].get_text(" ", strip=True)
    links = {a["href"] for a in row.select("a")}
    assert f"/trainer/scenarios/{SCENARIO}" in links
    assert f"/trainer/scenarios/{SCENARIO}/edit" in links
    # only the shipped version is stored: no earlier one to show changes from
    assert not [href for href in links if "/diff" in href]
    new_link = page.find("a", string="New scenario")
    assert new_link is not None and new_link["href"] == "/trainer/scenarios/new"


def test_industry_is_read_from_the_id_when_it_names_one() -> None:
    assert authoring.industry_of("multi_issue_saas_seats_and_sync", "multi_issue") == "SaaS"
    assert authoring.industry_of("calm_banking_fraud_alert", "calm") == "Banking"
    assert authoring.industry_of("angry_customer", "hostile") is None


def test_scenario_page_counts_attempts_per_version(login, db: Session) -> None:
    agent = accounts.require_user(db, "agent1@demo.local")
    trainer = accounts.require_user(db, "trainer@demo.local")
    first = start_practice(db, agent, scenario_id=SCENARIO, seed=1)
    start_practice(db, agent, scenario_id=SCENARIO, seed=2)
    text = scenario_store.latest_version(db, SCENARIO).yaml_text  # type: ignore[union-attr]
    published = authoring.publish_edit(
        db, user=trainer, scenario_id=SCENARIO, yaml_text=text.replace("Dana Ruiz", "Dana Ortiz")
    )
    third = start_practice(db, agent, scenario_id=SCENARIO, seed=3)
    db.commit()
    assert published.version == NEXT
    assert third.scenario_version_id == published.id != first.scenario_version_id

    page = soup_of(login("trainer@demo.local").page(f"/trainer/scenarios/{SCENARIO}"))
    attempts = {
        tr["id"]: int(tr.select_one("td[data-attempts]").get_text()) for tr in page.select("tr[id]")
    }
    assert attempts == {f"v{NEXT}": 1, f"v{SHIPPED}": 2}
    hrefs = {a["href"] for a in page.select("a")}
    assert f"/trainer/scenarios/{SCENARIO}/versions/{SHIPPED}" in hrefs
    assert f"/trainer/scenarios/{SCENARIO}/diff?from={SHIPPED}&to={NEXT}" in hrefs
    assert f"/trainer/scenarios/{SCENARIO}/edit" in hrefs
    assert page.select_one(f"#v{NEXT} .current-badge") is not None
    # the shipped version is the first one stored: nothing earlier to compare it with
    diffs = [h for h in hrefs if "/diff?" in h]
    assert diffs == [f"/trainer/scenarios/{SCENARIO}/diff?from={SHIPPED}&to={NEXT}"]
    assert "first version" in page.select_one(f"#v{SHIPPED}").get_text()


def test_version_page_shows_the_stored_text_read_only(login, db: Session) -> None:
    stored = scenario_store.latest_version(db, SCENARIO)
    assert stored is not None
    assert stored.version == SHIPPED
    page = soup_of(
        login("trainer@demo.local").page(f"/trainer/scenarios/{SCENARIO}/versions/{SHIPPED}")
    )
    lines = [tr.select_one("td").get_text() for tr in page.select("table.code tbody tr")]
    assert lines == stored.yaml_text.splitlines()
    assert page.select_one("#line-8 th").get_text() == "8"
    assert page.find("textarea") is None
    assert page.select("form") == page.select("form.signout")  # current version: nothing to restore
    # the first stored version: no earlier one to show changes from
    assert not [a for a in page.select("a") if "/diff" in a["href"]]


def test_restoring_an_old_version_puts_it_in_my_draft(login, db: Session) -> None:
    trainer = accounts.require_user(db, "trainer@demo.local")
    text = scenario_store.latest_version(db, SCENARIO).yaml_text  # type: ignore[union-attr]
    authoring.publish_edit(
        db, user=trainer, scenario_id=SCENARIO, yaml_text=text.replace("Dana Ruiz", "Dana Ortiz")
    )
    db.commit()
    browser = login("trainer@demo.local")
    newer = soup_of(browser.page(f"/trainer/scenarios/{SCENARIO}/versions/{NEXT}"))
    changes = newer.find("a", string=f"Changes from version {SHIPPED}")
    assert changes is not None
    assert changes["href"] == f"/trainer/scenarios/{SCENARIO}/diff?from={SHIPPED}&to={NEXT}"
    page = soup_of(browser.page(f"/trainer/scenarios/{SCENARIO}/versions/{SHIPPED}"))
    form = page.select_one(f"form[action$='/versions/{SHIPPED}/restore']")
    assert form is not None
    response = browser.submit(form["action"], follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/trainer/scenarios/{SCENARIO}/edit"
    editor = soup_of(browser.page(f"/trainer/scenarios/{SCENARIO}/edit"))
    assert "Dana Ruiz" in editor.select_one("textarea#yaml-text").get_text()


@pytest.mark.parametrize(
    "url",
    [
        "/trainer/scenarios",
        "/trainer/scenarios/new",
        f"/trainer/scenarios/{SCENARIO}",
        f"/trainer/scenarios/{SCENARIO}/edit",
        f"/trainer/scenarios/{SCENARIO}/versions/{SHIPPED}",
        f"/trainer/scenarios/{SCENARIO}/diff?from={SHIPPED}&to={SHIPPED}",
    ],
)
@pytest.mark.parametrize("email", ["agent1@demo.local", "manager@demo.local"])
def test_agents_and_managers_get_403(login, url: str, email: str) -> None:
    response = login(email).page(url)
    assert response.status_code == 403
    assert "do not have access" in response.text


@pytest.mark.parametrize("action", ["validate", "draft", "publish", "preview", "discard"])
def test_agents_cannot_post_to_the_editor(login, db: Session, action: str) -> None:
    before = len(scenario_store.versions_of(db, SCENARIO))
    browser = login("agent1@demo.local")
    response = browser.submit(f"/trainer/scenarios/{SCENARIO}/{action}", {"yaml_text": "id: x"})
    assert response.status_code == 403
    db.expire_all()
    assert len(scenario_store.versions_of(db, SCENARIO)) == before


def test_admins_may_use_the_trainer_pages(login) -> None:
    page = soup_of(login("admin@demo.local").page("/trainer/scenarios"))
    assert page.select("table.scenario-table tbody tr")


def test_anonymous_visitors_are_sent_to_sign_in(client) -> None:
    response = client.get("/trainer/scenarios/new", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/trainer/scenarios/new"


@pytest.mark.parametrize(
    "url",
    [
        "/trainer/scenarios/nope",
        "/trainer/scenarios/nope/edit",
        f"/trainer/scenarios/{SCENARIO}/versions/9",
        f"/trainer/scenarios/{SCENARIO}/diff?to=9",
    ],
)
def test_unknown_scenarios_and_versions_are_404_with_a_way_back(login, url: str) -> None:
    response = login("trainer@demo.local").page(url)
    assert response.status_code == 404
    assert "/trainer/scenarios" in response.text


@pytest.mark.parametrize(
    "path", [f"versions/{SHIPPED - 1}", f"diff?from={SHIPPED - 1}", f"diff?to={SHIPPED - 1}"]
)
def test_a_version_before_the_shipped_one_is_404_naming_the_stored_ones(login, path: str) -> None:
    """A new install stores only the shipped version, so the numbers below it do not exist."""
    response = login("trainer@demo.local").page(f"/trainer/scenarios/{SCENARIO}/{path}")
    assert response.status_code == 404
    assert f"has no version {SHIPPED - 1}; its stored versions ({SHIPPED})" in response.text
    assert f"/trainer/scenarios/{SCENARIO}" in response.text
