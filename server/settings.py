"""One validated configuration for the whole server, read from `SPARRING_*` environment variables.

Every field's description is the reference users read: `docs/settings.md` is generated from them
(`python -m server.docs`; tests/test_docs.py fails while it is out of date).
Bad values end the process with one line naming the setting and what to do (`SettingsError`).
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

PLACEHOLDER_SECRETS = frozenset(
    {"", "changethis", "changeme", "change-me", "secret", "secret-key", "your-secret-key", "xxx"}
)
SECRET_FILE_NAME = "secret_key"


class SettingsError(Exception):
    """A configuration problem, phrased as one line naming the setting and what to do."""


class Environment(StrEnum):
    development = "development"
    production = "production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SPARRING_", extra="ignore", frozen=True)

    env: Environment = Field(
        Environment.development,
        description="`development` or `production`; production refuses placeholder secrets "
        "and marks cookies Secure.",
    )
    data_dir: Path = Field(
        Path("./var"),
        description="Folder for the SQLite file, the generated secret key and uploads.",
    )
    database_url: str = Field(
        "",
        description="SQLAlchemy URL; empty means SQLite at `DATA_DIR/sparring.db`. "
        "Postgres: `postgresql+psycopg://user:pass@host/db`.",
    )
    host: str = Field("127.0.0.1", description="Address `sparring serve` binds to.")
    port: Annotated[int, Field(ge=1, le=65535)] = Field(
        8000, description="Port `sparring serve` listens on."
    )
    workers: Annotated[int, Field(ge=1, le=64)] = Field(
        1, description="Uvicorn worker processes for `sparring serve`."
    )
    db_pool_size: Annotated[int, Field(ge=1, le=500)] = Field(
        20,
        description="Database connections each worker keeps open (half as many again at "
        "peaks), and the most threads it runs at once; keep workers × 1.5 × this under "
        "PostgreSQL's `max_connections` (100 by default).",
    )
    secret_key: SecretStr = Field(
        SecretStr(""),
        description="Signs session cookies and CSRF tokens; empty means generate one once and "
        "keep it in `DATA_DIR/secret_key`.",
    )
    log_level: str = Field("info", description="Python log level: debug, info, warning, error.")
    llm_base_url: str = Field(
        "", description="Base URL of an OpenAI-compatible API for the LLM customer voice."
    )
    llm_api_key: SecretStr = Field(SecretStr(""), description="API key for `LLM_BASE_URL`.")
    llm_model: str = Field(
        "",
        description="Chat model name; the customer uses the LLM only when this is set "
        "(otherwise the scripted voice).",
    )
    llm_timeout_s: Annotated[float, Field(gt=0, le=120)] = Field(
        8.0,
        description="Seconds for a whole LLM reply; past it the reply is cut at its last "
        "complete sentence, or the scripted voice answers when none was complete.",
    )
    llm_first_token_s: Annotated[float, Field(gt=0, le=120)] = Field(
        4.0,
        description="Seconds the LLM may take to start a reply before the scripted voice "
        "answers that turn.",
    )
    llm_max_tokens: Annotated[int, Field(ge=16, le=2048)] = Field(
        150, description="Most tokens the LLM may write for one customer reply."
    )
    llm_stop: str = Field(
        "",
        description="Stop sequences for the LLM customer, separated by `|` (`\\n` is a line "
        "break; at most four); empty means a new `Agent:`/`User:` line and end-of-turn tokens, "
        "`none` sends none.",
    )
    llm_fold_system: bool = Field(
        False,
        description="Put the persona at the top of the first user turn instead of a system "
        "message, for servers whose chat template drops system messages (e.g. llama.cpp's "
        "`gemma` format).",
    )
    llm_judge: bool = Field(
        True,
        description="When `LLM_MODEL` is set, score with the LLM judge on top of the marker "
        "rules (the markers decide where it gives no verified verdict); false: markers only.",
    )
    llm_judge_timeout_s: Annotated[float, Field(gt=0, le=300)] = Field(
        30.0,
        description="Seconds one judge request may take; after a timeout the markers decide the "
        "report's remaining behaviors.",
    )
    stt_model: str = Field(
        "",
        description="faster-whisper model name or path; empty means the bundled tiny.en model.",
    )
    tts_engine: str = Field(
        "piper",
        description="`piper` (offline, bundled voice) or `edge` (online, falls back to "
        "piper on any network error).",
    )
    login_max_attempts: Annotated[int, Field(ge=1, le=1000)] = Field(
        5,
        description="Failed sign-ins allowed per account from one address within the login "
        "window (four times as many per address over all accounts); then that address waits.",
    )
    login_window_s: Annotated[int, Field(ge=1)] = Field(
        300, description="Length in seconds of the login rate-limit window."
    )
    trusted_proxies: str = Field(
        "",
        description="Comma-separated addresses or networks (e.g. `127.0.0.1, 10.0.0.0/8`) of "
        "reverse proxies whose `X-Forwarded-For` is believed; empty means none.",
    )
    time_zone: str = Field(
        "UTC",
        description="IANA time zone (e.g. `Europe/London`) in which pages show dates and "
        "times; times are stored in UTC.",
    )
    broker_url: str = Field(
        "",
        description="Celery broker for call processing, e.g. `redis://127.0.0.1:6379/0`; empty "
        "means an in-process worker.",
    )
    keep_audio: str = Field(
        "off",
        description="Recorded-call audio retention: `off` (transcripts only; audio is deleted "
        "once transcribed), a number of days, or `forever`.",
    )
    call_agent_channel: str = Field(
        "left",
        description="Which channel of a stereo call recording is the agent: `left` or `right` "
        "(the other is the customer).",
    )
    call_upload_max_mb: Annotated[int, Field(ge=1, le=4096)] = Field(
        200, description="Largest call file, in MB, accepted by the manager's upload page."
    )
    job_timeout_s: Annotated[int, Field(ge=5)] = Field(
        3600,
        description="Seconds before a call job whose worker died is handed to another worker "
        "(the Celery visibility timeout).",
    )

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.lower()
        if level not in {"debug", "info", "warning", "error", "critical"}:
            raise ValueError("use one of debug, info, warning, error, critical")
        return level

    @field_validator("tts_engine")
    @classmethod
    def _known_engine(cls, value: str) -> str:
        engine = value.lower()
        if engine not in {"piper", "edge"}:
            raise ValueError("use `piper` (offline) or `edge` (online)")
        return engine

    @field_validator("keep_audio")
    @classmethod
    def _retention(cls, value: str) -> str:
        keep = value.strip().lower()
        if keep in {"off", "forever"} or (keep.isdigit() and int(keep) >= 1):
            return keep
        raise ValueError("use `off` (transcripts only), a number of days such as 30, or `forever`")

    @field_validator("call_agent_channel")
    @classmethod
    def _agent_channel(cls, value: str) -> str:
        channel = value.strip().lower()
        if channel not in {"left", "right"}:
            raise ValueError("use `left` or `right` (the channel the agent is recorded on)")
        return channel

    @field_validator("broker_url")
    @classmethod
    def _broker(cls, value: str) -> str:
        if value and not value.startswith(("redis://", "rediss://")):
            raise ValueError("use a Redis URL such as redis://127.0.0.1:6379/0, or leave it empty")
        return value

    @field_validator("time_zone")
    @classmethod
    def _known_time_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}; use an IANA name such as UTC, Europe/London or "
                "America/New_York"
            ) from None
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_networks(cls, value: str) -> str:
        for item in _split(value):
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(
                    f"{item!r} is not an IP address or network; list addresses such as "
                    "127.0.0.1 or 10.0.0.0/8, separated by commas"
                ) from None
        return ", ".join(_split(value))

    @field_validator("database_url")
    @classmethod
    def _parseable_url(cls, value: str) -> str:
        if not value:
            return value
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError(
                "cannot parse this URL; use e.g. sqlite:///var/sparring.db or "
                "postgresql+psycopg://user:password@localhost/sparring"
            ) from None
        if url.get_backend_name() not in {"sqlite", "postgresql"}:
            raise ValueError(
                f"backend {url.get_backend_name()!r} is not supported; use sqlite or postgresql"
            )
        if url.get_backend_name() == "postgresql" and url.drivername == "postgresql":
            value = url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
        return value

    @model_validator(mode="after")
    def _no_placeholder_secret_in_production(self) -> Settings:
        if self.env is Environment.production and self._secret().strip().lower() in (
            PLACEHOLDER_SECRETS
        ):
            raise ValueError(
                "SPARRING_SECRET_KEY is empty or a placeholder in production; set it to a long "
                "random value, e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`"
            )
        return self

    @cached_property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'sparring.db').resolve()}"

    @cached_property
    def trusted_proxy_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        return tuple(
            ipaddress.ip_network(item, strict=False) for item in _split(self.trusted_proxies)
        )

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite database file, or None for PostgreSQL and in-memory SQLite."""
        if not self.is_sqlite:
            return None
        database = make_url(self.resolved_database_url).database
        if not database or database == ":memory:" or database.startswith("file:"):
            return None
        return Path(database)

    def _secret(self) -> str:
        return self.secret_key.get_secret_value()

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")

    def ensure_data_dir(self) -> Path:
        """Create `DATA_DIR` (owner-only, 0700, when it is new) and check it is writable."""
        try:
            self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            probe = self.data_dir / ".write-test"
            probe.write_text("ok")
            probe.unlink()
            if self.sqlite_path is not None and not self.sqlite_path.exists():
                # SQLite would create it world-readable; it holds password hashes
                self.sqlite_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                os.close(os.open(self.sqlite_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except OSError as exc:
            raise SettingsError(
                f"SPARRING_DATA_DIR={self.data_dir}: not writable ({exc.strerror}); "
                "point it at a folder this user can write, or fix its permissions"
            ) from None
        return self.data_dir

    def effective_secret_key(self) -> str:
        """The configured secret, or one generated once and kept under `DATA_DIR`."""
        if self._secret().strip().lower() not in PLACEHOLDER_SECRETS:
            return self._secret()
        path = self.ensure_data_dir() / SECRET_FILE_NAME
        if path.exists():
            return path.read_text().strip()
        key = secrets.token_urlsafe(48)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        return key


def _split(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment (plus overrides) or raise a one-line `SettingsError`."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise SettingsError(describe_validation_error(exc)) from None


def describe_validation_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    loc = [str(part) for part in error.get("loc", ())]
    message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
    if not loc:
        return message
    return f"SPARRING_{loc[0].upper()}: {message}"
