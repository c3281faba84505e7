"""A fast yes/no check of a document against one of our JSON Schemas, before ``jsonschema`` explains.

``jsonschema`` walks every value through its generic machinery (a new validator object per level),
which costs seconds for 10,000 indicators. Almost every file is valid, so :func:`compile_schema`
turns a schema into plain nested Python closures that only answer "valid or not". A valid document
is done; an invalid one goes to ``jsonschema`` as before, which finds and words the problems. The
closures implement the keywords our schemas use with the semantics of the validator in
:mod:`macros.load` (``true`` is not a number, ``1.0`` is not an integer, ``pattern`` searches); a
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
    # As macros.load's validator: 2025.0 is not a whole number there (a year written 2025.0 is a typo).
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


def _compile(schema: Any) -> Check:
    if schema is True:
        return lambda v: True
    if schema is False:
        return lambda v: False
    if not isinstance(schema, dict):
        raise _Unsupported(repr(schema))
    checks: list[Check] = []
    for key, arg in schema.items():
        checks.append(_keyword(key, arg, schema))
    if len(checks) == 1:
        return checks[0]
    return lambda v: all(check(v) for check in checks)


def _keyword(key: str, arg: Any, schema: dict[str, Any]) -> Check:
    if key == "type":
        names = arg if isinstance(arg, list) else [arg]
        tests = [_TYPES[n] for n in names]
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
        compare: Callable[[Any], bool] = {
            "minimum": lambda v: v >= n, "maximum": lambda v: v <= n,
            "exclusiveMinimum": lambda v: v > n, "exclusiveMaximum": lambda v: v < n}[key]
        return lambda v: not _is_number(v) or compare(v)
    if key in ("minItems", "maxItems"):
        n = arg
        return (lambda v: not isinstance(v, list) or len(v) >= n) if key == "minItems" else (
            lambda v: not isinstance(v, list) or len(v) <= n)
    if key == "minProperties":
        n = arg
        return lambda v: not isinstance(v, dict) or len(v) >= n
    if key == "items":
        item = _compile(arg)
        return lambda v: not isinstance(v, list) or all(item(x) for x in v)
    if key == "required":
        names = tuple(arg)
        return lambda v: not isinstance(v, dict) or all(n in v for n in names)
    if key == "properties":
        props = {name: _compile(sub) for name, sub in arg.items()}
        return lambda v: not isinstance(v, dict) or all(props[k](x) for k, x in v.items() if k in props)
    if key == "additionalProperties":
        known = frozenset(schema.get("properties", {}))
        if "patternProperties" in schema:
            raise _Unsupported("patternProperties")
        extra = _compile(arg)
        return lambda v: not isinstance(v, dict) or all(extra(x) for k, x in v.items() if k not in known)
    if key == "propertyNames":
        name_ok = _compile(arg)
        return lambda v: not isinstance(v, dict) or all(name_ok(k) for k in v)
    if key == "oneOf":
        subs = [_compile(s) for s in arg]
        return lambda v: sum(1 for s in subs if s(v)) == 1
    if key in ("$schema", "title", "description", "$comment"):
        return lambda v: True
    raise _Unsupported(key)


def compile_schema(schema: dict[str, Any]) -> Check | None:
    """A function telling whether a document is valid, or None when the schema uses what is not supported."""
    try:
        return _compile(schema)
    except (_Unsupported, KeyError, re.error, ValueError):
        return None
