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

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CACHE_DIR = ".handbook_cache"
FORMAT = 1
_PACKAGE = Path(__file__).resolve().parent
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
        import babel
        import jinja2
        import yaml

        parts: list[bytes | str] = [f"format {FORMAT}", sys.version, yaml.__version__, babel.__version__,
                                    jinja2.__version__]
        for path in sorted(_PACKAGE.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                parts += [path.relative_to(_PACKAGE).as_posix(), path.read_bytes()]
        _code_key = digest(*parts)
    return _code_key


def files_key(files: Iterable[Path], base: Path) -> str:
    """The names and bytes of ``files``: any edit, addition, removal or rename gives another key."""
    parts: list[bytes | str] = []
    for path in files:
        try:
            parts += [path.relative_to(base).as_posix(), path.read_bytes()]
        except OSError:
            parts += [path.relative_to(base).as_posix(), b"\0unreadable"]
    return digest(*parts)


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
        try:
            with open(self.folder / name, "rb") as handle:
                stored_key, value = pickle.load(handle)
        except Exception:  # missing, truncated, from another version: not cached
            return None
        return value if stored_key == key else None

    def _write(self, name: str, key: str, value: Any) -> None:
        if not self.enabled:
            return
        try:
            self.folder.mkdir(exist_ok=True)
            tag = self.folder / "CACHEDIR.TAG"
            if not tag.exists():
                tag.write_text("Signature: 8a477f597d28d172789f06886806bc55\n"
                               "# The handbook's check cache (macros/cache.py); safe to delete.\n", encoding="utf-8")
                (self.folder / ".gitignore").write_text("*\n", encoding="utf-8")
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=f".{name}.")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump((key, value), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.folder / name)
        except OSError:
            pass  # a read-only project checks as well, only not faster next time

    # -- the dataset -------------------------------------------------------------------------------
    def dataset_key(self, data_files: list[Path], data_dir: Path) -> str:
        return digest(code_key(), str(self.root.resolve()), str(data_dir.resolve()), files_key(data_files, data_dir))

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

    def save_pages(self, kept: set[str]) -> None:
        """Store this run's page results (pages no longer in docs/ are forgotten)."""
        if set(self.pages) - kept:
            self.pages = {src: r for src, r in self.pages.items() if src in kept}
            self._dirty = True
        if self._dirty:
            self._write("pages.pickle", self.context, self.pages)
            self._dirty = False
