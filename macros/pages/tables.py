"""The table macros: targets with their computed status, values by year, documents, sources, abbreviations.

A mixin of :class:`macros.pages.api.Macros`, which supplies the lookups (``_indicator``, ``assessment``,
``_badge``, ``_link`` …); kept apart so each module stays one job and a readable length.
"""

from __future__ import annotations

from ..core.collate import vi_sorted
from ..core.fmt import format_date, format_value
from ..core.model import Indicator, Source
from ..core.status import STATUS_LABELS, Assessment, Status
from . import html as h
from .calls import macro

ILLUSTRATIVE = "minh họa"
ILLUSTRATIVE_NOTE = "Số liệu minh họa, không phải số liệu chính thức"
# Each illustrative figure carries this compact mark; the page says once what it means (illustrative_notice).
ILLUSTRATIVE_MARK = "*"


# A target's search entry: its name (the entry's title), the target and the status; the base year, latest value
# and method stay on the page: every reader downloads the index on the first visit (2,500 targets: 27 KB gzip).
TARGET_SEARCH_COLUMNS = (1, 2, 0)


class TableMacros:
    """Tables from data; every value escaped, every status computed."""

    @staticmethod
    def _empty(what: str) -> str:
        """What a table says before its data exists (a new handbook): the reader sees why it is empty."""
        return h.tag("p", h.text(f"Chưa có {what} trong dữ liệu."), class_="hb-empty")

    def _name_cell(self, ind: Indicator) -> str:
        return h.text(ind.name) + (self._illustrative_mark() if ind.illustrative else "")

    def _value_cell(self, ind: Indicator, year: int, with_unit: bool = True) -> str:
        flag = ind.flags.get(year)
        return (h.text(format_value(ind.values[year], ind.unit, ind.decimals, with_unit=with_unit))
                + (" " + self._flag_mark(flag) if flag else ""))

    def _source_cell(self, source_id: str | None, illustrative: bool) -> str:
        if illustrative or source_id is None:
            return self._illustrative_mark()
        src: Source = self.ds.sources[source_id]
        return h.tag("a", h.text(f"{src.publisher} ({format_date(src.date)})"),
                     href=self._link(self.ds.handbook.documents_page, f"src-{src.id}"), title=src.title)

    def _target_text(self, ind: Indicator) -> str:
        t = ind.target
        assert t is not None
        sign = "≥ " if t.direction == "at_least" else "≤ "
        kind = {"average": "bình quân ", "total": "tổng "}.get(t.kind, "")
        period = f"{t.base_year + 1}–{t.year}" if t.kind != "level" and t.base_year is not None else str(t.year)
        return h.text(f"{kind}{sign}{format_value(t.value, ind.unit, ind.decimals)}") + f" ({period})"

    def _dated(self, ind: Indicator, value: float | None, year: int | None, mark: str = "") -> str:
        return h.text(format_value(value, ind.unit, ind.decimals)) + mark + f" ({year})" if value is not None else "—"

    def _row_marks(self, ind: Indicator) -> tuple[str, str]:
        """A target row's source marks, as its figures elsewhere carry them: the target's source on the target,
        the indicator's on its values when that is another one. An illustrative name already carries "*"."""
        t = ind.target
        assert t is not None
        target_source = t.source or ind.source
        target_mark = self._source_mark([target_source])[0] if t.source or not ind.illustrative else ""
        values_mark = (self._source_mark([ind.source])[0]
                       if not ind.illustrative and ind.source != target_source else "")
        return target_mark, values_mark

    @macro
    def targets_table(self) -> str:
        """Every target, the status first: on a phone the column a reader came for is the one in view."""
        rows = []
        for ind in self.ds.indicators.values():
            if ind.target is None:
                continue
            a = self.assessment(ind)
            target_mark, values_mark = self._row_marks(ind)
            rows.append(({"id": f"tgt-{ind.id}"}, [
                self._badge(a),
                h.tag("a", self._name_cell(ind), href=self._link(self.ds.handbook.indicators_page, f"ind-{ind.id}")),
                self._target_text(ind) + target_mark, self._dated(ind, a.base_value, a.base_year, values_mark),
                self._dated(ind, a.latest_value, a.latest_year, values_mark), self._method_cell(a, ind),
            ]))
        return h.table(["Tình trạng", "Chỉ tiêu", "Mục tiêu", "Năm cơ sở", "Mới nhất", "Căn cứ"], rows,
                       caption="Chỉ tiêu và tình trạng thực hiện", class_="hb-table hb-targets hb-stack",
                       search_rows=TARGET_SEARCH_COLUMNS)

    @macro
    def targets_list(self, *statuses: str) -> str:
        """The targets whose computed status is one of ``statuses`` ("at_risk", "not_met" …), never a typed list."""
        wanted = []
        for name in statuses:
            if not isinstance(name, str) or name not in {s.value for s in Status}:
                raise self._fail(f'no status "{name}"', "use: " + ", ".join(s.value for s in Status))
            wanted.append(Status(name))
        if not wanted:
            raise self._fail("no status given", 'name one or more: targets_list("at_risk", "not_met")')
        rows = []
        for ind in self.ds.indicators.values():
            if ind.target is None or (a := self.assessment(ind)).status not in wanted:
                continue
            target_mark, values_mark = self._row_marks(ind)
            rows.append((wanted.index(a.status), ({}, [self._badge(a, f"tgt-{ind.id}"), self._name_cell(ind),
                                                        self._target_text(ind) + target_mark,
                                                        self._dated(ind, a.latest_value, a.latest_year, values_mark)])))
        rows = [row for _, row in sorted(rows, key=lambda r: r[0])]  # in the order the statuses were named
        if not rows:
            return h.tag("p", "Không có chỉ tiêu nào ở tình trạng " + ", ".join(
                f"“{STATUS_LABELS[s]}”" for s in wanted) + ".", class_="hb-targets-none")
        return h.table(["Tình trạng", "Chỉ tiêu", "Mục tiêu", "Mới nhất"], rows,
                       caption="Chỉ tiêu " + ", ".join(STATUS_LABELS[s].lower() for s in wanted),
                       class_="hb-table hb-targets-list hb-stack", searchable=False)

    def _method_cell(self, a: Assessment, ind: Indicator) -> str:
        """How the status was reached, in plain words a reader can check ("Tăng 9,2%/năm, cần 12,0%/năm.")."""
        if a.period_known is not None and a.period_projected is not None:
            word = "Bình quân" if a.kind == "average" else "Tổng"
            return h.text(f"{word} {a.points} năm: {format_value(a.period_known, ind.unit, ind.decimals)}; "
                          f"dự kiến cả kỳ: {format_value(a.period_projected, ind.unit, ind.decimals)}.")
        if a.achieved_rate is None or a.needed_rate is None:
            return h.text(a.reason[:1].upper() + a.reason[1:] + ".")
        if a.trend == "compound":
            def show(r: float) -> str:
                return format_value(abs(r) * 100, "%", 1)
        else:
            # Yearly changes of a percentage are small: one more decimal than the value shows.
            unit, decimals = ("điểm %", ind.decimals + 1) if ind.unit == "%" else (ind.unit, ind.decimals)

            def show(r: float) -> str:
                return format_value(abs(r), unit, decimals)
        moved = "Tăng" if a.achieved_rate >= 0 else "Giảm"
        needed = "tăng" if a.needed_rate >= 0 else "giảm"
        return h.text(f"{moved} {show(a.achieved_rate)}/năm, cần {needed} {show(a.needed_rate)}/năm.")

    @macro
    def indicators_table(self) -> str:
        """Every value by year, once in the handbook: a column per year (the unit stated once, in the name)."""
        if not self.ds.indicators:
            return self._empty("chỉ tiêu nào")
        groups: dict[str, list[Indicator]] = {}
        for ind in self.ds.indicators.values():
            groups.setdefault(ind.group or "Khác", []).append(ind)
        out = []
        for group, inds in groups.items():
            years = sorted({y for ind in inds for y in ind.values})
            by_column = len(years) <= 8  # beyond that a row of "năm: giá trị" pairs reads better than a wide grid
            rows = []
            for ind in inds:
                name = self._name_cell(ind) + (h.text(f" ({ind.unit})") if ind.unit else "")
                if ind.note:
                    name += "<br>" + h.tag("small", h.text(ind.note))
                if by_column:
                    values = [self._value_cell(ind, y, with_unit=False) if y in ind.values else "" for y in years]
                else:
                    values = [" · ".join(f"{y}: {self._value_cell(ind, y)}" for y in ind.years)]
                source = self._source_cell(ind.source, ind.illustrative)
                if ind.origins:
                    source += "<br>" + h.tag("small", h.text(self.origin_text(ind)), class_="hb-origin")
                rows.append(({"id": f"ind-{ind.id}"}, [name, *values, source]))
            headers = ["Chỉ tiêu (đơn vị)", *(map(str, years) if by_column else ["Giá trị theo năm"]), "Nguồn"]
            # Out of the search index, like the targets table: one search entry holding every value of
            # every indicator made Material's search unusable at scale (10,000 indicators: the index took
            # 20 s to build in the browser and a query 6 s; without the two data tables, 2 s and 69 ms).
            # The prose that cites a figure stays searchable.
            out.append(h.table(headers, rows, caption=group, class_="hb-table hb-indicators hb-stack",
                               searchable=False))
        return "".join(out)

    @macro
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

    @macro
    def documents_table(self) -> str:
        if not self.ds.documents:
            return self._empty("văn bản nào")
        docs = sorted(self.ds.documents.values(), key=lambda d: d.date.sort_key if d.date else (0, 0, 0), reverse=True)
        rows = []
        for d in docs:
            title = h.tag("strong", h.text(d.title))
            if d.summary:
                title += "<br>" + h.text(d.summary)
            number = h.tag("span", h.text(d.number), class_="hb-docno") if d.number else "(chưa rõ số hiệu)"
            rows.append(({"id": f"doc-{d.id}"}, [h.text(d.type) + " " + number,
                                                 h.text(format_date(d.date)) if d.date else "—",
                                                 h.text(d.issuer), title]))
        return h.table(["Văn bản", "Ngày", "Cơ quan ban hành", "Trích yếu"], rows, caption="Văn bản tham chiếu",
                       class_="hb-table hb-documents hb-stack", search_rows=True)

    @macro
    def sources_list(self) -> str:
        if not self.ds.sources:
            return self._empty("nguồn nào")
        entries = []
        for src in self.ds.sources.values():
            body = h.text(f"{src.publisher}, «{src.title}», {format_date(src.date)}")
            if src.url:
                # Shown to be cited, not linked: the handbook is read on an intranet with no way out.
                body += ". " + h.tag("span", h.text(src.url), class_="hb-source-url")
            entries.append(h.tag("li", body, id=f"src-{src.id}"))
        return h.tag("ol", "".join(entries), class_="hb-sources")

    @macro
    def abbreviations(self) -> str:
        if not self.ds.abbreviations:
            return self._empty("từ viết tắt nào")
        rows, ids = [], set()
        for a in vi_sorted(self.ds.abbreviations, key=lambda a: a.short):
            row_id = h.anchor_id("abbr", a.short)
            row_id = next(f"{row_id}-{n}" for n in range(1, 10**6) if f"{row_id}-{n}" not in ids) if row_id in ids else row_id
            ids.add(row_id)
            rows.append(({"id": row_id}, [h.tag("strong", h.text(a.short)), h.text(a.full)]))
        return h.table(["Viết tắt", "Viết đầy đủ"], rows, caption="Từ viết tắt", class_="hb-table hb-abbr",
                       search_rows=True)

    @macro
    def status_method(self) -> str:
        hb = self.ds.handbook
        percent = format_value(hb.on_track_ratio * 100, "%", 0)
        rules = {
            Status.ACHIEVED: "Giá trị mới nhất (hoặc của năm đến hạn) đạt mục tiêu; với chỉ tiêu giai đoạn: "
                             "cả giai đoạn đạt.",
            Status.ON_TRACK: f"Chưa đến hạn; tốc độ thực tế bằng từ {percent} tốc độ cần có trở lên; với chỉ tiêu "
                             "giai đoạn: dự kiến đạt.",
            Status.AT_RISK: f"Chưa đến hạn; tốc độ thực tế dưới {percent} tốc độ cần có, hoặc đi ngược mục tiêu; "
                            "với chỉ tiêu giai đoạn: dự kiến không đạt.",
            Status.NOT_MET: "Đã có số liệu của năm đến hạn (hoặc cả giai đoạn) mà chưa đạt.",
            Status.NOT_ASSESSABLE: f"Dưới {hb.min_points} giá trị từ năm cơ sở, thiếu năm cơ sở, hoặc giá trị là "
                                   "một khoảng.",
        }
        rows = [({}, [self._badge(Assessment(s, rules[s])), h.text(rules[s])]) for s in Status]
        return h.table(["Tình trạng", "Điều kiện"], rows, caption="Quy tắc xác định tình trạng",
                       class_="hb-table hb-method hb-stack")

