"""The project's documentation is part of the product: the generated reference pages match the
code, every relative link in the Markdown points at a file that exists, and nothing cites a
document outside the repository."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from server import docs

ROOT = Path(__file__).resolve().parent.parent
MARKDOWN = [ROOT / "README.md", ROOT / "scenarios" / "README.md", *sorted(ROOT.glob("docs/*.md"))]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def test_generated_reference_pages_are_current() -> None:
    assert docs.stale() == [], "run `python -m server.docs` and commit docs/"


def test_check_mode_names_a_stale_page(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(docs, "DOCS_DIR", tmp_path)
    assert docs.main(["--check"]) == 1
    assert "settings.md is out of date: run `python -m server.docs`" in capsys.readouterr().out
    assert docs.main([]) == 0
    assert docs.main(["--check"]) == 0
    assert "SPARRING_DATA_DIR" in (tmp_path / "settings.md").read_text(encoding="utf-8")


def test_every_setting_and_persona_field_is_documented() -> None:
    settings_page = docs.settings_markdown()
    for name in docs.Settings.model_fields:
        assert f"`SPARRING_{name.upper()}`" in settings_page
    personas_page = docs.personas_markdown()
    for path in (
        "`issues[].resolved_by.markers`",
        "`mood.reactions.<name>.delta`",
        "`weeks[].pass_threshold`",
    ):
        assert path in personas_page


def test_relative_links_resolve() -> None:
    broken = []
    for page in MARKDOWN:
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            if "://" in target or target.startswith("mailto:"):
                continue
            if not (page.parent / target).exists():
                broken.append(f"{page.relative_to(ROOT)} -> {target}")
    assert broken == []


def test_nothing_cites_a_document_outside_the_repository() -> None:
    files = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    outside = re.compile(r"DESIGN\.md|\.\./shared")
    citing = [
        name
        for name in files
        if (ROOT / name).is_file()
        and name != "tests/test_docs.py"
        and outside.search((ROOT / name).read_text(encoding="utf-8", errors="ignore"))
    ]
    assert citing == []
