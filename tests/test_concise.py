"""A concise, consistent, citable handbook (issue 15): term targets, dates that agree, statuses never typed,
numbered headings with stable anchors, what readers see counted and kept under 6,000 words."""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from macros.core.errors import MacroError
from macros.core.load import load_dataset
from macros.core.model import Indicator, Origin, Target
from macros.core.status import STATUS_LABELS, Status, assess
from macros.pages.api import Macros, illustrative_notice
from macros.pages.check import run_check
from macros.pages.headings import number_headings, numbered_title, slugify
from macros.pages.lint import lint_status_words, lint_tone_marks, traditional_tones
from macros.pages.printpage import nest_part_headings
from macros.pages.theme import banner_fields
from macros.pages.words import count_seen

from .conftest import ROOT, copy_project, run_macros

ORIGIN = Origin("data/x.yaml", 1)


def term(values: dict[int, float], value: float = 8.5, kind: str = "average", direction: str = "at_least") -> Indicator:
    target = Target(value=value, year=2025, direction=direction, base_year=2020, trend="linear", label=None,
                    source=None, kind=kind)
    return Indicator(id="x", name="X", unit="%", decimals=1, values=values, source=None, illustrative=True,
                     origin=ORIGIN, target=target)


def judged(ind: Indicator) -> Status:
    return assess(ind, on_track_ratio=0.95, min_points=3).status


# -- target kinds ---------------------------------------------------------------------------------------
def test_a_term_average_is_judged_on_the_term_not_on_one_year():
    # 2024 alone (10,2%) meets "bình quân từ 8,5%", but the term is not over: on track, never achieved.
    growth = {2020: 2.7, 2021: 8.6, 2022: 9.4, 2023: 9.3, 2024: 10.2}
    a = assess(term(growth), 0.95, 3)
    assert a.status is Status.ON_TRACK
    assert a.period_known == pytest.approx((8.6 + 9.4 + 9.3 + 10.2) / 4)
    assert a.period_projected == pytest.approx((8.6 + 9.4 + 9.3 + 10.2 * 2) / 5)
    # A strong last year does not rescue a weak term: 5, 5, 5, 12 projects to 7,8 < 8,5.
    assert judged(term({2020: 2, 2021: 5, 2022: 5, 2023: 5, 2024: 12})) is Status.AT_RISK
    assert judged(term({2020: 2, 2021: 9, 2022: 9, 2023: 9, 2024: 9, 2025: 9})) is Status.ACHIEVED
    assert judged(term({2020: 2, 2021: 9, 2022: 9, 2023: 9, 2024: 9, 2025: 5})) is Status.NOT_MET
    assert judged(term({2020: 2, 2024: 9})) is Status.NOT_ASSESSABLE  # one year of five is not a term


def test_a_term_total_counts_known_years_and_projects_the_rest():
    # "Tổng 5 năm từ 100": 20 + 22 + 25 = 67 known, 25 × 2 projected → 117: on track; reached early → achieved.
    assert judged(term({2020: 0, 2021: 20, 2022: 22, 2023: 25}, value=100, kind="total")) is Status.ON_TRACK
    assert judged(term({2020: 0, 2021: 10, 2022: 10, 2023: 10}, value=100, kind="total")) is Status.AT_RISK
    assert judged(term({2020: 0, 2021: 50, 2022: 40, 2023: 30}, value=100, kind="total")) is Status.ACHIEVED
    # A ceiling on a total ("không quá"): judged on the projection until the term is over.
    assert judged(term({2020: 0, 2021: 30, 2022: 30, 2023: 30}, value=100, kind="total",
                       direction="at_most")) is Status.AT_RISK


def test_a_period_target_needs_its_base_year(tmp_path):
    project = copy_project(tmp_path / "p")
    path = project / "data" / "indicators" / "kinh-te.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("      base_year: 2020\n      trend: linear\n      kind: average\n",
                                 "      trend: linear\n      kind: average\n", 1), encoding="utf-8")
    result = run_macros(project, "check")
    assert result.returncode == 1
    assert re.search(r"kinh-te\.yaml:\d+: indicators\[0\]\.target\.kind: an average over a period needs `base_year`",
                     result.stderr), result.stderr


