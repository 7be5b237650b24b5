"""What a client may send is bounded before any work: bodies (declared and streamed), form
fields and their count, WebSocket messages and their nesting; numbers too large or not ASCII
get a clear 4xx, never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import Session, select
from starlette.websockets import WebSocketDisconnect

from server.accounts import get_user_by_email
from server.models import Team
from server.web.csrf import MAX_BODY_BYTES, MAX_FIELD_BYTES, MAX_FORM_FIELDS, MAX_WS_MESSAGE_CHARS
from tests.web.conftest import Browser

HUGE = "9" * 25
ABOVE_2_63 = str(2**63)


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    """SQLite is the backend that cannot even look up a number above 2^63."""
    return str(request.param)


def test_a_declared_body_over_the_limit_is_refused_before_reading(client: Browser) -> None:
    client.page("/login")
    body = b"x" * (MAX_BODY_BYTES + 1)
    response = client.post(
        "/login", content=body, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 413
    assert "sent more than 4,096 KiB" in response.text


def test_a_streamed_body_is_cut_off_at_the_limit(client: Browser) -> None:
    client.page("/login")
    sent = 0

    def chunks() -> Iterator[bytes]:
        nonlocal sent
        for _ in range(200):  # 200 × 64 KiB = 12.5 MiB offered, without a Content-Length
            sent += 1
            yield b"a" * 65536

    response = client.post(
        "/login", content=chunks(), headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 413
    assert "content-length" not in response.request.headers


def test_too_many_fields_or_a_huge_field_is_a_400(client: Browser) -> None:
    client.page("/login")
    fields = "&".join(f"f{i}=1" for i in range(MAX_FORM_FIELDS + 1))
    response = client.post(
        "/login",
        content=f"csrf_token={client.csrf}&{fields}",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400
    assert "at most 1,000 fields" in response.text
    big = client.post(
        "/login", data={"csrf_token": client.csrf, "email": "e" * (MAX_FIELD_BYTES + 1)}
    )
    assert big.status_code == 400 and "could not be read" in big.text
    multipart = client.post(
        "/login",
        data={"csrf_token": client.csrf},
        files={"email": ("e.txt", b"e" * (MAX_FIELD_BYTES + 1))},
    )
    assert multipart.status_code == 422, "a file where text is expected: a clear 4xx"
    ok = client.submit("/login", {"email": "nobody@demo.local", "password": "whatever-it-is"})
    assert ok.status_code == 401, "ordinary forms still work"


def test_numbers_too_large_for_an_id_are_a_400(login: Any) -> None:
    admin = login("admin@demo.local")
    for url in (f"/admin/users/{HUGE}", f"/admin/users/{ABOVE_2_63}", f"/practice/{HUGE}"):
        response = admin.get(url)
        assert response.status_code == 400, url
        assert "not an id" in response.text or "too large" in response.text
    admin.page("/admin/users")
    posted = admin.submit(f"/admin/users/{ABOVE_2_63}", {"role": "agent"})
    assert posted.status_code == 400
    trainer = login("trainer@demo.local")
    diff = trainer.get("/trainer/scenarios/hostile_telecom_outage/diff?to=²")
    assert diff.status_code == 404 and "version number" in diff.text
    diff = trainer.get(f"/trainer/scenarios/hostile_telecom_outage/diff?from={ABOVE_2_63}")
    assert diff.status_code in {400, 404, 422}


def test_unicode_digits_are_not_ids(login: Any, db: Session) -> None:
    manager = login("manager@demo.local")
    manager.page("/manager/curriculum")
    response = manager.submit("/manager/curriculum", {"team_id": "²", "week_1_threshold": "٣"})
    assert response.status_code in {200, 303, 400}
    admin = login("admin@demo.local")
    admin.page("/admin/users")
    created = admin.submit(
        "/admin/users",
        {"email": "digits@demo.local", "password": "a-long-password", "team_id": "²"},
    )
    assert created.status_code == 200
    assert get_user_by_email(db, "digits@demo.local") is not None
    assert db.exec(select(Team)).all()


def test_websocket_frames_are_bounded(login: Any) -> None:
    agent = login("agent1@demo.local")
    agent.page("/agent")
    start = agent.submit("/practice", {"scenario_id": "hostile_telecom_outage"})
    session_id = int(str(start.url).rsplit("/", 1)[1])
    with agent.websocket_connect(f"/ws/practice/{session_id}") as ws:
        ws.receive_json()
        ws.send_text("[" * 7000 + "]" * 7000)
        error = ws.receive_json()
        assert error["type"] == "error" and "nested too deeply" in error["message"]
        ws.send_text("x" * (MAX_WS_MESSAGE_CHARS + 1))
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    assert closed.value.code == 1009 and "message too big" in closed.value.reason
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        agent.websocket_connect(f"/ws/practice/{HUGE}") as ws,
    ):
        ws.receive_json()
    assert refused.value.code == 1008


def test_large_uploads_need_a_signed_in_sender(client: Browser) -> None:
    client.page("/login")
    response = client.post(
        "/manager/calls",
        content=b"x" * (MAX_BODY_BYTES + 1),
        headers={"content-type": "multipart/form-data; boundary=x", "X-CSRF-Token": client.csrf},
        follow_redirects=False,
    )
    assert response.status_code == 303, "refused before the body is read"
    assert response.headers["location"] == "/login?next=/manager/calls"


def test_a_query_number_beyond_64_bits_is_a_400_not_a_500(login: Any) -> None:
    manager = login("manager@demo.local")
    for value in (ABOVE_2_63, "-" + ABOVE_2_63 + "1"):
        response = manager.get(f"/manager?team={value}")
        assert response.status_code == 400, value
        assert "too large" in response.text
    assert manager.get("/manager?team=²").status_code == 422
