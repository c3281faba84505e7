"""A generated register of 1,000 comments: the check, the command and the page work, and the check's time
grows linearly with the comments (a ratio of per-comment costs, not a timed assert)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from macros.bench.comments import ADDED, make_project, measure, write_comments
from macros.pages.sections import SectionIndex

from .conftest import mkdocs_build, run_macros


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project, refs = make_project(tmp_path_factory.mktemp("comments") / "project")
    write_comments(project, refs, 1000)
    return project


def test_check_and_command_on_1000_comments(generated: Path):
    result = run_macros(generated, "comments")
    assert result.returncode == 0, result.stderr[:2000]
    assert result.stderr == ""
    summary = result.stdout.splitlines()[-1]
    assert summary == ("comments: 1000 comments — 250 absorbed, 250 partly, 250 explained, 250 pending "
                       "(143 delegate, 143 scientist, 143 ministry, 143 party-unit, 143 agency, 143 citizen, 142 other)")
    assert len(re.findall(r"^  c-\d{5} \[", result.stdout, flags=re.M)) == 1000


def test_a_false_absorbed_among_1000_is_found(generated: Path, tmp_path: Path):
    import shutil

    project = tmp_path / "project"
    shutil.copytree(generated, project)
    page = project / "docs" / "phan-1" / "kinh-te.md"
    text = page.read_text(encoding="utf-8")
    second = [m.start() for m in re.finditer(re.escape("\n\n" + ADDED + "\n"), text)][1]
    page.write_text(text[:second] + text[second + len(ADDED) + 3:], encoding="utf-8")
    anchor = re.findall(r"^## .*$", text, flags=re.M)[0]
    ref = f"phan-1/kinh-te.md#{SectionIndex.build([('x.md', anchor, 0)]).sections[0].anchor}"
    (project / "data" / "comments" / "zz.yaml").write_text(
        "kind: comments\nround: hn22\ncomments:\n  - id: zz-1\n    from: {type: delegate, name: Đại biểu}\n"
        f'    date: "2024-12"\n    section: {ref}\n    text: Góp ý.\n    disposition: absorbed\n', encoding="utf-8")
    result = run_macros(project, "check")
    assert result.returncode == 1
    errors = result.stderr.splitlines()
    assert any(e.startswith("data/comments/zz.yaml:9: comments[0].disposition: marked absorbed") for e in errors)
    assert all(f'marked absorbed, but section "{ref}"' in e for e in errors), errors[:3]


@pytest.mark.build
def test_the_register_page_of_1000_comments_builds(generated: Path, tmp_path: Path):
    result = mkdocs_build(generated, tmp_path / "site")
    assert result.returncode == 0, result.stderr[-2000:]
    html = (tmp_path / "site" / "gop-y" / "index.html").read_text(encoding="utf-8")
    ids = re.findall(r'id="gy-c-(c-\d{5})"', html)
    assert len(set(ids)) == 1000
    assert len(re.findall(r'<tr id="gy-c-', html)) == 1000 - 100  # one comment in ten shares its row


def test_check_time_grows_linearly_with_the_comments():
    rows = measure([0, 250, 1000], repeat=3)
    assert all(errors == 0 for _, _, errors in rows), rows
    (_, t0, _), (n1, t1, _), (n2, t2, _) = rows
    first, later = (t1 - t0) / n1, (t2 - t1) / (n2 - n1)
    assert later < 3 * first, rows  # quadratic growth would make it about 5 times the first
