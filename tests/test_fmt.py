"""Vietnamese formatting from Babel's vi locale, rounded half-up."""

from __future__ import annotations

import pytest

from macros.fmt import NBSP, format_date, format_number, format_value
from macros.model import PartialDate


@pytest.mark.parametrize(("value", "decimals", "expected"), [
    (10.2, 1, "10,2"),
    (1234.5, 1, "1.234,5"),
    (7.25, 1, "7,3"),  # Babel alone gives 7,2 (half-even)
    (7.35, 1, "7,4"),
    (2.675, 2, "2,68"),  # binary 2.67499999… still rounds as written
    (1234567, 0, "1.234.567"),
    (-0.04, 1, "0,0"),
    (-3.25, 1, "-3,3"),
    (0.5, 0, "1"),
])
def test_numbers(value, decimals, expected):
    assert format_number(value, decimals) == expected


def test_units_and_ranges():
    assert format_value(10.2, "%", 1) == "10,2%"
    assert format_value(1234.5, "tỷ đồng", 1) == f"1.234,5{NBSP}tỷ đồng"
    assert format_value((1.5, 1.7), "lần", 1) == f"1,5–1,7{NBSP}lần"
    assert format_value(2.1, "điểm %", 1, signed=True) == f"+2,1{NBSP}điểm %"
    assert format_value(9, "người", 0, with_unit=False) == "9"


def test_dates():
    assert format_date(PartialDate(2024, 11, 24)) == "24/11/2024"
    assert format_date(PartialDate(2024, 6, 4)) == "04/06/2024"
    assert format_date(PartialDate(2024, 12)) == "12/2024"
    assert format_date(PartialDate(2024)) == "2024"
