"""Where Sparring's shipped data lives. `scenarios/` and `web/` sit beside the `server` package both
in a source checkout and in an installed wheel (they are shipped as package data)."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SCENARIOS_DIR = PROJECT_ROOT / "scenarios"
WEB_DIR = PROJECT_ROOT / "web"
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"
ALEMBIC_DIR = PROJECT_ROOT / "alembic"
