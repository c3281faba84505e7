"""The reader's handbook in a real browser: Debian's chromium driven by Playwright, on 127.0.0.1 only.

One build, one loopback server and one browser per session (tests/browser_fixtures.py). Each
test states what a cadre would notice: search that ignores missing diacritics, nothing fetched from
outside the intranet, no serious accessibility faults, nothing wider than a phone, a printable PDF.
Measurements (query pass rate, off-site requests, axe results, first-visit transfer, PDF pages) go to
artifacts/reader-metrics.json and screenshots to artifacts/screenshots/, neither committed.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
import time
import unicodedata
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from macros.core.fmt import format_value
from macros.core.load import load_dataset
from macros.publish.pdf import PRINT_PAGE, count_pdf_pages, render_pdf

pytestmark = [pytest.mark.browser, pytest.mark.build]

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
SHOTS = ARTIFACTS / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
SEARCH_INPUT = "input.md-search__input"


# -- fixtures -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def metrics() -> Iterator[dict[str, Any]]:
    """Figures for the closing note, written once the module's tests have run."""
    data: dict[str, Any] = {}
    yield data
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "reader-metrics.json"
    old = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    old.update(data)
    path.write_text(json.dumps(old, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")


@pytest.fixture(scope="module")
def pages(built_site: Path) -> list[str]:
    """Every page of the site as a path under the base URL ("" for home), the print page included."""
    found = sorted("" if p.parent == built_site else p.parent.relative_to(built_site).as_posix() + "/"
                   for p in built_site.rglob("index.html") if "assets" not in p.parts)
    assert len(found) >= 10, found
    return found


@pytest.fixture(scope="module")
def dataset():
    ds, _ = load_dataset(ROOT / "data", ROOT)
    return ds


def new_context(browser: Any, base_url: str, viewport: dict[str, int] = DESKTOP, offsite: list[str] | None = None) -> Any:
    """A fresh context that refuses (and records) every request not to the site's own origin."""
    context = browser.new_context(viewport=viewport, service_workers="block")

    def guard(route: Any) -> None:
        url = route.request.url
        if url.startswith(base_url) or url.startswith("data:") or url.startswith("blob:") or url == "about:blank":
            route.continue_()
        else:
            if offsite is not None:
                offsite.append(url)
            route.abort()

    context.route("**/*", guard)
    if offsite is not None:  # also requests the router does not see (e.g. from a worker)
        context.on("request", lambda req: offsite.append(req.url) if not (
            req.url.startswith(base_url) or req.url.startswith(("data:", "blob:", "about:"))) else None)
    return context


# -- search ---------------------------------------------------------------------------------------------
def result_pages(page: Any, query: str, timeout: float = 12.0) -> list[str]:
    """Type ``query`` into Material's search and return the result pages (paths) in ranked order.

    Material reads the query on keyup, so a key is pressed after filling. Waits (bounded) until the
    result list is non-empty and unchanged for two polls.
    """
    box = page.locator(SEARCH_INPUT)
    box.fill("")
    box.press("Backspace")
    page.wait_for_function("!document.querySelector('.md-search-result__item')", timeout=5000)
    box.fill(query)
    box.press("End")
    started = time.monotonic()
    last: list[str] = []
    stable = 0
    while time.monotonic() - started < timeout:
        hrefs = page.eval_on_selector_all("li.md-search-result__item > a:first-child",
                                          "els => els.map(e => e.getAttribute('href'))")
        if hrefs and hrefs == last:
            stable += 1
            if stable >= 2:
                break
        else:
            stable = 0
        last = hrefs
        time.sleep(0.15)
    paths = []
    for href in last:
        path = urllib.parse.urlsplit(urllib.parse.urljoin(page.url, href)).path.lstrip("/")
        if path not in paths:
            paths.append(path)
    return paths


def fold(text: str) -> str:
    """Text as typed on a keyboard without Vietnamese input: no tone or vowel marks, đ as d."""
    bare = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare.replace("đ", "d").replace("Đ", "D"))


# (query as a reader types it, the page it must bring, the rank it must reach at worst)
QUERIES: list[tuple[str, str, int]] = [
    ("tăng trưởng", "phan-1/kinh-te/", 3),
    ("tang truong", "phan-1/kinh-te/", 3),
    ("tăng truong", "phan-1/kinh-te/", 3),
    ("đảng viên", "xay-dung-dang/", 3),
    ("dang vien", "xay-dung-dang/", 3),
    ("cong tac dang vien", "phan-1/xay-dung-dang/", 3),
    ("bão yagi", "phan-1/bao-yagi/", 1),
    ("bao yagi", "phan-1/bao-yagi/", 1),
    ("chuyển đổi số", "chuyen-doi-so/", 1),
    ("chuyen doi so", "chuyen-doi-so/", 1),
    ("chuyen đôi sô", "chuyen-doi-so/", 1),
    ("viet tat", "viet-tat/", 1),
    ("van ban tham chieu", "van-ban/", 1),
    ("dot pha chien luoc", "phan-2/dot-pha/", 1),
    ("nha o xa hoi", "phan-1/van-hoa-xa-hoi/", 1),
    ("xóa nhà tạm", "phan-1/van-hoa-xa-hoi/", 3),
    ("phong chong tham nhung", "xay-dung-dang/", 3),
    ("cach danh gia chi tieu", "phuong-phap/", 1),
    ("quan diem chi dao", "phan-2/quan-diem-muc-tieu/", 1),
    ("han che nguyen nhan", "phan-1/han-che-bai-hoc/", 1),
    ("ba nhiem vu trong tam", "nhiem-vu-2025/", 1),
    ("Dai hoi dang bo cac cap", "xay-dung-dang/", 3),
    ("35-CT/TW", "van-ban/", 3),
    ("09-KL/BCĐ", "van-ban/", 3),
    ("09-kl/bcd", "van-ban/", 3),
]


@pytest.fixture(scope="module")
def search_page(chromium: Any, site_url: str) -> Iterator[Any]:
    context = new_context(chromium, site_url)
    page = context.new_page()
    page.goto(site_url, wait_until="load")
    yield page
    context.close()


@pytest.fixture(scope="module")
def query_results(metrics: dict[str, Any]) -> Iterator[dict[str, bool]]:
    results: dict[str, bool] = {}
    yield results
    metrics["search_queries"] = {"passed": sum(results.values()), "total": len(results),
                                 "failed": sorted(q for q, ok in results.items() if not ok)}


@pytest.mark.parametrize(("query", "expected", "rank"), QUERIES, ids=[q for q, _, _ in QUERIES])
def test_search_finds_page_whatever_the_diacritics(search_page: Any, query_results: dict[str, bool], query: str,
                                                  expected: str, rank: int) -> None:
    found = result_pages(search_page, query)
    query_results[query] = expected in found[:rank]
    assert expected in found[:rank], f"{query!r}: expected {expected} in the first {rank}, got {found[:5]}"


HEADING = re.compile(r'<h([12]) id="[^"]*">(.*?)<a class="headerlink"', re.S)


def headings(built_site: Path, pages: list[str]) -> list[tuple[str, str, str]]:
    """(level, heading text, page) for every page title and every section heading found on one page only."""
    found: list[tuple[str, str, str]] = []
    for path in pages:
        if path == PRINT_PAGE:
            continue
        html = (built_site / path / "index.html").read_text(encoding="utf-8")
        for level, inner in HEADING.findall(html):
            text = " ".join(re.sub(r"<[^>]+>", "", inner).split())
            found.append((level, text, path))
    count = Counter(fold(text).lower() for _, text, _ in found)
    return [(level, text, path) for level, text, path in found if level == "1" or count[fold(text).lower()] == 1]


def test_a_page_whose_heading_matches_ranks_first(search_page: Any, built_site: Path, pages: list[str],
                                                  query_results: dict[str, bool]) -> None:
    """Every page title and every heading used once, typed without any diacritics, brings its page first."""
    misses = []
    checked = 0
    for level, text, path in headings(built_site, pages):
        query = fold(text).lower()
        found = result_pages(search_page, query)
        ok = found[:1] == [path]
        query_results[f"h{level} {query}"] = ok
        checked += 1
        if not ok:
            misses.append((query, path, found[:3]))
    assert checked >= len(pages)
    assert not misses, misses


def test_every_cited_document_number_finds_a_page_citing_it(search_page: Any, dataset: Any, built_site: Path,
                                                           query_results: dict[str, bool]) -> None:
    """Each document number in data (35/2023/UBTVQH15, 09-KL/BCĐ), typed as printed and without đ, brings
    first a page that shows that number, and the documents page among the first three."""
    documents_page = dataset.handbook.documents_page.removesuffix(".md") + "/"
    numbers = [d.number for d in dataset.documents.values() if d.number]
    assert numbers
    misses = []
    for number in numbers:
        for query in dict.fromkeys([number, fold(number)]):
            found = result_pages(search_page, query)
            cites = bool(found) and number in (built_site / found[0] / "index.html").read_text(encoding="utf-8")
            ok = cites and documents_page in found[:3]
            query_results[f"doc {query}"] = ok
            if not ok:
                misses.append((query, found[:3]))
    assert not misses, misses


def test_full_partial_and_no_diacritics_give_the_same_results(search_page: Any) -> None:
    """The same pages, the same first; further down, words typed with their marks rank pages holding them so."""
    for full in ("tăng trưởng kinh tế", "đảng viên", "chuyển đổi số", "phòng, chống tham nhũng", "xóa nhà tạm"):
        words = full.split()
        partial = " ".join(w if i % 2 else fold(w) for i, w in enumerate(words))
        results = [result_pages(search_page, q) for q in (full, partial, fold(full))]
        assert results[0], full
        assert set(results[0]) == set(results[1]) == set(results[2]), (full, partial, results)
        assert results[0][0] == results[1][0] == results[2][0], (full, partial, results)


def test_figures_are_found_as_the_reader_sees_them(search_page: Any, dataset: Any, built_site: Path,
                                                   query_results: dict[str, bool]) -> None:
    """The latest value of each key figure, formatted as shown (10,2%), finds a page that shows it."""
    checked = 0
    for ind in dataset.indicators.values():
        if not ind.key or isinstance(ind.values[ind.latest_year], tuple):
            continue
        shown = format_value(ind.values[ind.latest_year], ind.unit, ind.decimals).split("\u00a0")[0]
        found = result_pages(search_page, shown)
        ok = bool(found) and shown in (built_site / found[0] / "index.html").read_text(encoding="utf-8")
        query_results[f"figure {shown}"] = ok
        assert ok, f"{shown!r}: first result {found[:1]} does not show it"
        checked += 1
    assert checked


def test_results_highlight_the_accented_words(search_page: Any) -> None:
    """A query without diacritics still marks the original words in the result text."""
    result_pages(search_page, "tang truong")
    marked = search_page.eval_on_selector_all(".md-search-result mark", "els => els.map(e => e.textContent)")
    assert any(fold(m).lower() == "tang" and m.lower() != "tang" for m in marked), marked


def test_the_page_opened_from_a_result_marks_the_accented_words(chromium: Any, site_url: str) -> None:
    """A result link carries the folded query (?h=tang+truong); the page still marks "tăng trưởng"."""
    context = new_context(chromium, site_url)
    page = context.new_page()
    page.goto(site_url + "phan-1/kinh-te/?h=tang+truong", wait_until="load")
    page.wait_for_function("document.querySelectorAll('.md-content mark').length > 0", timeout=10000)
    marked = {m.lower() for m in page.eval_on_selector_all(".md-content mark", "els => els.map(e => e.textContent)")}
    context.close()
    assert {"tăng", "trưởng"} <= marked, marked


# -- nothing leaves the intranet -------------------------------------------------------------------------
def test_no_request_leaves_the_site(chromium: Any, site_url: str, pages: list[str], metrics: dict[str, Any]) -> None:
    offsite: list[str] = []
    context = new_context(chromium, site_url, offsite=offsite)
    page = context.new_page()
    for path in pages:
        page.goto(site_url + path, wait_until="load")
        page.wait_for_load_state("networkidle")
    # The search worker, its language scripts and the index load on demand: use search once.
    page.goto(site_url, wait_until="load")
    assert result_pages(page, "tang truong")
    context.close()
    metrics["offsite_requests"] = {"count": len(set(offsite)), "urls": sorted(set(offsite)), "pages": len(pages)}
    assert not offsite, sorted(set(offsite))


ABSOLUTE_RESOURCE = re.compile(
    r"""<(?:script|img|iframe|source|audio|video)\b[^>]*\ssrc=["']?(?:https?:)?//"""
    r"""|<link\b[^>]*\shref=["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//""", re.I)


def test_no_page_or_stylesheet_names_an_outside_resource(built_site: Path) -> None:
    """Static guard behind the browser test: no script, stylesheet, font or image from another host."""
    offenders = []
    for path in list(built_site.rglob("*.html")) + list(built_site.rglob("*.css")):
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in ABSOLUTE_RESOURCE.finditer(text):
            offenders.append(f"{path.relative_to(built_site)}: {text[match.start():match.start() + 120]}")
    assert not offenders, offenders[:5]


def test_no_page_makes_material_fetch_mermaid(built_site: Path) -> None:
    """Material's bundle loads Mermaid from unpkg.com when a page holds a diagram: none may, unless self-hosted."""
    with_diagram = [p.relative_to(built_site).as_posix() for p in built_site.rglob("*.html")
                    if 'class="mermaid"' in p.read_text(encoding="utf-8")]
    assert not with_diagram, with_diagram


# -- accessibility, language, draft banner, phones ----------------------------------------------------
def test_axe_finds_no_serious_or_critical_violation(chromium: Any, site_url: str, pages: list[str],
                                                    metrics: dict[str, Any]) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = new_context(chromium, site_url)
    page = context.new_page()
    impacts: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    serious = []
    for path in pages:
        page.goto(site_url + path, wait_until="load")
        for violation in axe.run(page).response["violations"]:
            impacts[violation["impact"]] += len(violation["nodes"])
            rules[f'{violation["id"]} ({violation["impact"]})'] += len(violation["nodes"])
            if violation["impact"] in ("serious", "critical"):
                serious.append((path or "/", violation["id"], violation["nodes"][0]["target"]))
    context.close()
    metrics["axe"] = {"pages": len(pages), "nodes_by_impact": dict(impacts), "rules": dict(rules)}
    assert not serious, serious


def test_every_page_is_vietnamese_and_shows_the_draft_banner(chromium: Any, site_url: str, pages: list[str],
                                                             dataset: Any) -> None:
    hb = dataset.handbook
    context = new_context(chromium, site_url)
    page = context.new_page()
    for path in pages:
        page.goto(site_url + path, wait_until="load")
        assert page.evaluate("document.documentElement.lang") == "vi", path
        banner = page.locator(".md-banner .hb-draft")
        assert banner.is_visible(), path
        text = banner.inner_text()
        for field in (hb.status, hb.circulation, hb.version):
            assert field in text, (path, field, text)
    context.close()


def test_no_page_scrolls_sideways_on_a_phone(chromium: Any, site_url: str, pages: list[str],
                                            metrics: dict[str, Any]) -> None:
    context = new_context(chromium, site_url, viewport=PHONE)
    page = context.new_page()
    wide = []
    screens = {}
    for path in pages:
        page.goto(site_url + path, wait_until="load")
        sizes = page.evaluate("({scroll: document.documentElement.scrollWidth, "
                              "client: document.documentElement.clientWidth, height: document.documentElement.scrollHeight})")
        if sizes["scroll"] > sizes["client"]:
            wide.append((path or "/", sizes))
        screens[path or "/"] = round(sizes["height"] / PHONE["height"], 1)
    context.close()
    metrics["phone_screens"] = screens  # how long each page is on a 360×740 phone, in screens
    assert not wide, wide


def test_wide_tables_scroll_inside_themselves_or_stack_on_a_phone(chromium: Any, site_url: str, dataset: Any) -> None:
    context = new_context(chromium, site_url, viewport=PHONE)
    page = context.new_page()
    page.goto(site_url + dataset.handbook.indicators_page.removesuffix(".md") + "/", wait_until="load")
    frames = page.evaluate("""[...document.querySelectorAll('.hb-table-wrap, .hb-table-wrap .md-typeset__scrollwrap')]
        .map(w => ({stack: !!w.closest('.hb-stack'), scroll: w.scrollWidth, client: w.clientWidth,
                    overflow: getComputedStyle(w).overflowX}))""")
    context.close()
    assert frames and any(f["stack"] for f in frames)
    assert all(f["scroll"] <= f["client"] + 1 for f in frames if f["stack"]), frames  # cards: nothing to scroll to
    wide = [f for f in frames if f["scroll"] > f["client"] + 1]
    assert all(f["overflow"] in ("auto", "scroll") for f in wide), wide


# -- charts ---------------------------------------------------------------------------------------------
def test_charts_render_with_text_alternative_and_numbers(chromium: Any, site_url: str, dataset: Any) -> None:
    context = new_context(chromium, site_url)
    page = context.new_page()
    page.goto(site_url + dataset.handbook.indicators_page.removesuffix(".md") + "/", wait_until="load")
    charts = page.evaluate(CHARTS_JS)
    context.close()
    with_history = [i for i in dataset.indicators.values() if i.target and len(i.values) >= 2]
    assert {c["id"] for c in charts} == {f"chart-{i.id}" for i in with_history}
    for chart, ind in zip(charts, with_history, strict=True):
        assert chart["w"] > 100 and chart["h"] > 50, chart
        latest = format_value(ind.values[ind.latest_year], ind.unit, ind.decimals)
        assert latest in chart["label"], (chart["id"], latest, chart["label"])
        assert chart["rows"] == 0, chart  # its numbers are in the indicator table, once per series
        assert chart["captionAbove"] and chart["badge"], chart  # its title and status above it, not under
        assert ind.illustrative or "Nguồn" in chart["text"], chart


CHARTS_JS = """[...document.querySelectorAll('figure.hb-chart')].map(f => {
    const svg = f.querySelector('svg[role=img]');
    const box = svg.getBoundingClientRect();
    const cap = f.querySelector('figcaption');
    const ids = (svg.getAttribute('aria-labelledby') || '').split(' ');
    const label = ids.map(i => document.getElementById(i)?.textContent || '').join(' ');
    const scale = box.width / svg.viewBox.baseVal.width;
    const sizes = [...svg.querySelectorAll('text')].map(t => parseFloat(t.getAttribute('font-size')) * scale);
    const texts = [...svg.querySelectorAll('text')].map(t => t.getBoundingClientRect());
    const overlaps = texts.filter((a, i) => texts.some((b, j) => j > i && a.left < b.right && b.left < a.right
        && a.top < b.bottom && b.top < a.bottom)).length;
    return {id: f.id, w: box.width, h: box.height, label: label, rows: f.querySelectorAll('table tbody tr').length,
            caption: cap.textContent, captionAbove: cap.getBoundingClientRect().bottom <= box.top + 1,
            badge: !!cap.querySelector('.hb-badge'), text: f.textContent, minText: Math.min(...sizes),
            overlaps: overlaps}})"""


def test_charts_read_on_a_phone_with_status_above_and_nothing_overlapping(chromium: Any, site_url: str,
                                                                          dataset: Any) -> None:
    context = new_context(chromium, site_url, viewport=PHONE)
    page = context.new_page()
    page.goto(site_url + dataset.handbook.indicators_page.removesuffix(".md") + "/", wait_until="load")
    charts = page.evaluate(CHARTS_JS)
    # The column a reader came for: each target's status is the first thing in its row, inside the screen.
    status = page.evaluate("""[...document.querySelectorAll('.hb-targets tbody tr')].map(r => {
        const b = r.querySelector('td').getBoundingClientRect(); const badge = r.querySelector('td .hb-badge');
        return {right: b.right, badge: !!badge}})""")
    context.close()
    assert charts
    for chart in charts:
        assert chart["minText"] >= 12, chart  # axis and value labels at least 12 px at 360 px
        assert chart["captionAbove"] and chart["badge"], chart
        assert chart["overlaps"] == 0, chart
    assert status and all(s["badge"] and s["right"] <= PHONE["width"] for s in status), status


# -- figures' sources --------------------------------------------------------------------------------------
SOURCE_MARK_JS = """(mark) => {
    const box = mark.getBoundingClientRect();
    const entry = document.getElementById('hb-nguon-' + mark.textContent.trim().split(',')[0]);
    return {text: mark.textContent, size: parseFloat(getComputedStyle(mark).fontSize), left: box.left, right: box.right,
            top: box.top, bottom: box.bottom, entry: entry ? entry.textContent : null,
            entrySize: entry ? parseFloat(getComputedStyle(entry.querySelector('sup')).fontSize) : 0}}"""
POPOVER_JS = """(button) => {
    const pop = document.getElementById(button.getAttribute('popovertarget')), box = pop.getBoundingClientRect();
    return {open: pop.matches(':popover-open'), text: pop.textContent, left: box.left, right: box.right, top: box.top,
            bottom: box.bottom, scroll: window.scrollY}}"""


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1366, "height": 768}], ids=["360x740", "1366x768"])
def test_a_figure_shows_its_source_mark_and_opens_its_source_in_place(chromium: Any, site_url: str,
                                                                       built_site: Path, viewport: dict) -> None:
    cited = sorted(p for p in built_site.rglob("index.html")
                   if 'class="hb-fig__src"' in (t := p.read_text(encoding="utf-8")) and 'class="print-page"' not in t)
    assert cited, "some page should cite a source"
    path = cited[0].parent.relative_to(built_site).as_posix()
    context = chromium.new_context(viewport=viewport, has_touch=viewport == PHONE, service_workers="block")
    page = context.new_page()
    page.goto(site_url + ("" if path == "." else path + "/"), wait_until="load")
    mark = page.locator(".hb-fig__src").first
    mark.scroll_into_view_if_needed()
    page.wait_for_timeout(100)
    seen = mark.evaluate(SOURCE_MARK_JS)
    assert mark.is_visible() and re.fullmatch(r"\u202f\d+(,\d+)*", seen["text"]), seen
    assert 0 <= seen["left"] < seen["right"] <= viewport["width"] and 0 <= seen["top"] < seen["bottom"] <= viewport["height"]
    assert seen["size"] >= 12 and seen["entrySize"] >= 12, seen  # legible at 360 px too
    assert seen["entry"] and seen["entry"].startswith(seen["text"].strip().split(",")[0]), seen  # the page lists it
    publisher = seen["entry"].split("\u202f", 1)[1].rsplit(", ", 1)[0]
    button = page.locator(".hb-fig__value:has(.hb-fig__src)").first
    before = page.evaluate("window.scrollY")
    # Tapping the mark (the number a reader sees) opens the source, in place: no scroll, inside the screen.
    (mark.tap if viewport == PHONE else mark.click)()
    opened = button.evaluate(POPOVER_JS)
    assert opened["open"] and publisher in opened["text"], opened
    assert abs(opened["scroll"] - before) <= 1, (before, opened)
    assert 0 <= opened["left"] < opened["right"] <= viewport["width"], opened
    assert 0 <= opened["top"] < opened["bottom"] <= viewport["height"], opened
    page.keyboard.press("Escape")
    assert not button.evaluate(POPOVER_JS)["open"]
    # The keyboard: Enter on the focused figure opens the same popover, in place.
    button.focus()
    page.keyboard.press("Enter")
    by_key = button.evaluate(POPOVER_JS)
    assert by_key["open"] and publisher in by_key["text"] and abs(by_key["scroll"] - before) <= 1, by_key
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"source-popover-{viewport['width']}.png"))
    context.close()


