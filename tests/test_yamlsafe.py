"""Safe loading: every hostile or broken input is one located problem, never an exception."""

from __future__ import annotations

import time

import pytest

from macros.core.yamlsafe import MAX_BYTES, load_yaml_text


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


def test_scalars_read_as_yaml_would_with_numbers_in_plain_decimal():
    doc = load("a: 12\nb: -0.0\nc: +5\nd: 1.5e+3\ne: yes\nf: ~\ng: '12'\nh: ! 12\ni: !!float '1'\nj: !!str 12\n"
               "k: 2024-11-24\nl: .5\n")
    assert doc.problems == []
    assert [(k, type(v).__name__, v) for k, v in doc.data.items()] == [
        ("a", "int", 12), ("b", "float", -0.0), ("c", "int", 5), ("d", "float", 1500.0), ("e", "bool", True),
        ("f", "NoneType", None), ("g", "str", "12"), ("h", "int", 12), ("i", "float", 1.0), ("j", "str", "12"),
        ("k", "str", "2024-11-24"), ("l", "float", 0.5)]
    assert str(doc.data["b"]) == "-0.0"
    assert load("true: 1\n~: 2\n1.5: 3\n").data == {"true": 1, "None": 2, "1.5": 3}


def test_a_tagged_value_that_is_not_of_its_tag_is_a_problem_not_a_crash():
    assert only_problem(load("a: !!bool maybe\n")).startswith("data/x.yaml:1: a: cannot read 'maybe': not a !!bool value")
    assert only_problem(load('a: !!float ""\n')).startswith("data/x.yaml:1: a: cannot read '': not a !!float value")
    assert only_problem(load("a: !!bool\n")).startswith("data/x.yaml:1: a: cannot read '': not a !!bool value")
    assert only_problem(load("a: !!int abc\n")).startswith("data/x.yaml:1: a: abc is not a plain decimal number")
    assert only_problem(load("a: !!map abc\n")).startswith("data/x.yaml:1: a: cannot read 'abc': expected a mapping")


def test_a_refused_file_reports_only_the_refusals_and_keeps_no_data():
    doc = load("a: 010\nb: &x 1\nc: !odd 2\nd: 3\nd: 4\n")
    assert [str(p).split(" — ")[0] for p in doc.problems] == [
        "data/x.yaml:2: (anchor): anchor &x is not allowed", "data/x.yaml:3: (tag): tag !odd is not allowed"]
    assert doc.data is None and doc.lines == {}


def test_values_that_are_not_built_are_still_checked():
    """A duplicate key's value, a merge key's value and a key that is a list are skipped, not trusted."""
    deep = "a: 1\na: {b: " + "[" * 20 + "x" + "]" * 20 + "}\n"
    for text in ("a: 1\na: [x, *y]\n", "<<: {b: *y}\n", "? [*y]\n: 1\n", deep):
        doc = load(text)
        assert doc.data is None and doc.problems[-1].key in ("(alias)", "(nesting)"), text


def test_a_bom_file_is_checked_but_not_built():
    doc = load(b"\xef\xbb\xbfa: 010\nb: &x 1\n")
    assert [p.key for p in doc.problems] == ["(file)", "(anchor)"] and doc.data is None
