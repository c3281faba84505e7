"""Charts as static SVG, drawn at build time: no JavaScript, no CDN, nothing to load on an intranet.

Why a small hand-written builder rather than a charting library: the handbook needs one kind of chart
(values by year, the target as a line, the status in colour *and* shape) and a sparkline. pygal would
emit its tooltips script from a CDN unless disabled, styles through its own CSS and adds a dependency
(and lxml-free SVG quirks) for two drawings; matplotlib is heavy and renders text as paths, which screen
readers and search cannot read. Here every label is real text in Vietnamese number format (from
:mod:`macros.core.fmt`), the SVG scales with its container, and the output is byte-for-byte reproducible.

Accessibility: each SVG is ``role="img"`` with a ``<title>`` and a ``<desc>`` that state every number, and
the caller puts the same numbers in a table beside it. Black and white: the status is also a symbol and
a word, and the target is a dashed line, so nothing depends on colour.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..core.fmt import format_number, format_value
from ..core.model import Indicator
from ..core.status import STATUS_LABELS, STATUS_SYMBOLS, Assessment, Status
from . import html as h

# Colours chosen for contrast ≥ 4.5:1 on white (WCAG AA for text), distinct also to colour-blind readers
# through the symbol that always accompanies them.
STATUS_COLOURS = {
    Status.ACHIEVED: "#166534",
    Status.ON_TRACK: "#1e40af",
    Status.AT_RISK: "#9a3412",
    Status.NOT_MET: "#991b1b",
    Status.NOT_ASSESSABLE: "#4b5563",
}
NEUTRAL = "#374151"
GRID = "#d1d5db"


@dataclass(frozen=True)
class Frame:
    """The drawing area inside the SVG (margins leave room for the axis labels)."""

    # Drawn at about the width it is shown on a phone (≈ 310 px), so 15-unit text stays ≥ 12 px there.
    width: int = 360
    height: int = 190
    left: int = 58
    right: int = 24
    top: int = 14
    bottom: int = 30
    font: int = 15

    @property
    def inner_w(self) -> float:
        return self.width - self.left - self.right

    @property
    def inner_h(self) -> float:
        return self.height - self.top - self.bottom


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round tick values (1, 2, 2.5 or 5 × 10ⁿ apart) covering ``low``…``high``, as a reader expects on an axis."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _decimals_for(ticks: list[float]) -> int:
    for decimals in range(0, 4):
        if all(abs(t * 10 ** decimals - round(t * 10 ** decimals)) < 1e-9 for t in ticks):
            return decimals
    return 3


def _numbers(ind: Indicator) -> dict[int, float]:
    """Point values by year; a range ``[low, high]`` is drawn at its midpoint (its bounds stay in the table)."""
    return {y: (v[0] + v[1]) / 2 if isinstance(v, tuple) else v for y, v in sorted(ind.values.items())}


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def describe(ind: Indicator, a: Assessment | None) -> str:
    """The text alternative: every value, the target and the status, in words a screen reader reads out."""
    values = "; ".join(f"năm {y}: {format_value(v, ind.unit, ind.decimals)}" for y, v in sorted(ind.values.items()))
    text = f"{ind.name} ({ind.unit}). {values}."
    if ind.target is not None:
        sign = "từ" if ind.target.direction == "at_least" else "không quá"
        text += (f" Mục tiêu năm {ind.target.year}: {sign} {format_value(ind.target.value, ind.unit, ind.decimals)}.")
    if a is not None and ind.target is not None:
        text += f" Tình trạng: {STATUS_LABELS[a.status]}."
    return text


def line_chart(ind: Indicator, a: Assessment | None, frame: Frame = Frame(), uid: str = "") -> str:
    """Values by year as a line, the target as a dashed line to its year, the latest point in the status colour."""
    uid = uid or ind.id
    values = _numbers(ind)
    years = sorted(values)
    target = ind.target
    last_year = max(years + ([target.year] if target else []))
    first_year = min(years + ([target.base_year] if target and target.base_year else []))
    span_years = max(last_year - first_year, 1)
    lows = [v[0] if isinstance(v, tuple) else v for v in ind.values.values()]
    highs = [v[1] if isinstance(v, tuple) else v for v in ind.values.values()]
    candidates = lows + highs + ([target.value] if target else [])
    high = max(candidates) * 1.05 if max(candidates) > 0 else 1.0
    if ind.unit == "%" and max(candidates) <= 100:
        high = min(high, 100.0)  # a share never runs past 100%: an axis to 150% misleads
    ticks = nice_ticks(min(0.0, *candidates), high)
    y_min, y_max = ticks[0], ticks[-1]
    decimals = _decimals_for(ticks)
    colour = STATUS_COLOURS[a.status] if a is not None and target is not None else NEUTRAL

    def x(year: float) -> float:
        return frame.left + (year - first_year) / span_years * frame.inner_w

    def y(value: float) -> float:
        return frame.top + (1 - (value - y_min) / (y_max - y_min or 1)) * frame.inner_h

    parts: list[str] = []
    for t in ticks:  # grid and value labels
        parts.append(f'<line x1="{frame.left}" x2="{frame.width - frame.right}" y1="{_fmt(y(t))}" y2="{_fmt(y(t))}" '
                     f'stroke="{GRID}" stroke-width="1"/>')
        parts.append(f'<text x="{frame.left - 6}" y="{_fmt(y(t) + 5)}" text-anchor="end" font-size="{frame.font}" '
                     f'fill="{NEUTRAL}">{h.text(format_number(t, decimals))}</text>')
    step = max(1, math.ceil((span_years + 1) * frame.font * 2.6 / frame.inner_w))  # labels never touch
    for year in range(first_year, last_year + 1, step):  # year labels
        parts.append(f'<text x="{_fmt(x(year))}" y="{frame.height - 8}" text-anchor="middle" font-size="{frame.font}" '
                     f'fill="{NEUTRAL}">{year}</text>')
    parts.append(f'<line x1="{frame.left}" x2="{frame.width - frame.right}" y1="{_fmt(y(y_min))}" '
                 f'y2="{_fmt(y(y_min))}" stroke="{NEUTRAL}" stroke-width="1"/>')
    if target is not None:  # the target: dashed line from the base year to its year, and its point
        start = target.base_year if target.base_year is not None else first_year
        ty = _fmt(y(target.value))
        parts.append(f'<line class="hb-chart__target" x1="{_fmt(x(start))}" x2="{_fmt(x(target.year))}" y1="{ty}" '
                     f'y2="{ty}" stroke="{NEUTRAL}" stroke-width="2" stroke-dasharray="6 4"/>')
        parts.append(f'<rect x="{_fmt(x(target.year) - 5)}" y="{_fmt(y(target.value) - 5)}" width="10" height="10" '
                     f'fill="#fff" stroke="{NEUTRAL}" stroke-width="2"/>')
    for year, v in ind.values.items():  # ranges as vertical bars
        if isinstance(v, tuple):
            parts.append(f'<line x1="{_fmt(x(year))}" x2="{_fmt(x(year))}" y1="{_fmt(y(v[0]))}" y2="{_fmt(y(v[1]))}" '
                         f'stroke="{colour}" stroke-width="4"/>')
    points = " ".join(f"{_fmt(x(yr))},{_fmt(y(values[yr]))}" for yr in years)
    parts.append(f'<polyline class="hb-chart__line" points="{points}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
    for yr in years:
        parts.append(f'<circle cx="{_fmt(x(yr))}" cy="{_fmt(y(values[yr]))}" r="3.5" fill="{colour}"/>')
    latest = years[-1]
    shown = format_value(ind.values[latest], ind.unit, ind.decimals)
    if a is not None and target is not None:
        shown = f"{STATUS_SYMBOLS[a.status]} {shown}"
    lx, ly = x(latest), y(values[latest])
    parts.append(f'<circle cx="{_fmt(lx)}" cy="{_fmt(ly)}" r="6" fill="{colour}" stroke="#fff" stroke-width="2"/>')
    points_xy = [(x(yr), y(values[yr])) for yr in years]
    target_line = None
    if target is not None:
        start = target.base_year if target.base_year is not None else first_year
        target_line = (x(start), x(target.year), y(target.value))
    tx, ty, anchor = place_label(shown, lx, ly, points_xy, target_line, frame)
    parts.append(f'<text x="{_fmt(tx)}" y="{_fmt(ty)}" text-anchor="{anchor}" font-size="{frame.font}" '
                 f'font-weight="700" fill="{colour}">{h.text(shown)}</text>')
    title = f"Biểu đồ: {ind.name}"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {frame.width} {frame.height}" '
            f'width="{frame.width}" height="{frame.height}" role="img" class="hb-chart__svg" '
            f'aria-labelledby="chart-{uid}-title chart-{uid}-desc" data-search-exclude>'
            f'<title id="chart-{uid}-title">{h.text(title)}</title>'
            f'<desc id="chart-{uid}-desc">{h.text(describe(ind, a))}</desc>'
            + "".join(parts) + "</svg>")


Box = tuple[float, float, float, float]  # left, top, right, bottom


def _text_box(text: str, x: float, baseline: float, anchor: str, font: int) -> Box:
    """The box a label takes (a bold digit or letter is about 0.6 of the font size wide)."""
    width = len(text) * font * 0.6
    left = x - width if anchor == "end" else x
    return (left, baseline - font, left + width, baseline + font * 0.25)


def _hits_segment(box: Box, a: tuple[float, float], b: tuple[float, float], pad: float = 3) -> bool:
    left, top, right, bottom = box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad
    steps = 24
    return any(left <= a[0] + (b[0] - a[0]) * i / steps <= right and top <= a[1] + (b[1] - a[1]) * i / steps <= bottom
               for i in range(steps + 1))


def place_label(text: str, px: float, py: float, points: list[tuple[float, float]],
                target_line: tuple[float, float, float] | None, frame: Frame) -> tuple[float, float, str]:
    """Where the latest value's label goes: beside its point, clear of the line, the points, the target's dashed
    line and the frame's edges (the first of eight places that touches nothing, else the one touching least)."""
    gap, f = 9, frame.font
    places = [(px - gap, py - gap, "end"), (px - gap, py + f + gap, "end"), (px + gap, py - gap, "start"),
              (px + gap, py + f + gap, "start"), (px - gap, py - 2 * f, "end"), (px - gap, py + 2 * f + gap, "end"),
              (px - gap, py + f * 0.35, "end"), (px + gap, py + f * 0.35, "start")]
    segments = list(zip(points, points[1:], strict=False))
    if target_line is not None:
        segments.append(((target_line[0], target_line[2]), (target_line[1], target_line[2])))

    def collisions(place: tuple[float, float, str]) -> int:
        box = _text_box(text, place[0], place[1], place[2], f)
        outside = box[0] < 0 or box[2] > frame.width or box[1] < 0 or box[3] > frame.height - frame.bottom
        lines = sum(_hits_segment(box, a, b) for a, b in segments)
        dots = sum(box[0] - 6 <= x <= box[2] + 6 and box[1] - 6 <= y <= box[3] + 6 for x, y in points)
        return 10 * outside + lines + dots

    return min(places, key=collisions)