# -- print and PDF --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def pdf_bytes(chromium: Any, site_url: str) -> bytes:
    context = new_context(chromium, site_url)
    pdf = render_pdf(context.new_page(), site_url + PRINT_PAGE)
    context.close()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "handbook.pdf").write_bytes(pdf)
    return pdf


def test_print_page_has_cover_contents_and_every_section_in_order(chromium: Any, site_url: str, dataset: Any,
                                                                  pages: list[str]) -> None:
    hb = dataset.handbook
    context = new_context(chromium, site_url)
    page = context.new_page()
    page.goto(site_url + PRINT_PAGE, wait_until="load")
    page.wait_for_function("document.querySelectorAll('#print-page-toc a').length > 0")
    cover = page.locator("#print-site-cover-page").inner_text()
    for field in (hb.status, hb.circulation, hb.version, hb.title[:40]):
        assert field in " ".join(cover.split()), (field, cover)
    toc_links = page.eval_on_selector_all("#print-page-toc a", "els => els.length")
    sections = page.eval_on_selector_all("#print-site-page section.print-page[id]", "els => els.map(e => e.id)")
    page.goto(site_url, wait_until="load")
    nav = page.eval_on_selector_all("nav.md-nav--primary a.md-nav__link[href]", "els => els.map(e => e.href)")
    context.close()
    # print-site names each page's section after its URL: "phan-1/kinh-te/" → "phan-1-kinh-te", home → "index".
    in_nav = []
    for href in nav:
        path = urllib.parse.urlsplit(href).path.strip("/")
        if path + "/" != PRINT_PAGE and path not in in_nav:
            in_nav.append(path)
    # Pages mkdocs.yml keeps off the print page (print-site's exclude: the changes since the last draft).
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    excluded = set(re.findall(r"(?m)^        - (\S+)\.md$", config.split("- print-site:", 1)[1].split("\n\n", 1)[0]))
    expected = [p.replace("/", "-") or "index" for p in in_nav if p not in excluded]
    printed = [s for s in sections if s in expected]
    assert printed == expected, (printed, expected)
    assert len(expected) == len([p for p in pages if p != PRINT_PAGE and p.strip("/") not in excluded])
    assert toc_links >= len(expected)


