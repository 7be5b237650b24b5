"""The wheel is what `pip install .` installs: it must carry the templates, static files, personas
and migrations inside the `server` package, add no other top-level package, and run from outside
any checkout (`sparring db upgrade`, `demo`, `serve` answering /healthz)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import TEST_SECRET

ROOT = Path(__file__).resolve().parent.parent


def _project_files() -> list[str]:
    """The files a clone of this tree has (tracked, or new and not ignored)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    return [name for name in listed if (ROOT / name).is_file()]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel from a copy of the tree, as `pip install .` would, without the network."""
    source = tmp_path_factory.mktemp("source")
    for name in _project_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
        + ["-w", str(out), str(source)],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    (built,) = out.glob("sparring-*.whl")
    return built


def test_wheel_has_only_the_server_and_scorer_packages(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {
        name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")
    }
    assert top_level == {"server", "scorer"}


def test_wheel_carries_every_module_and_data_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = set()
    for name in _project_files():
        if name.startswith(("server/", "scorer/")) and name.endswith(".py"):
            expected.add(name)
        elif name.startswith(("web/", "scenarios/", "alembic/")) or name == "alembic.ini":
            expected.add(f"server/_bundled/{name}")
    missing = sorted(expected - names)
    assert missing == [], f"not in the wheel: {missing[:10]}"
    assert "server/_bundled/alembic/versions/20261121_c634441f75a2_baseline_schema.py" in names
    assert "server/_bundled/web/templates/base.html" in names
    assert "server/_bundled/scenarios/curriculum.yaml" in names


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bare venv holding the wheel; its dependencies come from the test venv's site-packages,
    added as a plain path (so the test venv's editable install of this checkout is not seen)."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python")]
        + ["install", "--no-deps", "--no-compile", "-q", str(wheel)],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    (site,) = (venv / "lib").glob("python3*/site-packages")
    (site / "test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def served(installed: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    workdir = tmp_path_factory.mktemp("elsewhere")  # no checkout here or above
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SPARRING_", "PYTHON"))},
        "SPARRING_DATA_DIR": str(workdir / "var"),
        "SPARRING_SECRET_KEY": TEST_SECRET,
        "SPARRING_LOG_LEVEL": "warning",
    }
    sparring = str(installed / "bin" / "sparring")

    def run(*args: str) -> str:
        result = subprocess.run(
            [sparring, *args], cwd=workdir, env=env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    run("db", "upgrade")
    assert "agent1@demo.local" in run("demo", "--password", "wheel-demo-pw")
    log_path = workdir / "server.log"
    port = _free_port()
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [sparring, "serve", "--port", str(port)],
            cwd=workdir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise AssertionError(f"the installed server did not start:\n{log_path.read_text()}")
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=15)


def test_installed_wheel_migrates_seeds_and_serves_outside_the_checkout(
    installed: Path, served: str
) -> None:
    located = subprocess.run(
        [
            str(installed / "bin" / "python"),
            "-c",
            "import server.paths as p; print(p.PROJECT_ROOT)",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=installed,
    ).stdout.strip()
    assert located.endswith("server/_bundled") and str(ROOT) not in located
    login = httpx.get(f"{served}/login", timeout=10)
    assert login.status_code == 200 and "Sign in" in login.text
    css = httpx.get(f"{served}/static/agent.css", timeout=10)
    assert css.status_code == 200
