"""Workbooks as a provincial statistics office sends them, made with openpyxl for the intake tests."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

from openpyxl import Workbook, load_workbook


def save_formula_results(path: Path, results: dict[tuple[str, str], float]) -> None:
    """Store results for formulas, as Excel does when it saves (openpyxl writes formulas without them).

    ``results`` maps (sheet title, cell) to the value Excel would have computed.
    """
    wb = load_workbook(path)
    titles = wb.sheetnames
    tmp = path.with_suffix(".tmp.xlsx")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            m = re.match(r"xl/worksheets/sheet(\d+)\.xml$", info.filename)
            if m:
                title = titles[int(m.group(1)) - 1]
                text = data.decode("utf-8")
                for (sheet, ref), value in results.items():
                    if sheet == title:
                        text, n = re.subn(rf'(<c r="{ref}"[^>]*><f>[^<]*</f>)<v\s*/>', rf"\g<1><v>{value}</v>", text)
                        assert n == 1, f"no formula at {sheet}!{ref}"
                data = text.encode("utf-8")
            dst.writestr(info, data)
    shutil.move(tmp, path)


def office_workbook(path: Path) -> Path:
    """Two sheets in the office's layout, for the test project of tests/helpers.py (growth, national).

    Sheet "Kinh tế": a title merged over the table, "STT" and "Chỉ tiêu" merged over two header rows, a
    group "Ước thực hiện" merged over 2025, a unit column, a plan column, a notes column, a formula, a hidden
    row, a text number, a row no indicator matches. Sheet "Cả nước": the national series by its id.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = "Kinh tế"
    ws["A1"] = "BIỂU 01. MỘT SỐ CHỈ TIÊU KINH TẾ CHỦ YẾU"
    ws.merge_cells("A1:H1")
    ws["A3"], ws["B3"], ws["C3"] = "STT", "Chỉ tiêu", "Đơn vị tính"
    for col in "ABC":
        ws.merge_cells(f"{col}3:{col}4")
    ws["D3"] = "Thực hiện"
    ws.merge_cells("D3:E3")
    ws["D4"], ws["E4"] = 2023, 2024
    ws["F3"] = "Ước thực hiện"
    ws["F4"] = 2025
    ws["G3"], ws["G4"] = "Kế hoạch", "KH 2026"
    ws["H3"] = "Ghi chú"
    ws.merge_cells("H3:H4")
    ws.append([1, "Tăng trưởng", "%", 9.3, "=D5+1.1", 8.9, 9.0, None])  # row 5: E5 is a formula
    ws.append([2, "Chỉ số không có trong sổ tay", "%", 1.0, 2.0, 3.0, None, None])  # row 6
    ws.append([3, "growth", "%", 99, 99, 99, None, None])  # row 7: hidden (an old copy)
    ws.row_dimensions[7].hidden = True
    ws2 = wb.create_sheet("Cả nước")
    ws2["A1"] = "Chỉ tiêu"
    ws2["B1"], ws2["C1"] = "2023", "Sơ bộ 2024"
    ws2.append(["national", "5,05", 7.09])  # a text number in Vietnamese notation, beyond doubt
    wb.save(path)
    save_formula_results(path, {("Kinh tế", "E5"): 10.4})
    return path
