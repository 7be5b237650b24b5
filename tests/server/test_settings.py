from pathlib import Path

import pytest

from server.settings import Environment, Settings, SettingsError, load_settings


def test_defaults_use_sqlite_under_data_dir(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "data")
    assert (
        settings.resolved_database_url == f"sqlite:///{(tmp_path / 'data').resolve()}/sparring.db"
    )
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    assert settings.env is Environment.development


def test_environment_variables_are_prefixed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPARRING_PORT", "9123")
    monkeypatch.setenv("SPARRING_LLM_MODEL", "gpt-test")
    monkeypatch.setenv("PORT", "1")
    settings = load_settings()
    assert settings.port == 9123
    assert settings.llm_model == "gpt-test"


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"database_url": "not a url::"}, "SPARRING_DATABASE_URL: cannot parse"),
        ({"database_url": "mysql://root@localhost/x"}, "SPARRING_DATABASE_URL: backend 'mysql'"),
        ({"port": 70000}, "SPARRING_PORT:"),
        ({"tts_engine": "espeak"}, "SPARRING_TTS_ENGINE: use `piper`"),
        ({"time_zone": "Mars/Olympus"}, "SPARRING_TIME_ZONE: unknown time zone 'Mars/Olympus'"),
        ({"env": "production", "secret_key": "changethis"}, "SPARRING_SECRET_KEY is empty or a"),
        ({"env": "production"}, "SPARRING_SECRET_KEY is empty or a placeholder"),
    ],
)
def test_bad_configuration_is_one_line_naming_the_setting(
    overrides: dict[str, object], expected: str
) -> None:
    with pytest.raises(SettingsError) as info:
        load_settings(**overrides)
    message = str(info.value)
    assert message.startswith(expected)
    assert "\n" not in message


def test_plain_postgresql_url_gets_the_psycopg_driver() -> None:
    settings = load_settings(database_url="postgresql://me:pw@db.example/sparring")
    assert settings.database_url == "postgresql+psycopg://me:pw@db.example/sparring"


def test_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "var")
    first = settings.effective_secret_key()
    again = load_settings(data_dir=tmp_path / "var").effective_secret_key()
    assert first == again and len(first) >= 40
    key_file = tmp_path / "var" / "secret_key"
    assert key_file.read_text() == first
    assert key_file.stat().st_mode & 0o077 == 0


def test_configured_secret_wins(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, secret_key="a-real-secret-value-1234567890")
    assert settings.effective_secret_key() == "a-real-secret-value-1234567890"
    assert not (tmp_path / "secret_key").exists()


def test_unwritable_data_dir_names_the_setting(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    settings = Settings(data_dir=blocker / "sub")
    with pytest.raises(SettingsError, match=r"^SPARRING_DATA_DIR=.*not writable"):
        settings.ensure_data_dir()
