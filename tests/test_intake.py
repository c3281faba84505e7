"""`python -m macros intake`: workbooks in, values written faithfully (or not at all), each traced to its cell."""

from __future__ import annotations

import datetime as dt
import difflib
import html
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from macros.core.load import load_dataset
from macros.editorial.intake import run_intake
from macros.editorial.mapping import read_mapping
from macros.editorial.workbook import export_indicators, parse_text_number
from macros.editorial.yamledit import Editor, EditRefused
from macros.pages.api import Macros
from tests.conftest import ROOT
from tests.helpers import INDICATORS, write_project
from tests.workbooks import office_workbook, save_formula_results

TODAY = dt.date(2026, 12, 2)


def run_macros(project: Path, *args: str) -> subprocess.CompletedProcess:
    """The command as an editor runs it, on a project without its own copy of macros/."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "macros", "--project", str(project), *args], cwd=project, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    page = "\n\n".join(["# Trang", '{{ fig("growth") }}', "{{ indicators_table() }}", "{{ sources_list() }}",
                        "{{ documents_table() }}", "{{ targets_table() }}"])
    return write_project(tmp_path / "p", page=page + "\n")


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "data").rglob("*"))}


def test_text_numbers_are_read_only_when_they_mean_one_thing():
    assert parse_text_number("2700")[0] == 2700
    assert parse_text_number("10,2")[0] == 10.2
    assert parse_text_number("1.234,5")[0] == 1234.5
    assert parse_text_number("1.234.567")[0] == 1234567
    assert parse_text_number("1 234")[0] == 1234
    for ambiguous in ("1.234", "1,234", "-23.600"):
        assert parse_text_number(ambiguous) == (None, "ambiguous")
    assert parse_text_number("10.25") == (None, "dot-decimal")
    assert parse_text_number("khoảng 10") == (None, "not-a-number")


def test_dry_run_prints_every_change_in_vietnamese_format_and_writes_nothing(project: Path, capsys):
    book = office_workbook(project / "so-lieu.xlsx")
    before = _snapshot(project)
    assert run_intake(project, book, dry_run=True, today=TODAY) == 0
    out = capsys.readouterr().out
    assert _snapshot(project) == before
    assert "growth 2024: 10,3% → 10,4%   [so-lieu.xlsx!Kinh tế!E5]" in out  # the formula's saved result
    assert "growth 2023: new 9,3%   [so-lieu.xlsx!Kinh tế!D5]" in out
    assert "growth 2025: new 8,9% (ước tính)   [so-lieu.xlsx!Kinh tế!F5]" in out  # merged "Ước thực hiện" above
    assert "national 2023: new 5,1%" in out  # the text "5,05" read as 5.05 (shown with one decimal)
    assert "national 2024: 6,4% → 7,1% (sơ bộ)" in out
    assert "so-lieu.xlsx!Kinh tế!B6: \"Chỉ số không có trong sổ tay\"" in out  # listed as not matched
    assert "KH 2026\" is a plan, not a result — skipped" in out
    assert "row of growth is hidden — skipped" in out
    assert "99" not in out.split("rows not matched")[0]  # nothing from the hidden row or the plan column
    assert "2 values changed, 3 new years" in out and "from 2 sheets" in out and "nothing written" in out


def test_intake_writes_only_the_changed_values_with_their_origin_and_flag(project: Path, capsys):
    book = office_workbook(project / "so-lieu.xlsx")
    old = (project / "data/indicators.yaml").read_text(encoding="utf-8")
    assert run_intake(project, book, today=TODAY) == 0, capsys.readouterr()
    new = (project / "data/indicators.yaml").read_text(encoding="utf-8")
    diff = [line for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert [d for d in diff if d.startswith("-")] == ["-      2024: 10.25", "-      2024: 6.4"]
    added = [d[1:].strip() for d in diff if d.startswith("+")]
    assert "2024: 10.4" in added and "2023: 9.3" in added and "2025: 8.9" in added and "2024: 7.09" in added
    assert "flags:" in added and "2025: ước tính" in added and "2024: sơ bộ" in added
    assert '2024: {workbook: "so-lieu.xlsx", sheet: "Kinh tế", cell: "E5", date: "2026-12-02"}' in added
    assert all(a.split(":")[0] in ("2023", "2024", "2025", "flags", "origins") for a in added), added
    dataset, _ = load_dataset(project / "data", project)
    growth = dataset.indicators["growth"]
    assert growth.values[2023] == 9.3 and growth.flags == {2025: "ước tính"}
    assert str(growth.origins[2024]) == "so-lieu.xlsx!Kinh tế!E5"
    table = html.unescape(Macros(dataset, "index.md").indicators_table())
    assert "Nhập ngày 02/12/2026 từ so-lieu.xlsx, trang Kinh tế: ô D5 (2023), E5 (2024), F5 (2025)" in table
    assert '8,9 <span class="hb-flag">ước tính</span>' in table  # one column a year; the unit is in the name
    fig = html.unescape(Macros(dataset, "index.md").fig("growth"))
    assert '<span class="hb-flag">ước tính</span>' in fig and "so-lieu.xlsx, trang Kinh tế: ô F5 (2025)" in fig
    # A second intake of the same workbook changes nothing.
    capsys.readouterr()
    assert run_intake(project, book, today=TODAY) == 0
    assert "0 values changed, 0 new years, 5 unchanged" in capsys.readouterr().out
    assert (project / "data/indicators.yaml").read_text(encoding="utf-8") == new
    # Exported and read back, the flags survive (they travel in the notes column).
    dataset, _ = load_dataset(project / "data", project)
    export_indicators(dataset, project / "ra.xlsx")
    capsys.readouterr()
    assert run_intake(project, project / "ra.xlsx", today=TODAY) == 0
    assert "0 values changed, 0 new years, 7 unchanged" in capsys.readouterr().out


def test_every_unreadable_cell_is_reported_together_and_nothing_is_written(project: Path, capsys):
    wb = Workbook()
    ws = wb.active
    ws.title = "Biểu 2"
    ws.append(["Chỉ tiêu", "Đơn vị tính", 2021, 2022, 2023, 2024])
    ws.append(["growth", "%", "1.234", "=C2*2", 5, 6])  # ambiguous text; a formula never saved
    ws.append(["national", "Nghìn tỷ đồng", 1, 2, 3, 4])  # a unit that disagrees
    ws.merge_cells("E2:F2")  # one value merged over two years
    ws2 = wb.create_sheet("Phần trăm")
    ws2.append(["Chỉ tiêu", 2021])
    ws2.append(["growth", 0.05])
    ws2["B2"].number_format = "0.0%"  # 5.0% as Excel shows it: read as 5, agrees with nothing below
    ws2.append(["Tăng trưởng", "#DIV/0!"])
    book = project / "loi.xlsx"
    wb.save(book)
    before = _snapshot(project)
    assert run_intake(project, book, today=TODAY) == 1
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert _snapshot(project) == before
    expected = [
        "loi.xlsx!Biểu 2!C2: \"1.234\" is a number stored as text, and its \".\" may separate thousands or decimals",
        "loi.xlsx!Biểu 2!D2: a formula with no saved result — open the workbook in Excel or LibreOffice and save it",
        "loi.xlsx!Biểu 2!E2: the value is merged across E2:F2 — unmerge the cells",
        "loi.xlsx!Biểu 2!B3: the unit \"Nghìn tỷ đồng\" disagrees with national's unit \"%\"",
    ]
    for start in expected:
        assert any(line.startswith(start) for line in lines), (start, lines)
    assert any(line.startswith("loi.xlsx!Phần trăm!B3: the formula gives the error #DIV/0!") for line in lines)
    assert all(" — " in line and line.startswith("loi.xlsx!") for line in lines)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert next(line.strip() for line in readme.splitlines() if "loi.xlsx!Biểu 2!C2" in line) in lines
    assert "nothing was written" in captured.out


def test_a_percentage_format_unit_slip_and_a_tenfold_value_are_refused(tmp_path: Path, capsys):
    money = """\
    kind: indicators
    indicators:
      - id: revenue
        name: Thu ngân sách
        unit: tỷ đồng
        illustrative: true
        values:
          2023: 19800
          2024: 23600
      - id: share
        name: Tỷ trọng
        unit: "%"
        illustrative: true
        range: [0, 100]
        values:
          2024: 40
    """
    project = write_project(tmp_path / "p", {"data/indicators.yaml": money})
    wb = Workbook()
    ws = wb.active
    ws.append(["Chỉ tiêu", 2024, 2025])
    ws.append(["revenue", 2.36, 236000])  # in nghìn tỷ, and a digit too many
    ws.append(["share", 0.41, 140])
    ws["B3"].number_format = "0%"  # 41% as a fraction: read as 41
    ws.append(["Thu ngân sách", None, None])
    ws["B4"] = 0.5
    ws["B4"].number_format = "0.0%"
    book = tmp_path / "b.xlsx"
    wb.save(book)
    assert run_intake(project, book, dry_run=True, today=TODAY) == 1
    err = capsys.readouterr().err
    assert "b.xlsx!Sheet!B2: 2.36 is more than ten times off revenue's values (19800–23600 tỷ đồng)" in err
    assert "b.xlsx!Sheet!C2: 236000 is more than ten times off" in err
    assert "b.xlsx!Sheet!C3: 140 is outside share's range [0, 100]" in err
    assert "b.xlsx!Sheet!B4: formatted as a percentage, but revenue is in tỷ đồng" in err
    assert "B3" not in err  # 0.41 shown as 41% is read as 41, inside the range


def test_a_mapping_names_the_sheet_header_columns_rows_and_status(project: Path, capsys):
    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    wb.create_sheet("Biểu 05")
    ws = wb["Biểu 05"]
    ws["A2"], ws["B2"], ws["C2"], ws["D2"], ws["E2"] = "Mã", "Tên chỉ tiêu", "Năm trước", "Năm nay", "Tình trạng"
    ws.append(["01", "Tốc độ tăng GRDP so với cùng kỳ", 9.3, 10.3, "sơ bộ"])
    book = project / "bieu.xlsx"
    wb.save(book)
    mapping = project / "map.yaml"
    mapping.write_text('sheet: "Biểu 05"\nheader_row: 2\nlabel_column: B\nstatus_column: E\n'
                       'columns: {C: 2023, D: 2024}\nrows:\n  "Tốc độ tăng GRDP so với cùng kỳ": growth\n',
                       encoding="utf-8")
    assert run_intake(project, book, mapping=mapping, dry_run=True, today=TODAY) == 0
    out = capsys.readouterr().out
    assert "growth 2023: new 9,3%   [bieu.xlsx!Biểu 05!C3]" in out
    assert "growth 2024: 10,3% → 10,3% (sơ bộ)" in out  # the same value, now flagged by the status column
    mapping.write_text("sheet: X\nheader_rows: 2\nrows: {a: no-such}\ncolumns: {c: 2023}\n", encoding="utf-8")
    assert run_intake(project, book, mapping=mapping, dry_run=True, today=TODAY) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith('map.yaml:2: header_rows: unknown key — did you mean "header_row"?')
    assert any(e.startswith('map.yaml:3: rows.a: no indicator "no-such"') for e in err)
    assert any(e.startswith("map.yaml:4: columns.c: expected COLUMN: YEAR") for e in err)


def test_the_command_line_reads_a_sheet_and_refuses_a_file_that_is_not_a_workbook(project: Path):
    book = office_workbook(project / "so-lieu.xlsx")
    result = run_macros(project, "intake", str(book), "--sheet", "Cả nước", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "national 2024: 6,4% → 7,1% (sơ bộ)" in result.stdout and "growth" not in result.stdout
    result = run_macros(project, "intake", str(book), "--sheet", "Không có")
    assert result.returncode == 1
    assert result.stderr.strip() == 'so-lieu.xlsx: no sheet "Không có" — sheets: Kinh tế, Cả nước'
    fake = project / "fake.xlsx"
    fake.write_text("not a zip", encoding="utf-8")
    result = run_macros(project, "intake", str(fake))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("fake.xlsx: is not an .xlsx workbook — save it")


def test_the_text_edit_keeps_another_indentation_and_refuses_a_flow_mapping():
    flat = ("kind: indicators\n# chú thích\nindicators:\n- id: a\n  name: A\n  unit: '%'\n  illustrative: true\n"
            "  values:\n    2020: 1.5   # giữ chú thích\n    2022: 3\n  key: true\n")
    editor = Editor(flat.encode(), "x.yaml")
    editor.set(0, "values", 2021, "2.5", 2.5)
    editor.set(0, "values", 2020, "1.6", 1.6)
    editor.set(0, "flags", 2021, "ước tính", "ước tính")
    text = editor.result().decode()
    assert text == flat.replace("1.5   #", "1.6   #").replace("    2022: 3\n", "    2021: 2.5\n    2022: 3\n"
                                                                 "  flags:\n    2021: ước tính\n")
    editor.set(0, "flags", 2021, None, None)  # an official figure replaces the estimate: the flag goes
    assert "flags" not in editor.result().decode()
    windows = Editor(flat.replace("\n", "\r\n").encode(), "x.yaml")
    windows.set(0, "values", 2023, "4", 4)
    assert windows.result() == flat.replace("    2022: 3\n", "    2022: 3\n    2023: 4\n").replace("\n", "\r\n").encode()
    flow = "kind: indicators\nindicators:\n  - id: a\n    name: A\n    unit: '%'\n    values: {2020: 1}\n"
    with pytest.raises(EditRefused, match="written on one line"):
        Editor(flow.encode(), "x.yaml").set(0, "values", 2020, "2", 2)


def test_formula_results_are_what_excel_saved(project: Path, capsys):
    wb = Workbook()
    ws = wb.active
    ws.append(["Chỉ tiêu", 2023])
    ws.append(["growth", "=1+2"])
    book = project / "f.xlsx"
    wb.save(book)
    save_formula_results(book, {("Sheet", "B2"): 9.299999999999999})
    assert run_intake(project, book, dry_run=True, today=TODAY) == 0
    assert "growth 2023: new 9,3%" in capsys.readouterr().out


def test_the_readme_mapping_example_reads_against_the_example(project_root: Path):
    readme = (project_root / "README.md").read_text(encoding="utf-8")
    example = readme.split("`--map` names its parts:\n\n```yaml\n")[1].split("```")[0]
    path = project_root / "tests" / "__readme_map.yaml"
    dataset, _ = load_dataset(project_root / "data", project_root)
    try:
        path.write_text(example, encoding="utf-8")
        layout, sheet = read_mapping(path, dataset, "map.yaml")
    finally:
        path.unlink()
    assert sheet == "Biểu 01" and layout.header_row == 4 and layout.columns == {4: 2023, 5: 2024}
    assert layout.rows == {"tổng sản phẩm trên địa bàn (grdp) - tăng so với năm trước": "grdp-growth"}


def test_hidden_sheets_and_columns_other_tables_and_a_name_two_indicators_share(tmp_path: Path, capsys):
    twins = INDICATORS.replace("name: Bình quân cả nước", "name: Tăng trưởng")
    project = write_project(tmp_path / "p", {"data/indicators.yaml": twins})
    wb = Workbook()
    ws = wb.active
    ws.title = "Bảng"
    ws.append(["Chỉ tiêu", 2023, 2024])
    ws.append(["growth", 7.5, 11])
    ws.column_dimensions["C"].hidden = True  # 2024 is hidden: not read
    ws2 = wb.create_sheet("Ẩn")
    ws2.append(["Chỉ tiêu", 2023])
    ws2.append(["growth", 1])
    ws2.sheet_state = "hidden"
    ws3 = wb.create_sheet("Danh mục")
    ws3.append(["Mã", "Tên"])  # no years: not a table of values
    ws4 = wb.create_sheet("Trùng tên")
    ws4.append(["Chỉ tiêu", 2022])
    ws4.append(["Tăng trưởng", 3])
    wb.save(tmp_path / "w.xlsx")
    assert run_intake(project, tmp_path / "w.xlsx", dry_run=True, today=TODAY) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ['w.xlsx!Trùng tên!A2: "Tăng trưởng" names 2 indicators (growth, national) — write the id instead']
    wb.remove(ws4)
    wb.save(tmp_path / "w.xlsx")
    assert run_intake(project, tmp_path / "w.xlsx", dry_run=True, today=TODAY) == 0
    out = capsys.readouterr().out
    assert "growth 2023: new 7,5%" in out and "2024" not in out.split("note:")[0]
    assert "Bảng!C1: column 2024 is hidden — skipped" in out
    assert "sheet Ẩn: hidden — skipped (name it with --sheet to read it)" in out
    assert "sheet Danh mục: no header row of years — skipped" in out
    assert run_intake(project, tmp_path / "w.xlsx", sheet="Ẩn", dry_run=True, today=TODAY) == 0
    assert "growth 2023: new 1,0%   [w.xlsx!Ẩn!B2]" in capsys.readouterr().out


def test_flags_origins_and_range_in_the_data_are_checked(tmp_path: Path):
    from macros.core.errors import DataError

    bad = INDICATORS.replace("      2024: 10.25\n", """      2024: 10.25
    flags:
      2024: ước lượng
      2019: sơ bộ
    origins:
      2024: {workbook: "a.xlsx", sheet: "B", cell: "c5", date: "2026-02-30"}
    range: [50, 0]
