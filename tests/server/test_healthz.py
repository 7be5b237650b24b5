from pathlib import Path

from fastapi.testclient import TestClient

from server import __version__
from server.app import create_app
from tests.conftest import make_settings


def test_healthz_reports_version_and_database(settings) -> None:  # type: ignore[no-untyped-def]
    with TestClient(create_app(settings)) as client:
        response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["version"] == __version__
    assert body["database"]["reachable"] is True
    assert body["database"]["detail"].startswith("revision ")


def test_healthz_says_when_schema_is_missing(tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(tmp_path))) as client:
        body = client.get("/healthz").json()
    assert body["database"]["detail"] == "no schema yet: run `sparring db upgrade`"


def test_healthz_is_503_when_database_unreachable(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path, "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1"
    )
    with TestClient(create_app(settings)) as client:
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"]["reachable"] is False
