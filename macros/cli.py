"""Command line: ``python -m macros check | stats | build``, ``publish | rollback | releases --root DIR``,
and the editors' ``intake FILE.xlsx | export FILE.xlsx | new DIR --organisation NAME``.

Exit codes: 0 clean, 1 problems found, 2 usage. Problems go to standard error one per line in the
compiler form; a one-line summary ends every command.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from .core.cache import CheckCache, enabled_by_env
from .pages.check import Report, run_check
from .pages.words import reading_minutes


def _cache(args: argparse.Namespace) -> CheckCache:
    return CheckCache(args.project, enabled=not getattr(args, "no_cache", False) and enabled_by_env())


def _print_problems(report: Report) -> None:
    for problem in report.problems:
        print(problem, file=sys.stderr)


def _checked(args: argparse.Namespace) -> Report:
    """Every command opens the same way: the whole check, its problems on standard error, one per line."""
    from .site.siteconfig import site_variables

    report = run_check(args.project, cache=_cache(args), site=site_variables(args.project))
    _print_problems(report)
    return report


def _finish(report: Report, summary: str) -> int:
    """Every command ends the same way: one summary line, exit 1 when the check found errors."""
    print(summary)
    return 1 if report.errors else 0


def cmd_check(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    report = _checked(args)
    seconds = time.perf_counter() - started
    return _finish(report, f"check: {report.data_files} data files, {len(report.pages)} pages, {len(report.errors)} "
                           f"errors, {len(report.warnings)} warnings in {seconds:.2f} s")


def cmd_stats(args: argparse.Namespace) -> int:
    """Words readers see per page (rendered: tables, cards and notes too) against budgets; appendices apart."""
    from .pages.words import print_page_words

    report = _checked(args)
    ds = report.dataset
    speed = ds.handbook.reading_speed if ds else 200
    width = max([len(p.src) for p in report.pages] + [10])
    print(f"{'page':<{width}}  {'words':>6}  {'budget':>6}  {'used':>5}  title")
    for p in sorted(report.pages, key=lambda p: p.appendix):
        budget = f"{p.budget:>6}" if p.budget else "     —"
        used = f"{p.words / p.budget:>5.0%}" if p.budget else "    —"
        flag = "  OVER" if p.over else ("  (appendix: outside the budget)" if p.appendix else "")
        print(f"{p.src:<{width}}  {p.words:>6}  {budget}  {used}  {p.title}{flag}")
    total_budget = ds.handbook.budgets_total if ds else 0
    print(f"{'total':<{width}}  {report.total_words:>6}  {total_budget:>6}  "
          f"{(report.total_words / total_budget if total_budget else 0):>5.0%}")
    printed = print_page_words(report.pages, [p.body for p in report.page_sources], ds.handbook if ds else None)
    print(f"{'appendices':<{width}}  {report.appendix_words:>6}")
    print(f"{'print page':<{width}}  {printed:>6}  (every page, appendices, the cover and the contents)")
    minutes = reading_minutes(report.total_words, speed)
    over = sum(1 for p in report.pages if p.over)
    return _finish(report, f"stats: {report.total_words} words seen in {len(report.pages)} pages, budget {total_budget}, "
                           f"{over} over budget, reading time ≈ {minutes:.0f} min at {speed} words/min; "
                           f"appendices {report.appendix_words}, print page {printed}")


def cmd_status(args: argparse.Namespace) -> int:
    """Every target's computed status with the inputs behind it, for a reviewer at the terminal."""
    from collections import Counter

    from .core.fmt import format_ratio, format_value
    from .core.status import Status, assess

    report = _checked(args)
    ds = report.dataset
    if ds is None:
        return 1
    hb = ds.handbook
    rows = [("id", "base", "latest", "target", "status", "achieved/yr", "needed/yr", "ratio")]
    counts: Counter[Status] = Counter()
    for ind in ds.indicators.values():
        t = ind.target
        if t is None:
            continue
        a = assess(ind, hb.on_track_ratio, hb.min_points)
        counts[a.status] += 1

        def show(value: float | None, unit: str = ind.unit, decimals: int = ind.decimals) -> str:
            return "—" if value is None else format_value(value, unit, decimals).replace("\u00a0", " ")

        rate_unit = "%" if a.trend == "compound" else ("điểm %" if ind.unit == "%" else ind.unit)
        scale = 100 if a.trend == "compound" else 1
        if t.kind != "level":  # a term target: the known years' average (or total), and the projection
            achieved, needed = f"{t.kind} {show(a.period_known)}", f"projected {show(a.period_projected)}"
            period = f"{t.base_year + 1}–{t.year}" if t.base_year is not None else str(t.year)
        else:
            achieved = show(a.achieved_rate * scale if a.achieved_rate is not None else None, rate_unit, 2)
            needed = show(a.needed_rate * scale if a.needed_rate is not None else None, rate_unit, 2)
            period = str(t.year)
        rows.append((
            ind.id,
            f"{show(a.base_value)} ({a.base_year})" if a.base_value is not None else "—",
            f"{show(a.latest_value)} ({a.latest_year})" if a.latest_value is not None else "—",
            f"{'≥' if t.direction == 'at_least' else '≤'} {show(t.value)} ({period})",
            a.status.label, achieved, needed,
            format_ratio(a.ratio) if a.ratio is not None else "—",
        ))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    summary = ", ".join(f"{counts[s]} {s.value.replace('_', ' ')}" for s in Status)
    return _finish(report, f"status: {sum(counts.values())} targets — {summary} "
                           f"(on track from ratio {format_ratio(hb.on_track_ratio)})")


