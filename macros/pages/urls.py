"""Where a page lands in the built site and how one page links to another, as MkDocs lays pages out.

Pure string work (no MkDocs): the macros, the checks and the publish step all need the same answer.
"""

from __future__ import annotations

import posixpath
from functools import lru_cache


def page_url(src_path: str, use_directory_urls: bool = True) -> str:
    """The URL of a page built from ``src_path``, as MkDocs lays it out (``a/b.md`` → ``a/b/``)."""
    src_path = src_path.replace("\\", "/")
    stem = src_path[:-3] if src_path.endswith(".md") else src_path
    if not use_directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return stem[:-5]
    return stem + "/"


def relative_url(from_src: str, to_src: str, anchor: str = "", use_directory_urls: bool = True) -> str:
    """Link from one page to another (and an anchor), relative so the site works under any prefix."""
    rel = _relative_page(from_src, to_src, use_directory_urls)
    return f"{rel}#{anchor}" if anchor else (rel or "./")


@lru_cache(maxsize=1 << 14)  # pure, and called for every figure of every page with few distinct pairs
def _relative_page(from_src: str, to_src: str, use_directory_urls: bool) -> str:
    here = page_url(from_src, use_directory_urls)
    there = page_url(to_src, use_directory_urls)
    base = here if (here == "" or here.endswith("/")) else posixpath.dirname(here)
    rel = posixpath.relpath(there or ".", base.rstrip("/") or ".")
    if here == there:
        rel = ""
    elif there == "" or there.endswith("/"):
        rel += "/"
    return rel
