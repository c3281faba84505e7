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
import contextlib
import json
import os
import platform
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from .gen_report import Size, generate, load_mkdocs_yml

ROOT = Path(__file__).resolve().parents[2]
SIZES = (Size(10, 100), Size(100, 1000), Size(1000, 10000))
ENV = {"NO_MKDOCS_2_WARNING": "1", "PYTHONUNBUFFERED": "1"}


# -- measuring one child process -------------------------------------------------------------------
@dataclass(frozen=True)
class Run:
    """One measured command: wall seconds, peak resident memory in MiB, exit code."""

    wall: float
    rss_mb: float
    returncode: int


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(p) for p in handle.read().split()]
    except OSError:
        return []


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
    except (OSError, IndexError, ValueError):
        return 0


def _pss_kb(pid: int) -> int:
    """Proportional set size: shared pages (libraries, a fork's copy-on-write pages) split among sharers."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return _rss_kb(pid)


def tree_rss_kb(pid: int) -> int:
    """Memory of a process and all its descendants, now: the sum of their PSS, so that pages two processes
    share (a fork before exec, the same libraries) count once, as they do in physical memory."""
    total, todo, seen = 0, [(pid, None)], set()
    while todo:
        p, parent_cmdline = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        cmdline = _cmdline(p)
        # A child caught between (v)fork and exec (subprocess starting `git`, say) is its parent's memory,
        # not more: with vfork the very same pages, which PSS would count twice. It is counted once.
        if cmdline is None or cmdline != parent_cmdline:
            total += _pss_kb(p)
        todo.extend((c, cmdline) for c in _children(p))
    return total


def _cmdline(pid: int) -> bytes | None:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read()
    except OSError:
        return None


# The tiny wrapper each measured command runs under (``python -S``: no site-packages, a few MB). It
# forks and execs the command, then reports the command's own wall time, ru_maxrss and exit code. A
# child forked (or vforked) straight from this benchmark process would count this process's memory in
# its ru_maxrss at exec; a child of the small wrapper counts only the wrapper's few MB before exec.
_WRAPPER = """
import os, sys, time
out, cwd, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
os.chdir(cwd)
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(cmd[0], cmd)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - started
code = os.waitstatus_to_exitcode(status)
with open(out, "w") as handle:
    handle.write(f"{wall} {usage.ru_maxrss} {code}")
sys.exit(code if 0 <= code < 256 else 1)
"""


def measure(cmd: Sequence[str], cwd: Path | None = None, log: Path | None = None, timeout: float = 900,
            interval: float = 0.01) -> Run:
    """Run ``cmd`` as a child; return its wall time, the peak RSS of its process tree and its exit code.

    Peak RSS is the larger of the command's ``ru_maxrss`` (its largest single process, descendants it
    waited for included) and the sum of PSS over its process tree sampled every ``interval`` (what two
    processes alive together hold; shared pages once).
    """
    env = dict(os.environ, **ENV)
    with tempfile.NamedTemporaryFile(prefix="bench-run-", suffix=".txt", delete=False) as handle:
        report = Path(handle.name)
    argv = [sys.executable, "-S", "-c", _WRAPPER, str(report), str(cwd or Path.cwd()), *cmd]
    actions = [(os.POSIX_SPAWN_OPEN, 1, str(log) if log else os.devnull, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644),
               (os.POSIX_SPAWN_DUP2, 1, 2), (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0)]
    started = time.perf_counter()
    pid = os.posix_spawn(sys.executable, argv, env, file_actions=actions)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(interval):
            peak[0] = max(peak[0], tree_rss_kb(pid) - _pss_kb(pid))  # the command's tree, not the wrapper
            if time.perf_counter() - started > timeout:
                for victim in [*_children(pid), pid]:
                    with contextlib.suppress(OSError):
                        os.kill(victim, signal.SIGKILL)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status = os.waitpid(pid, 0)
    done.set()
    sampler.join()
    try:
        wall_text, maxrss_text, code_text = report.read_text().split()
        wall, maxrss, code = float(wall_text), int(maxrss_text), int(code_text)
    except (OSError, ValueError):  # the wrapper itself was killed (timeout)
        wall, maxrss, code = time.perf_counter() - started, 0, os.waitstatus_to_exitcode(status) or 1
    finally:
        report.unlink(missing_ok=True)
    return Run(wall, max(maxrss, peak[0]) / 1024, code)


@dataclass
class Series:
    """Repeated runs of one command."""

    name: str
    runs: list[Run] = field(default_factory=list)

    @property
    def walls(self) -> list[float]:
        return [r.wall for r in self.runs]

    @property
    def wall_min(self) -> float:
        return min(self.walls)

    @property
    def wall_med(self) -> float:
        return statistics.median(self.walls)

    @property
    def rss_max(self) -> float:
        return max(r.rss_mb for r in self.runs)

    @property
    def rss_med(self) -> float:
        return statistics.median(r.rss_mb for r in self.runs)


def ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


# -- projects: full and plain -----------------------------------------------------------------------
def tree_size(path: Path) -> int:
    """Bytes of every file under ``path``."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def search_index(site: Path) -> Path:
    return site / "search" / "search_index.json"


