"""Rows of the documents, targets and abbreviations tables are search entries of their own (macros/site/search.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from macros.core.load import load_dataset
from macros.pages import html as h
from macros.site.search import add_row_entries, row_entries, table_rows, worker_script

ROOT = Path(__file__).resolve().parent.parent


def test_a_marked_table_gives_one_entry_per_row_with_an_id():
    rows = [({"id": "doc-a"}, ["Nghị quyết 57-NQ/TW", "22/12/2024", "<strong>Về đột phá</strong><br>Xác định &amp; làm"]),
            ({}, ["không có id", "x", "y"]),
            ({"id": "doc-b"}, ["Luật 31/2024/QH15", "—", "Luật Đất đai"])]
    page = "<p>trước</p>" + h.table(["Văn bản", "Ngày", "Trích yếu"], rows, search_rows=True) + "<p>sau</p>"
    entries = row_entries("van-ban/", page)
    assert [e["location"] for e in entries] == ["van-ban/#doc-a", "van-ban/#doc-b"]
    assert entries[0]["title"] == "Nghị quyết 57-NQ/TW"
    assert entries[0]["text"] == "22/12/2024 · Về đột phá — Xác định &amp; làm"
    assert entries[1]["text"] == "Luật Đất đai"  # an empty cell ("—") is left out


def test_an_unmarked_table_gives_no_entries_and_a_marked_one_stays_out_of_its_section():
    rows = [({"id": "r"}, ["a", "b"])]
    assert table_rows(h.table(["A", "B"], rows)) == []
    assert "data-search-exclude" in h.table(["A", "B"], rows, search_rows=True)


def test_row_entries_follow_their_page_and_are_not_added_twice(tmp_path: Path):
    (tmp_path / "van-ban").mkdir()
    page = h.table(["Văn bản", "Ngày"], [({"id": "doc-a"}, ["Chỉ thị 35-CT/TW", "2024"])], search_rows=True)
    (tmp_path / "van-ban" / "index.html").write_text(page, encoding="utf-8")
    index = {"docs": [{"location": "", "title": "Home", "text": ""},
                      {"location": "van-ban/", "title": "Văn bản", "text": ""},
                      {"location": "van-ban/#nguon", "title": "Nguồn", "text": ""},
                      {"location": "khac/", "title": "Khác", "text": ""}]}
    assert add_row_entries(index, tmp_path) == 1
    assert [d["location"] for d in index["docs"]] == ["", "van-ban/", "van-ban/#nguon", "van-ban/#doc-a", "khac/"]
    assert add_row_entries(index, tmp_path) == 0


def test_anchor_ids_are_ascii_and_distinct_for_every_abbreviation():
    assert h.anchor_id("abbr", "BCĐ") == "abbr-bcd"
    assert h.anchor_id("abbr", "Ủy ban (TW)") == "abbr-uy-ban-tw"


@pytest.mark.build
def test_the_built_index_holds_every_document_target_and_abbreviation_row(built_site: Path):
    ds, _ = load_dataset(ROOT / "data", ROOT)
    docs = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    by_location = {d["location"]: d for d in docs}
    documents = ds.handbook.documents_page.removesuffix(".md") + "/"
    for doc in ds.documents.values():
        entry = by_location[f"{documents}#doc-{doc.id}"]
        assert (doc.number or "") in entry["title"]
    targets = [loc for loc in by_location if "#tgt-" in loc]
    assert len(targets) == sum(1 for i in ds.indicators.values() if i.target is not None)
    abbreviations = [d for d in docs if "#abbr-" in d["location"]]
    assert sorted(d["title"] for d in abbreviations) == sorted(a.short for a in ds.abbreviations)
    assert len({d["location"] for d in abbreviations}) == len(ds.abbreviations)
    # The documents table is no longer a run-on block in its section's text.
    page = by_location[documents]
    assert not any(d.number and d.number in page["text"] for d in ds.documents.values())


def test_a_table_naming_columns_keeps_those_columns_only_the_first_named_as_title():
    rows = [({"id": "tgt-a"}, ["Tỷ lệ hộ nghèo", "≤ 1,00% (2025)", "2,50% (2020)", "0,90% (2024)", "Đã đạt"])]
    page = h.table(["Chỉ tiêu", "Mục tiêu", "Năm gốc", "Mới nhất", "Tình trạng"], rows, search_rows=(0, 1, 3, 4))
    assert row_entries("chi-tieu/", page) == [
        {"location": "chi-tieu/#tgt-a", "title": "Tỷ lệ hộ nghèo", "text": "≤ 1,00% (2025) · 0,90% (2024) · Đã đạt"}]


def test_the_worker_script_loses_its_comments_not_its_code():
    source = (ROOT / "macros" / "site" / "assets" / "search-fold.js").read_text(encoding="utf-8")
    script = worker_script(source)
    assert len(script) < 0.75 * len(source)
    assert "/*" not in script.split("\n")[0] and not any(line.lstrip().startswith("//") for line in script.splitlines())
    code = [line.strip() for line in source.splitlines()
            if line.strip() and not line.strip().startswith(("//", "/*", "*"))]
    assert [line for line in script.splitlines() if line] == code


def test_the_first_named_column_is_the_title_whatever_its_place():
    """The targets table shows the status first (a phone's reader came for it); its entry's title is the name."""
    rows = [({"id": "tgt-a"}, ["Đã đạt", "Tỷ lệ hộ nghèo", "≤ 1,00% (2025)", "0,90% (2024)"])]
    page = h.table(["Tình trạng", "Chỉ tiêu", "Mục tiêu", "Mới nhất"], rows, search_rows=(1, 2, 0))
    assert row_entries("chi-tieu/", page) == [
        {"location": "chi-tieu/#tgt-a", "title": "Tỷ lệ hộ nghèo", "text": "≤ 1,00% (2025) · Đã đạt"}]


def test_rows_are_the_same_however_the_page_is_cut_and_rows_after_the_last_marked_table_are_not_read():
    from macros.site.search import _parse_rows

    marked = h.table(["A", "B"], [({"id": "r1"}, ["một", "hai"]), ({"id": "r2"}, ["ba", "bốn"])], search_rows=True)
    second = h.table(["A", "B"], [({"id": "r3"}, ["năm", "sáu"])], search_rows=True)
    after = h.table(["A", "B"], [({"id": "not-marked"}, ["bảy", "tám"])])
    page = "<nav>" + "<a href='#'>x</a>" * 500 + "</nav>" + marked + "<p>giữa</p>" * 300 + second + after
    whole = [row_id for row_id, _ in table_rows(page)]
    assert whole == ["r1", "r2", "r3"]
    for chunk in (1, 5, 64, 4096):
        assert _parse_rows(page, chunk) == table_rows(page)
    # The mark written as text (an editor quoting it) does not end the parse early: nothing is lost.
    quoted = marked + "<p>data-hb-search-rows</p>" + second
    assert [r for r, _ in _parse_rows(quoted, 8)] == ["r1", "r2", "r3"]