def test_print_keeps_sources_banner_and_legible_badges(chromium: Any, site_url: str) -> None:
    context = new_context(chromium, site_url)
    page = context.new_page()
    page.goto(site_url + PRINT_PAGE, wait_until="load")
    page.emulate_media(media="print")
    state = page.evaluate("""(() => {
        const fig = document.querySelector('.hb-fig__src');
        const list = document.querySelector('.hb-page-sources');
        const cited = fig ? fig.closest('.hb-fig') : null;
        const illus = document.querySelector('.hb-fig--illustrative .hb-illus');
        const badge = document.querySelector('.hb-badge');
        const banner = document.querySelector('.hb-cover__stamp');
        return {mark: fig ? getComputedStyle(fig).display : 'none', list: list ? getComputedStyle(list).display : 'none',
                listText: list ? list.textContent : '',
                after: cited ? getComputedStyle(cited, '::after').content : '',
                illustrative: illus ? getComputedStyle(illus).display : 'none',
                badgeColour: badge ? getComputedStyle(badge).color : '',
                badgeSymbol: badge ? badge.querySelector('.hb-badge__icon').textContent : '',
                banner: banner ? getComputedStyle(banner).display : 'none'}})()""")
    context.close()
    # A cited figure prints its source mark, its page's list says the source once (no note after every figure).
    assert state["mark"] != "none" and state["list"] != "none" and "Nguồn" in state["listText"], state
    assert state["after"] in ("none", "normal", ""), state
    assert state["illustrative"] != "none", state  # an illustrative one prints "minh họa"
    assert state["badgeColour"] == "rgb(0, 0, 0)", state
    assert state["badgeSymbol"].strip(), state
    assert state["banner"] != "none", state  # the cover's stamp (the running header carries it on every page after)


