"""Reading a statistics office's workbook faithfully, and writing the example's indicators as one.

openpyxl reads ``.xlsx`` itself (no Excel, no LibreOffice) and gives what a faithful import needs: the merged
ranges (a title merged across the table, a header merged over two rows, a value merged over two years), each
cell's number format (``0.0%`` shows 0.102 as 10.2%), hidden rows and columns, and — opened a second time with
``data_only=True`` — the result Excel saved for each formula. pandas would flatten all of that into a frame and
lose the cell each value came from. With defusedxml installed, openpyxl parses the workbook's XML with it, so
an entity-expansion bomb is refused; the zip is measured before it is opened.

A workbook is untrusted input: its size, its uncompressed size and the part of a sheet that is read are bounded.
"""

from __future__ import annotations

import datetime as _dt
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.model import Dataset, Indicator

MAX_FILE_BYTES = 20_000_000
MAX_UNZIPPED_BYTES = 50_000_000  # openpyxl holds every cell in memory: ~10 times this at most
MAX_ROWS = 5_000
MAX_COLUMNS = 200
ERROR_VALUES = {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#GETTING_DATA"}


class WorkbookUnreadable(Exception):
    """The file is not a workbook this tool can open safely; the message says why and what to do."""


@dataclass(frozen=True)
class Cell:
    """One cell as Excel shows it: its saved value, its number format, whether a formula made it, its merge."""

    ref: str
    value: Any
    number_format: str = "General"
    formula: bool = False
    merged: str | None = None  # the merged range ("C5:D5") the cell belongs to
    anchor: bool = True  # the top-left cell of its merged range (or not merged)


@dataclass
class Sheet:
    """A worksheet's cells by (row, column), both from 1; a merged range's value fills every cell of it."""

    title: str
    cells: dict[tuple[int, int], Cell]
    max_row: int
    max_column: int
    hidden: bool = False
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)
    full_size: tuple[int, int] = (0, 0)  # rows and columns the sheet has, of which at most the limits are read

    def get(self, row: int, column: int) -> Cell | None:
        return self.cells.get((row, column))

    def value(self, row: int, column: int) -> Any:
        cell = self.cells.get((row, column))
        return None if cell is None else cell.value


def column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def column_index(letter: str) -> int:
    from openpyxl.utils import column_index_from_string

    return column_index_from_string(letter)


def _check_zip(path: Path) -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise WorkbookUnreadable(f"cannot be read: {exc.strerror} — check the path") from None
    if size > MAX_FILE_BYTES:
        raise WorkbookUnreadable(f"is {size:,} bytes, above the limit of {MAX_FILE_BYTES:,} — "
                                 "split it into smaller workbooks")
    try:
        with zipfile.ZipFile(path) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        raise WorkbookUnreadable("is not an .xlsx workbook — save it from Excel or LibreOffice as "
                                 "\"Excel Workbook (.xlsx)\"") from None
    if unzipped > MAX_UNZIPPED_BYTES:
        raise WorkbookUnreadable(f"unpacks to {unzipped:,} bytes, above the limit of {MAX_UNZIPPED_BYTES:,} — "
                                 "split it into smaller workbooks")


