"""``python -m macros comments``: the comments register in the terminal, for the editor who answers them.

The same register as the page (:mod:`macros.pages.register`): grouped by section in reading order,
duplicates (same ``issue``) together, each comment with who gave it, what it says and what became of it,
then one summary line ``comments: N comments — A absorbed, P partly, E explained, Q pending`` with the
counts by source. The checks are the whole ``check`` (its problems go to standard error first), so the
register is never shown as clean when a comment points at nothing or claims an absorption that did not
happen.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Iterable

from ..core.model import Comment, Dataset
from ..core.schema import COMMENT_SOURCE_TYPES, DISPOSITIONS
from ..pages.comments import register, selected
from ..pages.sections import SectionIndex

WIDTH = 100


def _date(c: Comment) -> str:
    d = c.date
    return "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate((d.year, d.month, d.day)) if p is not None)


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ") or [indent]


def register_lines(ds: Dataset, index: SectionIndex, round_id: str | None = None) -> list[str]:
    """The register as text lines, grouped by section (a section no heading has is shown as written)."""
    lines: list[str] = []
    for group in register(selected(ds, round_id), index):
        s = group.section
        page = index.first_of_page.get(s.page) if s else None
        title = "(no such section)" if s is None else (
            s.title if page is None or page is s else f"{page.title} › {s.title}")
        lines.append(f"{group.ref} — {title} ({group.count})")
        for row in group.rows:
            for c in row.comments:
                lines += _wrap(f"{c.id} [{c.disposition}] {c.from_name} ({c.from_type}, {_date(c)}): {c.text}", "  ")
                if c.quote:
                    lines += _wrap(f"on: «{c.quote}»", "      ")
                if c.response:
                    lines += _wrap(f"→ {c.response}", "      ")
            if row.issue and len(row.comments) > 1:
                lines.append(f"      (issue {row.issue}: {len(row.comments)} comments)")
        lines.append("")
    return lines


def summary(comments: Iterable[Comment]) -> str:
    comments = list(comments)
    by_disposition = Counter(c.disposition for c in comments)
    by_source = Counter(c.from_type for c in comments)
    dispositions = ", ".join(f"{by_disposition[d]} {d}" for d in DISPOSITIONS)
    sources = ", ".join(f"{by_source[t]} {t}" for t in COMMENT_SOURCE_TYPES if by_source[t])
    noun = "comment" if len(comments) == 1 else "comments"
    return f"comments: {len(comments)} {noun} — {dispositions}" + (f" ({sources})" if sources else "")
