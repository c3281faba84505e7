"""Cross-checks between data files: references resolve, targets make sense, values fit their units.

The schema says what one file may hold; these rules need the whole dataset (a source id defined in
another file, a base year among the values, a comparison indicator with the same unit).
"""

from __future__ import annotations

import re

from .errors import Problem, suggest
from .model import Comment, Dataset, Indicator, Origin, PartialDate
from .yamlsafe import YamlDoc, path_text

COUNT_UNITS = {"người", "đảng viên", "đại biểu", "tổ chức", "nhiệm vụ", "hộ", "căn", "dự án", "xã", "đơn vị"}


class _Reporter:
    def __init__(self, docs: dict[str, YamlDoc], consistency: bool = True):
        self.docs = docs
        self.consistency = consistency  # the editorial rules too (see cross_check)
        self.problems: list[Problem] = []

    def add(self, origin: Origin, key: tuple, message: str, hint: str = "") -> None:
        path = origin.path + key
        doc = self.docs.get(origin.file)
        line = doc.line(path) if doc else origin.line
        self.problems.append(Problem(origin.file, line, path_text(path), message, hint))


def _ref(rep: _Reporter, origin: Origin, key: tuple, ref: str | None, known: dict, what: str) -> None:
    if ref is not None and ref not in known:
        rep.add(origin, key, f'no {what} "{ref}"', suggest(ref, known))


def _numbers(ind: Indicator) -> list[tuple[int, float]]:
    out = []
    for year, value in sorted(ind.values.items()):
        out.extend((year, v) for v in (value if isinstance(value, tuple) else (value,)))
    return out


def _check_indicator(rep: _Reporter, ds: Dataset, ind: Indicator) -> None:
    o = ind.origin
    if ind.source and ind.illustrative:
        rep.add(o, ("illustrative",), "has both a source and `illustrative: true`",
                "keep `source:` if the figure is cited, else remove it")
    elif not ind.source and not ind.illustrative:
        rep.add(o, ("values",), "has no source",
                "add `source: <id from data/sources>` or mark it `illustrative: true`")
    _ref(rep, o, ("source",), ind.source, ds.sources, "source")
    if ind.compare is not None:
        _ref(rep, o, ("compare",), ind.compare, ds.indicators, "indicator")
        other = ds.indicators.get(ind.compare)
        if ind.compare == ind.id:
            rep.add(o, ("compare",), "an indicator cannot be compared with itself", "name another indicator")
        elif other and other.unit != ind.unit:
            rep.add(o, ("compare",), f'unit "{ind.unit}" differs from "{other.unit}" of "{other.id}"',
                    "compare indicators measured in the same unit")
    for year, v in _numbers(ind):
        if ind.unit == "%" and not -100 <= v <= 1000:
            rep.add(o, ("values", str(year)), f"{v:g}% is out of range", "a percentage lies between -100 and 1000")
        if ind.unit in COUNT_UNITS and (v < 0 or v != int(v)):
            rep.add(o, ("values", str(year)), f"{v:g} is not a count of {ind.unit}", "write a whole number ≥ 0")
    for year, value in ind.values.items():
        if isinstance(value, tuple) and value[0] > value[1]:
            rep.add(o, ("values", str(year)), f"range [{value[0]:g}, {value[1]:g}] runs backwards",
                    "write [low, high]")
    for key, years in (("flags", ind.flags), ("origins", ind.origins)):
        for year in sorted(set(years) - set(ind.values)):
            rep.add(o, (key, str(year)), f"{year} has no value", f"remove it from `{key}:`, or add the value")
    if ind.range is not None:
        low, high = ind.range
        if low > high:
            rep.add(o, ("range",), f"range [{low:g}, {high:g}] runs backwards", "write [low, high]")
        for year, v in _numbers(ind) if low <= high else []:
            if not low <= v <= high:
                rep.add(o, ("values", str(year)), f"{v:g} is outside the indicator's range [{low:g}, {high:g}]",
                        "check the value and its unit, or widen `range:`")
    t = ind.target
    if t is None:
        return
    _ref(rep, o, ("target", "source"), t.source, ds.sources, "source")
    if t.base_year is not None:
        if t.base_year not in ind.values:
            rep.add(o, ("target", "base_year"), f"{t.base_year} has no value",
                    "add a value for that year, or use one of: " + ", ".join(map(str, ind.years)))
        if t.base_year >= t.year:
            rep.add(o, ("target", "base_year"), f"base year {t.base_year} is not before the target year {t.year}",
                    "the base year is the start of the period")
    if rep.consistency:
        _label_agrees(rep, ind)
    if t.kind != "level" and t.base_year is None:
        what = "an average" if t.kind == "average" else "a total"
        rep.add(o, ("target", "kind"), f"{what} over a period needs `base_year`, the year before the period starts",
                f"add `base_year: {t.year - 5}` for the years {t.year - 4}–{t.year}")
    if t.trend == "compound" and (t.value <= 0 or any(v <= 0 for _, v in _numbers(ind))):
        rep.add(o, ("target", "trend"), "compound growth needs values above zero",
                "use `trend: linear` for rates and values that can be zero or negative")


