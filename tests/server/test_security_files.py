"""Files and inputs outside the web app: the data folder and SQLite file are created owner-only,
secrets are `SecretStr` (never printed), trusted proxies are validated, and `sparring score` turns
deep JSON, NaN/Infinity and huge numbers into one error line instead of a traceback."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from server.cli.main import app
from server.db import make_engine
from server.settings import SettingsError, load_settings

TURN = '{"speaker": "agent", "text": "Hello, how can I help?", "start": %s}'


def test_data_folder_and_sqlite_file_are_owner_only(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "fresh" / "var")
    engine = make_engine(settings)
    with engine.connect():
        pass
    engine.dispose()
    data_dir = tmp_path / "fresh" / "var"
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((data_dir / "sparring.db").stat().st_mode) == 0o600
    settings.effective_secret_key()
    assert stat.S_IMODE((data_dir / "secret_key").stat().st_mode) == 0o600


def test_secrets_are_not_shown_in_reprs_or_dumps(tmp_path: Path) -> None:
    settings = load_settings(
        data_dir=tmp_path, secret_key="a-real-secret-value-1234567890", llm_api_key="sk-hidden"
    )
    shown = f"{settings!r} {settings} {settings.model_dump()}"
    assert "a-real-secret-value" not in shown and "sk-hidden" not in shown
    assert settings.effective_secret_key() == "a-real-secret-value-1234567890"
    assert settings.llm_api_key.get_secret_value() == "sk-hidden"


def test_trusted_proxies_must_be_addresses(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, trusted_proxies=" 127.0.0.1 ,10.0.0.0/8")
    assert settings.trusted_proxies == "127.0.0.1, 10.0.0.0/8"
    assert len(settings.trusted_proxy_networks) == 2
    with pytest.raises(SettingsError, match="SPARRING_TRUSTED_PROXIES: 'proxy.local' is not"):
        load_settings(data_dir=tmp_path, trusted_proxies="proxy.local")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"turns": ' + "[" * 7000 + "]" * 7000 + "}", "nested too deeply"),
        ('{"turns": [' + TURN % "Infinity" + "]}", "Infinity is not a number JSON allows"),
        ('{"turns": [' + TURN % "NaN" + "]}", "NaN is not a number JSON allows"),
        ('{"turns": [' + TURN % "1e400" + "]}", "from 0 to 10,000,000"),
        ('{"turns": [' + TURN % ("1" + "0" * 400) + "]}", "from 0 to 10,000,000"),
        ('{"turns": [' + TURN % ("1" + "0" * 5000) + "]}", "Exceeds the limit"),
    ],
)
def test_score_reports_hostile_json_in_one_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "t.json"
    path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(app, ["score", str(path)])
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert message in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(("proxies", "trusted"), [("", False), ("10.0.0.0/8", True)])
def test_serve_trusts_forwarded_headers_only_from_configured_proxies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, proxies: str, trusted: bool
) -> None:
    import uvicorn

    from server.cli import serve as serve_module
    from server.services.scenario_store import SyncResult
    from server.web.csrf import MAX_WS_MESSAGE_CHARS

    calls: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append(options))
    monkeypatch.setattr(serve_module, "publish_shipped_scenarios", lambda: SyncResult([], 0))
    monkeypatch.setenv("SPARRING_SECRET_KEY", "a-real-secret-value-1234567890")
    monkeypatch.setenv("SPARRING_TRUSTED_PROXIES", proxies)
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 0, result.output
    (options,) = calls
    assert options["proxy_headers"] is trusted
    assert options["forwarded_allow_ips"] == proxies
    assert options["ws_max_size"] == MAX_WS_MESSAGE_CHARS * 4
