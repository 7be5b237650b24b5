"""A manager in real Chromium: sees the team heatmap, an agent practises through the app, the
agent's cell changes, and the manager drills down from the cell to the attempt's evidence."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser

AGENT = "flow.agent@demo.local"
LINES = [
    "So your card payment was blocked and you're worried it was fraud, is that right? "
    "What happened right before it was declined?",
    "I will unblock the card now and I will call you at 3pm today to check it works.",
]


def _cell(page, week: int):  # type: ignore[no-untyped-def]
    return page.locator(f'tr[data-agent="{AGENT}"] td[data-week="{week}"]')


def test_manager_watches_an_attempt_arrive_and_drills_down_to_its_evidence(
    live_server, new_page
) -> None:  # type: ignore[no-untyped-def]
    live_server.cli(
        "users",
        "create",
        AGENT,
        "--password",
        DEMO_PASSWORD,
        "--name",
        "Flo Flow",
        "--team",
        "Demo team",
    )
    manager = new_page("manager@demo.local")
    manager.goto("/manager")
    assert manager.get_by_role("heading", level=1).inner_text() == "Demo team: progress"
    current = manager.locator("thead th.mgr-current")
    assert current.locator(".mgr-week-no").inner_text().startswith("Week 1")
    before = _cell(manager, 1)
    assert before.get_attribute("data-status") == "none"
    assert before.locator(".mgr-score").inner_text() == "—"

    agent = new_page(AGENT)
    agent.goto("/agent")
    agent.get_by_role("button", name=re.compile(r"^Practise ")).first.click()
    agent.wait_for_url(re.compile(r"/practice/\d+$"))
    attempt_id = agent.url.rsplit("/", 1)[1]
    box = agent.locator("#chat-input")
    for n, line in enumerate(LINES, start=1):
        box.fill(line)
        box.press("Enter")
        agent.locator(f"#turn-{2 * n}.msg-customer:not(.typing)").wait_for()
        if agent.locator("#chat-end").count() == 0:
            break
    if agent.locator("#chat-end").count():
        agent.locator("#chat-end").click()
    agent.wait_for_url(re.compile(rf"/attempts/{attempt_id}$"))

    manager.reload()
    after = _cell(manager, 1)
    assert after.get_attribute("data-status") in ("pass", "not yet")
    assert after.locator(".mgr-tries").inner_text() == "1 try"
    score = after.locator(".mgr-score").inner_text()
    assert re.fullmatch(r"\d+|n/a", score)

    # keyboard: the cell is a link that Enter follows
    after.locator("a").focus()
    manager.keyboard.press("Enter")
    manager.wait_for_url(re.compile(r"/manager/agents/\d+/weeks/1$"))
    card = manager.locator(f'article[data-attempt="{attempt_id}"]')
    assert score in card.locator(".mgr-bigscore").inner_text()
    card.get_by_role("link", name="Open the scorecard and transcript").click()
    manager.wait_for_url(re.compile(rf"/attempts/{attempt_id}$"))
    assert manager.get_by_role("heading", level=1).inner_text().startswith("Scorecard:")
    assert manager.locator("ul.evidence li").count() > 0
    quote = manager.locator("ul.evidence li a").first
    target = quote.get_attribute("href")
    assert target and target.startswith("#turn-")
    quote.click()
    assert manager.locator(target).is_visible()


def test_heatmap_fits_a_phone_by_scrolling_the_table_only(new_page) -> None:  # type: ignore[no-untyped-def]
    page = new_page("manager@demo.local")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/manager")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    wrap_scrolls = page.evaluate(
        "(() => { const w = document.querySelector('.mgr-heatmap-wrap');"
        " return w.scrollWidth > w.clientWidth; })()"
    )
    assert wrap_scrolls, "the wide table scrolls inside its wrapper"
    page.goto("/manager/curriculum")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    # keyboard users reach the first heatmap cell and see where focus is
    page.goto("/manager")
    first_cell = page.locator("td.mgr-cell a").first
    first_cell.focus()
    outline = first_cell.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"
