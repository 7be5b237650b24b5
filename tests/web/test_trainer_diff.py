"""Version diffs: the unified diff of two texts, and the diff page between two versions."""

from __future__ import annotations

import difflib

from bs4 import BeautifulSoup
from sqlmodel import Session

from server import accounts
from server.paths import SCENARIOS_DIR
from server.scenario import load_scenario
from server.services import authoring, scenario_store

SCENARIO = "hostile_telecom_outage"
# A fresh database stores only the shipped file's version (numbers can skip); a publish adds
# the next one.
SHIPPED = load_scenario(SCENARIOS_DIR / f"{SCENARIO}.yaml").version
NEXT = SHIPPED + 1


def test_diff_texts_numbers_each_line_and_counts_changes() -> None:
    old = "".join(f"line {n}\n" for n in range(1, 21))
    new = old.replace("line 5\n", "line five\n").replace("line 18\n", "")
    new += "line 21\n"
    diff = authoring.diff_texts(old, new)
    assert (diff.added, diff.removed) == (2, 2)
    assert [h.header for h in diff.hunks] == ["@@ -2,7 +2,7 @@", "@@ -15,6 +15,6 @@"]
    first = diff.hunks[0].lines
    assert [(line.kind, line.old_no, line.new_no, line.text) for line in first[2:5]] == [
        ("context", 4, 4, "line 4"),
        ("removed", 5, None, "line 5"),
        ("added", None, 5, "line five"),
    ]
    # the hunk headers agree with difflib's own unified diff
    expected = [
        line.strip()
        for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="")
        if line.startswith("@@")
    ]
    assert [h.header for h in diff.hunks] == expected


def test_identical_texts_have_no_hunks() -> None:
    diff = authoring.diff_texts("a\nb\n", "a\nb\n")
    assert diff.unchanged and (diff.added, diff.removed) == (0, 0)


def publish_next(db: Session) -> str:
    trainer = accounts.require_user(db, "trainer@demo.local")
    shipped = scenario_store.latest_version(db, SCENARIO)
    assert shipped is not None and shipped.version == SHIPPED
    edited = shipped.yaml_text.replace("  name: Dana Ruiz\n", "  name: Dana Ortiz\n").replace(
        "difficulty: 3 ", "difficulty: 4 "
    )
    authoring.publish_edit(db, user=trainer, scenario_id=SCENARIO, yaml_text=edited)
    db.commit()
    return edited


def test_diff_page_marks_additions_and_removals_with_text(login, db: Session) -> None:
    publish_next(db)
    response = login("trainer@demo.local").page(
        f"/trainer/scenarios/{SCENARIO}/diff?from={SHIPPED}&to={NEXT}"
    )
    assert response.status_code == 200
    page = BeautifulSoup(response.text, "html.parser")
    removed = [row.select("td")[-1].get_text() for row in page.select("tr.diff-removed")]
    added = [row.select("td")[-1].get_text() for row in page.select("tr.diff-added")]
    assert removed == [
        f"version: {SHIPPED}",
        "difficulty: 3                     # 1 (gentle) to 5 (hardest)",
        "  name: Dana Ruiz",
    ]
    assert added == [
        f"version: {NEXT}",
        "difficulty: 4                     # 1 (gentle) to 5 (hardest)",
        "  name: Dana Ortiz",
    ]
    # not colour alone: a sign and a spoken word on every changed line, and <ins>/<del>
    for row in page.select("tr.diff-added"):
        assert row.select_one(".sign").get_text() == "+added"
        assert row.select_one("ins") is not None
    for row in page.select("tr.diff-removed"):
        assert row.select_one(".sign").get_text() == "−removed"
        assert row.select_one("del") is not None
    summary = page.select_one(".diff-summary").get_text(" ", strip=True)
    assert "3 lines added" in summary and "3 lines removed" in summary
    assert page.select_one("#diff-from option[selected]")["value"] == str(SHIPPED)
    assert page.select_one("#diff-to option[selected]")["value"] == str(NEXT)
    assert page.select_one("label[for=diff-from]") is not None


def test_diff_defaults_to_the_latest_change_and_reports_no_difference(login, db: Session) -> None:
    browser = login("trainer@demo.local")
    # only the shipped version is stored: the default compares it with itself
    only = browser.page(f"/trainer/scenarios/{SCENARIO}/diff")
    assert only.status_code == 200
    page = BeautifulSoup(only.text, "html.parser")
    assert page.h1.get_text() == f"Changes from version {SHIPPED} to version {SHIPPED}"
    assert "No differences" in only.text
    publish_next(db)
    listing = BeautifulSoup(browser.page("/trainer/scenarios").text, "html.parser")
    changes = listing.select_one(f"a[aria-label^='Latest changes'][href*='/{SCENARIO}/']")
    assert changes is not None and changes["href"] == f"/trainer/scenarios/{SCENARIO}/diff"
    page = BeautifulSoup(browser.page(changes["href"]).text, "html.parser")
    assert page.h1.get_text() == f"Changes from version {SHIPPED} to version {NEXT}"
    # the pickers offer the stored versions only, newest first
    assert [o["value"] for o in page.select("#diff-from option")] == [str(NEXT), str(SHIPPED)]
    same = browser.page(f"/trainer/scenarios/{SCENARIO}/diff?from={NEXT}&to={NEXT}")
    assert same.status_code == 200
    assert "No differences" in same.text
    bad = browser.page(f"/trainer/scenarios/{SCENARIO}/diff?from=abc")
    assert bad.status_code == 422


def test_a_trainer_can_compare_their_draft_with_a_version(login, db: Session) -> None:
    browser = login("trainer@demo.local")
    browser.page(f"/trainer/scenarios/{SCENARIO}/edit")
    url = f"/trainer/scenarios/{SCENARIO}/diff?to=draft"
    assert browser.page(url).status_code == 404  # no draft yet
    text = scenario_store.latest_version(db, SCENARIO).yaml_text  # type: ignore[union-attr]
    browser.submit(
        f"/trainer/scenarios/{SCENARIO}/draft",
        {"yaml_text": text.replace("  name: Dana Ruiz\n", "  name: Dana Draft\n")},
    )
    editor = BeautifulSoup(browser.page(f"/trainer/scenarios/{SCENARIO}/edit").text, "html.parser")
    link = editor.find("a", string="See what it changes")
    assert (
        link is not None
        and link["href"] == f"/trainer/scenarios/{SCENARIO}/diff?from={SHIPPED}&to=draft"
    )
    page = BeautifulSoup(browser.page(link["href"]).text, "html.parser")
    assert page.h1.get_text() == f"Changes from version {SHIPPED} to your draft"
    assert [r.select("td")[-1].get_text() for r in page.select("tr.diff-added")] == [
        "  name: Dana Draft"
    ]
    assert page.select_one("#diff-to option[selected]")["value"] == "draft"
    assert browser.page(f"/trainer/scenarios/{SCENARIO}/diff?to=latest").status_code == 404
    # another trainer has no draft here: the same address is not theirs to see
    accounts.create_user(
        db, email="trainer2@demo.local", password="web-demo-password", role="trainer"
    )
    db.commit()
    assert login("trainer2@demo.local").page(url).status_code == 404