# -- dates and labels that agree ------------------------------------------------------------------------
def test_a_handbook_dated_before_a_document_it_cites_is_an_error_naming_both(tmp_path):
    project = copy_project(tmp_path / "p")
    handbook = project / "data" / "handbook.yaml"
    handbook.write_text(re.sub(r'(?m)^date: ".*"$', 'date: "2024-12-15"', handbook.read_text(encoding="utf-8")),
                        encoding="utf-8")
    result = run_macros(project, "check")
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if "after the handbook's date" in line]
    assert any(line.startswith("data/documents.yaml:") and "22/12/2024" in line and "15/12/2024" in line
               and "data/handbook.yaml:" in line for line in lines), result.stderr
    assert any(line.startswith("data/sources.yaml:") and "06/01/2025" in line for line in lines), result.stderr


def test_a_target_label_must_say_what_the_target_says(tmp_path):
    project = copy_project(tmp_path / "p")
    path = project / "data" / "indicators" / "xa-hoi.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("label: Tỷ lệ hộ nghèo không quá 1%", "label: Tỷ lệ hộ nghèo giảm xuống dưới 1%"),
                    encoding="utf-8")
    result = run_macros(project, "check")
    assert result.returncode == 1 and 'target.label: the label says "dưới", the target is ≤ 1' in result.stderr


# -- statuses never typed -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def dataset():
    return load_dataset(ROOT / "data", ROOT)[0]


def test_targets_list_is_every_target_of_those_statuses_and_nothing_else(dataset):
    html = Macros(dataset, "phan-1/han-che-bai-hoc.md").targets_list("not_met", "at_risk")
    wanted = [i for i in dataset.indicators.values() if i.target
              and assess(i, dataset.handbook.on_track_ratio, dataset.handbook.min_points).status
              in (Status.NOT_MET, Status.AT_RISK)]
    assert wanted and html.count("<tr") == len(wanted) + 1  # the header row
    for ind in dataset.indicators.values():
        assert (f">{ind.name}<" in html) == (ind in wanted), ind.id
    assert "fdi-registered" in {i.id for i in wanted}  # the one the hand-typed list left out
    with pytest.raises(MacroError, match='no status "low"'):
        Macros(dataset).targets_list("low")


def test_the_limitations_page_lists_its_targets_through_the_macro():
    body = (ROOT / "docs" / "phan-1" / "han-che-bai-hoc.md").read_text(encoding="utf-8")
    assert "targets_list(" in body and "status(" not in body.replace("targets_list(", "")


def test_a_status_typed_beside_a_target_figure_is_refused():
    body = ('Tăng trưởng {{ fig("grdp-growth") }}, đã đạt mục tiêu.\n'
            'Tăng trưởng {{ fig("grdp-growth") }} — {{ status("grdp-growth") }}.\n'
            "Các chỉ tiêu không đạt cần rà soát.\n")
    problems = lint_status_words(body, "docs/x.md")
    assert [(p.line, p.key) for p in problems] == [(1, '"đã đạt"')]
    assert "{{ status(" in problems[0].hint


# -- headings -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("heading", "slug"), [
    ("Biểu đồ", "bieu-do"), ("Đột phá, chương trình trọng điểm", "dot-pha-chuong-trinh-trong-diem"),
    ("II. Kinh tế", "kinh-te"), ("3. Số liệu theo năm", "so-lieu-theo-nam"), ("b) Hạ tầng", "ha-tang"),
    ("Phần thứ nhất — Kết quả 2020–2025", "ket-qua-2020-2025"), ("Tỷ lệ <em>hộ</em> nghèo", "ty-le-ho-ngheo"),
])
def test_anchors_keep_d_and_leave_out_the_number(heading, slug):
    assert slugify(heading) == slug


def test_headings_are_numbered_with_ids_that_survive_renumbering():
    body = "# Kinh tế\n\n## Tăng trưởng\n\n### Quy mô\n\n### Cơ cấu {: .x }\n\n## Ý kiến {: #y-kien }\n\n```\n## code\n```\n"
    out = number_headings(body, "II")
    assert out.splitlines()[0] == "# II. Kinh tế {#kinh-te}"
    assert "## 1. Tăng trưởng {#tang-truong}" in out and "### a) Quy mô {#quy-mo}" in out
    assert "### b) Cơ cấu {#co-cau .x}" in out
    assert "## 2. Ý kiến {: #y-kien }" in out  # the editor's id is kept
    assert "## code" in out and "1. code" not in out
    # Another heading inserted before: numbers move, ids do not.
    moved = number_headings(body.replace("## Tăng trưởng", "## Bối cảnh\n\n## Tăng trưởng"), "II")
    assert "## 2. Tăng trưởng {#tang-truong}" in moved
    assert number_headings(body).splitlines()[0] == "# Kinh tế"  # a page outside a Phần: its title as typed
    assert numbered_title("Kinh tế", "II") == "II. Kinh tế" and numbered_title("II. Kinh tế", "II") == "II. Kinh tế"


