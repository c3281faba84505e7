"""Command line: ``python -m macros check | stats | build``, and ``publish | rollback | releases --root DIR``.

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
    report = _checked(args)
    ds = report.dataset
    speed = ds.handbook.reading_speed if ds else 200
    width = max([len(p.src) for p in report.pages] + [10])
    print(f"{'page':<{width}}  {'words':>6}  {'budget':>6}  {'used':>5}  title")
    for p in report.pages:
        budget = f"{p.budget:>6}" if p.budget else "     —"
        used = f"{p.words / p.budget:>5.0%}" if p.budget else "    —"
        flag = "  OVER" if p.over else ""
        print(f"{p.src:<{width}}  {p.words:>6}  {budget}  {used}  {p.title}{flag}")
    total_budget = ds.handbook.budgets_total if ds else 0
    print(f"{'total':<{width}}  {report.total_words:>6}  {total_budget:>6}  "
          f"{(report.total_words / total_budget if total_budget else 0):>5.0%}")
    minutes = reading_minutes(report.total_words, speed)
    over = sum(1 for p in report.pages if p.over)
    return _finish(report, f"stats: {report.total_words} words in {len(report.pages)} pages, budget {total_budget}, "
                           f"{over} over budget, reading time ≈ {minutes:.0f} min at {speed} words/min")


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
        rows.append((
            ind.id,
            f"{show(a.base_value)} ({a.base_year})" if a.base_value is not None else "—",
            f"{show(a.latest_value)} ({a.latest_year})" if a.latest_value is not None else "—",
            f"{'≥' if t.direction == 'at_least' else '≤'} {show(t.value)} ({t.year})",
            a.status.label,
            show(a.achieved_rate * scale if a.achieved_rate is not None else None, rate_unit, 2),
            show(a.needed_rate * scale if a.needed_rate is not None else None, rate_unit, 2),
            format_ratio(a.ratio) if a.ratio is not None else "—",
        ))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    summary = ", ".join(f"{counts[s]} {s.value.replace('_', ' ')}" for s in Status)
    return _finish(report, f"status: {sum(counts.values())} targets — {summary} "
                           f"(on track from ratio {format_ratio(hb.on_track_ratio)})")


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

    checked = CheckedPages(report.rendered, report.use_directory_urls)
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


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m macros", description="Handbook checks, stats and build.")
    parser.add_argument("--project", type=Path, default=Path.cwd(),
                        help="project folder with mkdocs.yml, docs/ and data/ (default: current folder)")
    # Also accepted after the command (`check --project DIR`); SUPPRESS keeps the earlier value otherwise.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--project", type=Path, default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    cached = argparse.ArgumentParser(add_help=False)
    cached.add_argument("--no-cache", action="store_true",
                        help="check everything from scratch, ignoring .handbook_cache/ (also HANDBOOK_NO_CACHE=1)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, func, help_text: str) -> argparse.ArgumentParser:
        cmd = sub.add_parser(name, help=help_text, parents=[common, cached])
        cmd.set_defaults(func=func)
        return cmd

    command("check", cmd_check, "validate data and pages without a full build")
    command("stats", cmd_stats, "words per section against their budgets, and the reading time")
    command("status", cmd_status, "every target's computed status with its inputs")
    build = command("build", cmd_build, "check, then mkdocs build --strict")
    build.add_argument("--site-dir", help="where to write the site (default: site/)")
    _add_publish_commands(sub, common)
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
