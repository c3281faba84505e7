"""What changed between two drafts: prose by section, headings, figures and computed statuses.

Computed from what readers get — each side's checked dataset and rendered pages (:mod:`.revisions`) — not
from a diff of the files, so a figure changed in data/ shows as the figure it is, and a page that only
moved a macro call shows nothing. Sections are keyed by their heading's anchor (MkDocs' toc id, or an
explicit ``{#id}``), never by position or number: a section moved within its page or to another page, or
renumbered, is the same section. A heading whose generated anchor changed with its text is paired with the
removed section whose prose is most alike. Words are compared after NFC normalisation. Nothing here
imports MkDocs.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from ..core.fmt import format_value
from ..core.model import Comment, Dataset, Indicator
from ..core.status import assess
from ..pages.comments import DISPOSITION_LABELS
from .revisions import RevisionError, Section, Snapshot, load_revision

# Two sections whose anchors differ are the same renamed section when this much of their prose is shared.
RENAME_SIMILARITY = 0.6
CONTEXT_WORDS = 6
# Renamed sections are looked for across pages while there are at most this many (removed × added) pairs.
MAX_PAIRS = 20_000


@dataclass(frozen=True)
class Chunk:
    """A run of words: ``kind`` is "equal", "insert" or "delete"."""

    kind: str
    words: tuple[str, ...]


@dataclass
class SectionChange:
    old: Section | None
    new: Section | None
    chunks: list[Chunk] = field(default_factory=list)

    @property
    def added(self) -> int:
        return sum(len(c.words) for c in self.chunks if c.kind == "insert")

    @property
    def removed(self) -> int:
        return sum(len(c.words) for c in self.chunks if c.kind == "delete")

    @property
    def section(self) -> Section:
        return self.new or self.old  # type: ignore[return-value]

    def excerpt(self, context: int = CONTEXT_WORDS, longest: int | None = None) -> list[Chunk]:
        return excerpt(self.chunks, context, longest)


@dataclass(frozen=True)
class HeadingChange:
    kind: str  # "added", "removed", "renamed", "moved"
    old: Section | None
    new: Section | None


@dataclass(frozen=True)
class FigureChange:
    id: str
    name: str
    year: int | None  # None: the target changed
    old: str  # in Vietnamese format, "—" when absent
    new: str


@dataclass(frozen=True)
class StatusChange:
    id: str
    name: str
    old: str
    new: str
    old_symbol: str = ""  # the status's shape (✔ ▲ ! ✘ ?), which reads without colour
    new_symbol: str = ""


@dataclass
class DraftsDiff:
    old: Snapshot
    new: Snapshot
    sections: list[SectionChange] = field(default_factory=list)
    headings: list[HeadingChange] = field(default_factory=list)
    figures: list[FigureChange] = field(default_factory=list)
    added_indicators: list[Indicator] = field(default_factory=list)
    removed_indicators: list[Indicator] = field(default_factory=list)
    statuses: list[StatusChange] = field(default_factory=list)
    answered: list[Comment] = field(default_factory=list)  # comments this draft answered (pending before, or new)

    @property
    def words_added(self) -> int:
        return sum(s.added for s in self.sections)

    @property
    def words_removed(self) -> int:
        return sum(s.removed for s in self.sections)

    def heading_count(self, kind: str) -> int:
        return sum(1 for h in self.headings if h.kind == kind)

    def summary(self) -> str:
        def n(count: int, what: str) -> str:
            return f"{count} {what}"
        return (f"diff: {self.old.label} → {self.new.label}: {n(len(self.sections), 'sections changed')} "
                f"(+{self.words_added} −{self.words_removed} words); headings {self.heading_count('added')} added, "
                f"{self.heading_count('removed')} removed, {self.heading_count('renamed')} renamed, "
                f"{self.heading_count('moved')} moved; {n(len(self.figures), 'figures changed')}, "
                f"{len(self.added_indicators)} indicators added, {len(self.removed_indicators)} removed; "
                f"{n(len(self.statuses), 'statuses changed')}; {n(len(self.answered), 'comments answered')}")

    @property
    def empty(self) -> bool:
        return not (self.sections or self.headings or self.figures or self.added_indicators
                    or self.removed_indicators or self.statuses or self.answered)


def word_chunks(old: list[str], new: list[str]) -> list[Chunk]:
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    chunks: list[Chunk] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            chunks.append(Chunk("equal", tuple(old[i1:i2])))
            continue
        if i2 > i1:
            chunks.append(Chunk("delete", tuple(old[i1:i2])))
        if j2 > j1:
            chunks.append(Chunk("insert", tuple(new[j1:j2])))
    return chunks


def _similarity(a: Section, b: Section) -> float:
    matcher = difflib.SequenceMatcher(None, a.words, b.words, autojunk=False)
    if matcher.real_quick_ratio() < RENAME_SIMILARITY or matcher.quick_ratio() < RENAME_SIMILARITY:
        return 0.0
    return matcher.ratio()


def match_sections(old: list[Section], new: list[Section]) -> tuple[list[tuple[Section, Section]], list[Section],
                                                                        list[Section]]:
    """Pairs of the same section, then the removed and the added ones.

    Same page and anchor first; then the same anchor on another page (a section moved between pages),
    when it is unique on both sides; then, for the rest, the most alike prose under a heading of the same
    level (a heading renamed, so its generated anchor changed).
    """
    pairs: list[tuple[Section, Section]] = []
    by_key = {s.key: s for s in new}
    left_old: list[Section] = []
    for s in old:
        match = by_key.pop(s.key, None)
        if match is not None:
            pairs.append((s, match))
        else:
            left_old.append(s)
    left_new = [s for s in new if s.key in by_key]
    for s in list(left_old):
        if not s.id:
            continue
        same_old = [o for o in left_old if o.id == s.id]
        same_new = [n for n in left_new if n.id == s.id]
        if len(same_old) == 1 and len(same_new) == 1:
            pairs.append((s, same_new[0]))
            left_old.remove(s)
            left_new.remove(same_new[0])
    across = len(left_old) * len(left_new) <= MAX_PAIRS  # else only within a page: bounded on a large report
    scored = sorted(((_similarity(o, n), i, j) for i, o in enumerate(left_old) for j, n in enumerate(left_new)
                     if o.level == n.level and o.words and n.words and (across or o.page == n.page)), reverse=True)
    used_old: set[int] = set()
    used_new: set[int] = set()
    for score, i, j in scored:
        if score < RENAME_SIMILARITY:
            break
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        pairs.append((left_old[i], left_new[j]))
    return (pairs, [s for i, s in enumerate(left_old) if i not in used_old],
            [s for j, s in enumerate(left_new) if j not in used_new])


def _moved_within_pages(pairs: list[tuple[Section, Section]]) -> set[int]:
    """Indexes (into ``pairs``) of sections whose order among the page's kept sections changed."""
    moved: set[int] = set()
    pages = {o.page for o, n in pairs if o.page == n.page}
    for page in pages:
        kept = [(k, o, n) for k, (o, n) in enumerate(pairs) if o.page == page and n.page == page]
        old_order = [k for k, o, _ in sorted(kept, key=lambda t: t[1].index)]
        new_order = [k for k, _, n in sorted(kept, key=lambda t: t[2].index)]
        stay = difflib.SequenceMatcher(None, old_order, new_order, autojunk=False)
        staying = {old_order[b.a + d] for b in stay.get_matching_blocks() for d in range(b.size)}
        moved |= {k for k in old_order if k not in staying}
    return moved


