"""Safe YAML loading that keeps the line of every key and value.

Editors' YAML is hostile until proven otherwise: a duplicate key silently overwrites data, a tab breaks
indentation, a ``!!python/...`` tag or an alias bomb attacks the machine, a BOM or a stray Latin-1 byte
corrupts text. This module turns each of those into a :class:`~macros.core.errors.Problem` with its line,
within bounded time and memory (the file size is capped before parsing; aliases, nesting depth and node
count are checked on each parser event, before anything is built from it), and returns plain data plus
a map from each value's path to its line. Each file is parsed once: its events are checked and built
into data in the same pass.
"""

from __future__ import annotations

import copy
import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode

from .errors import Problem, decode_utf8
from .memo import ContentMemo, digest

# libyaml's parser when PyYAML has it (about 20 times faster); the pure-Python one gives the same events.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# YAML 1.1 reads 010 as 8, 1:30 as 90, 0x10 as 16: numbers must be written in plain decimal.
_PLAIN_INT = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")
_PLAIN_FLOAT = re.compile(r"^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$")

MAX_BYTES = 1_000_000
MAX_DEPTH = 20
MAX_NODES = 200_000

Path_ = tuple[str | int, ...]

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"
_EMPTY = object()  # what a stream without a document reads as

_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


def path_text(path: Path_) -> str:
    """Render a value's path the way editors read it: ``indicators[2].target.year``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(file)"


@dataclass
class YamlDoc:
    """A loaded YAML file: plain data, the line of every path, and what was wrong with it."""

    file: str
    data: Any = None
    lines: dict[Path_, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line(self, path: Path_) -> int:
        """Line of ``path``, or of its nearest ancestor that has one (a missing key points at its parent)."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)

    def problem(self, path: Path_, message: str, hint: str = "", severity: str = "error") -> Problem:
        p = Problem(self.file, self.line(path), path_text(path), message, hint, severity)
        self.problems.append(p)
        return p


