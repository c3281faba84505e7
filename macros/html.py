"""Small HTML building blocks whose text is always escaped.

Data values are text: they must never become markup, Markdown or Jinja in the page. Besides the HTML
specials, characters that Markdown or Jinja would act on are written as numeric character references,
so ``**x**``, ``[a](b)`` or ``{{ x }}`` in a data value is shown literally.
"""

from __future__ import annotations

import html
import re

_EXTRA = {c: f"&#{ord(c)};" for c in "*_[]`\\{}|~#!^$:"}
# str.translate with a mapping is slow and these characters are rare: find them first, replace only then.
_SPECIAL = re.compile("[" + re.escape("".join(_EXTRA)) + "]")


def _reference(match: re.Match) -> str:
    return _EXTRA[match.group(0)]


def text(value: object) -> str:
    """Escape a data value for use as element content or attribute value."""
    return _SPECIAL.sub(_reference, html.escape(str(value), quote=True))


def attrs(**values: object) -> str:
    """`` class="a" title="b"`` from keyword arguments (``class_`` → ``class``, ``data_x`` → ``data-x``); None is left out."""
    parts = []
    for name, value in values.items():
        if value is None:
            continue
        name = name.rstrip("_").replace("_", "-")
        parts.append(f' {name}="{text(value)}"')
    return "".join(parts)


def tag(name: str, content: str = "", **attributes: object) -> str:
    """An element whose content is already-safe HTML (built with :func:`text` or other helpers)."""
    return f"<{name}{attrs(**attributes)}>{content}</{name}>"


def table(headers: list[str], rows: list[tuple[dict, list[str]]], caption: str | None = None,
          class_: str = "hb-table") -> str:
    """A scrollable table: headers are plain text, each row is (row attributes, cells of safe HTML)."""
    head = "".join(f'<th scope="col">{text(h)}</th>' for h in headers)
    body = "".join(
        tag("tr", "".join(f"<td>{cell}</td>" for cell in cells), **row_attrs) for row_attrs, cells in rows
    )
    cap = f"<caption>{text(caption)}</caption>" if caption else ""
    return (f'<div class="hb-table-wrap" tabindex="0" role="region"{attrs(aria_label=caption)}>'
            f'<table class="{class_}">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>')
