"""How a macro call is checked: wrong arguments become the editor's error naming the call, not Python's TypeError."""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from ..core.errors import MacroError


def call_text(name: str, args: tuple, kwargs: dict) -> str:
    shown = [json.dumps(a, ensure_ascii=False) for a in args]
    shown += [f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(shown)})"


def macro(fn: Callable[..., str]) -> Callable[..., str]:
    """Give a macro argument checking with editor-facing errors instead of Python's TypeError."""
    signature = inspect.signature(fn)

    @wraps(fn)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> str:
        self._call = (fn.__name__, args, kwargs)  # shown (_call_text) only when the call fails
        try:
            return fn(self, *args, **kwargs)
        except TypeError:
            # Python checks the arguments before the body runs: only a call that does not bind is the
            # editor's mistake; a TypeError from inside the macro is a bug, raised as it is.
            try:
                signature.bind(self, *args, **kwargs)
            except TypeError as exc:
                params = [p for p in signature.parameters if p != "self"]
                raise MacroError(call_text(fn.__name__, args, kwargs), f"wrong arguments ({exc})",
                                 f"{fn.__name__} takes: {', '.join(params) or 'nothing'}") from None
            raise

    return wrapper