def plain_config(config_text: str, handbook_fields: dict[str, str] | None = None) -> str:
    """The project's ``mkdocs.yml`` without the macros plugin (same theme, extensions, other plugins).

    ``handbook_fields`` (the draft banner and print cover, which the glue puts in ``extra.handbook`` at
    build time) are written into the copy, so the theme renders the same banner on both sides.
    """
    def edit(config: dict) -> None:
        if handbook_fields:
            config.setdefault("extra", {})["handbook"] = handbook_fields
        config["plugins"] = _without(config.get("plugins") or [], "macros")
        config.pop("watch", None)  # data/ is not copied: nothing of it is read by a plain build
        config.pop("hooks", None)  # the handbook's own hook (drafts, editor notes) is part of the pipeline measured
    return _rewrite(config_text, edit)


def _rewrite(config_text: str, edit: Callable[[dict], None]) -> str:
    """``mkdocs.yml`` text, read as MkDocs reads it (its tags resolved), changed by ``edit``, written back."""
    config = load_mkdocs_yml(config_text)
    edit(config)
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=200)


def derive(src: Path, dest: Path, rewrite: Callable[[str], str]) -> Path:
    """A copy of the project folder ``src`` (links kept as links) whose ``mkdocs.yml`` is ``rewrite`` of src's."""
    shutil.copytree(src, dest, symlinks=True)
    (dest / "mkdocs.yml").write_text(rewrite((src / "mkdocs.yml").read_text("utf-8")), "utf-8")
    return dest


def _plugin_name(plugin: str | dict) -> str:
    return plugin if isinstance(plugin, str) else next(iter(plugin))


def _without(plugins: list, name: str) -> list:
    return [p for p in plugins if _plugin_name(p) != name]


def without_print_site(plain_text: str) -> str:
    """A plain config without the print page: what mkdocs-print-site-plugin costs, on its own."""
    return _rewrite(plain_text, lambda config: config.update(plugins=_without(config.get("plugins") or [], "print-site")))


def short_nav(plain_text: str) -> str:
    """A config whose navigation keeps only the top-level pages (the sections' pages are still built):
    what Material's navigation, written into every page, costs as the report grows."""
    def edit(config: dict) -> None:
        config["nav"] = [e for e in config.get("nav") or []
                         if isinstance(e, str) or (isinstance(e, dict) and not isinstance(next(iter(e.values())), list))]
        config["validation"] = dict(config.get("validation") or {}, omitted_files="info")  # pages out of nav, on purpose
    return _rewrite(plain_text, edit)


