"""Load every YAML file under ``data/`` into a checked :class:`~macros.core.model.Dataset`.

Inputs → model: files are read safely (:mod:`macros.core.yamlsafe`), checked against their kind's schema
(:mod:`macros.core.schema`), turned into model objects, then cross-checked (:mod:`macros.core.validate`). All
problems of all files are gathered and raised together as one :class:`~macros.core.errors.DataError`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import DataError, Problem, suggest
from .fastschema import compile_schema
from .model import (
    Abbreviation,
    CellOrigin,
    Comment,
    Dataset,
    Document,
    Handbook,
    Indicator,
    ItemList,
    ListItem,
    Origin,
    PartialDate,
    Round,
    Source,
    Target,
)
from .schema import SCHEMAS, UNITS
from .yamlsafe import YamlDoc, load_yaml_file, path_text

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

_TYPE_NAMES = {"string": "text", "integer": "a whole number", "number": "a number", "boolean": "true or false",
               "object": "a mapping of keys", "array": "a list", "null": "nothing"}


def _is_integer(_checker: object, value: object) -> bool:
    """JSON Schema counts 1.0 as an integer; a year or a count of decimals written 2025.0 is a typo."""
    return isinstance(value, int) and not isinstance(value, bool)


@cache
def _validator(kind: str) -> Draft202012Validator:
    # Imported here: a valid file never needs jsonschema (macros.core.fastschema answers), and importing it
    # costs about 40 ms and 3 MB in every check and build.
    from jsonschema import Draft202012Validator, validators

    extended = validators.extend(Draft202012Validator,
                                 type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer))
    return extended(SCHEMAS[kind])


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f'the text "{value[:40]}"'
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "nothing" if value is None else type(value).__name__


@cache
def _fast_check(kind: str):
    return compile_schema(SCHEMAS[kind])


def _schema_problems(doc: YamlDoc, kind: str) -> None:
    """Translate jsonschema's errors into editor-facing problems at the right line and key.

    A line that loading already reported (a duplicate key, a number that is not finite) is not
    reported again: one cause, one line. A valid file (almost every file) is recognised by the
    compiled check of :mod:`macros.core.fastschema`, several times faster than jsonschema; only a file it
    refuses is walked by jsonschema for the errors.
    """
    fast = _fast_check(kind)
    if fast is not None and fast(doc.data):
        return
    reported = {p.line for p in doc.problems if p.is_error}
    before = len(doc.problems)
    for error in _validator(kind).iter_errors(doc.data):
        _translate(doc, error)
    doc.problems[before:] = [p for p in doc.problems[before:] if p.line not in reported]


def _translate(doc: YamlDoc, error: ValidationError) -> None:
    path = tuple(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    v = error.validator
    if v == "additionalProperties":
        allowed = list(schema.get("properties", {}))
        for key in sorted(set(error.instance) - set(allowed)):
            doc.problem(path + (key,), "unknown key", suggest(key, allowed))
    elif v == "required":
        missing = error.message.split("'")[1] if "'" in error.message else str(error.validator_value)
        doc.problem(path, f"missing required key '{missing}'", f"add `{missing}: …`")
    elif v == "enum":
        options = [str(o) for o in error.validator_value]
        hint = suggest(str(error.instance), options)
        if not hint.startswith("did you"):
            hint = "use one of: " + ", ".join(options)
        else:
            hint += " (allowed: " + ", ".join(options) + ")"
        doc.problem(path, f'"{error.instance}" is not allowed', hint)
    elif v == "const":
        doc.problem(path, f'must be "{error.validator_value}"', f"write `{path_text(path)}: {error.validator_value}`")
    elif v == "type":
        expected = error.validator_value
        names = [_TYPE_NAMES.get(t, t) for t in (expected if isinstance(expected, list) else [expected])]
        if "a number" in names or "a whole number" in names:
            hint = "write a plain number like 10.2" if "a number" in names else "write a whole number like 2025"
        elif names == ["text"]:
            hint = 'put it in quotes: "…"'
        else:
            hint = "write a value of that type"
        doc.problem(path, f"expected {' or '.join(names)}, got {_describe(error.instance)}", hint)
    elif v == "pattern":
        pattern = schema.get("pattern", "")
        if "propertyNames" in error.relative_schema_path:
            key = str(error.instance)
            doc.problem(path + (key,), f'"{key}" is not a year', "use a four-digit year such as 2024")
            return
        if "(19|20)" in pattern:
            doc.problem(path, f'"{error.instance}" is not a date', "write YYYY-MM-DD (or YYYY-MM, or YYYY)")
        elif pattern.startswith("^[a-z0-9]"):
            doc.problem(path, f'"{error.instance}" is not a valid id',
                        "use lower-case letters without diacritics, digits and hyphens, e.g. grdp-growth")
        elif pattern.startswith("^[^\\s#]"):
            doc.problem(path, f'"{error.instance}" is not a section id',
                        "write a heading's id (moi-truong), or the page and id (phan-1/van-hoa-xa-hoi.md#moi-truong)")
        elif pattern.startswith("^[A-Za-z0-9]"):
            doc.problem(path, f'"{error.instance}" is not a git revision', "write a commit id or a tag name")
        elif pattern.startswith("^https?"):
            doc.problem(path, f'"{error.instance}" is not a web address', "write a full http:// or https:// URL")
        else:
            doc.problem(path, f'"{error.instance}" has the wrong form', f"it must match {pattern}")
    elif v in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        word = {"minimum": "below the minimum", "maximum": "above the maximum",
                "exclusiveMinimum": "not above", "exclusiveMaximum": "not below"}[v]
        doc.problem(path, f"{error.instance} is {word} {error.validator_value}", "check the value and its unit")
    elif v in ("minItems", "minProperties"):
        doc.problem(path, "is empty", "give at least one entry")
    elif v in ("maxItems",):
        doc.problem(path, "has too many entries", "a range is written [low, high]")
    elif v in ("minLength",):
        doc.problem(path, "is empty", "write the text, or remove the key")
    elif v in ("maxLength",):
        doc.problem(path, f"is longer than {error.validator_value} characters", "shorten it")
    elif v == "oneOf":
        if isinstance(error.instance, (int, float)) and not isinstance(error.instance, bool):
            doc.problem(path, f"{error.instance:g} is out of range", "check the value and its unit")
        else:
            doc.problem(path, f"expected a number or a range [low, high], got {_describe(error.instance)}",
                        "write a plain number like 10.2, or [1.5, 1.7]")
    else:
        doc.problem(path, error.message, "see README.md, section Data")


def discover(data_dir: Path) -> list[Path]:
    """Every YAML file under ``data_dir``, in a stable order (``.yml`` too: it is YAML all the same).

    Only regular files, found without following links: a data file linked to a host file (``/etc/shadow``)
    would be read and quoted in messages; :func:`linked_files` names those instead."""
    found = []
    for folder, dirs, files in os.walk(data_dir, followlinks=False):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            path = Path(folder) / name
            if path.suffix in (".yaml", ".yml") and not path.is_symlink() and path.is_file():
                found.append(path)
    return sorted(found)


def linked_files(data_dir: Path) -> list[Path]:
    """Symbolic links under ``data_dir`` (files or folders): never read, each reported."""
    found = []
    for folder, dirs, files in os.walk(data_dir, followlinks=False):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found += [Path(folder) / name for name in [*dirs, *files] if (Path(folder) / name).is_symlink()]
    return sorted(found)


def display_path(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def read_documents(data_dir: Path, root: Path, contents: Mapping[Path, bytes | OSError] | None = None) -> list[YamlDoc]:
    """Read and schema-check every data file; each document keeps its own problems.

    ``contents`` maps files to bytes already read (:func:`~macros.core.yamlsafe.read_capped`); those files are
    not read again, so what is loaded is exactly what the caller saw.
    """
    docs = []
    for path in (list(contents) if contents is not None else discover(data_dir)):
        doc = load_yaml_file(path, display_path(path, root), contents.get(path) if contents is not None else None)
        docs.append(doc)
        if doc.data is None:
            continue
        if not isinstance(doc.data, dict):
            doc.problem((), f"expected a mapping with `kind:` at the top, got {_describe(doc.data)}",
                        "start the file with `kind: indicators` (or another kind)")
            continue
        kind = doc.data.get("kind")
        if kind is not None and not isinstance(kind, str):
            doc.problem(("kind",), f"expected a word, got {_describe(kind)}", "use one of: " + ", ".join(SCHEMAS))
        elif kind is None:
            doc.problem((), "missing `kind:`", "add `kind:` with one of: " + ", ".join(SCHEMAS))
        elif kind not in SCHEMAS:
            hint = suggest(str(kind), SCHEMAS)
            doc.problem(("kind",), f'unknown kind "{kind}"',
                        hint if hint.startswith("did") else "use one of: " + ", ".join(SCHEMAS))
        else:
            _schema_problems(doc, kind)
    return docs


def _origin(doc: YamlDoc, path: tuple) -> Origin:
    return Origin(doc.file, doc.line(path), tuple(path))


def _handbook(doc: YamlDoc) -> Handbook:
    d = doc.data
    budgets = d["budgets"]
    return Handbook(
        title=d["title"], organisation=d["organisation"], status=d["status"], circulation=d["circulation"],
        version=d["version"], date=PartialDate.parse(d["date"]),
        budgets_total=budgets["total"], budgets_pages=dict(budgets["pages"]),
        budget_lines={page: doc.line(("budgets", "pages", page)) for page in budgets["pages"]},
        page_lines={key: doc.line(("pages", key)) for key in d["pages"]},
        on_track_ratio=float(d["status_method"]["on_track_ratio"]), min_points=d["status_method"]["min_points"],
        indicators_page=d["pages"]["indicators"], documents_page=d["pages"]["documents"],
        method_page=d["pages"].get("method"), comments_page=d["pages"].get("comments"), origin=_origin(doc, ()),
        short_title=d.get("short_title"), congress=d.get("congress"), reading_speed=d.get("reading_speed", 200),
        **{key: d.get("limits", {})[key] for key in ("page_seconds", "page_memory_mb", "check_seconds")
           if key in d.get("limits", {})},
        previous=d.get("previous"), previous_line=doc.line(("previous",)) if "previous" in d else 0,
        header_parent=(d.get("header") or {}).get("parent"), header_issuer=(d.get("header") or {}).get("issuer"),
        header_place=(d.get("header") or {}).get("place"),
    )


def _value(v: Any) -> float | tuple[float, float]:
    return (float(v[0]), float(v[1])) if isinstance(v, list) else float(v)


def _indicator(doc: YamlDoc, i: int, d: dict) -> Indicator:
    t = d.get("target")
    target = None
    if t:
        target = Target(value=float(t["value"]), year=t["year"], direction=t["direction"],
                        base_year=t.get("base_year"), trend=t.get("trend", "linear"),
                        label=t.get("label"), source=t.get("source"), kind=t.get("kind", "level"))
    return Indicator(
        id=d["id"], name=d["name"], unit=d["unit"],
        decimals=d.get("decimals", 1 if d["unit"] in ("%", "lần", "điểm %") else 0),
        values={int(y): _value(v) for y, v in d["values"].items()}, source=d.get("source"),
        illustrative=bool(d.get("illustrative", False)), origin=_origin(doc, ("indicators", i)),
        group=d.get("group"), note=d.get("note"), target=target, compare=d.get("compare"), key=bool(d.get("key", False)),
        flags={int(y): f for y, f in d.get("flags", {}).items()},
        origins={int(y): CellOrigin(o["workbook"], o["sheet"], o["cell"], PartialDate.parse(o["date"]))
                 for y, o in d.get("origins", {}).items()},
        range=(float(d["range"][0]), float(d["range"][1])) if "range" in d else None,
    )


def _document(doc: YamlDoc, i: int, d: dict) -> Document:
    return Document(id=d["id"], type=d["type"], number=d.get("number"), issuer=d["issuer"], title=d["title"],
                    origin=_origin(doc, ("documents", i)), date=PartialDate.parse(d["date"]) if "date" in d else None,
                    summary=d.get("summary"), source=d.get("source"), url=d.get("url"))


def _list(doc: YamlDoc, i: int, d: dict) -> ItemList:
    items = tuple(ListItem(title=it["title"], detail=it.get("detail"), documents=tuple(it.get("documents", ())),
                           indicators=tuple(it.get("indicators", ()))) for it in d["items"])
    return ItemList(id=d["id"], title=d["title"], items=items, origin=_origin(doc, ("lists", i)),
                    intro=d.get("intro"), source=d.get("source"), ordered=d.get("ordered", True))


def _check_dates(doc: YamlDoc, items_key: str, keys: tuple[str, ...] = ("date",)) -> None:
    """Schema patterns accept 2024-02-30; the calendar does not."""
    entries = doc.data.get(items_key) if items_key else [doc.data]
    for i, entry in enumerate(entries or []):
        for key in keys:
            path = (items_key, i, key) if items_key else (key,)
            if isinstance(entry, dict) and isinstance(entry.get(key), str):
                try:
                    PartialDate.parse(entry[key])
                except ValueError:
                    doc.problem(path, f'"{entry[key]}" is not a date on the calendar', "check the day and month")


def _rounds(doc: YamlDoc) -> dict[str, Round]:
    """The handbook's rounds of comment; a second round with the same id is reported by the cross-check."""
    out: dict[str, Round] = {}
    for i, r in enumerate(doc.data.get("rounds", ())):
        out.setdefault(r["id"], Round(r["id"], r["title"], PartialDate.parse(r["date"]), r["draft"],
                                      _origin(doc, ("rounds", i)), r.get("revision"), r.get("source")))
    return out


