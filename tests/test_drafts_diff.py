"""`diff FROM [TO]`: two drafts committed to a throwaway git repository, compared as readers see them."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from macros.editorial.drafts_diff import diff_revisions, format_text
from macros.editorial.revisions import RevisionError

from .conftest import ROOT


def _run(repo: Path, *args: str) -> subprocess.CompletedProcess:
    """`python -m macros` on a project without its own copy of macros/ (this checkout's package)."""
    return subprocess.run([sys.executable, "-m", "macros", "--project", str(repo), *args],
                          cwd=repo, env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True, text=True,
                          timeout=120, check=False)

HANDBOOK = """kind: handbook
title: Sổ tay thử
organisation: Đảng bộ thử
status: Dự thảo
circulation: Lưu hành nội bộ
version: "{version}"
date: "2025-01-10"
budgets:
  total: 2000
  pages:
    index.md: 500
    b.md: 500
status_method:
  on_track_ratio: 0.95
  min_points: 3
pages:
  indicators: index.md
  documents: index.md
"""

INDICATORS = """kind: indicators
indicators:
  - id: thu-ngan-sach
    name: Thu ngân sách
    unit: tỷ đồng
    decimals: 0
    illustrative: true
    values:
      2020: 10000
      2022: 15000
      2024: {latest}
    target:
      value: 30000
      year: 2025
      direction: at_least
      base_year: 2020
      trend: linear
{extra}"""

EXTRA = """  - id: ty-le-moi
    name: Tỷ lệ mới
    unit: "%"
    decimals: 1
    illustrative: true
    values:
      2024: 12.5
"""

INDEX_1 = """# Giới thiệu

Đoạn mở đầu không đổi qua hai dự thảo.

## Kinh tế { #kinh-te }

Thu ngân sách năm 2024 đạt {{ fig("thu-ngan-sach") }}, tăng mạnh so với đầu nhiệm kỳ.

## Quốc phòng, an ninh

Giữ vững quốc phòng, an ninh; trật tự an toàn xã hội được bảo đảm trên địa bàn toàn tỉnh.

## Xã hội { #xa-hoi }

Công tác giảm nghèo đạt kết quả tích cực; đời sống nhân dân từng bước được nâng lên rõ rệt.
"""

INDEX_2 = """# Giới thiệu

Đoạn mở đầu không đổi qua hai dự thảo.

## Kinh tế và ngân sách { #kinh-te }

Thu ngân sách năm 2024 đạt {{ fig("thu-ngan-sach") }}, vượt xa so với đầu nhiệm kỳ.

## Xã hội { #xa-hoi }

Công tác giảm nghèo bền vững đạt kết quả tích cực; đời sống nhân dân từng bước được nâng lên rõ rệt.

## Quốc phòng và an ninh

Giữ vững quốc phòng, an ninh; trật tự an toàn xã hội được bảo đảm trên địa bàn toàn tỉnh.
"""

B_1 = """# Trang B

## Chuyển đổi số { #chuyen-doi-so }

Chuyển đổi số được đẩy mạnh trong mọi lĩnh vực của đời sống.
"""

B_2 = """# Trang B

Trang này nay chỉ còn phần giới thiệu ngắn.
"""


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout.strip()


def _write(repo: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _commit(repo: Path, message: str) -> str:
    _git(repo, "add", "-A")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", message)
    return _git(repo, "rev-parse", "--short", "HEAD")


@pytest.fixture
def drafts(tmp_path: Path) -> tuple[Path, str, str]:
    """A project with two drafts: a figure and a status change, a heading renamed, sections moved (within a page and
    to another page), a paragraph rewritten, an indicator added, and unchanged text re-saved in NFD."""
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    _write(repo, {"data/handbook.yaml": HANDBOOK.format(version="1"),
                  "data/indicators.yaml": INDICATORS.format(latest=20000, extra=""),
                  "docs/index.md": INDEX_1, "docs/b.md": B_1})
    first = _commit(repo, "dự thảo lần 1")
    index_2 = INDEX_2.replace("Đoạn mở đầu không đổi", unicodedata.normalize("NFD", "Đoạn mở đầu không đổi"))
    index_2 += "\n## Chuyển đổi số { #chuyen-doi-so }\n\nChuyển đổi số được đẩy mạnh trong mọi lĩnh vực của đời sống.\n"
    _write(repo, {"data/handbook.yaml": HANDBOOK.format(version="2"),
                  "data/indicators.yaml": INDICATORS.format(latest=26000, extra=EXTRA),
                  "docs/index.md": index_2, "docs/b.md": B_2})
    second = _commit(repo, "dự thảo lần 2")
    return repo, first, second


def test_the_diff_names_each_change_a_reader_would_see(drafts: tuple[Path, str, str]):
    repo, first, second = drafts
    diff = diff_revisions(repo, first, second)
    renamed = [(h.old.title, h.new.title) for h in diff.headings if h.kind == "renamed"]
    # By its explicit id, and (its generated anchor changed with its text) by the prose under it.
    assert sorted(renamed) == [("Kinh tế", "Kinh tế và ngân sách"), ("Quốc phòng, an ninh", "Quốc phòng và an ninh")]
    moved = {(h.new.title, h.old.page, h.new.page) for h in diff.headings if h.kind == "moved"}
    assert ("Chuyển đổi số", "b.md", "index.md") in moved  # to another page, by its explicit id
    assert any(title in ("Xã hội", "Quốc phòng và an ninh") for title, a, b in moved if a == b == "index.md")
    # A heading whose generated anchor changed with its text is still the same section.
    assert {(h.kind, (h.new or h.old).title) for h in diff.headings if h.kind in ("added", "removed")} == set()
    changes = {(c.section.page, c.section.title): c for c in diff.sections}
    economy = changes[("index.md", "Kinh tế và ngân sách")]
    assert [c.words for c in economy.chunks if c.kind == "delete"] == [("20.000",), ("tăng", "mạnh")]
    assert [c.words for c in economy.chunks if c.kind == "insert"] == [("26.000",), ("vượt", "xa")]
    social = changes[("index.md", "Xã hội")]
    assert (social.added, social.removed) == (2, 0)  # "bền vững"
    assert ("index.md", "Giới thiệu") not in changes  # NFD re-save of the same words is no change
    assert ("index.md", "Chuyển đổi số") not in changes  # moved as it was
    assert changes[("b.md", "Trang B")].added == 9
    assert [(f.id, f.year, f.old, f.new) for f in diff.figures] == [("thu-ngan-sach", 2024, "20.000 tỷ đồng",
                                                                     "26.000 tỷ đồng")]
    assert [i.id for i in diff.added_indicators] == ["ty-le-moi"] and diff.removed_indicators == []
    assert [(s.id, s.old, s.new) for s in diff.statuses] == [("thu-ngan-sach", "Có nguy cơ không đạt", "Đúng tiến độ")]


def test_the_terminal_shows_word_changes_and_ends_with_one_summary_line(drafts: tuple[Path, str, str]):
    repo, first, second = drafts
    result = _run(repo, "diff", first, second)
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    assert "[-20.000-] {+26.000+} tỷ đồng * , [-tăng mạnh-] {+vượt xa+}" in result.stdout  # * : the illustrative mark
    assert "thu-ngan-sach (năm 2024): 20.000 tỷ đồng → 26.000 tỷ đồng" in result.stdout
    assert "thu-ngan-sach: Có nguy cơ không đạt → Đúng tiến độ" in result.stdout
    assert "“Kinh tế” → “Kinh tế và ngân sách”" in result.stdout
    assert out[-1].startswith(f"diff: {first} → {second}: ") and "2 renamed" in out[-1] and "1 statuses changed" in out[-1]
    assert format_text(diff_revisions(repo, first, second))[-1] == out[-2]


def test_to_defaults_to_the_working_tree(drafts: tuple[Path, str, str]):
    repo, _first, second = drafts
    (repo / "docs" / "b.md").write_text(B_2.replace("ngắn", "rất ngắn"), encoding="utf-8")
    diff = diff_revisions(repo, second)
    assert diff.new.label == "working tree"
    assert [c.words for c in diff.sections[0].chunks if c.kind == "insert"] == [("rất",)]


def test_an_unknown_revision_is_one_located_line(drafts: tuple[Path, str, str]):
    repo, first, _ = drafts
    for bad in ("khong-co", "--output=/tmp/x", "HEAD~9"):
        result = _run(repo, "diff", bad, first) if not bad.startswith("-") else None
        with pytest.raises(RevisionError) as caught:
            diff_revisions(repo, bad, first)
        assert len(caught.value.problems) == 1 and "is not a commit" in caught.value.problems[0].message
        if result is not None:
            assert result.returncode == 1 and "Traceback" not in result.stderr
            assert result.stderr.startswith(f"{bad}:1: revision: ")


def test_invalid_data_at_a_revision_is_located_in_that_revision(drafts: tuple[Path, str, str]):
    repo, first, _ = drafts
    (repo / "data" / "indicators.yaml").write_text(INDICATORS.format(latest="nhiều", extra=""), encoding="utf-8")
    (repo / "docs" / "index.md").write_text(INDEX_1.replace('fig("thu-ngan-sach")', 'fig("thu-ngan-sac")'),
                                            encoding="utf-8")
    broken = _commit(repo, "hỏng")
    result = _run(repo, "diff", first, broken)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines and all(line.startswith(f"{broken}:data/indicators.yaml:11: ") for line in lines), lines
    assert "Traceback" not in result.stderr and result.stdout.startswith("diff: stopped")


def test_nothing_from_the_old_revision_is_followed_or_run(drafts: tuple[Path, str, str], tmp_path: Path):
    repo, first, _ = drafts
    secret = tmp_path / "secret.md"
    secret.write_text("# Bí mật\n\nnội dung ngoài kho\n", encoding="utf-8")
    (repo / "docs" / "leak.md").symlink_to(secret)
    (repo / "docs" / "macro.md").write_text("# M\n\n{{ ''.__class__.__mro__ }}\n", encoding="utf-8")
    linked = _commit(repo, "symlink")
    with pytest.raises(RevisionError) as caught:  # the sandbox refuses the expression, located in the revision
        diff_revisions(repo, first, linked)
    assert all(p.file == f"{linked}:docs/macro.md" for p in caught.value.problems)
    (repo / "docs" / "macro.md").unlink()
    diff = diff_revisions(repo, first, _commit(repo, "bỏ macro"))
    assert not any("ngoài kho" in " ".join(c.section.words) for c in diff.sections)


def test_the_readme_example_is_what_diff_prints_for_the_examples_second_draft():
    """README's `diff e0a62ee`: the example's first draft (main before the second) against this tree."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("    $ python -m macros diff e0a62ee\n", 1)[1].split("\n\n", 1)[0]
    shown = [line.strip() for line in block.splitlines() if "→" in line and "…" not in line]
    assert len(shown) == 3  # the heading renamed, the figure changed, the status it turned
    result = _run(ROOT, "diff", "e0a62ee")
    assert result.returncode == 0, result.stderr
    printed = [line.strip() for line in result.stdout.splitlines()]
    assert all(line in printed for line in shown), (shown, result.stdout)
    assert printed[-1].startswith("diff: e0a62ee → working tree: ")


def test_the_changes_page_escapes_marks_and_links(drafts: tuple[Path, str, str]):
    from macros.pages.changes import render_changes
    from macros.pages.urls import relative_url

    repo, first, second = drafts
    diff = diff_revisions(repo, first, second)
    diff.sections[0].chunks.append(type(diff.sections[0].chunks[0])("insert", ("<script>x</script>",)))
    html = render_changes(diff, lambda page, anchor: relative_url("thay-doi.md", page, anchor))
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert "<del>20.000</del> <ins>26.000</ins>" in html
    assert '<a href="../#kinh-te">Giới thiệu › Kinh tế và ngân sách</a>' in html
    assert "<ins>! Có nguy cơ không đạt</ins>" not in html and "<ins>▲ Đúng tiến độ</ins>" in html
    assert html.count("data-search-exclude") >= len(diff.sections)
    # The Standing Committee reads names, not the data files' keys ("thu-ngan-sach"): no id beside a name.
    ids = {f.id for f in diff.figures} | {s.id for s in diff.statuses} | {i.id for i in diff.added_indicators}
    assert ids and not any(f"<code>{i}</code>" in html or f">{i}<" in html for i in ids), ids


def test_the_macro_without_previous_or_history_says_so_and_a_bad_revision_is_located(drafts: tuple[Path, str, str]):
    from macros.core.load import load_dataset
    from macros.editorial.drafts_diff import comparer_for
    from macros.pages.changes import use_comparer
    from macros.pages.render import PageRenderer, PageSource

    repo, _first, _second = drafts
    dataset, _ = load_dataset(repo / "data", repo)
    page = PageSource("thay-doi.md", "docs/thay-doi.md", "", "# T\n\n{{ draft_changes() }}\n", 0, {})
    text, problems = PageRenderer(dataset).render(page)
    assert problems == [] and "dự thảo đầu tiên" in text  # the example of a first draft: no previous:
    dataset.handbook = dataclasses.replace(dataset.handbook, previous="khong-co")  # as if handbook.yaml said so
    use_comparer(comparer_for(repo))
    try:
        text, problems = PageRenderer(dataset).render(page)
        assert [str(p).split(": ", 1)[0] for p in problems] == ["docs/thay-doi.md:3"]
        assert 'khong-co:1: revision: "khong-co" is not a commit' in problems[0].message
    finally:
        use_comparer(None)
    outside = repo.parent / "copy"
    (outside / "data").mkdir(parents=True)
    use_comparer(comparer_for(outside))
    try:
        text, problems = PageRenderer(dataset).render(page)
        assert problems == [] and "Không có lịch sử bản lưu" in text
    finally:
        use_comparer(None)


@pytest.mark.build
def test_the_examples_changes_page_shows_what_diff_finds(built_site: Path):
    """The example's page (this tree against previous: in data/handbook.yaml), as built for readers."""
    import yaml

    previous = yaml.safe_load((ROOT / "data" / "handbook.yaml").read_text(encoding="utf-8"))["previous"]
    diff = diff_revisions(ROOT, previous)
    html = (built_site / "thay-doi" / "index.html").read_text(encoding="utf-8")
    assert f"<code>{previous}</code>" in html
    for f in diff.figures:
        assert f"<ins>{f.new.replace(' ', chr(160))}</ins>" in html or f"<ins>{f.new}</ins>" in html, f
    for s in diff.statuses:
        assert f"<ins>{s.new_symbol} {s.new}</ins>" in html
    assert html.count('class="hb-change"') == len(diff.sections)


def test_comments_a_draft_answered_are_listed_with_their_disposition():
    """A comment decided in the new draft (pending, or absent, in the old one) is what this draft answered."""
    import dataclasses

    from macros.core.load import load_dataset
    from macros.editorial.drafts_diff import DraftsDiff, compare_comments, format_text
    from macros.editorial.revisions import Snapshot

    root = Path(__file__).resolve().parent.parent
    old, _ = load_dataset(root / "data", root)
    new, _ = load_dataset(root / "data", root)
    first, second, *_ = sorted(new.comments)
    assert all(c.disposition == "pending" for c in old.comments.values())
    new.comments[first] = dataclasses.replace(new.comments[first], disposition="absorbed")
    new.comments[second] = dataclasses.replace(new.comments[second], disposition="explained", response="Lý do.")
    diff = DraftsDiff(Snapshot("a", "a", old, []), Snapshot("b", "", new, []))
    compare_comments(diff, old, new)
    assert sorted(c.id for c in diff.answered) == [first, second]
    lines = format_text(diff)
    assert f"  {first} (Tiếp thu) — " in "\n".join(lines) and f"  {second} (Giải trình) — " in "\n".join(lines)
    assert diff.summary().endswith("2 comments answered")