def test_pdf_has_numbered_pages_the_draft_line_and_bookmarks(pdf_bytes: bytes, dataset: Any, pages: list[str],
                                                              metrics: dict[str, Any]) -> None:
    import io

    from pypdf import PdfReader

    count = count_pdf_pages(pdf_bytes)
    metrics["pdf"] = {"pages": count, "bytes": len(pdf_bytes)}
    assert count >= 10
    reader = PdfReader(io.BytesIO(pdf_bytes))
    squash = re.compile(r"\s+")
    for number in (1, 2, count):
        text = squash.sub("", reader.pages[number - 1].extract_text())
        assert f"Trang{number}/{count}" in text, (number, text[:200])
        assert squash.sub("", dataset.handbook.circulation).casefold() in text.casefold(), number

    def titles(outline: list) -> list[str]:
        return [t for item in outline for t in (titles(item) if isinstance(item, list) else [item.title])]

    bookmarks = titles(reader.outline)
    metrics["pdf"]["bookmarks"] = len(bookmarks)
    assert len(bookmarks) >= len(pages) - 1, bookmarks  # at least one per section page
    assert count <= 24, count  # a compact A4: a sheet per Phần, not per page, and no near-empty sheets
    # Bookmarks nest each page under its Phần, and keep the spaces between words.
    outline = reader.outline
    part = next(i for i, item in enumerate(outline) if not isinstance(item, list) and item.title.startswith("Phần thứ"))
    assert isinstance(outline[part + 1], list) and len(outline[part + 1]) >= 2, outline[part:part + 2]
    run_together = [t for t in bookmarks if any(a.islower() and b.isupper() for a, b in zip(t, t[1:], strict=False))]
    assert not run_together, run_together


