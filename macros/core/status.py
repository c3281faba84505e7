"""Target status, computed from the data rather than typed by hand.

Method (adapted from Open SDG's progress measure, "methodology 2" of UN ESCAP): compare the rate of
change actually achieved since the base year with the rate needed to reach the target by its year.

* compound trend (levels: money, people): rate = (latest ÷ base)^(1 ÷ years) − 1
* linear trend (rates, shares, values that may be ≤ 0): rate = (latest − base) ÷ years

ratio = achieved rate ÷ needed rate. The latest value already meeting the target is *achieved*; a target
whose year has passed without being met is *not met*; otherwise a ratio at or above the configured
threshold (Open SDG uses 0.95 for "substantial progress") is *on track*, below it *at risk*. Fewer
values than the configured minimum, a missing base, or a range value give *not assessable*, never a guess.
Every input is kept in the result so a reviewer can redo the sum.

A target over a period (``kind: average``, "bình quân 2021–2025", or ``kind: total``, "tổng 5 năm") covers the
years after ``base_year`` up to ``year``. It is judged on what is known and projected: the years still to come
are taken at the latest value, and the projected average (or total) is compared with the target. It is
*achieved* when the whole period is known and meets it (or, for a total to reach, when the known years alone
already meet it), *not met* when the whole period is known and does not; otherwise *on track* if the
projection meets the target, *at risk* if not. One year's value never decides a term target.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .model import Indicator


class Status(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    NOT_MET = "not_met"
    NOT_ASSESSABLE = "not_assessable"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def symbol(self) -> str:
        return STATUS_SYMBOLS[self]


STATUS_LABELS = {
    Status.ACHIEVED: "Đã đạt",
    Status.ON_TRACK: "Đúng tiến độ",
    Status.AT_RISK: "Có nguy cơ không đạt",
    Status.NOT_MET: "Không đạt",
    Status.NOT_ASSESSABLE: "Chưa đủ dữ liệu",
}
# Distinct shapes, so the status reads in black-and-white print and without colour vision.
STATUS_SYMBOLS = {
    Status.ACHIEVED: "✔",
    Status.ON_TRACK: "▲",
    Status.AT_RISK: "!",
    Status.NOT_MET: "✘",
    Status.NOT_ASSESSABLE: "?",
}


@dataclass(frozen=True)
class Assessment:
    """A status with every input and intermediate figure that produced it."""

    status: Status
    reason: str
    target_value: float | None = None
    target_year: int | None = None
    direction: str | None = None
    trend: str | None = None
    base_year: int | None = None
    base_value: float | None = None
    latest_year: int | None = None
    latest_value: float | None = None
    achieved_rate: float | None = None
    needed_rate: float | None = None
    ratio: float | None = None
    threshold: float | None = None
    points: int = 0
    kind: str = "level"
    # A period target: the average (or total) of the known years, and the projection for the whole period.
    period_known: float | None = None
    period_projected: float | None = None


def meets(value: float, target: float, direction: str) -> bool:
    return value >= target if direction == "at_least" else value <= target


def rate(start: float, end: float, years: int, trend: str) -> float:
    """Average yearly change between two values, compound or linear."""
    if trend == "compound":
        return (end / start) ** (1.0 / years) - 1.0
    return (end - start) / years


def assess(ind: Indicator, on_track_ratio: float, min_points: int) -> Assessment:
    """Compute the status of ``ind``'s target (pure: same inputs, same answer)."""
    t = ind.target
    if t is None:
        return Assessment(Status.NOT_ASSESSABLE, "chỉ tiêu không có mục tiêu")
    base_year = t.base_year if t.base_year is not None else min(ind.values)
    common = dict(target_value=t.value, target_year=t.year, direction=t.direction, trend=t.trend,
                  base_year=base_year, threshold=on_track_ratio)
    if isinstance(ind.values[max(ind.values)], tuple):
        return Assessment(Status.NOT_ASSESSABLE, "giá trị mới nhất là một khoảng", **common)
    usable = {y: v for y, v in ind.values.items() if y >= base_year and not isinstance(v, tuple)}
    if base_year not in usable:
        return Assessment(Status.NOT_ASSESSABLE, "không có giá trị năm cơ sở", **common)
    points = len(usable)
    latest_year = max(usable)
    base_value = usable[base_year]
    latest_value = usable[latest_year]
    common.update(base_value=base_value, latest_year=latest_year, latest_value=latest_value, points=points)
    if t.kind != "level":
        return _assess_period(ind, usable, common, min_points)
    if latest_year >= t.year:
        # Judged on the deadline: the last value in or before the target year; later values do not count.
        in_time = [y for y in usable if y <= t.year]
        if in_time and meets(usable[max(in_time)], t.value, t.direction):
            return Assessment(Status.ACHIEVED, "đã đạt mục tiêu trong thời hạn", **common)
        return Assessment(Status.NOT_MET, "đã hết thời hạn mà chưa đạt mục tiêu", **common)
    if meets(latest_value, t.value, t.direction):
        return Assessment(Status.ACHIEVED, "giá trị mới nhất đã đạt mục tiêu", **common)
    if points < min_points:
        return Assessment(Status.NOT_ASSESSABLE, f"chỉ có {points} giá trị từ năm cơ sở", **common)
    achieved = rate(base_value, latest_value, latest_year - base_year, t.trend)
    needed = rate(base_value, t.value, t.year - base_year, t.trend)
    common.update(achieved_rate=achieved, needed_rate=needed)
    if needed == 0 or (needed > 0) != (t.direction == "at_least"):
        # The base already met the target and the value has since moved away from it.
        return Assessment(Status.AT_RISK, "giá trị đi ngược mục tiêu so với năm cơ sở", ratio=None, **common)
    ratio = achieved / needed
    common["ratio"] = ratio
    if ratio >= on_track_ratio:
        return Assessment(Status.ON_TRACK, "tốc độ đạt được đủ để về đích đúng hạn", **common)
    return Assessment(Status.AT_RISK, "tốc độ đạt được thấp hơn tốc độ cần thiết", **common)


