"""Validation: each schema and cross-file rule gives FILE:LINE: KEY: what — how, all in one run."""

from __future__ import annotations

from pathlib import Path

import pytest

from macros.core.errors import DataError
from macros.core.load import load_dataset

from .helpers import INDICATORS, write_project


def problems_for(tmp_path: Path, files: dict[str, str]) -> list[str]:
    write_project(tmp_path, files)
    with pytest.raises(DataError) as info:
        load_dataset(tmp_path / "data", tmp_path)
    return [str(p) for p in info.value.problems]


def test_valid_project_loads(tmp_path):
    write_project(tmp_path)
    ds, warnings = load_dataset(tmp_path / "data", tmp_path)
    assert warnings == []
    assert ds.indicators["growth"].values[2024] == 10.25
    assert ds.indicators["national"].source == "src-a"
    assert ds.handbook.budgets_pages == {"index.md": 500}


def test_unknown_key_suggests_the_nearest(tmp_path):
    bad = INDICATORS.replace("    decimals: 1\n", "    decimal: 1\n")
    assert problems_for(tmp_path, {"data/indicators.yaml": bad}) == [
        'data/indicators.yaml:6: indicators[0].decimal: unknown key — did you mean "decimals"?']


def test_unit_wrong_type_and_range(tmp_path):
    bad = (INDICATORS.replace('unit: "%"\n    decimals', 'unit: "%%"\n    decimals')
           .replace("2021: 5.0", "2021: năm")
           .replace("      year: 2025", "      year: 3025"))
    got = problems_for(tmp_path, {"data/indicators.yaml": bad})
    assert got[0].startswith('data/indicators.yaml:5: indicators[0].unit: "%%" is not allowed — did you mean "%"?')
    assert got[1].startswith("data/indicators.yaml:10: indicators[0].values.2021: expected a number or a range")
    assert got[2].startswith("data/indicators.yaml:14: indicators[0].target.year: 3025 is above the maximum 2100")
    assert len(got) == 3


def test_missing_required_key_and_bad_id(tmp_path):
    bad = INDICATORS.replace("    name: Tăng trưởng\n", "").replace("id: growth", "id: Tăng_trưởng")
    got = problems_for(tmp_path, {"data/indicators.yaml": bad})
    assert "data/indicators.yaml:3: indicators[0]: missing required key 'name' — add `name: …`" in got
    assert any(p.startswith('data/indicators.yaml:3: indicators[0].id: "Tăng_trưởng" is not a valid id') for p in got)


def test_unknown_kind_and_missing_kind(tmp_path):
    got = problems_for(tmp_path, {"data/a.yaml": "kind: indicator\nindicators: []\n", "data/b.yaml": "x: 1\n"})
    assert 'data/a.yaml:1: kind: unknown kind "indicator" — did you mean "indicators"?' in got
    assert any(p.startswith("data/b.yaml:1: (file): missing `kind:`") for p in got)


def test_cross_references(tmp_path):
    bad = (INDICATORS.replace("source: src-a", "source: src-b")
           .replace("      base_year: 2020", "      base_year: 2019")
           + "    compare: growht\n")
    got = problems_for(tmp_path, {"data/indicators.yaml": bad})
    assert got == [
        'data/indicators.yaml:16: indicators[0].target.base_year: 2019 has no value — add a value for that year, '
        "or use one of: 2020, 2021, 2024",
        'data/indicators.yaml:21: indicators[1].source: no source "src-b" — did you mean "src-a"?',
        'data/indicators.yaml:24: indicators[1].compare: no indicator "growht" — did you mean "growth"?',
    ]


def test_source_or_illustrative_is_required(tmp_path):
    bad = INDICATORS.replace("    illustrative: true\n", "")
    got = problems_for(tmp_path, {"data/indicators.yaml": bad})
    assert got == ["data/indicators.yaml:7: indicators[0].values: has no source — add `source: <id from data/sources>` "
                   "or mark it `illustrative: true`"]