# -- what readers see -----------------------------------------------------------------------------------
def test_words_seen_count_generated_tables_not_drawings_or_tooltips():
    page = ('# T\n\nHai chữ.\n\n<div><table><tr><td title="không đếm">một hai ba</td></tr></table></div>\n'
            '<svg><title>không đếm</title><text>2020</text></svg>\n')
    assert count_seen(page) == 6  # T, Hai chữ, một hai ba
    assert count_seen("Số 10,2%<span>&#42;</span> và &lt;b&gt;") == 4  # an escaped mark is not the word "42"


def test_an_appendix_is_counted_apart_and_outside_the_budget(tmp_path):
    project = copy_project(tmp_path / "p")
    (project / "docs" / "so-y-kien.md").write_text("---\nappendix: true\n---\n# Sổ ý kiến\n\n" + "chữ " * 7000,
                                                   encoding="utf-8")
    report = run_check(project)
    appendix = next(p for p in report.pages if p.src == "so-y-kien.md")
    assert appendix.appendix and appendix.words > 7000 and not appendix.over
    assert report.total_words < 6000 and report.appendix_words == sum(p.words for p in report.pages if p.appendix)
    assert not [p for p in report.errors if "so-y-kien" in p.file or "budgets.total" in p.key], report.errors


def test_the_notice_is_said_once_and_the_mark_stays_on_every_figure(dataset):
    m = Macros(dataset, "chi-tieu.md")
    page = "# Chỉ tiêu\n\n" + m.targets_table() + m.indicators_table()
    shown = illustrative_notice(page)
    assert shown.count('class="hb-illus-notice"') == 1 and shown.index("hb-illus-notice") < shown.index("<table")
    illustrative = [i for i in dataset.indicators.values() if i.illustrative]
    assert shown.count('class="hb-illus"') >= len(illustrative)
    assert illustrative_notice("# Không có số minh họa\n") == "# Không có số minh họa\n"


# -- the built handbook ---------------------------------------------------------------------------------
class _Article(HTMLParser):
    """The text a reader sees in a built page's article: no drawings, scripts, permalinks or closed popovers."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.skip_tag: str | None = None
        self.skip_depth = 0
        self.text: list[str] = []
        self.headings: list[tuple[str, str, str]] = []  # tag, id, text
        self._heading: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self.skip_tag:
            self.skip_depth += tag == self.skip_tag
            return
        if tag == "article":
            self.depth += 1
        hidden = tag in ("svg", "script", "style") or "headerlink" in (a.get("class") or "") or "popover" in a
        if self.depth and hidden:
            self.skip_tag, self.skip_depth = tag, 1
        elif self.depth and tag in ("h1", "h2", "h3"):
            self._heading = [tag, a.get("id") or "", ""]

    def handle_endtag(self, tag):
        if self.skip_tag:
            if tag == self.skip_tag:
                self.skip_depth -= 1
                if not self.skip_depth:
                    self.skip_tag = None
            return
        if tag == "article":
            self.depth -= 1
        if self._heading and tag == self._heading[0]:
            self.headings.append(tuple(self._heading))
            self._heading = None

    def handle_data(self, data):
        if self.depth and not self.skip_tag:
            self.text.append(data)
            if self._heading:
                self._heading[2] += data


def article(path: Path) -> _Article:
    parser = _Article()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _appendices() -> set[str]:
    """Built folders of the pages marked ``appendix: true`` (the register, the changes): for the Standing Committee."""
    found = set()
    for md in (ROOT / "docs").rglob("*.md"):
        if re.match(r"---\n(?:.*\n)*?appendix: true\n", md.read_text(encoding="utf-8")):
            found.add(md.relative_to(ROOT / "docs").with_suffix("").as_posix())
    return found


def reader_pages(site: Path) -> dict[str, Path]:
    appendices = _appendices()
    return {p.parent.relative_to(site).as_posix(): p for p in sorted(site.rglob("index.html"))
            if p.parent.name not in ("ban-in", "search") and "assets" not in p.parts
            and p.parent.relative_to(site).as_posix() not in appendices}


WORD = re.compile(r"[^\W_][\w'’\-.,/]*")


@pytest.mark.build
def test_readers_see_at_most_6000_words_and_stats_agrees(built_site: Path):
    seen = sum(len(WORD.findall(" ".join(article(p).text))) for p in reader_pages(built_site).values())
    assert seen <= 6000, seen
    report = run_check(ROOT)
    assert abs(report.total_words - seen) <= 0.10 * seen, (report.total_words, seen)


@pytest.mark.build
def test_pages_say_minh_hoa_at_most_six_times_and_never_diem_percent(built_site: Path):
    for name, path in reader_pages(built_site).items():
        text = " ".join(article(path).text)
        assert text.count("minh họa") <= 6, (name, text.count("minh họa"))
        assert "điểm %" not in text, name


@pytest.mark.build
def test_most_section_headings_carry_their_number_and_anchors_keep_d(built_site: Path):
    headings = [h for p in reader_pages(built_site).values() for h in article(p).headings if h[0] != "h1"]
    numbered = [h for h in headings if re.match(r"\s*(\d+\.|[a-z]\))\s", h[2])]
    assert len(numbered) >= 0.8 * len(headings), [h for h in headings if h not in numbered]
    ids = {h[1] for p in reader_pages(built_site).values() for h in article(p).headings}
    assert {"bieu-do", "danh-gia-chung", "dot-pha-chien-luoc"} <= ids and not {"bieu-o", "anh-gia-chung"} & ids
    kinh_te = article(built_site / "phan-1" / "kinh-te" / "index.html").headings
    assert kinh_te[0][2].strip().startswith("I. Kinh tế"), kinh_te[0]


def _fold(title: str) -> str:
    text = unicodedata.normalize("NFD", title.lower().replace("đ", "d"))
    words = re.findall(r"[a-z0-9]+", "".join(c for c in text if not unicodedata.combining(c)))
    return " ".join(w for w in words if w not in ("va", "cac"))


def test_no_two_pages_have_near_identical_titles():
    nav = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_NavLoader)["nav"]

    def titles(items) -> list[str]:
        out = []
        for item in items:
            for title, value in item.items():
                out += titles(value) if isinstance(value, list) else [title]
        return out

    folded = [_fold(t) for t in titles(nav)]
    assert len(folded) == len(set(folded)), sorted(folded)


class _NavLoader(yaml.SafeLoader):
    """mkdocs.yml's tags read as plain values: only the nav is wanted here."""