def test_pdf_contents_give_the_page_each_heading_is_printed_on(chromium: Any, site_url: str, pdf_bytes: bytes,
                                                              metrics: dict[str, Any]) -> None:
    """Every contents line of the PDF ends in a number, and that page (its footer says "Trang N") has the
    entry's heading. Read from the PDF's text, not from what pdf.py computed."""
    import io

    from pypdf import PdfReader

    context = new_context(chromium, site_url)
    page = context.new_page()
    page.goto(site_url + PRINT_PAGE, wait_until="load")
    page.wait_for_function("document.querySelectorAll('#print-page-toc a').length > 0")
    entries = page.eval_on_selector_all("#print-page-toc a[href^='#']", """els => els.map(a => {
        const target = document.getElementById(decodeURIComponent(a.hash.slice(1)));
        const heading = target && (target.matches('h1, h2, h3') ? target : target.querySelector('h1, h2, h3'));
        const clone = heading && heading.cloneNode(true);
        if (clone) clone.querySelectorAll('.headerlink').forEach(e => e.remove());
        return [a.textContent.trim(), clone ? clone.textContent.trim() : ''];
    })""")
    context.close()
    assert len(entries) >= 10 and all(heading for _, heading in entries), entries

    def squash(text: str) -> str:
        return unicodedata.normalize("NFC", re.sub(r"\s+", "", text))

    reader = PdfReader(io.BytesIO(pdf_bytes))
    count = len(reader.pages)
    texts = [squash(p.extract_text()) for p in reader.pages]
    contents = next(i for i, t in enumerate(texts) if "Mụclục" in t) + 1
    # Layout mode keeps each contents line on one line, its number at the end (plain mode lists them apart).
    lines = {squash(m.group(1)): int(m.group(2)) for m in re.finditer(
        r"(?m)^\s*(\S.*?\S)\s{2,}(\d+)\s*$", reader.pages[contents - 1].extract_text(extraction_mode="layout"))}
    numbers = {entry: lines.get(squash(entry)) for entry, _ in entries}
    assert all(numbers.values()), {e: n for e, n in numbers.items() if not n}
    shown = [numbers[entry] for entry, _ in entries]
    assert shown == sorted(shown) and shown[-1] <= count, shown
    unique = 0
    for entry, heading in entries:
        number = numbers[entry]
        assert f"Trang{number}/{count}" in texts[number - 1], (entry, number)  # the number the reader sees there
        found = {i + 1 for i, t in enumerate(texts) if squash(heading) in t} - {contents}
        assert squash(heading) in texts[number - 1], (entry, heading, number, found)
        if len(found) == 1:  # the heading is on that page alone: the number could be no other
            assert found == {number}, (entry, heading, number, found)
            unique += 1
    assert unique >= 5, unique  # enough entries pin their number down for an off-by-one to fail
    metrics["pdf"] = {**metrics.get("pdf", {}), "contents_page": contents, "contents_numbers": shown}


