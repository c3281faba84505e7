"""One ``check`` run reports every problem of the run: a data error does not hide the pages' own problems."""

from __future__ import annotations

import re
from pathlib import Path

from .conftest import run_macros

LOCATED = re.compile(r"^(?P<file>[^:\s]+):(?P<line>\d+): ")


def _errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if LOCATED.match(line) and not line.endswith("(warning)")]


def test_three_mistakes_in_two_files_are_three_located_lines(project_copy: Path):
    data = project_copy / "data" / "indicators" / "kinh-te.yaml"
    text = data.read_text(encoding="utf-8")
    text = text.replace('unit: "%"', 'unit: "%%"', 1)  # a data mistake
    text = text.replace("decimals: 1", "decimals: one", 1)  # a second one
    data.write_text(text, encoding="utf-8")
    page = project_copy / "docs" / "phan-1" / "kinh-te.md"
    lines = page.read_text(encoding="utf-8").split("\n")
    lines[6] = "Tăng trưởng đạt 7,5% năm 2024."  # a page mistake: a figure typed into the prose (figure lint)
    page.write_text("\n".join(lines), encoding="utf-8")

    result = run_macros(project_copy, "check", "--no-cache")
    assert result.returncode == 1
    errors = _errors(result.stderr)
    assert len(errors) == 3, result.stderr
    assert sum(e.startswith("data/indicators/kinh-te.yaml:") for e in errors) == 2
    assert [e for e in errors if e.startswith("docs/phan-1/kinh-te.md:7: ")], errors
    # Each page with macro calls says they were not checked, once, as a warning at its first call.
    unchecked = [line for line in result.stderr.splitlines() if "macro call(s) on this page not checked" in line]
    assert any(line.startswith("docs/phan-1/kinh-te.md:") for line in unchecked)
    assert all(line.endswith("(warning)") for line in unchecked)
    assert len(unchecked) == len({line.split(":")[0] for line in unchecked})
    assert "Traceback" not in result.stderr


def test_a_page_error_that_needs_no_data_is_found_while_data_is_refused(project_copy: Path):
    (project_copy / "data" / "sources.yaml").write_text("kind: sources\nsources: 3\n", encoding="utf-8")
    page = project_copy / "docs" / "van-ban.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n{{ fgi('grdp-growth') }} {% if %}\n", encoding="utf-8")
    result = run_macros(project_copy, "check", "--no-cache")
    assert result.returncode == 1
    errors = _errors(result.stderr)
    assert any(e.startswith("data/sources.yaml:2: ") for e in errors), result.stderr
    assert any(e.startswith("docs/van-ban.md:") and "(jinja)" in e for e in errors), result.stderr