def sparkline(ind: Indicator, a: Assessment | None, width: int = 160, height: int = 40) -> str:
    """A small line of the values by year for a dashboard card; its text alternative states every value."""
    values = _numbers(ind)
    years = sorted(values)
    lo = min(values.values())
    hi = max(values.values())
    target = ind.target
    if target is not None:
        lo, hi = min(lo, target.value), max(hi, target.value)
    span = hi - lo or 1.0
    pad = 5

    def x(year: int) -> float:
        return pad + (year - years[0]) / max(years[-1] - years[0], 1) * (width - 2 * pad)

    def y(value: float) -> float:
        return pad + (1 - (value - lo) / span) * (height - 2 * pad)

    colour = STATUS_COLOURS[a.status] if a is not None and target is not None else NEUTRAL
    parts = []
    if target is not None:
        parts.append(f'<line x1="{pad}" x2="{width - pad}" y1="{_fmt(y(target.value))}" y2="{_fmt(y(target.value))}" '
                     f'stroke="{NEUTRAL}" stroke-width="1.5" stroke-dasharray="4 3"/>')
    points = " ".join(f"{_fmt(x(yr))},{_fmt(y(values[yr]))}" for yr in years)
    parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
    parts.append(f'<circle cx="{_fmt(x(years[-1]))}" cy="{_fmt(y(values[years[-1]]))}" r="3.5" fill="{colour}"/>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" class="hb-spark" aria-label="{h.text(describe(ind, a))}" '
            f'data-search-exclude>' + "".join(parts) + "</svg>")
