"""Problems found in editors' input, and the exceptions that carry them.

Every problem an editor can cause is reported as one line in the form compilers use,
``FILE:LINE: KEY: what is wrong — how to fix it``, so editors' tools can jump to it.
Code collects problems instead of stopping at the first, then raises them together.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# C0 and C1 control characters (and DEL), bidirectional overrides: never written raw to an editor's terminal,
# where ESC starts a control sequence and CR overwrites the line, so a message always reads as it was written.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


def printable(text: str) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``), tabs and newlines as spaces."""
    text = text.replace("\t", " ").replace("\n", " ")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}",
                        text)


def universal_newlines(text: str) -> str:
    """CRLF and lone CR as LF: the rule MkDocs reads pages by (Python's universal newlines), so a page saved
    on an old Mac or with mixed endings has the same lines, front matter and drafts for every reader of it."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one place in one file."""

    file: str
    line: int
    key: str
    message: str
    hint: str = ""
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        text = f"{printable(self.file)}:{self.line}: {printable(self.key)}: {printable(self.message)}"
        if self.hint:
            text += f" — {printable(self.hint)}"
        if self.severity == "warning":
            text += " (warning)"
        return text

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class HandbookError(Exception):
    """Base of the errors an editor can cause; carries one or more problems."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: list[Problem] = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class DataError(HandbookError):
    """The data files are not valid."""


class PageError(HandbookError):
    """A page uses a macro wrongly or has broken template syntax."""


class ReleaseError(HandbookError):
    """The release root cannot be used as asked: locked by another publish, nothing to roll back to, unknown release."""


class MacroError(Exception):
    """A macro was called with a bad argument.

    Raised inside a macro, which does not know where it was called from; the page renderer
    adds the page and line and turns it into a :class:`PageError`.
    """

    def __init__(self, call: str, message: str, hint: str = ""):
        self.call = call
        self.message = message
        self.hint = hint
        super().__init__(f"{call}: {message}" + (f" — {hint}" if hint else ""))


def suggest(word: str, candidates: Iterable[str]) -> str:
    """Return 'did you mean "x"?' for the nearest candidate, or a short list of candidates."""
    import difflib

    options = sorted(set(candidates))
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if close:
        return f'did you mean "{close[0]}"?'
    if not options:
        return "none is defined"
    shown = ", ".join(options[:8]) + (", …" if len(options) > 8 else "")
    return f"known: {shown}"


def decode_utf8(raw: bytes, file: str) -> tuple[str | None, list[Problem]]:
    """Editors' files as text: a BOM is reported (and skipped), bytes that are not UTF-8 give None.

    One rule for data files and pages alike, so both say the same thing at the same line.
    """
    problems: list[Problem] = []
    if raw.startswith(b"\xef\xbb\xbf"):
        problems.append(Problem(file, 1, "(file)", "file starts with a byte-order mark (BOM)",
                                "save it as UTF-8 without BOM"))
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), problems
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        problems.append(Problem(file, line, "(encoding)", f"byte 0x{raw[exc.start]:02x} is not UTF-8",
                                "save the file as UTF-8"))
        return None, problems
