"""Word counts and budgets: the report must stay concise.

A word is a run of letters or digits between spaces (for Vietnamese, a syllable, as editors count
"chữ"); a macro counts as one word (an inline figure is read as one), so the generated tables of data
pages do not eat the budget of their prose. Markdown syntax, HTML tags, comments and code are not words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lint import LINE_PATTERNS
from .scan import delimited, fenced, replace_spans

# Line patterns stop at the end of their line (and are linear: see macros.pages.lint), admonition markers too.
_SKIP = [*LINE_PATTERNS[1:], re.compile(r"^[?!]{3}\+?[ \t]*\S+", re.MULTILINE)]
_WORD = re.compile(r"[^\W_][\w'’\-.,/]*")


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


@dataclass(frozen=True)
class PageWords:
    src: str
    title: str
    words: int
    budget: int | None

    @property
    def over(self) -> bool:
        return self.budget is not None and self.words > self.budget


def reading_minutes(words: int, speed: int) -> float:
    return words / speed if speed else 0.0
