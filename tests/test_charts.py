"""Charts drawn at build time: axis ticks a reader expects, and a text alternative that states every number."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from macros.core.model import Indicator, Origin, Target
from macros.core.status import Status, assess
from macros.pages.charts import STATUS_COLOURS, describe, line_chart, nice_ticks, sparkline

SVG = "{http://www.w3.org/2000/svg}"


def indicator(values: dict, target: Target | None = None, unit: str = "%") -> Indicator:
    return Indicator(id="x", name="Tốc độ tăng trưởng", unit=unit, decimals=1, values=values, source=None,
                     illustrative=True, origin=Origin("data/x.yaml", 1), target=target)


def test_ticks_are_round_and_cover_the_range():
    assert nice_ticks(0, 10.7) == [0, 5, 10, 15]
    assert nice_ticks(0, 157.5) == [0, 50, 100, 150, 200]
    for low, high in ((0, 1.3), (-4, 9), (2650, 3150), (0, 25000)):
        ticks = nice_ticks(low, high)
        steps = {round(b - a, 9) for a, b in zip(ticks, ticks[1:], strict=False)}
        assert ticks[0] <= low and ticks[-1] >= high and 3 <= len(ticks) <= 7, ticks
        assert len(steps) == 1
        mantissa = f"{steps.pop():e}".split("e")[0].rstrip("0").rstrip(".")
        assert mantissa in ("1", "2", "2.5", "5"), ticks


def test_chart_is_valid_svg_with_title_description_target_and_status_colour():
    target = Target(value=10, year=2025, direction="at_least", base_year=2020, trend="linear", label=None, source=None)
    ind = indicator({2020: 2.7, 2021: 8.6, 2022: 9.4, 2023: 9.3, 2024: 10.2}, target)
    a = assess(ind, 0.95, 3)
    svg = line_chart(ind, a)
    root = ET.fromstring(svg.replace(" data-search-exclude", ' data-search-exclude=""'))
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    desc = root.find(f"{SVG}desc").text
    assert root.find(f"{SVG}desc").get("id") == desc_id
    for shown in ("2,7%", "8,6%", "9,4%", "9,3%", "10,2%", "10,0%"):
        assert shown in desc, (shown, desc)
    assert a.status == Status.ACHIEVED and "Đã đạt" in desc
    assert root.find(f"{SVG}line[@class='hb-chart__target']").get("stroke-dasharray")  # dashed: reads in B&W
    assert root.find(f"{SVG}polyline").get("stroke") == STATUS_COLOURS[Status.ACHIEVED]
    assert "✔ 10,2%" in svg  # the status symbol beside the latest value


def test_ranges_and_no_target_still_draw_and_describe():
    ind = indicator({2023: (1.5, 1.7), 2024: 1.6}, unit="lần")
    svg = line_chart(ind, None)
    assert "1,5–1,7\u00a0lần" in describe(ind, None)
    ET.fromstring(svg.replace(" data-search-exclude", ' data-search-exclude=""'))
    assert 'aria-label="' in sparkline(ind, None)
