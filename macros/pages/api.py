"""The macros editors call in pages, as plain Python bound to a dataset and a page.

Nothing here knows about MkDocs or Jinja: a macro takes arguments, checks them against the data, and
returns safe HTML (every data value escaped). A bad argument raises :class:`~macros.core.errors.MacroError`
naming the call; the page renderer adds the page and line. Any front end (mkdocs-macros today, another
tomorrow) registers :meth:`Macros.functions` under these names.
"""

from __future__ import annotations

import inspect
import json
import posixpath
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any

from ..core.collate import vi_sorted
from ..core.errors import MacroError, suggest
from ..core.fmt import attach_unit, format_date, format_number, format_ratio, format_value
from ..core.model import Dataset, Document, Indicator, Source
from ..core.status import STATUS_LABELS, STATUS_SYMBOLS, Assessment, Status, assess
from . import html as h
from .charts import line_chart, sparkline

ILLUSTRATIVE = "minh hoạ"
ILLUSTRATIVE_NOTE = "Số liệu minh hoạ, không phải số liệu chính thức"
MACRO_NAMES = ("fig", "target", "status", "ratio", "diff", "share", "change", "doc", "items", "key_figures",
               "targets_table", "indicators_table", "documents_table", "abbreviations", "sources_list",
               "status_method", "meta", "chart", "charts", "dashboard")


def page_url(src_path: str, use_directory_urls: bool = True) -> str:
    """The URL of a page built from ``src_path``, as MkDocs lays it out (``a/b.md`` → ``a/b/``)."""
    src_path = src_path.replace("\\", "/")
    stem = src_path[:-3] if src_path.endswith(".md") else src_path
    if not use_directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return stem[:-5]
    return stem + "/"


def relative_url(from_src: str, to_src: str, anchor: str = "", use_directory_urls: bool = True) -> str:
    """Link from one page to another (and an anchor), relative so the site works under any prefix."""
    rel = _relative_page(from_src, to_src, use_directory_urls)
    return f"{rel}#{anchor}" if anchor else (rel or "./")


@lru_cache(maxsize=1 << 14)  # pure, and called for every figure of every page with few distinct pairs
def _relative_page(from_src: str, to_src: str, use_directory_urls: bool) -> str:
    here = page_url(from_src, use_directory_urls)
    there = page_url(to_src, use_directory_urls)
    base = here if (here == "" or here.endswith("/")) else posixpath.dirname(here)
    rel = posixpath.relpath(there or ".", base.rstrip("/") or ".")
    if here == there:
        rel = ""
    elif there == "" or there.endswith("/"):
        rel += "/"
    return rel


def _call_text(name: str, args: tuple, kwargs: dict) -> str:
    shown = [json.dumps(a, ensure_ascii=False) for a in args]
    shown += [f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(shown)})"


def _macro(fn: Callable[..., str]) -> Callable[..., str]:
    """Give a macro argument checking with editor-facing errors instead of Python's TypeError."""
    signature = inspect.signature(fn)

    @wraps(fn)
    def wrapper(self: Macros, *args: Any, **kwargs: Any) -> str:
        self._call = (fn.__name__, args, kwargs)  # shown (_call_text) only when the call fails
        try:
            return fn(self, *args, **kwargs)
        except TypeError:
            # Python checks the arguments before the body runs: only a call that does not bind is the
            # editor's mistake; a TypeError from inside the macro is a bug, raised as it is.
            try:
                signature.bind(self, *args, **kwargs)
            except TypeError as exc:
                params = [p for p in signature.parameters if p != "self"]
                raise MacroError(_call_text(fn.__name__, args, kwargs), f"wrong arguments ({exc})",
                                 f"{fn.__name__} takes: {', '.join(params) or 'nothing'}") from None
            raise

    return wrapper


# A target's search entry: its name (the title), the target and the status; the base year, latest value
# and method stay on the page: every reader downloads the index on the first visit (2,500 targets: 27 KB gzip).
TARGET_SEARCH_COLUMNS = (1, 4)