_NavLoader.add_multi_constructor("", lambda loader, suffix, node: None)


@pytest.mark.build
def test_the_limitations_list_agrees_with_the_computed_statuses(built_site: Path, dataset):
    html = (built_site / "phan-1" / "han-che-bai-hoc" / "index.html").read_text(encoding="utf-8")
    listed = html[html.index("hb-targets-list"):]
    listed = listed[:listed.index("</table>")]
    for ind in dataset.indicators.values():
        if ind.target is None:
            continue
        status = assess(ind, dataset.handbook.on_track_ratio, dataset.handbook.min_points).status
        assert (f">{ind.name}<" in listed) == (status in (Status.AT_RISK, Status.NOT_MET)), (ind.id, status)
    assert STATUS_LABELS[Status.NOT_MET] in listed


@pytest.mark.build
def test_each_chart_has_its_title_and_status_above_it_and_axes_to_100_percent(built_site: Path, dataset):
    html = (built_site / "chi-tieu" / "index.html").read_text(encoding="utf-8")
    figures = re.findall(r'<figure class="hb-chart" id="chart-([\w-]+)">(.*?)</figure>', html, re.S)
    assert figures
    for ind_id, body in figures:
        assert body.index("<figcaption") < body.index("<svg"), ind_id
        assert "hb-badge" in body[:body.index("<svg")], ind_id
        assert "<table" not in body, ind_id  # its numbers are in the indicator table, once
        ind = dataset.indicators[ind_id]
        ticks = [float(t.replace(".", "").replace(",", ".")) for t in
                 re.findall(r'text-anchor="end" font-size="\d+" fill="#374151">([\d.,]+)</text>', body)]
        if ind.unit == "%" and max(v if not isinstance(v, tuple) else v[1] for v in ind.values.values()) <= 100:
            assert max(ticks) <= 100, (ind_id, ticks)
        sizes = [int(s) for s in re.findall(r'font-size="(\d+)"', body)]
        assert min(sizes) >= 15, (ind_id, sizes)  # drawn 360 wide: ≥ 12 px on a 360 px phone


