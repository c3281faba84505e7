"""Shared fixtures: the project folder, copies of it to break, and one full build per session."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Every check cache of the test run in a folder of its own (children inherit it), never the user's.
os.environ.setdefault("HANDBOOK_CACHE_HOME", tempfile.mkdtemp(prefix="handbook-test-cache-"))
# Session fixtures for browser tests (loopback server, chromium) live in their own module.
pytest_plugins = ["tests.browser_fixtures"]


def copy_project(dest: Path) -> Path:
    """A throwaway copy of the project (docs, data, mkdocs.yml, macros) that a test may break."""
    for name in ("docs", "data", "macros", "overrides"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("mkdocs.yml",):
        shutil.copy2(ROOT / name, dest / name)
    if (ROOT / "deploy").is_dir():  # the nginx snippet whose CSP hashes `publish` checks
        shutil.copytree(ROOT / "deploy", dest / "deploy")
    # A copy has none of this repository's history: a test that commits it starts at a first draft.
    handbook = dest / "data" / "handbook.yaml"
    if handbook.is_file():
        handbook.write_text(re.sub(r"(?m)^previous:.*\n", "", handbook.read_text(encoding="utf-8")), encoding="utf-8")
    return dest


def run_macros(root: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``python -m macros`` on a project folder, as an editor would."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(root))
    return subprocess.run([sys.executable, "-m", "macros", "--project", str(root), *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


def mkdocs_build(root: Path, site: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site),
                           "--config-file", str(root / "mkdocs.yml")], cwd=root, env=env, capture_output=True,
                          text=True, timeout=timeout, check=False)


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example handbook built once per test session (strict), for every test that reads its HTML."""
    site = tmp_path_factory.mktemp("site")
    result = mkdocs_build(ROOT, site)
    assert result.returncode == 0, result.stdout + result.stderr
    return site