class Macros:
    """The macros for one page: figures, computed figures, statuses, citations, tables."""

    def __init__(self, dataset: Dataset, page_src: str = "index.md", use_directory_urls: bool = True):
        self.ds = dataset
        self.page_src = page_src
        self.use_directory_urls = use_directory_urls
        self._call: tuple[str, tuple, dict] = ("", (), {})
        self._assessments: dict[str, Assessment] = {}

    # -- lookup helpers -------------------------------------------------------------------------
    def _fail(self, message: str, hint: str = "") -> MacroError:
        return MacroError(_call_text(*self._call) if self._call[0] else "", message, hint)

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

    def print_note(self, source_ids: list[str | None]) -> str | None:
        """The short source a printed figure carries ("Tổng cục Thống kê, 06/01/2025"); None if none is cited.

        Paper has no tooltip, so print shows this after the figure; an illustrative figure already says
        "minh hoạ" in the text, and repeating the indicator's name would double the page's length.
        """
        notes = [f"{src.publisher}, {format_date(src.date)}" for sid in dict.fromkeys(source_ids)
                 if (src := self.ds.sources.get(sid or "")) is not None]
        return "Nguồn: " + "; ".join(notes) if notes else None

    def _figure(self, shown: str, tooltip: str, anchor: str, illustrative: bool, extra_class: str = "",
                sources: list[str | None] | None = None) -> str:
        """A figure as the reader sees it: linked to its row, source in the tooltip, "minh hoạ" if so."""
        classes = "hb-fig" + (" hb-fig--illustrative" if illustrative else "") + extra_class
        link = h.tag("a", h.text(shown), href=self._link(self.ds.handbook.indicators_page, anchor), title=tooltip)
        note = " " + self._illustrative_mark() if illustrative else ""
        return h.tag("span", link + note, class_=classes, data_source=tooltip,
                     data_print_note=self.print_note(sources or []))

    @staticmethod
    def _illustrative_mark() -> str:
        """The visible word "minh hoạ" (after a space, so copied or indexed text reads "10,2% minh hoạ")."""
        return h.tag("span", h.text(ILLUSTRATIVE), class_="hb-illus")

    # -- figures --------------------------------------------------------------------------------
    @_macro
    def fig(self, id: str, year: int | None = None, unit: bool = True, decimals: int | None = None) -> str:
        ind = self._indicator(id)
        y = self._year(ind, year)
        shown = format_value(ind.values[y], ind.unit, self._decimals(decimals, ind.decimals), with_unit=bool(unit))
        tooltip = f"{ind.name}, năm {y} — {self.source_text(ind.source)}"
        return self._figure(shown, tooltip, f"ind-{ind.id}", ind.illustrative, sources=[ind.source])

    @_macro
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

    @_macro
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

    @_macro
    def ratio(self, a: str, b: str | None = None, year: int | None = None, decimals: int = 1) -> str:
        ia, ib, y = self._pair(a, b, year)
        va, vb = self._number(ia, y), self._number(ib, y)
        if vb == 0:
            raise self._fail(f'"{b}" is zero in {y}; the ratio is undefined')
        shown = attach_unit(format_number(va / vb, self._decimals(decimals, 1)), "lần")
        return self._computed(shown, f"Tính: {ia.name} ÷ {ib.name}, năm {y}", [ia, ib], ia)

    @_macro
    def diff(self, a: str, b: str | None = None, year: int | None = None, decimals: int | None = None) -> str:
        ia, ib, y = self._pair(a, b, year)
        if ia.unit != ib.unit:
            raise self._fail(f'units differ ("{ia.unit}" and "{ib.unit}")', "subtract figures of the same unit")
        unit = "điểm %" if ia.unit == "%" else ia.unit
        value = self._number(ia, y) - self._number(ib, y)
        shown = format_value(value, unit, self._decimals(decimals, ia.decimals), signed=True)
        return self._computed(shown, f"Tính: {ia.name} − {ib.name}, năm {y}", [ia, ib], ia)

    @_macro
    def share(self, part: str, whole: str, year: int | None = None, decimals: int = 1) -> str:
        ip, iw, y = self._pair(part, whole, year)
        if ip.unit != iw.unit:
            raise self._fail(f'units differ ("{ip.unit}" and "{iw.unit}")', "a share needs figures of the same unit")
        vw = self._number(iw, y)
        if vw == 0:
            raise self._fail(f'"{whole}" is zero in {y}; the share is undefined')
        shown = format_value(self._number(ip, y) / vw * 100, "%", self._decimals(decimals, 1))
        return self._computed(shown, f"Tính: {ip.name} ÷ {iw.name} × 100, năm {y}", [ip, iw], ip)

    @_macro
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

    @_macro
    def doc(self, id: str, short: bool = False) -> str:
        d = self._document(id)
        link = self._link(self.ds.handbook.documents_page, f"doc-{d.id}")
        return h.tag("a", h.text(self.citation(d, bool(short))), href=link, title=d.title, class_="hb-doc")

    @_macro
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
        return h.tag("a", h.text(self.citation(d, True)), href=self._link(self.ds.handbook.documents_page,
                                                                            f"doc-{d.id}"), class_="hb-doc")

    @_macro
    def meta(self, key: str) -> str:
        hb = self.ds.handbook
        fields = {"title": hb.title, "short_title": hb.short_title or hb.title, "organisation": hb.organisation,
                  "congress": hb.congress or "", "status": hb.status, "circulation": hb.circulation,
                  "version": hb.version, "date": format_date(hb.date)}
        if not isinstance(key, str) or key not in fields:
            raise self._fail(f'no handbook field "{key}"', suggest(str(key), fields))
        return h.text(fields[key])

    # -- tables ---------------------------------------------------------------------------------
    def _name_cell(self, ind: Indicator) -> str:
        return h.text(ind.name) + (" " + self._illustrative_mark() if ind.illustrative else "")

    def _value_cell(self, ind: Indicator, year: int) -> str:
        return h.text(format_value(ind.values[year], ind.unit, ind.decimals))

    def _source_cell(self, source_id: str | None, illustrative: bool) -> str:
        if illustrative or source_id is None:
            return h.tag("span", h.text(ILLUSTRATIVE_NOTE), class_="hb-illus-note")
        src: Source = self.ds.sources[source_id]
        return h.tag("a", h.text(f"{src.publisher} ({format_date(src.date)})"),
                     href=self._link(self.ds.handbook.documents_page, f"src-{src.id}"), title=src.title)

    @_macro
    def targets_table(self) -> str:
        rows = []
        for ind in self.ds.indicators.values():
            t = ind.target
            if t is None:
                continue
            a = self.assessment(ind)
            sign = "≥ " if t.direction == "at_least" else "≤ "
            name = self._name_cell(ind)
            base = (h.text(format_value(a.base_value, ind.unit, ind.decimals)) + f" ({a.base_year})"
                    if a.base_value is not None else "—")
            latest = (h.text(format_value(a.latest_value, ind.unit, ind.decimals)) + f" ({a.latest_year})"
                      if a.latest_value is not None else "—")
            rows.append(({"id": f"tgt-{ind.id}"}, [
                h.tag("a", name, href=self._link(self.ds.handbook.indicators_page, f"ind-{ind.id}")),
                h.text(f"{sign}{format_value(t.value, ind.unit, ind.decimals)}") + f" ({t.year})",
                base, latest, self._badge(a), self._method_cell(a, ind),
            ]))
        return h.table(["Chỉ tiêu", "Mục tiêu", "Năm gốc", "Mới nhất", "Tình trạng", "Căn cứ tính"], rows,
                       caption="Chỉ tiêu và tình trạng thực hiện", class_="hb-table hb-targets",
                       search_rows=TARGET_SEARCH_COLUMNS)

    def _method_cell(self, a: Assessment, ind: Indicator) -> str:
        parts = [h.text(a.reason)]
        if a.ratio is not None and a.achieved_rate is not None and a.needed_rate is not None:
            if a.trend == "compound":
                got, need = (format_value(a.achieved_rate * 100, "%", 1), format_value(a.needed_rate * 100, "%", 1))
            else:
                # Yearly changes of a percentage are small: one more decimal than the value shows.
                unit, decimals = ("điểm %", ind.decimals + 1) if ind.unit == "%" else (ind.unit, ind.decimals)
                got = format_value(a.achieved_rate, unit, decimals)
                need = format_value(a.needed_rate, unit, decimals)
            parts.append(h.text(f"đạt {got}/năm, cần {need}/năm; tỷ số {format_ratio(a.ratio)} "
                                f"(ngưỡng {format_ratio(a.threshold or 0)})"))
        return "<br>".join(parts)

    @_macro
    def indicators_table(self) -> str:
        groups: dict[str, list[Indicator]] = {}
        for ind in self.ds.indicators.values():
            groups.setdefault(ind.group or "Khác", []).append(ind)
        out = []
        for group, inds in groups.items():
            rows = []
            for ind in inds:
                values = " · ".join(f"{y}: {self._value_cell(ind, y)}" for y in ind.years)
                name = self._name_cell(ind)
                if ind.note:
                    name += "<br>" + h.tag("small", h.text(ind.note))
                rows.append(({"id": f"ind-{ind.id}"}, [name, h.text(ind.unit), values,
                                                       self._source_cell(ind.source, ind.illustrative)]))
            # Out of the search index, like the targets table: one search entry holding every value of
            # every indicator made Material's search unusable at scale (10,000 indicators: the index took
            # 20 s to build in the browser and a query 6 s; without the two data tables, 2 s and 69 ms).
            # The prose that cites a figure stays searchable.
            out.append(h.table(["Chỉ tiêu", "Đơn vị", "Giá trị theo năm", "Nguồn"], rows, caption=group,
                               class_="hb-table hb-indicators", searchable=False))
        return "".join(out)

    @_macro
    def key_figures(self) -> str:
        cards = []
        for ind in self.ds.indicators.values():
            if not ind.key:
                continue
            y = ind.latest_year
            figure = self.fig.__wrapped__(self, ind.id)
            badge = self._badge(self.assessment(ind), f"tgt-{ind.id}") if ind.target else ""
            body = (h.tag("span", h.text(ind.name), class_="hb-card__name") + h.tag("span", figure, class_="hb-card__value")
                    + h.tag("span", f"năm {y}", class_="hb-card__year") + badge)
            cards.append(h.tag("li", body, class_="hb-card"))
        return h.tag("ul", "".join(cards), class_="hb-cards")

    @_macro
    def documents_table(self) -> str:
        docs = sorted(self.ds.documents.values(), key=lambda d: d.date.sort_key if d.date else (0, 0, 0), reverse=True)
        rows = []
        for d in docs:
            title = h.tag("strong", h.text(d.title))
            if d.summary:
                title += "<br>" + h.text(d.summary)
            rows.append(({"id": f"doc-{d.id}"}, [h.text(f"{d.type} {d.number or '(chưa rõ số hiệu)'}"),
                                                 h.text(format_date(d.date)) if d.date else "—",
                                                 h.text(d.issuer), title]))
        return h.table(["Văn bản", "Ngày", "Cơ quan ban hành", "Trích yếu"], rows, caption="Văn bản tham chiếu",
                       class_="hb-table hb-documents", search_rows=True)

    @_macro
    def sources_list(self) -> str:
        entries = []
        for src in self.ds.sources.values():
            body = h.text(f"{src.publisher}, «{src.title}», {format_date(src.date)}")
            if src.url:
                body += ". " + h.tag("a", h.text(src.url), href=src.url, class_="hb-source-url", rel="noopener")
            entries.append(h.tag("li", body, id=f"src-{src.id}"))
        return h.tag("ol", "".join(entries), class_="hb-sources")

    @_macro
    def abbreviations(self) -> str:
        rows, ids = [], set()
        for a in vi_sorted(self.ds.abbreviations, key=lambda a: a.short):
            row_id = h.anchor_id("abbr", a.short)
            row_id = next(f"{row_id}-{n}" for n in range(1, 10**6) if f"{row_id}-{n}" not in ids) if row_id in ids else row_id
            ids.add(row_id)
            rows.append(({"id": row_id}, [h.tag("strong", h.text(a.short)), h.text(a.full)]))
        return h.table(["Viết tắt", "Viết đầy đủ"], rows, caption="Từ viết tắt", class_="hb-table hb-abbr",
                       search_rows=True)

    @_macro
    def status_method(self) -> str:
        hb = self.ds.handbook
        threshold = format_ratio(hb.on_track_ratio)
        rules = {
            Status.ACHIEVED: "Giá trị mới nhất đã đạt mục tiêu (hoặc giá trị năm đến hạn đạt mục tiêu).",
            Status.ON_TRACK: f"Chưa đến hạn; tỷ số giữa tốc độ đạt được và tốc độ cần thiết từ {threshold} trở lên.",
            Status.AT_RISK: f"Chưa đến hạn; tỷ số dưới {threshold}, hoặc giá trị đi ngược mục tiêu.",
            Status.NOT_MET: "Đã đến hạn (có số liệu của năm đến hạn hoặc sau đó) mà chưa đạt mục tiêu.",
            Status.NOT_ASSESSABLE: f"Có ít hơn {hb.min_points} giá trị kể từ năm gốc, thiếu năm gốc, "
                                   "hoặc giá trị là một khoảng.",
        }
        rows = [({}, [self._badge(Assessment(s, rules[s])), h.text(rules[s])]) for s in Status]
        return h.table(["Tình trạng", "Điều kiện"], rows, caption="Quy tắc xác định tình trạng",
                       class_="hb-table hb-method")

    # -- charts -----------------------------------------------------------------------------------
    def _chart(self, ind: Indicator) -> str:
        """A chart with its numbers in a table beside it and its source note under it (also in print)."""
        a = self.assessment(ind) if ind.target else None
        rows = [({}, [str(y), self._value_cell(ind, y)]) for y in ind.years]
        if ind.target is not None:
            t = ind.target
            sign = "≥ " if t.direction == "at_least" else "≤ "
            rows.append(({"class": "hb-chart__target-row"},
                         [h.text(f"Mục tiêu {t.year}"), h.text(sign + format_value(t.value, ind.unit, ind.decimals))]))
        table = h.table(["Năm", f"Giá trị ({ind.unit})" if ind.unit else "Giá trị"], rows,
                        caption=f"Số liệu: {ind.name}", class_="hb-table hb-chart__table")
        caption = h.tag("strong", h.text(ind.name))
        if a is not None:
            caption += " " + self._badge(a, f"tgt-{ind.id}")
        note_class = "hb-chart__source" + (" hb-illus-note" if ind.illustrative else "")
        caption += "<br>" + h.tag("span", h.text(self.source_text(ind.source)), class_=note_class)
        return h.tag("figure", line_chart(ind, a) + table + h.tag("figcaption", caption),
                     class_="hb-chart", id=f"chart-{ind.id}")

    @staticmethod
    def _has_history(ind: Indicator) -> bool:
        return len(ind.values) >= 2

    @_macro
    def chart(self, id: str) -> str:
        ind = self._indicator(id)
        if not self._has_history(ind):
            raise self._fail(f'"{ind.id}" has {len(ind.values)} value(s); a chart needs at least two years',
                             "use fig() for a single figure")
        return self._chart(ind)

    @_macro
    def charts(self) -> str:
        """A chart for every target with a history (two years or more), in data order."""
        out = [self._chart(ind) for ind in self.ds.indicators.values() if ind.target and self._has_history(ind)]
        return "\n".join(out)

    @_macro
    def dashboard(self) -> str:
        """Key figures as cards with a sparkline each, and every number of them in a table beside the cards."""
        cards, rows = [], []
        for ind in self.ds.indicators.values():
            if not ind.key:
                continue
            a = self.assessment(ind) if ind.target else None
            y = ind.latest_year
            body = [h.tag("span", h.text(ind.name), class_="hb-card__name"),
                    h.tag("span", self.fig.__wrapped__(self, ind.id), class_="hb-card__value"),
                    h.tag("span", f"năm {y}", class_="hb-card__year")]
            if a is not None:
                body.append(self._badge(a, f"tgt-{ind.id}"))
            if self._has_history(ind):
                body.append(sparkline(ind, a))
            cards.append(h.tag("li", "\n".join(body), class_="hb-card"))
            target = ""
            if ind.target is not None:
                sign = "≥ " if ind.target.direction == "at_least" else "≤ "
                target = h.text(f"{sign}{format_value(ind.target.value, ind.unit, ind.decimals)} ({ind.target.year})")
            values = " · ".join(f"{yr}: {self._value_cell(ind, yr)}" for yr in ind.years)
            rows.append(({}, [h.text(ind.name), values, target or "—",
                              self._badge(a) if a is not None else "—"]))
        if not cards:
            raise self._fail("no indicator is marked `key: true`", "mark the key figures in data/indicators")
        table = h.table(["Chỉ tiêu", "Giá trị theo năm", "Mục tiêu", "Tình trạng"], rows,
                        caption="Số liệu của các con số chính", class_="hb-table hb-dashboard__table")
        return h.tag("div", h.tag("ul", "\n".join(cards), class_="hb-cards") + table, class_="hb-dashboard")

    # -- registration ---------------------------------------------------------------------------
    def functions(self) -> dict[str, Callable[..., str]]:
        """The macros by the names pages use."""
        return {name: getattr(self, name) for name in MACRO_NAMES}
