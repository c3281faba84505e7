"""Numbered, citable headings with anchors that do not move when a number changes.

A cadre cites "Phần thứ nhất, mục I.2" in a meeting, so the numbers are part of each heading's text (search,
copy and paste, screen readers, the contents and PDF bookmarks carry them), written at build time from the
page's place in the navigation, never typed: a page inside a section of the nav ("Phần thứ nhất …") is
numbered I., II., … among its siblings; within every page a level-2 heading is 1., 2., … and a level-3
heading a), b), … as Vietnamese Party documents number them.

Each numbered heading gets an explicit id made from its words without the number (an id the editor set,
``{#id}`` or ``{: #id }``, is kept), so links, comments and drafts keyed on it survive renumbering.
:func:`slugify` is also the ``toc`` extension's slug function (mkdocs.yml), so every other heading's
anchor keeps "đ" as "d" (``Biểu đồ`` → ``bieu-do``) instead of dropping it.
"""

from __future__ import annotations

import re
import unicodedata

ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
         (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
LETTERS = "abcdeghiklmnopqrstuvxy"  # the Vietnamese alphabet's plain letters, as documents letter points
# A number already at the start of a heading: "Phần thứ nhất —", "II.", "II.3.", "2.", "b)".
_NUMBER_PREFIX = re.compile(r"^\s*(?:Phần thứ [^\s—–-]+\s*[—–-]\s*|[IVXLC]+(?:\.\d+)*\.\s+|\d+(?:\.\d+)*\.\s+|"
                            r"[a-zđ]\)\s+)")
_HEADING = re.compile(r"^(#{1,3})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_ATTRS = re.compile(r"\s*\{:?\s*([^}]*)\}\s*$")
_FENCE = re.compile(r"^(```|~~~)")


def roman(n: int) -> str:
    out = ""
    for value, numeral in ROMAN:
        while n >= value:
            out, n = out + numeral, n - value
    return out


def letter(n: int) -> str:
    """1 → a, 2 → b … (past the alphabet: aa, ab …, never a crash on a long page)."""
    n -= 1
    return LETTERS[n] if n < len(LETTERS) else LETTERS[n // len(LETTERS) - 1] + LETTERS[n % len(LETTERS)]


def slugify(value: str, separator: str = "-") -> str:
    """An ASCII anchor from a heading: no number prefix, marks dropped, "đ" as "d" (``Biểu đồ`` → ``bieu-do``)."""
    text = _NUMBER_PREFIX.sub("", re.sub(r"<[^>]+>", "", value)).replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", separator, text).strip(separator)


def _split_attrs(text: str) -> tuple[str, str]:
    match = _ATTRS.search(text)
    return (text[:match.start()], match.group(0)) if match else (text, "")


def number_headings(markdown: str, page_number: str | None = None) -> str:
    """The page's headings with their numbers and explicit ids (see the module docstring).

    ``page_number`` ("I", "II" …) numbers the page's title; ``None`` leaves the title as it is. Fenced code
    is left alone, and so is a heading already starting with a number.
    """
    lines = markdown.split("\n")
    fenced = False
    counts = [0, 0]
    used: set[str] = set()  # ids already on the page: a second "Đánh giá chung" gets _1, as toc would give it
    for i, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
        match = None if fenced else _HEADING.match(line)
        if match is None:
            continue
        level, (words, attrs) = len(match.group(1)), _split_attrs(match.group(2))
        if level == 1:
            number = f"{page_number}." if page_number else ""
        elif level == 2:
            counts = [counts[0] + 1, 0]
            number = f"{counts[0]}."
        else:
            counts[1] += 1
            number = f"{letter(counts[1])})"
        if not number or _NUMBER_PREFIX.match(words):
            continue
        if "#" not in attrs:
            ident, n = slugify(words), 0
            while (f"{ident}_{n}" if n else ident) in used:
                n += 1
            ident = f"{ident}_{n}" if n else ident
            used.add(ident)
            attrs = f" {{#{ident}{' ' + attrs.strip()[1:-1].lstrip(':').strip() if attrs else ''}}}"
        lines[i] = f"{match.group(1)} {number} {words}{attrs}"
    return "\n".join(lines)


def numbered_title(title: str, page_number: str | None) -> str:
    """A nav title with the page's number ("I. Kinh tế"), unless it already starts with one."""
    if not page_number or _NUMBER_PREFIX.match(title):
        return title
    return f"{page_number}. {title}"