def _later(a: PartialDate, b: PartialDate) -> bool:
    """``a`` is certainly after ``b``: compared only as precisely as both are known (2024-12-20 is not after 2024-12)."""
    depth = min(sum(1 for p in (x.year, x.month, x.day) if p is not None) for x in (a, b))
    return a.sort_key[:depth] > b.sort_key[:depth]


def _check_comment(rep: _Reporter, ds: Dataset, c: Comment) -> None:
    o = c.origin
    rnd = ds.rounds.get(c.round)
    if rnd is not None and _later(c.date, rnd.date):
        rep.add(o, ("date",), f"{_shown(c.date)} is after the round's date {_shown(rnd.date)}",
                f'check the date, or the round (round "{rnd.id}" at {rnd.origin})')
    if c.disposition in ("explained", "partly") and not c.response:
        word = "explained" if c.disposition == "explained" else "partly absorbed"
        rep.add(o, ("disposition",), f"a comment {word} has no `response`",
                "write the reasons under `response:` (giải trình), as the register must show them")
    if c.decided_on is not None and _later(c.date, c.decided_on):
        rep.add(o, ("decided_on",), f"{_shown(c.decided_on)} is before the comment's date {_shown(c.date)}",
                "a comment is decided on after it is given")
    _ref(rep, o, ("source",), c.source, ds.sources, "source")


def _check_rounds(rep: _Reporter, ds: Dataset, doc: YamlDoc | None) -> None:
    seen: dict[str, int] = {}
    rounds = (doc.data.get("rounds") or []) if doc is not None and isinstance(doc.data, dict) else []
    for i, r in enumerate(rounds):
        origin = Origin(ds.handbook.origin.file, 1, ("rounds", i))
        if r["id"] in seen:
            rep.add(origin, ("id",), f'round "{r["id"]}" is defined twice (first at line {seen[r["id"]]})',
                    "give each round a unique id")
        seen.setdefault(r["id"], doc.line(("rounds", i, "id")))
        _ref(rep, origin, ("source",), r.get("source"), ds.sources, "source")


