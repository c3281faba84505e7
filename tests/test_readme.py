"""README.md tells the truth: its indicator file, its error lines and its own-macros example hold as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import ROOT, run_macros

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _block(lang: str, containing: str) -> str:
    blocks = re.findall(rf"```{lang}\n(.*?)```", README, re.S)
    found = [b for b in blocks if containing in b]
    assert len(found) == 1, (lang, containing)
    return found[0]


def _error_lines() -> list[str]:
    start = README.index("Every problem is one line")
    block = README[start:].split("\n\n", 2)[1]
    return [line.strip() for line in block.splitlines() if line.strip()]



@pytest.fixture
def project_copy(project_copy: Path) -> Path:
    """The example without its comments register: these tests replace its pages, so the sections go too."""
    import re as _re

    for path in (project_copy / "data" / "comments").glob("*.yaml"):
        path.unlink()
    handbook = project_copy / "data" / "handbook.yaml"
    handbook.write_text(_re.sub(r"(?m)^  comments: .*\n", "", handbook.read_text(encoding="utf-8")), encoding="utf-8")
    return project_copy


def test_the_indicator_example_is_valid_data_and_shows_as_the_macro_table_says(project_copy: Path):
    for path in (project_copy / "data" / "indicators").glob("*.yaml"):
        path.unlink()
    (project_copy / "data" / "indicators" / "vi-du.yaml").write_text(_block("yaml", "kind: indicators"), encoding="utf-8")
    docs = project_copy / "docs"
    for page in docs.rglob("*.md"):  # the example's pages name its own indicators: keep only the tables
        if page.name not in ("chi-tieu.md", "van-ban.md"):
            page.write_text("# Trang\n", encoding="utf-8")
    (docs / "index.md").write_text('# Trang\n\nTăng {{ fig("grdp-growth") }}; mục tiêu {{ target("grdp-growth", full=True) }}.\n',
                                   encoding="utf-8")
    result = run_macros(project_copy, "check", "--no-cache")
    errors = [line for line in result.stderr.splitlines() if not line.endswith("(warning)")
              and "over the budget" not in line and "does not call" not in line]
    assert not [e for e in errors if "vi-du.yaml" in e or "docs/index.md" in e], result.stderr
    result = run_macros(project_copy, "build", "--site-dir", str(project_copy / "site"))
    assert result.returncode == 0, result.stdout + result.stderr
    html = (project_copy / "site" / "index.html").read_text(encoding="utf-8")
    assert "10,2%" in html  # `{{ fig("id") }}` → `10,2%`, as the macro table says
    assert "≥ 10,0% (năm 2025)" in html


def test_the_error_lines_are_what_the_tool_prints(project_copy: Path):
    data = project_copy / "data" / "indicators" / "kinh-te.yaml"
    data.write_text(data.read_text(encoding="utf-8").replace('unit: "%"', 'unit: "%%"', 1), encoding="utf-8")
    page = project_copy / "docs" / "phan-1" / "kinh-te.md"
    page.write_text(page.read_text(encoding="utf-8").replace('{{ fig("grdp-growth") }}', '{{ fig("grdp-growht") }}', 1),
                    encoding="utf-8")
    printed = run_macros(project_copy, "check", "--no-cache").stderr.splitlines()
    data_line, page_line = _error_lines()
    assert data_line in printed
    (project_copy / "data" / "indicators" / "kinh-te.yaml").write_text(
        (ROOT / "data" / "indicators" / "kinh-te.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    assert page_line in run_macros(project_copy, "check", "--no-cache").stderr.splitlines()


def test_ones_own_macros_next_to_the_handbooks(project_copy: Path):
    config = project_copy / "mkdocs.yml"
    option = _block("yaml", "include_dir").splitlines()[-1]
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("      on_error_fail: true\n", f"      on_error_fail: true\n{option}\n"), encoding="utf-8")
    macro_file = _block("jinja", "{% macro")
    (project_copy / "includes").mkdir()
    (project_copy / "includes" / "cua-toi.md").write_text(macro_file, encoding="utf-8")
    page = project_copy / "docs" / "phan-1" / "kinh-te.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n" + _block("jinja", "{% import"), encoding="utf-8")
    result = run_macros(project_copy, "build", "--site-dir", str(project_copy / "site"))
    assert result.returncode == 0, result.stdout + result.stderr
    html = (project_copy / "site" / "phan-1" / "kinh-te" / "index.html").read_text(encoding="utf-8")
    assert "Kinh tế tăng " in html and "hb-badge" in html.split("Kinh tế tăng ", 1)[1][:2000]
