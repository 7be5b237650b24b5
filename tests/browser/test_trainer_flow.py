"""A trainer in real Chromium: saves a persona with an error, follows the problem to its line,
fixes it there, tries the draft in a preview chat, and publishes the next version."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from server.paths import SCENARIOS_DIR
from server.scenario.loader import load_scenario

pytestmark = pytest.mark.browser

SCENARIO = "hostile_telecom_outage"
NEXT = load_scenario(SCENARIOS_DIR / f"{SCENARIO}.yaml").version + 1  # after the shipped one


def test_trainer_fixes_an_error_previews_and_publishes(new_page) -> None:  # type: ignore[no-untyped-def]
    page = new_page("trainer@demo.local")
    page.goto("/trainer/scenarios")
    page.get_by_role("link", name="Edit Three days without internet, third call").click()
    expect(page).to_have_url(re.compile(f"/trainer/scenarios/{SCENARIO}/edit$"))

    editor = page.get_by_label("Scenario YAML")
    text = editor.input_value()
    lines = text.split("\n")
    bad_line = next(i for i, line in enumerate(lines, 1) if line.startswith("difficulty:"))
    lines[bad_line - 1] = "difficulty: 9"
    editor.fill("\n".join(lines))
    expect(page.locator("#editor-gutter span")).to_have_count(len(lines))

    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".flash")).to_contain_text("Draft saved")
    page.get_by_role("button", name="Validate").click()
    problems = page.locator("#problems li")
    expect(problems).to_have_count(1)
    expect(problems.first).to_contain_text(f"Line {bad_line}")
    expect(problems.first).to_contain_text("difficulty")
    expect(problems.first).to_contain_text("between 1 and 5, got 9")
    expect(page.locator(f"#line-{bad_line}")).to_have_class("bad")

    # the problem link puts the cursor on the offending line, selected, ready to retype
    problems.first.get_by_role("link", name=f"Line {bad_line}").click()
    expect(editor).to_be_focused()
    selected = editor.evaluate("a => a.value.slice(a.selectionStart, a.selectionEnd)")
    assert selected == "difficulty: 9"
    expect(page.locator("#cursor-pos")).to_have_text(f"Line {bad_line}, column 1")
    page.keyboard.type("difficulty: 4")
    page.get_by_role("button", name="Validate").click()
    expect(page.locator("#check-result")).to_contain_text("No problems")
    expect(page.locator("#problems")).to_have_count(0)

    # preview: a chat against the draft, never scored
    page.get_by_role("button", name="Preview").click()
    expect(page).to_have_url(re.compile(r"/practice/\d+$"))
    expect(page.locator("h1")).to_contain_text("Preview")
    expect(page.locator("#turn-0")).to_contain_text("dead since Monday")
    page.get_by_label("Your reply to Dana Ruiz").fill(
        "I'm so sorry, Dana. Three days without internet when you work from home is awful."
    )
    page.keyboard.press("Enter")
    expect(page.locator("#turn-1.msg-agent")).to_contain_text("Three days without internet")
    reply = page.locator("#turn-2.msg-customer")
    expect(reply).not_to_have_class(re.compile("typing"))
    expect(reply.locator(".msg-text")).not_to_be_empty()
    expect(reply.locator(".msg-meta")).to_contain_text("mood")

    # back in the editor the fixed draft is still there; publish it
    page.goto(f"/trainer/scenarios/{SCENARIO}/edit")
    assert "difficulty: 4" in editor.input_value().split("\n")
    page.get_by_role("button", name=f"Publish version {NEXT}").click()
    expect(page).to_have_url(re.compile(f"/trainer/scenarios/{SCENARIO}$"))
    expect(page.locator(".flash")).to_contain_text(f"Published {SCENARIO} version {NEXT}")
    expect(page.locator(f"#v{NEXT} .current-badge")).to_be_visible()
    page.get_by_role("link", name=f"What changed in version {NEXT}").click()
    expect(page.locator("tr.diff-added")).to_contain_text([f"version: {NEXT}", "difficulty: 4"])


def test_editor_works_at_phone_width(new_page) -> None:  # type: ignore[no-untyped-def]
    page = new_page("trainer@demo.local")
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"/trainer/scenarios/{SCENARIO}/edit")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the editor page is {width}px wide at a 375px viewport"
    expect(page.get_by_role("button", name="Validate")).to_be_visible()
    page.goto("/trainer/scenarios")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
