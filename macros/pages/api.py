"""The macros editors call in pages, as plain Python bound to a dataset and a page.

Nothing here knows about MkDocs or Jinja: a macro takes arguments, checks them against the data, and
returns safe HTML (every data value escaped). A bad argument raises :class:`~macros.core.errors.MacroError`
naming the call; the page renderer adds the page and line. Any front end (mkdocs-macros today, another
tomorrow) registers :meth:`Macros.functions` under these names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..core.errors import MacroError, suggest
from ..core.fmt import attach_unit, format_date, format_number, format_value
from ..core.model import Dataset, Document, Indicator
from ..core.status import STATUS_LABELS, STATUS_SYMBOLS, Assessment, assess
from . import html as h
from .calls import call_text, macro
from .charts import line_chart, sparkline
from .tables import ILLUSTRATIVE, ILLUSTRATIVE_MARK, ILLUSTRATIVE_NOTE, TableMacros
from .urls import page_url, relative_url  # noqa: F401 — where callers have long found them

_MARK_CLASS = 'class="hb-illus"'
MACRO_NAMES = ("fig", "target", "status", "ratio", "diff", "share", "change", "doc", "items", "key_figures",
               "targets_table", "targets_list", "indicators_table", "documents_table", "abbreviations",
               "sources_list", "status_method", "meta", "chart", "charts", "dashboard", "comments_totals",
               "comments_register", "draft_changes")


def cited(doc: Document, text: str) -> str:
    """Escaped citation text whose document number ("57-NQ/TW") is kept on one line."""
    shown = h.text(text)
    if not doc.number:
        return shown
    number = h.text(doc.number)
    return shown.replace(number, h.tag("span", number, class_="hb-docno"), 1)


def illustrative_notice(text: str) -> str:
    """A rendered page with, under its title, the one notice explaining the mark its illustrative figures carry.

    Said once per page rather than after every figure (a page of tables said "minh họa" 83 times); the mark
    itself stays on every figure, on screen and in print.
    """
    if _MARK_CLASS not in text:
        return text
    notice = (f'<p class="hb-illus-notice" role="note"><span class="hb-illus-notice__mark" aria-hidden="true">'
              f'{h.text(ILLUSTRATIVE_MARK)}</span> Số có dấu {h.text(ILLUSTRATIVE_MARK)} là số liệu {ILLUSTRATIVE}, '
              "chưa phải số liệu thống kê chính thức.</p>")
    lines = text.split("\n")
    at = next((i + 1 for i, line in enumerate(lines) if line.startswith("# ")), 0)
    return "\n".join(lines[:at] + ["", notice, ""] + lines[at:])


class Macros(TableMacros):
    """The macros for one page: figures, computed figures, statuses, citations, tables."""

    def __init__(self, dataset: Dataset, page_src: str = "index.md", use_directory_urls: bool = True,
                 sections: Any = None):
        self.ds = dataset
        self.sections = sections  # the handbook's SectionIndex (macros.pages.sections), for the comments register
        self.page_src = page_src
        self.use_directory_urls = use_directory_urls
        self._call: tuple[str, tuple, dict] = ("", (), {})
        self._assessments: dict[str, Assessment] = {}
        self._figures = 0  # numbers each figure's source popover, unique on the page
        self._cited: dict[str, int] = {}  # source id → its number on this page, in the order figures cite them

    # -- lookup helpers -------------------------------------------------------------------------
    def _fail(self, message: str, hint: str = "") -> MacroError:
        return MacroError(call_text(*self._call) if self._call[0] else "", message, hint)

    def _indicator(self, ind_id: Any) -> Indicator:
        if not isinstance(ind_id, str):
            raise self._fail(f"indicator id must be text, got {ind_id!r}", 'write it in quotes: fig("grdp-growth")')
        ind = self.ds.indicators.get(ind_id)
        if ind is None:
            raise self._fail(f'no indicator "{ind_id}"', suggest(ind_id, self.ds.indicators))
        return ind

    def _year(self, ind: Indicator, year: Any) -> int:
        if year is None:
            return ind.latest_year
        if isinstance(year, str) and year.isdigit():
            year = int(year)
        if isinstance(year, float) and year.is_integer():
            year = int(year)
        if not isinstance(year, int) or isinstance(year, bool):
            raise self._fail(f"year must be a whole number like 2024, got {year!r}", "write fig(\"id\", 2024)")
        if year not in ind.values:
            raise self._fail(f'"{ind.id}" has no value for {year}',
                             "years with values: " + ", ".join(map(str, ind.years)))
        return year

    def _number(self, ind: Indicator, year: int) -> float:
        value = ind.values[year]
        if isinstance(value, tuple):
            raise self._fail(f'"{ind.id}" is a range in {year}; it cannot be computed with', "use fig() to show it")
        return value

    def _decimals(self, decimals: Any, default: int) -> int:
        if decimals is None:
            return default
        if not isinstance(decimals, int) or isinstance(decimals, bool) or not 0 <= decimals <= 4:
            raise self._fail(f"decimals must be a whole number from 0 to 4, got {decimals!r}")
        return decimals

    def _link(self, page: str, anchor: str) -> str:
        return relative_url(self.page_src, page, anchor, self.use_directory_urls)

    def source_text(self, source_id: str | None) -> str:
        src = self.ds.sources.get(source_id or "")
        if src is None:
            return ILLUSTRATIVE_NOTE
        return f"Nguồn: {src.publisher}, «{src.title}», {format_date(src.date)}"

    def assessment(self, ind: Indicator) -> Assessment:
        if ind.id not in self._assessments:
            hb = self.ds.handbook
            self._assessments[ind.id] = assess(ind, hb.on_track_ratio, hb.min_points)
        return self._assessments[ind.id]

    def _source_mark(self, source_ids: list[str | None]) -> tuple[str, str | None]:
        """The visible mark of a figure's sources ("¹", "¹,²"), numbered once per page, and the ids of their
        entries in the page's list of sources (:meth:`sources_note`); ("", None) when none is cited.

        Real text, not a CSS decoration: it is copied, found and read out with the figure. Inside the button,
        so tapping the mark opens the source as tapping the number does; after a narrow no-break space, so a
        copied figure never reads as one longer number ("1.234 1", not "1.2341") and never wraps from it.
        """
        numbers = [self._cited.setdefault(sid, len(self._cited) + 1) for sid in dict.fromkeys(source_ids)
                   if sid is not None and sid in self.ds.sources]
        if not numbers:
            return "", None
        mark = h.tag("sup", "\u202f" + ",".join(map(str, numbers)), class_="hb-fig__src")
        return mark, " ".join(f"hb-nguon-{n}" for n in numbers)

    def sources_note(self) -> str:
        """The page's sources, each once, by the number its figures carry: "Nguồn: ¹ Tổng cục Thống kê, 06/01/2025".

        Publisher and date, as a cadre cites them; each links to the full entry (title, address) on the
        documents page. Empty when no figure on the page cites a source (illustrative figures carry "*").
        """
        if not self._cited:
            return ""
        entries = []
        for sid, n in self._cited.items():
            src = self.ds.sources[sid]
            link = h.tag("a", h.text(f"{src.publisher}, {format_date(src.date)}"),
                         href=self._link(self.ds.handbook.documents_page, f"src-{src.id}"))
            entries.append(h.tag("span", h.tag("sup", str(n)) + "\u202f" + link, id=f"hb-nguon-{n}",
                                 class_="hb-page-sources__item"))
        return h.tag("p", "Nguồn: " + "; ".join(entries) + ".", class_="hb-page-sources", role="note")

    def _figure(self, shown: str, tooltip: str, anchor: str, illustrative: bool, extra_class: str = "",
                sources: list[str | None] | None = None, flag: str | None = None) -> str:
        """A figure as the reader sees it: tapping it (or Enter) opens its source and period in place, with a
        link to its row; phones have no hover, and a jump to a table row 16,000 px away loses the reader.

        A native popover (no script: the intranet's CSP allows none inline). The figure's source mark (a
        number per page, :meth:`_source_mark`) is on screen and on paper; the page's list says what it stands for.
        A value the statistics office flags ("ước tính", "sơ bộ") says so beside it, as the illustrative mark
        does: a cadre quoting the figure must see that it is not final.
        """
        self._figures += 1
        pop_id = f"hb-src-{self._figures}"
        classes = "hb-fig" + (" hb-fig--illustrative" if illustrative else "") + extra_class
        mark, described = self._source_mark(sources or [])
        value = h.tag("button", h.text(shown) + mark, type="button", class_="hb-fig__value", popovertarget=pop_id,
                      title=tooltip, aria_describedby=described)
        row = h.tag("a", "Xem số liệu theo năm", href=self._link(self.ds.handbook.indicators_page, anchor))
        pop = h.tag("span", h.text(tooltip) + " " + row, id=pop_id, popover="", class_="hb-src", role="note",
                    data_search_exclude="")
        note = (" " + self._flag_mark(flag) if flag else "") + (self._illustrative_mark() if illustrative else "")
        return h.tag("span", value + note + pop, class_=classes, data_source=tooltip)

    @staticmethod
    def _flag_mark(flag: str) -> str:
        return h.tag("span", h.text(flag), class_="hb-flag")

    @staticmethod
    def origin_text(ind: Indicator, years: list[int] | None = None) -> str:
        """Where imported values came from: "Nhập ngày 02/12/2026 từ so-lieu.xlsx, trang GRDP: ô F5 (2024)"."""
        groups: dict[tuple[str, str, str], list[str]] = {}
        for year in sorted(ind.origins if years is None else [y for y in years if y in ind.origins]):
            o = ind.origins[year]
            groups.setdefault((format_date(o.date), o.workbook, o.sheet), []).append(f"{o.cell} ({year})")
        return "; ".join(f"Nhập ngày {date} từ {book}, trang {sheet}: ô {', '.join(cells)}"
                         for (date, book, sheet), cells in groups.items())

    @staticmethod
    def _illustrative_mark() -> str:
        """The compact visible mark of an illustrative figure; assistive technology reads "minh họa"."""
        # Escaped: a bare "*" would pair with the next one in the paragraph and turn the text between into italics.
        return h.tag("span", h.text(ILLUSTRATIVE_MARK), class_="hb-illus", role="img", aria_label=ILLUSTRATIVE,
                     title=ILLUSTRATIVE_NOTE)

    # -- figures --------------------------------------------------------------------------------
    @macro
    def fig(self, id: str, year: int | None = None, unit: bool = True, decimals: int | None = None) -> str:
        ind = self._indicator(id)
        y = self._year(ind, year)
        shown = format_value(ind.values[y], ind.unit, self._decimals(decimals, ind.decimals), with_unit=bool(unit))
        flag = ind.flags.get(y)
        tooltip = f"{ind.name}, năm {y}{f' ({flag})' if flag else ''} — {self.source_text(ind.source)}"
        if y in ind.origins:
            tooltip += f" — {self.origin_text(ind, [y])}"
        return self._figure(shown, tooltip, f"ind-{ind.id}", ind.illustrative, sources=[ind.source], flag=flag)

    @macro
    def target(self, id: str, full: bool = False) -> str:
        ind = self._indicator(id)
        t = ind.target
        if t is None:
            raise self._fail(f'"{ind.id}" has no target', "add `target:` to the indicator, or use fig()")
        sign = "≥ " if t.direction == "at_least" else "≤ "
        shown = format_value(t.value, ind.unit, ind.decimals)
        if full:
            shown = f"{sign}{shown} (năm {t.year})"
        source = self.source_text(t.source or ind.source)
        illustrative = t.source is None and ind.illustrative
        tooltip = f"Mục tiêu {ind.name} năm {t.year}: {sign}{format_value(t.value, ind.unit, ind.decimals)} — {source}"
        return self._figure(shown, tooltip, f"tgt-{ind.id}", illustrative, sources=[t.source or ind.source])

    @macro
    def status(self, id: str) -> str:
        ind = self._indicator(id)
        if ind.target is None:
            raise self._fail(f'"{ind.id}" has no target, so no status', "add `target:` to the indicator")
        return self._badge(self.assessment(ind), f"tgt-{ind.id}")

    def _badge(self, a: Assessment, anchor: str | None = None) -> str:
        content = h.tag("span", STATUS_SYMBOLS[a.status], class_="hb-badge__icon", aria_hidden="true") + h.text(
            STATUS_LABELS[a.status])
        badge = h.tag("span", content, class_=f"hb-badge hb-badge--{a.status.value}", title=a.reason)
        if anchor:
            return h.tag("a", badge, href=self._link(self.ds.handbook.indicators_page, anchor), class_="hb-badge-link")
        return badge

    def _pair(self, a: str, b: str | None, year: Any) -> tuple[Indicator, Indicator, int]:
        """Two indicators and the year to compare them in; ``b`` defaults to ``a``'s comparison series."""
        ia = self._indicator(a)
        if b is None:
            if ia.compare is None:
                raise self._fail(f'"{a}" has no comparison series', f"name the second indicator, or add `compare:` to \"{a}\"")
            b = ia.compare
        ib = self._indicator(b)
        if year is None:
            common = sorted(set(ia.values) & set(ib.values))
            if not common:
                raise self._fail(f'"{a}" and "{b}" have no year in common', "give the year, or add values")
            return ia, ib, common[-1]
        y = self._year(ia, year)
        self._year(ib, year)
        return ia, ib, y

    def _computed(self, shown: str, what: str, inputs: list[Indicator], anchor_ind: Indicator) -> str:
        sources = "; ".join(dict.fromkeys(self.source_text(i.source) for i in inputs))
        illustrative = any(i.illustrative for i in inputs)
        return self._figure(shown, f"{what} — {sources}", f"ind-{anchor_ind.id}", illustrative, " hb-fig--computed",
                            sources=[i.source for i in inputs])

    @macro
    def ratio(self, a: str, b: str | None = None, year: int | None = None, decimals: int = 1) -> str:
        ia, ib, y = self._pair(a, b, year)
        va, vb = self._number(ia, y), self._number(ib, y)
        if vb == 0:
            raise self._fail(f'"{b}" is zero in {y}; the ratio is undefined')
        shown = attach_unit(format_number(va / vb, self._decimals(decimals, 1)), "lần")
        return self._computed(shown, f"Tính: {ia.name} ÷ {ib.name}, năm {y}", [ia, ib], ia)

    @macro
    def diff(self, a: str, b: str | None = None, year: int | None = None, decimals: int | None = None) -> str:
        ia, ib, y = self._pair(a, b, year)
        if ia.unit != ib.unit:
            raise self._fail(f'units differ ("{ia.unit}" and "{ib.unit}")', "subtract figures of the same unit")
        unit = "điểm %" if ia.unit == "%" else ia.unit
        value = self._number(ia, y) - self._number(ib, y)
        shown = format_value(value, unit, self._decimals(decimals, ia.decimals), signed=True)
        return self._computed(shown, f"Tính: {ia.name} − {ib.name}, năm {y}", [ia, ib], ia)

    @macro
    def share(self, part: str, whole: str, year: int | None = None, decimals: int = 1) -> str:
        ip, iw, y = self._pair(part, whole, year)
        if ip.unit != iw.unit:
            raise self._fail(f'units differ ("{ip.unit}" and "{iw.unit}")', "a share needs figures of the same unit")
        vw = self._number(iw, y)
        if vw == 0:
            raise self._fail(f'"{whole}" is zero in {y}; the share is undefined')
        shown = format_value(self._number(ip, y) / vw * 100, "%", self._decimals(decimals, 1))
        return self._computed(shown, f"Tính: {ip.name} ÷ {iw.name} × 100, năm {y}", [ip, iw], ip)

    @macro
    def change(self, id: str, start: int, end: int | None = None, decimals: int | None = None) -> str:
        ind = self._indicator(id)
        y0, y1 = self._year(ind, start), self._year(ind, end)
        v0, v1 = self._number(ind, y0), self._number(ind, y1)
        if ind.unit == "%":
            shown = format_value(v1 - v0, "điểm %", self._decimals(decimals, ind.decimals), signed=True)
            what = f"Tính: {ind.name} năm {y1} − năm {y0}"
        else:
            if v0 == 0:
                raise self._fail(f'"{id}" is zero in {y0}; a percentage change is undefined')
            shown = format_value((v1 / v0 - 1) * 100, "%", self._decimals(decimals, 1), signed=True)
            what = f"Tính: ({ind.name} năm {y1} ÷ năm {y0} − 1) × 100"
        return self._computed(shown, what, [ind], ind)

    # -- documents, lists, metadata ---------------------------------------------------------------
    def _document(self, doc_id: Any) -> Document:
        doc = self.ds.documents.get(doc_id) if isinstance(doc_id, str) else None
        if doc is None:
            raise self._fail(f'no document "{doc_id}"', suggest(str(doc_id), self.ds.documents))
        return doc

    @staticmethod
    def citation(doc: Document, short: bool = False) -> str:
        # A document whose number is not known is cited by its title, never by an invented number.
        if not doc.number:
            return f"{doc.type} {doc.title}"
        text = f"{doc.type} số {doc.number}"
        if short:
            return text
        if doc.date:
            word = "ngày" if doc.date.day else ("tháng" if doc.date.month else "năm")
            text += f" {word} {format_date(doc.date)}"
        return f"{text} của {doc.issuer}"

    @macro
    def doc(self, id: str, short: bool = False) -> str:
        d = self._document(id)
        link = self._link(self.ds.handbook.documents_page, f"doc-{d.id}")
        return h.tag("a", cited(d, self.citation(d, bool(short))), href=link, title=d.title, class_="hb-doc")

    @macro
    def items(self, id: str) -> str:
        lst = self.ds.lists.get(id) if isinstance(id, str) else None
        if lst is None:
            raise self._fail(f'no list "{id}"', suggest(str(id), self.ds.lists))
        entries = []
        for item in lst.items:
            body = h.tag("strong", h.text(item.title))
            if item.detail:
                body += ": " + h.text(item.detail)
            refs = [self._doc_link(self.ds.documents[d]) for d in item.documents]
            if refs:
                body += " (" + ", ".join(refs) + ")"
            entries.append(h.tag("li", body))
        tag_name = "ol" if lst.ordered else "ul"
        intro = h.tag("p", h.text(lst.intro)) if lst.intro else ""
        return intro + h.tag(tag_name, "".join(entries), class_="hb-list", id=f"list-{lst.id}")

    def _doc_link(self, d: Document) -> str:
        return h.tag("a", cited(d, self.citation(d, True)), href=self._link(self.ds.handbook.documents_page,
                                                                            f"doc-{d.id}"), class_="hb-doc")

    @macro
    def meta(self, key: str) -> str:
        hb = self.ds.handbook
        fields = {"title": hb.title, "short_title": hb.short_title or hb.title, "organisation": hb.organisation,
                  "congress": hb.congress or "", "status": hb.status, "circulation": hb.circulation,
                  "version": hb.version, "date": format_date(hb.date)}
        if not isinstance(key, str) or key not in fields:
            raise self._fail(f'no handbook field "{key}"', suggest(str(key), fields))
        return h.text(fields[key])

    # -- charts -----------------------------------------------------------------------------------
    def _chart(self, ind: Indicator) -> str:
        """A chart in its own frame: title and status above it (so no reader takes the next chart's badge for
        this one's), its source under it. Its numbers are in the SVG's description and, once, in the indicator
        table: a second table beside every chart said each series three times."""
        a = self.assessment(ind) if ind.target else None
        head = h.tag("span", h.text(ind.name) + (self._illustrative_mark() if ind.illustrative else ""),
                     class_="hb-chart__title")
        if a is not None:
            head += " " + self._badge(a, f"tgt-{ind.id}")
        caption = h.tag("figcaption", head, class_="hb-chart__head")
        source = "" if ind.illustrative else h.tag("p", h.text(self.source_text(ind.source)), class_="hb-chart__source")
        return h.tag("figure", caption + line_chart(ind, a) + source, class_="hb-chart", id=f"chart-{ind.id}")

    @staticmethod
    def _has_history(ind: Indicator) -> bool:
        return len(ind.values) >= 2

    @macro
    def chart(self, id: str) -> str:
        ind = self._indicator(id)
        if not self._has_history(ind):
            raise self._fail(f'"{ind.id}" has {len(ind.values)} value(s); a chart needs at least two years',
                             "use fig() for a single figure")
        return self._chart(ind)

    @macro
    def charts(self) -> str:
        """A chart for every target with a history (two years or more), in data order."""
        out = [self._chart(ind) for ind in self.ds.indicators.values() if ind.target and self._has_history(ind)]
        if not out:
            return self._empty("chỉ tiêu nào có mục tiêu và số liệu từ hai năm trở lên")
        return h.tag("div", "\n".join(out), class_="hb-charts")

    @macro
    def dashboard(self) -> str:
        """Key figures as cards with a sparkline each; every number of a sparkline is in its text alternative
        and in the indicator table, so the home page says each key figure once."""
        if not self.ds.indicators:  # a new handbook (`python -m macros new`): the page waits for its data
            return self._empty("chỉ tiêu nào")
        cards = []
        for ind in self.ds.indicators.values():
            if not ind.key:
                continue
            a = self.assessment(ind) if ind.target else None
            body = [h.tag("span", h.text(ind.name), class_="hb-card__name"),
                    h.tag("span", self.fig.__wrapped__(self, ind.id), class_="hb-card__value"),
                    h.tag("span", f"năm {ind.latest_year}", class_="hb-card__year")]
            if a is not None:
                body.append(self._badge(a, f"tgt-{ind.id}"))
            if self._has_history(ind):
                body.append(sparkline(ind, a))
            cards.append(h.tag("li", "\n".join(body), class_="hb-card"))
        if not cards:
            raise self._fail("no indicator is marked `key: true`", "mark the key figures in data/indicators")
        return h.tag("div", h.tag("ul", "\n".join(cards), class_="hb-cards"), class_="hb-dashboard")

    # -- the comments register (macros/pages/register.py) and the changes page (macros/pages/changes.py) ----------
    @macro
    def comments_totals(self, round: str | None = None) -> str:
        """Part I of the register: comments by source and by what became of them."""
        from .register import totals_html

        return totals_html(self, round)

    @macro
    def comments_register(self, round: str | None = None) -> str:
        """Part II of the register: every comment by section, in the familiar five columns."""
        from .register import register_html

        return register_html(self, round)

    @macro
    def draft_changes(self) -> str:
        """What changed since the draft named by ``previous:`` in data/handbook.yaml."""
        from .changes import draft_changes

        hb = self.ds.handbook
        return draft_changes(hb.previous, hb.origin.file, self._link)

    # -- registration ---------------------------------------------------------------------------
    def functions(self) -> dict[str, Callable[..., str]]:
        """The macros by the names pages use."""
        return {name: getattr(self, name) for name in MACRO_NAMES}
