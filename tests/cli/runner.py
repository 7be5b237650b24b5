"""Run `sparring` inside the test process with Typer's CliRunner: a call costs milliseconds where
a subprocess costs an interpreter start and every import. The result looks like a finished
subprocess (`returncode`, `stdout`, `stderr`), and errors end the way `server.cli.main.main` ends
them (`error: …` on stderr, exit status 2). `tests/cli/test_cli_core.py` keeps real subprocess
runs of the entry point itself (`python -m server.cli`), so `main` is tested as users run it."""

from __future__ import annotations

import os
import traceback
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from server.accounts import AccountError
from server.cli.context import CliError
from server.cli.main import app
from server.settings import SettingsError

HANDLED = (SettingsError, AccountError, CliError)  # what `main` turns into one `error:` line


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str
    stderr: str


@contextmanager
def _working_directory(path: Path | None) -> Iterator[None]:
    if path is None:
        yield
        return
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def sparring(
    *args: str,
    env: Mapping[str, str | None] | None = None,
    cwd: Path | None = None,
    input: str | None = None,
) -> Result:
    """`sparring ARGS…` with `env` laid over the environment (None removes a variable)."""
    with _working_directory(cwd):
        result = CliRunner().invoke(app, list(args), env=dict(env or {}), input=input)
    stderr = result.stderr
    code = result.exit_code
    error = result.exception
    if isinstance(error, HANDLED):
        stderr += f"error: {error}\n"
        code = 2
    elif error is not None and not isinstance(error, SystemExit):
        stderr += "".join(traceback.format_exception(error))
        code = 1
    return Result(code, result.stdout, stderr)