def test_duplicate_ids_across_files(tmp_path):
    extra = "kind: indicators\nindicators:\n  - id: growth\n    name: Khác\n    unit: người\n    illustrative: true\n" \
            "    values:\n      2024: 3\n"
    got = problems_for(tmp_path, {"data/more.yaml": extra})
    assert got == ['data/more.yaml:3: indicators[0].id: "growth" is defined twice (first at data/indicators.yaml:3) '
                   "— give each a unique id"]


def test_every_file_reports_in_one_run(tmp_path):
    got = problems_for(tmp_path, {"data/a.yaml": "a: 1\na: 2\n", "data/b.yaml": b"\xef\xbb\xbfkind: sources\n",
                                  "data/c.yaml": "kind: sources\nsources:\n\t- id: x\n"})
    files = {p.split(":")[0] for p in got}
    assert files == {"data/a.yaml", "data/b.yaml", "data/c.yaml"}


def test_compound_trend_needs_positive_values(tmp_path):
    bad = INDICATORS.replace("trend: linear", "trend: compound").replace("2020: 2.5", "2020: -1")
    got = problems_for(tmp_path, {"data/indicators.yaml": bad})
    assert got == ["data/indicators.yaml:17: indicators[0].target.trend: compound growth needs values above zero — "
                   "use `trend: linear` for rates and values that can be zero or negative"]


def test_calendar_dates_and_counts(tmp_path):
    bad_sources = "kind: sources\nsources:\n  - id: src-a\n    publisher: P\n    title: T\n    date: \"2024-02-30\"\n"
    got = problems_for(tmp_path, {"data/sources.yaml": bad_sources})
    assert got == ['data/sources.yaml:6: sources[0].date: "2024-02-30" is not a date on the calendar — check the day and month']
    counts = INDICATORS.replace('unit: "%"\n    source', 'unit: người\n    source')
    got = problems_for(tmp_path, {"data/indicators.yaml": counts})
    assert got == ["data/indicators.yaml:23: indicators[1].values.2024: 6.4 is not a count of người — write a whole number ≥ 0"]


def test_no_handbook_file(tmp_path):
    write_project(tmp_path)
    (tmp_path / "data" / "handbook.yaml").unlink()
    with pytest.raises(DataError) as info:
        load_dataset(tmp_path / "data", tmp_path)
    assert str(info.value).startswith("data/handbook.yaml:1: kind: no file of kind `handbook`")


def test_kind_that_is_not_a_word(tmp_path):
    got = problems_for(tmp_path, {"data/a.yaml": "kind: [1]\n"})
    assert got[0].startswith("data/a.yaml:1: kind: expected a word, got a list")


def test_whole_numbers_must_be_whole(tmp_path):
    bad = INDICATORS.replace("    decimals: 1\n", "    decimals: 1.0\n").replace("      year: 2025", "      year: 2025.5")
    got = problems_for(tmp_path, {"data/indicators.yaml": bad})
    assert got == [
        "data/indicators.yaml:6: indicators[0].decimals: expected a whole number, got the number 1.0 "
        "— write a whole number like 2025",
        "data/indicators.yaml:14: indicators[0].target.year: expected a whole number, got the number 2025.5 "
        "— write a whole number like 2025",
    ]


def test_year_key_that_is_not_a_year(tmp_path):
    got = problems_for(tmp_path, {"data/indicators.yaml": INDICATORS.replace("      2021: 5.0", "      202: 5.0")})
    assert got == ['data/indicators.yaml:10: indicators[0].values.202: "202" is not a year — use a four-digit year such as 2024']


def test_schema_problems_still_reported_beside_loading_problems(tmp_path):
    bad = INDICATORS.replace("      2021: 5.0", "      2021: .nan").replace("    decimals: 1\n", "    decimalz: 1\n")
    got = problems_for(tmp_path, {"data/indicators.yaml": bad})
    assert got == ['data/indicators.yaml:6: indicators[0].decimalz: unknown key — did you mean "decimals"?',
                   "data/indicators.yaml:10: indicators[0].values.2021: .nan is not a finite number — write a number"]
