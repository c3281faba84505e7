"""Jinja's sandbox, bounded where one expression can exhaust memory or time in a single C-level call.

A page is untrusted input. Jinja's SandboxedEnvironment keeps it away from Python's internals; this adds
bounds on what one operation may build (repetition, powers and products of huge integers, format widths,
numeric arguments, a long text times another text, a list of texts joined), because the per-page time and
memory bounds (:mod:`macros.core.limits`) act between bytecodes and cannot stop one call. No MkDocs.
"""

from __future__ import annotations

import re
from typing import Any

from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

_FORMAT_WIDTH = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d{5,})|\{[^{}]*:[^{}]*\d{5,}")
MAX_PAGE_OUTPUT = 10_000_000  # what a page may become: ten times the source's cap, far above a 10,000-row table
MAX_BUILT = 20_000_000  # characters one call may build (a page's limit is what many calls build together)
MAX_INT_BITS = 100_000  # an integer of 30,000 digits: beyond it one multiplication runs for minutes


def _bounded_call(fn: Any, limit: int) -> Any:
    """A filter or test that refuses a numeric argument above ``limit`` (``center(10**9)`` is a gigabyte)."""
    import functools

    @functools.wraps(fn)  # keeps Jinja's pass_context / pass_eval_context marks
    def call(*args: Any, **kwargs: Any) -> Any:
        _check_arguments(args, kwargs, limit)
        return fn(*args, **kwargs)
    return call


def _check_arguments(args: tuple, kwargs: dict, limit: int) -> None:
    """Refuse arguments that make one C-level call build gigabytes (a bound between bytecodes cannot stop it):
    a huge number, a long text times another text (replace, indent, join), a list of texts joined."""
    subject = next((v for v in args if isinstance(v, str)), None)
    texts = [v for v in (*args[1:], *kwargs.values()) if isinstance(v, str)] if subject is not None else []
    if subject is not None and texts and len(subject) * max(1, max(len(v) for v in texts)) > MAX_BUILT:
        raise SecurityError(f"a call that could build more than {MAX_BUILT:,} characters")
    for value in (*args, *kwargs.values()):
        if isinstance(value, (list, tuple)) and len(value) <= 1_000_000 \
                and sum(len(v) for v in value if isinstance(v, str)) > MAX_BUILT:
            raise SecurityError(f"texts of more than {MAX_BUILT:,} characters together")
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > limit:
            raise SecurityError(f"an argument above {limit:,}")
        if isinstance(value, str) and "%" in value and _FORMAT_WIDTH.search(value):
            raise SecurityError("a format width of five digits or more")


class Sandbox(SandboxedEnvironment):
    """Jinja's sandbox, also bounding what can exhaust memory or time in one expression: repetition, powers,
    format widths and numeric arguments to functions and filters. Loops and growth across many bytecodes
    are bounded by the per-page limits instead (:func:`macros.core.limits.bounded`)."""

    intercepted_binops = frozenset({"*", "**", "%"})
    MAX_ITEMS = 100_000
    MAX_ARGUMENT = 100_000

    def __init__(self, **options: Any):
        super().__init__(**options)
        self.filters = {name: _bounded_call(fn, self.MAX_ARGUMENT) for name, fn in self.filters.items()}
        self.tests = {name: _bounded_call(fn, self.MAX_ARGUMENT) for name, fn in self.tests.items()}

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            seq, count = (left, right) if isinstance(left, (str, list, tuple)) else (right, left)
            if isinstance(seq, (str, list, tuple)) and isinstance(count, int) and len(seq) * count > self.MAX_ITEMS:
                raise SecurityError(f"a repetition of more than {self.MAX_ITEMS:,} items")
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > 64:
            raise SecurityError("an exponent above 64")
        if operator == "**" and isinstance(left, int) and isinstance(right, int) \
                and left.bit_length() * max(right, 0) > MAX_INT_BITS:
            raise SecurityError(f"a power of more than {MAX_INT_BITS:,} bits")
        if operator == "*" and isinstance(left, int) and isinstance(right, int) \
                and left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise SecurityError(f"a product of more than {MAX_INT_BITS:,} bits")
        if operator == "%" and isinstance(left, str) and _FORMAT_WIDTH.search(left):
            raise SecurityError("a format width of five digits or more")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 — Jinja's signature
        _check_arguments(args, kwargs, __self.MAX_ARGUMENT)
        target = getattr(__obj, "__self__", None)
        if isinstance(target, str):  # a text's own method: the text is the subject of what it builds
            _check_arguments((target, *args), kwargs, __self.MAX_ARGUMENT)
            if getattr(__obj, "__name__", "") == "expandtabs" and args and isinstance(args[0], int) \
                    and target.count("\t") * args[0] > MAX_BUILT:
                raise SecurityError(f"a call that could build more than {MAX_BUILT:,} characters")
        if (isinstance(target, str) and getattr(__obj, "__name__", "") in ("format", "format_map")
                and re.search(r"\{[^{}]*:[^{}]*\d{5,}", target)):
            raise SecurityError("a format width of five digits or more")
        return super().call(__context, __obj, *args, **kwargs)


