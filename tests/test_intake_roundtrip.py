"""The issue's round trip on the example: export, change as the statistics office would, dry run, intake, build.

The site must show the new values with their origin, and ``git diff`` must show only the changed values
(with the origin and flag lines intake adds beside them) — not one other byte of the data files.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from macros.core.fmt import format_date
from macros.core.model import PartialDate
from tests.conftest import run_macros

pytestmark = pytest.mark.build
README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=root, check=True,
                          capture_output=True, text=True).stdout


def _row(ws, name: str) -> int:  # noqa: ANN001
    for row in range(1, ws.max_row + 1):
        if ws.cell(row=row, column=1).value == name:
            return row
    raise AssertionError(f"no row {name}")


def test_export_change_dry_run_intake_build(project_copy: Path, tmp_path: Path):
    root = project_copy
    _git(root, "init", "-q", ".")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "example")
    book = tmp_path / "so-lieu-cuc-thong-ke.xlsx"
    result = run_macros(root, "export", str(book))
    assert result.returncode == 0, result.stderr
    assert re.search(r"export: \d+ indicators written", result.stdout)

    # The office's edits: a corrected 2024 figure, an estimate for 2025 in a new column before the notes,
    # a preliminary revenue figure flagged in the notes column, and one more on another sheet.
    wb = load_workbook(book)
    ws = wb["Kinh tế"]
    growth, revenue = _row(ws, "Tốc độ tăng trưởng kinh tế (GRDP)"), _row(ws, "Thu ngân sách nhà nước trên địa bàn")
    ws.cell(row=growth, column=7, value=10.4)
    ws.insert_cols(8)
    ws.cell(row=3, column=8, value="Ước TH 2025")
    ws.cell(row=growth, column=8, value=9.0)
    ws.cell(row=revenue, column=7, value=23750)
    ws.cell(row=revenue, column=9, value="sơ bộ 2024")
    other = wb["Xã hội"]
    first = 4
    old_cell = next(c for c in other[first][2:] if isinstance(c.value, int | float))
    other_year, other_old = other.cell(row=3, column=old_cell.column).value, old_cell.value
    old_cell.value = old_cell.value + 1
    wb.save(book)

    dry = run_macros(root, "intake", str(book), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "grdp-growth 2024: 10,2% → 10,4%   [so-lieu-cuc-thong-ke.xlsx!Kinh tế!G4]" in dry.stdout
    assert "grdp-growth 2025: new 9,0% (ước tính)   [so-lieu-cuc-thong-ke.xlsx!Kinh tế!H4]" in dry.stdout
    assert "budget-revenue 2024: 23.600 tỷ đồng → 23.750 tỷ đồng (sơ bộ)" in dry.stdout
    readme_dry = re.findall(r"^      (?:grdp-growth|budget-revenue) .*$", README, re.M)
    assert len(readme_dry) == 3 and all(line[4:] in dry.stdout.splitlines() for line in readme_dry), dry.stdout
    assert "3 values changed, 1 new years" in dry.stdout
    # The example's prose says "năm 2024: {{ fig("grdp-growth") }}": the editor is shown where 2025 will appear.
    assert re.search(r"note: grdp-growth's latest year becomes 2025; .*docs/phan-1/kinh-te\.md:9", dry.stdout)
    assert "dry run: nothing written" in dry.stdout
    assert _git(root, "status", "--porcelain") == ""

    real = run_macros(root, "intake", str(book))
    assert real.returncode == 0, real.stdout + real.stderr
    assert "check: 0 errors after the intake" in real.stdout
    diff = _git(root, "diff", "-U0", "--", "data")
    removed = [line for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert all(re.fullmatch(r"-\s+20\d\d: [\d.]+", r) for r in removed), removed
    old_values = sorted((int(r.split(":")[0].strip("- ")), float(r.split(":")[1])) for r in removed)
    assert old_values == sorted([(2024, 10.2), (2024, 23600.0), (other_year, float(other_old))])
    for line in added:
        assert re.fullmatch(r'\+\s+(20\d\d: ([\d.]+|ước tính|sơ bộ|\{workbook: .*\})|flags:|origins:)', line), line
    assert len([a for a in added if "{workbook:" in a]) == 4  # one origin for each value written
    readme_yaml = README.split("```yaml\n      2024: 10.4")[1].split("```")[0].splitlines()[1:]
    written = (root / "data/indicators/kinh-te.yaml").read_text(encoding="utf-8")
    block = "\n".join(["      2024: 10.4", *readme_yaml]).replace("2026-12-02", dt.date.today().isoformat())
    assert block.strip() in written  # the README's example is what intake writes
    assert set(_git(root, "diff", "--name-only").split()) == {"data/indicators/kinh-te.yaml",
                                                              "data/indicators/xa-hoi.yaml"}

    site = tmp_path / "site"
    build = run_macros(root, "build", "--site-dir", str(site))
    assert build.returncode == 0, build.stdout + build.stderr
    today = format_date(PartialDate(dt.date.today().year, dt.date.today().month, dt.date.today().day))
    table = (site / "chi-tieu" / "index.html").read_text(encoding="utf-8")
    # One column a year, the unit in the indicator's name: the values stand without it.
    assert ">10,4<" in table and '9,0 <span class="hb-flag">ước tính</span>' in table
    assert f"Nhập ngày {today} từ so-lieu-cuc-thong-ke.xlsx, trang Kinh tế&#58; ô G4 (2024), H4 (2025)" in table
    assert f"trang Xã hội&#58; ô {old_cell.coordinate} ({other_year})" in table  # on another sheet
    section = (site / "phan-1" / "kinh-te" / "index.html").read_text(encoding="utf-8")
    assert "9,0%" in section and "ước tính" in section  # fig("grdp-growth") is now the 2025 estimate
