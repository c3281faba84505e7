"""Vietnamese collation: lists and indexes sort as a Vietnamese reader expects, not by code point."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from macros.core.collate import sort_key, vi_sorted


def test_letters_with_marks_follow_their_base_letter():
    words = ["Đông", "Dân", "Ê-đê", "Em", "Ăn", "An", "Ân", "Bắc", "Ơn", "Ôn", "Ong", "Ưu", "Uy", "Vân"]
    assert vi_sorted(words) == ["An", "Ăn", "Ân", "Bắc", "Dân", "Đông", "Em", "Ê-đê", "Ong", "Ôn", "Ơn", "Uy", "Ưu",
                                "Vân"]
    assert sorted(words) != vi_sorted(words)  # code points would put Đ, Ă, Ơ, Ư after Z


def test_tones_only_break_ties_in_the_order_none_huyen_hoi_nga_sac_nang():
    assert vi_sorted(["má", "mạ", "mà", "mả", "ma", "mã"]) == ["ma", "mà", "mả", "mã", "má", "mạ"]
    # letters first: "mạnh" sorts before "mát" although its tone ranks after, because n < t
    assert vi_sorted(["mát", "mạnh"]) == ["mạnh", "mát"]


def test_latin_letters_vietnamese_lacks_keep_their_latin_place():
    assert vi_sorted(["GRDP", "FDI", "ĐVHC", "EU", "Zalo", "Yên"]) == ["ĐVHC", "EU", "FDI", "GRDP", "Yên", "Zalo"]


def test_digits_before_letters_and_case_does_not_decide_order():
    assert vi_sorted(["b", "2", "A", "10"]) == ["10", "2", "A", "b"]
    assert sort_key("bcđ")[:2] == sort_key("BCĐ")[:2]


@pytest.mark.build
def test_the_abbreviations_page_lists_in_vietnamese_order(built_site: Path):
    html = (built_site / "viet-tat" / "index.html").read_text(encoding="utf-8")
    shorts = re.findall(r"<tr(?: id=\"[^\"]*\")?><td[^>]*><strong>(.*?)</strong>", html)  # rows have ids (search entries)
    assert len(shorts) >= 5, html[:500]
    assert shorts == vi_sorted(shorts)
    assert shorts.index("BCĐ") < shorts.index("BCH")  # đ comes right after d, not after z
