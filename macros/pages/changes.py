"""The page "Những thay đổi so với dự thảo trước": ``{{ draft_changes() }}`` shows what changed since ``previous:``.

The comparison itself is the editorial layer's (:mod:`macros.editorial.drafts_diff`), which this layer may not
import: the front end that builds the site hands it in with :func:`use_comparer` (the glue does, for every
build and ``mkdocs serve``). Without one — ``check`` — the macro checks what it can and shows a notice, so the
check stays fast and never caches a comparison that the next commit would make stale.

Insertions and deletions are ``<ins>`` and ``<del>``: underlined and struck through, which read in black and
white and in print, and which screen readers announce; the reader stylesheet adds no meaning by colour alone.
The passages and tables are kept out of the search index (``data-search-exclude``): a word a draft deleted
must not bring a reader here. Everything shown is escaped text. Nothing here imports MkDocs.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from ..core.errors import HandbookError, MacroError
from .html import table

PAGE_TITLE = "Những thay đổi so với dự thảo trước"
CONTEXT_WORDS = 12
LONGEST_RUN = 80  # words of a wholly new or removed section shown before "…"

# previous revision → the comparison (a DraftsDiff), None without history, or HandbookError with located problems.
Comparer = Callable[[str], Any]
_comparer: Comparer | None = None


def use_comparer(comparer: Comparer | None) -> None:
    """Set (or clear) how this process compares the working tree with a revision."""
    global _comparer
    _comparer = comparer


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _words_html(chunks: list[Any]) -> str:
    out = []
    for chunk in chunks:
        text = _e(" ".join(chunk.words))
        out.append(text if chunk.kind == "equal" else f"<del>{text}</del>" if chunk.kind == "delete" else f"<ins>{text}</ins>")
    return " ".join(out)


def _table(head: tuple[str, ...], rows: list[tuple[str, ...]], caption: str) -> str:
    # hb-stack: on a phone each change is a card (name, then each value with its column's name), not a table
    # whose "Dự thảo này" is off screen.
    return table(list(head), [({}, list(row)) for row in rows], caption, class_="hb-table hb-changes__table hb-stack",
                 searchable=False)


def render_changes(diff: Any, link: Callable[[str, str], str]) -> str:
    """The comparison as the page's Markdown: headings for the table of contents, escaped HTML blocks between."""
    old = diff.old
    hb_old = old.dataset.handbook
    parts = [
        f'<p class="hb-changes__summary">So với dự thảo trước — phiên bản {_e(hb_old.version)} '
        f"(bản lưu <code>{_e(old.commit or old.label)}</code>) — bản này có {len(diff.sections)} đoạn văn thay đổi "
        f"(thêm {diff.words_added} từ, bỏ {diff.words_removed} từ), {len(diff.headings)} thay đổi đề mục, "
        f"{len(diff.figures)} số liệu thay đổi và {len(diff.statuses)} chỉ tiêu đổi đánh giá.</p>",
        '<p class="hb-changes__legend">Cách đọc: chữ <ins>gạch dưới</ins> là phần mới thêm, chữ <del>gạch ngang</del> '
        "là phần đã bỏ; dấu … là đoạn không đổi được lược bớt.</p>",
    ]
    if diff.empty:
        parts.append("<p>Không có thay đổi nào người đọc thấy được.</p>")
    if diff.sections:
        parts.append("## Lời văn { #loi-van }")
        for change in diff.sections:
            s = change.section
            where = _e(f"{s.page_title} › {s.title}" if s.title and s.title != s.page_title else s.page_title)
            if change.new is not None:
                where = f'<a href="{_e(link(s.page, s.id))}">{where}</a>'
            state = " (mục mới)" if change.old is None else " (mục đã bỏ)" if change.new is None else ""
            text = _words_html(change.excerpt(CONTEXT_WORDS, LONGEST_RUN))
            parts.append(f'<div class="hb-change" data-search-exclude><p class="hb-change__where">{where}{state} '
                         f'<span class="hb-change__count">thêm {change.added} từ, bỏ {change.removed} từ</span></p>'
                         f'<p class="hb-change__text">{text}</p></div>')
    if diff.headings:
        labels = {"added": "Thêm", "removed": "Bỏ", "renamed": "Đổi tên", "moved": "Chuyển chỗ"}
        rows = []
        for h in diff.headings:
            was = _e(f"{h.old.page_title} › {h.old.title}") if h.old else "—"
            now = _e(f"{h.new.page_title} › {h.new.title}") if h.new else "—"
            rows.append((labels[h.kind], f"<del>{was}</del>" if h.old and h.kind != "moved" else was,
                         f"<ins>{now}</ins>" if h.new and h.kind != "moved" else now))
        parts += ["## Đề mục { #de-muc }", _table(("Thay đổi", "Dự thảo trước", "Dự thảo này"), rows, "Đề mục thay đổi")]
    if diff.figures or diff.added_indicators or diff.removed_indicators:
        parts.append("## Số liệu { #so-lieu }")
    if diff.figures:
        rows = [(_e(f.name), _e(f.year) if f.year is not None else "chỉ tiêu",
                 f"<del>{_e(f.old)}</del>", f"<ins>{_e(f.new)}</ins>") for f in diff.figures]
        parts.append(_table(("Chỉ số", "Năm", "Dự thảo trước", "Dự thảo này"), rows, "Số liệu thay đổi"))
    if diff.added_indicators or diff.removed_indicators:
        items = [f"<li>Thêm chỉ số: <ins>{_e(i.name)}</ins></li>" for i in diff.added_indicators]
        items += [f"<li>Bỏ chỉ số: <del>{_e(i.name)}</del></li>" for i in diff.removed_indicators]
        parts.append(f'<ul class="hb-changes__indicators" data-search-exclude>{"".join(items)}</ul>')
    if diff.statuses:
        rows = [(_e(s.name), f"<del>{_e(s.old_symbol)} {_e(s.old)}</del>",
                 f"<ins>{_e(s.new_symbol)} {_e(s.new)}</ins>") for s in diff.statuses]
        parts += ["## Chỉ tiêu đổi đánh giá { #danh-gia }",
                  "<p>Đánh giá được tính từ số liệu của mỗi dự thảo theo cùng một phương pháp.</p>",
                  _table(("Chỉ tiêu", "Dự thảo trước", "Dự thảo này"), rows, "Chỉ tiêu đổi đánh giá")]
    if getattr(diff, "answered", None):
        from .comments import DISPOSITION_LABELS

        rows = [(f"<code>{_e(c.id)}</code>", _e(c.text), _e(DISPOSITION_LABELS.get(c.disposition, c.disposition)))
                for c in diff.answered]
        parts += ["## Ý kiến góp ý được trả lời { #y-kien-tra-loi }",
                  _table(("Ý kiến", "Nội dung góp ý", "Xử lý"), rows, "Ý kiến góp ý được trả lời trong dự thảo này")]
    return "\n\n" + "\n\n".join(parts) + "\n\n"