def _tag_name(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


def _precheck_text(doc: YamlDoc, raw: bytes) -> str | None:
    """Check the bytes and the text layout; return the text, or None when it cannot be parsed."""
    if len(raw) > MAX_BYTES:
        doc.problem((), f"file is over the limit of {MAX_BYTES:,} bytes",
                    "split it into several files of the same kind")
        return None
    text, problems = decode_utf8(raw, doc.file)
    doc.problems.extend(problems)
    if text is None:
        return None
    ok = True
    for number, line_text in enumerate(text.splitlines(), start=1):
        indent = line_text[: len(line_text) - len(line_text.lstrip(" \t"))]
        if "\t" in indent:
            doc.problems.append(Problem(doc.file, number, "(indentation)", "indented with a tab",
                                        "YAML indents with spaces only: replace the tab with spaces"))
            ok = False
    return text if ok else None


class _Stop(Exception):
    """The file is refused outright (recorded in its problems): read no further."""


class _Reader:
    """One pass over the parser's events that both refuses and builds.

    The refusals are checked on each event as it comes, before anything is built from it: an alias stops
    the pass before anything could be expanded, a second document, nesting deeper than ``MAX_DEPTH`` or
    more than ``MAX_NODES`` values stop it as soon as they are seen. An anchor or an odd tag is reported
    and the pass goes on only checking, so that every one of them is reported; nothing is built then.
    The data is built with the rules ``yaml.compose`` and PyYAML's safe constructor would follow (plain
    scalars' tags come from the loader's resolver), plus ours: dates stay text, numbers are plain
    decimal and finite, keys are unique and not ``<<``, text is NFC. The problems of building are kept
    apart and reported only when nothing was refused, as when building came after checking.
    """

    def __init__(self, doc: YamlDoc, text: str, refused: bool):
        self.doc = doc
        self.loader = _LOADER(text)
        self.next_event = self.loader.get_event
        self.refused = refused  # once true, nothing more is built: the pass only checks
        self.count = 0
        self.lines: dict[Path_, int] = {(): 1}
        self.found: list[Problem] = []
        resolvers = self.loader.yaml_implicit_resolvers
        # A plain scalar whose first character has no implicit resolver is text: the resolver would say
        # so after a lookup (path resolvers, an experimental PyYAML feature, are not followed here).
        self.resolvable = None if None in resolvers else frozenset(resolvers)
        self.resolved: dict[str, str] = {}

    def read(self) -> Any:
        """The document's data, or ``_EMPTY`` when the stream has no document."""
        try:
            next_event = self.next_event
            next_event()  # StreamStartEvent
            if next_event().__class__ is StreamEndEvent:
                return _EMPTY
            data = self.value(next_event(), (), 0)  # after DocumentStartEvent
            next_event()  # DocumentEndEvent
            event = next_event()
            if event.__class__ is DocumentStartEvent:
                self.stop(event, "(file)", "more than one YAML document",
                          "keep one document per file: remove the '---' separator")
            return data
        finally:
            self.loader.dispose()

    def stop(self, event: Any, key: str, message: str, hint: str) -> NoReturn:
        self.doc.problems.append(Problem(self.doc.file, event.start_mark.line + 1, key, message, hint))
        raise _Stop

    def refuse(self, event: Any, key: str, message: str, hint: str) -> None:
        self.doc.problems.append(Problem(self.doc.file, event.start_mark.line + 1, key, message, hint))
        self.refused = True

    def check(self, event: Any) -> None:
        """The refusals for one node's event (a collection's depth is checked by the caller)."""
        if event.__class__ is AliasEvent:
            self.stop(event, "(alias)", f"alias *{event.anchor} is not allowed",
                      "write the value out in full: data files use no anchors or aliases")
        self.count += 1
        if self.count > MAX_NODES:
            self.stop(event, "(file)", f"more than {MAX_NODES:,} values", "split the file")
        if event.anchor is not None:
            self.refuse(event, "(anchor)", f"anchor &{event.anchor} is not allowed",
                        "write the value out in full: data files use no anchors or aliases")
        tag = event.tag
        if tag and tag != "!" and tag not in _STANDARD_TAGS:
            self.refuse(event, "(tag)", f"tag {_tag_name(tag)} is not allowed",
                        "data files hold plain values: remove the tag")

    def deeper(self, event: Any, depth: int) -> int:
        depth += 1
        if depth > MAX_DEPTH:
            self.stop(event, "(nesting)", f"nested deeper than {MAX_DEPTH} levels", "flatten the structure")
        return depth

    def skip(self, event: Any, depth: int) -> None:
        """Check a node and everything in it, building nothing."""
        self.check(event)
        if event.__class__ is not ScalarEvent:
            self.skip_inside(self.deeper(event, depth))

    def skip_inside(self, depth: int) -> None:
        """Check the rest of a collection whose start was checked (now at ``depth``), building nothing."""
        next_event, check = self.next_event, self.check
        level = depth
        while depth >= level:
            event = next_event()
            cls = event.__class__
            if cls is MappingEndEvent or cls is SequenceEndEvent:
                depth -= 1
                continue
            check(event)
            if cls is not ScalarEvent:
                depth = self.deeper(event, depth)

    def value(self, event: Any, path: Path_, depth: int) -> Any:
        self.check(event)
        cls = event.__class__
        if cls is ScalarEvent:
            return None if self.refused else self.scalar(event, self.tag(event), path)
        depth = self.deeper(event, depth)
        if self.refused:
            self.skip_inside(depth)
            return None
        if cls is SequenceStartEvent:
            return self.sequence(path, depth)
        return self.mapping(path, depth)

    def sequence(self, path: Path_, depth: int) -> list[Any]:
        out: list[Any] = []
        next_event, lines, value = self.next_event, self.lines, self.value
        while True:
            event = next_event()
            if event.__class__ is SequenceEndEvent:
                return out
            child = path + (len(out),)
            lines[child] = event.start_mark.line + 1
            out.append(value(event, child, depth))

    def mapping(self, path: Path_, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        next_event, lines, value, skip = self.next_event, self.lines, self.value, self.skip
        while True:
            event = next_event()
            cls = event.__class__
            if cls is MappingEndEvent:
                return out
            if self.refused:
                skip(event, depth)
                skip(next_event(), depth)
                continue
            line = event.start_mark.line + 1
            if cls is not ScalarEvent:
                self.found.append(Problem(self.doc.file, line, path_text(path),
                                          "a key must be a plain word or number", "write the key as text"))
                skip(event, depth)
                skip(next_event(), depth)
                continue
            self.check(event)
            if self.refused:
                skip(next_event(), depth)
                continue
            tag = self.tag(event)
            if tag == _MERGE:
                self.found.append(Problem(self.doc.file, line, path_text(path), "merge key '<<' is not allowed",
                                          "write the keys out in full"))
                skip(next_event(), depth)
                continue
            key_value = self.scalar(event, tag, path)
            key = str(key_value).lower() if isinstance(key_value, bool) else str(key_value)
            child = path + (key,)
            if key in out:
                self.found.append(Problem(self.doc.file, line, path_text(child),
                                          f"duplicate key (first on line {first_line[key]})",
                                          "keep one: YAML would silently use the last"))
                skip(next_event(), depth)
                continue
            first_line[key] = line
            lines[child] = line
            out[key] = value(next_event(), child, depth)

    def tag(self, event: Any) -> str:
        """The scalar's tag as ``yaml.compose`` gives it: its own, or the resolver's for an untagged one."""
        tag = event.tag
        if tag is not None and tag != "!":
            return tag
        value, implicit = event.value, event.implicit
        if not implicit[0]:
            return self.loader.DEFAULT_SCALAR_TAG
        if value and self.resolvable is not None and value[0] not in self.resolvable:
            return _STR
        tag = self.resolved.get(value)
        if tag is None:
            tag = self.resolved[value] = self.loader.resolve(ScalarNode, value, implicit)
        return tag

    def scalar(self, event: Any, tag: str, path: Path_) -> Any:
        if tag == _STR:
            value = event.value
        elif tag == _TIMESTAMP:
            return event.value
        else:
            value = self.construct(event, tag, path)
            if not isinstance(value, str):
                return value
        if not value.isascii() and not unicodedata.is_normalized("NFC", value):
            self.found.append(Problem(self.doc.file, event.start_mark.line + 1, path_text(path),
                                      "text is not in Unicode NFC form; normalised",
                                      "save the file with composed (NFC) characters", "warning"))
            value = unicodedata.normalize("NFC", value)
        return value

    def construct(self, event: Any, tag: str, path: Path_) -> Any:
        """A scalar that is not text: a number, a boolean, null (or a tag that does not fit, reported)."""
        raw = event.value
        line = event.start_mark.line + 1
        plain = False
        if tag in (_INT, _FLOAT) and not event.style:
            plain = bool((_PLAIN_INT if tag == _INT else _PLAIN_FLOAT).match(raw))
            if not plain and raw.lower().lstrip("+-") not in (".inf", ".nan"):
                self.found.append(Problem(self.doc.file, line, path_text(path),
                                          f"{raw} is not a plain decimal number (YAML would read it as "
                                          "octal, hexadecimal or base 60)",
                                          "write it in decimal, or in quotes if it is text"))
                return None
        try:
            # A plain decimal number (most of them) is what int() or float() reads, as PyYAML's constructor
            # would; the rest go through the constructor.
            if plain:
                value = int(raw) if tag == _INT else float(raw)
            else:
                node = ScalarNode(tag, raw, event.start_mark, event.end_mark, event.style)
                value = self.loader.construct_object(node, deep=True)
        except (ValueError, OverflowError, LookupError, yaml.YAMLError) as exc:
            # A LookupError is how PyYAML's constructors meet `!!bool maybe` or `!!int ""`.
            why = f"not a {_tag_name(tag)} value" if isinstance(exc, LookupError) else str(exc).splitlines()[0][:80]
            self.found.append(Problem(self.doc.file, line, path_text(path), f"cannot read {raw[:40]!r}: {why}",
                                      "write a plain value"))
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.found.append(Problem(self.doc.file, line, path_text(path), f"{raw} is not a finite number",
                                      "write a number"))
            return None
        return value


_KEPT: ContentMemo[YamlDoc] = ContentMemo()


def load_yaml_text_kept(raw: bytes, file: str) -> YamlDoc:
    """:func:`load_yaml_text` for small documents asked about on every rebuild (each page's front matter, read
    by the section index, the drafts filter and the renderer): a copy of the first answer for the same bytes,
    so a caller that changes what it got changes nothing for the next one."""
    return copy.deepcopy(_KEPT.get(digest(file, raw), lambda: load_yaml_text(raw, file)))


def load_yaml_text(raw: bytes, file: str) -> YamlDoc:
    """Load one YAML file's bytes safely; problems are in ``doc.problems``, never raised."""
    doc = YamlDoc(file=file)
    text = _precheck_text(doc, raw)
    if text is None:
        return doc
    # A file with an error already (a BOM) is still checked for what its YAML holds, but not built.
    reader = _Reader(doc, text, refused=any(p.is_error for p in doc.problems))
    try:
        data = reader.read()
    except _Stop:
        return doc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = (exc.problem or "invalid YAML").strip()
        context = f" ({exc.context.strip()})" if exc.context else ""
        doc.problems.append(Problem(file, line, "(yaml)", f"{what}{context}",
                                    "check the indentation, the colons and the quotes on this line and the one before"))
        return doc
    except yaml.YAMLError as exc:
        doc.problems.append(Problem(file, 1, "(yaml)", str(exc).splitlines()[0], "fix the YAML syntax"))
        return doc
    if reader.refused:
        return doc
    if data is _EMPTY:
        doc.problems.append(Problem(file, 1, "(file)", "file is empty", "add `kind:` and its data, or delete the file"))
        return doc
    doc.data = data
    doc.lines = reader.lines
    doc.problems.extend(reader.found)
    return doc


def read_capped(path: Path) -> bytes | OSError:
    """A data file's bytes, never more than one past the limit (a larger file is refused whatever it holds),
    or the error that stopped the read."""
    try:
        with open(path, "rb") as handle:
            return handle.read(MAX_BYTES + 1)
    except OSError as exc:
        return exc


def load_yaml_file(path: Path, display: str, raw: bytes | OSError | None = None) -> YamlDoc:
    """Read and load one file; ``display`` is the name used in messages (relative to the project).

    ``raw`` is the file as :func:`read_capped` already read it (the check hashes those very bytes).
    """
    raw = read_capped(path) if raw is None else raw
    if isinstance(raw, OSError):
        doc = YamlDoc(file=display)
        doc.problems.append(Problem(display, 1, "(file)", f"cannot be read: {raw.strerror}", "check its permissions"))
        return doc
    return load_yaml_text(raw, display)
