"""The optional mapping file of ``intake --map``: where a table's parts are when they cannot be found.

```yaml
sheet: Biểu 01            # the sheet to read
header_row: 4             # the row holding the years
label_column: B           # the column naming the indicators (ids or exact names)
unit_column: C            # checked against each indicator's unit
status_column: J          # ước tính / sơ bộ (for the row's latest year, or "sơ bộ 2024")
columns: {D: 2020, E: 2021, F: 2022}   # read these columns as these years (and no others)
rows:                     # a label the office uses → the indicator it is
  Tổng sản phẩm trên địa bàn (GRDP) - tăng so với năm trước: grdp-growth
units: {budget-revenue: tỷ đồng}       # the unit the sheet uses for an indicator
```

Read with the project's safe YAML loader: the mapping is an editor's file like any other.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..core.errors import Problem, suggest
from ..core.model import Dataset
from ..core.yamlsafe import load_yaml_file
from .sheetread import Layout, fold
from .workbook import column_index

KEYS = ("sheet", "header_row", "label_column", "unit_column", "status_column", "columns", "rows", "units")
_COLUMN = re.compile(r"^[A-Z]{1,3}$")


class MappingError(Exception):
    def __init__(self, lines: list[str]):
        self.lines = lines
        super().__init__("\n".join(lines))


def read_mapping(path: Path, dataset: Dataset, display: str) -> tuple[Layout, str | None]:
    """The layout a mapping file gives, and the sheet it names; raises :class:`MappingError` with every problem."""
    doc = load_yaml_file(path, display)
    problems: list[Problem] = list(doc.problems)
    data = doc.data

    def bad(key: tuple, message: str, hint: str) -> None:
        problems.append(Problem(display, doc.line(key), ".".join(map(str, key)) or "(file)", message, hint))

    layout = Layout()
    sheet = None
    if data is not None and not isinstance(data, dict):
        bad((), "expected a mapping of keys", "see README.md, section Intake")
        data = None
    for key, value in (data or {}).items():
        if key not in KEYS:
            bad((key,), "unknown key", suggest(key, KEYS))
        elif key == "sheet":
            sheet = value if isinstance(value, str) and value else bad((key,), "expected the sheet's name", 'sheet: "Biểu 01"')
        elif key == "header_row":
            if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 1000:
                layout.header_row = value
            else:
                bad((key,), f"expected a row number, got {value!r}", "header_row: 4")
        elif key.endswith("_column"):
            col = _column(value)
            if col is None:
                bad((key,), f"expected a column letter, got {value!r}", f"{key}: B")
            setattr(layout, key, col)
        elif key == "columns":
            for letter, year in (value or {}).items() if isinstance(value, dict) else []:
                col = _column(letter)
                if col is None or not isinstance(year, int) or not 1900 <= year <= 2100:
                    bad((key, letter), f"expected COLUMN: YEAR, got {letter}: {year!r}", "columns: {D: 2020}")
                else:
                    layout.columns[col] = year
            if not isinstance(value, dict):
                bad((key,), "expected a mapping of column letters to years", "columns: {D: 2020, E: 2021}")
        elif key in ("rows", "units"):
            _ids(key, value, dataset, layout, bad)
    if problems:
        raise MappingError([str(p) for p in sorted(problems)])
    return layout, sheet


def _column(value: Any) -> int | None:
    return column_index(value) if isinstance(value, str) and _COLUMN.match(value) else None


def _ids(key: str, value: Any, dataset: Dataset, layout: Layout, bad) -> None:  # noqa: ANN001
    if not isinstance(value, dict):
        bad((key,), "expected a mapping", f"{key}: {{…}}")
        return
    for k, v in value.items():
        ind_id = v if key == "rows" else k
        if ind_id not in dataset.indicators:
            bad((key, k), f'no indicator "{ind_id}"', suggest(str(ind_id), dataset.indicators))
        elif not isinstance(v, str):
            bad((key, k), f"expected text, got {v!r}", "write it in quotes")
        elif key == "rows":
            layout.rows[fold(k)] = v
        else:
            layout.units[k] = v
