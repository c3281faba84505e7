"""The comments register as the handbook sees it: comments grouped by the section they target, and the checks
that need the pages (the section named exists; an ``absorbed`` comment's section did change since its draft).

The checks that need only data (round, duplicate id, response, dates) are in :mod:`macros.core.validate`.
This module is under ``pages`` because ``check`` and the page macro need it; the terminal register
(``python -m macros comments``) is :mod:`macros.editorial.comments`.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import Problem
from ..core.model import Comment, Dataset
from .history import HistoryUnavailable, pages_at
from .sections import Section, SectionIndex, Slugger, page_sections, section_text

DISPOSITION_LABELS = {"absorbed": "Tiếp thu", "partly": "Tiếp thu một phần", "explained": "Giải trình",
                      "pending": "Chưa xử lý"}
SOURCE_LABELS = {"delegate": "Đại biểu", "scientist": "Nhà khoa học", "ministry": "Bộ, ngành Trung ương",
                 "party-unit": "Đảng bộ trực thuộc", "agency": "Cơ quan", "citizen": "Cá nhân", "other": "Khác"}


@dataclass
class Row:
    """One line of the register: a comment, or several comments sharing an ``issue`` (duplicates) in a section."""

    comments: list[Comment]

    @property
    def issue(self) -> str | None:
        return self.comments[0].issue


@dataclass
class Group:
    """The comments on one section, in the register's order."""

    ref: str  # the section's page#anchor, or the reference as written when it names no section
    section: Section | None
    rows: list[Row] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(r.comments) for r in self.rows)


def group_anchor(ref: str) -> str:
    """The register's anchor for a section's group: ``a/b.md#c`` → ``gy-a-b-c``."""
    page, _, anchor = ref.partition("#")
    stem = page.removesuffix(".md").replace("/", "-")
    return "gy-" + "-".join(p for p in (stem, anchor) if p)


def selected(ds: Dataset, round_id: str | None = None) -> list[Comment]:
    return [c for c in ds.comments.values() if round_id is None or c.round == round_id]


def register(comments: Iterable[Comment], index: SectionIndex) -> list[Group]:
    """Comments grouped by section in the handbook's reading order; duplicates (same ``issue``) share a row."""
    groups: dict[str, Group] = {}
    rows: dict[tuple[str, str], Row] = {}
    for c in comments:
        section = index.resolve(c.section)[0]
        ref = section.ref if section else c.section
        group = groups.setdefault(ref, Group(ref, section))
        if c.issue and (ref, c.issue) in rows:
            rows[(ref, c.issue)].comments.append(c)
            continue
        row = Row([c])
        group.rows.append(row)
        if c.issue:
            rows[(ref, c.issue)] = row
    order = {s.ref: i for i, s in enumerate(index.sections)}
    return sorted(groups.values(), key=lambda g: order.get(g.ref, len(order)))


def totals(comments: Iterable[Comment]) -> dict[str, Counter[str]]:
    """Counts by source type, then disposition (the register's part I); ``"*"`` holds the column totals."""
    table: dict[str, Counter[str]] = {"*": Counter()}
    for c in comments:
        table.setdefault(c.from_type, Counter())[c.disposition] += 1
        table["*"][c.disposition] += 1
    return table


def counts_by_section(ds: Dataset, index: SectionIndex) -> dict[str, int]:
    """page#anchor → how many comments target it (what each section of the handbook shows)."""
    out: Counter[str] = Counter()
    for c in ds.comments.values():
        section = index.resolve(c.section)[0]
        if section is not None:
            out[section.ref] += 1
    return dict(out)


def check_sections(ds: Dataset, index: SectionIndex, drafts: Iterable[str] = ()) -> list[Problem]:
    """Every comment names a published section of the handbook (with "did you mean" when not)."""
    problems = []
    drafts = set(drafts)
    for c in ds.comments.values():
        section, message, hint = index.resolve(c.section)
        page = c.section.partition("#")[0]
        if section is None and page in drafts:
            message, hint = f"{page} is a draft (`draft: true`), never published", "point the comment at a published page"
        if section is None:
            problems.append(Problem(c.origin.file, c.section_line, f"{_key(c)}.section", message, hint))
    return problems


def _key(c: Comment) -> str:
    return f"comments[{c.origin.path[1]}]" if len(c.origin.path) > 1 else "comments"


def check_absorbed(ds: Dataset, index: SectionIndex, bodies: dict[str, tuple[str, int]], root: Path,
                   docs_dir: Path) -> list[Problem]:
    """An ``absorbed`` comment's section must read differently now than in the draft its round commented on.

    ``bodies``: page → (body, lines before it) as the check read them. The draft is the round's ``revision``
    in git; without it (no revision, no git, not in history) each round says how many absorbed comments it
    could not verify, as a warning: never a silent pass.
    """
    from .render import split_front_matter

    problems: list[Problem] = []
    by_round: dict[str, list[tuple[Comment, Section]]] = {}
    for c in ds.comments.values():
        section = index.resolve(c.section)[0]
        if c.disposition == "absorbed" and section is not None and c.round in ds.rounds:
            by_round.setdefault(c.round, []).append((c, section))
    for round_id, absorbed in by_round.items():
        rnd = ds.rounds[round_id]
        try:
            if rnd.revision is None:
                raise HistoryUnavailable("the round has no `revision:` (the git commit of the draft it commented on)")
            old_pages = pages_at(root, docs_dir, rnd.revision)
        except HistoryUnavailable as why:
            problems.append(Problem(rnd.origin.file, rnd.origin.line, f"rounds.{rnd.id}",
                                    f"{len(absorbed)} comment(s) marked absorbed cannot be checked against the draft: "
                                    f"{why}", "give the round `revision: <commit>` in a git checkout with history",
                                    "warning"))
            continue
        old_texts = _old_sections(old_pages, split_front_matter)
        for c, section in absorbed:
            body, offset = bodies[section.page]
            now = section_text(body, section, offset)
            before = old_texts.get(section.ref)
            if before is None and "#" not in c.section:
                before = next((t for ref, t in old_texts.items() if ref.endswith("#" + section.anchor)), None)
            if before is not None and before == now:
                problems.append(Problem(
                    c.origin.file, c.disposition_line, f"{_key(c)}.disposition",
                    f'marked absorbed, but section "{section.ref}" reads the same as in the draft of round '
                    f'"{rnd.id}" ({rnd.revision})',
                    "change the section to take the comment in, or mark it `partly`/`explained` with a `response`, "
                    "or `pending`"))
    return problems


def _old_sections(pages: dict[str, str], split) -> dict[str, str]:  # noqa: ANN001
    """page#anchor → section text, for every section of the pages at a revision."""
    out: dict[str, str] = {}
    slugger = Slugger()
    for src, text in pages.items():
        body, offset, _ = split(unicodedata.normalize("NFC", text))
        for section in page_sections(src, body, offset, slugger):
            out.setdefault(section.ref, section_text(body, section, offset))
    return out
