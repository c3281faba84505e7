"""Vietnamese number and date formatting, from CLDR through Babel, with half-up rounding.

Babel rounds half to even (7,25 → 7,2); statistical tables round half up (7,25 → 7,3). So the value is
first quantised with ``ROUND_HALF_UP`` on its decimal (not binary) representation, and Babel only lays
out the digits: decimal comma and dot grouping come from the ``vi`` locale, never from hand-written code.

Laying out through Babel costs ~8 µs a number (a 1,000-page handbook formats ~45,000 distinct ones), so
the common case takes a fast path with the same result: the same half-up rounding done on the digits of
the same ``repr``, Python's ``,`` grouping, and the symbols Babel itself would use, read once from it.
Anything else (exponent forms, inf/nan, many decimals) goes through Babel as before.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import cache, lru_cache

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.numbers import NumberPattern, get_decimal_symbol, get_group_symbol, parse_pattern

from .model import PartialDate, Value

LOCALE = "vi"
NBSP = "\u00a0"
RANGE_DASH = "–"


@cache
def _locale() -> Locale:
    return Locale.parse(LOCALE)


def round_half_up(value: float, decimals: int) -> Decimal:
    """Round as statistical tables do, on the value as written, not its binary approximation.

    ``repr`` gives the shortest decimal that round-trips (2.675, not 2.67499…), and computed figures
    are first cut to 9 decimals so arithmetic noise (10.25 − 6.4 = 3.8499999999999996) cannot decide.
    """
    quantum = Decimal(1).scaleb(-decimals)
    with localcontext(prec=60):  # room for a 1e15 value with its decimals (the default 28 digits is not)
        return Decimal(repr(round(float(value), 9))).quantize(quantum, rounding=ROUND_HALF_UP)


@cache
def _pattern(decimals: int) -> NumberPattern:
    """The parsed CLDR-style pattern for ``decimals`` digits (Babel would parse it again on every call)."""
    return parse_pattern("#,##0" + ("." + "0" * decimals if decimals else ""))


# Most decimals a figure is shown with on the fast path: a float written without exponent has at most 16
# integer digits, so 16 + 9 digits stay within the 28 of Babel's default context (it raises beyond).
_FAST_MAX_DECIMALS = 9


@cache
def _fast_symbols(decimals: int) -> tuple[str, str, str, str] | None:
    """``(group, decimal, minus, plus)`` as Babel's ``_pattern(decimals)`` lays them out in ``vi``, or ``None``.

    Read from Babel, never written here: the group and decimal symbols are the ones its ``NumberPattern``
    asks the locale for, and the minus is the pattern's negative prefix (what Babel prints, whatever the
    locale's ``minusSign``). ``None`` (Babel does the layout) unless the pattern is the plain one the fast
    path reproduces: groups of three, no prefix or suffix, no scale or exponent.
    """
    pattern = _pattern(decimals)
    group, decimal = get_group_symbol(_locale()), get_decimal_symbol(_locale())
    minus, plus = pattern.prefix[1], _locale().number_symbols["latn"]["plusSign"]
    plain = (pattern.grouping == (3, 3) and pattern.int_prec[0] == 1 and pattern.frac_prec == (decimals, decimals)
             and pattern.prefix[0] == "" and pattern.suffix == ("", "") and not pattern.scale
             and not pattern.exp_prec and "'" not in group + decimal + minus)
    return (group, decimal, minus, plus) if plain else None


def _format_fast(value: float, decimals: int, signed: bool) -> str | None:
    """``format_number`` without Babel's layout, or ``None`` when the value is outside what it handles.

    The rounding is ``round_half_up``'s on the same text: ``repr`` of the value cut to 9 decimals, quantised
    half up (away from zero on a tie), so rounding up exactly when the first dropped digit is 5 or more.
    """
    if type(decimals) is not int or not 0 <= decimals <= _FAST_MAX_DECIMALS:
        return None
    symbols = _fast_symbols(decimals)
    if symbols is None:
        return None
    text = repr(round(float(value), 9))
    negative = text[0] == "-"
    whole, dot, frac = text.lstrip("-").partition(".")
    if not dot or "e" in frac:  # inf, nan, 1e-05, 1.5e+16: Babel's path
        return None
    if len(frac) > decimals:
        scaled = int(whole + frac[:decimals]) + (frac[decimals] >= "5")
    else:
        scaled = int(whole + frac + "0" * (decimals - len(frac)))
    group, decimal, minus, plus = symbols
    units, cents = divmod(scaled, 10**decimals)
    number = str(units) if units < 1000 else f"{units:,}".replace(",", group)
    if decimals:
        number += decimal + str(cents).zfill(decimals)
    if scaled == 0:  # no "-0,0"
        return number
    if negative:
        return minus + number
    return plus + number if signed else number


def _format_babel(value: float, decimals: int = 0, signed: bool = False) -> str:
    """``format_number`` with Babel laying out the digits: the reference, and the path for unusual values."""
    rounded = round_half_up(value, decimals)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0,0"
    text = _pattern(decimals).apply(rounded, _locale())
    if signed and rounded > 0:
        text = _locale().number_symbols["latn"]["plusSign"] + text
    return text


# A handbook shows the same figures on many pages (and every value again in the indicator table):
# formatting is a pure function of its arguments, so results are kept.
@lru_cache(maxsize=1 << 16)
def format_number(value: float, decimals: int = 0, signed: bool = False) -> str:
    """``1234.5, 1`` → ``1.234,5`` in the ``vi`` locale; a negative number takes the minus sign (−), not a hyphen."""
    text = _format_fast(value, decimals, signed)
    text = _format_babel(value, decimals, signed) if text is None else text
    return MINUS + text[1:] if text.startswith("-") else text


# Vietnamese typography: the minus sign, and units written out where a symbol would be read wrongly.
MINUS = "\u2212"
UNIT_WORDS = {"điểm %": "điểm phần trăm"}


def attach_unit(number: str, unit: str) -> str:
    """``10,2`` + ``%`` → ``10,2%`` (CLDR ``vi`` puts no space before %); other units after a no-break space."""
    if not unit:
        return number
    unit = UNIT_WORDS.get(unit, unit)
    if unit == "%":
        return number + _percent_sign()
    return number + NBSP + unit


@cache
def _percent_sign() -> str:
    return _locale().number_symbols["latn"]["percentSign"]


def format_value(value: Value, unit: str, decimals: int = 0, signed: bool = False, with_unit: bool = True) -> str:
    """A value (or a range ``[low, high]``) with its unit: ``1,5–1,7 lần``."""
    if isinstance(value, tuple):
        number = format_number(value[0], decimals, signed) + RANGE_DASH + format_number(value[1], decimals, signed)
    else:
        number = format_number(value, decimals, signed)
    return attach_unit(number, unit) if with_unit else number


def format_date(date: PartialDate) -> str:
    """``24/11/2024``; a date known only to the month or year is shown as far as it is known."""
    return _format_date(date.year, date.month, date.day)


# Every figure's tooltip carries its source's date: tens of thousands of calls for a few dozen dates.
@lru_cache(maxsize=4096)
def _format_date(year: int, month: int | None, day: int | None) -> str:
    date = PartialDate(year, month, day)
    full = date.as_date()
    if full is not None:
        return _babel_date(full, format="dd/MM/yyyy", locale=_locale())
    if date.month is not None:
        import datetime as _dt

        return _babel_date(_dt.date(date.year, date.month, 1), format="MM/yyyy", locale=_locale())
    return str(date.year)


def format_ratio(value: float, decimals: int = 2) -> str:
    """A bare ratio for method tables (0,95)."""
    return format_number(value, decimals)
