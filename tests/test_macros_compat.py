"""The compatibility suite: every documented mkdocs-macros page feature (tests/compat_cases.py) built by plain
Material + mkdocs-macros and by the handbook; the same text, or one located line saying why not — never a
different text with exit 0. ``check`` and ``build`` render with the same variables, so they agree.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .compat_cases import REFUSED, SAME, Case
from .conftest import ROOT, run_macros
from .helpers import HANDBOOK, write_project

EMPTY_MODULE = "compat_empty"
ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.S)


def _config(cases: list[Case], module: str) -> str:
    nav = [{c.nav_title: c.src} if c.nav_title else c.src for c in cases]
    return yaml.safe_dump({
        "site_name": "Thử tương thích",
        "theme": {"name": "material", "language": "vi", "font": False},
        "extra": {"price": 12, "who": "Ban Văn kiện", "flags": {"on": True}},
        "plugins": ["search", {"macros": {"module_name": module, "on_undefined": "strict", "on_error_fail": True,
                                          "include_dir": "includes",
                                          "include_yaml": ["vars.yaml", {"team": "team.yaml"}]}}],
        "nav": ["index.md", {"Compat": nav}],
    }, allow_unicode=True, sort_keys=False)


def _page(case: Case) -> str:
    front = yaml.safe_dump(case.meta, allow_unicode=True, sort_keys=False) if case.meta else ""
    return (f"---\n{front}---\n\n" if front else "") + case.body


def _project(root: Path, cases: list[Case], handbook: bool) -> Path:
    """A twin: the same pages, include_dir and include_yaml; the handbook's has data/ and the macros package."""
    root.mkdir(parents=True)
    index = "# Trang chủ\n\n{{ indicators_table() }}\n{{ targets_table() }}\n{{ documents_table() }}\n{{ sources_list() }}\n"
    if handbook:
        budgets = "".join(f"    {c.src}: 500\n" for c in cases)
        write_project(root, {"data/handbook.yaml": HANDBOOK.replace("    index.md: 500\n", f"    index.md: 500\n{budgets}")
                             .replace("total: 1000", "total: 100000")}, page=index)
        shutil.copytree(ROOT / "macros", root / "macros", ignore=shutil.ignore_patterns("__pycache__"))
    else:
        (root / "docs").mkdir()
        (root / "docs" / "index.md").write_text("# Trang chủ\n", encoding="utf-8")
        (root / f"{EMPTY_MODULE}.py").write_text("def define_env(env):\n    pass\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(_config(cases, "macros" if handbook else EMPTY_MODULE), encoding="utf-8")
    (root / "includes").mkdir()
    (root / "includes" / "snippet.md").write_text("Đoạn chèn: {{ price }} đồng, {{ page.title }}\n", encoding="utf-8")
    (root / "includes" / "lib.md").write_text("{% macro hello(name) %}Xin chào {{ name }}!{% endmacro %}\n",
                                              encoding="utf-8")
    (root / "includes" / "lib2.md").write_text("{% macro y() %}{{ now().year }} {{ fix_url('a.png') }}{% endmacro %}\n",
                                               encoding="utf-8")
    (root / "vars.yaml").write_text("lead: Đồng chí A\n", encoding="utf-8")
    (root / "team.yaml").write_text("size: 7\n", encoding="utf-8")
    (root / "docs" / "compat").mkdir()
    for case in cases:
        (root / "docs" / case.src).write_text(_page(case), encoding="utf-8")
    return root


def _build(root: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(root))
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(root / "site")],
                          cwd=root, env=env, capture_output=True, text=True, timeout=300, check=False)


def _article(site: Path, case: Case) -> str:
    page = site / "compat" / case.name / "index.html"
    match = ARTICLE.search(page.read_text(encoding="utf-8"))
    assert match, page
    return match.group(1)


