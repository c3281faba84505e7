"""Safe loading: every hostile or broken input is one located problem, never an exception."""

from __future__ import annotations

import time

import pytest

from macros.yamlsafe import MAX_BYTES, load_yaml_text


def load(text: str | bytes):
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return load_yaml_text(raw, "data/x.yaml")


def only_problem(doc) -> str:
    assert len(doc.problems) == 1, [str(p) for p in doc.problems]
    return str(doc.problems[0])


def test_lines_of_keys_and_items_are_kept():
    doc = load("kind: indicators\nindicators:\n  - id: a\n    values:\n      2024: 1.5\n")
    assert doc.problems == []
    assert doc.data == {"kind": "indicators", "indicators": [{"id": "a", "values": {"2024": 1.5}}]}
    assert doc.line(("indicators", 0, "values", "2024")) == 5
    assert doc.line(("indicators", 0, "id")) == 3
    assert doc.line(("indicators", 0, "missing")) == 3  # a missing key points at its mapping


def test_dates_stay_text_for_the_schema():
    assert load("date: 2024-11-24\n").data == {"date": "2024-11-24"}


@pytest.mark.parametrize(("text", "expected"), [
    ("a: 1\nb: 2\na: 3\n", "data/x.yaml:3: a: duplicate key (first on line 1)"),
    ("a:\n\tb: 1\n", "data/x.yaml:2: (indentation): indented with a tab"),
    ("a: !!python/object/apply:os.system ['ls']\n", "data/x.yaml:1: (tag): tag !!python/object/apply:os.system is not allowed"),
    ("a: !custom 1\n", "data/x.yaml:1: (tag): tag !custom is not allowed"),
    ("a: b: c\n", "data/x.yaml:1: (yaml): mapping values are not allowed"),
    ("a: [1, 2\nb: 3\n", "data/x.yaml:2: (yaml):"),
    ("a: .nan\n", "data/x.yaml:1: a: .nan is not a finite number"),
    ("a: 1\n---\nb: 2\n", "data/x.yaml:2: (file): more than one YAML document"),
    ("<<: {a: 1}\n", "data/x.yaml:1: (file): merge key '<<' is not allowed"),
    ("a: 010\n", "data/x.yaml:1: a: 010 is not a plain decimal number"),
    ("a: 1:30\n", "data/x.yaml:1: a: 1:30 is not a plain decimal number"),
    ("a: 0x1F\n", "data/x.yaml:1: a: 0x1F is not a plain decimal number"),
    ("a: " + "9" * 5000 + "\n", "data/x.yaml:1: a: cannot read"),
])
def test_broken_input_is_one_located_problem(text, expected):
    assert only_problem(load(text)).startswith(expected)


def test_alias_bomb_is_refused_quickly():
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 10):
        lines.append(f"{chr(97 + i)}: &{chr(97 + i)} [{','.join(['*' + chr(96 + i)] * 9)}]")
    started = time.perf_counter()
    doc = load("\n".join(lines) + "\n")
    assert time.perf_counter() - started < 1.0
    assert doc.data is None
    assert str(doc.problems[0]).startswith("data/x.yaml:1: (anchor): anchor &a is not allowed")
    assert any("(alias): alias *a is not allowed" in str(p) for p in doc.problems)


def test_deep_nesting_is_refused_without_recursion_error():
    doc = load("a: " + "[" * 5000 + "]" * 5000 + "\n")
    assert only_problem(doc).startswith("data/x.yaml:1: (nesting): nested deeper than")


def test_bom_non_utf8_and_size():
    assert only_problem(load(b"\xef\xbb\xbfa: 1\n")).startswith("data/x.yaml:1: (file): file starts with a byte-order mark")
    assert only_problem(load(b"a: 1\nb: caf\xe9\n")).startswith("data/x.yaml:2: (encoding): byte 0xe9 is not UTF-8")
    assert "over the limit" in only_problem(load(b"a: 1\n" + b"#" * MAX_BYTES))


def test_nfd_text_is_normalised_with_a_warning():
    doc = load("name: Tie\u0302\u0301ng Vie\u0323\u0302t\n")
    assert doc.data == {"name": "Tiếng Việt"}
    problem = doc.problems[0]
    assert problem.severity == "warning" and problem.line == 1 and problem.key == "name"


def test_empty_file():
    assert only_problem(load("")).startswith("data/x.yaml:1: (file): file is empty")
