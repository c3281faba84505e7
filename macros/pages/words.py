"""Word counts and budgets: the report must stay concise.

A word is a run of letters or digits between spaces (for Vietnamese, a syllable, as editors count
"chữ"). Budgets count what readers see: the page as rendered, generated tables, cards and notes included
(:func:`count_seen`); a table of 30 rows is read, or scrolled past, like prose. Markdown syntax, HTML tags
and their attributes (tooltips), comments, code and drawings (SVG) are not words; navigation and the draft
banner are outside the page. :func:`count_words` counts a page's source, a macro as one word.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from .lint import LINE_PATTERNS
from .scan import delimited, fenced, replace_spans

# Line patterns stop at the end of their line (and are linear: see macros.pages.lint), admonition markers too.
_SKIP = [*LINE_PATTERNS[1:], re.compile(r"^[?!]{3}\+?[ \t]*\S+", re.MULTILINE)]
_WORD = re.compile(r"[^\W_][\w'’\-.,/]*")
# Drawings, scripts, and a figure's source popover (shown only when the reader taps the figure).
_HIDDEN_OPEN = re.compile(r"<(svg|script|style)\b", re.IGNORECASE)
_HIDDEN_CLOSE = {tag: re.compile(rf"</{tag}\s*>", re.IGNORECASE) for tag in ("svg", "script", "style")}


def _hidden_spans(text: str) -> list[tuple[int, int]]:
    """Where the reader sees nothing, found in linear time (a lazy ``<svg.*?</svg>`` is quadratic on a page of
    unclosed openings): each opening's closing is sought once, and a kind with none left is not sought again."""
    spans: list[tuple[int, int]] = []
    pos, exhausted = 0, set()
    while True:
        match = _HIDDEN_OPEN.search(text, pos)
        while match is not None and match.group(1).lower() in exhausted:
            match = _HIDDEN_OPEN.search(text, match.end())
        if match is None:
            break
        tag = match.group(1).lower()
        close = _HIDDEN_CLOSE[tag].search(text, match.end())
        if close is None:
            exhausted.add(tag)
            pos = match.end()
            continue
        spans.append((match.start(), close.end()))
        pos = close.end()
    pos = 0
    while True:  # a figure's popover: <span … popover="" …>…</span></span>
        at = text.find('popover=""', pos)
        if at < 0:
            break
        start = text.rfind("<span ", pos, at)
        end = text.find("</span></span>", at)
        if start < 0 or end < 0:
            break
        spans.append((start, end + len("</span>")))
        pos = end + len("</span>")
    return sorted(spans)


def count_words(body: str) -> int:
    """Words of a page body's prose."""
    text = replace_spans(body, delimited(body, "{%", "%}"), " ")
    text = replace_spans(text, delimited(text, "{{", "}}"), " ▪ ")
    text = replace_spans(text, fenced(text), " ")
    for opener, closer in (("{#", "#}"), ("<!--", "-->")):
        text = replace_spans(text, delimited(text, opener, closer), " ")
    for pattern in _SKIP:
        text = pattern.sub(" ", text)
    return len(_WORD.findall(text)) + text.count("▪")


_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);")


def _entity(match: re.Match) -> str:
    """An escaped character as the reader sees it ("&#42;" is "*", not the word "42"); never a tag's bracket."""
    char = html.unescape(match.group(0))
    return " " if char in "<>" else char


def count_seen(rendered: str) -> int:
    """Words a reader sees on a rendered page (Markdown with the macros' HTML in it)."""
    return count_words(_ENTITY.sub(_entity, replace_spans(rendered, _hidden_spans(rendered), " ")))


@dataclass(frozen=True)
class PageWords:
    src: str
    title: str
    words: int
    budget: int | None
    # An editorial appendix (front matter ``appendix: true``: the comments register, the changes since the last
    # draft) is for the Standing Committee, not the reader: counted apart, outside the handbook's budget.
    appendix: bool = False

    @property
    def over(self) -> bool:
        return self.budget is not None and self.words > self.budget and not self.appendix


def reading_minutes(words: int, speed: int) -> float:
    return words / speed if speed else 0.0


_CONTENTS = re.compile(r"^#{1,2}[ \t]+(.+)$", re.MULTILINE)


def print_page_words(pages: list[PageWords], bodies: list[str], handbook: object | None) -> int:
    """The print page: every page (appendices too), the cover's fields, and the contents (titles and sections)."""
    cover = " ".join(str(getattr(handbook, f, "") or "") for f in ("title", "organisation", "status", "circulation",
                                                                    "version", "date"))
    contents = " ".join(m.group(1) for body in bodies for m in _CONTENTS.finditer(body))
    return sum(p.words for p in pages) + count_words(cover) + count_words(contents)
