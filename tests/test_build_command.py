"""`python -m macros build` runs MkDocs in its own process after the check: same site, same failures."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest

from .conftest import mkdocs_build, run_macros

pytestmark = pytest.mark.build


def _differences(a: Path, b: Path) -> list[str]:
    cmp = filecmp.dircmp(a, b)
    out = [str(Path(a, n)) for n in cmp.left_only + cmp.right_only + cmp.diff_files if not n.startswith("sitemap")]
    for sub in cmp.common_dirs:
        out += _differences(a / sub, b / sub)
    return out


def test_build_command_writes_the_same_site_as_mkdocs(project_copy: Path, tmp_path: Path):
    # The same project both ways: the changes page of a copy (no git history) differs from the repository's.
    built_site = tmp_path / "mkdocs-site"
    assert mkdocs_build(project_copy, built_site).returncode == 0
    site = tmp_path / "site"
    result = run_macros(project_copy, "build", "--site-dir", str(site))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[1/2] check" in result.stdout and result.stdout.strip().splitlines()[-1].startswith("build: ")
    assert _differences(built_site, site) == []


def test_a_strict_mkdocs_warning_fails_the_build_command(project_copy: Path, tmp_path: Path):
    page = project_copy / "docs" / "viet-tat.md"
    # A missing anchor: check leaves anchors to MkDocs, whose strict mode turns the warning into a failure.
    page.write_text(page.read_text(encoding="utf-8") + "\nXem [trang](chi-tieu.md#khong-co-neo).\n", encoding="utf-8")
    result = run_macros(project_copy, "build", "--site-dir", str(tmp_path / "site"))
    assert result.returncode == 1
    assert "khong-co-neo" in result.stderr
    assert "(mkdocs exit 1)" in result.stdout
