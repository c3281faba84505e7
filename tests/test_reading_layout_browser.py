"""What a cadre stumbles on when reading the built handbook, measured in Debian's chromium: a status poking out
of its dashboard card, a "*" or source number alone at the start of a line, the status table hiding "Mới nhất"
behind a sideways scroll beside both sidebars, text under 12 px on a phone, a printed table wider than the
A4 sheet (Chrome then shrinks every printed page to fit it)."""

from __future__ import annotations

from typing import Any

import pytest

from macros.publish.pdf import PRINT_PAGE

from .test_reader_browser import PHONE, dataset, new_context, pages  # noqa: F401 — module fixtures

pytestmark = [pytest.mark.browser, pytest.mark.build]

LAPTOP = {"width": 1366, "height": 768}
A4_COLUMN = {"width": 680, "height": 1000}  # 210 mm less the 2 × 15 mm margins of @page, in CSS px

_CARDS = """[...document.querySelectorAll('.hb-card')].map(card => {
    const box = card.getBoundingClientRect();
    const out = [...card.querySelectorAll('.hb-badge, .hb-card__value, .hb-card__name')]
        .filter(el => { const r = el.getBoundingClientRect(); return r.left < box.left - 1 || r.right > box.right + 1; })
        .map(el => el.textContent.trim());
    return out;
}).flat()"""

# A figure's mark (* or its source number) must sit on the line its value ends on, never open the next line.
_MARKS = """[...document.querySelectorAll('.hb-fig')].map(fig => {
    const value = fig.querySelector('.hb-fig__value');
    const mark = fig.querySelector(':scope > .hb-illus, :scope > .hb-fig__src');
    if (!value || !mark) return null;
    const rects = value.getClientRects(), last = rects[rects.length - 1], m = mark.getBoundingClientRect();
    const middle = (m.top + m.bottom) / 2;
    return (middle >= last.top - 4 && middle <= last.bottom + 4 && m.left >= last.right - 1) ? null
        : value.textContent.trim() + mark.textContent.trim();
}).filter(Boolean)"""

_SMALL_TEXT = """(() => {
    const small = new Set();
    const walker = document.createTreeWalker(document.querySelector('.md-content'), NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement;
        if (!n.textContent.trim() || !el || el.closest('svg, [popover]') || !el.getClientRects().length) continue;
        const size = parseFloat(getComputedStyle(el).fontSize);
        const what = `${el.tagName.toLowerCase()}.${el.className}`;
        if (size < 12) small.add(`${what} ${size.toFixed(1)}px: ${n.textContent.trim().slice(0, 30)}`);
    }
    return [...small];
})()"""


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1366x768", "360x740"])
def test_the_dashboards_statuses_and_values_stay_inside_their_cards(chromium: Any, site_url: str,
                                                                   viewport: dict[str, int]) -> None:
    context = new_context(chromium, site_url, viewport=viewport)
    page = context.new_page()
    page.goto(site_url, wait_until="load")
    assert page.locator(".hb-card").count() >= 4
    out = page.evaluate(_CARDS)
    context.close()
    assert out == [], out


def test_the_printed_dashboard_keeps_its_statuses_inside_the_cards(chromium: Any, site_url: str) -> None:
    context = new_context(chromium, site_url, viewport=A4_COLUMN)
    page = context.new_page()
    page.goto(site_url + PRINT_PAGE, wait_until="load")
    page.emulate_media(media="print")
    out = page.evaluate(_CARDS)
    context.close()
    assert out == [], out


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1366x768", "360x740"])
def test_a_figure_keeps_its_mark_on_the_line_it_ends(chromium: Any, site_url: str, viewport: dict[str, int]) -> None:
    context = new_context(chromium, site_url, viewport=viewport)
    page = context.new_page()
    stray = {}
    for path in ("", "phan-1/kinh-te/", "phan-1/van-hoa-xa-hoi/", "so-lieu-chinh/", "phan-1/xay-dung-dang/"):
        page.goto(site_url + path, wait_until="load")
        assert page.locator(".hb-fig .hb-illus").count() > 0, path
        found = page.evaluate(_MARKS)
        if found:
            stray[path or "/"] = found
    context.close()
    assert not stray, stray


def test_the_indicator_tables_fit_beside_both_sidebars(chromium: Any, site_url: str,
                                                      dataset: Any) -> None:  # noqa: F811
    context = new_context(chromium, site_url, viewport=LAPTOP)
    page = context.new_page()
    page.goto(site_url + dataset.handbook.indicators_page.removesuffix(".md") + "/", wait_until="load")
    assert page.locator(".md-sidebar--primary").is_visible() and page.locator(".md-sidebar--secondary").is_visible()
    wide = page.evaluate("""[...document.querySelectorAll('.hb-table-wrap')].filter(w => w.scrollWidth > w.clientWidth + 1)
        .map(w => [w.getAttribute('aria-label'), w.scrollWidth, w.clientWidth])""")
    context.close()
    assert wide == [], f"columns hidden behind a sideways scroll at 1366 px: {wide}"


def test_no_text_a_reader_must_read_is_under_12px_on_a_phone(chromium: Any, site_url: str,
                                                            pages: list[str]) -> None:  # noqa: F811
    context = new_context(chromium, site_url, viewport=PHONE)
    page = context.new_page()
    small = {}
    for path in pages:
        page.goto(site_url + path, wait_until="load")
        found = page.evaluate(_SMALL_TEXT)
        if found:
            small[path or "/"] = found[:5]
    context.close()
    assert not small, small


def test_no_printed_table_is_wider_than_the_sheet(chromium: Any, site_url: str) -> None:
    """Chrome shrinks every printed page when one table overflows the A4 column: the PDF was ~5% small."""
    context = new_context(chromium, site_url, viewport=A4_COLUMN)
    page = context.new_page()
    page.goto(site_url + PRINT_PAGE, wait_until="load")
    page.emulate_media(media="print")
    wide = page.evaluate("""(() => {
        const column = document.querySelector('#print-site-page').getBoundingClientRect();
        return [...document.querySelectorAll('#print-site-page table')]
            .filter(t => t.getBoundingClientRect().right > column.right + 1)
            .map(t => [t.closest('[aria-label]')?.getAttribute('aria-label'), Math.round(t.getBoundingClientRect().right),
                       Math.round(column.right)]);
    })()""")
    context.close()
    assert wide == [], wide