def cross_check(ds: Dataset, docs: dict[str, YamlDoc], consistency: bool = True) -> list[Problem]:
    """Every problem that needs more than one file (or one whole item) to see.

    ``consistency=False`` leaves out the editorial rules (dates against the handbook's, a label's wording):
    an earlier draft is compared as it was written, and only the draft being made is held to today's rules.
    """
    rep = _Reporter(docs, consistency)
    for ind in ds.indicators.values():
        _check_indicator(rep, ds, ind)
    for doc in ds.documents.values():
        _ref(rep, doc.origin, ("source",), doc.source, ds.sources, "source")
    for lst in ds.lists.values():
        _ref(rep, lst.origin, ("source",), lst.source, ds.sources, "source")
        for i, item in enumerate(lst.items):
            for j, ref in enumerate(item.documents):
                _ref(rep, lst.origin, ("items", i, "documents", j), ref, ds.documents, "document")
            for j, ref in enumerate(item.indicators):
                _ref(rep, lst.origin, ("items", i, "indicators", j), ref, ds.indicators, "indicator")
    if consistency:
        _dates_agree(rep, ds)
    seen: dict[str, Origin] = {}
    for abbr in ds.abbreviations:
        if abbr.short in seen:
            rep.add(abbr.origin, ("short",), f'"{abbr.short}" is listed twice (first at {seen[abbr.short]})',
                    "keep one")
        seen.setdefault(abbr.short, abbr.origin)
    _check_rounds(rep, ds, docs.get(ds.handbook.origin.file))
    # A file's `round:` is one key at its top: one problem per file, not one per comment.
    for file, round_id in {c.origin.file: c.round for c in ds.comments.values()}.items():
        if round_id not in ds.rounds:
            rep.add(Origin(file, 1, ()), ("round",), f'no round "{round_id}" in {ds.handbook.origin.file}',
                    suggest(round_id, ds.rounds) if ds.rounds else f"add it under `rounds:` in {ds.handbook.origin.file}")
    for c in ds.comments.values():
        _check_comment(rep, ds, c)
    return rep.problems


def _dates_agree(rep: _Reporter, ds: Dataset) -> None:
    """A handbook cannot cite what did not exist on its date: each later document or source is an error naming both."""
    hb = ds.handbook
    if hb is None or hb.date is None:
        return
    doc = rep.docs.get(hb.origin.file)
    where = f"{hb.origin.file}:{doc.line(('date',)) if doc else hb.origin.line}"
    cited = [(d.origin, d.date, f'document "{d.id}"') for d in ds.documents.values() if d.date is not None]
    cited += [(s.origin, s.date, f'source "{s.id}"') for s in ds.sources.values()]
    for origin, date, what in cited:
        # Compared to the precision both dates have: a document of "12/2024" is not after a handbook of 15/12/2024.
        depth = min(len(_known(date)), len(_known(hb.date)))
        if _known(date)[:depth] > _known(hb.date)[:depth]:
            rep.add(origin, ("date",), f"{what} is dated {_shown(date)}, after the handbook's date {_shown(hb.date)} "
                    f"({where})", "date the handbook on or after the latest document it cites, or correct this date")


def _known(date: PartialDate) -> tuple[int, ...]:
    return tuple(p for p in (date.year, date.month, date.day) if p is not None)


def _shown(date: PartialDate) -> str:
    return "/".join(f"{p:02d}" for p in reversed(_known(date)))


_LABEL_NUMBER = re.compile(r"\d+(?:\.\d{3})*(?:,\d+)?")
# Words that say the opposite of a direction: "dưới 1%" is < 1, never the ≤ 1 an at_most target means.
_WRONG_WORDS = {"at_most": ("dưới", "trở lên", "ít nhất"), "at_least": ("dưới", "không quá", "tối đa", "trở xuống")}


def _label_agrees(rep: _Reporter, ind: Indicator) -> None:
    """A target's label is typed text: its number and its direction word must say what the target says."""
    t = ind.target
    if t is None or not t.label:
        return
    label = t.label.lower()
    numbers = {float(n.replace(".", "").replace(",", ".")) for n in _LABEL_NUMBER.findall(t.label)}
    numbers -= {float(y) for y in range(1900, 2101)} - {t.value}
    sign = "≥" if t.direction == "at_least" else "≤"
    if numbers and t.value not in numbers:
        rep.add(ind.origin, ("target", "label"), f"the label says {', '.join(f'{n:g}' for n in sorted(numbers))}, "
                f"the target is {sign} {t.value:g}", "write the target's value in the label, or correct `value`")
    wrong = next((w for w in _WRONG_WORDS[t.direction] if re.search(rf"(?<!\w){w}(?!\w)", label)), None)
    if wrong:
        rep.add(ind.origin, ("target", "label"), f'the label says "{wrong}", the target is {sign} {t.value:g}',
                'write "không quá" for ≤, "từ … trở lên" for ≥')
