"""Rows of data tables as search entries of their own, added to Material's search index after the build.

Material indexes a page by sections (one entry per heading) and flattens a table into its section's
text: the documents table became one run-on block in which "57-NQ/TW" or a document's title was a few
words among hundreds, and the result showed the whole table. A table the pages mark
``data-hb-search-rows`` (macros/pages/html.py: the documents, targets and abbreviations tables) is kept
out of its section by Material (it also carries ``data-search-exclude``); here each of its rows that
has an ``id`` becomes an entry: location ``page/#row-id`` (so the result opens the row and Material
lists it under its page), title the row's first cell, text the other cells. The index stays
Material's format, read by Material's own search worker.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from ..core.memo import ContentMemo, digest

# Not "data-search-…": Material strips every such attribute that has a value from the page it writes.
MARK = "data-hb-search-rows"
CELL_SEPARATOR = " · "


class _Rows(HTMLParser):
    """(row id, [cell texts]) of every ``<tr id>`` inside an element marked ``data-hb-search-rows``; when the
    mark names columns ("1 2 0"), those only, in that order: the first named is the entry's title."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[tuple[str, list[str]]] = []
        self._columns: list[int] | None = None
        self._depth = 0  # open elements inside the marked one (0: outside)
        self._row: tuple[str, list[str]] | None = None
        self._cell: list[str] | None = None
        self.marks = 0  # marked elements opened so far

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"br", "img", "hr", "wbr", "input"}:
            if self._cell is not None and tag == "br":
                self._cell.append(" — ")
            return
        marked = any(name == MARK for name, _ in attrs)
        self.marks += marked
        if self._depth:
            self._depth += 1
        elif marked:
            self._depth = 1
            wanted = (dict(attrs).get(MARK) or "").split()
            self._columns = [int(c) for c in wanted if c.isdigit()] or None
            return
        if not self._depth:
            return
        if tag == "tr":
            row_id = dict(attrs).get("id")
            self._row = (row_id, []) if row_id else None
        elif tag in {"td", "th"} and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if not self._depth or tag in {"br", "img", "hr", "wbr", "input"}:
            return
        self._depth -= 1
        if tag in {"td", "th"} and self._row is not None and self._cell is not None:
            self._row[1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            cells = self._row[1]
            if self._columns is not None:
                cells = [cells[i] for i in self._columns if i < len(cells)]
            if any(cells):
                self.rows.append((self._row[0], cells))
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def table_rows(page_html: str) -> list[tuple[str, list[str]]]:
    """The rows (id, cell texts) of the tables a page marks for row entries; nothing if it marks none."""
    if MARK not in page_html:
        return []
    return list(_ROWS.get(digest(page_html), lambda: tuple(_parse_rows(page_html))))


# `mkdocs serve` rebuilds every page after each save; a page whose HTML is the same is not parsed again.
_ROWS: ContentMemo[tuple[tuple[str, list[str]], ...]] = ContentMemo()


def _parse_rows(page_html: str, chunk: int = 16384) -> list[tuple[str, list[str]]]:
    """Parsed from the first marked element's tag to the end of the last one: the rest of a page (its
    navigation, charts, scripts) holds no row, and parsing all of it was most of a rebuild's search time."""
    parser = _Rows()
    pos = max(page_html.rfind("<", 0, page_html.find(MARK)), 0)
    marks = page_html.count(MARK)  # as text too: then the whole page is parsed, as before
    while pos < len(page_html):
        parser.feed(page_html[pos:pos + chunk])
        pos += chunk
        if parser.marks >= marks and not parser._depth:
            break
    parser.close()
    return parser.rows


def row_entries(location: str, page_html: str) -> list[dict[str, str]]:
    """Search entries, in Material's format, for the marked rows of the page at ``location``."""
    entries = []
    for row_id, cells in table_rows(page_html):
        title, rest = cells[0], [c for c in cells[1:] if c and c != "—"]
        entries.append({"location": f"{location}#{row_id}", "title": html.escape(title, quote=False),
                        "text": html.escape(CELL_SEPARATOR.join(rest), quote=False)})
    return entries


def page_file(site_dir: Path, location: str) -> Path:
    """The HTML file a page's search location is served from ("" and "a/" are folders, "a.html" a file)."""
    return site_dir / location / "index.html" if location == "" or location.endswith("/") else site_dir / location


def add_row_entries(index: dict[str, Any], site_dir: Path) -> int:
    """Put each page's row entries right after its own entries; return how many were added."""
    docs = index.get("docs")
    if not isinstance(docs, list):
        return 0
    out: list[dict[str, Any]] = []
    added = 0
    pending: list[dict[str, str]] = []
    current: str | None = None
    known = {d.get("location") for d in docs}
    for doc in docs:
        location = str(doc.get("location", ""))
        page = location.split("#", 1)[0]
        if page != current:
            out += pending
            added += len(pending)
            current = page
            file = page_file(site_dir, page)
            pending = row_entries(page, file.read_text(encoding="utf-8")) if "#" not in location and file.is_file() else []
            pending = [e for e in pending if e["location"] not in known]
        out.append(doc)
    out += pending
    added += len(pending)
    index["docs"] = out
    return added


_BLOCK_COMMENT = re.compile(r"^[ \t]*/\*.*?\*/[ \t]*\n", re.S | re.M)
_LINE_COMMENT = re.compile(r"^[ \t]*//[^\n]*\n", re.M)
_INDENT = re.compile(r"^[ \t]+", re.M)


def worker_script(source: str) -> str:
    """The script appended to Material's search worker, without its comments and indentation: every
    reader downloads the worker on the first visit, and the explanations are for whoever reads the
    file in the repository. Only whole-line comments go, so no string or regular expression is cut."""
    return _INDENT.sub("", _LINE_COMMENT.sub("", _BLOCK_COMMENT.sub("", source)))
