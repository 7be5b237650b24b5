"""The core `sparring` commands against real databases: in this process (tests/cli/runner.py),
and as a real subprocess where the entry point itself is under test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from sqlmodel import Session
from typer.testing import CliRunner

from server.accounts import get_user_by_email
from server.cli.main import app
from server.db import make_engine
from server.passwords import verify_password
from tests.cli.runner import sparring
from tests.conftest import TEST_SECRET


def sparring_process(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The entry point as users run it (`python -m server.cli`), in its own process."""
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def cli_env(tmp_path: Path, database_url: str) -> dict[str, str]:
    return {
        "SPARRING_DATA_DIR": str(tmp_path / "var"),
        "SPARRING_DATABASE_URL": database_url,
        "SPARRING_SECRET_KEY": TEST_SECRET,
    }


def _command_paths(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and group under `group` (a Typer/Click group), as argument paths."""
    paths = [prefix]
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            paths += _command_paths(command, (*prefix, name))
        else:
            paths.append((*prefix, name))
    return paths


def test_every_command_has_help() -> None:
    paths = _command_paths(typer.main.get_command(app))
    names = {" ".join(p) for p in paths}
    for expected in (
        "serve",
        "db upgrade",
        "demo",
        "users create",
        "users list",
        "users set-role",
        "users reset-password",
        "version",
        "score",
        "markers",
        "scorer eval",
        "scenario lint",
        "scenario schema",
        "practice",
    ):
        assert expected in names
    runner = CliRunner()
    for path in paths:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage" in result.output
        help_text = result.output.split("Usage", 1)[1]
        assert len(help_text.strip().splitlines()) > 2, f"{path} has no description"


def test_demo_is_idempotent_and_prints_logins(cli_env, settings) -> None:  # type: ignore[no-untyped-def]
    first = sparring("demo", "--password", "pw-demo-123", env=cli_env)
    assert first.returncode == 0, first.stderr
    for email in (
        "admin@demo.local",
        "manager@demo.local",
        "trainer@demo.local",
        "agent1@demo.local",
        "agent2@demo.local",
    ):
        assert email in first.stdout
    assert "pw-demo-123" in first.stdout
    second = sparring("demo", "--password", "pw-demo-123", env=cli_env)
    assert second.returncode == 0 and second.stdout == first.stdout
    listed = sparring("users", "list", env=cli_env)
    assert listed.stdout.count("@demo.local") == 5
    engine = make_engine(settings)
    with Session(engine) as session:
        user = get_user_by_email(session, "agent1@demo.local")
        assert user is not None and verify_password(user.password_hash, "pw-demo-123")
    engine.dispose()


def test_users_create_set_role_reset_password(cli_env, settings) -> None:  # type: ignore[no-untyped-def]
    created = sparring(
        "users",
        "create",
        "Pat@Example.com",
        "--role",
        "manager",
        "--password",
        "long-enough-pw",
        "--team",
        "North",
        env=cli_env,
    )
    assert created.returncode == 0, created.stderr
    assert "created pat@example.com (manager)" in created.stdout
    duplicate = sparring(
        "users", "create", "pat@example.com", "--password", "long-enough-pw", env=cli_env
    )
    assert duplicate.returncode == 2
    assert duplicate.stderr.strip() == "error: a user with email 'pat@example.com' already exists"
    assert sparring("users", "set-role", "pat@example.com", "trainer", env=cli_env).returncode == 0
    bad_role = sparring("users", "set-role", "pat@example.com", "boss", env=cli_env)
    assert bad_role.returncode == 2 and "role 'boss' is unknown" in bad_role.stderr
    reset = sparring(
        "users",
        "reset-password",
        "pat@example.com",
        input="new-password-1\nnew-password-1\n",
        env=cli_env,
    )
    assert reset.returncode == 0, reset.stderr
    engine = make_engine(settings)
    with Session(engine) as session:
        user = get_user_by_email(session, "pat@example.com")
        assert user is not None and user.role.value == "trainer"
        assert verify_password(user.password_hash, "new-password-1")
    engine.dispose()
    short = sparring("users", "create", "x@example.com", "--password", "short", env=cli_env)
    assert short.returncode == 2 and "at least 8 characters" in short.stderr


def test_db_upgrade_and_current_on_a_new_database(tmp_path: Path) -> None:
    env = {"SPARRING_DATA_DIR": str(tmp_path / "fresh")}
    assert "none" in sparring("db", "current", env=env).stdout
    upgraded = sparring("db", "upgrade", env=env)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "revision: none" not in sparring("db", "current", env=env).stdout
    assert sparring("db", "downgrade", "base", env=env).returncode == 0


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"SPARRING_DATABASE_URL": "::nonsense"}, "error: SPARRING_DATABASE_URL: cannot parse"),
        ({"SPARRING_DATA_DIR": "/proc/sparring-cannot-write"}, "error: SPARRING_DATA_DIR="),
        (
            {"SPARRING_ENV": "production", "SPARRING_SECRET_KEY": "changeme"},
            "error: SPARRING_SECRET_KEY is empty or a placeholder",
        ),
    ],
)
def test_bad_configuration_ends_with_one_line(env: dict[str, str], expected: str) -> None:
    result = sparring_process("db", "upgrade", env=env)
    assert result.returncode == 2
    assert result.stderr.startswith(expected)
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