@pytest.fixture(scope="module")
def twins(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("compat")
    plain = _project(base / "plain", SAME + REFUSED, handbook=False)
    result = _build(plain)
    assert result.returncode == 0, result.stderr[-3000:]  # every case is valid mkdocs-macros
    ours = _project(base / "handbook", SAME, handbook=True)
    result = _build(ours)
    assert result.returncode == 0, result.stderr[-3000:]
    return {"plain": plain, "handbook": ours, "base": base}


@pytest.mark.parametrize("case", SAME, ids=lambda c: c.name)
def test_the_handbook_shows_what_mkdocs_macros_shows(twins: dict[str, Path], case: Case):
    theirs = _article(twins["plain"] / "site", case)
    ours = _article(twins["handbook"] / "site", case)
    assert ours == theirs
    assert "⟦?⟧" not in ours


def test_the_same_cases_show_real_values(twins: dict[str, Path]):
    """Not merely equal: the values are there (an empty or failed render on both sides would also be equal)."""
    text = {c.name: html.unescape(_article(twins["handbook"] / "site", c)) for c in SAME}
    assert "Thử tương thích" in text["config-site-name"]
    assert "12 / Ban Văn kiện" in text["config-extra"]
    assert "By Tiểu ban; flag set" in text["front-matter-var"]
    assert "X no" in text["page-meta"]
    assert "Tên trong nav" in text["page-title-nav"]
    assert "Tên trong front matter" in text["page-title-meta"]
    assert "Đồng chí A 7" in text["include-yaml"]
    assert "Đoạn chèn: 12 đồng" in text["include"]
    assert "Xin chào Hà Nội!" in text["import"]
    assert "n/a 12" in text["default-missing"]
    assert "Literal {{ not_a_variable }}" in text["render-false"]
    assert "compat/page-url/ compat/page-url.md page-url False" in text["page-url"]


@pytest.fixture(scope="module")
def refused_check(twins: dict[str, Path]) -> tuple[Path, subprocess.CompletedProcess]:
    root = _project(twins["base"] / "refused", REFUSED, handbook=True)
    return root, run_macros(root, "check", "--no-cache")


@pytest.mark.parametrize("case", REFUSED, ids=lambda c: c.name)
def test_what_cannot_be_offered_is_refused_with_one_located_line(refused_check, case: Case):
    _root, result = refused_check
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith(f"docs/{case.src}:")]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"docs/{case.src}:{case.line}: "), lines  # the line of the feature in the page
    assert case.refused in lines[0], lines
    assert "Traceback" not in result.stderr


def test_the_build_refuses_as_the_check_does(refused_check):
    root, result = refused_check
    checked = {line for line in result.stderr.splitlines() if line.startswith("docs/compat/")}
    build = _build(root)
    assert build.returncode != 0
    built = {line[line.index("docs/compat/"):].strip() for line in build.stderr.splitlines()
             if re.search(r"(^|\s)docs/compat/\S+:\d+: ", line)}
    assert built and built <= checked, build.stderr[-2000:]


def test_the_compatibility_table(twins: dict[str, Path], refused_check, capsys: pytest.CaptureFixture[str]):
    """Prints the table for the issue's closing note (`pytest -s -k compatibility_table`)."""
    _root, result = refused_check
    rows = ["| feature | handbook |", "| --- | --- |"]
    rows += [f"| `{c.why}` | same |" for c in SAME]
    for case in REFUSED:
        line = next(x for x in result.stderr.splitlines() if x.startswith(f"docs/{case.src}:"))
        rows.append(f"| `{case.why}` | refused: {line.split(': ', 2)[-1]} |")
    with capsys.disabled():
        print("\n" + "\n".join(rows))
    assert len(rows) == 2 + len(SAME) + len(REFUSED)


def test_the_check_accepts_what_the_build_shows_the_same(twins: dict[str, Path]):
    result = run_macros(twins["handbook"], "check", "--no-cache")
    assert not [line for line in result.stderr.splitlines() if line.startswith("docs/compat/")], result.stderr
    assert result.returncode == 0 and f"{len(SAME) + 1} pages, 0 errors" in result.stdout, result.stdout + result.stderr