""")
    project = write_project(tmp_path / "p", {"data/indicators.yaml": bad})
    with pytest.raises(DataError) as caught:
        load_dataset(project / "data", project)
    shown = [str(p) for p in caught.value.problems]
    assert any('indicators[0].flags.2024: "ước lượng" is not allowed — use one of: ước tính, sơ bộ' in s for s in shown)
    assert any('indicators[0].origins.2024.cell: "c5" has the wrong form' in s for s in shown), shown
    fixed = bad.replace("ước lượng", "ước tính").replace('"c5"', '"C5"')
    project = write_project(tmp_path / "q", {"data/indicators.yaml": fixed})
    with pytest.raises(DataError) as caught:
        load_dataset(project / "data", project)
    shown = [str(p) for p in caught.value.problems]
    assert any('origins.2024.date: "2026-02-30" is not a date on the calendar' in s for s in shown), shown
    project = write_project(tmp_path / "r", {"data/indicators.yaml": fixed.replace("2026-02-30", "2026-02-03")})
    with pytest.raises(DataError) as caught:
        load_dataset(project / "data", project)
    shown = sorted(str(p).split(": ", 1)[1] for p in caught.value.problems)
    assert shown == ["indicators[0].flags.2019: 2019 has no value — remove it from `flags:`, or add the value",
                     "indicators[0].range: range [50, 0] runs backwards — write [low, high]"], shown
    project = write_project(tmp_path / "s", {"data/indicators.yaml": fixed.replace("2026-02-30", "2026-02-03")
                                             .replace("[50, 0]", "[0, 10]").replace("      2019: sơ bộ\n", "")})
    with pytest.raises(DataError) as caught:
        load_dataset(project / "data", project)
    assert [str(p).split(": ", 1)[1] for p in caught.value.problems] == [
        "indicators[0].values.2024: 10.25 is outside the indicator's range [0, 10] — check the value and its unit, "
        "or widen `range:`"]


def test_a_sheet_larger_than_the_limit_is_refused_not_cut(project: Path, capsys, monkeypatch):
    from macros.editorial import workbook

    monkeypatch.setattr(workbook, "MAX_ROWS", 3)
    wb = Workbook()
    ws = wb.active
    ws.append(["Chỉ tiêu", 2023])
    for _ in range(3):
        ws.append(["x", 1])
    ws.append(["growth", 9])  # row 5, past the limit: it must not be silently left out
    for row in range(6, 40):
        ws.cell(row=row, column=5).number_format = "0.0"  # formatting alone does not make a sheet larger
    wb.save(project / "big.xlsx")
    assert run_intake(project, project / "big.xlsx", dry_run=True, today=TODAY) == 1
    assert capsys.readouterr().err.startswith("big.xlsx!Sheet!A1: the sheet has 5 rows and 2 columns; intake reads "
                                              "at most 5000 and 200 — split the sheet")