def draft_changes(previous: str | None, handbook_file: str, link: Callable[[str, str], str]) -> str:
    """What ``{{ draft_changes() }}`` becomes; MacroError for an editor's mistake."""
    if not previous:
        return ('<p class="hb-changes__pending">Đây là dự thảo đầu tiên: chưa có dự thảo trước để so sánh '
                f"(ghi bản lưu của dự thảo trước ở mục <code>previous:</code> trong <code>{_e(handbook_file)}</code>).</p>")
    if _comparer is None:
        return ('<p class="hb-changes__pending">Trang này được lập khi dựng site: so sánh với dự thảo '
                f"<code>{_e(previous)}</code>.</p>")
    try:
        diff = _comparer(previous)
    except HandbookError as exc:
        shown = "; ".join(str(p) for p in exc.problems[:5]) + (" …" if len(exc.problems) > 5 else "")
        raise MacroError("draft_changes()", f"cannot compare with previous: {previous}: {shown}",
                         f"fix `previous:` in {handbook_file}, or the data of that revision") from None
    if diff is None:
        return ('<p class="hb-changes__pending">Không có lịch sử bản lưu (git) để so sánh với dự thảo '
                f"<code>{_e(previous)}</code>: bản này được dựng từ một thư mục không có lịch sử.</p>")
    return render_changes(diff, link)
