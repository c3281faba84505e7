"""``python -m macros new DIR --organisation NAME [--congress NAME]``: a new committee's handbook, ready to write.

The project is the product plus a skeleton: the tool itself (``macros/``), the theme with its draft banner
(``overrides/``) and the intranet deployment (``deploy/nginx/``) are copied from the project this tool runs
from, as they are, so a new handbook is built by the same code as every other; the handbook's own files —
``mkdocs.yml``, the pages of a political report, empty data files with one commented example each, the
budgets, a README with ``make serve`` and ``make test``, and tests that check and build it — come from the
template in ``macros/editorial/template/``, with the organisation and congress filled in.

Why a built-in template rather than copier: copier's strength is ``copier update`` (re-applying later
template changes to an existing project), but that needs the template in a git repository the committee
can reach, plus copier, plumbum, pydantic and questionary on an intranet machine without internet, and its
three-way merges land in the pages editors write. Here the part that changes between versions is the
product (``macros/``, ``overrides/``), which a handbook takes by copying the new folders over; the
skeleton is written once and then belongs to its editors. The names given fill only YAML strings (written
as JSON strings, which YAML reads exactly) and the README; pages show them through ``{{ meta(...) }}``.
"""

from __future__ import annotations

import datetime as _dt
import json
import shutil
import sys
import tempfile
import unicodedata
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "template"
PACKAGE = Path(__file__).resolve().parents[1]
# What is copied from the project this tool runs from (the product, not its example's pages and data).
PRODUCT = ("overrides", "deploy/nginx", "requirements.txt")
_SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "bench")
_RENAMED = {"gitignore": ".gitignore"}  # a dotfile in package data is easily lost by packaging tools


class ScaffoldError(Exception):
    """A usage problem: the folder is taken, a name is unusable, the tool's own files are missing."""


def _name(value: str | None, what: str) -> str | None:
    if value is None:
        return None
    text = " ".join(unicodedata.normalize("NFC", value).split())
    if not text:
        raise ScaffoldError(f"--{what} is empty — give the name in full, in quotes")
    if len(text) > 250:
        raise ScaffoldError(f"--{what} is {len(text)} characters — shorten it to 250 at most")
    if any(unicodedata.category(ch).startswith("C") for ch in text):
        raise ScaffoldError(f"--{what} holds a control character — type the name as plain text")
    return text


def fields(organisation: str, congress: str | None, today: _dt.date) -> dict[str, str]:
    """The placeholders of the template and what replaces them (YAML values as JSON strings)."""
    title = f"Sổ tay Báo cáo chính trị của {organisation}" + (f" trình {congress}" if congress else "")
    short = "Sổ tay Báo cáo chính trị" + (f" — {congress}" if congress else f" — {organisation}")
    quoted = lambda text: json.dumps(text, ensure_ascii=False)  # noqa: E731
    return {
        "@@SITE_NAME@@": quoted(f"{short} (dự thảo)"),
        "@@SITE_DESCRIPTION@@": quoted(title),
        "@@TITLE@@": quoted(title),
        "@@SHORT_TITLE@@": quoted(short),
        "@@ORGANISATION@@": quoted(organisation),
        "@@CONGRESS_LINE@@": f"congress: {quoted(congress)}\n" if congress else "",
        "@@DATE@@": today.isoformat(),
        "@@SHORT_TITLE_TEXT@@": short,
        "@@ORGANISATION_TEXT@@": organisation,
    }


def _fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace(key, value)
    if "@@" in text:
        raise ScaffoldError(f"template placeholder left unfilled near: {text[text.index('@@'):][:30]}")
    return text


def write_project(dest: Path, organisation: str, congress: str | None, today: _dt.date) -> int:
    """Write the project into ``dest`` (an empty folder); returns the number of pages."""
    values = fields(organisation, congress, today)
    for src in sorted(TEMPLATE.rglob("*")):
        if src.is_dir() or "__pycache__" in src.parts:
            continue
        rel = src.relative_to(TEMPLATE)
        target = dest / rel.parent / _RENAMED.get(rel.name, rel.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_fill(src.read_text(encoding="utf-8"), values), encoding="utf-8")
    shutil.copytree(PACKAGE, dest / "macros", ignore=_SKIP)
    root = PACKAGE.parent
    for rel in PRODUCT:
        src = root / rel
        if src.is_dir():
            shutil.copytree(src, dest / rel, ignore=_SKIP)
        elif src.is_file():
            shutil.copy2(src, dest / rel)
        else:
            raise ScaffoldError(f"{src} is missing — run `new` from a complete copy of the handbook tool")
    return sum(1 for _ in (dest / "docs").rglob("*.md"))


def run_new(directory: Path, organisation: str, congress: str | None = None, today: _dt.date | None = None) -> int:
    """The command: 0 made and checked, 1 the new project fails its check (a bug: nothing is left), 2 usage."""
    from ..pages.check import run_check

    try:
        org = _name(organisation, "organisation")
        cong = _name(congress, "congress")
        directory = directory.resolve()
        if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
            raise ScaffoldError(f"{directory} already exists and is not empty — choose a new folder")
        directory.parent.mkdir(parents=True, exist_ok=True)
    except (ScaffoldError, OSError) as exc:
        print(f"new: {exc}", file=sys.stderr)
        return 2
    # Written beside the destination and moved into place whole: a failure leaves no half-made project.
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
    try:
        pages = write_project(staging, org, cong, today or _dt.date.today())
        report = run_check(staging)
        if report.errors:
            for problem in report.errors:
                print(problem, file=sys.stderr)
            print("new: the new project does not pass its check — nothing was made (please report this)")
            return 1
        if directory.exists():
            directory.rmdir()
        staging.rename(directory)
    except ScaffoldError as exc:
        print(f"new: {exc}", file=sys.stderr)
        return 2
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    print(f"new: handbook project for {org} in {directory}: {pages} pages, empty data files with one commented "
          "example each; check passed")
    print(f"next: cd {directory} && make serve   (and make test)")
    return 0
