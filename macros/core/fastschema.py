"""A fast yes/no check of a document against one of our JSON Schemas, before ``jsonschema`` explains.

``jsonschema`` walks every value through its generic machinery (a new validator object per level),
which costs seconds for 10,000 indicators. Almost every file is valid, so :func:`compile_schema`
turns a schema into plain nested Python closures that only answer "valid or not". A valid document
is done; an invalid one goes to ``jsonschema`` as before, which finds and words the problems. The
closures implement the keywords our schemas use with the semantics of the validator in
:mod:`macros.core.load` (``true`` is not a number, ``1.0`` is not an integer, ``pattern`` searches); a
schema with any other keyword, or an ``enum`` or ``const`` that is not text, is not compiled
(``None``) and always goes to ``jsonschema``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Check = Callable[[Any], bool]


class _Unsupported(Exception):
    pass


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


_TYPES: dict[str, Check] = {
    "string": lambda v: isinstance(v, str),
    # As macros.core.load's validator: 2025.0 is not a whole number there (a year written 2025.0 is a typo).
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": _is_number,
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "null": lambda v: v is None,
}


def _texts(values: list[Any]) -> frozenset[str]:
    if not all(isinstance(v, str) for v in values):
        raise _Unsupported("enum/const of non-text values")
    return frozenset(values)


def _all(checks: list[Check]) -> Check:
    if len(checks) == 1:
        return checks[0]

    def check(v: Any) -> bool:
        for one in checks:  # noqa: SIM110 — a loop costs less than all() over a generator
            if not one(v):
                return False
        return True
    return check


def _compile(schema: Any) -> Check:
    if schema is True:
        return lambda v: True
    if schema is False:
        return lambda v: False
    if not isinstance(schema, dict):
        raise _Unsupported(repr(schema))
    checks = [check for key, arg in schema.items() if (check := _keyword(key, arg, schema)) is not None]
    return _all(checks) if checks else lambda v: True


def _keyword(key: str, arg: Any, schema: dict[str, Any]) -> Check | None:
    """The check for one keyword, or None for one that says nothing about validity (a title)."""
    if key == "type":
        names = arg if isinstance(arg, list) else [arg]
        tests = [_TYPES[n] for n in names]
        if len(tests) == 1:
            return tests[0]
        return lambda v: any(t(v) for t in tests)
    if key == "enum":
        allowed = _texts(arg)
        return lambda v: isinstance(v, str) and v in allowed
    if key == "const":
        (allowed_one,) = _texts([arg])
        return lambda v: isinstance(v, str) and v == allowed_one
    if key == "pattern":
        search = re.compile(arg).search
        return lambda v: not isinstance(v, str) or search(v) is not None
    if key in ("minLength", "maxLength"):
        n = arg
        return (lambda v: not isinstance(v, str) or len(v) >= n) if key == "minLength" else (
            lambda v: not isinstance(v, str) or len(v) <= n)
    if key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        n = arg
        # Not a number (true is not one): nothing to compare, so valid.
        return {
            "minimum": lambda v: v.__class__ is bool or not isinstance(v, (int, float)) or v >= n,
            "maximum": lambda v: v.__class__ is bool or not isinstance(v, (int, float)) or v <= n,
            "exclusiveMinimum": lambda v: v.__class__ is bool or not isinstance(v, (int, float)) or v > n,
            "exclusiveMaximum": lambda v: v.__class__ is bool or not isinstance(v, (int, float)) or v < n}[key]
    if key in ("minItems", "maxItems"):
        n = arg
        return (lambda v: not isinstance(v, list) or len(v) >= n) if key == "minItems" else (
            lambda v: not isinstance(v, list) or len(v) <= n)
    if key == "minProperties":
        n = arg
        return lambda v: not isinstance(v, dict) or len(v) >= n
    if key == "items":
        item = _compile(arg)

        def items(v: Any) -> bool:
            if isinstance(v, list):
                for x in v:
                    if not item(x):
                        return False
            return True
        return items
    if key == "required":
        names = frozenset(arg)
        return lambda v: not isinstance(v, dict) or names.issubset(v)
    if key == "properties":
        props = {name: _compile(sub) for name, sub in arg.items()}

        def properties(v: Any) -> bool:
            if isinstance(v, dict):
                for k, x in v.items():
                    check = props.get(k)
                    if check is not None and not check(x):
                        return False
            return True
        return properties
    if key == "additionalProperties":
        known = frozenset(schema.get("properties", {}))
        if "patternProperties" in schema:
            raise _Unsupported("patternProperties")
        if arg is False:
            return lambda v: not isinstance(v, dict) or known.issuperset(v)
        extra = _compile(arg)

        def additional(v: Any) -> bool:
            if isinstance(v, dict):
                for k, x in v.items():
                    if k not in known and not extra(x):
                        return False
            return True
        return additional
    if key == "propertyNames":
        name_ok = _compile(arg)
        return lambda v: not isinstance(v, dict) or all(name_ok(k) for k in v)
    if key == "oneOf":
        subs = [_compile(s) for s in arg]

        def one_of(v: Any) -> bool:
            matched = False
            for sub in subs:
                if sub(v):
                    if matched:
                        return False
                    matched = True
            return matched
        return one_of
    if key in ("$schema", "title", "description", "$comment"):
        return None
    raise _Unsupported(key)


def compile_schema(schema: dict[str, Any]) -> Check | None:
    """A function telling whether a document is valid, or None when the schema uses what is not supported."""
    try:
        return _compile(schema)
    except (_Unsupported, KeyError, re.error, ValueError):
        return None
