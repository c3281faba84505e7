"""Edit to visible: how long after an editor saves a file ``mkdocs serve`` shows the change, for the handbook
(a page edit and a data edit) and for plain MkDocs + Material serving the same pages (a page edit), in one run,
alternating so both meet the same machine. Then where a handbook rebuild's time goes.

``python -m macros.bench.reload [--runs N]`` prints one line per measure and
``reload_ratio_page=R reload_ratio_data=R rebuild_ratio=R`` (handbook median ÷ plain median; the last from
MkDocs' own "Documentation built in" timing of each rebuild, without the watcher's debounce).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from .measure import ROOT
from .variants import make_plain

PAGE_SRC = "docs/phan-1/kinh-te.md"
PAGE_URL = "/phan-1/kinh-te/"
DATA_SRC = "data/indicators/kinh-te.yaml"
POLL = 0.02
LIMIT = 120.0


def _copy(dest: Path) -> Path:
    for name in ("docs", "data", "macros", "overrides"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    handbook = dest / "data" / "handbook.yaml"  # the earlier draft's commit is not in the copy's new repository
    handbook.write_text(re.sub(r"(?m)^previous:.*\n", "", handbook.read_text(encoding="utf-8")), encoding="utf-8")
    return dest


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 — loopback only
            return response.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _wait(url: str, marker: str) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < LIMIT:
        if marker in _fetch(url):
            return time.perf_counter() - started
        time.sleep(POLL)
    raise RuntimeError(f"{url}: {marker!r} not shown within {LIMIT:.0f} s")


class Served:
    """One ``mkdocs serve`` on a loopback port, stopped on exit."""

    def __init__(self, project: Path, log: Path):
        self.project = project
        self.url = f"http://127.0.0.1:{_port()}"
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(project))
        self._log = open(log, "w", encoding="utf-8")  # noqa: SIM115 — closed in stop()
        self.proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", self.url[7:]],
                                     cwd=project, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        _wait(self.url + PAGE_URL, "</html>")

    def edit_to_visible(self, rel: str, old: str, new: str, marker: str) -> float:
        """Seconds from saving ``rel`` (``old`` → ``new``) to the page showing ``marker``; the edit is undone after."""
        path = self.project / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, (rel, old)
        assert marker not in _fetch(self.url + PAGE_URL), f"{marker!r} is on the page before the edit"
        started = time.perf_counter()
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        _wait(self.url + PAGE_URL, marker)
        seconds = time.perf_counter() - started
        path.write_text(text, encoding="utf-8")
        time.sleep(0.5)
        _wait_gone(self.url + PAGE_URL, marker)
        return seconds

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._log.close()


def _wait_gone(url: str, marker: str) -> None:
    started = time.perf_counter()
    while time.perf_counter() - started < LIMIT and marker in _fetch(url):
        time.sleep(POLL)


def _built_times(log: Path) -> list[float]:
    return [float(m) for m in re.findall(r"Documentation built in ([0-9.]+) seconds", log.read_text(encoding="utf-8"))]


def breakdown(project: Path, runs: int = 5) -> dict[str, float]:
    """Where a handbook rebuild's time goes, each part on its own (median seconds).

    ``git_info_s`` is what mkdocs-macros' git subprocesses cost each time they run: the handbook lets them run
    on the first build only (pages refuse ``git``; macros/site/glue.py), so no serve rebuild pays them.
    """
    from mkdocs.config import load_config
    from mkdocs_macros.context import get_git_info

    from ..core.load import load_dataset
    from ..pages.render import PageRenderer, discover_pages, read_page

    here = Path.cwd()
    os.chdir(project)
    try:
        def timed(fn) -> float:  # noqa: ANN001
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                fn()
                times.append(time.perf_counter() - started)
            return statistics.median(times)

        dataset = load_dataset(project / "data", project)[0]
        renderer = PageRenderer(dataset)
        pages = [read_page(p, project / "docs", project)[0] for p in discover_pages(project / "docs")]
        return {
            "git_info_s": timed(get_git_info),  # mkdocs-macros' on_config: git subprocesses (first build only)
            "config_load_s": timed(lambda: load_config(str(project / "mkdocs.yml"))),
            "data_load_s": timed(lambda: load_dataset(project / "data", project)),
            "render_pages_s": timed(lambda: [renderer.render(p) for p in pages if p is not None]),
        }
    finally:
        os.chdir(here)


HANDBOOK_PARTS = ("macros", "macros/site/hooks.py")  # mkdocs-macros with the handbook's module, and its hooks file


def _timed_events(config, spent: dict[str, float]) -> None:  # noqa: ANN001 — MkDocs' config object
    """Wrap every event method of the handbook's parts so that their time adds up in ``spent`` by event."""
    parts = [config.plugins[name] for name in HANDBOOK_PARTS if name in config.plugins]
    ours = {id(p) for p in parts} | {id(f) for p in parts for f in vars(p).values() if callable(f)}
    for event, methods in config.plugins.events.items():
        for i, method in enumerate(methods):
            if id(getattr(method, "__self__", None)) not in ours and id(method) not in ours:
                continue

            def timed(*args, _method=method, _event=event, **kwargs):  # noqa: ANN002, ANN003
                started = time.perf_counter()
                try:
                    return _method(*args, **kwargs)
                finally:
                    spent[_event] = spent.get(_event, 0.0) + time.perf_counter() - started
            methods[i] = timed


