"""Benchmark (``make bench`` → ``python -m macros.bench``): what the data layer costs, how the build grows.

Every figure is a ratio or sits beside a reference measured in the same run, on the same machine:

* **overhead** — the example handbook built by the full pipeline (``python -m macros build``: the
  ``check`` of data and pages, then ``mkdocs build --strict`` with mkdocs-macros and our glue) against
  the same pages built by plain MkDocs + Material from Markdown with the figures already substituted
  (the core renders each page once, beforehand; the copy's ``mkdocs.yml`` has no macros plugin);
* **growth** — generated reports (:mod:`macros.bench.gen_report`) of 10/100/1,000 pages with 100/1,000/10,000
  indicators: full and plain build time, ``check`` time, peak RSS, size of the site and of the search
  index;
* **reader side** — first-visit transfer of the home page (gzip bytes) and search latency in headless
  Chromium at 1,000 pages (:mod:`macros.bench.browser`).

Each measured command is a child process of its own; wall time is taken around it and peak memory is
the larger of the child's own ``ru_maxrss`` (from ``wait4``: the largest single process of its tree)
and the sampled sum of resident memory over its whole process tree (the pipeline runs ``check`` in a
parent that is still alive while ``mkdocs`` runs). Timings are repeated (``--runs``, at least 3),
full and plain interleaved so that noise from the shared machine falls on both; min and median shown.
The last line printed is ``overhead_ratio=R check_10k_s=S build_1000_rss_mb=M``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

from .gen_report import Size, generate
from .measure import ROOT, SIZES, Series, measure, ratio
from .report import format_table, goals, summary
from .variants import (
    EMPTY_MODULE,
    HOOKS_CODE,
    HOOKS_FILE,
    OVERHEAD_RUNS,
    check_cmd,
    derive,
    full_cmd,
    hooks_config,
    macros_only_config,
    make_plain,
    plain_cmd,
    search_index,
    short_nav,
    tree_size,
    without_print_site,
)


# -- running and printing ---------------------------------------------------------------------------
class Bench:
    def __init__(self, work: Path, runs: int, out: Path):
        self.work = work
        self.runs = runs
        self.out = out
        self.log = out / "commands.log"
        self.results: dict = {"machine": machine(), "runs": runs}
        self.started = time.perf_counter()

    def say(self, text: str) -> None:
        print(f"[{time.perf_counter() - self.started:6.0f} s] {text}", flush=True)

    def repeat(self, label: str, commands: dict[str, Callable[[], list[str]]], cwd: Path, runs: int | None = None,
               warmup: int = 0, before: Callable[[int], None] | None = None) -> dict[str, Series]:
        """Run each command ``runs`` times, interleaved, after ``warmup`` unmeasured rounds; fail on a non-zero exit.

        ``before(i)``, if given, runs unmeasured before each run (an edit the measured command then sees).
        """
        runs = runs or self.runs
        series = {name: Series(name) for name in commands}
        for i in range(-warmup, runs):
            for name, make in commands.items():
                if before is not None:
                    before(i)
                run = measure(make(), cwd=cwd, log=self.log)
                if run.returncode != 0:
                    raise SystemExit(f"bench: {label} {name} failed (exit {run.returncode}); see {self.log}")
                if i < 0:
                    self.say(f"{label}: {name} warm-up (not counted): {run.wall:.2f} s")
                    continue
                series[name].runs.append(run)
                self.say(f"{label}: {name} run {i + 1}/{runs}: {run.wall:.2f} s, {run.rss_mb:.0f} MB")
        return series


def machine() -> dict:
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "mem_gib": round(mem_kb / 1024 / 1024, 1), "python": platform.python_version(),
            "platform": platform.platform()}


def overhead(bench: Bench) -> dict:
    project = ROOT
    plain = bench.work / "example-plain"
    pages = make_plain(project, plain)
    bench.say(f"overhead: example handbook, {pages} pages; plain copy written with figures substituted")
    # What mkdocs-macros costs by itself: the plain pages with the plugin on and a module that defines nothing.
    bare = bench.work / "example-mkdocs-macros"
    derive(plain, bare, macros_only_config)
    (bare / f"{EMPTY_MODULE}.py").write_text("def define_env(env):\n    pass\n", "utf-8")
    # The prototype: the example's own pages and data, checked and rendered by an MkDocs hook file.
    hooked = bench.work / "example-hooks"
    shutil.copytree(project / "docs", hooked / "docs")
    shutil.copytree(project / "data", hooked / "data")
    if (plain / "overrides").exists():
        (hooked / "overrides").symlink_to((plain / "overrides").resolve(), target_is_directory=True)
    (hooked / "mkdocs.yml").write_text(hooks_config((plain / "mkdocs.yml").read_text("utf-8")), "utf-8")
    (hooked / HOOKS_FILE).write_text(HOOKS_CODE.replace("MACROS_PARENT", repr(str(ROOT))),
                                     "utf-8")
    # The example again in a folder of its own, for builds with the check's cache (the project stays untouched).
    cached = bench.work / "example-cached"
    for name in ("docs", "data"):
        shutil.copytree(project / name, cached / name)
    shutil.copy2(project / "mkdocs.yml", cached / "mkdocs.yml")
    for name in ("macros", "overrides"):
        (cached / name).symlink_to(project / name, target_is_directory=True)
    s = bench.repeat("overhead", {
        "full": lambda: full_cmd(project, bench.work / "site-example-full"),
        "full, cache": lambda: full_cmd(cached, bench.work / "site-example-cached", cached=True),
        "plain": lambda: plain_cmd(plain, bench.work / "site-example-plain"),
        "mkdocs-macros": lambda: plain_cmd(bare, bench.work / "site-example-bare"),
        "hooks": lambda: plain_cmd(hooked, bench.work / "site-example-hooks"),
    }, cwd=project, runs=max(bench.runs, OVERHEAD_RUNS), warmup=1)
    full, pl, bare_s, hooks_s, warm = s["full"], s["plain"], s["mkdocs-macros"], s["hooks"], s["full, cache"]
    return {"cached_wall_min": warm.wall_min, "cached_wall_med": warm.wall_med, "cached_rss": warm.rss_max,
            "pages": pages, "full": [asdict(r) for r in full.runs], "plain": [asdict(r) for r in pl.runs],
            "runs": len(full.runs),
            "full_wall_min": full.wall_min, "full_wall_med": full.wall_med, "plain_wall_min": pl.wall_min,
            "plain_wall_med": pl.wall_med, "full_rss": full.rss_max, "plain_rss": pl.rss_max,
            "bare_wall_min": bare_s.wall_min, "bare_wall_med": bare_s.wall_med, "bare_rss": bare_s.rss_max,
            "hooks_wall_min": hooks_s.wall_min, "hooks_wall_med": hooks_s.wall_med, "hooks_rss": hooks_s.rss_max,
            "hooks_same_site": _same_pages(bench.work / "site-example-full", bench.work / "site-example-hooks"),
            "wall_ratio": ratio(full.wall_min, pl.wall_min), "wall_ratio_med": ratio(full.wall_med, pl.wall_med),
            "wall_ratio_paired": statistics.median(ratio(f.wall, p.wall) for f, p in zip(full.runs, pl.runs, strict=True)),
            "rss_ratio": ratio(full.rss_max, pl.rss_max),
            "site_full": tree_size(bench.work / "site-example-full"),
            "site_plain": tree_size(bench.work / "site-example-plain")}


def _same_pages(a: Path, b: Path) -> bool:
    """The same HTML pages in two built sites (sitemaps, which carry dates, aside)."""
    pages_a = {p.relative_to(a): p.read_bytes() for p in a.rglob("*.html")}
    pages_b = {p.relative_to(b): p.read_bytes() for p in b.rglob("*.html")}
    return pages_a == pages_b


def growth(bench: Bench, size: Size) -> dict:
    project = bench.work / f"gen-{size.pages}"
    generate(project, size.pages, size.indicators)
    plain = bench.work / f"gen-{size.pages}-plain"
    make_plain(project, plain)
    bench.say(f"growth {size.label}: generated ({tree_size(project / 'docs') / 1e6:.1f} MB pages, "
              f"{tree_size(project / 'data') / 1e6:.1f} MB data) and its plain copy")
    site_full, site_plain = bench.work / f"site-{size.pages}-full", bench.work / f"site-{size.pages}-plain"
    s = bench.repeat(f"growth {size.label}", {
        "check": lambda: check_cmd(project),
        "full": lambda: full_cmd(project, site_full),
        "plain": lambda: plain_cmd(plain, site_plain),
    }, cwd=project)
    full, pl, check = s["full"], s["plain"], s["check"]
    cached = recheck(bench, project, size)
    # The print page's share of the plain build: the plain copy again without print-site. A diagnostic, not a
    # goal: repeated like the rest up to 100 pages, run once at 1,000 (a minute a run; the budget is 15 minutes).
    noprint = bench.work / f"gen-{size.pages}-plain-noprint"
    derive(plain, noprint, without_print_site)
    nonav = bench.work / f"gen-{size.pages}-plain-noprint-shortnav"
    derive(noprint, nonav, short_nav)
    np_runs = bench.runs if size.pages <= 100 else 1
    diag = bench.repeat(f"growth {size.label}", {
        "plain, no print page": lambda: plain_cmd(noprint, bench.work / "site-np"),
        "plain, no print page, short nav": lambda: plain_cmd(nonav, bench.work / "site-nn"),
    }, cwd=project, runs=np_runs)
    np, nn = diag["plain, no print page"], diag["plain, no print page, short nav"]
    nn_size = tree_size(bench.work / "site-nn")
    for site in ("site-np", "site-nn"):
        shutil.rmtree(bench.work / site, ignore_errors=True)
    return {**cached, "shortnav_min": nn.wall_min, "shortnav_site": nn_size,
            "noprint_min": np.wall_min, "noprint_med": np.wall_med, "noprint_rss": np.rss_max, "noprint_runs": np_runs,
            "pages": size.pages, "indicators": size.indicators, "label": size.label,
            "check_min": check.wall_min, "check_med": check.wall_med, "check_rss": check.rss_max,
            "full_min": full.wall_min, "full_med": full.wall_med, "plain_min": pl.wall_min, "plain_med": pl.wall_med,
            "full_rss": full.rss_max, "plain_rss": pl.rss_max,
            "site_full": tree_size(site_full), "site_plain": tree_size(site_plain),
            "index_full": search_index(site_full).stat().st_size, "index_plain": search_index(site_plain).stat().st_size,
            "site_dir": str(site_full)}


def recheck(bench: Bench, project: Path, size: Size) -> dict:
    """``check`` again as an editor runs it, with the cache: nothing changed; one page edited; one data file edited.

    Each edit is new at every run (a numbered note appended), so every run sees a change the cache has not
    seen; the files are put back afterwards, byte for byte.
    """
    page = next(p for p in sorted((project / "docs").rglob("*.md")) if p.parent != project / "docs")
    data = sorted((project / "data" / "indicators").glob("*.yaml"))[0]
    originals = {page: page.read_bytes(), data: data.read_bytes()}

    def edit(path: Path, note: str) -> Callable[[int], None]:
        def apply(i: int) -> None:
            path.write_bytes(originals[path] + note.format(i=i + 100).encode("utf-8"))
        return apply

    try:
        run = measure(check_cmd(project, cached=True), cwd=project, log=bench.log)  # fills the cache
        if run.returncode != 0:
            raise SystemExit(f"bench: growth {size.label} check (filling the cache) failed; see {bench.log}")
        label = f"growth {size.label}"
        warm = bench.repeat(label, {"check, cache, no change": lambda: check_cmd(project, True)}, cwd=project)
        page_edit = bench.repeat(label, {"check, cache, 1 page edited": lambda: check_cmd(project, True)}, cwd=project,
                                 before=edit(page, "\nGhi chú sửa lần {i}.\n"))
        data_edit = bench.repeat(label, {"check, cache, 1 data file edited": lambda: check_cmd(project, True)},
                                 cwd=project, before=edit(data, "\n# sửa lần {i}\n"))
    finally:
        for path, content in originals.items():
            path.write_bytes(content)
    (w,), (pe,), (de,) = warm.values(), page_edit.values(), data_edit.values()
    return {"check_warm_min": w.wall_min, "check_warm_med": w.wall_med, "check_warm_rss": w.rss_max,
            "check_page_min": pe.wall_min, "check_page_med": pe.wall_med,
            "check_data_min": de.wall_min, "check_data_med": de.wall_med}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m macros.bench", description="What the data layer costs.")
    parser.add_argument("--runs", type=int, default=3, help="repetitions of every timing (at least 3; default 3)")
    parser.add_argument("--sizes", default=",".join(f"{s.pages}:{s.indicators}" for s in SIZES),
                        help="generated sizes as PAGES:INDICATORS,… (default 10:100,100:1000,1000:10000)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results", help="where results.json goes")
    parser.add_argument("--no-browser", action="store_true", help="skip the reader-side measures in Chromium")
    parser.add_argument("--no-overhead", action="store_true", help="skip the example handbook overhead")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (generated reports, sites)")
    args = parser.parse_args(argv)
    if args.runs < 3:
        parser.error("--runs must be at least 3")
    sizes = [Size(*map(int, s.split(":"))) for s in args.sizes.split(",") if s]
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="handbook-bench-"))
    bench = Bench(work, args.runs, args.out)
    bench.log.write_text("")
    bench.say(f"bench: {machine()['nproc']} cores, {machine()['mem_gib']} GiB; work folder {work}")
    try:
        if not args.no_overhead:
            bench.results["overhead"] = overhead(bench)
        bench.results["growth"] = [growth(bench, size) for size in sizes]
        if not args.no_browser:
            from .browser import reader_side

            sites = {}
            if not args.no_overhead:
                sites["example"] = work / "site-example-full"
            biggest = max(bench.results["growth"], key=lambda r: r["pages"], default=None)
            if biggest:
                sites[f"{biggest['pages']} pages"] = Path(biggest["site_dir"])
            try:
                bench.results["reader"] = reader_side(sites, biggest["pages"] if biggest else 0,
                                                      Path(biggest["site_dir"]) if biggest else None, bench.say)
            except Exception as exc:  # the build figures stand on their own; say what is missing and why
                bench.results["reader_error"] = f"{type(exc).__name__}: {exc}"
                bench.say(f"reader side not measured: {bench.results['reader_error']}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    lines = format_table(bench.results) + ["", "Goals"] + goals(bench.results)
    bench.results["table"] = lines
    bench.results["summary"] = summary(bench.results)
    bench.results["seconds"] = time.perf_counter() - bench.started
    (args.out / "results.json").write_text(json.dumps(bench.results, indent=1, ensure_ascii=False), "utf-8")
    print()
    print("\n".join(lines))
    print(f"\nbench: {bench.results['seconds']:.0f} s in all; results in {args.out / 'results.json'}")
    print(bench.results["summary"], flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
