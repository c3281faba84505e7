"""Anchors on the one printable page of the whole handbook.

mkdocs-print-site-plugin joins every page into one and rewrites links to ``#page-anchor``, but prefixes
the ids of headings, footnotes and list items only. The handbook's own anchors sit on table rows and
lists (``ind-…``, ``tgt-…``, ``doc-…``, ``list-…``), and a footnote reference (``<sup id="fnref:1">``) is
what its footnote links back to, so their links on the print page would lead
nowhere; this prefixes those ids the same way, section by section. Every page numbers its figures' popovers
(``hb-src-1`` …) and its list of sources (``hb-nguon-1`` …) from one, so those ids and the attributes naming
them (``popovertarget``, ``aria-describedby``) are prefixed too: a figure on the print page opens its own source.
"""

from __future__ import annotations

import re

_SECTION = re.compile(r"<section class=[\"']print-page[^>]*\bid=[\"']([^\"']+)[\"']")
_ID = re.compile(r"<(tr|ol|ul|li|table|figure|div|sup|span)\b([^>]*?)\bid=\"([^\"]+)\"")
_REFS = re.compile(r"\b(popovertarget|aria-describedby)=\"([^\"]+)\"")


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

        def prefix_refs(m: re.Match, key: str = key) -> str:
            refs = [r if r.startswith(key + "-") else f"{key}-{r}" for r in m.group(2).split()]
            return f'{m.group(1)}="{" ".join(refs)}"'

        out.append(_REFS.sub(prefix_refs, _ID.sub(prefix, chunk)))
    return "".join(out)


_HEADING_TAG = re.compile(r"<(/?)h([1-5])\b", re.IGNORECASE)
_PART_PAGE = re.compile(r"<section class=[\"']print-page[^>]*\bheading-number=[\"']\d+\.\d")


def nest_part_headings(html: str) -> str:
    """Headings of a page inside a Phần one level down (h1 → h2 …), so the PDF's bookmarks, which follow the
    heading levels, nest each page under its Phần instead of listing Phần and pages side by side."""
    starts = [m.start() for m in _SECTION.finditer(html)]
    if not starts:
        return html
    out = [html[:starts[0]]]
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(html)
        chunk = html[start:end]
        if _PART_PAGE.match(chunk):
            # The chunk ends where the next page starts; a Phần's own title (after this page's </section>) stays.
            close = chunk.find("</section>")
            body, rest = (chunk[:close], chunk[close:]) if close >= 0 else (chunk, "")
            chunk = _HEADING_TAG.sub(lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}", body) + rest
        out.append(chunk)
    return "".join(out)
