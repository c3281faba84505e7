"""What in ``docs/`` may be published: pages and the site's own assets, as regular files inside ``docs/``.

MkDocs copies every file under ``docs_dir`` into the site and follows symbolic links, so a link to
``/etc/passwd``, to ``../.git`` or to a folder of SSH keys, or a stray ``secrets.yaml.gz``, would be served
by the intranet's web server. This is an allow-list rather than a deny-list: a file is published only when
it is a regular file (not a link, FIFO or device) of a known page or asset type; anything else is one
located line, ``docs/x:1: (file): links outside docs/ to /etc/passwd — …``. Dotfiles and dot-folders are
left alone, as MkDocs leaves them out of the build. Pure standard library: no MkDocs.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..core.errors import Problem

PAGE_SUFFIXES = frozenset({".md"})
# Images, styles, fonts and PDFs of cited documents an editor may put beside the pages; the theme's own
# scripts and assets come from the theme, never from docs/.
ASSET_SUFFIXES = frozenset({".css", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg", ".ico",
                            ".woff", ".woff2", ".ttf", ".otf", ".pdf"})
PUBLISHED_SUFFIXES = PAGE_SUFFIXES | ASSET_SUFFIXES
MAX_ENTRIES = 100_000  # a docs/ folder with more is refused, not walked for ever


def walk_docs(docs_dir: Path) -> list[tuple[Path, str]]:
    """Every entry under ``docs_dir`` as (path, kind), kind ``f`` regular file, ``d`` folder, ``l`` link,
    ``-`` anything else, ``?`` unreadable; links are never followed and dot entries (left out by MkDocs) are
    skipped. At most one entry past :data:`MAX_ENTRIES` is listed."""
    found: list[tuple[Path, str]] = []
    for folder, dirs, files in os.walk(docs_dir, followlinks=False):
        base = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in [*dirs, *sorted(f for f in files if not f.startswith("."))]:
            path = base / name
            try:
                mode = os.lstat(path).st_mode
            except OSError:
                found.append((path, "?"))
                continue
            kind = "l" if stat.S_ISLNK(mode) else "d" if stat.S_ISDIR(mode) else "f" if stat.S_ISREG(mode) else "-"
            found.append((path, kind))
        if len(found) > MAX_ENTRIES:
            break
    return found


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def docs_tree_problems(docs_dir: Path, root: Path) -> list[Problem]:
    """Every entry of ``docs_dir`` that must not be published, as located lines (none when all is well)."""
    if not docs_dir.is_dir():
        return []
    real_docs = docs_dir.resolve()
    problems: list[Problem] = []

    def refuse(path: Path, message: str, hint: str) -> None:
        problems.append(Problem(_shown(path, root), 1, "(file)", message, hint))

    entries = walk_docs(docs_dir)
    if len(entries) > MAX_ENTRIES:
        refuse(docs_dir, f"holds more than {MAX_ENTRIES:,} files and folders",
               "keep only the handbook's pages and their images in docs/")
        return problems
    for path, kind in entries:
        if kind == "?":
            refuse(path, "cannot be read", "check its permissions")
        elif kind == "l":
            target = Path(os.path.realpath(path))
            if target != real_docs and real_docs not in target.parents:
                refuse(path, f"links outside docs/ to {target}",
                       "remove the link; put a copy of the file itself in docs/ if it belongs to the handbook")
            else:
                refuse(path, f"is a symbolic link (to {_shown(target, real_docs.parent)})",
                       "replace the link by the file itself: only regular files are published")
        elif kind == "-":
            refuse(path, "is not a regular file (a FIFO, socket or device)", "remove it from docs/")
        elif kind == "f" and path.suffix.lower() not in PUBLISHED_SUFFIXES:
            kinds = ", ".join(sorted(PUBLISHED_SUFFIXES))
            refuse(path, f"is not a page or a site asset ({path.suffix.lower() or 'no extension'})",
                   f"only these are published: {kinds}; move the file out of docs/")
    return problems
