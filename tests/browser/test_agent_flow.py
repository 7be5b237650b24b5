"""An agent in real Chromium: picks a scenario, resolves it by chat over the WebSocket, reads
the scorecard's evidence in the transcript, and retakes; the pages fit a phone's width."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

TITLE = "Three days without internet, third call"
LINES = [
    "Dana, three days without internet when you work from home means you can't reach your "
    "clients. I'm sorry, that's serious.",
    "Missing a call with your biggest client because of our outage is awful, and I will make "
    "sure it does not happen again.",
    "I will book a technician for tomorrow morning between 8 and 10, and I will call you at "
    "noon to check it's working.",
    "I will credit your account for the whole week today, so you will not pay for days with "
    "no service.",
    "Thank you for your patience, Dana. Goodbye.",  # the customer waits for the agent to close
]


def fits_width(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_agent_resolves_a_scenario_by_chat_reads_the_scorecard_and_retakes(new_page) -> None:  # type: ignore[no-untyped-def]
    page = new_page("agent1@demo.local")
    page.goto("/agent")
    assert page.get_by_role("heading", level=1).inner_text().startswith("This week:")
    page.get_by_text("Other scenarios").click()
    page.get_by_role("button", name=f"Practise {TITLE}", exact=True).click()  # by text
    page.wait_for_url(re.compile(r"/practice/\d+$"))
    session_url = page.url

    box = page.get_by_label("Your reply to Dana Ruiz")
    box.fill("first line")
    box.press("Shift+Enter")
    assert box.input_value() == "first line\n", "Shift+Enter starts a new line"
    box.fill("")
    for n, line in enumerate(LINES, start=1):
        if "/attempts/" in page.url:
            break
        box.fill(line)
        box.press("Enter")
        page.locator(f"#turn-{2 * n - 1}.msg-agent").wait_for()
        reply = page.locator(f"#turn-{2 * n}.msg-customer:not(.typing)")
        if n < len(LINES):
            reply.wait_for()
            announced = page.locator("#chat-live").inner_text()
            assert announced == f"Dana Ruiz: {reply.locator('.msg-text').inner_text()}"
            assert page.locator("#chat-send").is_enabled()
            assert page.evaluate("document.activeElement.id") == "chat-input"

    page.wait_for_url(re.compile(r"/attempts/\d+$"))
    attempt_url = page.url
    assert attempt_url.rsplit("/", 1)[1] == session_url.rsplit("/", 1)[1]
    verdict = page.locator(".verdict").inner_text()
    assert verdict in {"PASS", "NOT YET"}
    assert page.locator(".transcript > li").count() >= 2 * len(LINES)

    evidence = page.locator(".evidence a").first
    evidence.wait_for()
    target = evidence.get_attribute("href")
    assert target is not None and target.startswith("#turn-")
    evidence.click()
    assert page.url.endswith(target)
    assert page.locator(f"{target}").is_visible()
    assert page.evaluate(f"document.querySelector('{target}').matches(':target')")

    page.get_by_role("button", name="Retake").click()
    page.wait_for_url(re.compile(r"/practice/\d+$"))
    assert page.url != session_url
    page.locator("#turn-0.msg-customer").wait_for()
    page.get_by_label("Your reply to Dana Ruiz").fill(LINES[0])
    page.get_by_role("button", name="Send").click()
    page.locator("#turn-2.msg-customer:not(.typing)").wait_for()
    page.reload()
    assert page.locator("#chat-log > li").count() == 3, "the conversation resumes after reload"
    page.get_by_role("button", name="End conversation").click()
    page.wait_for_url(re.compile(r"/attempts/\d+$"))

    page.goto("/agent/history")
    assert page.locator("svg.trend-chart title").count() >= 1
    assert page.locator("table.attempts tbody tr").count() == 2


def test_agent_pages_fit_a_phone_and_the_chat_works_by_keyboard(new_page) -> None:  # type: ignore[no-untyped-def]
    page = new_page("agent2@demo.local")
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/agent")
    assert fits_width(page)
    practise = page.locator("form[action='/practice'] button").first
    practise.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/practice/\d+$"))
    assert fits_width(page)
    box = page.locator("#chat-input")
    box.focus()
    page.keyboard.type("Can you tell me more about what happened?")
    page.keyboard.press("Enter")
    page.locator("#turn-2.msg-customer:not(.typing)").wait_for()
    assert fits_width(page)
    page.goto("/agent/card")
    assert fits_width(page)
    page.emulate_media(media="print")
    assert page.locator(".topbar").is_hidden() and page.locator(".card-do").is_visible()