# -- the first visit ------------------------------------------------------------------------------------
def test_first_visit_transfer_is_measured(chromium: Any, site_url: str, built_site: Path,
                                          metrics: dict[str, Any]) -> None:
    """What a first visit to the home page fetches, raw and as gzip would send it (nginx gzips text)."""
    context = new_context(chromium, site_url)
    page = context.new_page()
    fetched: dict[str, int] = {}
    context.on("requestfinished", lambda req: fetched.setdefault(req.url, 0))  # the search worker's too
    page.goto(site_url, wait_until="load")
    page.wait_for_load_state("networkidle")
    context.close()
    raw = compressed = 0
    for url in fetched:
        path = urllib.parse.urlsplit(url).path.lstrip("/")
        file = built_site / path / "index.html" if path == "" or path.endswith("/") else built_site / path
        body = file.read_bytes()
        raw += len(body)
        compressed += len(gzip.compress(body, compresslevel=6))
    metrics["first_visit"] = {"requests": len(fetched), "raw_bytes": raw, "gzip_bytes": compressed,
                              "urls": sorted(urllib.parse.urlsplit(u).path for u in fetched)}
    assert fetched and compressed < raw
    assert compressed < 600_000, metrics["first_visit"]


# -- screenshots ----------------------------------------------------------------------------------------
def test_screenshots_for_review(chromium: Any, site_url: str) -> None:
    """Home, a section, a search result and the print page, on a desktop and on a phone (not committed)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = new_context(chromium, site_url, viewport=viewport)
        page = context.new_page()
        page.goto(site_url, wait_until="load")
        page.screenshot(path=str(SHOTS / f"home-{name}.png"))
        page.goto(site_url + "phan-1/kinh-te/", wait_until="load")
        page.screenshot(path=str(SHOTS / f"section-{name}.png"))
        page.goto(site_url, wait_until="load")
        if name == "phone":
            page.click("label.md-header__button[for=__search]")
        assert result_pages(page, "tang truong")
        page.screenshot(path=str(SHOTS / f"search-{name}.png"))
        page.goto(site_url + PRINT_PAGE, wait_until="load")
        page.emulate_media(media="print")
        page.screenshot(path=str(SHOTS / f"print-{name}.png"))
        context.close()
    assert len(list(SHOTS.glob("*.png"))) >= 8


# -- read from the file system (second build with Material's offline plugin) ---------------------------
@pytest.fixture(scope="module")
def offline_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("site-offline")
    env = dict(os.environ, HANDBOOK_OFFLINE="true", NO_MKDOCS_2_WARNING="1")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return site


def test_offline_build_links_resolve_to_files(offline_site: Path) -> None:
    """Opened from the file system there is no server to map "page/" to "page/index.html": every link,
    figures' links to their rows included, must name an existing file."""
    link = re.compile(r'<(?:a|link|script|img)\b[^>]*?\s(?:href|src)="([^"#?]+)[^"]*"')
    broken = []
    for page in offline_site.rglob("*.html"):
        if page.name == "404.html":  # served by a web server for any missing path: its links are absolute
            continue
        for target in link.findall(page.read_text(encoding="utf-8")):
            if re.match(r"^[a-z]+:", target):
                continue
            if not (page.parent / urllib.parse.unquote(target)).is_file():
                broken.append(f"{page.relative_to(offline_site)} → {target}")
    assert not broken, broken[:10]


