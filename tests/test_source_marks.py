"""Sources on screen: every cited figure carries a short source number, and each page lists its sources once.

The mark is text in the page (copied, found, read out, counted as the reader's words), inside the figure's
button so tapping it opens the source in place; the list under the page says what each number stands for.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from macros.core.load import load_dataset
from macros.pages.render import PageRenderer, PageSource
from macros.pages.words import count_seen

from .helpers import INDICATORS, SOURCES, write_project

SOURCES_2 = SOURCES + """\
  - id: src-b
    publisher: Cục Thử
    title: Niên giám thử
    date: "2024-11-06"
"""
# A second cited series (src-b), and a target of its own source on the cited one.
INDICATORS_2 = INDICATORS + """\
  - id: office
    name: Số của Cục
    unit: "%"
    source: src-b
    values:
      2024: 7.1
  - id: cited-target
    name: Chỉ tiêu có nguồn
    unit: "%"
    source: src-a
    values:
      2020: 1.0
      2024: 2.0
    target:
      value: 3
      year: 2025
      direction: at_least
      base_year: 2020
      source: src-b
"""

MARK = re.compile(r'<button [^>]*class="hb-fig__value"[^>]*>([^<]*)(?:<sup class="hb-fig__src">\u202f([\d,]+)</sup>)?'
                  r"</button>")
ENTRY = re.compile(r'<span id="hb-nguon-(\d+)" class="hb-page-sources__item"><sup>\1</sup>\u202f'
                   r'<a href="([^"]+)">([^<]+)</a></span>')


def render(tmp_path: Path, body: str) -> str:
    write_project(tmp_path, {"data/indicators.yaml": INDICATORS_2, "data/sources.yaml": SOURCES_2})
    dataset = load_dataset(tmp_path / "data", tmp_path)[0]
    page = PageSource("phan/a.md", "docs/phan/a.md", body, body, 0, {})
    text, problems = PageRenderer(dataset).render(page)
    assert problems == [] and text is not None
    return text


def test_numbers_follow_first_citation_and_the_list_names_each_source_once(tmp_path):
    text = render(tmp_path, '{{ fig("office") }}, {{ fig("national") }}, {{ fig("office") }}, {{ fig("growth") }}.')
    marks = MARK.findall(text)
    assert [m[1] for m in marks] == ["1", "2", "1", ""]  # office cites src-b first; growth is illustrative
    assert marks[3][0] == "10,3%" and 'class="hb-illus"' in text.split("10,3%")[1][:200]  # keeps its "*"
    entries = ENTRY.findall(text)
    assert [(n, html.unescape(t)) for n, _, t in entries] == [("1", "Cục Thử, 06/11/2024"), ("2", "Báo Thử, 12/2024")]
    assert [href for _, href, _ in entries] == ["../../#src-src-b", "../../#src-src-a"]  # the full entry
    # The page ends with its list, once; each figure's button is described by its entry (screen readers).
    assert text.count('class="hb-page-sources"') == 1 and text.rstrip().endswith("</p>")
    assert re.findall(r'aria-describedby="([^"]+)"', text) == ["hb-nguon-1", "hb-nguon-2", "hb-nguon-1"]


def test_each_number_maps_to_the_source_its_popover_names(tmp_path):
    text = render(tmp_path, '{{ fig("national") }} {{ fig("office") }} {{ ratio("office", "national") }}')
    entries = {n: html.unescape(t) for n, _, t in ENTRY.findall(text)}
    figures = re.findall(r'<span class="hb-fig[^"]*"[^>]*>(<button.*?</button>).*?popover=""[^>]*>([^<]*)<', text)
    assert len(figures) == 3
    for button, popover in figures:
        numbers = MARK.search(button).group(2).split(",")
        for n in numbers:
            publisher, date = entries[n].rsplit(", ", 1)
            assert f"{publisher}, «" in html.unescape(popover) and date in popover, (n, popover)
    # A computed figure of two cited series carries both numbers.
    assert MARK.search(figures[2][0]).group(2) == "2,1"


def test_a_computed_figure_with_an_illustrative_input_has_both_marks(tmp_path):
    text = render(tmp_path, '{{ diff("growth", "national", 2024) }}')
    button, rest = text.split("</button>", 1)
    assert button.endswith('<sup class="hb-fig__src">\u202f1</sup>')
    assert rest.startswith('<span class="hb-illus"')


def test_a_page_of_illustrative_figures_has_no_list(tmp_path):
    text = render(tmp_path, '{{ fig("growth") }} và {{ target("growth") }}')
    assert "hb-fig__src" not in text and "hb-page-sources" not in text
    assert text.count('class="hb-illus"') == 2


def test_target_rows_carry_their_sources(tmp_path):
    text = render(tmp_path, "{{ targets_table() }}")
    row = text.split('<tr id="tgt-cited-target">', 1)[1].split("</tr>", 1)[0]
    # The target's own source (src-b) on the target, the values' (src-a) on the values.
    target_cell, base_cell, latest_cell = re.findall(r'<td data-label="(?:Mục tiêu|Năm cơ sở|Mới nhất)">(.*?)</td>',
                                                     row)
    assert '<sup class="hb-fig__src">\u202f1</sup>' in target_cell
    assert '<sup class="hb-fig__src">\u202f2</sup>' in base_cell and '\u202f2</sup>' in latest_cell
    assert [html.unescape(t) for _, _, t in ENTRY.findall(text)] == ["Cục Thử, 06/11/2024", "Báo Thử, 12/2024"]
    illustrative = text.split('<tr id="tgt-growth">', 1)[1].split("</tr>", 1)[0]
    assert "hb-fig__src" not in illustrative and "hb-illus" in illustrative


def test_marks_and_list_are_counted_as_reader_words(tmp_path):
    cited = render(tmp_path, '{{ fig("national") }}')
    bare = re.sub(r'<sup class="hb-fig__src">[^<]*</sup>', "", cited.split('<p class="hb-page-sources"')[0])
    # The mark is one word; the list is "Nguồn", the number, publisher and date (Báo Thử, 12/2024).
    assert count_seen(cited) - count_seen(bare) == 1 + 1 + 1 + 3


@pytest.mark.build
def test_every_figure_on_every_built_page_carries_a_visible_mark(built_site):
    checked = 0
    for path in sorted(built_site.rglob("index.html")):
        page = path.read_text(encoding="utf-8")
        if 'class="print-page"' in page:
            continue  # the print page joins these pages, lists and all
        entries = {n: html.unescape(t) for n, _, t in ENTRY.findall(page)}
        cited = re.findall(r'<sup class="hb-fig__src">\u202f([\d,]+)</sup></button>', page)
        # Each source listed once, numbered 1, 2 … in the order of first citation.
        assert list(entries) == [str(i) for i in range(1, len(entries) + 1)], path
        assert len(set(entries.values())) == len(entries), path
        assert sorted({n for c in cited for n in c.split(",")}, key=int) == list(entries), path
        figures = list(re.finditer(r'<span class="hb-fig[ "].*?</button>.*?popover=""[^>]*>([^<]*)<', page))
        assert len(figures) == page.count('class="hb-fig__value"'), path
        for match in figures:
            chunk, popover = match.group(0), html.unescape(match.group(1))
            mark = re.search(r'<sup class="hb-fig__src">\u202f([\d,]+)</sup></button>', chunk)
            if "Nguồn:" in popover:
                assert mark, (path, popover)
                for n in mark.group(1).split(","):
                    publisher, date = entries[n].rsplit(", ", 1)
                    assert f"{publisher}, «" in popover and date in popover, (path, n, popover)
            if "minh họa" in popover:
                assert 'class="hb-illus"' in chunk.split("</button>", 1)[1], (path, popover)
            assert mark or "minh họa" in popover, (path, popover)
            checked += 1
    assert checked >= 50
