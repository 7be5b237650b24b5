"""The README is part of the product: its settings table must equal the `Settings` fields."""

import re
from pathlib import Path

from server.settings import Settings

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_settings() -> dict[str, str]:
    rows = re.findall(r"^\| `(SPARRING_[A-Z_]+)` \| ([^|]+) \|", README.read_text(), re.M)
    return {name: default.strip() for name, default in rows}


def test_settings_table_lists_every_setting_and_nothing_else() -> None:
    documented = set(readme_settings())
    actual = {f"SPARRING_{name.upper()}" for name in Settings.model_fields}
    assert documented == actual


def test_settings_table_defaults_match() -> None:
    documented = readme_settings()
    for name, field in Settings.model_fields.items():
        default = getattr(field.default, "value", field.default)
        expected = "(empty)" if default == "" else f"`{default}`"
        if name == "data_dir":
            expected = "`./var`"
        assert documented[f"SPARRING_{name.upper()}"] == expected, name


def test_quick_start_has_the_two_commands() -> None:
    text = README.read_text()
    assert "make run" in text and "make test" in text