EMPTY_MODULE = "bench_empty_module"
# A prototype, for measuring only: the same check and rendering done by an MkDocs hook file instead of
# mkdocs-macros (MkDocs >= 1.4 runs `hooks:` files as a plugin). Not the product; it tells what the
# pipeline would cost without the mkdocs-macros plugin.
HOOKS_FILE = "bench_handbook_hooks.py"
HOOKS_CODE = """
import sys
from pathlib import Path

PluginError = __import__("mkdocs.exceptions", fromlist=["PluginError"]).PluginError  # the hook file is MkDocs'

sys.path.insert(0, MACROS_PARENT)
from macros.core.cache import digest  # noqa: E402
from macros.pages.check import run_check  # noqa: E402
from macros.pages.render import PageRenderer, PageSource  # noqa: E402

_state = {}


def on_config(config):
    root = Path(config.config_file_path).resolve().parent
    report = run_check(root, use_directory_urls=config.use_directory_urls)
    if report.errors:
        raise PluginError("\\n".join(str(p) for p in report.errors))
    _state.update(renderer=PageRenderer(report.dataset, config.use_directory_urls), rendered=report.rendered)


def on_page_markdown(markdown, page, config, files):
    src = page.file.src_uri
    done = _state["rendered"].get(src)
    if done is not None and done[0] == digest(markdown):
        return done[1]  # as the glue does: the check's rendering of the same body
    text, problems = _state["renderer"].render(PageSource(src, "docs/" + src, markdown, markdown, 0, dict(page.meta or {})))
    if problems:
        raise PluginError("\\n".join(str(p) for p in problems))
    return text
"""


def hooks_config(plain_text: str) -> str:
    """A plain config running the handbook through :data:`HOOKS_FILE` instead of mkdocs-macros."""
    return _rewrite(plain_text, lambda config: config.update(hooks=[HOOKS_FILE]))
OVERHEAD_RUNS = 7  # the example builds in about a second: more runs cost little and steady the ratio


def macros_only_config(plain_text: str) -> str:
    """A plain config with mkdocs-macros switched on again, loading a module that defines nothing."""
    def edit(config: dict) -> None:
        plugins = list(config.get("plugins", []))
        names = [_plugin_name(p) for p in plugins]
        at = names.index("print-site") if "print-site" in names else len(plugins)  # print-site stays last
        plugins.insert(at, {"macros": {"module_name": EMPTY_MODULE, "on_undefined": "strict"}})
        config["plugins"] = plugins
    return _rewrite(plain_text, edit)


def make_plain(project: Path, dest: Path) -> int:
    """Write ``dest``: the project's pages with every macro already rendered by the core, and a plain config.

    Returns the number of pages. Fails loudly if any page does not render: the benchmark compares builds
    that succeed.
    """
    from ..core.load import load_dataset
    from ..pages.render import PageRenderer, discover_pages, read_page
    from ..pages.theme import banner_fields

    docs = project / "docs"
    dataset, _ = load_dataset(project / "data", project)
    renderer = PageRenderer(dataset)
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(docs, dest / "docs", ignore=shutil.ignore_patterns("*.md"))
    pages = 0
    for path in discover_pages(docs):
        page, problems = read_page(path, docs, project)
        assert page is not None, problems
        text, problems = renderer.render(page)
        if text is None or any(p.is_error for p in problems):
            raise RuntimeError("\n".join(map(str, problems)))
        front = page.text[: len(page.text) - len(page.body)]
        out = dest / "docs" / page.src
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(front + text, encoding="utf-8")
        pages += 1
    overrides = project / "overrides"
    if overrides.is_dir():  # the same theme on both sides: the plain build is the same site without our code
        (dest / "overrides").symlink_to(overrides.resolve(), target_is_directory=True)
    fields = banner_fields(dataset.handbook)
    (dest / "mkdocs.yml").write_text(plain_config((project / "mkdocs.yml").read_text(encoding="utf-8"), fields), "utf-8")
    return pages


def full_cmd(project: Path, site: Path, cached: bool = False) -> list[str]:
    """The full pipeline from scratch (``--no-cache``: every run does all the work a first run does), or
    (``cached``) with the check's cache an earlier run left, as an editor's second build runs."""
    return [sys.executable, "-m", "macros", "--project", str(project), "build", *([] if cached else ["--no-cache"]),
            "--site-dir", str(site)]


