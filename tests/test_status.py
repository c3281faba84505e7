"""Target status: each status and its edges, with the inputs kept for a reviewer."""

from __future__ import annotations

import pytest

from macros.core.model import Indicator, Origin, Target
from macros.core.status import Status, assess, rate

ORIGIN = Origin("data/x.yaml", 1)


def indicator(values, value=10.0, year=2025, direction="at_least", base_year=2020, trend="linear"):
    target = Target(value=value, year=year, direction=direction, base_year=base_year, trend=trend, label=None,
                    source=None)
    return Indicator(id="x", name="X", unit="%", decimals=1, values=values, source=None, illustrative=True,
                     origin=ORIGIN, target=target)


def status(values, **kw):
    return assess(indicator(values, **kw), on_track_ratio=0.95, min_points=3)


def test_achieved_when_latest_meets_target_early():
    a = status({2020: 5, 2021: 7, 2023: 10})
    assert a.status is Status.ACHIEVED and a.latest_value == 10 and a.latest_year == 2023


def test_on_track_at_exactly_the_threshold():
    # needed: (10 - 5) / 5 = 1.0 a year; achieved (8.8 - 5) / 4 = 0.95 a year: ratio 0.95 is on track.
    a = status({2020: 5, 2022: 7, 2024: 8.8})
    assert a.status is Status.ON_TRACK
    assert a.ratio == pytest.approx(0.95)
    assert (a.base_year, a.base_value, a.needed_rate) == (2020, 5, pytest.approx(1.0))


def test_at_risk_just_below_the_threshold():
    a = status({2020: 5, 2022: 7, 2024: 8.79})
    assert a.status is Status.AT_RISK and a.ratio < 0.95


def test_at_risk_when_moving_away_from_the_target():
    a = status({2020: 5, 2022: 4, 2024: 3})
    assert a.status is Status.AT_RISK and a.ratio < 0


def test_not_met_when_the_year_has_passed():
    a = status({2020: 5, 2023: 8, 2025: 9.9})
    assert a.status is Status.NOT_MET


def test_achieved_at_the_deadline_uses_the_target_year_value():
    assert status({2020: 5, 2023: 8, 2025: 10, 2026: 9}).status is Status.ACHIEVED


def test_at_most_direction_compound():
    # poverty rate from 4% to at most 1% by 2025: needed (1/4)^(1/5)-1 ≈ -24.2%/yr
    fast = status({2020: 4, 2022: 2.2, 2024: 1.3}, value=1, direction="at_most", trend="compound")
    slow = status({2020: 4, 2022: 3.5, 2024: 3}, value=1, direction="at_most", trend="compound")
    assert fast.status is Status.ON_TRACK and slow.status is Status.AT_RISK
    assert fast.needed_rate == pytest.approx(rate(4, 1, 5, "compound"))


def test_too_few_points_is_not_assessable():
    a = status({2020: 5, 2024: 8})
    assert a.status is Status.NOT_ASSESSABLE and a.points == 2


def test_missing_base_or_range_is_not_assessable():
    assert status({2021: 5, 2022: 6, 2024: 7}).status is Status.NOT_ASSESSABLE
    assert status({2020: (1.0, 2.0), 2022: 6, 2024: 7}).status is Status.NOT_ASSESSABLE


def test_no_target():
    ind = indicator({2020: 1})
    ind = Indicator(**{**ind.__dict__, "target": None})
    assert assess(ind, 0.95, 3).status is Status.NOT_ASSESSABLE


def test_judged_at_the_deadline_not_after():
    assert status({2020: 1, 2022: 2, 2027: 6}, value=5).status is Status.NOT_MET  # met only after 2025
    assert status({2020: 1, 2024: 6, 2027: 4}, value=5).status is Status.ACHIEVED  # met in time, fell later


def test_latest_range_is_not_assessable():
    assert status({2020: 5, 2022: 6, 2024: (7.0, 8.0)}).status is Status.NOT_ASSESSABLE
