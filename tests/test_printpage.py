"""The print page: the handbook's row and list anchors get the prefix print-site gave their links."""

from __future__ import annotations

import re

from macros.pages.printpage import prefix_section_ids


def test_row_and_list_ids_are_prefixed_per_section():
    html = ('<section class="print-page">cover</section>'
            '<section class="print-page" id="chi-tieu" heading-number="1"><h2 id="chi-tieu-a">A</h2>'
            '<tr id="ind-x"><td>1</td></tr><ol class="s"><li id="src-y">y</li></ol></section>'
            "<section class='print-page' id='van-ban'><tr id=\"doc-z\"></tr><tr id=\"van-ban-ok\"></tr></section>")
    out = prefix_section_ids(html)
    assert re.findall(r'id="([^"]+)"', out) == ["chi-tieu", "chi-tieu-a", "chi-tieu-ind-x", "chi-tieu-src-y",
                                                "van-ban-doc-z", "van-ban-ok"]


def test_other_pages_are_untouched():
    html = '<tr id="ind-x"></tr>'
    assert prefix_section_ids(html) == html


def test_built_print_page_links_reach_their_rows(built_site):
    page = next(p for p in built_site.rglob("index.html") if 'class="print-page"' in p.read_text(encoding="utf-8"))
    html = page.read_text(encoding="utf-8")
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    targets = set(re.findall(r'href="#([^"]+)"', html))
    handbook_targets = {t for t in targets if re.search(r"-(ind|tgt|doc|src|list)-", t)}
    assert handbook_targets, "the print page should link to indicator rows"
    assert handbook_targets <= ids, sorted(handbook_targets - ids)[:5]
    assert "<!--" not in html


def test_figure_popovers_and_source_entries_stay_with_their_section():
    # Every page numbers its popovers and sources from 1: on the joined page each button opens its own.
    fig = ('<button popovertarget="hb-src-1" aria-describedby="hb-nguon-1 hb-nguon-2">1%</button>'
           '<span id="hb-src-1" popover="">s</span><span id="hb-nguon-1">a</span><span id="hb-nguon-2">b</span>')
    html = (f'<section class="print-page" id="index">{fig}</section>'
            f'<section class="print-page" id="phan-1-kinh-te">{fig}</section>')
    out = prefix_section_ids(html)
    assert re.findall(r'popovertarget="([^"]+)"', out) == ["index-hb-src-1", "phan-1-kinh-te-hb-src-1"]
    assert re.findall(r'aria-describedby="([^"]+)"', out) == ["index-hb-nguon-1 index-hb-nguon-2",
                                                              "phan-1-kinh-te-hb-nguon-1 phan-1-kinh-te-hb-nguon-2"]
    assert prefix_section_ids(out) == out  # once only


def test_built_print_page_figures_open_their_own_popover(built_site):
    page = next(p for p in built_site.rglob("index.html") if 'class="print-page"' in p.read_text(encoding="utf-8"))
    html = page.read_text(encoding="utf-8")
    ids = re.findall(r'\bid="([^"]+)"', html)
    targets = re.findall(r'popovertarget="([^"]+)"', html)
    described = [r for refs in re.findall(r'aria-describedby="([^"]+)"', html) for r in refs.split()]
    assert len(targets) >= 20 and described
    assert len(set(targets)) == len(targets)  # no two figures open the same popover
    assert set(targets) | set(described) <= set(ids)
    assert len({i for i in ids if "hb-src-" in i or "hb-nguon-" in i}) == len([i for i in ids if "hb-src-" in i
                                                                             or "hb-nguon-" in i])