def read_workbook(path: Path) -> list[Sheet]:
    """Every worksheet of ``path``, with saved formula results; raises :class:`WorkbookUnreadable`."""
    import warnings

    from openpyxl import load_workbook

    _check_zip(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns of data validation and styles it does not read
            formulas = load_workbook(path, data_only=False)
            saved = load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file; each means the same to an editor
        raise WorkbookUnreadable(f"cannot be opened as a workbook ({type(exc).__name__}) — open it in Excel or "
                                 "LibreOffice and save it again as .xlsx") from None
    return [_sheet(formulas[name], saved[name]) for name in formulas.sheetnames
            if formulas[name].__class__.__name__ == "Worksheet"]


def _extent(ws: Any) -> tuple[int, int]:
    """The last row and column holding a value or a formula.

    ``max_row`` counts cells that only carry formatting, and an office that formats A1:H10000 would see
    its 40-row table refused as too large. openpyxl keeps the cells it read in ``_cells`` (one dict; no
    public view without walking every row), so the extent is read from there.
    """
    cells = getattr(ws, "_cells", None)
    if cells is None:
        return ws.max_row or 0, ws.max_column or 0
    filled = [key for key, cell in cells.items() if cell.value is not None]
    return max((r for r, _ in filled), default=0), max((c for _, c in filled), default=0)


def _sheet(formula_ws: Any, saved_ws: Any) -> Sheet:
    rows, columns = _extent(formula_ws)
    max_row = min(rows, MAX_ROWS)
    max_column = min(columns, MAX_COLUMNS)
    cells: dict[tuple[int, int], Cell] = {}
    for row in saved_ws.iter_rows(min_row=1, max_row=max_row, max_col=max_column):
        for c in row:
            if c.__class__.__name__ == "MergedCell":
                continue
            raw = formula_ws.cell(row=c.row, column=c.column).value
            is_formula = isinstance(raw, str) and raw.startswith("=")
            if c.value is None and not is_formula:
                continue
            cells[(c.row, c.column)] = Cell(c.coordinate, c.value, c.number_format or "General", is_formula)
    for merged in saved_ws.merged_cells.ranges:
        top = cells.get((merged.min_row, merged.min_col))
        text = merged.coord
        for r in range(merged.min_row, min(merged.max_row, max_row) + 1):
            for col in range(merged.min_col, min(merged.max_col, max_column) + 1):
                anchor = (r, col) == (merged.min_row, merged.min_col)
                ref = f"{column_letter(col)}{r}"
                if top is None:
                    cells[(r, col)] = Cell(ref, None, merged=text, anchor=anchor)
                else:
                    cells[(r, col)] = Cell(ref, top.value, top.number_format, top.formula, text, anchor)
    hidden_rows = {r for r, dim in saved_ws.row_dimensions.items() if dim.hidden}
    hidden_columns: set[int] = set()
    for key, dim in saved_ws.column_dimensions.items():
        if dim.hidden:
            start = column_index(key) if dim.min is None else dim.min
            end = start if dim.max is None else dim.max
            hidden_columns.update(range(start, min(end, MAX_COLUMNS) + 1))
    return Sheet(saved_ws.title, cells, max_row, max_column, saved_ws.sheet_state != "visible",
                 hidden_rows, hidden_columns, (rows, columns))


# -- text numbers ------------------------------------------------------------------------------------------
PLACEHOLDERS = {"", "-", "–", "—", "..", "...", "…", "x", "n/a", "k.c.s", "kcs"}
_INT = re.compile(r"^-?\d+$")
_VI_GROUPED = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")
_VI_DECIMAL = re.compile(r"^-?\d+,\d+$")
_DOT_DECIMAL = re.compile(r"^-?\d+\.\d+$")


def parse_text_number(text: str) -> tuple[float | None, str]:
    """A number typed as text, read only when it can mean one thing; else (None, why it cannot).

    Vietnamese writes 1.234,5 and English 1,234.5, so "1.234" and "1,234" could each be a thousand times
    the other: those are refused, never guessed. "1.234.567", "1.234,5" and "10,2" are Vietnamese beyond
    doubt; "10.25" is English beyond doubt but never how a Vietnamese office writes, so it is refused too.
    """
    t = text.strip().replace("\u00a0", "").replace(" ", "")
    if _INT.match(t):
        return float(t), ""
    if _VI_GROUPED.match(t) and (t.count(".") > 1 or "," in t):
        return float(t.replace(".", "").replace(",", ".")), ""
    if _VI_GROUPED.match(t) or re.match(r"^-?\d{1,3},\d{3}$", t):
        return None, "ambiguous"
    if _VI_DECIMAL.match(t):
        return float(t.replace(",", ".")), ""
    if _DOT_DECIMAL.match(t):
        return None, "dot-decimal"
    return None, "not-a-number"


def is_percent_format(number_format: str) -> bool:
    """``0.0%`` shows the stored 0.102 as 10.2%; a % inside quotes or after a backslash is only a sign."""
    stripped = re.sub(r'"[^"]*"|\\.', "", number_format or "")
    return "%" in stripped


# -- export ------------------------------------------------------------------------------------------------
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(text: str, taken: set[str]) -> str:
    base = _SHEET_BAD.sub(" ", text).strip()[:28] or "Chỉ tiêu"
    title, n = base, 2
    while title.lower() in taken:
        title, n = f"{base} {n}", n + 1
    taken.add(title.lower())
    return title


def export_indicators(dataset: Dataset, path: Path, groups: Iterable[str] | None = None) -> int:
    """The indicators as a workbook laid out as a statistics office's table; returns the rows written.

    One sheet per group: a merged title row, a header with "Chỉ tiêu", "Đơn vị tính", the years and
    "Ghi chú" (the flags, "ước tính 2025"), then one row per indicator named as in the handbook (its id
    where two share a name), so ``intake`` reads the filled-in workbook back without a mapping. A range
    [low, high] is left empty.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    by_group: dict[str, list[Indicator]] = {}
    for ind in dataset.indicators.values():
        by_group.setdefault(ind.group or "Khác", []).append(ind)
    names = [ind.name for ind in dataset.indicators.values()]
    wanted = set(groups) if groups is not None else None
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    rows = 0
    for group, inds in by_group.items():
        if wanted is not None and group not in wanted:
            continue
        ws = wb.create_sheet(_sheet_title(group, taken))
        years = sorted({y for ind in inds for y in ind.values})
        width = 3 + len(years)
        ws.cell(row=1, column=1, value=f"Số liệu chỉ tiêu — {group}").font = Font(bold=True)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
        header = ["Chỉ tiêu", "Đơn vị tính", *years, "Ghi chú"]
        for col, text in enumerate(header, start=1):
            ws.cell(row=3, column=col, value=text).font = Font(bold=True)
        for r, ind in enumerate(inds, start=4):
            ws.cell(row=r, column=1, value=ind.name if names.count(ind.name) == 1 else ind.id)
            ws.cell(row=r, column=2, value=ind.unit)
            if ind.flags:  # read back by intake's notes column: the flags survive the round trip
                ws.cell(row=r, column=width, value="; ".join(f"{flag} {year}" for year, flag in sorted(ind.flags.items())))
            for col, year in enumerate(years, start=3):
                value = ind.values.get(year)
                if value is not None and not isinstance(value, tuple):
                    cell = ws.cell(row=r, column=col, value=value)
                    cell.number_format = "#,##0" + ("." + "0" * ind.decimals if ind.decimals else "")
            rows += 1
        ws.column_dimensions["A"].width = 60
    wb.save(path)
    return rows


def cell_date(value: Any) -> bool:
    return isinstance(value, (_dt.date, _dt.datetime, _dt.time, _dt.timedelta))
