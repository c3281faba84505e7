"""The renderer's fast path gives exactly what Jinja gives: the same text, the same problems and lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from macros.bench.gen_report import generate
from macros.core.load import load_dataset
from macros.pages.render import PageRenderer, PageSource, discover_pages, read_page


@pytest.fixture(scope="module")
def small_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("gen") / "report", pages=12, indicators=40)


@pytest.fixture(scope="module")
def renderer(small_report: Path) -> PageRenderer:
    dataset, _ = load_dataset(small_report / "data", small_report)
    return PageRenderer(dataset)


def _page(body: str, offset: int = 3) -> PageSource:
    return PageSource("phan-01/x.md", "docs/phan-01/x.md", body, body, offset, {})


def test_generated_pages_render_the_same_both_ways(small_report: Path, renderer: PageRenderer):
    docs = small_report / "docs"
    pages = discover_pages(docs)
    assert len(pages) == 12
    for path in pages:
        page, _ = read_page(path, docs, small_report)
        assert renderer._render_calls(page) is not None, page.src  # generated pages take the fast path
        assert renderer.render(page) == renderer.render_jinja(page)


ERRORS = [
    'Một {{ fig("kinh-te-00000") }} và {{ fig("khong-co") }}.\n\nDòng {{ fig("kinh-te-00000", 2031) }}\n',
    'A {{ fig("kinh-te-00000", 1999) }}\n{{ target("nong-nghiep-00001") }}\n{{ doc("vb-9999", short=True) }}\n',
    '{{\n  fig("kinh-te-00000",\n      2023, unit=False)\n}} và {{ fig(1) }}\n',
    'x {{ fig() }} y {{ fig("kinh-te-00000", bad=1) }} {{ items("ds-0000") }} {{ meta("version") }}\n',
    '{{ change("kinh-te-00000", 2020, 2024, decimals=-1) }} {{ ratio("kinh-te-00000", "dich-vu-00003") }}\n',
    'only text, no macro\n',
]


@pytest.mark.parametrize("body", ERRORS)
def test_macro_errors_are_located_the_same_both_ways(renderer: PageRenderer, body: str):
    page = _page(body)
    fast = renderer._render_calls(page)
    assert fast is not None
    assert fast == renderer.render_jinja(page)


@pytest.mark.parametrize("body", [
    '{% if true %}x{% endif %}', '{# note #}{{ fig("kinh-te-00000") }}', '{{ fig("kinh-te-00000") | upper }}',
    '{{ range(2) }}', '{{ fig(r"kinh-te-00000") }}', '{{ fig("a\\\\b") }}', '{{- fig("kinh-te-00000") -}}',
    '{{ fig("x}}y") }}', '{{ fig(name) }}', 'a {{ b', '{{ fig("kinh-te-00000", 2024 + 0) }}', "a\r\nb {{ meta('version') }}",
    # A name that is not a handbook macro may be one of mkdocs-macros' (now(), fix_url) or a typo: Jinja judges.
    '{{ fgi("kinh-te-00000") }}', '{{ now() }}',
])
def test_anything_else_goes_to_jinja(renderer: PageRenderer, body: str):
    page = _page(body)
    assert renderer._render_calls(page) is None
    assert renderer.render(page) == renderer.render_jinja(page)
