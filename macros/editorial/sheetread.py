"""From a worksheet to readings: which row is which indicator, which column which year, and each value.

A statistics office's table has a merged title above a header row of years, indicators down one column
(often after an "STT" column), a unit column ("Đơn vị tính"), sometimes a plan column beside the actual one
("KH 2025" next to "Ước TH 2025") and a notes column ("Ghi chú": ước tính, sơ bộ). Everything that cannot be
read as one certain number becomes a :class:`CellProblem`; nothing is guessed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from ..core.errors import suggest
from ..core.model import Dataset, Indicator
from .workbook import (
    ERROR_VALUES,
    MAX_COLUMNS,
    MAX_ROWS,
    PLACEHOLDERS,
    Cell,
    Sheet,
    cell_date,
    column_index,
    column_letter,
    is_percent_format,
    parse_text_number,
)

LEVEL_UNITS_EXEMPT = {"%", "điểm %", "lần", "điểm"}  # rates and ratios: a tenfold change can be real
_YEAR = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)")
_PLAN = re.compile(r"\b(kế hoạch|kh|mục tiêu|chỉ tiêu|dự kiến)\b")
_ESTIMATE = re.compile(r"\b(ước tính|ước thực hiện|ước th|ước|ưth|ưt)\b")
_PRELIMINARY = re.compile(r"\b(sơ bộ|sb)\b")
_UNIT_HEADERS = ("đơn vị tính", "đvt", "đơn vị")
_STATUS_HEADERS = ("ghi chú", "trạng thái", "tình trạng")


def fold(text: Any) -> str:
    """Text compared as an editor would: NFC, case-folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", str(text)).casefold().split())


def flag_of(text: Any) -> str | None:
    t = fold(text)
    if _PRELIMINARY.search(t):
        return "sơ bộ"
    if _ESTIMATE.search(t):
        return "ước tính"
    return None


@dataclass(frozen=True)
class CellProblem:
    sheet: str
    cell: str
    message: str
    hint: str

    def text(self, workbook: str) -> str:
        return f"{workbook}!{self.sheet}!{self.cell}: {self.message} — {self.hint}"


@dataclass(frozen=True)
class Reading:
    """One value read from one cell for one indicator and year."""

    indicator: str
    year: int
    value: float
    flag: str | None
    sheet: str
    cell: str


@dataclass
class Layout:
    """How a sheet is laid out; found from its header, or given by a mapping file."""

    header_row: int | None = None
    label_column: int | None = None
    unit_column: int | None = None
    status_column: int | None = None
    columns: dict[int, int] = field(default_factory=dict)  # column → year
    rows: dict[str, str] = field(default_factory=dict)  # folded row label → indicator id
    units: dict[str, str] = field(default_factory=dict)  # indicator id → the unit the sheet uses