def _assess_period(ind: Indicator, usable: dict[int, float], common: dict, min_points: int) -> Assessment:
    """An average or a total over the years after the base year up to the target year."""
    t = ind.target
    assert t is not None
    period = range(common["base_year"] + 1, t.year + 1)
    known = {y: usable[y] for y in period if y in usable}
    common["kind"] = t.kind
    if len(known) < min(min_points, len(period)):
        return Assessment(Status.NOT_ASSESSABLE, f"chỉ có {len(known)} giá trị trong giai đoạn", **common)
    latest = known[max(known)]
    projected_sum = sum(known.values()) + latest * (len(period) - len(known))
    if t.kind == "average":
        now, projected = sum(known.values()) / len(known), projected_sum / len(period)
    else:
        now, projected = sum(known.values()), projected_sum
    common.update(period_known=now, period_projected=projected, points=len(known))
    whole = len(known) == len(period)
    word = "bình quân" if t.kind == "average" else "tổng"
    if whole:
        if meets(projected, t.value, t.direction):
            return Assessment(Status.ACHIEVED, f"{word} cả giai đoạn đạt mục tiêu", **common)
        return Assessment(Status.NOT_MET, f"{word} cả giai đoạn chưa đạt mục tiêu", **common)
    if t.kind == "total" and t.direction == "at_least" and meets(now, t.value, t.direction):
        return Assessment(Status.ACHIEVED, "tổng các năm đã có đã đạt mục tiêu", **common)
    if meets(projected, t.value, t.direction):
        return Assessment(Status.ON_TRACK, f"{word} dự kiến cả giai đoạn đạt mục tiêu", **common)
    return Assessment(Status.AT_RISK, f"{word} dự kiến cả giai đoạn chưa đạt mục tiêu", **common)
