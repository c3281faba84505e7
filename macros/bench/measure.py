"""Measuring one child process of the benchmark: wall time, peak memory of its tree, exit code; series of runs."""

from __future__ import annotations

import contextlib
import os
import signal
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .gen_report import Size

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