def _shown(ind: Indicator, value: object) -> str:
    if value is None:
        return "—"
    return format_value(value, ind.unit, ind.decimals).replace("\u00a0", " ")  # type: ignore[arg-type]


def _target_text(ind: Indicator) -> str:
    t = ind.target
    if t is None:
        return "—"
    return f"{'≥' if t.direction == 'at_least' else '≤'} {_shown(ind, t.value)} ({t.year})"


def compare_figures(diff: DraftsDiff, old: Dataset, new: Dataset) -> None:
    for ind_id, ind in new.indicators.items():
        before = old.indicators.get(ind_id)
        if before is None:
            diff.added_indicators.append(ind)
            continue
        for year in sorted(set(before.values) | set(ind.values)):
            a, b = before.values.get(year), ind.values.get(year)
            if a != b:
                diff.figures.append(FigureChange(ind_id, ind.name, year, _shown(before, a), _shown(ind, b)))
        if _target_text(before) != _target_text(ind):
            diff.figures.append(FigureChange(ind_id, ind.name, None, _target_text(before), _target_text(ind)))
        if before.target is not None or ind.target is not None:
            was = assess(before, old.handbook.on_track_ratio, old.handbook.min_points).status \
                if before.target is not None else None
            now = assess(ind, new.handbook.on_track_ratio, new.handbook.min_points).status \
                if ind.target is not None else None
            if was != now:
                diff.statuses.append(StatusChange(ind_id, ind.name, was.label if was else "—", now.label if now else "—",
                                                  was.symbol if was else "", now.symbol if now else ""))
    diff.removed_indicators = [ind for ind_id, ind in old.indicators.items() if ind_id not in new.indicators]


