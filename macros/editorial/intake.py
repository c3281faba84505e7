"""``python -m macros intake FILE.xlsx``: a statistics office's workbook into ``data/``, every value traced.

Read (:mod:`.workbook`, :mod:`.sheetread`) → compare with the data → print the changes → edit the data files'
text (:mod:`.yamledit`) → load the new data in memory and check it → write → ``check``. A cell that cannot be
read faithfully is one line ``FILE.xlsx!SHEET!CELL: what is wrong — how to fix it``; all of them are printed
together and nothing is written. Each value written keeps its origin (workbook, sheet, cell, date) under the
indicator's ``origins:``, and a flag from the table ("ước tính", "sơ bộ") under ``flags:``.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import DataError, Problem
from ..core.fmt import format_value
from ..core.load import discover, display_path, load_dataset
from ..core.model import Dataset, Indicator
from ..core.yamlsafe import read_capped
from .mapping import MappingError, read_mapping
from .sheetread import CellProblem, Layout, Matcher, Reading, SheetReader
from .workbook import WorkbookUnreadable, read_workbook
from .yamledit import Editor, EditRefused, yaml_number, yaml_origin, yaml_text


@dataclass
class Change:
    indicator: Indicator
    reading: Reading
    old: float | tuple[float, float] | None
    old_flag: str | None

    @property
    def new_year(self) -> bool:
        return self.old is None

    def line(self, workbook: str) -> str:
        ind, r = self.indicator, self.reading
        def shown(v: float | tuple[float, float] | None, flag: str | None) -> str:
            text = "—" if v is None else format_value(v, ind.unit, ind.decimals).replace("\u00a0", " ")
            return text + (f" ({flag})" if flag else "")
        what = (f"new {shown(r.value, r.flag)}" if self.new_year
                else f"{shown(self.old, self.old_flag)} → {shown(r.value, r.flag)}")
        return f"  {ind.id} {r.year}: {what}   [{workbook}!{r.sheet}!{r.cell}]"


@dataclass
class Plan:
    """What a workbook would change; built without touching any file."""

    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    sheets_read: list[str] = field(default_factory=list)


def _same(a: float | tuple[float, float], b: float) -> bool:
    return not isinstance(a, tuple) and float(f"{a:.10g}") == b


def plan_intake(workbook: Path, dataset: Dataset, sheet: str | None = None, layout: Layout | None = None) -> Plan:
    """Read ``workbook`` against ``dataset``; every problem of every sheet is collected in ``plan.problems``."""
    plan = Plan()
    name = workbook.name
    try:
        sheets = read_workbook(workbook)
    except WorkbookUnreadable as exc:
        plan.problems.append(f"{name}: {exc}")
        return plan
    if sheet is not None:
        chosen = [s for s in sheets if s.title == sheet]
        if not chosen:
            plan.problems.append(f"{name}: no sheet \"{sheet}\" — sheets: " + ", ".join(s.title for s in sheets))
            return plan
    else:
        chosen = [s for s in sheets if not s.hidden]
        plan.notes.extend(f"sheet {s.title}: hidden — skipped (name it with --sheet to read it)"
                          for s in sheets if s.hidden)
    layout = layout or Layout()
    matcher = Matcher(dataset, layout.rows)
    problems: list[CellProblem] = []
    readings: dict[tuple[str, int], Reading] = {}
    for s in chosen:
        result = SheetReader(s, dataset, layout, matcher).read()
        problems.extend(result.problems)
        plan.notes.extend(result.notes)
        plan.unmatched.extend(f"{name}!{u}" for u in result.unmatched)
        if result.used:
            plan.sheets_read.append(s.title)
        for r in result.readings:
            first = readings.get((r.indicator, r.year))
            if first is None:
                readings[(r.indicator, r.year)] = r
            elif first.value != r.value:
                problems.append(CellProblem(r.sheet, r.cell, f"{r.indicator} {r.year} is {r.value:g} here but "
                                                              f"{first.value:g} in {first.sheet}!{first.cell}",
                                            "keep one value for each indicator and year"))
    plan.problems.extend(p.text(name) for p in problems)
    order = {ind_id: i for i, ind_id in enumerate(dataset.indicators)}
    for (ind_id, year), r in sorted(readings.items(), key=lambda kv: (order[kv[0][0]], kv[0][1])):
        ind = dataset.indicators[ind_id]
        old = ind.values.get(year)
        old_flag = ind.flags.get(year)
        if old is not None and _same(old, r.value) and old_flag == r.flag:
            plan.unchanged += 1
        else:
            plan.changes.append(Change(ind, r, old, old_flag))
    return plan


def edit_files(plan: Plan, dataset: Dataset, root: Path, workbook: str, today: _dt.date) -> dict[Path, bytes]:
    """The new bytes of every data file the plan changes; raises :class:`DataError` if an edit is refused."""
    by_file: dict[str, list[Change]] = {}
    for change in plan.changes:
        by_file.setdefault(change.indicator.origin.file, []).append(change)
    out: dict[Path, bytes] = {}
    problems: list[Problem] = []
    for file, changes in by_file.items():
        path = root / file
        raw = read_capped(path)
        if isinstance(raw, OSError):
            problems.append(Problem(file, 1, "(file)", f"cannot be read: {raw.strerror}", "check its permissions"))
            continue
        try:
            editor = Editor(raw, file)
            for c in changes:
                index, r = c.indicator.origin.path[1], c.reading
                editor.set(index, "values", r.year, yaml_number(r.value), r.value)
                if r.flag != c.old_flag:
                    editor.set(index, "flags", r.year, yaml_text(r.flag) if r.flag else None, r.flag)
                origin = {"workbook": workbook, "sheet": r.sheet, "cell": r.cell, "date": today.isoformat()}
                editor.set(index, "origins", r.year, yaml_origin(origin), origin)
            out[path] = editor.result()
        except EditRefused as exc:
            problems.append(Problem(file, exc.line, exc.key, exc.message, "nothing was written"))
    if problems:
        raise DataError(problems)
    return out


def _write_atomically(files: dict[Path, bytes]) -> None:
    """Each file is replaced whole (a reader never sees half of one), after every new text is ready."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(tmp, path.stat().st_mode & 0o777)
            staged.append((tmp, path))
        for tmp, path in staged:
            os.replace(tmp, path)
    finally:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)


