"""Every page is usable on a 375 px wide phone: the page itself never scrolls sideways (wide
tables scroll inside their own frame), the persona editor fits, and the focus ring is visible."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

SCENARIO = "hostile_telecom_outage"
PAGES = {
    "agent1@demo.local": ["/agent", "/agent/card", "/agent/history"],
    "manager@demo.local": ["/manager", "/manager/curriculum", "/manager/calibration"],
    "trainer@demo.local": [
        "/trainer/scenarios",
        f"/trainer/scenarios/{SCENARIO}",
        f"/trainer/scenarios/{SCENARIO}/edit",
    ],
}


@pytest.mark.parametrize("email", sorted(PAGES))
def test_pages_fit_a_375_px_screen(new_page, email: str) -> None:  # type: ignore[no-untyped-def]
    page = new_page(email)
    page.set_viewport_size({"width": 375, "height": 740})
    for url in PAGES[email]:
        page.goto(url)
        page.wait_for_load_state()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{url} scrolls sideways by {overflow}px at 375px"
        if url.endswith("/edit"):
            box = page.get_by_label("Scenario YAML").bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375, url
            assert box["width"] >= 250, f"the editor is {box['width']}px wide at 375px"


def test_focus_lands_in_the_reply_box_and_its_ring_shows(new_page) -> None:  # type: ignore[no-untyped-def]
    page = new_page("agent1@demo.local")
    page.goto("/agent")
    page.get_by_role("button", name="Practise").first.click()
    page.wait_for_url("**/practice/*")
    focused = page.evaluate("document.activeElement && document.activeElement.id")
    assert focused == "chat-input"