def compare_comments(diff: DraftsDiff, old: Dataset, new: Dataset) -> None:
    """The comments this draft answered: decided now (absorbed, partly, explained) and pending or absent before,
    or decided differently — what the Standing Committee asks of a new draft besides its text."""
    for comment in new.comments.values():
        before = old.comments.get(comment.id)
        if comment.disposition != "pending" and (before is None or before.disposition != comment.disposition):
            diff.answered.append(comment)


def compare(old: Snapshot, new: Snapshot) -> DraftsDiff:
    diff = DraftsDiff(old, new)
    pairs, removed, added = match_sections(old.sections, new.sections)
    moved = _moved_within_pages(pairs)
    order = {s.key: i for i, s in enumerate(new.sections)}
    for k, (o, n) in sorted(enumerate(pairs), key=lambda t: order[t[1][1].key]):
        if o.words != n.words:
            diff.sections.append(SectionChange(o, n, word_chunks(o.words, n.words)))
        if o.title != n.title and n.id:
            diff.headings.append(HeadingChange("renamed", o, n))
        if o.page != n.page or k in moved:
            diff.headings.append(HeadingChange("moved", o, n))
    for s in added:
        diff.sections.append(SectionChange(None, s, [Chunk("insert", tuple(s.words))] if s.words else []))
        if s.id:
            diff.headings.append(HeadingChange("added", None, s))
    for s in removed:
        diff.sections.append(SectionChange(s, None, [Chunk("delete", tuple(s.words))] if s.words else []))
        if s.id:
            diff.headings.append(HeadingChange("removed", s, None))
    diff.sections = [s for s in diff.sections if s.chunks]
    compare_figures(diff, old.dataset, new.dataset)
    compare_comments(diff, old.dataset, new.dataset)
    return diff


def diff_revisions(project: Path, old_rev: str, new_rev: str | None = None) -> DraftsDiff:
    """Compare two revisions of the project (``new_rev`` None: the working tree)."""
    old = load_revision(project, old_rev)
    new = load_revision(project, new_rev)
    return compare(old, new)


def comparer_for(project: Path):  # noqa: ANN201 — Callable[[str], DraftsDiff | None]
    """What the site's changes page calls: the working tree against a revision, once per revision and build.

    Outside a git repository (a copy of the project without its history) it gives None: the page says there
    is no history to compare with, rather than failing the build.
    """
    done: dict[str, DraftsDiff | None] = {}

    def compare_with(rev: str) -> DraftsDiff | None:
        if rev not in done:
            try:
                done[rev] = diff_revisions(project, rev)
            except RevisionError as exc:
                if any(p.key == "(git)" and "not inside a git repository" in p.message for p in exc.problems):
                    done[rev] = None
                else:
                    raise
        return done[rev]
    return compare_with


