"""Releases on the web server's disk: one folder per publish, a ``current`` symlink switched atomically.

Layout under the release root ``DIR`` (what nginx serves is ``DIR/current``)::

    DIR/releases/20261125T163000Z-a564965/   one complete, checked, immutable site per publish
    DIR/current  -> releases/<id>            the live site
    DIR/shared/assets/…                      every content-hashed asset of the kept releases (hard links);
                                             nginx falls back to it, so a page loaded just before a switch
                                             still gets *its* CSS/JS afterwards, whichever release is live
    DIR/.publish.lock                        held by a publish or a rollback
    DIR/history.jsonl                        one line per switch actually made (publish or rollback), so a
                                             rollback returns to the release that was live before, never to
                                             one that was built but never went live

A release is complete when its ``release.json`` exists (written last, after every check passed); a folder
without it is a partial release left by a crash, which the next publish removes. A switch writes a new
symlink under a temporary name and renames it over the old one (``rename(2)`` is atomic), so a request
sees the old site or the new one, never neither and never a mix. Nothing here imports MkDocs.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import Problem, ReleaseError

MARKER = "release.json"
SHARED = "shared"
LOCK = ".publish.lock"
HISTORY = "history.jsonl"


def _fail(root: Path, key: str, message: str, hint: str) -> ReleaseError:
    return ReleaseError([Problem(str(root), 1, key, message, hint)])


@dataclass(frozen=True)
class Release:
    """One complete release folder and what its marker says."""

    id: str
    path: Path
    built: str
    commit: str
    pages: int
    files: int
    bytes: int
    built_ns: int = 0  # orders two releases made in the same second (their names then sort by commit)


def releases_dir(root: Path) -> Path:
    return root / "releases"


def read_release(path: Path) -> Release | None:
    """The release in ``path``, or None when it is partial (no readable marker)."""
    try:
        info = json.loads((path / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(info, dict) or info.get("release") != path.name:
        return None
    return Release(path.name, path, str(info.get("built", "")), str(info.get("commit", "")),
                   int(info.get("pages", 0)), int(info.get("files", 0)), int(info.get("bytes", 0)),
                   int(info.get("built_ns", 0)))


def list_releases(root: Path) -> list[Release]:
    """Complete releases, oldest first (ids start with a UTC timestamp; the marker breaks ties within a second)."""
    folder = releases_dir(root)
    if not folder.is_dir():
        return []
    found = [read_release(p) for p in folder.iterdir() if p.is_dir() and not p.is_symlink()]
    return sorted((r for r in found if r is not None), key=lambda r: (r.id[:16], r.built_ns, r.id))


def link_target(root: Path, name: str) -> str | None:
    """Release id a symlink (``current``) points at, or None."""
    try:
        return Path(os.readlink(root / name)).name
    except OSError:
        return None


def current_id(root: Path) -> str | None:
    return link_target(root, "current")


def new_release_id(root: Path, commit: str, now: float | None = None) -> str:
    """``<UTC timestamp>-<git short hash>``, made unique if two publishes fall in the same second."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now if now is not None else time.time()))
    base = f"{stamp}-{commit}"
    candidate, n = base, 1
    while (releases_dir(root) / candidate).exists():
        n += 1
        candidate = f"{base}.{n}"
    return candidate


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def point(root: Path, name: str, release_id: str) -> None:
    """Atomically make ``root/name`` a relative symlink to ``releases/<id>`` (new link renamed over the old)."""
    tmp = root / f".{name}.{os.getpid()}.tmp"
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    os.symlink(f"releases/{release_id}", tmp)
    os.replace(tmp, root / name)
    _fsync_dir(root)


def check_current(root: Path) -> None:
    """Refuse at the start, not at the switch: ``current`` must be a symlink (or not exist yet)."""
    path = root / "current"
    if os.path.lexists(path) and not path.is_symlink():
        kind = "a folder" if path.is_dir() else "a file"
        raise _fail(root, "current", f"{path} is {kind}, not the link a publish switches",
                    "move it aside (e.g. to a release under releases/) so that publish can make current a link")


def read_history(root: Path) -> list[dict]:
    """The switches made, oldest first; a damaged line is skipped (the history only ever guides a rollback)."""
    try:
        lines = (root / HISTORY).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    entries = []
    for line in lines:
        with contextlib.suppress(ValueError):
            entry = json.loads(line)
            if isinstance(entry, dict) and isinstance(entry.get("to"), str):
                entries.append(entry)
    return entries


