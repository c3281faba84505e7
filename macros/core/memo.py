"""Results kept in memory between the rebuilds of one process, keyed by a digest of every input.

``mkdocs serve`` rebuilds the whole site after each save, in the same process: every page is linted, the
data are loaded, the sections indexed and the search rows extracted again, although one file changed.
Plain MkDocs + Material does none of that work, so it is the whole of the handbook's extra time per reload
(``python -m macros.bench.reload``). A result here is reused only when the digest of the very inputs it was
computed from is the same, so an edit is never missed; nothing is written anywhere, so nothing planted in
the project can feed it (unlike the on-disk check cache, :mod:`macros.core.cache`). Each memo holds a
bounded number of results, the oldest dropped first, so a thousand-page site cannot grow it without end.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Generic, TypeVar

from .cache import digest

V = TypeVar("V")

__all__ = ["ContentMemo", "digest", "files_digest"]


def files_digest(paths: Iterable[Path], *extra: str) -> str:
    """A key for what these files hold now: ``extra``, then each file's path and bytes (or why it cannot be read),
    so any edit, addition, removal or rename gives another key."""
    parts: list[bytes | str] = list(extra)
    for path in paths:
        try:
            content = path.read_bytes()
        except OSError as exc:
            content = f"unreadable: {exc.strerror}".encode()
        parts += [path.as_posix(), content]
    return digest(*parts)


class ContentMemo(Generic[V]):
    """At most ``limit`` results by key; ``get`` computes and keeps what it does not hold."""

    def __init__(self, limit: int = 2048):
        self.limit = limit
        self._items: OrderedDict[str, V] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: str, compute: Callable[[], V]) -> V:
        if key in self._items:
            self._items.move_to_end(key)
            self.hits += 1
            return self._items[key]
        self.misses += 1
        value = compute()
        self.put(key, value)
        return value

    def peek(self, key: str) -> V | None:
        """The result held for ``key``, or None; for results that are kept only when they can be (see ``put``)."""
        if key not in self._items:
            self.misses += 1
            return None
        self._items.move_to_end(key)
        self.hits += 1
        return self._items[key]

    def put(self, key: str, value: V) -> None:
        self._items[key] = value
        if len(self._items) > self.limit:
            self._items.popitem(last=False)

    def clear(self) -> None:
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
