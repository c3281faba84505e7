"""Macros in pages: figures marked up, computed figures, and every bad call located."""

from __future__ import annotations

from pathlib import Path

from macros.core.load import load_dataset
from macros.pages.api import Macros
from macros.pages.render import PageRenderer, PageSource, split_front_matter
from macros.pages.urls import relative_url

from .helpers import INDICATORS, write_project

MARK_1 = '<sup class="hb-fig__src">\u202f1</sup>'  # a figure citing the page's first source


def dataset(tmp_path: Path, indicators: str = INDICATORS):
    write_project(tmp_path, {"data/indicators.yaml": indicators})
    return load_dataset(tmp_path / "data", tmp_path)[0]


def render(tmp_path: Path, body: str, offset: int = 0, src: str = "phan/a.md", indicators: str = INDICATORS):
    page = PageSource(src, f"docs/{src}", body, body, offset, {})
    return PageRenderer(dataset(tmp_path, indicators)).render(page)


def test_figure_has_value_source_period_link_and_illustrative_mark(tmp_path):
    text, problems = render(tmp_path, '{{ fig("growth") }} và {{ fig("national", 2024) }}')
    assert problems == []
    assert ">10,3%</button>" in text  # 10.25 rounded half-up
    # Tapping the figure opens its source and period in place (a popover), which links to the row.
    assert 'popovertarget="hb-src-1"' in text and 'id="hb-src-1" popover=""' in text
    assert 'href="../../#ind-growth"' in text
    assert 'title="Tăng trưởng, năm 2024 — Số liệu minh họa, không phải số liệu chính thức"' in text
    # A compact mark per figure, read out as "minh họa"; the page explains it once (illustrative_notice).
    assert '<span class="hb-illus" role="img" aria-label="minh họa"' in text and text.count("minh họa<") == 0
    national = text.split(" và ")[1]
    assert "6,4%" in national and "Nguồn: Báo Thử, «Bài thử», 12/2024" in national and "hb-illus" not in national


def test_computed_figures(tmp_path):
    text, problems = render(tmp_path, '{{ ratio("growth", "national") }}|{{ diff("growth", "national", 2024) }}|'
                                      '{{ change("growth", 2020, 2024) }}|{{ share("national", "growth") }}')
    assert problems == []
    parts = text.split("|")
    assert f">1,6\u00a0lần{MARK_1}</button>" in parts[0]  # 10.25 / 6.4 = 1.60
    assert f">+3,9\u00a0điểm phần trăm{MARK_1}</button>" in parts[1]  # 10.25 - 6.4 = 3.85 → 3,9 half-up
    assert ">+7,8\u00a0điểm phần trăm</button>" in parts[2]  # 10.25 - 2.5 = 7.75 → 7,8; illustrative: no source
    assert f">62,4%{MARK_1}</button>" in parts[3]
    assert "hb-illus" in parts[0]  # one illustrative input makes the result illustrative


def test_ratio_defaults_to_the_comparison_series(tmp_path):
    with_compare = INDICATORS.replace("      trend: linear\n", "      trend: linear\n    compare: national\n")
    text, problems = render(tmp_path, '{{ ratio("growth") }}|{{ diff("national") }}', indicators=with_compare)
    assert f">1,6\u00a0lần{MARK_1}</button>" in text.split("|")[0]
    assert [str(p) for p in problems] == ['docs/phan/a.md:1: diff("national"): "national" has no comparison series '
                                          '— name the second indicator, or add `compare:` to "national"']


def test_status_badge_and_target(tmp_path):
    text, problems = render(tmp_path, '{{ status("growth") }} {{ target("growth", full=True) }}')
    assert problems == []
    assert "hb-badge--achieved" in text and "Đã đạt" in text
    assert "≥ 8,0% (năm 2025)" in text


def test_every_bad_call_is_reported_with_its_line(tmp_path):
    body = ("# Trang\n\n"
            'Một {{ fig("growht") }}.\n'
            'Hai {{ fig("growth", 2019) }}.\n'
            'Ba {{ fgi("growth") }} và {{ fig("growth", 2024, bogus=1) }}\n'
            '{{ status("national") }}\n')
    _, problems = render(tmp_path, body, offset=3)
    assert [str(p) for p in problems] == [
        'docs/phan/a.md:6: fig("growht"): no indicator "growht" — did you mean "growth"?',
        'docs/phan/a.md:7: fig("growth", 2019): "growth" has no value for 2019 — years with values: 2020, 2021, 2024',
        'docs/phan/a.md:8: fgi: unknown name "fgi" — did you mean "fig"? (macros are listed in README.md)',
        'docs/phan/a.md:8: fig("growth", 2024, bogus=1): wrong arguments (got an unexpected keyword argument \'bogus\') '
        "— fig takes: id, year, unit, decimals",
        'docs/phan/a.md:9: status("national"): "national" has no target, so no status — add `target:` to the indicator',
    ]