def test_offline_build_searches_from_the_file_system(chromium: Any, offline_site: Path) -> None:
    outside: list[str] = []
    context = chromium.new_context(viewport=DESKTOP)
    context.on("request", lambda req: outside.append(req.url) if not req.url.startswith(("file:", "data:", "blob:",
                                                                                       "about:")) else None)
    context.route(re.compile(r"^https?://"), lambda route: route.abort())
    page = context.new_page()
    page.goto((offline_site / "index.html").as_uri(), wait_until="load")
    found = result_pages(page, "tang truong")
    context.close()
    assert any(p.endswith("kinh-te.html") for p in found[:3]), found
    assert not outside, outside


def test_make_pdf_command_prints_the_built_site(built_site: Path, tmp_path: Path) -> None:
    """`make pdf` runs `python -m macros.publish.pdf`: it serves the site itself and reports the page count it wrote.

    Run as its own process, as `make pdf` does: this session's browser already holds Playwright's loop.
    """
    import subprocess
    import sys

    out = tmp_path / "handbook.pdf"
    root = Path(__file__).resolve().parent.parent

    def run(site: Path) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "macros.publish.pdf", "--site-dir", str(site), "--out", str(out)],
                              cwd=root, capture_output=True, text=True, timeout=300, check=False)

    result = run(built_site)
    assert result.returncode == 0, result.stdout + result.stderr
    pages = count_pdf_pages(out.read_bytes())
    assert f"{pages} pages" in result.stdout
    assert re.search(r"contents numbered in [23] prints$", result.stdout.strip()), result.stdout  # at most 3
    assert pages >= 10
    assert run(tmp_path / "nothing-built").returncode == 1