def excerpt(chunks: list[Chunk], context: int = CONTEXT_WORDS, longest: int | None = None) -> list[Chunk]:
    """The changes with a few words of unchanged text around each, the rest elided as "…"; with ``longest``, an
    inserted or deleted run longer than that keeps its start and end (a whole new section in a terminal)."""
    out: list[Chunk] = []
    for i, chunk in enumerate(chunks):
        words = chunk.words
        if chunk.kind != "equal":
            if longest and len(words) > longest:
                words = words[:longest * 2 // 3] + ("…",) + words[-(longest // 3):]
            out.append(Chunk(chunk.kind, words))
            continue
        first, last = i == 0, i == len(chunks) - 1
        if len(words) <= 2 * context + 1:
            out.append(chunk)
        elif first:
            out.append(Chunk("equal", ("…",) + words[-context:]))
        elif last:
            out.append(Chunk("equal", words[:context] + ("…",)))
        else:
            out.append(Chunk("equal", words[:context] + ("…",) + words[-context:]))
    return out


def _where(s: Section) -> str:
    return f"{s.page_title} › {s.title}" if s.title and s.title != s.page_title else s.page_title


def format_text(diff: DraftsDiff) -> list[str]:
    """The comparison for the terminal: word changes as git's ``--word-diff`` shows them, ``[-…-]{+…+}``."""
    lines = [f"So sánh {diff.old.label} (phiên bản {diff.old.dataset.handbook.version}) → {diff.new.label} "
             f"(phiên bản {diff.new.dataset.handbook.version})"]
    if diff.sections:
        lines += ["", f"Đoạn văn thay đổi ({len(diff.sections)}):"]
    for change in diff.sections:
        s = change.section
        state = " (mục mới)" if change.old is None else " (mục bị bỏ)" if change.new is None else ""
        lines.append(f"  {_where(s)}{state}  +{change.added} −{change.removed} từ")
        text = []
        for chunk in change.excerpt(longest=45):
            words = " ".join(chunk.words)
            text.append(words if chunk.kind == "equal" else f"[-{words}-]" if chunk.kind == "delete" else f"{{+{words}+}}")
        lines.append("    " + " ".join(text))
    if diff.headings:
        lines += ["", f"Đề mục ({len(diff.headings)}):"]
    labels = {"added": "thêm", "removed": "bỏ", "renamed": "đổi tên", "moved": "chuyển chỗ"}
    for h in diff.headings:
        if h.kind == "renamed":
            lines.append(f"  {labels[h.kind]:<10} {h.new.page}: “{h.old.title}” → “{h.new.title}”")
        elif h.kind == "moved":
            where = f"{h.old.page} → {h.new.page}" if h.old.page != h.new.page else f"{h.new.page} (thứ tự trong trang)"
            lines.append(f"  {labels[h.kind]:<10} “{h.new.title}”: {where}")
        else:
            s = h.new or h.old
            lines.append(f"  {labels[h.kind]:<10} {s.page}: “{s.title}”")
    if diff.figures or diff.added_indicators or diff.removed_indicators:
        lines += ["", "Số liệu:"]
    for f in diff.figures:
        what = f"năm {f.year}" if f.year is not None else "chỉ tiêu"
        lines.append(f"  {f.id} ({what}): {f.old} → {f.new}  — {f.name}")
    lines += [f"  thêm chỉ số {ind.id} — {ind.name}" for ind in diff.added_indicators]
    lines += [f"  bỏ chỉ số {ind.id} — {ind.name}" for ind in diff.removed_indicators]
    if diff.statuses:
        lines += ["", "Đánh giá chỉ tiêu (tính từ số liệu):"]
    lines += [f"  {s.id}: {s.old} → {s.new}  — {s.name}" for s in diff.statuses]
    if diff.answered:
        lines += ["", f"Ý kiến góp ý được trả lời ({len(diff.answered)}):"]
    for c in diff.answered:
        text = c.text if len(c.text) <= 80 else c.text[:79] + "…"
        lines.append(f"  {c.id} ({DISPOSITION_LABELS.get(c.disposition, c.disposition)}) — {c.section}: {text}")
    if diff.empty:
        lines += ["", "Không có thay đổi nào người đọc thấy được."]
    return lines
