"""The comments register: section ids as the build makes them, the checks (the git-history one too), the
``comments`` command, and the register page with the counts under the sections."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from macros.core.load import load_dataset
from macros.pages.api import Macros
from macros.pages.check import run_check
from macros.pages.sections import SectionIndex, page_sections, reading_order

from .conftest import ROOT, copy_project, run_macros

COMMENT = """\
  - id: {id}
    from: {{type: {type}, name: {name}}}
    date: "2024-12"
    section: {section}
    text: {text}
    disposition: {disposition}
"""


def comments_file(*comments: dict[str, str], round_id: str = "hn22") -> str:
    defaults = {"type": "delegate", "name": "Đại biểu", "text": "Góp ý.", "disposition": "pending"}
    return f"kind: comments\nround: {round_id}\ncomments:\n" + "".join(
        COMMENT.format(**(defaults | c)) + (f"    response: {c['response']}\n" if "response" in c else "")
        + (f"    issue: {c['issue']}\n" if "issue" in c else "") for c in comments)


def git(project: Path, *args: str) -> str:
    result = subprocess.run(["git", "-c", "user.name=Thử", "-c", "user.email=t@example.org", *args], cwd=project,
                            capture_output=True, text=True, check=True)
    return result.stdout.strip()


def set_revision(project: Path, revision: str | None) -> None:
    handbook = project / "data" / "handbook.yaml"
    text = re.sub(r"\n    revision: \S+", "", handbook.read_text(encoding="utf-8"))
    if revision is not None:
        text = text.replace('    draft: "0.1"\n', f'    draft: "0.1"\n    revision: {revision}\n')
    handbook.write_text(text, encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, str]:
    """A copy of the project in a git repository of its own, its one commit the draft the round read."""
    project = copy_project(tmp_path / "p")
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "draft 0.1")
    return project, git(project, "rev-parse", "HEAD")


def test_every_disposition_and_source_type_has_its_vietnamese_label():
    from macros.core.schema import COMMENT_SOURCE_TYPES, DISPOSITIONS
    from macros.pages.comments import DISPOSITION_LABELS, SOURCE_LABELS

    assert list(DISPOSITION_LABELS) == list(DISPOSITIONS)
    assert list(SOURCE_LABELS) == list(COMMENT_SOURCE_TYPES)


# -- section ids ----------------------------------------------------------------------------------------
@pytest.mark.build
def test_section_ids_are_the_ids_of_the_built_headings(built_site: Path):
    """Every id the index computes is on the built page, and every heading id of the page is in the index."""
    index = SectionIndex.build((p.relative_to(ROOT / "docs").as_posix(), p.read_text(encoding="utf-8"), 0)
                               for p in sorted((ROOT / "docs").rglob("*.md")))
    assert len(index.sections) > 80
    for src in index.pages:
        html_path = built_site / ("index.html" if src == "index.md" else src.removesuffix(".md") + "/index.html")
        html = html_path.read_text(encoding="utf-8")
        built = re.findall(r'<h[1-6][^>]* id="([^"]+)"', html.split('<div class="md-content"', 1)[1].split("</article>")[0])
        ids = [s.anchor for s in index.sections if s.page == src]
        if "draft_changes(" in (ROOT / "docs" / src).read_text(encoding="utf-8"):
            built = built[:len(ids)]  # the comparison's headings are made by the macro: no section to comment on
        assert ids == built, src


def test_ids_follow_toc_slugs_explicit_ids_and_duplicates():
    body = "# Kinh tế\n\n## Đánh giá chung\n\ntext\n\n```\n## not a heading\n```\n\n## Đánh giá chung\n\n### Mục {: #muc-a }\n"
    sections = page_sections("a.md", body)
    assert [(s.anchor, s.level, s.line, s.end) for s in sections] == [
        ("kinh-te", 1, 1, 14), ("danh-gia-chung", 2, 3, 10), ("danh-gia-chung_1", 2, 11, 14), ("muc-a", 3, 13, 14)]


def test_a_reference_resolves_by_anchor_page_and_anchor_or_page():
    index = SectionIndex.build([("a.md", "# A\n\n## X\n\n## Y {: #y }\n", 0), ("b.md", "# B\n\n## X\n", 0)])
    assert index.resolve("y")[0].ref == "a.md#y"
    assert index.resolve("b.md#x")[0].ref == "b.md#x"
    assert index.resolve("b.md")[0].ref == "b.md#b"
    assert index.resolve("x")[0] is None and "2 pages" in index.resolve("x")[1]
    assert index.resolve("a.md#z")[2] == "known: a, x, y"
    assert index.resolve("b.md#y")[2] == 'did you mean "a.md#y"?'


def test_sections_are_in_the_reading_order_of_the_nav():
    order = reading_order(ROOT, sorted(p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md")))
    assert order[:3] == ["index.md", "so-lieu-chinh.md", "phan-1/kinh-te.md"]


# -- the git-history check ------------------------------------------------------------------------------
def test_absorbed_needs_the_section_to_have_changed_since_the_draft(repo):
    project, commit = repo
    set_revision(project, commit)
    (project / "data" / "comments" / "zz.yaml").write_text(comments_file(
        {"id": "zz-1", "section": "dat-dai-do-thi", "disposition": "absorbed"},
        {"id": "zz-2", "section": "phan-2/giai-phap.md#van-hoa-xa-hoi-moi-truong", "disposition": "absorbed"}),
        encoding="utf-8")
    result = run_macros(project, "check")
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if "marked absorbed" in line]
    assert len(errors) == 2, result.stderr
    assert errors[0].startswith("data/comments/zz.yaml:9: comments[0].disposition: marked absorbed, but section "
                                '"phan-2/giai-phap.md#dat-dai-do-thi" reads the same')

    page = project / "docs" / "phan-2" / "giai-phap.md"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "- Phát triển đô thị theo quy hoạch", "- Phát triển đô thị theo quy hoạch, có chỉ tiêu đô thị hóa từng năm"),
        encoding="utf-8")
    result = run_macros(project, "check")
    errors = [line for line in result.stderr.splitlines() if "marked absorbed" in line]
    assert len(errors) == 1 and "comments[1]" in errors[0], result.stderr


def test_a_change_elsewhere_on_the_page_does_not_count(repo):
    project, commit = repo
    set_revision(project, commit)
    (project / "data" / "comments" / "zz.yaml").write_text(comments_file(
        {"id": "zz-1", "section": "dat-dai-do-thi", "disposition": "absorbed"}), encoding="utf-8")
    page = project / "docs" / "phan-2" / "giai-phap.md"
    page.write_text(page.read_text(encoding="utf-8").replace("Chủ động điều hành ngân sách", "Chủ động điều hành"),
                    encoding="utf-8")
    result = run_macros(project, "check")
    assert "marked absorbed" in result.stderr


@pytest.mark.parametrize("case", ["no-revision", "unknown-revision", "no-repository"])
def test_without_history_absorbed_is_a_warning_never_a_silent_pass(repo, tmp_path, case):
    project, commit = repo
    if case == "no-repository":
        project = copy_project(tmp_path / "plain")
    set_revision(project, None if case == "no-revision" else ("0123abc" if case == "unknown-revision" else commit))
    (project / "data" / "comments" / "zz.yaml").write_text(comments_file(
        {"id": "zz-1", "section": "dat-dai-do-thi", "disposition": "absorbed"}), encoding="utf-8")
    result = run_macros(project, "check")
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.endswith("(warning)")]
    assert len(warnings) == 1, result.stderr
    assert re.match(r"data/handbook\.yaml:\d+: rounds\.hn22: 1 comment\(s\) marked absorbed cannot be checked", warnings[0])
    reason = {"no-revision": "no `revision:`", "unknown-revision": '"0123abc" is not in the git history',
              "no-repository": "not a git repository"}[case]
    assert reason in warnings[0]


def test_a_revision_that_looks_like_an_option_is_refused_by_the_schema(project_copy):
    set_revision(project_copy, "--output=/tmp/x")
    result = run_macros(project_copy, "check")
    assert result.returncode == 1 and "is not a git revision" in result.stderr


# -- the command ----------------------------------------------------------------------------------------
def test_comments_command_on_the_example():
    result = run_macros(ROOT, "comments")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "comments: 7 comments — 0 absorbed, 0 partly, 0 explained, 7 pending (7 delegate)"
    assert lines[0].startswith("phan-2/dot-pha.md#dot-pha-chien-luoc — ")
    assert sum(1 for line in lines if line.startswith("  hn22-")) == 7


def test_comments_command_counts_and_exit_1_with_problems(project_copy):
    (project_copy / "data" / "comments" / "zz.yaml").write_text(comments_file(
        {"id": "zz-1", "section": "dat-dai-do-thi", "type": "scientist", "disposition": "explained",
         "response": "Đã có trong Luật."},
        {"id": "zz-2", "section": "dat-dai-do-thi", "type": "ministry", "disposition": "partly", "response": "Một phần."},
        {"id": "zz-3", "section": "moi-truong-x"}), encoding="utf-8")
    result = run_macros(project_copy, "comments")
    assert result.returncode == 1
    assert 'data/comments/zz.yaml:21: comments[2].section: no section "moi-truong-x"' in result.stderr
    assert result.stdout.splitlines()[-1] == ("comments: 10 comments — 0 absorbed, 1 partly, 1 explained, 8 pending "
                                              "(8 delegate, 1 scientist, 1 ministry)")
    assert "(no such section)" in result.stdout
    assert run_macros(project_copy, "comments", "--round", "hn2").returncode == 2


# -- the register page ----------------------------------------------------------------------------------
def _macros(project: Path, page: str = "gop-y.md") -> Macros:
    report = run_check(project)
    assert not report.errors, report.errors
    return Macros(report.dataset, page, True, report.sections)


def test_duplicates_share_a_row_and_every_row_links_to_its_section(project_copy):
    (project_copy / "data" / "comments" / "zz.yaml").write_text(comments_file(
        {"id": "zz-1", "section": "moi-truong", "issue": "rac-thai", "name": "Sở Tài nguyên", "type": "agency"},
        {"id": "zz-2", "section": "moi-truong", "issue": "rac-thai", "name": "Huyện ủy Gia Lộc", "type": "party-unit",
         "text": "Cùng ý kiến."}), encoding="utf-8")
    html = _macros(project_copy).comments_register()
    rows = re.findall(r'<tr id="gy-c-([^"]+)"', html)
    assert len(rows) == 8 and "zz-2" not in rows and 'id="gy-c-zz-2"' in html
    assert "(2 ý kiến cùng nội dung)" in html and "Sở Tài nguyên" in html and "Huyện ủy Gia Lộc" in html
    links = re.findall(r'class="hb-reg__section" href="([^"]+)"|href="([^"]+)" class="hb-reg__section"', html)
    assert len(links) == 8
    totals = _macros(project_copy).comments_totals()
    assert "Cơ quan" in totals and "Đảng bộ trực thuộc" in totals


def test_data_values_in_the_register_are_text(project_copy):
    (project_copy / "data" / "comments" / "zz.yaml").write_text(comments_file(
        {"id": "zz-1", "section": "moi-truong", "text": "\"<script>x</script> {{ 7 * 7 }} **b**\""}), encoding="utf-8")
    html = _macros(project_copy).comments_register()
    assert "<script>" not in html and "&lt;script&gt;" in html and "{{" not in html


def test_an_unknown_round_in_the_macro_is_a_located_problem(project_copy):
    page = project_copy / "docs" / "gop-y.md"
    page.write_text(page.read_text(encoding="utf-8") + '\n{{ comments_register("hn-22") }}\n', encoding="utf-8")
    result = run_macros(project_copy, "check")
    assert result.returncode == 1
    assert re.search(r'docs/gop-y\.md:\d+: comments_register\("hn-22"\): no round "hn-22" — did you mean "hn22"\?',
                     result.stderr)


@pytest.mark.build
def test_register_links_and_section_counts_resolve_both_ways(built_site: Path):
    ds, _ = load_dataset(ROOT / "data", ROOT)
    register = (built_site / "gop-y" / "index.html").read_text(encoding="utf-8")
    assert len(re.findall(r'<tr id="gy-c-', register)) == len(ds.comments) == 7
    group_ids = set(re.findall(r'<tr class="hb-reg__group" id="([^"]+)"', register))
    counted = 0
    for page in built_site.rglob("index.html"):
        if page.parent.name == "ban-in":
            continue  # the print page, where print-site prefixes the anchors (and print hides the counts)
        html = page.read_text(encoding="utf-8")
        for href, n in re.findall(r'<p class="hb-comment-count" data-search-exclude><a href="[^"#]*#([^"]+)"[^>]*>'
                                  r"(\d+) ý kiến góp ý</a>", html):
            assert href in group_ids
            counted += int(n)
    assert counted == 7
    for href in re.findall(r'class="hb-reg__section" href="([^"]+)"|href="([^"]+)" class="hb-reg__section"', register):
        url = next(h for h in href if h)
        target, anchor = url.split("#")
        html = (built_site / "gop-y" / target / "index.html").resolve().read_text(encoding="utf-8")
        assert f'id="{anchor}"' in html, url


def test_the_cached_register_follows_a_renamed_heading(project_copy):
    from macros.core.cache import CheckCache

    first = run_check(project_copy, cache=CheckCache(project_copy, enabled=True))
    assert "Đất đai, đô thị, tài sản công" in first.rendered["gop-y.md"][1]
    page = project_copy / "docs" / "phan-2" / "giai-phap.md"
    page.write_text(page.read_text(encoding="utf-8").replace("## Đất đai, đô thị, tài sản công",
                                                             "## Đất đai, đô thị và tài sản công"), encoding="utf-8")
    second = run_check(project_copy, cache=CheckCache(project_copy, enabled=True))
    assert "Đất đai, đô thị và tài sản công" in second.rendered["gop-y.md"][1]


def test_the_readme_examples_check(project_copy):
    """The README's round and comment, put into a project, pass the check (the comment is on the example's round)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", readme, flags=re.S)
    rounds = next(b for b in blocks if b.startswith("rounds:"))
    comments = next(b for b in blocks if b.startswith("kind: comments"))
    handbook = (project_copy / "data" / "handbook.yaml").read_text(encoding="utf-8")
    assert rounds.split("\n")[1].strip() in handbook, "the README's round is the example's"
    (project_copy / "data" / "comments" / "hoi-nghi-22.yaml").write_text(comments, encoding="utf-8")
    result = run_macros(project_copy, "comments")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "comments: 1 comment — 0 absorbed, 0 partly, 0 explained, 1 pending (1 delegate)"


def test_history_reads_the_pages_at_a_revision_within_its_limits(repo, monkeypatch):
    from macros.pages import history

    project, commit = repo
    pages = history.pages_at(project, project / "docs", commit)
    assert pages["phan-2/giai-phap.md"] == (project / "docs" / "phan-2" / "giai-phap.md").read_text(encoding="utf-8")
    assert len(pages) == len(list((project / "docs").rglob("*.md")))
    monkeypatch.setattr(history, "MAX_FILES", 3)
    with pytest.raises(history.HistoryUnavailable, match="over the limit"):
        history.pages_at(project, project / "docs", commit)
    with pytest.raises(history.HistoryUnavailable, match="not a revision"):
        history.pages_at(project, project / "docs", "--output=x")
