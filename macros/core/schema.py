"""JSON Schemas of the data kinds: what keys each file may have, their types, ranges and units.

Kept as data (JSON Schema, draft 2020-12) and checked by ``jsonschema`` rather than by hand-written
checks, so the rules are in one readable place. Cross-references between files (a source id, a
comparison indicator, a base year among the values) are checked afterwards in :mod:`macros.core.validate`.
"""

from __future__ import annotations

from typing import Any

UNITS: tuple[str, ...] = (
    "%", "điểm %", "lần", "tỷ đồng", "nghìn tỷ đồng", "triệu đồng", "triệu USD", "tỷ USD", "USD",
    "người", "đảng viên", "đại biểu", "tổ chức", "nhiệm vụ", "hộ", "căn", "ha", "km", "dự án", "xã",
    "đơn vị", "điểm",
)

ID = {"type": "string", "pattern": r"^[a-z0-9]+(-[a-z0-9]+)*\Z", "maxLength": 64}
TEXT = {"type": "string", "minLength": 1, "maxLength": 2000}
SHORT_TEXT = {"type": "string", "minLength": 1, "maxLength": 300}
YEAR = {"type": "integer", "minimum": 1900, "maximum": 2100}
# A date as editors know it: a year, a month or a day (a document whose day is not known stays honest).
DATE = {"type": "string", "pattern": r"^(19|20)\d\d(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?\Z"}
URL = {"type": "string", "pattern": r"^https?://[^\s]+\Z", "maxLength": 500}
NUMBER = {"type": "number", "minimum": -1e15, "maximum": 1e15}
VALUE = {"oneOf": [NUMBER, {"type": "array", "items": NUMBER, "minItems": 2, "maxItems": 2}]}
# What a statistics office says of a figure it has not finalised (shown beside the value on the page).
VALUE_FLAGS: tuple[str, ...] = ("ước tính", "sơ bộ")
YEAR_KEYS = {"pattern": r"^(19|20)\d\d$"}