def rebuild_parts(project: Path, runs: int = 5) -> dict[str, float]:
    """Rebuilds as ``mkdocs serve`` runs them (one process, the configuration loaded again each time), after
    a page edit and after a data edit: the whole build and the part spent in the handbook's own code
    (mkdocs-macros with the handbook's macros, and the hooks file), median seconds; the first is not counted."""
    import logging

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    edits = {"page": (PAGE_SRC, "## Đánh giá chung", "## Đánh giá chung {i}"),
             "data": (DATA_SRC, "2024: 10.2", "2024: 10.{i}")}
    here = Path.cwd()
    out = Path(tempfile.mkdtemp(prefix="handbook_rebuild_"))
    logging.disable(logging.WARNING)
    os.chdir(project)
    result: dict[str, float] = {}
    try:
        for kind, (rel, old, new) in edits.items():
            path = project / rel
            text = path.read_text(encoding="utf-8")
            totals, ours, by_event = [], [], []
            for i in range(runs + 1):
                path.write_text(text.replace(old, new.format(i=3 + i), 1), encoding="utf-8")
                spent: dict[str, float] = {}
                started = time.perf_counter()
                config = load_config(str(project / "mkdocs.yml"), site_dir=str(out))
                _timed_events(config, spent)
                build(config)
                if i:
                    totals.append(time.perf_counter() - started)
                    ours.append(sum(spent.values()))
                    by_event.append(spent)
            path.write_text(text, encoding="utf-8")
            result[f"inproc_{kind}_rebuild_s"] = statistics.median(totals)
            result[f"inproc_{kind}_handbook_s"] = statistics.median(ours)
            for event in sorted({e for spent in by_event for e in spent}):
                result[f"inproc_{kind}_{event}_s"] = statistics.median(spent.get(event, 0.0) for spent in by_event)
    finally:
        os.chdir(here)
        logging.disable(logging.NOTSET)
        shutil.rmtree(out, ignore_errors=True)
    return result


def measure_reload(work: Path, runs: int = 3) -> dict[str, float]:
    full = _copy(work / "full")
    subprocess.run(["git", "init", "-q", str(full)], check=False)  # mkdocs-macros' git info has a repository to read
    plain = work / "plain"
    make_plain(full, plain)
    servers = {"full": Served(full, work / "full.log"), "plain": Served(plain, work / "plain.log")}
    times: dict[str, list[float]] = {"full_page": [], "full_data": [], "plain_page": []}
    try:
        for i in range(runs):
            marker = f"Đánh giá chung lần {i}"
            times["plain_page"].append(servers["plain"].edit_to_visible(PAGE_SRC, "## Đánh giá chung", f"## {marker}",
                                                                        marker))
            times["full_page"].append(servers["full"].edit_to_visible(PAGE_SRC, "## Đánh giá chung", f"## {marker}",
                                                                      marker))
            times["full_data"].append(servers["full"].edit_to_visible(DATA_SRC, "2024: 10.2", f"2024: {20 + i}.7",
                                                                      f"{20 + i},7%"))
    finally:
        for server in servers.values():
            server.stop()
    result = {f"{k}_s": statistics.median(v) for k, v in times.items()}
    # MkDocs' own timing of each rebuild (its log), without the watcher's debounce and the polling around it.
    for name in ("full", "plain"):
        built = _built_times(work / f"{name}.log")[1:]  # the first is serve's initial build
        if built:
            result[f"rebuild_{name}_s"] = statistics.median(built)
    if "rebuild_full_s" in result and "rebuild_plain_s" in result:
        result["rebuild_ratio"] = result["rebuild_full_s"] / result["rebuild_plain_s"]
    result["reload_ratio_page"] = result["full_page_s"] / result["plain_page_s"]
    result["reload_ratio_data"] = result["full_data_s"] / result["plain_page_s"]
    result.update(breakdown(full))
    result.update(rebuild_parts(full, runs))
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m macros.bench.reload", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="handbook_reload_") as tmp:
        result = measure_reload(Path(tmp), args.runs)
    for key, value in result.items():
        print(f"{key:>20}  {value:8.3f}")
    print(f"reload_ratio_page={result['reload_ratio_page']:.2f} reload_ratio_data={result['reload_ratio_data']:.2f} "
          f"rebuild_ratio={result.get('rebuild_ratio', float('nan')):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
