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
