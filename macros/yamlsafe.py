"""Safe YAML loading that keeps the line of every key and value.

Editors' YAML is hostile until proven otherwise: a duplicate key silently overwrites data, a tab breaks
indentation, a ``!!python/...`` tag or an alias bomb attacks the machine, a BOM or a stray Latin-1 byte
corrupts text. This module turns each of those into a :class:`~macros.errors.Problem` with its line,
within bounded time and memory (file size, nesting depth and node count are capped *before* building
any Python object), and returns plain data plus a map from each value's path to its line.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    MappingEndEvent,
    NodeEvent,
    SequenceEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import Problem, decode_utf8

# libyaml's parser when PyYAML has it (about 20 times faster); the pure-Python one gives the same events.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# YAML 1.1 reads 010 as 8, 1:30 as 90, 0x10 as 16: numbers must be written in plain decimal.
_PLAIN_INT = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")
_PLAIN_FLOAT = re.compile(r"^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$")

MAX_BYTES = 1_000_000
MAX_DEPTH = 20
MAX_NODES = 200_000

Path_ = tuple[str | int, ...]

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


def _precheck_events(doc: YamlDoc, text: str) -> bool:
    """Walk the parser's events (no objects built) to refuse aliases, odd tags, deep nesting and floods."""
    depth = 0
    count = 0
    ok = True
    documents = 0
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            line = event.start_mark.line + 1 if event.start_mark else 1
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    doc.problems.append(Problem(doc.file, line, "(file)", "more than one YAML document",
                                                "keep one document per file: remove the '---' separator"))
                    return False
            if isinstance(event, AliasEvent):
                doc.problems.append(Problem(doc.file, line, "(alias)", f"alias *{event.anchor} is not allowed",
                                            "write the value out in full: data files use no anchors or aliases"))
                return False
            if isinstance(event, NodeEvent):
                count += 1
                if count > MAX_NODES:
                    doc.problems.append(Problem(doc.file, line, "(file)", f"more than {MAX_NODES:,} values",
                                                "split the file"))
                    return False
                if event.anchor is not None:
                    doc.problems.append(Problem(doc.file, line, "(anchor)", f"anchor &{event.anchor} is not allowed",
                                                "write the value out in full: data files use no anchors or aliases"))
                    ok = False
                tag = getattr(event, "tag", None)
                if tag and tag != "!" and tag not in _STANDARD_TAGS:
                    doc.problems.append(Problem(doc.file, line, "(tag)", f"tag {_tag_name(tag)} is not allowed",
                                                "data files hold plain values: remove the tag"))
                    ok = False
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    doc.problems.append(Problem(doc.file, line, "(nesting)",
                                                f"nested deeper than {MAX_DEPTH} levels",
                                                "flatten the structure"))
                    return False
            elif isinstance(event, (MappingEndEvent, SequenceEndEvent)):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = (exc.problem or "invalid YAML").strip()
        context = f" ({exc.context.strip()})" if exc.context else ""
        doc.problems.append(Problem(doc.file, line, "(yaml)", f"{what}{context}",
                                    "check the indentation, the colons and the quotes on this line and the one before"))
        return False
    except yaml.YAMLError as exc:
        doc.problems.append(Problem(doc.file, 1, "(yaml)", str(exc).splitlines()[0], "fix the YAML syntax"))
        return False
    return ok


class _Builder:
    """Turns composed nodes into plain Python data, recording lines, duplicate keys and NFC fixes."""

    def __init__(self, doc: YamlDoc):
        self.doc = doc
        self.constructor = yaml.SafeLoader("")

    def build(self, node: Node, path: Path_) -> Any:
        self.doc.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _mapping(self, node: MappingNode, path: Path_) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, ScalarNode):
                self.doc.problems.append(Problem(self.doc.file, line, path_text(path),
                                                 "a key must be a plain word or number", "write the key as text"))
                continue
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.doc.problems.append(Problem(self.doc.file, line, path_text(path), "merge key '<<' is not allowed",
                                                 "write the keys out in full"))
                continue
            key_value = self._scalar(key_node, path)
            key = str(key_value).lower() if isinstance(key_value, bool) else str(key_value)
            child = path + (key,)
            if key in out:
                self.doc.problems.append(Problem(
                    self.doc.file, line, path_text(child),
                    f"duplicate key (first on line {first_line[key]})",
                    "keep one: YAML would silently use the last"))
                continue
            first_line[key] = line
            self.doc.lines[child] = line
            out[key] = self.build(value_node, child)
        return out

    def _scalar(self, node: ScalarNode, path: Path_) -> Any:
        if node.tag == "tag:yaml.org,2002:timestamp":
            return node.value
        line = node.start_mark.line + 1
        if node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float") and not node.style:
            raw = node.value
            plain = _PLAIN_INT if node.tag.endswith("int") else _PLAIN_FLOAT
            if not plain.match(raw) and raw.lower().lstrip("+-") not in (".inf", ".nan"):
                self.doc.problems.append(Problem(self.doc.file, line, path_text(path),
                                                 f"{raw} is not a plain decimal number (YAML would read it as "
                                                 "octal, hexadecimal or base 60)",
                                                 "write it in decimal, or in quotes if it is text"))
                return None
        try:
            # Plain text and plain decimal integers (most scalars) need no constructor; the rest go through PyYAML's.
            if node.tag == "tag:yaml.org,2002:str":
                value = node.value
            elif node.tag == "tag:yaml.org,2002:int" and node.value.isascii() and node.value.isdigit() and (
                    node.value == "0" or node.value[0] != "0"):
                value = int(node.value)
            else:
                value = self.constructor.construct_object(node, deep=True)
        except (ValueError, OverflowError, yaml.YAMLError) as exc:
            self.doc.problems.append(Problem(self.doc.file, line, path_text(path),
                                             f"cannot read {node.value[:40]!r}: {str(exc).splitlines()[0][:80]}",
                                             "write a plain value"))
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.doc.problems.append(Problem(self.doc.file, node.start_mark.line + 1, path_text(path),
                                             f"{node.value} is not a finite number", "write a number"))
            return None
        if isinstance(value, str) and not unicodedata.is_normalized("NFC", value):
            self.doc.problems.append(Problem(self.doc.file, node.start_mark.line + 1, path_text(path),
                                             "text is not in Unicode NFC form; normalised",
                                             "save the file with composed (NFC) characters", "warning"))
            value = unicodedata.normalize("NFC", value)
        return value


def load_yaml_text(raw: bytes, file: str) -> YamlDoc:
    """Load one YAML file's bytes safely; problems are in ``doc.problems``, never raised."""
    doc = YamlDoc(file=file)
    text = _precheck_text(doc, raw)
    if text is None or not _precheck_events(doc, text):
        return doc
    if any(p.is_error for p in doc.problems):
        return doc
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:  # already caught by the event pass; kept as a guard
        doc.problems.append(Problem(file, 1, "(yaml)", str(exc).splitlines()[0], "fix the YAML syntax"))
        return doc
    if node is None:
        doc.problems.append(Problem(file, 1, "(file)", "file is empty", "add `kind:` and its data, or delete the file"))
        return doc
    doc.lines[()] = 1
    doc.data = _Builder(doc).build(node, ())
    return doc


def load_yaml_file(path: Path, display: str) -> YamlDoc:
    """Read and load one file; ``display`` is the name used in messages (relative to the project)."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        doc = YamlDoc(file=display)
        doc.problems.append(Problem(display, 1, "(file)", f"cannot be read: {exc.strerror}", "check its permissions"))
        return doc
    return load_yaml_text(raw, display)
