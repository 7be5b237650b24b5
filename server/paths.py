"""Where Sparring's shipped data lives: the `scenarios/`, `web/` and `alembic/` folders and
`alembic.ini`. In a source checkout (and an editable install) they sit beside the `server`
package; an installed wheel carries them inside it, under `server/_bundled/` (see setup.py)."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
BUNDLED_DIR = PACKAGE_DIR / "_bundled"
PROJECT_ROOT = BUNDLED_DIR if BUNDLED_DIR.is_dir() else PACKAGE_DIR.parent
"""The folder holding `scenarios/`, `web/`, `alembic/` and `alembic.ini`."""

SCENARIOS_DIR = PROJECT_ROOT / "scenarios"
WEB_DIR = PROJECT_ROOT / "web"
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"
ALEMBIC_DIR = PROJECT_ROOT / "alembic"
ALEMBIC_INI = PROJECT_ROOT / "alembic.ini"
