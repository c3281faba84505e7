"""Time and memory bounds for work driven by editors' input (rendering a page, a whole check).

A page is a template an editor controls: ``{% for i in range(99999) %}{% for j in range(99999) %}…`` runs
for hours and a doubling ``{% set ns.x = ns.x ~ ns.x %}`` takes gigabytes, both in plain Python bytecode.
:func:`bounded` runs a block under a deadline and a memory budget. One watchdog thread per process samples
the clock and the resident memory of the process every few milliseconds; when a bound is passed it raises
:class:`LimitExceeded` *in the thread running the block* (CPython's ``PyThreadState_SetAsyncExc``), so it
works in any thread — ``mkdocs serve`` rebuilds outside the main thread, where ``SIGALRM`` cannot reach.
The exception is delivered between two bytecodes: a single huge C-level operation is not interrupted,
which is why the template sandbox also bounds the operators and arguments that make one
(:mod:`macros.pages.render`). Pure standard library; no MkDocs, no Jinja.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_TICK = 0.01


class LimitExceeded(BaseException):  # noqa: N818 — raised by the watchdog, so BaseException: no `except Exception` eats it
    """Raised asynchronously in a bounded block; :func:`bounded` turns it into :class:`OverLimit`."""


class OverLimit(Exception):  # noqa: N818 — the block went over a bound; says which
    """The block went over ``limit`` (``"seconds"`` or ``"memory"``), set to ``value``."""

    def __init__(self, limit: str, value: float, what: str):
        self.limit = limit
        self.value = value
        self.what = what
        unit = "s" if limit == "seconds" else " MB"
        super().__init__(f"{what} went over its limit of {value:g}{unit}")


@dataclass
class _Armed:
    thread_id: int
    deadline: float | None
    memory_bytes: int | None
    base_rss: int
    fired: str | None = None


def rss_bytes() -> int:
    """Resident memory of this process, from /proc (0 where there is none)."""
    try:
        with open("/proc/self/statm", "rb") as handle:
            return int(handle.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


class _Watchdog:
    """One daemon thread for the process, watching every armed block; idle (blocked) when none is armed."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._armed: dict[int, _Armed] = {}
        self._next = 0
        self._thread: threading.Thread | None = None

    def arm(self, entry: _Armed) -> int:
        with self._lock:
            self._next += 1
            self._armed[self._next] = entry
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="handbook-limits", daemon=True)
                self._thread.start()
            self._lock.notify()
            return self._next

    def disarm(self, token: int, entry: _Armed) -> None:
        with self._lock:
            self._armed.pop(token, None)
        if entry.fired:
            # Fired, perhaps not yet delivered: clear it so it cannot surface after the block ended.
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(entry.thread_id), None)

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._armed:
                    self._lock.wait()
                entries = [e for e in self._armed.values() if not e.fired]
            now = time.monotonic()
            rss = rss_bytes() if any(e.memory_bytes for e in entries) else 0
            for entry in entries:
                if entry.deadline is not None and now > entry.deadline:
                    self._fire(entry, "seconds")
                elif entry.memory_bytes is not None and rss - entry.base_rss > entry.memory_bytes:
                    self._fire(entry, "memory")
            time.sleep(_TICK)

    def _fire(self, entry: _Armed, limit: str) -> None:
        with self._lock:
            if entry.fired or entry not in self._armed.values():
                return
            entry.fired = limit
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(entry.thread_id), ctypes.py_object(LimitExceeded))


_WATCHDOG = _Watchdog()


@contextlib.contextmanager
def bounded(seconds: float | None, memory_mb: float | None, what: str) -> Iterator[None]:
    """Run the block within ``seconds`` of wall time and ``memory_mb`` more resident memory, or raise
    :class:`OverLimit` naming the bound. ``None`` leaves that bound off. Blocks may nest (each its own bound)."""
    if not seconds and not memory_mb:
        yield
        return
    entry = _Armed(threading.get_ident(), time.monotonic() + seconds if seconds else None,
                   int(memory_mb * 1024 * 1024) if memory_mb else None, rss_bytes() if memory_mb else 0)
    token = _WATCHDOG.arm(entry)
    over: OverLimit | None = None
    try:
        yield
    except LimitExceeded as exc:
        if entry.fired is None:
            raise  # an outer block's bound: it is that block's to report
        over = OverLimit(entry.fired, seconds if entry.fired == "seconds" else memory_mb, what)
        over.__cause__ = exc  # its traceback says where the block was when it went over
    finally:
        for _ in range(3):  # the exception may land while disarming: disarm again, then it cannot
            try:
                _WATCHDOG.disarm(token, entry)
                break
            except LimitExceeded:
                continue
    if over is None and entry.fired:  # fired as the block was ending: it went over all the same
        over = OverLimit(entry.fired, seconds if entry.fired == "seconds" else memory_mb, what)
    if over is not None:
        raise over