def plain_cmd(project: Path, site: Path) -> list[str]:
    return [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "--site-dir", str(site),
            "--config-file", str(project / "mkdocs.yml")]


def check_cmd(project: Path, cached: bool = False) -> list[str]:
    """``check`` from scratch, or (``cached``) with the cache an earlier run left in the project."""
    return [sys.executable, "-m", "macros", "--project", str(project), "check", *([] if cached else ["--no-cache"])]


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


def linearity(rows: list[dict], key: str, per: str) -> list[float]:
    """Cost per unit (page or indicator) at each size: flat means linear growth."""
    return [r[key] / r[per] for r in rows]


def format_table(results: dict) -> list[str]:
    m = results["machine"]
    lines = [f"machine: {m['nproc']} cores, {m['mem_gib']} GiB RAM, Python {m['python']}, {m['platform']}; "
             f"{results['runs']} runs per timing (min / median)"]
    o = results.get("overhead")
    if o:
        lines += ["", f"Overhead — example handbook ({o['pages']} pages): full pipeline vs plain MkDocs + Material",
                  f"{'':24}{'wall min s':>11}{'wall med s':>11}{'peak RSS MB':>12}{'site KB':>9}",
                  f"{'full (macros build)':24}{o['full_wall_min']:>11.2f}{o['full_wall_med']:>11.2f}"
                  f"{o['full_rss']:>12.0f}{o['site_full'] / 1024:>9.0f}",
                  f"{'plain (mkdocs build)':24}{o['plain_wall_min']:>11.2f}{o['plain_wall_med']:>11.2f}"
                  f"{o['plain_rss']:>12.0f}{o['site_plain'] / 1024:>9.0f}",
                  f"{'ratio full/plain':24}{o['wall_ratio']:>11.2f}{o['wall_ratio_med']:>11.2f}{o['rss_ratio']:>12.2f}"
                  f"   (median of the {o['runs']} paired run ratios: {o['wall_ratio_paired']:.2f})",
                  *([f"{'full, cache filled':24}{o['cached_wall_min']:>11.2f}{o['cached_wall_med']:>11.2f}"
                      f"{o['cached_rss']:>12.0f}          ← an editor's next build: the check from .handbook_cache/",
                      f"{'  ratio to plain':24}{ratio(o['cached_wall_min'], o['plain_wall_min']):>11.2f}"
                      f"{ratio(o['cached_wall_med'], o['plain_wall_med']):>11.2f}"
                      f"{ratio(o['cached_rss'], o['plain_rss']):>12.2f}"] if "cached_wall_min" in o else []),
                  f"{'plain + mkdocs-macros':24}{o['bare_wall_min']:>11.2f}{o['bare_wall_med']:>11.2f}{o['bare_rss']:>12.0f}"
                  "          ← the plugin alone, empty module: its share of the overhead",
                  f"{'  share: mkdocs-macros':24}{ratio(o['bare_wall_min'], o['plain_wall_min']):>11.2f}"
                  f"{ratio(o['bare_wall_med'], o['plain_wall_med']):>11.2f}{ratio(o['bare_rss'], o['plain_rss']):>12.2f}",
                  f"{'  share: handbook code':24}{ratio(o['full_wall_min'], o['bare_wall_min']):>11.2f}"
                  f"{ratio(o['full_wall_med'], o['bare_wall_med']):>11.2f}{ratio(o['full_rss'], o['bare_rss']):>12.2f}"]
        if "hooks_wall_min" in o:
            lines += [f"{'prototype: MkDocs hook':24}{o['hooks_wall_min']:>11.2f}{o['hooks_wall_med']:>11.2f}"
                      f"{o['hooks_rss']:>12.0f}          ← check + render in a hooks: file, no mkdocs-macros "
                      f"(same pages: {'yes' if o['hooks_same_site'] else 'NO'})",
                      f"{'  ratio hook/plain':24}{ratio(o['hooks_wall_min'], o['plain_wall_min']):>11.2f}"
                      f"{ratio(o['hooks_wall_med'], o['plain_wall_med']):>11.2f}{ratio(o['hooks_rss'], o['plain_rss']):>12.2f}"]
    rows = results.get("growth", [])
    if rows:
        lines += ["", "Growth — generated reports; full / plain build, check (whole process), peak RSS, sizes",
                  f"{'size':>13}{'full s':>14}{'plain s':>14}{'ratio':>6}{'check s':>13}{'RSS MB f/p':>12}"
                  f"{'site MB f/p':>13}{'index MB f/p':>14}{'ms/page f/p':>13}"]
        for r in rows:
            lines.append(
                f"{r['label']:>13}{r['full_min']:>7.2f}/{r['full_med']:<6.2f}{r['plain_min']:>7.2f}/{r['plain_med']:<6.2f}"
                f"{ratio(r['full_min'], r['plain_min']):>6.2f}{r['check_min']:>6.2f}/{r['check_med']:<6.2f}"
                f"{r['full_rss']:>6.0f}/{r['plain_rss']:<5.0f}"
                f"{r['site_full'] / 1e6:>6.1f}/{r['site_plain'] / 1e6:<6.1f}"
                f"{r['index_full'] / 1e6:>7.2f}/{r['index_plain'] / 1e6:<6.2f}"
                f"{r['full_min'] / r['pages'] * 1000:>6.0f}/{r['plain_min'] / r['pages'] * 1000:<6.0f}")
        if "check_warm_min" in rows[0]:
            lines += ["", "check (whole process), min / median s: from scratch (--no-cache), and again with the cache "
                          "(.handbook_cache/)",
                      f"{'size':>13}{'scratch':>14}{'no change':>14}{'1 page edited':>16}{'1 data file edited':>20}"]
            for r in rows:
                lines.append(f"{r['label']:>13}{r['check_min']:>7.2f}/{r['check_med']:<6.2f}"
                             f"{r['check_warm_min']:>7.2f}/{r['check_warm_med']:<6.2f}"
                             f"{r['check_page_min']:>9.2f}/{r['check_page_med']:<6.2f}"
                             f"{r['check_data_min']:>13.2f}/{r['check_data_med']:<6.2f}")
        lines += ["", "Where the plain build's time goes — the same plain copy built without the print page "
                  "(mkdocs-print-site-plugin), then also with a navigation of the top-level pages only (Material "
                  "writes the whole navigation into every page)",
                  f"{'size':>13}{'plain s':>9}{'no print s':>12}{'print share':>13}{'RSS MB':>12}"
                  f"{'+short nav s':>14}{'nav share':>11}{'site MB':>9}{'runs':>6}"]
        for r in rows:
            nav = (f"{r['shortnav_min']:>14.2f}{ratio(r['noprint_min'] - r['shortnav_min'], r['plain_min']):>10.0%}"
                   f"{r['shortnav_site'] / 1e6:>10.1f}") if "shortnav_min" in r else " " * 34
            lines.append(f"{r['label']:>13}{r['plain_min']:>9.2f}{r['noprint_min']:>12.2f}"
                         f"{1 - ratio(r['noprint_min'], r['plain_min']):>12.0%} {r['plain_rss']:>5.0f}/{r['noprint_rss']:<5.0f}"
                         f"{nav}{r['noprint_runs']:>6}")
        if len(rows) > 1:
            steps = []
            for a, b in zip(rows, rows[1:], strict=False):
                steps.append(f"{a['label']}→{b['label']}: pages ×{b['pages'] / a['pages']:.0f}, "
                             f"full ×{ratio(b['full_min'], a['full_min']):.1f}, "
                             f"plain ×{ratio(b['plain_min'], a['plain_min']):.1f}, "
                             f"check ×{ratio(b['check_min'], a['check_min']):.1f}, "
                             f"index ×{ratio(b['index_full'], a['index_full']):.1f}")
            lines += ["growth steps (×10 input → ×10 cost is linear): " + steps[0]] + [
                " " * 48 + s for s in steps[1:]]
    if results.get("reader_error"):
        lines += ["", f"Reader side — not measured: {results['reader_error']}"]
    reader = results.get("reader")
    if reader:
        lines += ["", "Reader side — headless Chromium (/usr/bin/chromium), site served on 127.0.0.1"]
        for name, t in reader.get("transfer", {}).items():
            lines.append(f"  first visit of the home page, {name}: {t['gzip_bytes'] / 1024:.0f} KB gzip "
                         f"({t['raw_bytes'] / 1024:.0f} KB raw) in {t['requests']} requests; of it the search index "
                         f"{t['index_gzip_bytes'] / 1024:.0f} KB gzip")
        s = reader.get("search")
        if s:
            lines.append(f"  search at {s['pages']} pages: index ready {s['ready_ms']:.0f} ms after load; "
                         f"query → results rendered: median {s['median_ms']:.0f} ms, min {s['min_ms']:.0f}, "
                         f"max {s['max_ms']:.0f} over {len(s['samples'])} ({', '.join(s['queries'])})")
            if "material_median_ms" in s:
                lines.append(f"  the same with Material's search worker as it ships (no diacritic folding, no heading "
                             f"weighting): median {s['material_median_ms']:.0f} ms — Material's own share")
    return lines


