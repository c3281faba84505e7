"""The pages as they were at a git revision: read with git's plumbing, bounded in time, size and count.

The check that an ``absorbed`` comment changed its section needs the draft the comment was given on. The
repository is untrusted input, so git is run only with plumbing commands that run nothing from the
repository (``rev-parse``, ``ls-tree``, ``cat-file --batch``: no hooks, filters, textconv, pager or
fsmonitor), never fetches (a partial clone's missing object is an error, not a download), each call under a
time limit, and reads only Markdown files under docs/ up to a size and count limit. Anything that does not
work (no git, no repository, an unknown revision, a limit reached) is an answer, :class:`HistoryUnavailable`
with the reason, never an exception that escapes.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

SECONDS = 20
MAX_FILE_BYTES = 1_000_000
MAX_TOTAL_BYTES = 64_000_000
MAX_FILES = 20_000


class HistoryUnavailable(Exception):
    """Why the pages at a revision cannot be read (shown to the editor in a warning)."""


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_TERMINAL_PROMPT="0", GIT_NO_LAZY_FETCH="1", GIT_OPTIONAL_LOCKS="0", GIT_NO_REPLACE_OBJECTS="1",
               GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, LC_ALL="C")
    return env


def _git(cwd: Path, *args: str, stdin: bytes | None = None) -> bytes:
    command = ["git", "-c", "core.fsmonitor=false", "-c", "protocol.allow=never", "-c", "core.hooksPath=" + os.devnull,
               *args]
    try:
        result = subprocess.run(command, cwd=cwd, input=stdin, capture_output=True, timeout=SECONDS, env=_env(),
                                check=False)
    except FileNotFoundError:
        raise HistoryUnavailable("git is not installed") from None
    except subprocess.TimeoutExpired:
        raise HistoryUnavailable(f"git took longer than {SECONDS} s") from None
    except OSError as exc:
        raise HistoryUnavailable(f"git could not run ({exc.strerror})") from None
    if result.returncode != 0:
        first = result.stderr.decode("utf-8", "replace").strip().splitlines()[:1]
        raise HistoryUnavailable(first[0] if first else f"git {args[0]} failed")
    return result.stdout


def pages_at(root: Path, docs_dir: Path, revision: str) -> dict[str, str]:
    """Every page (path inside docs/ → text) at ``revision``; raises :class:`HistoryUnavailable`."""
    if revision.startswith("-"):
        raise HistoryUnavailable(f'"{revision}" is not a revision')
    top = _git(root, "rev-parse", "--show-toplevel").decode("utf-8", "replace").strip()
    if not top:
        raise HistoryUnavailable("not a git repository")
    try:
        prefix = docs_dir.resolve().relative_to(Path(top).resolve()).as_posix()
    except ValueError:
        raise HistoryUnavailable("docs/ is not inside the git repository") from None
    try:
        commit = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}")
    except HistoryUnavailable:
        raise HistoryUnavailable(f'revision "{revision}" is not in the git history') from None
    commit_id = commit.decode("ascii", "replace").strip()
    scope = [] if prefix == "." else ["--", prefix + "/"]
    listing = _git(Path(top), "ls-tree", "-r", "-l", "-z", "--full-tree", commit_id, *scope)
    wanted: list[tuple[str, str]] = []
    total = 0
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        parts = meta.split()
        path = name.decode("utf-8", "replace")
        if len(parts) != 4 or parts[1] != b"blob" or not path.endswith(".md"):
            continue
        size = int(parts[3]) if parts[3].isdigit() else MAX_FILE_BYTES + 1
        if size > MAX_FILE_BYTES:
            continue  # the check refuses such a page today; at the revision it is simply not compared
        total += size
        wanted.append((path if prefix == "." else path[len(prefix) + 1:], parts[2].decode("ascii")))
        if len(wanted) > MAX_FILES or total > MAX_TOTAL_BYTES:
            raise HistoryUnavailable(f"the pages at {revision} are over the limit of {MAX_FILES:,} files or "
                                     f"{MAX_TOTAL_BYTES:,} bytes")
    if not wanted:
        return {}
    out = _git(Path(top), "cat-file", "--batch", stdin="".join(f"{oid}\n" for _, oid in wanted).encode("ascii"))
    pages: dict[str, str] = {}
    pos = 0
    for src, _oid in wanted:
        header_end = out.index(b"\n", pos)
        header = out[pos:header_end].split()
        if len(header) != 3:
            raise HistoryUnavailable(f"git could not read {src} at {revision}")
        size = int(header[2])
        body = out[header_end + 1:header_end + 1 + size]
        pos = header_end + 1 + size + 1
        text = body.decode("utf-8", "replace").removeprefix("\ufeff")
        pages[src] = text.replace("\r\n", "\n").replace("\r", "\n")
    return pages
