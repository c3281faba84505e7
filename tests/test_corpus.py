"""Hostile and broken input: each case in tests/corpus/ is refused with located lines, quickly, in bounded memory.

A case is a folder holding the files to drop into a copy of the project (``data/…``, ``docs/…``) and
``expect.txt``: the ``FILE:LINE: KEY`` of every error it must produce, one per line — no more, no fewer.
A few cases are generated here because they are too big to keep in the repository. Some are also
published against a live release root, which must stay byte for byte as it was.
"""

from __future__ import annotations

import hashlib
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ROOT, copy_project, run_macros

CORPUS = Path(__file__).resolve().parent / "corpus"
LOCATED = re.compile(r"^\S+:\d+: \S.*?: .+$")
MEMORY = 1024 * 1024 * 1024  # 1 GiB of address space for a whole `check` run
SECONDS = 30

GENERATED = {
    # Over the 1 MB limit: refused before YAML parsing builds anything.
    "huge-file": ({"data/zz-case.yaml": b"kind: lists\n" + b"# " + b"x" * 120 + b"\n" * 1 + (b"# " + b"y" * 98 + b"\n") * 12_000},
                  ["data/zz-case.yaml:1: (file)"]),
    # A million-item flow sequence on one line: refused by the node count, not by running out of memory.
    "value-flood": ({"data/zz-case.yaml": b"kind: lists\nlists: [" + b"1," * 210_000 + b"1]\n"},
                    ["data/zz-case.yaml:2: (file)"]),
}


def cases() -> list[str]:
    return sorted(p.name for p in CORPUS.iterdir() if p.is_dir()) + sorted(GENERATED)


def case_files(name: str) -> tuple[dict[str, bytes], list[str]]:
    if name in GENERATED:
        files, expected = GENERATED[name]
        return dict(files), list(expected)
    folder = CORPUS / name
    files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
             if p.is_file() and p.name != "expect.txt"}
    expected = [line for line in (folder / "expect.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
    return files, expected


def drop_case(project: Path, name: str) -> list[str]:
    """Put the case's files into the project; a readable new page also gets a word budget, as an editor would."""
    files, expected = case_files(name)
    for rel, data in files.items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_bytes(data)
        if rel.startswith("docs/") and rel.endswith(".md"):
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                continue
            handbook = project / "data" / "handbook.yaml"
            text = handbook.read_text(encoding="utf-8")
            page = rel.removeprefix("docs/")
            text = re.sub(r"(\n  pages:\n)", rf"\g<1>    {page}: 500\n", text, count=1)
            handbook.write_text(text, encoding="utf-8")
    return expected


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (SECONDS, SECONDS))


def run_bounded(project: Path, *args: str) -> tuple[subprocess.CompletedProcess, float]:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(project))
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "macros", "--project", str(project), *args], cwd=project, env=env,
                            capture_output=True, text=True, timeout=SECONDS * 2, check=False, preexec_fn=_limits)
    return result, time.monotonic() - started


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("corpus") / "project")


def test_the_corpus_is_large_enough():
    names = cases()
    assert len(names) >= 30
    assert sum(1 for n in names if any(k.startswith("data/") for k in case_files(n)[0])) >= 15
    assert sum(1 for n in names if any(k.startswith("docs/") for k in case_files(n)[0])) >= 10


@pytest.mark.parametrize("name", cases())
def test_bad_input_is_refused_with_located_lines(name, pristine, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(pristine, project)
    expected = drop_case(project, name)
    result, seconds = run_bounded(project, "check")
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "Traceback" not in out and "MemoryError" not in out, out
    assert seconds < SECONDS, f"{name} took {seconds:.1f} s"
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines and all(LOCATED.match(line) for line in lines), out
    errors = [line for line in lines if not line.endswith("(warning)")]
    got = [": ".join(line.split(": ", 2)[:2]) for line in errors]
    assert got == expected, "\n".join(errors)
    assert all(" — " in line for line in errors), "every message says how to fix it"


@pytest.fixture(scope="module")
def live_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("live")
    project = copy_project(base / "project")
    root = base / "root"
    result = run_macros(project, "publish", "--root", str(root), timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return root


def tree_digest(root: Path) -> dict[str, str]:
    """Every path under root (following `current`) with its bytes' hash or its link target.

    Only the lock file is left out: it names the last process that held it, and serves nothing.
    """
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if rel == ".publish.lock":
            continue
        if path.is_symlink():
            out[rel] = "-> " + os.readlink(path)
        elif path.is_file():
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    for path in sorted((root / "current").rglob("*")):
        if path.is_file():
            out["current/" + path.relative_to(root / "current").as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


@pytest.mark.parametrize("name", ["alias-bomb", "python-object-tag", "broken-jinja", "link-escapes-site", "page-bom",
                                  "huge-file"])
def test_a_publish_of_bad_input_leaves_the_live_site_unchanged(name, live_root, tmp_path):
    project = copy_project(tmp_path / "project")
    expected = drop_case(project, name)
    before = tree_digest(live_root)
    result = run_macros(project, "publish", "--root", str(live_root), timeout=300)
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "Traceback" not in out
    assert all(e in result.stderr for e in expected), out
    assert "the live site is unchanged" in result.stdout.splitlines()[-1]
    assert tree_digest(live_root) == before


def test_html_and_jinja_in_data_values_are_shown_as_text(tmp_path):
    """Valid text that looks like markup is escaped: it reads as typed and runs nothing."""
    project = copy_project(tmp_path / "project")
    (project / "data" / "zz-markup.yaml").write_text(
        "kind: indicators\nindicators:\n  - id: zz-markup\n"
        "    name: \"<script>alert('x')</script> <b>đậm</b> {{ 7 * 7 }} {% if true %}IF{% endif %} **sao**\"\n"
        "    unit: \"%\"\n    illustrative: true\n    values:\n      2024: 1.5\n", encoding="utf-8")
    site = tmp_path / "site"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)], cwd=project,
                            env=dict(os.environ, NO_MKDOCS_2_WARNING="1"), capture_output=True, text=True, timeout=300,
                            check=False)
    assert result.returncode == 0, result.stderr
    pages = [p.read_text(encoding="utf-8") for p in site.rglob("index.html")]
    shown = [html for html in pages if "zz-markup" in html]
    assert shown, "the indicators table shows the new indicator"
    html = shown[0]
    assert "<script>alert('x')</script>" not in html and "<b>đậm</b>" not in html
    assert "&lt;script&gt;alert(" in html and "&lt;b&gt;đậm&lt;/b&gt;" in html
    assert "49" not in re.sub(r"<[^>]+>", "", html.split("zz-markup", 1)[1])[:400]  # {{ 7 * 7 }} was not evaluated
    assert "&#123;&#123; 7 &#42; 7 &#125;&#125;" in html and "&#123;% if true %&#125;IF" in html
    assert "<strong>sao</strong>" not in html and "&#42;&#42;sao&#42;&#42;" in html
    assert "alert(&#39;x&#39;)" in html, "an apostrophe is escaped once, so it reads as an apostrophe"
    assert "&&#35;" not in html and "&amp;#" not in html


def test_the_corpus_runs_under_the_memory_limit_it_claims():
    """The limit is real: a process that needs more than it is stopped (so passing cases did fit)."""
    code = "x = bytearray(2 * 1024 * 1024 * 1024)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=False,
                            preexec_fn=_limits, cwd=ROOT)
    assert result.returncode != 0 and "MemoryError" in result.stderr
