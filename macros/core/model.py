"""The data model: what the handbook knows, independent of YAML, MkDocs or HTML.

Metadata (names, units, sources, targets) is kept apart from the values, as Open SDG's sdg-build does,
and every object remembers where it was defined so later checks can point editors at the line.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

Value = float | tuple[float, float]


@dataclass(frozen=True)
class Origin:
    """Where something was defined: the file and line an editor should open."""

    file: str
    line: int
    path: tuple = field(default=(), compare=False, repr=False)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class PartialDate:
    """A date known to the year, the month or the day, as documents and sources often are."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        parts = [int(p) for p in str(text).split("-")]
        date = cls(*parts)
        if date.day is not None:
            _dt.date(date.year, date.month or 1, date.day)  # raises ValueError for 2024-02-30
        return date

    def as_date(self) -> _dt.date | None:
        if self.month is None or self.day is None:
            return None
        return _dt.date(self.year, self.month, self.day)

    @property
    def sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 0, self.day or 0)


@dataclass(frozen=True)
class Source:
    id: str
    publisher: str
    title: str
    date: PartialDate
    url: str | None
    note: str | None
    origin: Origin


@dataclass(frozen=True)
class Target:
    value: float
    year: int
    direction: str  # "at_least" | "at_most"
    base_year: int | None
    trend: str  # "linear" | "compound"
    label: str | None
    source: str | None
    # "level": the value reached by ``year``; "average" / "total": the mean / sum of the years after
    # ``base_year`` up to ``year`` (a term target such as "bình quân 2021–2025").
    kind: str = "level"


@dataclass(frozen=True)
class CellOrigin:
    """The workbook cell a value was imported from (``python -m macros intake``), so a reader can trace it."""

    workbook: str
    sheet: str
    cell: str
    date: PartialDate

    def __str__(self) -> str:
        return f"{self.workbook}!{self.sheet}!{self.cell}"


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    unit: str
    decimals: int
    values: dict[int, Value]
    source: str | None
    illustrative: bool
    origin: Origin
    group: str | None = None
    note: str | None = None
    target: Target | None = None
    compare: str | None = None
    key: bool = False
    flags: dict[int, str] = field(default_factory=dict)  # year → "ước tính" | "sơ bộ"
    origins: dict[int, CellOrigin] = field(default_factory=dict)
    range: tuple[float, float] | None = None

    @property
    def years(self) -> list[int]:
        return sorted(self.values)

    @property
    def latest_year(self) -> int:
        return max(self.values)


@dataclass(frozen=True)
class Document:
    id: str
    type: str
    number: str | None
    issuer: str
    title: str
    origin: Origin
    date: PartialDate | None = None
    summary: str | None = None
    source: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class ListItem:
    title: str
    detail: str | None = None
    documents: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()


@dataclass(frozen=True)
class ItemList:
    id: str
    title: str
    items: tuple[ListItem, ...]
    origin: Origin
    intro: str | None = None
    source: str | None = None
    ordered: bool = True


@dataclass(frozen=True)
class Abbreviation:
    short: str
    full: str
    origin: Origin


@dataclass(frozen=True)
class Handbook:
    """The handbook's own settings: identity, draft status, word budgets, status-method thresholds."""

    title: str
    organisation: str
    status: str
    circulation: str
    version: str
    date: PartialDate
    budgets_total: int
    budgets_pages: dict[str, int]
    on_track_ratio: float
    min_points: int
    indicators_page: str
    documents_page: str
    origin: Origin
    budget_lines: dict[str, int] = field(default_factory=dict)
    page_lines: dict[str, int] = field(default_factory=dict)
    short_title: str | None = None
    congress: str | None = None
    reading_speed: int = 200
    method_page: str | None = None
    page_seconds: float = 20.0  # limits: far above what a real page takes (well under a second)
    page_memory_mb: int = 512
    check_seconds: float = 900.0
    comments_page: str | None = None
    previous: str | None = None  # git revision of the draft before this one
    previous_line: int = 0
    # The printed cover's Party document header: the issuing body, its superior, the place of issue.
    header_parent: str | None = None
    header_issuer: str | None = None
    header_place: str | None = None


@dataclass(frozen=True)
class Round:
    """A round of comment on the draft: who was asked, when, and which draft (and git revision) they read."""

    id: str
    title: str
    date: PartialDate
    draft: str
    origin: Origin
    revision: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Comment:
    """One comment on the draft, where it points, and what became of it (tiếp thu, giải trình)."""

    id: str
    round: str
    from_type: str
    from_name: str
    date: PartialDate
    section: str
    text: str
    disposition: str  # "absorbed" | "partly" | "explained" | "pending"
    origin: Origin
    quote: str | None = None
    response: str | None = None
    issue: str | None = None
    decided_by: str | None = None
    decided_on: PartialDate | None = None
    source: str | None = None
    # Lines of the keys later checks point at (the section named, the disposition claimed).
    section_line: int = field(default=0, compare=False)
    disposition_line: int = field(default=0, compare=False)


@dataclass
class Dataset:
    """Everything loaded from ``data/``, cross-checked; the single input of every macro."""

    handbook: Handbook
    sources: dict[str, Source] = field(default_factory=dict)
    indicators: dict[str, Indicator] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict)
    lists: dict[str, ItemList] = field(default_factory=dict)
    abbreviations: list[Abbreviation] = field(default_factory=list)
    rounds: dict[str, Round] = field(default_factory=dict)
    comments: dict[str, Comment] = field(default_factory=dict)
