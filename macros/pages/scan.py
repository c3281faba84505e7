"""Finding the parts of a page that are not prose, in linear time.

A regular expression such as ``\\{\\{.*?\\}\\}`` is quadratic on a page an editor (or an attacker) can
write: with thousands of ``{{`` and no ``}}``, each opening is scanned to the end of the page (a 200 KB
page took minutes). These scanners look for the closing text once from each opening and stop at the
first opening that has none, since no later one can be closed either: every character is read a bounded
number of times. The figure lint, the word counts and the drafts' comment stripping share them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

# Non-prose spans that open and close with fixed text, in the order they are blanked.
DELIMITED = (("{{", "}}"), ("{%", "%}"), ("{#", "#}"), ("<!--", "-->"))
_FENCE = re.compile(r"(```|~~~)")


def delimited(text: str, opener: str, closer: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every ``opener … closer`` span, the shortest from each opening, left to right."""
    pos = 0
    while True:
        start = text.find(opener, pos)
        if start < 0:
            return
        end = text.find(closer, start + len(opener))
        if end < 0:
            return
        pos = end + len(closer)
        yield start, pos


def fenced(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every fenced code block: a line opening with ``` or ~~~ up to the end of the line
    that is that fence alone (as ``^(```|~~~).*?^\\1[ \\t]*$`` with ``re.S | re.M``, in one pass)."""
    pos = 0
    opened: tuple[int, str] | None = None
    length = len(text)
    while pos <= length:
        end = text.find("\n", pos)
        end = length if end < 0 else end
        line = text[pos:end]
        if opened is None:
            match = _FENCE.match(line)
            if match:
                opened = (pos, match.group(1))
        elif line.rstrip(" \t") == opened[1] and pos > opened[0]:
            yield opened[0], end
            opened = None
        pos = end + 1


def _blanked(piece: str) -> str:
    return " " * len(piece) if "\n" not in piece else "\n".join(" " * len(p) for p in piece.split("\n"))


def blank_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with each span replaced by spaces, its line breaks kept (so line numbers stay right)."""
    return replace_spans(text, spans, _blanked)


def replace_spans(text: str, spans: Iterable[tuple[int, int]], replacement: str | Callable[[str], str]) -> str:
    """``text`` with each span replaced by ``replacement`` (a text, or a function of the span's text)."""
    out: list[str] = []
    pos = 0
    for start, end in spans:
        if start < pos:
            continue
        out.append(text[pos:start])
        out.append(replacement(text[start:end]) if callable(replacement) else replacement)
        pos = end
    out.append(text[pos:])
    return "".join(out)
