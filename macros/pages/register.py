"""The comments register as HTML (báo cáo tổng hợp, tiếp thu, giải trình ý kiến), and each section's count.

``comments_totals()`` is part I (comments by source and disposition); ``comments_register()`` part II, the
table in the layout such reports use: STT | Nội dung dự thảo | Nội dung góp ý | Đơn vị / người góp ý |
Ý kiến tiếp thu, giải trình, grouped by section, duplicates (same ``issue``) in one row. Every value is
escaped text (:mod:`macros.pages.html`). :func:`add_section_counts` puts a small linked count under each
heading that has comments, so a reader of the section finds what was said about it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.errors import suggest
from ..core.fmt import format_date
from ..core.model import Comment
from . import html as h
from .comments import DISPOSITION_LABELS, SOURCE_LABELS, Group, Row, group_anchor, register, selected, totals
from .sections import SectionIndex, Slugger, heading_lines

if TYPE_CHECKING:
    from .api import Macros

_COLUMNS = ("STT", "Nội dung dự thảo", "Nội dung góp ý", "Đơn vị / người góp ý", "Ý kiến tiếp thu, giải trình")


def _round(m: Macros, round_id: object) -> str | None:
    if round_id is None:
        return None
    if not isinstance(round_id, str) or round_id not in m.ds.rounds:
        raise m._fail(f'no round "{round_id}"', suggest(str(round_id), m.ds.rounds))
    return round_id


def _index(m: Macros) -> SectionIndex:
    return m.sections if m.sections is not None else SectionIndex()


def totals_html(m: Macros, round_id: object = None) -> str:
    comments = selected(m.ds, _round(m, round_id))
    table = totals(comments)
    headers = ["Nguồn ý kiến", *DISPOSITION_LABELS.values(), "Tổng số"]
    rows = []
    for source, label in SOURCE_LABELS.items():
        if source in table:
            counts = table[source]
            rows.append(({}, [h.text(label), *(str(counts[d]) for d in DISPOSITION_LABELS), str(sum(counts.values()))]))
    overall = table["*"]
    rows.append(({"class": "hb-reg__total"}, [h.tag("strong", "Tổng cộng"),
                                              *(h.tag("strong", str(overall[d])) for d in DISPOSITION_LABELS),
                                              h.tag("strong", str(sum(overall.values())))]))
    caption = "Tổng hợp ý kiến theo nguồn và kết quả tiếp thu, giải trình"
    # hb-stack: six columns do not fit a phone; each source reads as one line of counts there, nothing to scroll.
    return h.table(headers, rows, caption=caption, class_="hb-table hb-reg-totals hb-stack", searchable=False)


def _section_cell(m: Macros, group: Group, row: Row) -> str:
    index = _index(m)
    s = group.section
    if s is None:
        parts = [h.text(group.ref)]
    else:
        page = index.first_of_page.get(s.page)
        title = h.text(s.title) if page is None or page is s else h.text(page.title) + " › " + h.text(s.title)
        parts = [h.tag("a", title, href=m._link(s.page, s.anchor), class_="hb-reg__section")]
    quotes = list(dict.fromkeys(c.quote for c in row.comments if c.quote))
    parts += [h.tag("q", h.text(q), class_="hb-reg__quote") for q in quotes]
    return "<br>".join(parts)


def _list(items: list[str]) -> str:
    items = list(dict.fromkeys(items))
    if len(items) == 1:
        return items[0]
    return h.tag("ul", "".join(h.tag("li", i) for i in items), class_="hb-reg__list")


def _who(m: Macros, c: Comment) -> str:
    text = h.tag("strong", h.text(c.from_name)) + " " + h.tag("span", h.text(f"({SOURCE_LABELS[c.from_type]}, "
                                                                            f"{format_date(c.date)})"),
                                                              class_="hb-reg__meta")
    rnd = m.ds.rounds.get(c.round)
    source = m.ds.sources.get(c.source or (rnd.source if rnd else None) or "")
    if source is not None:
        cite = h.tag("a", h.text(f"{source.publisher}, {format_date(source.date)}"),
                     href=m._link(m.ds.handbook.documents_page, f"src-{source.id}"), title=source.title)
        text += "<br>" + h.tag("span", "Nguồn: " + cite, class_="hb-reg__meta")
    return text


def _answer(c: Comment) -> str:
    badge = h.tag("span", h.text(DISPOSITION_LABELS[c.disposition]), class_=f"hb-disp hb-disp--{c.disposition}")
    parts = [badge]
    if c.response:
        parts.append(h.text(c.response))
    decided = ", ".join(x for x in (c.decided_by, format_date(c.decided_on) if c.decided_on else None) if x)
    if decided:
        parts.append(h.tag("span", h.text(f"({decided})"), class_="hb-reg__meta"))
    return " ".join(parts)


def _row(m: Macros, number: int, group: Group, row: Row) -> tuple[dict, list[str]]:
    first, rest = row.comments[0], row.comments[1:]
    marks = "".join(h.tag("span", "", id=f"gy-c-{c.id}") for c in rest)
    texts = [h.text(c.text) for c in row.comments]
    if len(row.comments) > 1:
        texts.append(h.tag("span", h.text(f"({len(row.comments)} ý kiến cùng nội dung)"), class_="hb-reg__meta"))
    cells = [str(number) + marks, _section_cell(m, group, row), _list(texts),
             _list([_who(m, c) for c in row.comments]), _list([_answer(c) for c in row.comments])]
    return {"id": f"gy-c-{first.id}"}, cells


def register_html(m: Macros, round_id: object = None) -> str:
    comments = selected(m.ds, _round(m, round_id))
    if not comments:
        return h.tag("p", "Chưa có ý kiến góp ý nào.", class_="hb-reg__empty")
    head = "".join(f'<th scope="col">{h.text(c)}</th>' for c in _COLUMNS)
    body = []
    number = 0
    for group in register(comments, _index(m)):
        title = group.section.title if group.section else group.ref
        count = h.tag("span", h.text(f"({group.count} ý kiến)"), class_="hb-reg__meta")
        body.append(f'<tr class="hb-reg__group" id="{group_anchor(group.ref)}"><th scope="colgroup" colspan="5">'
                    f"{h.text(title)} {count}</th></tr>")
        for row in group.rows:
            number += 1
            attrs, cells = _row(m, number, group, row)
            body.append(h.tag("tr", "\n".join(f"<td{h.attrs(data_label=label)}>{c}</td>"
                                               for label, c in zip(_COLUMNS, cells, strict=True)), **attrs))
    caption = "Tổng hợp, tiếp thu, giải trình ý kiến góp ý vào dự thảo"
    # Out of the search index like the data tables: at 1,000 comments the register alone would add a large entry
    # every reader downloads; readers reach comments from each section's count.
    return (f'<div class="hb-table-wrap hb-table hb-register" tabindex="0" role="region"{h.attrs(aria_label=caption)}'
            " data-search-exclude>"
            f"<table><caption>{h.text(caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{chr(10).join(body)}</tbody></table></div>")


def shows_every_heading(page_text: str) -> bool:
    """Whether a page calls the comments register, which shows every section's title: its rendering depends on
    the headings of every page (:meth:`SectionIndex.headings_key`), not only on its own text and the data."""
    return "comments_register(" in page_text


def add_section_counts(text: str, page_src: str, counts: dict[str, int], comments_page: str | None,
                       use_directory_urls: bool = True) -> str:
    """The page's Markdown with a discreet "N ý kiến góp ý" link under each heading that has comments."""
    from .urls import relative_url

    if not comments_page or page_src == comments_page or not any(r.startswith(page_src + "#") for r in counts):
        return text
    headings = heading_lines(text)
    ids = Slugger().ids([line for _, _, line in headings])
    if ids is None:
        return text
    lines = text.split("\n")
    for (number, _, _), (anchor, _) in reversed(list(zip(headings, ids, strict=True))):
        ref = f"{page_src}#{anchor}"
        if ref in counts:
            href = relative_url(page_src, comments_page, group_anchor(ref), use_directory_urls)
            link = h.tag("a", h.text(f"{counts[ref]} ý kiến góp ý"), href=href,
                         title="Xem các ý kiến góp ý vào mục này và kết quả tiếp thu, giải trình")
            lines[number - 1] += f'\n\n<p class="hb-comment-count" data-search-exclude>{link}</p>\n'
    return "\n".join(lines)
