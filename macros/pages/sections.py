"""The handbook's sections: every heading of every page, with the id a link to it uses and the text under it.

A comment names the section it targets by the heading's id, the anchor MkDocs gives the heading: an explicit
``{: #id }`` (attr_list) when the editor wrote one, else the slug Python-Markdown's ``toc`` makes of the
heading text. The ids are computed here by Python-Markdown's own ``toc`` extension on the page's heading
lines, so they are the ids the built page carries (duplicates get ``_1``, ``_2`` as in the build). Keying on
ids, not on heading numbers, keeps a comment attached when sections are renumbered; an explicit id also
survives a reworded heading.

A reference is ``anchor`` (when only one page has it), ``page.md#anchor``, or ``page.md`` (the page as a whole).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import suggest
from ..core.memo import ContentMemo, digest

_ATX = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*$")
_FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")
_CLOSING_HASHES = re.compile(r"[ \t]+#+$")
_ATTR_LIST = re.compile(r"[ \t]*\{:?[^}]*\}[ \t]*$")
_SPACE = re.compile(r"\s+")
MAX_CONFIG_BYTES = 1_000_000


@dataclass(frozen=True)
class Section:
    """One heading: its page, id, level and title, and where its text runs in the page (lines, 1-based)."""

    page: str
    anchor: str
    level: int
    title: str
    line: int
    end: int  # the last line of the section's text (before the next heading of the same or a higher level)

    @property
    def ref(self) -> str:
        return f"{self.page}#{self.anchor}"


def heading_lines(body: str) -> list[tuple[int, int, str]]:
    """(line number, level, raw heading line) of every ATX heading outside fenced code."""
    found = []
    fence = ""
    for number, text in enumerate(body.split("\n"), start=1):
        match = _FENCE.match(text)
        if fence:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = ""
            continue
        if match:
            fence = match.group(1)
            continue
        heading = _ATX.match(text)
        if heading:
            found.append((number, len(heading.group(1)), text))
    return found


class Slugger:
    """Python-Markdown with the toc and attr_list extensions, as mkdocs.yml has them, run on headings only."""

    def __init__(self) -> None:
        self._md: Any = None  # made on the first heading not already known: most rebuilds need none

    @property
    def md(self) -> Any:
        if self._md is None:
            import markdown

            from .headings import slugify  # the slug function mkdocs.yml's toc is given by the hooks file

            self._md = markdown.Markdown(extensions=["toc", "attr_list"], extension_configs={"toc": {"slugify": slugify}})
        return self._md

    def ids(self, lines: list[str]) -> list[tuple[str, str]] | None:
        """(id, title) of each heading line, or None where Python-Markdown reads them as fewer headings.

        Kept by the lines' text (Python-Markdown starts afresh on each call): the section index, the comment
        counts and the check all ask about the same headings on every rebuild."""
        found = _IDS.get(digest(*lines), lambda: self._ids(lines))
        return list(found) if found is not None else None

    def _ids(self, lines: list[str]) -> tuple[tuple[str, str], ...] | None:
        self.md.reset()
        self.md.convert("\n\n".join(lines))
        flat: list[tuple[str, str]] = []

        def walk(tokens: list[dict]) -> None:
            for token in tokens:
                flat.append((token["id"], html.unescape(token["name"])))
                walk(token["children"])
        walk(self.md.toc_tokens)
        return tuple(flat) if len(flat) == len(lines) else None


_IDS: ContentMemo[tuple[tuple[str, str], ...] | None] = ContentMemo()


def page_sections(src: str, body: str, offset: int = 0, slugger: Slugger | None = None) -> list[Section]:
    """Every section of one page, in page order; ``offset`` is the number of lines before the body."""
    headings = heading_lines(body)
    if not headings:
        return []
    ids = (slugger or Slugger()).ids([h[2] for h in headings])
    if ids is None:  # a heading line Python-Markdown reads differently: keep the ones it agrees on
        return []
    total = body.count("\n") + 1
    out = []
    for i, ((number, level, _), (anchor, title)) in enumerate(zip(headings, ids, strict=True)):
        end = total
        for later, later_level, _ in headings[i + 1:]:
            if later_level <= level:
                end = later - 1
                break
        out.append(Section(src, anchor, level, title, number + offset, end + offset))
    return out


def section_text(body: str, section: Section, offset: int = 0) -> str:
    """The section's words as a comparison sees them: the heading without its id, whitespace collapsed."""
    lines = body.split("\n")[section.line - offset - 1:section.end - offset]
    if lines:
        lines[0] = _ATTR_LIST.sub("", _CLOSING_HASHES.sub("", lines[0]))
    return _SPACE.sub(" ", "\n".join(lines)).strip()


