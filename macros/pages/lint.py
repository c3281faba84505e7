"""Figure lint: a number in the prose that looks like a figure must come from data.

A figure typed by hand can disagree with the data and with itself elsewhere in the report; so in
``docs/`` a decimal, a percentage, an amount with a unit or a ratio outside a macro is an error. What is
not a figure stays allowed: years and year ranges, dates, document numbers (``09-KL/BCĐ``,
``35/2023/UBTVQH15``), ordinals (``lần thứ 22``, ``bão số 3``) and list numbering. Code, macros, HTML
tags, comments and link targets are blanked out first (keeping line breaks, so lines stay right).
"""

from __future__ import annotations

import re

from ..core.errors import Problem
from .scan import DELIMITED, blank_spans, delimited, fenced

UNIT_WORDS = (
    "tỷ", "tỉ", "triệu", "nghìn", "ngàn", "đồng", "USD", "usd", "người", "đảng viên", "đại biểu", "hộ", "căn",
    "ha", "km", "km2", "dự án", "lần", "điểm", "tổ chức", "nhiệm vụ", "xã", "phường", "huyện", "đơn vị",
    "doanh nghiệp", "lao động", "học sinh", "trường", "cơ sở", "công trình", "m2", "tấn", "MW", "kWh",
    "chỉ tiêu", "cán bộ", "chi bộ", "đảng bộ", "phần trăm",
)

# Line patterns, each linear: a negated class also excludes its own opening character, so a scan that
# finds no closing stops at the next opening instead of running to the end of the line from every one.
LINE_PATTERNS = [
    re.compile(r"`[^`\n]+`"),  # inline code
    re.compile(r"<[^<>\n]+>"),  # HTML tags and their attributes
    re.compile(r"\]\([^()\]\n]*\)"),  # link targets
    re.compile(r"^[ \t]*\[(?!\^)[^\[\]\n]+\]:[ \t]*\S+.*$", re.MULTILINE),  # reference definitions (footnotes are prose)
    re.compile(r"\{:?[^{}\n]*\}"),  # attribute lists
]
_BLANK_PATTERNS = LINE_PATTERNS + [
    re.compile(r"(?<![\d/])\d+(?:/\d{4})?[-/][A-ZĐ][A-ZĐa-zđ0-9]*(?:[/-][A-ZĐa-zđ0-9]+)*"),  # document numbers
    re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b"),  # dates 24/11/2024
    re.compile(r"\b\d{1,2}/\d{4}\b"),  # months 11/2024
]

_UNITS = "|".join(sorted((re.escape(u) for u in UNIT_WORDS), key=len, reverse=True))
_NUMBER = r"\d+(?:[.,]\d+)*"
# Vietnamese numbers: decimal comma, dot grouping in threes. "2.1" is therefore a section or version
# number, not a figure; "2,1" and "2.100" are figures.
_FIGURE = re.compile(
    rf"(?<![\w.,])(?:"
    rf"{_NUMBER}\s*(?:[–-]\s*{_NUMBER}\s*)?%"  # percentages, ranges of them
    rf"|{_NUMBER}(?:\s*[–-]\s*{_NUMBER})?\s*(?:{_UNITS})(?![\w])"  # amounts and ratios with a unit
    rf"|\d+,\d+|\d{{1,3}}(?:\.\d{{3}})+(?:,\d+)?"  # decimals and grouped thousands
    rf"|\d+/\d+(?![\d/])"  # fractions: 3/4 số xã
    rf")"
)
_YEAR = re.compile(r"^(1[89]|20|21)\d\d$")


def _blank(match: re.Match) -> str:
    text = match.group(0)
    if "\n" not in text:  # nearly every match: a macro call, a tag, a date on one line
        return " " * len(text)
    return "\n".join(" " * len(line) for line in text.split("\n"))


def prose_only(body: str) -> str:
    """The body with everything that is not prose replaced by spaces (line breaks kept)."""
    body = blank_spans(body, fenced(body))
    for opener, closer in DELIMITED:
        body = blank_spans(body, delimited(body, opener, closer))
    for pattern in _BLANK_PATTERNS:
        body = pattern.sub(_blank, body)
    return body