def _record(root: Path, before: str | None, after: str, how: str) -> None:
    line = json.dumps({"at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "from": before, "to": after,
                       "how": how}) + "\n"
    fd = os.open(root / HISTORY, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def switch(root: Path, release_id: str, how: str = "publish") -> str | None:
    """Make ``release_id`` live with one atomic rename, record it; return the id that was live before."""
    before = current_id(root)
    point(root, "current", release_id)
    _record(root, before, release_id, how)
    return before


def live_before(root: Path, live: str) -> str | None:
    """The release that was live when ``live`` was published (a rollback's own switches do not count)."""
    for entry in reversed(read_history(root)):
        if entry.get("to") == live and entry.get("how") == "publish":
            before = entry.get("from")
            return before if isinstance(before, str) else None
    return None


def share_assets(root: Path, release_id: str, hashed: re.Pattern[str]) -> int:
    """Hard-link the release's content-hashed assets into ``DIR/shared`` (before it goes live)."""
    folder = releases_dir(root) / release_id
    shared = root / SHARED
    count = 0
    for path in folder.rglob("*"):
        rel = path.relative_to(folder).as_posix()
        if not path.is_file() or not hashed.search(rel.removesuffix(".gz")):
            continue
        target = shared / rel
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            os.link(path, tmp)
        except OSError:
            shutil.copy2(path, tmp)
        os.replace(tmp, target)
        count += 1
    return count


def prune_shared(root: Path) -> int:
    """Remove shared assets that no kept release holds any more."""
    shared = root / SHARED
    if not shared.is_dir():
        return 0
    kept = [r.path for r in list_releases(root)]
    removed = 0
    for path in sorted(shared.rglob("*"), reverse=True):
        rel = path.relative_to(shared)
        if path.is_file() and not any((folder / rel).is_file() for folder in kept):
            path.unlink()
            removed += 1
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return removed


@contextlib.contextmanager
def locked(root: Path, wait: float = 0.0) -> Iterator[None]:
    """Hold ``DIR/.publish.lock`` (flock: released by the kernel if the process dies), waiting up to ``wait`` s."""
    root.mkdir(parents=True, exist_ok=True)
    path = root / LOCK
    handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 — held for the whole block
    try:
        deadline = time.monotonic() + max(wait, 0.0)
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "another process"
                    raise _fail(root, "(lock)", f"another publish or rollback is running ({holder})",
                                "wait for it to finish, or pass --wait SECONDS to queue behind it") from None
                time.sleep(0.1)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, since {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}")
        handle.flush()
        yield
    finally:
        handle.close()


def remove_partials(root: Path, keep: str | None = None) -> list[str]:
    """Delete release folders without a marker (left by a crash); only call while holding the lock."""
    removed = []
    folder = releases_dir(root)
    if not folder.is_dir():
        return removed
    for path in folder.iterdir():
        if path.name == keep or path.is_symlink() or not path.is_dir():
            continue
        if read_release(path) is None and path.name != current_id(root):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
    return removed


def prune(root: Path, keep: int) -> list[str]:
    """Delete the oldest complete releases beyond ``keep``, never the live one."""
    protected = {current_id(root)}
    releases = list_releases(root)
    removed = []
    excess = len(releases) - keep
    for release in releases:
        if excess <= 0:
            break
        if release.id in protected:
            continue
        shutil.rmtree(release.path, ignore_errors=True)
        removed.append(release.id)
        excess -= 1
    return removed


def rollback(root: Path, to: str | None = None) -> tuple[str, str]:
    """Switch back to the release before the live one (or to ``to``); return (from, to)."""
    releases = list_releases(root)
    ids = [r.id for r in releases]
    live = current_id(root)
    if to is not None:
        if to not in ids:
            raise _fail(root, "(release)", f'no complete release "{to}"',
                        "list them with `python -m macros releases --root DIR`")
        target = to
    else:
        if live not in ids:
            raise _fail(root, "current", "no live release to roll back from", "publish first")
        history = read_history(root)
        if any(e.get("to") == live for e in history):
            before = live_before(root, live)
            if before is None:
                raise _fail(root, "(release)", f"{live} was the first release to go live; there is nothing earlier to go back to",
                            "publish a fixed version instead")
            if before not in ids:
                raise _fail(root, "(release)", f"{before}, live before {live}, is no longer kept",
                            "choose a kept release with --to (list them with `python -m macros releases --root DIR`)")
            target = before
        else:  # a root from before the history was kept: the complete release before the live one
            index = ids.index(live)
            if index == 0:
                raise _fail(root, "(release)", f"{live} is the oldest release kept; there is nothing earlier",
                            "publish a fixed version instead")
            target = ids[index - 1]
    if target == live:
        raise _fail(root, "(release)", f"{target} is already live", "choose another release")
    switch(root, target, how="rollback")
    return live or "", target
