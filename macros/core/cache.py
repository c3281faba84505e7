"""What ``check`` found, kept between runs and keyed by the content of everything it read.

An editor runs ``check`` (or ``build``) again and again while writing; at a thousand pages and ten
thousand indicators each run reads megabytes of YAML and renders every page. This keeps the results of
the last run and reuses a result only when every input it depends on is byte for byte the same:

* the **dataset** (with its warnings, or the problems that refused it): the bytes of every data file,
  the code of this package and the versions of the libraries that read and format data;
* each **page's** problems, words and rendered text: the page's own text, plus a *context* holding
  everything a page's result can depend on besides itself (the dataset's key, the list of files under
  ``docs/`` that links may name, the drafts, the URL style).

The cache is a convenience, never an input. It lives in the user's own cache folder
(``$XDG_CACHE_HOME/handbook/`` or ``~/.cache/handbook/``; ``HANDBOOK_CACHE_HOME`` to choose another), in a
folder named by a digest of the project's path — never in the project tree, where a commit could plant a
file (a committed ``.handbook_cache/`` is ignored). The folder and its files are read only when they are
this user's and nobody else can write them, and they are unpickled with an unpickler that builds only
this package's own classes and plain containers, so even a planted file cannot run code. Anything
unexpected (a file from another version, a truncated write, a read error) means "not cached": the work is
done again, never skipped. ``--no-cache`` or ``HANDBOOK_NO_CACHE=1`` turns it off; ``publish`` always
checks from scratch.
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

FORMAT = 2
_PACKAGE = Path(__file__).resolve().parents[1]
_code_key: str | None = None


def cache_home() -> Path:
    """Where the caches of all projects live: the user's cache folder, outside every project tree."""
    chosen = os.environ.get("HANDBOOK_CACHE_HOME", "").strip()
    if chosen:
        return Path(chosen)
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache") / "handbook"


def cache_folder(project: Path) -> Path:
    """The cache folder of one project, named by its resolved path (two checkouts never share one)."""
    resolved = str(project.resolve())
    return cache_home() / f"{Path(resolved).name[:40]}-{digest(resolved)[:16]}"


class _OwnClassesOnly(pickle.Unpickler):
    """Builds this package's classes and plain containers only: a pickle naming anything else is refused."""

    _BUILTINS = frozenset({"set", "frozenset", "tuple", "list", "dict", "str", "int", "float", "bool", "bytes"})

    def find_class(self, module: str, name: str) -> Any:
        if module.startswith("macros.") and not name.startswith("_"):
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        if module == "builtins" and name in self._BUILTINS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a cache class")


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
        return cache_folder(self.root)

    # -- storage ---------------------------------------------------------------------------------
    def _read(self, name: str, key: str) -> Any:
        if not self.enabled:
            return None
        path = self.folder / name
        try:
            if not (_owned_and_private(cache_home()) and _owned_and_private(self.folder) and _owned_and_private(path)
                    and stat.S_ISREG(os.lstat(path).st_mode)):  # a FIFO would block the check for ever; no links
                return None
            with open(path, "rb") as handle:
                stored_key, value = _OwnClassesOnly(handle).load()
        except Exception:  # missing, truncated, from another version: not cached
            return None
        return value if stored_key == key else None

    def _write(self, name: str, key: str, value: Any) -> None:
        if not self.enabled:
            return
        tmp = None
        try:
            home = cache_home()
            home.mkdir(mode=0o700, parents=True, exist_ok=True)
            self.folder.mkdir(mode=0o700, exist_ok=True)
            if not (_owned_and_private(home) and _owned_and_private(self.folder)):
                return  # someone else's folder: never written into, never read
            tag = home / "CACHEDIR.TAG"
            if not tag.exists():
                tag.write_text("Signature: 8a477f597d28d172789f06886806bc55\n"
                               "# The handbook's check caches (macros/core/cache.py); safe to delete.\n", encoding="utf-8")
            if not (self.folder / "project.txt").exists():  # which project a folder belongs to, for a person clearing caches
                (self.folder / "project.txt").write_text(str(self.root.resolve()) + "\n", encoding="utf-8")
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
