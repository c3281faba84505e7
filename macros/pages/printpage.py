"""Anchors on the one printable page of the whole handbook.

mkdocs-print-site-plugin joins every page into one and rewrites links to ``#page-anchor``, but prefixes
the ids of headings, footnotes and list items only. The handbook's own anchors sit on table rows and
lists (``ind-…``, ``tgt-…``, ``doc-…``, ``list-…``), and a footnote reference (``<sup id="fnref:1">``) is
what its footnote links back to, so their links on the print page would lead
nowhere; this prefixes those ids the same way, section by section.
"""

from __future__ import annotations

import re

_SECTION = re.compile(r"<section class=[\"']print-page[^>]*\bid=[\"']([^\"']+)[\"']")
_ID = re.compile(r"<(tr|ol|ul|li|table|figure|div|sup)\b([^>]*?)\bid=\"([^\"]+)\"")


def prefix_section_ids(html: str) -> str:
    """Give the handbook's row and list anchors the page prefix print-site gave its links."""
    starts = [(m.start(), m.group(1)) for m in _SECTION.finditer(html)]
    if not starts:
        return html
    out = [html[:starts[0][0]]]
    for i, (start, key) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(html)
        chunk = html[start:end]

        def prefix(m: re.Match, key: str = key) -> str:
            tag, between, ident = m.groups()
            if ident.startswith(key + "-") or ident == key:
                return m.group(0)
            return f'<{tag}{between}id="{key}-{ident}"'

        out.append(_ID.sub(prefix, chunk))
    return "".join(out)
