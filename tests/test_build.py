"""The whole handbook built by MkDocs: figures from data on every page, bad input stops the build."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from .conftest import copy_project, mkdocs_build

pytestmark = pytest.mark.build

# A figure is a button showing the value; its source popover links to the indicator's row.
FIGURE_LINK = re.compile(r'<button [^>]*class="hb-fig__value"[^>]*>([^<]+)(?:<sup class="hb-fig__src">[^<]*</sup>)?'
                         r'</button>(?:<span class="hb-illus"[^>]*>'
                         r'(?:\*|&#42;)</span>)?<span [^>]*popover[^>]*>[^<]*<a href="[^"]*#ind-grdp-growth"')


def pages(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in site.rglob("*.html")}


def test_every_nav_page_is_built_in_vietnamese(built_site):
    built = pages(built_site)
    for page in ("index.html", "chi-tieu/index.html", "phan-1/kinh-te/index.html", "van-ban/index.html"):
        assert page in built
        assert '<html lang="vi"' in built[page]


def test_targets_table_has_a_row_and_status_for_every_target(built_site, project_root):
    html = (built_site / "chi-tieu" / "index.html").read_text(encoding="utf-8")
    targets = re.findall(r"^    target:", "".join(p.read_text(encoding="utf-8")
                                                  for p in (project_root / "data").rglob("*.yaml")), re.M)
    rows = re.findall(r'<tr id="tgt-[a-z0-9-]+">', html)
    assert len(rows) == len(targets) > 0
    assert len(re.findall(r'class="hb-badge hb-badge--', html)) >= len(rows)
    assert len(re.findall(r'<tr id="ind-[a-z0-9-]+">', html)) > len(rows)


def test_home_page_reaches_every_target_status_in_one_click(built_site):
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert re.search(r'href="chi-tieu/"', home)


def test_a_figure_changed_in_data_changes_every_page(built_site, tmp_path):
    before = {page: FIGURE_LINK.findall(html) for page, html in pages(built_site).items()}
    # Pages showing the 2024 growth figure itself (others link the series through a ratio or a difference).
    before = {page: figs for page, figs in before.items() if "10,2%" in figs}
    assert len(before) >= 2, "the growth figure should appear on several pages"

    project = copy_project(tmp_path / "project")
    data = project / "data" / "indicators" / "kinh-te.yaml"
    data.write_text(data.read_text(encoding="utf-8").replace("      2024: 10.2\n", "      2024: 12.345\n", 1),
                    encoding="utf-8")
    site = tmp_path / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    after = {page: FIGURE_LINK.findall(html) for page, html in pages(site).items()}
    for page in before:
        assert "12,3%" in after[page], page
        assert "10,2%" not in after[page], page


def test_bad_data_fails_the_build_naming_file_and_line(tmp_path):
    project = copy_project(tmp_path / "project")
    data = project / "data" / "indicators" / "kinh-te.yaml"
    text = data.read_text(encoding="utf-8")
    line = text.splitlines().index("    decimals: 1") + 1
    data.write_text(text.replace("    decimals: 1\n", "    decimal: 1\n", 1), encoding="utf-8")
    result = mkdocs_build(project, tmp_path / "site")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert f'data/indicators/kinh-te.yaml:{line}: indicators[0].decimal: unknown key — did you mean "decimals"?' in output
    assert "Traceback" not in output
    assert not (tmp_path / "site" / "index.html").exists()


def test_bad_macro_fails_the_build_naming_page_and_line(tmp_path):
    project = copy_project(tmp_path / "project")
    page = project / "docs" / "phan-1" / "kinh-te.md"
    text = "---\ntitle: Kinh tế\n---\n\n\n" + page.read_text(encoding="utf-8")  # MkDocs drops the blank lines
    page.write_text(text.replace('fig("grdp-growth")', 'fig("grdp-growht")', 1), encoding="utf-8")
    line = next(i for i, row in enumerate(page.read_text(encoding="utf-8").splitlines(), 1) if "grdp-growht" in row)
    result = mkdocs_build(project, tmp_path / "site")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert (f'docs/phan-1/kinh-te.md:{line}: fig("grdp-growht"): no indicator "grdp-growht" — '
            'did you mean "grdp-growth"?') in output
    assert "Traceback" not in output


def test_text_that_is_not_nfc_is_normalised_without_failing_the_strict_build(tmp_path):
    import unicodedata

    project = copy_project(tmp_path / "project")
    data = project / "data" / "indicators" / "kinh-te.yaml"
    data.write_text(unicodedata.normalize("NFD", data.read_text(encoding="utf-8")), encoding="utf-8")
    page = project / "docs" / "phan-1" / "kinh-te.md"
    page.write_text(unicodedata.normalize("NFD", page.read_text(encoding="utf-8")), encoding="utf-8")
    site = tmp_path / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "text is not in Unicode NFC form" in result.stderr
    html = (site / "phan-1" / "kinh-te" / "index.html").read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", html) and "Tăng trưởng và quy mô" in html


def test_search_index_is_written_as_utf8_not_escaped(built_site):
    """Every reader downloads the index on the first visit: Vietnamese letters as UTF-8, not \\uXXXX escapes."""
    raw = (built_site / "search" / "search_index.json").read_bytes()
    index = json.loads(raw)
    assert {"config", "docs"} <= set(index) and len(index["docs"]) > 17
    assert "Chỉ tiêu".encode() in raw and not re.search(rb"\\u[0-9a-f]{4}", raw)