def test_broken_jinja_is_located(tmp_path):
    _, problems = render(tmp_path, "a\nb {{ fig('growth' }}\n", offset=2)
    assert len(problems) == 1
    assert str(problems[0]).startswith("docs/phan/a.md:4: (jinja): ")


def test_data_values_are_text_never_html_or_jinja(tmp_path):
    hostile = INDICATORS.replace("name: Tăng trưởng", "name: \"<script>alert(1)</script> {{ 7*7 }} **x**\"")
    text, problems = render(tmp_path, '{{ fig("growth") }}', indicators=hostile)
    assert problems == []
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "{{" not in text and "49" not in text


def test_front_matter_offset_matches_mkdocs():
    body, offset, meta = split_front_matter("---\ntitle: A\ndraft: true\n---\n# A\n")
    assert (body, offset, meta) == ("# A\n", 4, {"title": "A", "draft": True})
    assert split_front_matter("# A\n") == ("# A\n", 0, {})


def test_relative_urls():
    assert relative_url("phan-1/kinh-te.md", "chi-tieu.md", "ind-x") == "../../chi-tieu/#ind-x"
    assert relative_url("index.md", "chi-tieu.md", "a") == "chi-tieu/#a"
    assert relative_url("chi-tieu.md", "chi-tieu.md", "a") == "#a"
    assert relative_url("phan-1/kinh-te.md", "index.md") == "../../"
    assert relative_url("phan-1/kinh-te.md", "chi-tieu.md", "x", use_directory_urls=False) == "../chi-tieu.html#x"


def test_macros_are_plain_functions(tmp_path):
    macros = Macros(dataset(tmp_path), "index.md")
    assert set(macros.functions()) >= {"fig", "ratio", "targets_table", "documents_table", "status_method"}
    assert "Quy tắc xác định tình trạng" in macros.status_method()


def test_markdown_cannot_act_on_data_in_attributes_or_text(tmp_path):
    import markdown

    hostile = INDICATORS.replace("name: Tăng trưởng",
                                 'name: "Tốc độ *tăng* `x` [GRDP](https://evil.example)\\n\\n# Tiêu đề chèn"')
    text, problems = render(tmp_path, 'Tăng {{ fig("growth") }} {{ status("growth") }}', indicators=hostile)
    assert problems == []
    page = markdown.markdown(text)
    assert "evil.example" in page  # shown as text…
    assert '<a href="https://evil.example' not in page and "<h1>" not in page and "<code>" not in page
    assert "<em>" not in page


def test_abuse_in_a_page_is_a_located_message(tmp_path):
    body = ("{{ 10.0 ** 400 }}\n"
            "{{ ''.__class__.__mro__ }}\n"
            "{{ [][1] }}\n"
            "{% macro r() %}{{ r() }}{% endmacro %}{{ r() }}\n"
            "{{ 'a' * 10**9 }}\n"
            "{{ range(10**9)|list }}\n")
    for number, line in enumerate(body.splitlines(), start=1):
        _, problems = render(tmp_path / str(number), line + "\n", offset=10)
        assert len(problems) >= 1, line
        assert all(p.line == 11 and p.file == "docs/phan/a.md" for p in problems), [str(p) for p in problems]


def test_huge_computed_figures_do_not_crash(tmp_path):
    big = (INDICATORS + "  - id: tiny\n    name: T\n    unit: \"%\"\n    illustrative: true\n    values:\n"
           "      2020: 1.0e-14\n      2024: 1.0e-14\n")
    text, problems = render(tmp_path, '{{ change("growth", 2020, 2024) }} {{ ratio("growth", "tiny", 2024) }}',
                            indicators=big)
    assert problems == []
    assert "1.025.000.000.000.000,0" in text.replace("\u00a0", " ")


def test_month_only_dates_are_cited_as_months():
    from macros.core.model import Document, Origin, PartialDate

    doc = Document(id="a", type="Kết luận", number="1-KL/TW", issuer="Bộ Chính trị", title="T",
                   origin=Origin("f", 1), date=PartialDate(2024, 11))
    assert Macros.citation(doc) == "Kết luận số 1-KL/TW tháng 11/2024 của Bộ Chính trị"