def cmd_comments(args: argparse.Namespace) -> int:
    """The comments register grouped by section, after the whole check (macros/editorial/comments.py)."""
    from .editorial.comments import register_lines, summary
    from .pages.comments import selected
    from .pages.sections import SectionIndex

    report = _checked(args)
    ds = report.dataset
    if ds is None:
        return _finish(report, "comments: not shown, the data has errors")
    if args.round is not None and args.round not in ds.rounds:
        from .core.errors import suggest

        print(f'no round "{args.round}" — {suggest(args.round, ds.rounds)}', file=sys.stderr)
        return 2
    for line in register_lines(ds, report.sections or SectionIndex(), args.round):
        print(line)
    return _finish(report, summary(selected(ds, args.round)))


def cmd_build(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    print("[1/2] check: data, macros, figure lint, word budgets", flush=True)
    report = _checked(args)
    if report.errors:
        print(f"build: stopped, {len(report.errors)} problems found; nothing was written")
        return 1
    site_dir = Path(args.site_dir).resolve() if args.site_dir else args.project / "site"
    print(f"[2/2] mkdocs build --strict → {site_dir}", flush=True)
    # MkDocs runs in this process (through the glue, the only module importing it), reusing the checked
    # data: a second interpreter would import everything and load data/ again while this one waits.
    from .site.glue import CheckedPages, build_site

    # The changes page compares with git history, which the check leaves to the build.
    generated = {p.src for p in report.page_sources if "draft_changes(" in p.body}
    checked = CheckedPages({src: r for src, r in report.rendered.items() if src not in generated},
                           report.use_directory_urls)
    dataset = report.dataset
    del report  # every page's source, read for the check: megabytes at 1,000 pages that the build reads itself
    returncode = build_site(args.project, site_dir, dataset, checked)
    seconds = time.perf_counter() - started
    if returncode != 0:
        print(f"build: failed after {seconds:.1f} s (mkdocs exit {returncode})")
        return 1
    # Pages are index.html files, or NAME.html in a build for the file system (no directory URLs).
    pages = sum(1 for p in site_dir.rglob("*.html") if "assets" not in p.parts and p.name != "404.html")
    print(f"build: {pages} pages written to {site_dir} in {seconds:.1f} s")
    return 0


def cmd_intake(args: argparse.Namespace) -> int:
    """A statistics office's workbook into data/ (macros/editorial/intake.py)."""
    from .editorial.intake import run_intake

    return run_intake(args.project, Path(args.workbook), args.sheet, Path(args.map) if args.map else None, args.dry_run)


def cmd_export(args: argparse.Namespace) -> int:
    """The indicators as a workbook laid out for the statistics office to fill in, and intake to read back."""
    from .core.errors import DataError
    from .core.load import load_dataset
    from .editorial.workbook import export_indicators

    try:
        dataset, _ = load_dataset(args.project / "data", args.project)
    except DataError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    rows = export_indicators(dataset, Path(args.workbook))
    print(f"export: {rows} indicators written to {args.workbook}")
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    """A new handbook project from the built-in template (macros/editorial/scaffold.py)."""
    from .editorial.scaffold import run_new

    return run_new(Path(args.dir), args.organisation, args.congress)


def _add_editorial_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    intake = sub.add_parser("intake", parents=[common], help="read a statistics office's workbook into data/")
    intake.add_argument("workbook", help="the .xlsx workbook")
    intake.add_argument("--sheet", help="read only this sheet (default: every visible sheet that is a table)")
    intake.add_argument("--map", help="a mapping file: sheet, header row, columns, units, status column")
    intake.add_argument("--dry-run", action="store_true", help="print every change and write nothing")
    intake.set_defaults(func=cmd_intake)
    export = sub.add_parser("export", parents=[common], help="write the indicators to a workbook to be filled in")
    export.add_argument("workbook", help="the .xlsx workbook to write")
    export.set_defaults(func=cmd_export)
    new = sub.add_parser("new", help="make a new handbook project in DIR")
    new.add_argument("dir", help="the new project's folder (must not exist, or be empty)")
    new.add_argument("--organisation", required=True, help='the committee, e.g. "Ban Chấp hành Đảng bộ tỉnh X"')
    new.add_argument("--congress", help='the congress the report goes to, e.g. "Đại hội đại biểu … lần thứ …"')
    new.set_defaults(func=cmd_new)


def cmd_diff(args: argparse.Namespace) -> int:
    """``diff FROM [TO]``: what changed for readers between two drafts (git revisions; TO: the working tree)."""
    from .core.errors import HandbookError
    from .editorial.drafts_diff import diff_revisions, format_text

    try:
        diff = diff_revisions(args.project, args.old, args.new)
    except HandbookError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"diff: stopped, {len(exc.problems)} problem(s); nothing was compared")
        return 1
    print("\n".join(format_text(diff)))
    print(diff.summary())
    return 0


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m macros", description="Handbook checks, stats and build.")
    parser.add_argument("--project", type=Path, default=Path.cwd(),
                        help="project folder with mkdocs.yml, docs/ and data/ (default: current folder)")
    # Also accepted after the command (`check --project DIR`); SUPPRESS keeps the earlier value otherwise.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--project", type=Path, default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    cached = argparse.ArgumentParser(add_help=False)
    cached.add_argument("--no-cache", action="store_true",
                        help="check everything from scratch, ignoring the check cache (also HANDBOOK_NO_CACHE=1)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, func, help_text: str) -> argparse.ArgumentParser:
        cmd = sub.add_parser(name, help=help_text, parents=[common, cached])
        cmd.set_defaults(func=func)
        return cmd

    command("check", cmd_check, "validate data and pages without a full build")
    command("stats", cmd_stats, "words per section against their budgets, and the reading time")
    command("status", cmd_status, "every target's computed status with its inputs")
    comments = command("comments", cmd_comments, "the comments register by section, with what became of each")
    comments.add_argument("--round", help="only the comments of this round (an id from data/handbook.yaml)")
    build = command("build", cmd_build, "check, then mkdocs build --strict")
    build.add_argument("--site-dir", help="where to write the site (default: site/)")
    diff = sub.add_parser("diff", help="what changed between two drafts: prose, headings, figures, statuses",
                          parents=[common])
    diff.add_argument("old", metavar="FROM", help="git revision of the earlier draft (commit, tag, branch)")
    diff.add_argument("new", metavar="TO", nargs="?", help="git revision of the later draft (default: the working tree)")
    diff.set_defaults(func=cmd_diff)
    _add_publish_commands(sub, common)
    _add_editorial_commands(sub, common)
    return parser


def _publish_command(name: str):  # noqa: ANN202
    """A publish command imported when it runs: `check` and `build` need none of the release code."""
    def run(args: argparse.Namespace) -> int:
        from .publish import pipeline as publish
        from .site.siteconfig import site_variables

        if name == "cmd_publish":
            args.site = site_variables(args.project)
        return getattr(publish, name)(args)
    return run


def _add_publish_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """publish / rollback / releases / csp-hashes (macros/publish/pipeline.py): the intranet release root."""
    cmd_publish, cmd_rollback, cmd_releases, cmd_csp_hashes = map(_publish_command, (
        "cmd_publish", "cmd_rollback", "cmd_releases", "cmd_csp_hashes"))

    def with_root(name: str, help_text: str, func) -> argparse.ArgumentParser:  # noqa: ANN001
        command = sub.add_parser(name, help=help_text, parents=[common])
        command.add_argument("--root", required=True, help="release root: releases/ and the `current` symlink nginx serves")
        command.set_defaults(func=func)
        return command

    publish = with_root("publish", "build, check and switch the intranet site to a new release", cmd_publish)
    publish.add_argument("--keep", type=int, default=5, help="releases to keep (default 5, at least 2)")
    publish.add_argument("--wait", type=float, default=0.0,
                         help="seconds to wait for another publish to finish (default 0: fail at once)")
    publish.add_argument("--version", help="publish this draft under its own path (e.g. du-thao-2), keeping the earlier "
                         "drafts readable at theirs; the newest is the default (macros/publish/versions.py)")
    publish.add_argument("--title", help='the draft\'s name for readers (default: "Dự thảo lần N" from du-thao-N)')
    rollback = with_root("rollback", "switch back to the release before the live one", cmd_rollback)
    rollback.add_argument("--to", help="a release id (from `releases`) instead of the one before")
    rollback.add_argument("--wait", type=float, default=0.0, help="seconds to wait for a running publish")
    with_root("releases", "list the releases, marking the live one", cmd_releases)
    csp = sub.add_parser("csp-hashes", help="the CSP script-src hashes of a built site's inline scripts", parents=[common])
    csp.add_argument("--site-dir", required=True, help="a built site (or a release folder)")
    csp.set_defaults(func=cmd_csp_hashes)


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    args.project = args.project.resolve()
    if not (args.project / "mkdocs.yml").is_file() and args.command in ("stats", "build", "publish"):
        print(f"{args.project}: no mkdocs.yml here — run from the project folder or pass --project", file=sys.stderr)
        return 2
    return args.func(args)
