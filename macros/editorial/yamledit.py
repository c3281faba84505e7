"""Change a data file's values by editing its text, so its layout and comments stay exactly as they were.

A round-trip YAML library (ruamel.yaml) re-emits the whole file from its parse: tuned to this project's
indentation it kept the example's files, but a file indented the other common way (``- id:`` at the left
margin) came back with 69 of its 40 lines changed, and long lines are folded unless told otherwise. Intake's
edit is narrow — one scalar per year under ``values:``, ``flags:`` or ``origins:``, whose lines the project's
own loader (:mod:`macros.core.yamlsafe`) already knows — so it is made on those lines alone, and every other
byte is untouched by construction. The result is parsed again and must equal the intended data exactly, or
nothing is written (:class:`EditRefused`).
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from ..core.yamlsafe import YamlDoc, load_yaml_text


class EditRefused(Exception):
    """The file is laid out in a way this edit does not handle (a flow mapping, say); says where and why."""

    def __init__(self, line: int, key: str, message: str):
        self.line, self.key, self.message = line, key, message
        super().__init__(f"{line}: {key}: {message}")


def yaml_number(value: float) -> str:
    """A number as YAML reads it back exactly: 23600, 10.4, 0.0001 (never 1e-04, which YAML 1.1 reads as text)."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = repr(float(value))
    if "e" in text or "E" in text:
        text = f"{value:.15f}".rstrip("0")
    return text


def yaml_text(value: str) -> str:
    """A JSON string is a valid YAML double-quoted scalar; plain words stay plain."""
    if re.fullmatch(r"[^\W\d_][\w ]*[^\W_]", value) and value.lower() not in ("yes", "no", "on", "off", "true",
                                                                              "false", "null"):
        return value
    return json.dumps(value, ensure_ascii=False)


def yaml_origin(origin: dict[str, str]) -> str:
    return "{" + ", ".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in origin.items()) + "}"


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _blank(line: str) -> bool:
    s = line.strip()
    return not s or s.startswith("#")


def _entry_end(lines: list[str], start: int) -> int:
    """Index after the entry beginning at ``start``: its own line and any more-indented lines under it."""
    base = _indent(lines[start])
    end = start + 1
    last = start + 1
    while end < len(lines):
        if not _blank(lines[end]):
            if _indent(lines[end]) <= base:
                break
            last = end + 1
        end += 1
    return last


_LINE = re.compile(r"^(?P<pre>\s*(?P<q>['\"]?)(?P<key>[^'\":#]+)(?P=q)\s*:)(?P<rest>[^\n]*?)(?P<comment>\s+#[^\n]*)?(?P<nl>\n?)$")


class Editor:
    """Edits one data file's text, one year at a time, re-reading it after each edit for the new lines."""

    def __init__(self, raw: bytes, file: str):
        self.file = file
        text = raw.decode("utf-8")
        self.crlf = "\r\n" in text  # a file saved on Windows keeps its line endings
        self.text = text.replace("\r\n", "\n")
        self.doc = self._parse()
        self.expected = copy.deepcopy(self.doc.data)

    def _parse(self) -> YamlDoc:
        doc = load_yaml_text(self.text.encode("utf-8"), self.file)
        if doc.data is None or any(p.is_error for p in doc.problems):
            raise EditRefused(doc.problems[0].line if doc.problems else 1, "(file)", "the file does not load")
        return doc

    def set(self, index: int, key: str, year: int, rendered: str | None, value: Any) -> None:
        """Set (or, with ``rendered`` None, remove) ``indicators[index].key[year]``."""
        entry = self.expected["indicators"][index]
        block = entry.get(key)
        if rendered is None:
            if isinstance(block, dict):
                block.pop(str(year), None)
                if not block:
                    del entry[key]
        else:
            entry.setdefault(key, {})[str(year)] = value
        self._edit_text(("indicators", index), key, str(year), rendered)
        self.doc = self._parse()

    def _edit_text(self, base: tuple, key: str, year: str, rendered: str | None) -> None:
        lines = self.text.splitlines(keepends=True)
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        lines_of = self.doc.lines
        block_path = base + (key,)
        year_path = block_path + (year,)
        current = self.doc.data
        for part in block_path:
            current = current[part] if isinstance(current, list) else current.get(part) if current else None
        if block_path not in lines_of:
            if rendered is None:
                return
            values_line = lines_of[base + ("values",)] - 1
            indent = " " * _indent(lines[values_line])
            # Always in the order values, flags, origins: a reader finds a year's flag before its origin.
            after = base + ("flags",) if key == "origins" and base + ("flags",) in lines_of else base + ("values",)
            at = _entry_end(lines, lines_of[after] - 1)
            child = " " * (_indent(lines[values_line]) + self._step(lines, base))
            lines[at:at] = [f"{indent}{key}:\n", f"{child}{year}: {rendered}\n"]
        elif not isinstance(current, dict) or not current or lines_of[block_path] == lines_of.get(
                block_path + (next(iter(current)),)):
            raise EditRefused(lines_of[block_path], ".".join(map(str, block_path[2:])),
                              f"`{key}:` is written on one line — write one year per line so intake can edit it")
        elif year_path in lines_of:
            i = lines_of[year_path] - 1
            end = _entry_end(lines, i)
            if rendered is None:
                del lines[i:end]
                if not any(k for k in current if k != year):
                    j = lines_of[block_path] - 1
                    del lines[j:_entry_end(lines, j)]
            else:
                m = _LINE.match(lines[i])
                if m is None:
                    raise EditRefused(i + 1, f"{key}.{year}", "this line is not `YEAR: value` — edit it by hand")
                comment = m.group("comment") or ""
                lines[i:end] = [f"{m.group('pre')} {rendered}{comment}\n"]
        elif rendered is not None:
            years = sorted(int(y) for y in current)
            later = [y for y in years if y > int(year)]
            if later:
                at = lines_of[block_path + (str(later[0]),)] - 1
            else:
                at = _entry_end(lines, lines_of[block_path + (str(years[-1]),)] - 1)
            ref = lines[lines_of[block_path + (str(years[0]),)] - 1]
            lines[at:at] = [f"{' ' * _indent(ref)}{year}: {rendered}\n"]
        self.text = "".join(lines)

    def _step(self, lines: list[str], base: tuple) -> int:
        """The file's indentation step, from the values block (``values:`` to its first year)."""
        values = self.doc.data
        for part in base + ("values",):
            values = values[part]
        first = self.doc.lines.get(base + ("values", next(iter(values))))
        head = self.doc.lines[base + ("values",)]
        if first and first != head:
            return max(1, _indent(lines[first - 1]) - _indent(lines[head - 1]))
        return 2

    def result(self) -> bytes:
        """The new text, once it is proved to hold exactly the intended data (else :class:`EditRefused`)."""
        if self.doc.data != self.expected:
            raise EditRefused(1, "(file)", "the edited file would not hold the intended values — edit it by hand")
        return (self.text.replace("\n", "\r\n") if self.crlf else self.text).encode("utf-8")
