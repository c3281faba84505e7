"""Small HTML building blocks whose text is always escaped.

Data values are text: they must never become markup, Markdown or Jinja in the page. Besides the HTML
specials, characters that Markdown or Jinja would act on are written as numeric character references,
so ``**x**``, ``[a](b)`` or ``{{ x }}`` in a data value is shown literally.
"""

from __future__ import annotations

import re
import unicodedata

# One pass, so no reference is escaped twice: HTML specials, then what Markdown or Jinja would act on.
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "\n": " ", "\r": " "}
_TABLE = str.maketrans({**_HTML, **{c: f"&#{ord(c)};" for c in "*_[]`\\{}|~#!^$:"}})
# Inside a tag, only the inline patterns Python-Markdown runs before it protects raw HTML can act:
# code spans, backslash escapes, links and autolinks. Class names and URLs otherwise stay readable.
_ATTR_TABLE = str.maketrans({**_HTML, **{c: f"&#{ord(c)};" for c in "[]`\\{}"}})


# str.translate with a mapping visits every character in Python; most values have nothing to escape,
# which one regex search (in C) tells first.
_NEEDS = re.compile("[" + re.escape("".join(chr(c) for c in _TABLE)) + "]")
_NEEDS_ATTR = re.compile("[" + re.escape("".join(chr(c) for c in _ATTR_TABLE)) + "]")


def text(value: object) -> str:
    """Escape a data value for use as element content or attribute value."""
    s = str(value)
    return s.translate(_TABLE) if _NEEDS.search(s) else s


def anchor_id(prefix: str, label: str) -> str:
    """A stable ASCII id for a row named by ``label`` ("BCH TW" → ``abbr-bch-tw``): links and search
    entries point at it, so it must survive any Vietnamese letter and punctuation."""
    bare = "".join(c for c in unicodedata.normalize("NFD", label.replace("đ", "d").replace("Đ", "D"))
                   if not unicodedata.combining(c))
    slug = re.sub(r"[^a-z0-9]+", "-", bare.lower()).strip("-")
    return f"{prefix}-{slug or 'x'}"


def attrs(**values: object) -> str:
    """`` class="a" title="b"`` from keyword arguments (``class_`` → ``class``, ``data_x`` → ``data-x``); None is left out."""
    parts = []
    for name, value in values.items():
        if value is None:
            continue
        name = name.rstrip("_").replace("_", "-")
        s = str(value)
        parts.append(f' {name}="{s.translate(_ATTR_TABLE) if _NEEDS_ATTR.search(s) else s}"')
    return "".join(parts)


def tag(name: str, content: str = "", **attributes: object) -> str:
    """An element whose content is already-safe HTML (built with :func:`text` or other helpers)."""
    return f"<{name}{attrs(**attributes)}>{content}</{name}>"


def table(headers: list[str], rows: list[tuple[dict, list[str]]], caption: str | None = None,
          class_: str = "hb-table", searchable: bool = True, search_rows: bool | tuple[int, ...] = False) -> str:
    """A scrollable table: headers are plain text, each row is (row attributes, cells of safe HTML).

    ``searchable=False`` keeps the table out of the site's search index (Material skips an element
    marked ``data-search-exclude``). ``search_rows=True`` keeps it out too, but marks it
    ``data-hb-search-rows``: after the build each row with an ``id`` becomes a search entry of its own
    (macros/site/search.py), so a reader's query finds the row, not a run-on block of the whole table.
    A tuple names the columns the entry keeps, the first named its title, the others its text: every reader
    downloads the index on the first visit, so a table of thousands of rows keeps only what finds a row.
    """
    # Newlines between cells and rows: the search indexer joins text nodes, so "10,2%" and the next
    # cell's "Số liệu" would otherwise be indexed as one word.
    head = "\n".join(f'<th scope="col">{text(h)}</th>' for h in headers)
    # Each cell names its column (data-label): on a phone a table marked hb-stack is read as one card per row.
    labels = [attrs(data_label=h) for h in headers]
    body = "\n".join(
        tag("tr", "\n".join(f"<td{labels[i] if i < len(labels) else ''}>{cell}</td>" for i, cell in enumerate(cells)),
            **row_attrs) for row_attrs, cells in rows
    )
    cap = f"<caption>{text(caption)}</caption>" if caption else ""
    # The class sits on the wrapper: Material styles only `table:not([class])`, and the wrapper is what
    # scrolls sideways on a phone (focusable, so keyboard users can scroll it too).
    if search_rows:
        columns = " ".join(str(c) for c in search_rows) if isinstance(search_rows, tuple) else ""
        exclude = f' data-search-exclude data-hb-search-rows="{columns}"'
    else:
        exclude = "" if searchable else " data-search-exclude"
    return (f'<div class="hb-table-wrap {class_}" tabindex="0" role="region"{attrs(aria_label=caption)}{exclude}>'
            f'<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>')
