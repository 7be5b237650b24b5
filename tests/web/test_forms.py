"""Routes read posted forms one way, FastAPI's `Form()` (a parameter per field, or one of the
models in server/web/forms.py); a form the service rejects comes back as the page with a
message per field, never as FastAPI's JSON error."""

from __future__ import annotations

import inspect
import re

from server.web import routes

# A multipart upload reads its parts itself, to bound each part's size (see csrf.MAX_FIELD_BYTES).
UPLOADS = {"server.web.routes.calls.upload"}


def test_no_route_parses_the_form_by_hand() -> None:
    by_hand = []
    for module in (getattr(routes, name) for name in dir(routes) if not name.startswith("_")):
        if not inspect.ismodule(module) or not module.__name__.startswith("server.web.routes."):
            continue
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__:
                continue
            if re.search(r"request\.form\(", inspect.getsource(function)):
                by_hand.append(f"{module.__name__}.{name}")
    assert sorted(set(by_hand) - UPLOADS) == []


def test_a_rejected_form_is_the_page_with_messages(login) -> None:  # type: ignore[no-untyped-def]
    manager = login("manager@demo.local")
    page = manager.page("/manager/curriculum")
    team_id = re.search(r'name="team_id" value="(\d+)"', page.text)
    assert team_id is not None
    response = manager.submit(
        "/manager/curriculum/overrides",
        {"team_id": team_id.group(1), "behavior": "not_a_behavior", "unexpected": "x"},
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "is not a curriculum behavior; pick one" in response.text