def latest_year_uses(root: Path, plan: Plan) -> list[str]:
    """Figures in the pages that a new latest year changes: ``fig("id")`` without a year shows the latest.

    Prose such as "năm 2024: {{ fig("grdp-growth") }}" would silently show 2025 after an import; the
    editor is told where to look (a plain scan of the page text, never rendered or run).
    """
    moved = sorted({c.indicator.id for c in plan.changes
                    if c.new_year and c.reading.year > c.indicator.latest_year})
    if not moved or not (root / "docs").is_dir():
        return []
    out = []
    for ind_id in moved:
        call = re.compile(r"\bfig\(\s*[\"']" + re.escape(ind_id) + r"[\"']\s*(\)|,\s*(unit|decimals)\s*=)")
        where = []
        for page in sorted((root / "docs").rglob("*.md")):
            text = read_capped(page)
            if isinstance(text, OSError):
                continue
            for number, line in enumerate(text.decode("utf-8", "replace").splitlines(), start=1):
                if call.search(line):
                    where.append(f"{display_path(page, root)}:{number}")
        latest = max(c.reading.year for c in plan.changes if c.indicator.id == ind_id)
        if where:
            out.append(f"{ind_id}'s latest year becomes {latest}; these fig() calls without a year will show it — "
                       f"check the words around them: " + ", ".join(where))
    return out


def _print_plan(plan: Plan, workbook: str, root: Path) -> None:
    by_file: dict[str, list[Change]] = {}
    for c in plan.changes:
        by_file.setdefault(c.indicator.origin.file, []).append(c)
    for file, changes in by_file.items():
        print(file)
        for c in changes:
            print(c.line(workbook))
    illustrative = sorted({c.indicator.id for c in plan.changes if c.indicator.illustrative})
    if illustrative:
        print("still marked illustrative (the page keeps saying minh hoạ until `illustrative: true` is replaced "
              "by `source:`): " + ", ".join(illustrative))
    if plan.unmatched:
        print("rows not matched (no indicator has this id or name; a mapping's `rows:` can name them):")
        for u in plan.unmatched:
            print(f"  {u}")
    for note in plan.notes + latest_year_uses(root, plan):
        print(f"note: {note}")


def run_intake(root: Path, workbook: Path, sheet: str | None = None, mapping: Path | None = None,
               dry_run: bool = False, today: _dt.date | None = None) -> int:
    """The command: 0 written (or nothing to change), 1 problems found (nothing written)."""
    name = workbook.name
    try:
        dataset, _warnings = load_dataset(root / "data", root)
    except DataError as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        print("intake: the data has problems; fix them first (python -m macros check) — nothing was written")
        return 1
    layout = None
    if mapping is not None:
        try:
            layout, mapped_sheet = read_mapping(mapping, dataset, display_path(mapping, root))
        except MappingError as exc:
            for line in exc.lines:
                print(line, file=sys.stderr)
            print(f"intake: {len(exc.lines)} problems in the mapping file — nothing was written")
            return 1
        sheet = sheet or mapped_sheet
    plan = plan_intake(workbook, dataset, sheet, layout)
    if plan.problems:
        for line in plan.problems:
            print(line, file=sys.stderr)
        print(f"intake: {len(plan.problems)} problems in {name} — nothing was written")
        return 1
    _print_plan(plan, name, root)
    new_years = sum(1 for c in plan.changes if c.new_year)
    summary = (f"{len(plan.changes) - new_years} values changed, {new_years} new years, {plan.unchanged} unchanged, "
               f"{len(plan.unmatched)} rows not matched, from {len(plan.sheets_read)} sheets")
    if dry_run or not plan.changes:
        print(f"intake: {summary} ({'dry run: ' if dry_run else ''}nothing written)")
        return 0
    try:
        files = edit_files(plan, dataset, root, name, today or _dt.date.today())
        contents = {p: files.get(p) or read_capped(p) for p in discover(root / "data")}
        load_dataset(root / "data", root, contents)  # the new data, checked before a byte is written
    except DataError as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        print("intake: the new values would not pass the check — nothing was written")
        return 1
    _write_atomically(files)
    print(f"intake: {summary}; wrote " + ", ".join(display_path(p, root) for p in files))
    from ..pages.check import run_check

    report = run_check(root)
    for problem in report.problems:
        print(problem, file=sys.stderr)
    print(f"check: {len(report.errors)} errors after the intake")
    return 1 if report.errors else 0
