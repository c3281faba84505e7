"""``python -m macros``: exit codes 0 / 1 / 2, one line per problem, a summary line."""

from __future__ import annotations

from .conftest import ROOT, copy_project, run_macros


def test_check_passes_on_the_example():
    result = run_macros(ROOT, "check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("check: ") and " 0 errors" in result.stdout
    assert result.stderr == ""


def test_check_reports_all_problems_and_exits_1(tmp_path):
    project = copy_project(tmp_path / "p")
    (project / "data" / "extra.yaml").write_text("kind: indicatorz\n", encoding="utf-8")
    page = project / "docs" / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nTăng 12,5% so với cùng kỳ.\n{{ fig('nope') }}\n",
                    encoding="utf-8")
    result = run_macros(project, "check")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert any(line.startswith('data/extra.yaml:1: kind: unknown kind "indicatorz"') for line in lines)
    assert "Traceback" not in result.stderr


def test_page_problems_are_all_reported(tmp_path):
    project = copy_project(tmp_path / "p")
    page = project / "docs" / "index.md"
    original = page.read_text(encoding="utf-8")
    page.write_text(original + "\nTăng 12,5% so với cùng kỳ.\n{{ fig('nope') }}\n", encoding="utf-8")
    n = len(original.splitlines())
    result = run_macros(project, "check")
    assert result.returncode == 1
    assert f'docs/index.md:{n + 2}: "12,5%": a figure typed in the prose' in result.stderr
    assert f'docs/index.md:{n + 3}: fig("nope"): no indicator "nope"' in result.stderr


def test_usage_error_exits_2():
    assert run_macros(ROOT, "frobnicate").returncode == 2


def test_stats_prints_pages_budgets_and_reading_time():
    result = run_macros(ROOT, "stats")
    assert result.returncode == 0, result.stderr
    assert "index.md" in result.stdout and "reading time" in result.stdout.splitlines()[-1]


def test_over_budget_page_fails_check(tmp_path):
    project = copy_project(tmp_path / "p")
    page = project / "docs" / "viet-tat.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n" + "chữ " * 500 + "\n", encoding="utf-8")
    result = run_macros(project, "check")
    assert result.returncode == 1
    assert "docs/viet-tat.md:1: (words): " in result.stderr and "over the budget of" in result.stderr


def test_status_lists_every_target_with_its_inputs():
    result = run_macros(ROOT, "status")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:4] == ["id", "base", "latest", "target"]
    # A term target (bình quân 2021–2025) is judged on the term, never "achieved" on one year's value.
    assert any(line.startswith("grdp-growth ") and "Đúng tiến độ" in line and "(2021–2025)" in line
               and "average 9,4%" in line and "projected 9,5%" in line for line in lines)
    assert lines[-1].startswith("status: ") and " targets — " in lines[-1]


def test_project_option_after_the_command(tmp_path):
    result = run_macros(ROOT, "check")  # --project given before the command by run_macros
    assert result.returncode == 0
    import subprocess
    import sys
    after = subprocess.run([sys.executable, "-m", "macros", "check", "--project", str(ROOT)], cwd=tmp_path,
                           capture_output=True, text=True, check=False, env={"PYTHONPATH": str(ROOT)})
    assert after.returncode == 0, after.stderr


def test_anchor_pages_must_exist_and_carry_their_tables(tmp_path):
    project = copy_project(tmp_path / "p")
    handbook = project / "data" / "handbook.yaml"
    text = handbook.read_text(encoding="utf-8")
    line = text.splitlines().index("  documents: van-ban.md") + 1
    handbook.write_text(text.replace("  indicators: chi-tieu.md", "  indicators: chi-tieux.md")
                        .replace("  documents: van-ban.md", "  documents: index.md"), encoding="utf-8")
    result = run_macros(project, "check")
    assert result.returncode == 1
    assert 'pages.indicators: no page "chi-tieux.md" in docs/ — did you mean "chi-tieu.md"?' in result.stderr
    assert (f"data/handbook.yaml:{line}: pages.documents: index.md does not call documents_table()"
            in result.stderr)


def test_windows_line_endings_and_front_matter(tmp_path):
    project = copy_project(tmp_path / "p")
    page = project / "docs" / "viet-tat.md"
    page.write_bytes(("---\r\ndescription: Tăng trưởng 10,5%\r\n---\r\n\r\n"
                      + page.read_text(encoding="utf-8").replace("\n", "\r\n")).encode("utf-8"))
    result = run_macros(project, "check")
    assert result.returncode == 0, result.stderr
