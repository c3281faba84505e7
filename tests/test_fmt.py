"""Vietnamese formatting from Babel's vi locale, rounded half-up."""

from __future__ import annotations

import math
import random

import pytest

from macros.core.fmt import NBSP, _format_babel, _format_fast, format_date, format_number, format_value
from macros.core.model import PartialDate


@pytest.mark.parametrize(("value", "decimals", "expected"), [
    (10.2, 1, "10,2"),
    (1234.5, 1, "1.234,5"),
    (7.25, 1, "7,3"),  # Babel alone gives 7,2 (half-even)
    (7.35, 1, "7,4"),
    (2.675, 2, "2,68"),  # binary 2.67499999… still rounds as written
    (1234567, 0, "1.234.567"),
    (-0.04, 1, "0,0"),
    (-3.25, 1, "−3,3"),
    (0.5, 0, "1"),
    (10.25 - 6.4, 1, "3,9"),  # 3.8499999999999996: cut to 9 decimals first, then 3,85 rounds up
    (0.1 + 0.2, 17, "0,30000000000000000"),  # the noise is cut, not shown
    (-1234567.891, 2, "−1.234.567,89"),
])
def test_numbers(value, decimals, expected):
    assert format_number(value, decimals) == expected


def _sweep() -> list[float]:
    """Deterministic values the fast path must lay out exactly as Babel does."""
    values = [0.0, -0.0, 0.1 + 0.2, 10.25 - 6.4, 1.005, 2.675, 7.25, 0.05, -0.05, 1234567.891, 1.0000000005,
              0.4999999999, 999.95, 999999.5, -999.5, 0.000123, 123456789012345.6, 9999999999999998.0]
    values += [float(i) for i in range(-1100, 1101)]
    values += [float(sign * 10**k + delta) for k in range(16) for sign in (1, -1) for delta in (-1, 0, 1)]
    # Ties and their neighbours at every shown precision: x.5, x.x5, x.xx5, x.xxx5 (and x.xx49, x.xx51 …).
    for whole in (0, 1, 7, 12, 999, 1234, 99999, 1234567):
        for digits in ("5", "05", "25", "45", "95", "005", "125", "995", "0005", "2345", "9995", "49", "51",
                       "449", "451", "4999", "5001"):
            values += [float(f"{whole}.{digits}"), -float(f"{whole}.{digits}")]
    rng = random.Random(20241125)
    for _ in range(2000):
        magnitude = 10 ** rng.uniform(-4, 15)
        values.append(rng.choice((1, -1)) * magnitude)
        values.append(round(rng.uniform(-1000, 1000), rng.randrange(1, 5)))  # short figures as read from data
        a, b = rng.uniform(1, 500), rng.uniform(1, 500)
        values.append((a / b - 1) * 100)  # computed like a growth rate, with its binary noise
    return values


def test_fast_path_matches_babel():
    """The fast path gives Babel's own output, byte for byte, and handles every plain value itself."""
    checked = 0
    for value in _sweep():
        for decimals in (0, 1, 2, 3):
            for signed in (False, True):
                fast = _format_fast(value, decimals, signed)
                assert fast is not None, (value, decimals, signed)
                assert fast == _format_babel(value, decimals, signed), (value, decimals, signed)
                checked += 1
    assert checked > 50_000


@pytest.mark.parametrize("decimals", [4, 6, 9])
def test_fast_path_matches_babel_many_decimals(decimals):
    for value in (0.0, 1 / 3, -2 / 3, 1.00005, 2.675, 0.0001234, 123456.123456789, 1e15 + 0.5, -9999999999999998.0):
        assert _format_fast(value, decimals, True) == _format_babel(value, decimals, True), value


@pytest.mark.parametrize("value", [1e-05, -5e-05, 1.5e16, -1e20, math.inf, -math.inf, math.nan])
def test_babel_path_for_what_the_fast_path_leaves(value):
    """Exponent forms, infinities and NaN are not laid out by the fast path, so Babel's result stands."""
    for decimals in (0, 2):
        assert _format_fast(value, decimals, False) is None
        try:
            expected = _format_babel(value, decimals)
        except ArithmeticError as error:  # Babel cannot quantise ±inf: format_number raises the same
            with pytest.raises(type(error)):
                format_number(value, decimals)
        else:
            assert format_number(value, decimals) == expected.replace("-", "\u2212", 1)  # the minus sign, as everywhere


def test_fast_path_only_for_plain_decimals():
    assert _format_fast(1.5, 10, False) is None
    assert _format_fast(1.5, -1, False) is None
    assert format_number(1234.5, 10) == _format_babel(1234.5, 10) == "1.234,5000000000"


def test_units_and_ranges():
    assert format_value(10.2, "%", 1) == "10,2%"
    assert format_value(1234.5, "tỷ đồng", 1) == f"1.234,5{NBSP}tỷ đồng"
    assert format_value((1.5, 1.7), "lần", 1) == f"1,5–1,7{NBSP}lần"
    assert format_value(2.1, "điểm %", 1, signed=True) == f"+2,1{NBSP}điểm phần trăm"  # written out, never "điểm %"
    assert format_value(9, "người", 0, with_unit=False) == "9"


def test_dates():
    assert format_date(PartialDate(2024, 11, 24)) == "24/11/2024"
    assert format_date(PartialDate(2024, 6, 4)) == "04/06/2024"
    assert format_date(PartialDate(2024, 12)) == "12/2024"
    assert format_date(PartialDate(2024)) == "2024"
