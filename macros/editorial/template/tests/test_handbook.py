"""This handbook's own tests (`make test`): the data and pages pass the check, and the site builds."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "macros", "--project", str(ROOT), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600, check=False)


def test_the_data_and_every_page_pass_the_check():
    result = run("check", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 errors, 0 warnings" in result.stdout


def test_the_site_builds_with_every_page_and_the_draft_banner(tmp_path: Path):
    site = tmp_path / "site"
    result = run("build", "--site-dir", str(site))
    assert result.returncode == 0, result.stdout + result.stderr
    for page in ROOT.joinpath("docs").rglob("*.md"):
        rel = page.relative_to(ROOT / "docs").with_suffix("")
        html = site / ("index.html" if rel.name == "index" else rel / "index.html")
        assert html.is_file(), f"{page} was not built"
        assert 'class="hb-draft"' in html.read_text(encoding="utf-8"), f"{html} has no draft banner"
    assert (site / "ban-in" / "index.html").is_file()  # the whole handbook on one page, for print


def test_every_page_is_within_its_word_budget():
    result = run("stats")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 over budget" in result.stdout
