"""Pages speak the user's words: no behavior ids, marker names, outcomes or metric names in
snake_case, every date in one format, one h1 per page, and a focus ring that shows (≥ 3:1)."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup
from sqlmodel import Session

from server import accounts
from server.web import labels
from tests.web.test_agent_scorecard import LINES, play

SNAKE_CASE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def visible_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["script", "style", "code", "textarea", "template"]):
        hidden.decompose()
    return soup.get_text(" ")


def test_agent_and_manager_pages_show_no_ids_and_one_date_format(db: Session, login) -> None:  # type: ignore[no-untyped-def]
    session_id = play(db, "agent1@demo.local", LINES)
    agent_user = accounts.get_user_by_email(db, "agent1@demo.local")
    assert agent_user is not None
    agent = login("agent1@demo.local")
    manager = login("manager@demo.local")
    pages = [
        (agent, "/agent"),
        (agent, "/agent/card"),
        (agent, "/agent/history"),
        (agent, f"/attempts/{session_id}"),
        (agent, f"/practice/{session_id}"),
        (manager, "/manager"),
        (manager, f"/manager/agents/{agent_user.id}"),
        (manager, f"/manager/agents/{agent_user.id}/weeks/3"),
        (manager, "/manager/curriculum"),
        (manager, "/manager/calibration"),
        (manager, f"/manager/attempts/{session_id}/label"),
    ]
    for browser, url in pages:
        response = browser.page(url)
        assert response.status_code == 200, url
        assert len(BeautifulSoup(response.text, "html.parser").find_all("h1")) == 1, url
        text = visible_text(response.text)
        assert SNAKE_CASE.findall(text) == [], url
        assert ISO_DATE.findall(text) == [], url
        assert "median response gap s" not in text.lower(), url


def test_every_scorer_marker_and_behavior_has_a_label() -> None:
    from scorer import BEHAVIORS
    from scorer.markers import MARKERS

    assert set(BEHAVIORS) <= set(labels.BEHAVIOR_LABELS)
    assert set(MARKERS) <= set(labels.MARKER_LABELS)
    assert labels.outcome_label("hung_up") == "the customer hung up"
    assert labels.metric_value(0.45, "talk_ratio") == "45 %"
    assert labels.metric_value(1.4, "median_response_gap_s") == "1.4 s"
    assert labels.metric_value(None, "agent_wpm") == "—"


def _luminance(hex_colour: str) -> float:
    digits = hex_colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_focus_ring_has_3_to_1_contrast_on_every_light_background() -> None:
    from server.paths import STATIC_DIR

    css = "\n".join(path.read_text(encoding="utf-8") for path in Path(STATIC_DIR).glob("*.css"))
    focus = re.search(r"--focus:\s*(#[0-9a-fA-F]{3,6})", css)
    assert focus is not None
    backgrounds = set(
        re.findall(r"background(?:-color)?:\s*(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3})\b", css)
    )
    backgrounds |= set(re.findall(r"--[a-z-]*bg[a-z-]*:\s*(#[0-9a-fA-F]{3,6})", css))
    light = [colour for colour in backgrounds if _luminance(colour) > 0.4]
    assert len(light) > 5
    for colour in light:
        assert _contrast(focus.group(1), colour) >= 3, colour
    topbar = re.search(r"\.topbar :focus-visible \{ outline-color: (#[0-9a-fA-F]{6})", css)
    assert topbar is not None and _contrast(topbar.group(1), "#0f172a") >= 3
