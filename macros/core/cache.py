"""What ``check`` found, kept between runs and keyed by the content of everything it read.

An editor runs ``check`` (or ``build``) again and again while writing; at a thousand pages and ten
thousand indicators each run reads megabytes of YAML and renders every page. Like ruff's or mypy's
cache, this keeps the results of the last run in the project (``.handbook_cache/``, never committed)
and reuses a result only when every input it depends on is byte for byte the same:

* the **dataset** (with its warnings, or the problems that refused it): the bytes of every data file,
  the code of this package and the versions of the libraries that read and format data;
* each **page's** problems, words and rendered text: the page's own text, plus a *context* holding
  everything a page's result can depend on besides itself (the dataset's key, the list of files under
  ``docs/`` that links may name, the drafts, the URL style).

Anything unexpected in the cache (a file from another version, a truncated write, a read error) means
"not cached": the work is done again, never skipped. ``--no-cache`` or ``HANDBOOK_NO_CACHE=1`` turns it
off; ``publish`` always checks from scratch. Pickle is used because the cache is the project's own
files, written by this code, with the same trust as the code itself.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CACHE_DIR = ".handbook_cache"
FORMAT = 1
_PACKAGE = Path(__file__).resolve().parents[1]
_code_key: str | None = None


def enabled_by_env() -> bool:
    return os.environ.get("HANDBOOK_NO_CACHE", "").strip().lower() in ("", "0", "false", "no")


def digest(*parts: bytes | str) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def code_key() -> str:
    """This package's code (every file of it) and the libraries whose behaviour shapes a result."""
    global _code_key
    if _code_key is None:
        from importlib.metadata import PackageNotFoundError, version

        import yaml

        parts: list[bytes | str] = [f"format {FORMAT}", sys.version, f"libyaml {yaml.__with_libyaml__}"]
        for name in ("PyYAML", "Babel", "Jinja2", "MarkupSafe", "jsonschema"):
            try:
                parts.append(f"{name} {version(name)}")
            except PackageNotFoundError:
                parts.append(f"{name} absent")
        for path in sorted(_PACKAGE.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                parts += [path.relative_to(_PACKAGE).as_posix(), path.read_bytes()]
        _code_key = digest(*parts)
    return _code_key


def files_key(contents: Mapping[Path, bytes | OSError], base: Path) -> str:
    """The names and bytes of files as read: any edit, addition, removal or rename gives another key."""
    parts: list[bytes | str] = []
    for path, data in contents.items():
        parts += [path.relative_to(base).as_posix(),
                  data if isinstance(data, bytes) else f"unreadable: {type(data).__name__} {data.strerror}"]
    return digest(*parts)


def _owned_and_private(path: Path) -> bool:
    """Written by this user and by nobody else: pickle runs code, so a cache anyone else could write is ignored."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    return st.st_uid == os.geteuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


@dataclass
class PageResult:
    """What the check found for one page."""

    key: str
    problems: list[Any]
    words: Any
    rendered: tuple[str, str] | None


@dataclass
class CheckCache:
    """The cache of one project; a disabled cache finds nothing and writes nothing."""

    root: Path
    enabled: bool = True
    pages: dict[str, PageResult] = field(default_factory=dict)
    context: str = ""
    _dirty: bool = False

    @property
    def folder(self) -> Path:
        return self.root / CACHE_DIR

    # -- storage ---------------------------------------------------------------------------------
    def _read(self, name: str, key: str) -> Any:
        if not self.enabled:
            return None
        path = self.folder / name
        try:
            if not (_owned_and_private(self.folder) and _owned_and_private(path)
                    and stat.S_ISREG(os.stat(path).st_mode)):  # a FIFO would block the check for ever
                return None
            with open(path, "rb") as handle:
                stored_key, value = pickle.load(handle)
        except Exception:  # missing, truncated, from another version: not cached
            return None
        return value if stored_key == key else None

    def _write(self, name: str, key: str, value: Any) -> None:
        if not self.enabled:
            return
        tmp = None
        try:
            self.folder.mkdir(mode=0o700, exist_ok=True)
            if not _owned_and_private(self.folder):
                return  # someone else's folder: never written into, never read
            tag = self.folder / "CACHEDIR.TAG"
            if not tag.exists():
                tag.write_text("Signature: 8a477f597d28d172789f06886806bc55\n"
                               "# The handbook's check cache (macros/core/cache.py); safe to delete.\n", encoding="utf-8")
                (self.folder / ".gitignore").write_text("*\n", encoding="utf-8")
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=f".{name}.")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump((key, value), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.folder / name)
            tmp = None
        except Exception:  # noqa: BLE001 — a cache that cannot be written costs speed, never the check
            pass  # a read-only project checks as well, only not faster next time
        finally:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)

    # -- the dataset -------------------------------------------------------------------------------
    def dataset_key(self, contents: Mapping[Path, bytes | OSError], data_dir: Path) -> str:
        """The data's key, from the very bytes that will be loaded (never a second read that could differ)."""
        return digest(code_key(), str(self.root.resolve()), str(data_dir.resolve()), files_key(contents, data_dir))

    def get_dataset(self, key: str) -> Any:
        return self._read("dataset.pickle", key)

    def put_dataset(self, key: str, value: Any) -> None:
        self._write("dataset.pickle", key, value)

    # -- pages -------------------------------------------------------------------------------------
    def open_pages(self, context: str) -> None:
        """Load the page results stored for this ``context``; another context's are dropped when saved."""
        self.context = context
        self.pages = self._read("pages.pickle", context) or {}

    def get_page(self, src: str, key: str) -> PageResult | None:
        found = self.pages.get(src)
        return found if found is not None and found.key == key else None

    def put_page(self, src: str, result: PageResult) -> None:
        self.pages[src] = result
        self._dirty = True

    def discard_pages(self) -> None:
        """Store no page result from this run (and none from before under this context)."""
        self.pages = {}
        self._dirty = True

    def save_pages(self, kept: set[str]) -> None:
        """Store this run's page results (pages no longer in docs/ are forgotten)."""
        if set(self.pages) - kept:
            self.pages = {src: r for src, r in self.pages.items() if src in kept}
            self._dirty = True
        if self._dirty:
            self._write("pages.pickle", self.context, self.pages)
            self._dirty = False