@dataclass
class SectionIndex:
    """Every section of the handbook, found by reference."""

    sections: list[Section] = field(default_factory=list)
    by_ref: dict[str, Section] = field(default_factory=dict)
    by_anchor: dict[str, list[Section]] = field(default_factory=dict)
    first_of_page: dict[str, Section] = field(default_factory=dict)
    pages: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, pages: Iterable[tuple[str, str, int]]) -> SectionIndex:
        """From (src, body, offset) of each page, in reading order."""
        index = cls()
        slugger = Slugger()
        for src, body, offset in pages:
            index.pages.append(src)
            for section in page_sections(src, body, offset, slugger):
                index.sections.append(section)
                index.by_ref.setdefault(section.ref, section)
                index.by_anchor.setdefault(section.anchor, []).append(section)
                index.first_of_page.setdefault(src, section)
        return index

    def headings_key(self) -> str:
        """A key for every section's reference and title: what a page listing the sections (the comments
        register) shows of them, so its rendering is reused only while they are the same."""
        return digest(*(f"{s.ref}\t{s.title}" for s in self.sections))

    def resolve(self, ref: str) -> tuple[Section | None, str, str]:
        """The section a reference names, or None with what is wrong and how to fix it."""
        page, _, anchor = ref.partition("#") if "#" in ref or ref.endswith(".md") else ("", "", ref)
        if page and not anchor:
            if page in self.first_of_page:
                return self.first_of_page[page], "", ""
            return None, f'no page "{page}" with a heading in docs/', suggest(page, self.first_of_page)
        if page:
            if ref in self.by_ref:
                return self.by_ref[ref], "", ""
            if page not in self.first_of_page:
                return None, f'no page "{page}" with a heading in docs/', suggest(page, self.first_of_page)
            elsewhere = self.by_anchor.get(anchor, [])
            if elsewhere:
                return None, f'no section "{anchor}" on {page}', f'did you mean "{elsewhere[0].ref}"?'
            on_page = [s.anchor for s in self.sections if s.page == page]
            return None, f'no section "{anchor}" on {page}', suggest(anchor, on_page)
        found = self.by_anchor.get(anchor, [])
        if len(found) == 1:
            return found[0], "", ""
        if found:
            where = ", ".join(s.ref for s in found[:4]) + (", …" if len(found) > 4 else "")
            return None, f'"{anchor}" is the id of headings on {len(found)} pages', f"write the page too: {where}"
        return None, f'no section "{anchor}"', suggest(anchor, self.by_anchor)


def _nav_pages(nav: object) -> list[str]:
    if isinstance(nav, list):
        return [p for item in nav for p in _nav_pages(item)]
    if isinstance(nav, dict):
        return [p for value in nav.values() for p in _nav_pages(value)]
    return [nav] if isinstance(nav, str) and nav.endswith(".md") else []


# `mkdocs serve` asks after every save; PyYAML in pure Python on mkdocs.yml costs more than the rest here.
_NAV: ContentMemo[tuple[str, ...]] = ContentMemo(limit=8)


def _nav_of(raw: bytes) -> tuple[str, ...]:
    import yaml

    class _Loader(yaml.SafeLoader):
        pass

    _Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    try:
        config = yaml.load(raw.decode("utf-8", "replace"), Loader=_Loader)  # noqa: S506 — safe subclass
    except (yaml.YAMLError, RecursionError):
        return ()
    return tuple(_nav_pages(config.get("nav"))) if isinstance(config, dict) else ()


def reading_order(root: Path, pages: list[str]) -> list[str]:
    """``pages`` in the order of mkdocs.yml's ``nav`` (the handbook's reading order), the rest after in path order.

    mkdocs.yml is read as plain data (its ``!ENV`` and other tags read as nothing), capped in size; a file that
    cannot be read leaves the path order.
    """
    path = root / "mkdocs.yml"
    try:
        raw = path.read_bytes()[:MAX_CONFIG_BYTES] if path.is_file() else b""
    except OSError:
        raw = b""
    nav = _NAV.get(digest(raw), lambda: _nav_of(raw)) if raw else ()
    rank = {src: i for i, src in enumerate(dict.fromkeys(nav))}
    return sorted(pages, key=lambda src: (rank.get(src, len(rank)), src))