# -- Vietnamese -----------------------------------------------------------------------------------------
def test_one_tone_mark_style_is_enforced():
    assert traditional_tones("minh hoạ, văn hoá, Uỷ ban, sức khoẻ") == "minh họa, văn hóa, Ủy ban, sức khỏe"
    assert traditional_tones("kế hoạch, thoát, quý, thủy") == "kế hoạch, thoát, quý, thủy"  # the same in both styles
    problems = lint_tone_marks("Số liệu minh hoạ.\nVăn hóa.", "docs/x.md")
    assert [(p.line, p.key) for p in problems] == [(1, '"hoạ"')] and 'write "họa"' in problems[0].hint


def test_a_page_in_the_other_tone_mark_style_fails_the_check(tmp_path):
    project = copy_project(tmp_path / "p")
    page = project / "docs" / "phan-1" / "bao-yagi.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nCông tác văn hoá.\n", encoding="utf-8")
    result = run_macros(project, "check")
    assert result.returncode == 1 and 'bao-yagi.md:' in result.stderr and '"hoá": tone mark' in result.stderr


@pytest.mark.build
def test_no_english_chrome_and_no_link_off_the_intranet(built_site: Path):
    for name, path in reader_pages(built_site).items():
        html = path.read_text(encoding="utf-8")
        for english in ("Made with", "Material for MkDocs", "Permanent link", "Skip to content", "Back to top"):
            assert english not in html, (name, english)
        # Each illustrative mark is the mark alone: a bare "*" would pair with the next into italics.
        marks = set(re.findall(r'class="hb-illus"[^>]*>(.*?)</span>', html))
        assert marks <= {"*", "&#42;"}, (name, marks)
        outside = re.findall(r'<a [^>]*href="(https?://[^"]*)"', html)
        assert not outside, (name, outside)
        assert "điểm %" not in html, name


# -- print ----------------------------------------------------------------------------------------------
def test_pages_of_a_part_nest_under_it_in_the_print_page():
    html = ('<section class="print-page" id="index" heading-number="1"><h1>Giới thiệu</h1><h2>1. A</h2></section>'
            '<section class="print-page md-section" id="section-3" heading-number="3"><h1>Phần thứ nhất</h1>'
            '<section class="print-page" id="phan-1-kinh-te" heading-number="3.1"><h1>I. Kinh tế</h1><h2>1. B</h2>'
            '<h3>a) C</h3></section></section>')
    out = nest_part_headings(html)
    assert "<h1>Giới thiệu</h1><h2>1. A</h2>" in out and "<h1>Phần thứ nhất</h1>" in out
    assert "<h2>I. Kinh tế</h2><h3>1. B</h3><h4>a) C</h4>" in out


def test_the_cover_header_follows_party_document_presentation(dataset):
    fields = banner_fields(dataset.handbook)
    assert fields["header_parent"] == "ĐẢNG BỘ TỈNH HẢI DƯƠNG" and fields["header_issuer"] == "BAN CHẤP HÀNH"
    assert fields["header_place_date"] == "Hải Dương, ngày 20 tháng 01 năm 2025"
    cover = (ROOT / "overrides" / "print-cover.html").read_text(encoding="utf-8")
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in cover and "<h1" not in cover  # the cover is not a bookmark


def test_the_readme_indicator_example_loads_with_its_target_kind(tmp_path):
    from .helpers import write_project

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(kind: indicators\n.*?)```", readme, re.S).group(1)
    example = re.sub(r"(?m)^    compare: .*\n", "", example)  # names a series of the example handbook
    project = write_project(tmp_path / "p", {"data/indicators.yaml": example.replace("grdp-growth", "growth")})
    ds, _ = load_dataset(project / "data", project)
    target = ds.indicators["growth"].target
    assert target.kind == "average" and target.base_year == 2020
    # Two years of the five (2021, 2024) are too few to judge a term average: not assessable, never a guess.
    a = assess(ds.indicators["growth"], 0.95, 3)
    assert a.status is Status.NOT_ASSESSABLE and a.kind == "average" and "2 giá trị" in a.reason


def test_every_anchor_keeps_d_and_mkdocs_yml_stays_plain_yaml(tmp_path):
    """toc's slug function comes from the handbook's hooks file, so mkdocs.yml needs no !!python tag (code)."""
    from .conftest import mkdocs_build

    assert "!!python" not in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    project = copy_project(tmp_path / "p")
    page = project / "docs" / "phan-1" / "bao-yagi.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n#### Điều đáng nhớ về đê điều\n\nĐê điều.\n", encoding="utf-8")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site" / "phan-1" / "bao-yagi" / "index.html").read_text(encoding="utf-8")
    assert 'id="dieu-dang-nho-ve-de-dieu"' in html  # a level-4 heading, not numbered: toc's own slug