def _object(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


SOURCE = _object({"id": ID, "publisher": SHORT_TEXT, "title": SHORT_TEXT, "date": DATE, "url": URL,
                  "note": TEXT}, ["id", "publisher", "title", "date"])

TARGET = _object({
    "value": NUMBER,
    "year": YEAR,
    "direction": {"enum": ["at_least", "at_most"]},
    "base_year": YEAR,
    "trend": {"enum": ["linear", "compound"]},
    "kind": {"enum": ["level", "average", "total"]},
    "label": SHORT_TEXT,
    "source": ID,
}, ["value", "year", "direction"])

INDICATOR = _object({
    "id": ID,
    "name": SHORT_TEXT,
    "unit": {"enum": list(UNITS)},
    "decimals": {"type": "integer", "minimum": 0, "maximum": 4},
    "group": SHORT_TEXT,
    "source": ID,
    "illustrative": {"type": "boolean"},
    "note": TEXT,
    "values": {"type": "object", "propertyNames": {"pattern": r"^(19|20)\d\d\Z"},
               "additionalProperties": VALUE, "minProperties": 1},
    "target": TARGET,
    "compare": ID,
    "key": {"type": "boolean"},
    # Written by `python -m macros intake`: the year's flag, and the workbook cell the value came from.
    "flags": {"type": "object", "propertyNames": YEAR_KEYS, "additionalProperties": {"enum": list(VALUE_FLAGS)}},
    "origins": {"type": "object", "propertyNames": YEAR_KEYS, "additionalProperties": _object({
        "workbook": SHORT_TEXT, "sheet": SHORT_TEXT,
        "cell": {"type": "string", "pattern": r"^[A-Z]{1,3}[1-9][0-9]{0,6}$"}, "date": DATE,
    }, ["workbook", "sheet", "cell", "date"])},
    # The plausible values [low, high]: intake refuses a cell outside it (a unit slip, a misplaced comma).
    "range": {"type": "array", "items": NUMBER, "minItems": 2, "maxItems": 2},
}, ["id", "name", "unit", "values"])

DOCUMENT = _object({
    "id": ID,
    "type": {"enum": ["Nghị quyết", "Kết luận", "Chỉ thị", "Quy định", "Quyết định", "Kế hoạch", "Luật",
                      "Thông báo", "Hướng dẫn", "Chương trình", "Đề án"]},
    "number": {"type": "string", "minLength": 1, "maxLength": 60},
    "date": DATE,
    "issuer": SHORT_TEXT,
    "title": SHORT_TEXT,
    "summary": TEXT,
    "source": ID,
    "url": URL,
}, ["id", "type", "issuer", "title"])

LIST_ITEM = _object({"title": SHORT_TEXT, "detail": TEXT, "documents": {"type": "array", "items": ID},
                     "indicators": {"type": "array", "items": ID}}, ["title"])

LIST = _object({"id": ID, "title": SHORT_TEXT, "intro": TEXT, "source": ID, "ordered": {"type": "boolean"},
                "items": {"type": "array", "items": LIST_ITEM, "minItems": 1}}, ["id", "title", "items"])

ABBREVIATION = _object({"short": {"type": "string", "minLength": 1, "maxLength": 20}, "full": SHORT_TEXT},
                       ["short", "full"])

# The rounds of comment on the draft (a conference, scientists, central ministries): what each comment answers to.
# `revision` is the git commit (or tag) of the draft the round read, for the check that an `absorbed` comment's
# section has changed since; it cannot start with "-", so it is never read as an option by git.
ROUND = _object({
    "id": ID,
    "title": SHORT_TEXT,
    "date": DATE,
    "draft": {"type": "string", "minLength": 1, "maxLength": 40},
    "revision": {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}\Z"},
    "source": ID,
}, ["id", "title", "date", "draft"])

HANDBOOK = _object({
    "kind": {"const": "handbook"},
    "title": SHORT_TEXT,
    "short_title": SHORT_TEXT,
    "organisation": SHORT_TEXT,
    "congress": SHORT_TEXT,
    "status": SHORT_TEXT,
    "circulation": SHORT_TEXT,
    "version": {"type": "string", "minLength": 1, "maxLength": 40},
    "date": DATE,
    "reading_speed": {"type": "integer", "minimum": 50, "maximum": 1000},
    # The git revision of the draft before this one (a tag, branch or commit), for the changes page.
    "previous": {"type": "string", "pattern": r"^[A-Za-z0-9_][A-Za-z0-9._/~^@{}-]{0,99}\Z"},
    # The Party document header of the printed cover: the issuing body (under its superior) and the place.
    "header": _object({"parent": SHORT_TEXT, "issuer": SHORT_TEXT, "place": SHORT_TEXT}, ["issuer", "place"]),
    "budgets": _object({
        "total": {"type": "integer", "minimum": 1},
        "pages": {"type": "object", "propertyNames": {"pattern": r"^[^\s]+\.md\Z"},
                  "additionalProperties": {"type": "integer", "minimum": 1}},
    }, ["total", "pages"]),
    "status_method": _object({
        "on_track_ratio": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
        "min_points": {"type": "integer", "minimum": 2, "maximum": 10},
    }, ["on_track_ratio", "min_points"]),
    # Bounds on work an editor's page can cause (macros.core.limits); the defaults are far above a real report.
    "limits": _object({
        "page_seconds": {"type": "number", "exclusiveMinimum": 0, "maximum": 3600},
        "page_memory_mb": {"type": "integer", "minimum": 16, "maximum": 16384},
        "check_seconds": {"type": "number", "exclusiveMinimum": 0, "maximum": 86400},
    }, []),
    "pages": _object({"indicators": {"type": "string", "pattern": r"\.md\Z"},
                      "documents": {"type": "string", "pattern": r"\.md\Z"},
                      "method": {"type": "string", "pattern": r"\.md\Z"},
                      "comments": {"type": "string", "pattern": r"\.md\Z"}}, ["indicators", "documents"]),
    "rounds": {"type": "array", "items": ROUND, "minItems": 1},
}, ["kind", "title", "organisation", "status", "circulation", "version", "date", "budgets", "status_method",
    "pages"])


COMMENT_SOURCE_TYPES: tuple[str, ...] = ("delegate", "scientist", "ministry", "party-unit", "agency", "citizen",
                                         "other")
DISPOSITIONS: tuple[str, ...] = ("absorbed", "partly", "explained", "pending")

COMMENT = _object({
    "id": ID,
    "from": _object({"type": {"enum": list(COMMENT_SOURCE_TYPES)}, "name": SHORT_TEXT}, ["type", "name"]),
    "date": DATE,
    # A heading's anchor ("moi-truong"), or the page and anchor ("phan-1/van-hoa-xa-hoi.md#moi-truong"), or a page.
    "section": {"type": "string", "pattern": r"^[^\s#]*(#[^\s#]+)?\Z", "minLength": 1, "maxLength": 200},
    "quote": TEXT,
    "text": TEXT,
    "disposition": {"enum": list(DISPOSITIONS)},
    "response": TEXT,
    "issue": ID,
    "decided_by": SHORT_TEXT,
    "decided_on": DATE,
    "source": ID,
}, ["id", "from", "date", "section", "text", "disposition"])

COMMENTS = _object({"kind": {"const": "comments"}, "round": ID,
                    "comments": {"type": "array", "items": COMMENT, "minItems": 1}}, ["kind", "round", "comments"])


def _kind(kind: str, key: str, item: dict[str, Any]) -> dict[str, Any]:
    # An empty list is valid: a new handbook (`python -m macros new`) starts with no indicators or documents.
    return _object({"kind": {"const": kind}, key: {"type": "array", "items": item}}, ["kind", key])


SCHEMAS: dict[str, dict[str, Any]] = {
    "handbook": HANDBOOK,
    "sources": _kind("sources", "sources", SOURCE),
    "indicators": _kind("indicators", "indicators", INDICATOR),
    "documents": _kind("documents", "documents", DOCUMENT),
    "lists": _kind("lists", "lists", LIST),
    "abbreviations": _kind("abbreviations", "items", ABBREVIATION),
    "comments": COMMENTS,
}
