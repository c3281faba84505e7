"""Word counts and budgets: the report must stay concise.

A word is a run of letters or digits between spaces (for Vietnamese, a syllable, as editors count
"chữ"); a macro counts as one word (an inline figure is read as one), so the generated tables of data
pages do not eat the budget of their prose. Markdown syntax, HTML tags, comments and code are not words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MACRO = re.compile(r"\{\{.*?\}\}", re.DOTALL)
_STATEMENT = re.compile(r"\{%.*?%\}", re.DOTALL)
# Block patterns may span lines (DOTALL); line patterns must stop at the end of their line.
_SKIP = [re.compile(p, re.DOTALL | re.MULTILINE) for p in (
    r"^(```|~~~).*?^\1[ \t]*$", r"\{#.*?#\}", r"<!--.*?-->",
)] + [re.compile(p, re.MULTILINE) for p in (
    r"<[^>\n]+>", r"\]\([^)\n]*\)", r"^\s*\[(?!\^)[^\]]+\]:\s*\S+.*$", r"\{:?[^}\n]*\}", r"^[?!]{3}\+?\s*\S+",
)]
_WORD = re.compile(r"[^\W_][\w'’\-.,/]*")


def count_words(body: str) -> int:
    """Words of a page body's prose."""
    text = _MACRO.sub(" ▪ ", _STATEMENT.sub(" ", body))
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
