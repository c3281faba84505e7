"""The compiled schema check agrees with jsonschema on valid and broken documents of every kind."""

from __future__ import annotations

import copy
import random

import pytest

from macros.core.fastschema import compile_schema
from macros.core.load import _validator
from macros.core.schema import SCHEMAS

INDICATORS = {"kind": "indicators", "indicators": [{
    "id": "grdp-growth", "name": "Tốc độ tăng trưởng", "unit": "%", "decimals": 1, "source": "cuc-thong-ke",
    "values": {"2021": 9.1, "2024": [10.0, 10.4]},
    "target": {"value": 10, "year": 2025, "direction": "at_least", "base_year": 2020, "trend": "linear"},
    "key": True}]}
SOURCES = {"kind": "sources", "sources": [{"id": "s", "publisher": "Cục Thống kê", "title": "Niên giám",
                                           "date": "2024-06", "url": "https://example.org/a"}]}
HANDBOOK = {"kind": "handbook", "title": "T", "organisation": "O", "status": "Dự thảo", "circulation": "C",
            "version": "0.1", "date": "2024-12-15", "budgets": {"total": 10, "pages": {"index.md": 5}},
            "status_method": {"on_track_ratio": 0.95, "min_points": 3},
            "pages": {"indicators": "chi-tieu.md", "documents": "van-ban.md"}}
ODD_VALUES = [None, True, False, 0, 1, 1.0, 2025.0, 1.5, -5, 10**16, "", "x", "2024", "Grdp Growth", [], [1], [1, 2],
              [1, 2, 3], ["a", "b"], {}, {"2024": 1}, {"x": 1}, "%%", "at_least", 2100, 2101, 0.0, 4, 5]


def _paths(data, prefix=()):
    yield prefix
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _paths(v, prefix + (i,))


def _set(data, path, value):
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _mutations(doc, rng):
    yield doc
    paths = [p for p in _paths(doc) if p]
    for path in paths:
        for value in ODD_VALUES:
            broken = copy.deepcopy(doc)
            _set(broken, path, value)
            yield broken
        parent_path = path[:-1]
        broken = copy.deepcopy(doc)
        parent = broken
        for part in parent_path:
            parent = parent[part]
        if isinstance(parent, dict):
            del parent[path[-1]]
            yield broken
            extra = copy.deepcopy(doc)
            _set(extra, parent_path + ("unknwn",), rng.choice(ODD_VALUES))
            yield extra


@pytest.mark.parametrize("doc", [INDICATORS, SOURCES, HANDBOOK], ids=["indicators", "sources", "handbook"])
def test_fast_check_agrees_with_jsonschema(doc):
    schema = SCHEMAS[doc["kind"]]
    fast = compile_schema(schema)
    assert fast is not None
    validator = _validator(doc["kind"])  # the validator loading uses (its own idea of an integer)
    rng = random.Random(5)
    checked = 0
    for variant in _mutations(doc, rng):
        assert fast(variant) == validator.is_valid(variant), variant
        checked += 1
    assert checked > 100


def test_every_kind_compiles():
    assert all(compile_schema(schema) is not None for schema in SCHEMAS.values())


def test_unsupported_keyword_is_not_compiled():
    assert compile_schema({"type": "object", "if": {"required": ["a"]}}) is None
    assert compile_schema({"enum": [1, 2]}) is None
