"""The MkDocs glue reuses what the check rendered only when it is the same page and the same URL style."""

from __future__ import annotations

from pathlib import Path

from macros.core.cache import digest
from macros.pages.check import run_check
from macros.pages.render import PageSource
from macros.site import glue as mkdocs_glue
from macros.site.glue import CheckedPages, _State
from macros.site.siteconfig import site_variables

ROOT = Path(__file__).resolve().parent.parent


def _state(checked: CheckedPages, use_directory_urls: bool = True) -> _State:
    report = run_check(ROOT)
    mkdocs_glue._CHECKED[ROOT] = (report.dataset, checked)
    try:
        return _State(ROOT, use_directory_urls, site_variables(ROOT))
    finally:
        mkdocs_glue._CHECKED.pop(ROOT, None)


def _source(body: str) -> PageSource:
    return PageSource("viet-tat.md", "docs/viet-tat.md", body, body, 0, {})


def test_the_check_renders_each_page_once_and_keeps_the_text():
    report = run_check(ROOT)
    assert not report.errors
    assert set(report.rendered) == {p.src for p in report.page_sources}
    page = next(p for p in report.page_sources if p.src == "viet-tat.md")
    key, text = report.rendered["viet-tat.md"]
    assert key == digest(page.body) and "{{" in page.body and "{{" not in text


def test_the_build_takes_the_checked_text_for_the_same_body():
    body = "# Từ viết tắt\n\n{{ abbreviations() }}\n"
    state = _state(CheckedPages({"viet-tat.md": (digest(body), "checked text")}, True))
    assert state.render(_source(body)) == ("checked text", [])


def test_a_changed_body_or_url_style_is_rendered_again():
    body = "# Từ viết tắt\n\n{{ abbreviations() }}\n"
    state = _state(CheckedPages({"viet-tat.md": (digest(body), "checked text")}, True))
    changed, problems = state.render(_source(body + "\nThêm một dòng.\n"))
    assert changed != "checked text" and "Thêm một dòng." in changed and not problems
    state.sync_urls(False)  # Material's offline plugin turns directory URLs off after the check
    again, _ = state.render(_source(body))
    assert again != "checked text" and "Từ viết tắt" in again


def test_the_search_index_is_rewritten_as_utf8_unless_utf8_cannot_hold_it(tmp_path: Path):
    index = tmp_path / "search_index.json"
    index.write_text('{"docs": [{"title": "Ch\\u1ec9 ti\\u00eau", "text": "a\\u2028b"}]}', encoding="ascii")
    mkdocs_glue._index_as_utf8(index)
    assert index.read_text(encoding="utf-8") == '{"docs":[{"title":"Chỉ tiêu","text":"a\u2028b"}]}'
    odd = '{"docs": [{"text": "\\ud800x"}]}'  # a lone surrogate: only an escape can carry it
    index.write_text(odd, encoding="ascii")
    mkdocs_glue._index_as_utf8(index)
    assert index.read_text(encoding="ascii") == odd