def _comment(doc: YamlDoc, i: int, d: dict) -> Comment:
    return Comment(
        id=d["id"], round=doc.data["round"], from_type=d["from"]["type"], from_name=d["from"]["name"],
        date=PartialDate.parse(d["date"]), section=d["section"], text=d["text"], disposition=d["disposition"],
        origin=_origin(doc, ("comments", i)), quote=d.get("quote"), response=d.get("response"), issue=d.get("issue"),
        decided_by=d.get("decided_by"),
        decided_on=PartialDate.parse(d["decided_on"]) if "decided_on" in d else None, source=d.get("source"),
        section_line=doc.line(("comments", i, "section")), disposition_line=doc.line(("comments", i, "disposition")))


def _check_origin_dates(doc: YamlDoc) -> None:
    for i, entry in enumerate(doc.data.get("indicators") or []):
        for year, origin in (entry.get("origins") or {}).items():
            try:
                PartialDate.parse(origin["date"])
            except ValueError:
                doc.problem(("indicators", i, "origins", year, "date"), f'"{origin["date"]}" is not a date on the calendar',
                            "check the day and month")


_COLLECTIONS = {"sources": "sources", "indicators": "indicators", "documents": "documents", "lists": "lists"}


def build_dataset(docs: Iterable[YamlDoc], data_dir_display: str = "data",
                  consistency: bool = True) -> tuple[Dataset | None, list[Problem]]:
    """Turn schema-checked documents into a Dataset and cross-check it; return it with every problem."""
    from .validate import cross_check

    docs = list(docs)
    problems: list[Problem] = []
    handbooks: list[YamlDoc] = []
    valid: list[YamlDoc] = []
    for doc in docs:
        if any(p.is_error for p in doc.problems):
            continue
        kind = doc.data["kind"]
        if kind == "handbook":
            _check_dates(doc, "")
            _check_dates(doc, "rounds")
            handbooks.append(doc)
        elif kind == "comments":
            _check_dates(doc, "comments", ("date", "decided_on"))
        elif kind in ("sources", "documents"):
            _check_dates(doc, kind)
        elif kind == "indicators":
            _check_origin_dates(doc)
        if not any(p.is_error for p in doc.problems):
            valid.append(doc)
    for doc in docs:
        problems.extend(doc.problems)
    if not handbooks and not any(d.data and isinstance(d.data, dict) and d.data.get("kind") == "handbook" for d in docs):
        problems.append(Problem(f"{data_dir_display}/handbook.yaml", 1, "kind",
                                "no file of kind `handbook`", "create data/handbook.yaml with `kind: handbook`"))
    for extra in handbooks[1:]:
        problems.append(Problem(extra.file, 1, "kind", f"a second `handbook` file (the first is {handbooks[0].file})",
                                "keep one handbook file"))
    if not handbooks or any(p.is_error for p in problems):
        # Structural errors first: cross-checks on half-valid data would only add noise.
        return None, problems
    dataset = Dataset(handbook=_handbook(handbooks[0]), rounds=_rounds(handbooks[0]))
    seen: dict[tuple[str, str], Origin] = {}
    for doc in valid:
        kind = doc.data["kind"]
        if kind == "abbreviations":
            for i, d in enumerate(doc.data["items"]):
                dataset.abbreviations.append(Abbreviation(d["short"], d["full"], _origin(doc, ("items", i))))
            continue
        if kind == "comments":
            for i, d in enumerate(doc.data["comments"]):
                origin = _origin(doc, ("comments", i))
                first = dataset.comments.get(d["id"])
                if first:
                    problems.append(Problem(origin.file, doc.line(("comments", i, "id")), f"comments[{i}].id",
                                            f'"{d["id"]}" is defined twice (first at {first.origin})',
                                            "give each comment a unique id"))
                    continue
                dataset.comments[d["id"]] = _comment(doc, i, d)
            continue
        if kind not in _COLLECTIONS:
            continue
        target = getattr(dataset, kind)
        for i, d in enumerate(doc.data[kind]):
            origin = _origin(doc, (kind, i))
            first = seen.get((kind, d["id"]))
            if first:
                problems.append(Problem(origin.file, origin.line, f"{kind}[{i}].id",
                                        f'"{d["id"]}" is defined twice (first at {first})', "give each a unique id"))
                continue
            seen[(kind, d["id"])] = origin
            if kind == "sources":
                target[d["id"]] = Source(d["id"], d["publisher"], d["title"], PartialDate.parse(d["date"]),
                                         d.get("url"), d.get("note"), origin)
            elif kind == "indicators":
                target[d["id"]] = _indicator(doc, i, d)
            elif kind == "documents":
                target[d["id"]] = _document(doc, i, d)
            else:
                target[d["id"]] = _list(doc, i, d)
    problems.extend(cross_check(dataset, {d.file: d for d in valid}, consistency))
    return dataset, problems


def load_dataset(data_dir: Path, root: Path | None = None, contents: Mapping[Path, bytes | OSError] | None = None,
                 consistency: bool = True) -> tuple[Dataset, list[Problem]]:
    """Load and check ``data_dir``; return the dataset and its warnings, or raise DataError with every problem.

    ``consistency=False``: without the editorial rules, for an earlier draft (see :func:`validate.cross_check`).

    ``contents``: the data files as already read, in :func:`discover`'s order (see :func:`read_documents`).
    """
    root = root or data_dir.parent
    if not data_dir.is_dir():
        raise DataError([Problem(display_path(data_dir, root), 1, "(folder)", "data folder not found",
                                 "create it, or run from the project folder")])
    docs = read_documents(data_dir, root, contents)
    dataset, problems = build_dataset(docs, display_path(data_dir, root), consistency)
    if dataset is None or any(p.is_error for p in problems):
        raise DataError(problems)
    return dataset, [p for p in problems if not p.is_error]


__all__ = ["load_dataset", "read_documents", "build_dataset", "discover", "UNITS"]
