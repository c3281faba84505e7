"""Figure lint and word budgets."""

from __future__ import annotations

import pytest

from macros.pages.lint import lint_figures
from macros.pages.words import count_words

from .conftest import ROOT


@pytest.mark.parametrize("text", [
    "Tăng trưởng đạt 10,2% năm 2024.", "gấp 1,5 lần bình quân", "thu 1.234 tỷ đồng", "có 9 đại biểu phát biểu",
    "mỗi tổ chức chọn 1–2 nhiệm vụ", "tăng 12 %", "chỉ số 3,75", "tỷ lệ 3/4 số xã", "10 phần trăm", "5tỷ đồng",
    "2025 tỷ đồng", "[^1]: Tăng 10,5% so với",
])
def test_figures_in_prose_are_errors(text):
    problems = lint_figures(text, "docs/a.md", offset=2)
    assert len(problems) == 1
    assert problems[0].line == 3 and problems[0].file == "docs/a.md"
    assert "a figure typed in the prose" in str(problems[0])


@pytest.mark.parametrize("text", [
    "nhiệm kỳ 2020–2025 và 2025-2030", "Kết luận số 09-KL/BCĐ ngày 24/11/2024", "Chỉ thị số 35-CT/TW",
    "Nghị quyết số 35/2023/UBTVQH15", "Hội nghị lần thứ 22, bão số 3, Đại hội XVIII", "1. Mục một",
    'tăng {{ fig("grdp-growth", 2024) }} so với {{ change("a", 2020, 2024) }}', "`10,5%` trong mã",
    "<!-- ghi chú 10,5% -->", "[xem](chi-tieu.md#a-1.5)", "tháng 12/2024", "đến năm 2025 người dân",
    "```\n12,5%\n```", "## 2.1 Kinh tế", "Mục 2.1. Kinh tế", "phiên bản 2.0", "giai đoạn 2021–2025 người dân",
])
def test_what_is_not_a_figure(text):
    assert lint_figures(text, "docs/a.md") == []


def test_lines_are_counted_past_blanked_blocks():
    text = "Đoạn một.\n\n```\ncode\n```\n\n{{ targets_table()\n}}\nCó 12,5% ở đây."
    (problem,) = lint_figures(text, "docs/a.md")
    assert problem.line == 9


def test_word_count_counts_prose_and_one_per_macro():
    body = ('# Tiêu đề\n\n!!! note "Ghi chú dài"\n    Bốn chữ ở đây.\n\nTăng {{ fig("a") }} năm nay.\n\n'
            "<!-- không đếm -->\n[liên kết](a.md)\n{{ targets_table() }}\n")
    # Tiêu đề (2) + "Ghi chú dài" (3) + Bốn chữ ở đây (4) + Tăng ▪ năm nay (4) + liên kết (2) + ▪ (1)
    assert count_words(body) == 16
    assert count_words("{% for x in y %}a{% endfor %}") == 1


@pytest.mark.parametrize("name, text", [
    ("one-megabyte-page", ("{{ " * 20000 + "\n" + "<a " * 20000 + "\n" + "[" * 50000 + "\n" + "1" * 50000 + "\n"
                           + "```\nx\n" * 5000 + "<!-- " * 20000 + "\n" + "{" * 50000 + "\n") * 3),
    ("hundred-thousand-character-line", "Câu " + "](" * 25000 + "<" * 25000 + "`a" * 25000),
])
def test_lint_and_word_counts_are_linear_on_hostile_text(name, text):
    """Each pattern that was quadratic (minutes on 200 KB) now scans once: seconds would mean it came back."""
    import time

    from macros.pages.pagelint import lint_page
    from macros.pages.render import PageSource
    from macros.pages.words import count_seen

    assert len(text) > (900_000 if name.startswith("one") else 100_000)
    started = time.process_time()
    lint_figures(text, "docs/x.md")
    count_words(text)
    count_seen(text)
    lint_page(PageSource("x.md", "docs/x.md", text, text, 0, {}), ROOT / "docs", set())
    assert time.process_time() - started < 5, name