def goals(results: dict) -> list[str]:
    """Each goal of the benchmark with the measured value, met or not."""
    out = []

    def line(ok: bool, text: str) -> None:
        out.append(f"  [{'met' if ok else 'NOT met'}] {text}")

    o = results.get("overhead")
    if o:
        line(o["wall_ratio"] <= 1.10, f"overhead ≤ 1.10×: wall {o['wall_ratio']:.2f}× (min/min; median/median "
                                      f"{o['wall_ratio_med']:.2f}×), peak memory {o['rss_ratio']:.2f}×")
    big = next((r for r in results.get("growth", []) if r["indicators"] == 10000), None)
    if big:
        line(big["check_min"] < 1, f"check of 10,000 indicators < 1 s, from scratch: {big['check_min']:.2f} s "
                                   f"(whole `check` process, {big['pages']} pages too)")
        if "check_warm_min" in big:
            line(big["check_warm_min"] < 1 and big["check_page_min"] < 1,
                 f"check of 10,000 indicators < 1 s, again with the cache: {big['check_warm_min']:.2f} s unchanged, "
                 f"{big['check_page_min']:.2f} s after editing a page ({big['check_data_min']:.2f} s after editing "
                 "a data file, which renders every page again)")
    thousand = next((r for r in results.get("growth", []) if r["pages"] == 1000), None)
    if thousand:
        line(thousand["full_rss"] < 1024, f"1,000-page build < 1 GiB peak: {thousand['full_rss']:.0f} MB")
    for name, t in results.get("reader", {}).get("transfer", {}).items():
        line(t["gzip_bytes"] <= 350 * 1024, f"first visit of the home page ≤ 350 KB ({name}): {t['gzip_bytes'] / 1024:.0f} KB")
    search = results.get("reader", {}).get("search")
    if search:
        line(search["median_ms"] < 100, f"search < 100 ms at {search['pages']} pages: median {search['median_ms']:.0f} ms")
    return out


def summary(results: dict) -> str:
    o = results.get("overhead", {})
    big = next((r for r in results.get("growth", []) if r["indicators"] == 10000), {})
    big_pages = next((r for r in results.get("growth", []) if r["pages"] == 1000), {})
    nan = float("nan")
    return (f"overhead_ratio={o.get('wall_ratio', nan):.2f} check_10k_s={big.get('check_min', nan):.2f} "
            f"build_1000_rss_mb={big_pages.get('full_rss', nan):.0f}")


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