def _is_exempt(text: str, before: str) -> bool:
    """A year after "năm" followed by a unit word ("năm 2025 người dân…") is a year, not an amount."""
    head = re.match(r"\d+", text)
    return bool(head and _YEAR.match(head.group(0)) and not re.search(r"[.,%/]", text)
                and re.search(r"(năm|Năm|giai đoạn|nhiệm kỳ|[–-])\s*$", before))


def lint_figures(body: str, display: str, offset: int = 0) -> list[Problem]:
    """Every figure-looking number typed in the prose of a page body."""
    problems = []
    prose = prose_only(body)
    for match in _FIGURE.finditer(prose):
        found = match.group(0).strip()
        if _is_exempt(found, prose[max(0, match.start() - 12):match.start()]):
            continue
        line = prose.count("\n", 0, match.start()) + 1 + offset
        problems.append(Problem(display, line, f'"{found}"', "a figure typed in the prose",
                                'put it in data/ and insert it with a macro, e.g. {{ fig("id") }}'))
    return problems


# A status is computed (macros.core.status); typed beside a target's figure it can contradict the badge.
STATUS_WORDS = ("đã đạt", "không đạt", "chưa đạt", "có nguy cơ", "nguy cơ không đạt", "đúng tiến độ", "chậm tiến độ",
                "vượt mục tiêu", "vượt chỉ tiêu", "khó đạt", "đạt thấp")
_STATUS = re.compile(r"(?<!\w)(" + "|".join(sorted(map(re.escape, STATUS_WORDS), key=len, reverse=True)) + r")(?!\w)",
                     re.IGNORECASE)
_TARGET_CALL = re.compile(r"\{\{-?\s*(fig|target|change)\s*\(")
_STATUS_CALL = re.compile(r"\{\{-?\s*(status|targets_list|targets_table)\s*\(")


def lint_status_words(body: str, display: str, offset: int = 0) -> list[Problem]:
    """A status word typed in a line of prose that cites a target's figure, where {{ status() }} would state it."""
    problems = []
    prose_lines = prose_only(body).split("\n")
    for i, line in enumerate(body.split("\n")):
        if not _TARGET_CALL.search(line) or _STATUS_CALL.search(line):
            continue
        match = _STATUS.search(prose_lines[i] if i < len(prose_lines) else "")
        if match:
            problems.append(Problem(display, i + 1 + offset, f'"{match.group(1)}"', "a target's status typed in the prose",
                                    'let the data say it: {{ status("id") }}, or a list from {{ targets_list("at_risk") }}'))
    return problems


# One tone-mark style across the handbook: the traditional placement Party and State documents use ("hóa", "họa",
# "ủy", "khỏe"), never the newer one ("hoá", "hoạ", "uỷ") beside it. Only an open syllable differs: "hoạch",
# "thoát" and "quý" are the same in both styles.
_NEW_STYLE = {"oá": "óa", "oà": "òa", "oả": "ỏa", "oã": "õa", "oạ": "ọa", "oé": "óe", "oè": "òe", "oẻ": "ỏe",
              "oẽ": "õe", "oẹ": "ọe", "uý": "úy", "uỳ": "ùy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy"}
_NEW_STYLE.update({k[0].upper() + k[1]: v[0].upper() + v[1] for k, v in list(_NEW_STYLE.items())})
_TONE = re.compile(r"(?<![qQ])(" + "|".join(_NEW_STYLE) + r")(?![^\W\d_])")


def traditional_tones(text: str) -> str:
    """``text`` with every newer-style tone mark moved to the traditional place ("minh hoạ" → "minh họa")."""
    return _TONE.sub(lambda m: _NEW_STYLE[m.group(1)], text)


def lint_tone_marks(text: str, display: str, offset: int = 0) -> list[Problem]:
    """Each word spelt in the newer tone-mark style, with its spelling in the handbook's style."""
    problems = []
    for i, line in enumerate(text.split("\n")):
        for match in _TONE.finditer(line):
            start = max(line.rfind(" ", 0, match.start()) + 1, 0)
            end = match.end()
            word = line[start:end].strip("\"'“”(«")
            problems.append(Problem(display, i + 1 + offset, f'"{word}"', "tone mark in the newer style",
                                    f'write "{traditional_tones(word)}": the handbook places tone marks one way'))
    return problems