@dataclass
class SheetResult:
    readings: list[Reading] = field(default_factory=list)
    problems: list[CellProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was skipped and why (dry run shows them)
    unmatched: list[str] = field(default_factory=list)
    used: bool = False


class Matcher:
    """Row labels → indicators: an id, or an indicator's exact name (NFC, case and spaces aside)."""

    def __init__(self, dataset: Dataset, extra: dict[str, str]):
        self.ds = dataset
        self.by_name: dict[str, list[str]] = {}
        for ind in dataset.indicators.values():
            self.by_name.setdefault(fold(ind.name), []).append(ind.id)
        self.extra = extra

    def match(self, label: Any) -> tuple[Indicator | None, str]:
        if label is None or not isinstance(label, str | int | float) or isinstance(label, bool):
            return None, ""
        text = str(label).strip()
        key = fold(text)
        if key in self.extra:
            return self.ds.indicators.get(self.extra[key]), ""
        if text in self.ds.indicators:
            return self.ds.indicators[text], ""
        ids = self.by_name.get(key, [])
        if len(ids) == 1:
            return self.ds.indicators[ids[0]], ""
        if len(ids) > 1:
            return None, f"names {len(ids)} indicators ({', '.join(ids)}) — write the id instead"
        return None, ""

    def hint(self, label: str) -> str:
        return suggest(str(label), [ind.name for ind in self.ds.indicators.values()])


def _header_years(sheet: Sheet, row: int) -> dict[int, int]:
    years: dict[int, int] = {}
    for col in range(1, sheet.max_column + 1):
        v = sheet.value(row, col)
        if isinstance(v, bool):
            continue
        if isinstance(v, int | float) and float(v).is_integer() and 1900 <= v <= 2100:
            years[col] = int(v)
        elif isinstance(v, str) and len(v) <= 60 and len(_YEAR.findall(v)) == 1:
            years[col] = int(_YEAR.search(v).group(1))
    return years


def find_header(sheet: Sheet, limit: int = 30) -> int | None:
    """The first row (of the first thirty) with two year cells, else the first with one."""
    single = None
    for row in range(1, min(sheet.max_row, limit) + 1):
        found = len(_header_years(sheet, row))
        if found >= 2:
            return row
        if found == 1 and single is None:
            single = row
    return single


def _header_text(sheet: Sheet, header: int, col: int, first_col: int = 1) -> str:
    """A column's header with the group above it ("Ước thực hiện" merged over "2025").

    A cell above counts only if it does not reach into the label columns: a table's title merged across
    the whole width ("Số liệu chỉ tiêu kinh tế") is not part of any column's header.
    """
    parts = []
    for r in range(max(1, header - 2), header):
        cell = sheet.get(r, col)
        if cell is None or cell.value is None:
            continue
        start = column_index(re.sub(r"\d", "", cell.merged.split(":")[0])) if cell.merged else col
        if start >= first_col:
            parts.append(cell.value)
    parts.append(sheet.value(header, col))
    return " ".join(str(p) for p in dict.fromkeys(parts) if p is not None)


class SheetReader:
    def __init__(self, sheet: Sheet, dataset: Dataset, layout: Layout, matcher: Matcher):
        self.sheet, self.ds, self.layout, self.matcher = sheet, dataset, layout, matcher
        self.out = SheetResult()

    def problem(self, cell: str, message: str, hint: str) -> None:
        self.out.problems.append(CellProblem(self.sheet.title, cell, message, hint))

    def read(self) -> SheetResult:
        s, lay = self.sheet, self.layout
        rows, columns = s.full_size
        if rows > s.max_row or columns > s.max_column:
            self.problem("A1", f"the sheet has {rows} rows and {columns} columns; intake reads at most {MAX_ROWS} "
                               f"and {MAX_COLUMNS}", "split the sheet, or delete the rows and columns it does not need")
            return self.out
        header = lay.header_row or find_header(s)
        if header is None:
            self.out.notes.append(f"sheet {s.title}: no header row of years — skipped (a mapping can name it)")
            return self.out
        year_columns = self._year_columns(header)
        if not year_columns:
            self.out.notes.append(f"sheet {s.title}: no year columns in row {header} — skipped")
            return self.out
        first_year_col = min(year_columns)
        label_col = lay.label_column or self._label_column(header, first_year_col)
        if label_col is None:
            self.out.notes.append(f"sheet {s.title}: no row names an indicator — skipped")
            return self.out
        self.out.used = True
        unit_col = lay.unit_column or self._find_column(header, _UNIT_HEADERS, first_year_col)
        status_col = lay.status_column or self._find_column(header, _STATUS_HEADERS, None)
        for row in range(header + 1, s.max_row + 1):
            self._row(row, label_col, unit_col, status_col, year_columns)
        return self.out

    def _year_columns(self, header: int) -> dict[int, tuple[int, str | None]]:
        s, lay = self.sheet, self.layout
        if lay.columns:
            first = min(lay.columns)
            return {col: (year, flag_of(_header_text(s, header, col, first))) for col, year in lay.columns.items()}
        chosen: dict[int, tuple[int, str | None]] = {}
        seen: dict[int, int] = {}
        found = _header_years(s, header)
        first = min(found, default=1)
        for col, year in found.items():
            text = _header_text(s, header, col, first)
            cell = f"{column_letter(col)}{header}"
            if col in s.hidden_columns:
                self.out.notes.append(f"{s.title}!{cell}: column {year} is hidden — skipped (unhide it to import)")
                continue
            if _PLAN.search(fold(text)) and not _ESTIMATE.search(fold(text)):
                self.out.notes.append(f"{s.title}!{cell}: \"{text}\" is a plan, not a result — skipped")
                continue
            if year in seen:
                self.problem(cell, f"a second column for {year} (the first is {column_letter(seen[year])}{header})",
                             "keep one, or name the columns to read in a mapping file (`columns:`)")
                continue
            seen[year] = col
            chosen[col] = (year, flag_of(text))
        return chosen

    def _label_column(self, header: int, before: int) -> int | None:
        best, best_count = None, 0
        for col in range(1, before):
            count = sum(1 for r in range(header + 1, self.sheet.max_row + 1)
                        if any(self.matcher.match(self.sheet.value(r, col))))  # a shared name counts: it is refused
            if count > best_count:
                best, best_count = col, count
        return best

    def _find_column(self, header: int, names: tuple[str, ...], before: int | None) -> int | None:
        for col in range(1, (before or self.sheet.max_column + 1)):
            if fold(self.sheet.value(header, col) or "").rstrip(":") in names:
                return col
        return None

    def _row(self, row: int, label_col: int, unit_col: int | None, status_col: int | None,
             year_columns: dict[int, tuple[int, str | None]]) -> None:
        s = self.sheet
        label = s.value(row, label_col)
        if label is None or (isinstance(label, str) and not label.strip()):
            return
        ref = f"{column_letter(label_col)}{row}"
        ind, why = self.matcher.match(label)
        if row in s.hidden_rows:
            if ind is not None:
                self.out.notes.append(f"{s.title}!{ref}: row of {ind.id} is hidden — skipped (unhide it to import)")
            return
        if ind is None:
            if why:
                self.problem(ref, f'"{label}" {why.split(" — ")[0]}', why.split(" — ")[1])
            elif isinstance(label, str):
                self.out.unmatched.append(f"{s.title}!{ref}: \"{label.strip()}\" — {self.matcher.hint(label)}")
            return
        if not self._unit_agrees(ind, unit_col, row, ref):
            return
        status = s.value(row, status_col) if status_col else None
        row_readings: list[Reading] = []
        for col, (year, header_flag) in sorted(year_columns.items()):
            cell = s.get(row, col)
            if cell is None:
                continue
            value = self._value(ind, cell)
            if value is not None:
                row_readings.append(Reading(ind.id, year, value, header_flag, s.title, cell.ref))
        self.out.readings.extend(_apply_status(row_readings, status))

    def _unit_agrees(self, ind: Indicator, unit_col: int | None, row: int, ref: str) -> bool:
        given = self.layout.units.get(ind.id)
        where = ref
        if given is None and unit_col is not None:
            given = self.sheet.value(row, unit_col)
            where = f"{column_letter(unit_col)}{row}"
        if given is None or not str(given).strip():
            return True
        if fold(given) in (fold(ind.unit), "phần trăm" if ind.unit == "%" else fold(ind.unit)):
            return True
        self.problem(where, f'the unit "{str(given).strip()}" disagrees with {ind.id}\'s unit "{ind.unit}"',
                     f"convert the row to {ind.unit} in the workbook, or correct the unit")
        return False

    def _value(self, ind: Indicator, cell: Cell) -> float | None:
        v = cell.value
        if cell.merged and not cell.anchor or (cell.merged and _spans_columns(cell.merged)):
            self.problem(cell.ref, f"the value is merged across {cell.merged}",
                         "unmerge the cells and give each year its own value")
            return None
        if v is None:
            if cell.formula:
                self.problem(cell.ref, "a formula with no saved result",
                             "open the workbook in Excel or LibreOffice and save it, so the results are stored")
            return None
        if isinstance(v, bool) or cell_date(v):
            self.problem(cell.ref, f"{'true/false' if isinstance(v, bool) else 'a date'}, not a number",
                         "format the cell as a number and type the value")
            return None
        if isinstance(v, str):
            if v.strip() in ERROR_VALUES:
                self.problem(cell.ref, f"the formula gives the error {v.strip()}", "correct the formula in the workbook")
                return None
            if fold(v) in PLACEHOLDERS:
                return None
            number, why = parse_text_number(v)
            if number is None:
                self.problem(cell.ref, *_TEXT_PROBLEMS[why](v.strip()))
                return None
            v = number
        value = float(v)
        if is_percent_format(cell.number_format):
            if ind.unit not in ("%", "điểm %"):
                self.problem(cell.ref, f"formatted as a percentage, but {ind.id} is in {ind.unit}",
                             "format the cell as a number, or check the row")
                return None
            value *= 100
        value = float(f"{value:.10g}")  # a formula's saved 9.299999999999999 is the 9.3 the sheet shows
        return value if self._plausible(ind, cell.ref, value) else None

    def _plausible(self, ind: Indicator, ref: str, value: float) -> bool:
        shown = f"{value:g}"
        if ind.range is not None:
            low, high = ind.range
            if not low <= value <= high:
                self.problem(ref, f"{shown} is outside {ind.id}'s range [{low:g}, {high:g}]",
                             "check the value and its unit, or widen `range:` in the data file")
                return False
            return True
        if ind.unit in LEVEL_UNITS_EXEMPT:
            return True
        known = [abs(x) for x in ind.values.values() if not isinstance(x, tuple) and x]
        if known and value and not 0.1 < abs(value) / max(known) < 10 and not 0.1 < abs(value) / min(known) < 10:
            self.problem(ref, f"{shown} is more than ten times off {ind.id}'s values ({min(known):g}–{max(known):g} "
                              f"{ind.unit})", "check the unit (tỷ or nghìn tỷ?); if it is right, add `range:` "
                                             "to the indicator")
            return False
        return True


def _spans_columns(merged: str) -> bool:
    start, _, end = merged.partition(":")
    return bool(end) and re.sub(r"\d", "", start) != re.sub(r"\d", "", end)


_TEXT_PROBLEMS = {
    "ambiguous": lambda v: (f'"{v}" is a number stored as text, and its "{"." if "." in v else ","}" may separate '
                            "thousands or decimals (a thousandfold difference)",
                            "store it as a number in the workbook (Format Cells → Number)"),
    "dot-decimal": lambda v: (f'"{v}" is text with a decimal point, not a Vietnamese number',
                              "store it as a number in the workbook (Format Cells → Number)"),
    "not-a-number": lambda v: (f'"{v[:40]}" is not a number', "type the number, or leave the cell empty if there is none"),
}


def _apply_status(readings: list[Reading], status: Any) -> list[Reading]:
    """The notes column: "ước tính" marks the row's latest year; "sơ bộ 2024; ước tính 2025" names them."""
    if status is None or not readings:
        return readings
    text = fold(status)
    named: dict[int, str] = {}
    for part in re.split(r"[;,\n]", text):
        flag = flag_of(part)
        for year in _YEAR.findall(part):
            if flag:
                named[int(year)] = flag
    if not named:
        flag = flag_of(text)
        if flag is None:
            return readings
        named = {max(r.year for r in readings): flag}
    return [Reading(r.indicator, r.year, r.value, named.get(r.year, r.flag), r.sheet, r.cell) for r in readings]


def letter_or_none(value: str | None) -> int | None:
    return column_index(value) if value else None
