"""`python -m macros new`: a new committee's handbook that checks, builds and passes its own tests at once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from macros.core.yamlsafe import load_yaml_file
from tests.conftest import ROOT, run_macros

pytestmark = pytest.mark.build

ORGANISATION = "Ban Chấp hành Đảng bộ huyện Thử Nghiệm khóa XIX"
CONGRESS = "Đại hội đại biểu Đảng bộ huyện Thử Nghiệm lần thứ XX, nhiệm kỳ 2025–2030"
# The example's province, in every spelling a copy of it could leave behind.
EXAMPLE_NAMES = ("Hải Dương", "Hai Duong", "hai-duong", "haiduong", "bao-yagi", "kinh-te.yaml")


def _new(dest: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "macros", "new", str(dest), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("new") / "so-tay"
    result = _new(dest, "--organisation", ORGANISATION, "--congress", CONGRESS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "check passed" in result.stdout and "make serve" in result.stdout
    return dest


def test_the_new_project_checks_builds_and_passes_its_own_tests(project: Path, tmp_path: Path):
    check = run_macros(project, "check", "--no-cache")  # the project's own copy of macros/ (PYTHONPATH)
    assert check.returncode == 0 and " 0 errors, 0 warnings" in check.stdout, check.stdout + check.stderr
    site = tmp_path / "site"
    build = run_macros(project, "build", "--site-dir", str(site))
    assert build.returncode == 0, build.stdout + build.stderr
    home = (site / "index.html").read_text(encoding="utf-8")
    assert ORGANISATION in home and 'class="hb-draft"' in home and "Dự thảo" in home
    assert "Chưa có chỉ tiêu nào" in (site / "chi-tieu" / "index.html").read_text(encoding="utf-8")
    own = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project,
                         capture_output=True, text=True, timeout=300, check=False,
                         env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert own.returncode == 0, own.stdout + own.stderr
    assert "3 passed" in own.stdout


def test_the_structure_of_a_political_report_with_empty_data_and_one_example_each(project: Path):
    nav = (project / "mkdocs.yml").read_text(encoding="utf-8")
    for part in ("Phần thứ nhất", "Phần thứ hai", "1. Phát triển kinh tế", "Chỉ tiêu", "Văn bản tham chiếu"):
        assert part in nav
    assert "## 1.1. Tăng trưởng và cơ cấu kinh tế" in (project / "docs/phan-1/kinh-te.md").read_text(encoding="utf-8")
    handbook = load_yaml_file(project / "data/handbook.yaml", "handbook.yaml").data
    assert handbook["organisation"] == ORGANISATION and handbook["congress"] == CONGRESS
    assert handbook["status"] == "Dự thảo" and handbook["pages"] == {"indicators": "chi-tieu.md",
                                                                     "documents": "van-ban.md",
                                                                     "method": "phuong-phap.md"}
    pages = {p.relative_to(project / "docs").as_posix() for p in (project / "docs").rglob("*.md")}
    assert set(handbook["budgets"]["pages"]) == pages
    for name, key in (("indicators", "indicators"), ("sources", "sources"), ("documents", "documents"),
                      ("lists", "lists"), ("abbreviations", "items")):
        path = project / "data" / f"{name}.yaml"
        assert load_yaml_file(path, name).data[key] == []
        assert path.read_text(encoding="utf-8").count("# Ví dụ") == 1
    for rel in ("deploy/nginx/handbook.conf", "overrides/main.html", "Makefile", "requirements.txt", ".gitignore"):
        assert (project / rel).is_file(), rel
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert "make serve" in readme and "make test" in readme and ORGANISATION in readme
    assert not (project / "macros" / "bench").exists()  # the benchmark is not part of a handbook


def test_no_file_names_the_example_province(project: Path):
    for path in project.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            text = path.read_text(encoding="utf-8", errors="replace")
            for name in EXAMPLE_NAMES:
                assert name.lower() not in text.lower(), f"{path} names {name}"


def test_a_folder_in_use_or_an_empty_name_is_refused(tmp_path: Path):
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("giữ lại", encoding="utf-8")
    result = _new(taken, "--organisation", ORGANISATION)
    assert result.returncode == 2 and "already exists and is not empty" in result.stderr
    assert sorted(p.name for p in taken.iterdir()) == ["notes.txt"]
    result = _new(tmp_path / "b", "--organisation", "  ")
    assert result.returncode == 2 and "--organisation is empty" in result.stderr
    assert not (tmp_path / "b").exists() and [p.name for p in tmp_path.iterdir()] == ["taken"]


def test_the_commented_examples_are_valid_once_uncommented_and_intake_fills_them(project: Path, tmp_path: Path):
    """An editor follows the comment: removes the # of the example and the [] — the handbook still checks."""
    import shutil

    copy = tmp_path / "so-tay"
    shutil.copytree(project, copy)
    for path in (copy / "data").glob("*.yaml"):
        lines = path.read_text(encoding="utf-8").splitlines()
        if not any(line.startswith("# Ví dụ") for line in lines):
            continue
        start = next(i for i, line in enumerate(lines) if line.startswith("# Ví dụ"))
        body = [line[1:] if line.startswith("#") else line for line in lines[start + 1:]]
        head = [line.replace(": []", ":") if line.endswith(": []") else line for line in lines[:start]]
        path.write_text("\n".join(head + body) + "\n", encoding="utf-8")
    check = run_macros(copy, "check", "--no-cache")
    assert check.returncode == 0 and " 0 errors, 0 warnings" in check.stdout, check.stdout + check.stderr
    wb = Workbook()
    ws = wb.active
    ws.append(["Chỉ tiêu", "Đơn vị tính", 2024, "Ước TH 2025"])
    ws.append(["Tốc độ tăng trưởng kinh tế (GRDP)", "%", 9.1, 8.2])
    wb.save(copy / "cuc-thong-ke.xlsx")
    intake = run_macros(copy, "intake", str(copy / "cuc-thong-ke.xlsx"))
    assert intake.returncode == 0, intake.stdout + intake.stderr
    assert "grdp-growth 2025: new 8,2% (ước tính)" in intake.stdout and "check: 0 errors" in intake.stdout
