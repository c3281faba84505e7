"""`mkdocs serve` rebuilds in one process: what did not change is reused, and every edit is seen."""

from __future__ import annotations

from pathlib import Path

from macros.core.memo import ContentMemo
from macros.pages import htmllint
from macros.pages.render import PageSource
from macros.site import glue
from macros.site.glue import _State
from macros.site.siteconfig import site_variables
from tests.helpers import write_project


def test_a_memo_keeps_at_most_its_limit_and_drops_the_oldest_first():
    memo: ContentMemo[int] = ContentMemo(limit=2)
    calls: list[str] = []
    for key in ("a", "b", "a", "c", "a", "b"):
        memo.get(key, lambda k=key: calls.append(k) or len(calls))
    # "a" was used again before "c" came, so "b" went first; then "b" came back and pushed out "c".
    assert calls == ["a", "b", "c", "b"] and len(memo) == 2
    assert (memo.hits, memo.misses) == (2, 4)
    assert memo.peek("c") is None and memo.peek("a") == 1
    memo.put("d", 9)
    assert memo.peek("b") is None and memo.peek("d") == 9


def _page(root: Path, body: str) -> PageSource:
    return PageSource("index.md", "docs/index.md", body, body, 0, {})


def _render(root: Path, body: str) -> str:
    text, problems = _State(root, True, site_variables(root)).render(_page(root, body))
    assert not problems and text is not None
    return text


def test_a_rebuild_reuses_an_unchanged_page_and_sees_a_data_edit(tmp_path: Path):
    root = write_project(tmp_path)
    body = "# Trang\n\nTăng trưởng {{ fig('growth') }}.\n"
    first = _render(root, body)
    assert "10,3" in first
    hits = glue._RENDERED.hits
    assert _render(root, body) == first and glue._RENDERED.hits == hits + 1
    data = root / "data" / "indicators.yaml"
    data.write_text(data.read_text(encoding="utf-8").replace("10.25", "11.75"), encoding="utf-8")
    edited = _render(root, body)
    assert "11,8" in edited and "10,3" not in edited
    assert "Thêm" in _render(root, body + "\nThêm một dòng.\n")


def test_a_page_that_reads_the_clock_is_rendered_again_each_time(tmp_path: Path):
    root = write_project(tmp_path)
    body = "# Trang\n\n{{ now().year }} — {{ fig('growth') }}\n"
    kept = len(glue._RENDERED)
    _render(root, body)
    assert len(glue._RENDERED) == kept


def test_the_lint_of_a_page_is_the_same_whether_it_was_kept_or_not():
    page = '<p>ok</p>\n<script>alert(1)</script>\n<a href="javascript:x">y</a>\n'
    first = htmllint.lint_html(page)
    again = htmllint.lint_html(page)
    assert first == again and len(first) >= 2 and first is not again
    again.clear()
    assert htmllint.lint_html(page) == first


def test_mkdocs_yml_is_parsed_once_per_text_and_each_caller_gets_its_own_copy():
    from macros.site import siteconfig

    text = "site_name: Thử\nnav:\n  - Trang: index.md\n"
    first = siteconfig._parse(text)
    first["nav"].append("changed")
    assert siteconfig._parse(text) == {"site_name": "Thử", "nav": [{"Trang": "index.md"}]}
    assert siteconfig._parse(text.replace("Thử", "Khác"))["site_name"] == "Khác"


def test_a_heading_edit_elsewhere_renders_the_comments_register_again_and_no_other_page():
    root = Path(__file__).resolve().parent.parent
    figure = PageSource("viet-tat.md", "docs/viet-tat.md", "{{ abbreviations() }}\n", "{{ abbreviations() }}\n", 0, {})
    register = PageSource("gop-y.md", "docs/gop-y.md", "{{ comments_register() }}\n", "{{ comments_register() }}\n",
                          0, {})
    first = _State(root, True, site_variables(root))
    for page in (figure, register):
        assert first.render(page)[1] == []
    second = _State(root, True, site_variables(root))
    second._headings_key = "another heading somewhere"
    hits, misses = glue._RENDERED.hits, glue._RENDERED.misses
    second.render(figure)
    assert (glue._RENDERED.hits, glue._RENDERED.misses) == (hits + 1, misses)
    second.render(register)
    assert (glue._RENDERED.hits, glue._RENDERED.misses) == (hits + 1, misses + 1)


def test_a_page_linted_piece_by_piece_gives_what_one_parse_of_it_gives(monkeypatch):
    import random

    parts = ['<p>ok</p>\n', '<a href="javascript:x">y</a>\n', "<script>\nx = 1\n</script>\n", '<div\n onclick="x"\n>\n',
             "<p>&amp\n", '<svg><style>\n@import url(http://e/x)\n</style></svg>\n', '<img src="http://e/x">\n',
             "<![CDATA[ x ]]>\n", "<!-- a\ncomment -->\n", '<p title="a\nb">c</p>\n']
    rng = random.Random(7)
    # Cut after every line: pieces end inside tags, scripts, comments and attribute values.
    monkeypatch.setattr(htmllint, "_pieces", lambda text: text.splitlines(keepends=True))
    for _ in range(200):
        page = "".join(rng.choice(parts) for _ in range(rng.randint(1, 40)))
        expected = htmllint._lint_whole(page)
        got = htmllint._lint(page)
        assert [f for f in got if f.key != "<![CDATA["] == expected, page
        assert htmllint._lint(page) == got  # the second time from the pieces kept


def test_an_edit_in_a_page_parses_again_only_the_pieces_around_it():
    page = "".join(f'<p id="p{i}">dòng {i}</p>\n' for i in range(3000)) + '<img src="http://e/x">\n'
    first = htmllint._lint(page)
    kept = len(htmllint._PIECES)
    edited = page.replace("dòng 1500<", "dòng mới<", 1)
    assert htmllint._lint(edited) == first and first and first[0].line == 3001
    assert len(htmllint._PIECES) - kept <= 3
