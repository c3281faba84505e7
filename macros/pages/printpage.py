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

from ..core.memo import ContentMemo, digest

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
        out.append(_PREFIXED.get(digest(key, chunk), lambda chunk=chunk, key=key: _prefixed(chunk, key)))
    return "".join(out)


# The print page is written again after every save under `mkdocs serve`; its sections that did not change
# are prefixed from memory.
_PREFIXED: ContentMemo[str] = ContentMemo(limit=1024)
# Each page's HTML with print-site's links rewritten (macros/site/hooks.py): here, not in the hooks file,
# which MkDocs loads afresh on every rebuild.
PRINT_LINKS: ContentMemo[str] = ContentMemo(limit=1024)


def _prefixed(chunk: str, key: str) -> str:
    def prefix(m: re.Match) -> str:
        tag, between, ident = m.groups()
        if ident.startswith(key + "-") or ident == key:
            return m.group(0)
        return f'<{tag}{between}id="{key}-{ident}"'

    def prefix_refs(m: re.Match) -> str:
        refs = [r if r.startswith(key + "-") else f"{key}-{r}" for r in m.group(2).split()]
        return f'{m.group(1)}="{" ".join(refs)}"'

    return _REFS.sub(prefix_refs, _ID.sub(prefix, chunk))


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
