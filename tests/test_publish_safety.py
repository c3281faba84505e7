"""Publish and rollback when things go wrong: a crash before a switch, a killed publish, a `current` that is a
folder, a read-only root, a check that never ends. Each must end in located lines and a live site as it was."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from macros.publish import pipeline
from macros.publish.release import current_id, list_releases, locked, read_history

from .conftest import copy_project, run_macros
from .test_corpus import tree_digest


def _publish(project: Path, root: Path) -> subprocess.CompletedProcess:
    return run_macros(project, "publish", "--root", str(root), timeout=300)


def _bump(project: Path, tag: str) -> None:
    handbook = project / "data" / "handbook.yaml"
    handbook.write_text(handbook.read_text(encoding="utf-8").replace('version: "', f'version: "{tag}-', 1), "utf-8")


@pytest.fixture(scope="module")
def two_live(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A project and a root where two releases went live, one after the other."""
    base = tmp_path_factory.mktemp("safety")
    project = copy_project(base / "project")
    root = base / "root"
    assert _publish(project, root).returncode == 0
    _bump(project, "2")
    assert _publish(project, root).returncode == 0
    return {"project": project, "root": root}


def test_rollback_goes_to_the_release_that_was_live_not_to_one_that_never_was(tmp_path):
    """A crash after release.json but before the switch leaves a complete release that never went live."""
    project = copy_project(tmp_path / "project")
    root = tmp_path / "root"
    assert _publish(project, root).returncode == 0
    first = current_id(root)
    _bump(project, "2")
    assert _publish(project, root).returncode == 0
    second = current_id(root)
    # The crash: the second release is complete but the switch never happened; the first is live again.
    (root / "current").unlink()
    os.symlink(f"releases/{first}", root / "current")
    history = root / "history.jsonl"
    history.write_text("".join(json.dumps(e) + "\n" for e in read_history(root) if e["to"] != second), "utf-8")
    _bump(project, "3")
    assert _publish(project, root).returncode == 0
    third = current_id(root)
    assert [r.id for r in list_releases(root)] == [first, second, third]
    back = run_macros(project, "rollback", "--root", str(root))
    assert back.returncode == 0, back.stdout + back.stderr
    assert current_id(root) == first, "the release live before the third, not the second that never went live"
    assert [e["how"] for e in read_history(root)] == ["publish", "publish", "rollback"]


def test_current_that_is_a_folder_is_refused_at_the_start(two_live, tmp_path):
    root = tmp_path / "root"
    shutil.copytree(two_live["root"], root, symlinks=True)
    (root / "current").unlink()
    (root / "current").mkdir()
    (root / "current" / "index.html").write_text("<p>một trang đặt tay</p>", encoding="utf-8")
    before = tree_digest(root)
    result = _publish(two_live["project"], root)
    out = result.stdout + result.stderr
    assert result.returncode == 1 and "Traceback" not in out
    assert f"{root}:1: current: {root / 'current'} is a folder, not the link a publish switches" in result.stderr
    assert "[1/9]" not in result.stdout, "refused before any step runs"
    assert tree_digest(root) == before
    back = run_macros(two_live["project"], "rollback", "--root", str(root))
    assert back.returncode == 1 and "is a folder" in back.stderr and "Traceback" not in back.stdout + back.stderr


def test_rollback_on_a_root_it_cannot_write_is_one_located_line(two_live, tmp_path, monkeypatch, capsys):
    """As root every folder is writable, so the refusal of the file system is made to happen where it would."""
    import argparse

    root = tmp_path / "root"
    shutil.copytree(two_live["root"], root, symlinks=True)
    live = current_id(root)

    def read_only(*_args, **_kwargs):
        raise PermissionError(13, "Read-only file system")

    monkeypatch.setattr(os, "symlink", read_only)
    code = pipeline.cmd_rollback(argparse.Namespace(root=str(root), to=None, wait=0.0, project=two_live["project"]))
    out = capsys.readouterr()
    assert code == 1 and "Traceback" not in out.err
    assert out.err.strip() == f"{root}:1: (system): cannot switch: Read-only file system — run rollback as the user who " \
                              "owns the release root, and check its free space"
    assert out.out.strip() == "rollback: nothing changed" and current_id(root) == live


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with open(task / "children", encoding="ascii") as handle:
            found += [int(c) for c in handle.read().split()]
    return found


def test_a_killed_publish_takes_its_mkdocs_child_along_and_frees_the_lock(two_live, tmp_path):
    root = tmp_path / "root"
    shutil.copytree(two_live["root"], root, symlinks=True)
    live = current_id(root)
    project = two_live["project"]
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(project))
    proc = subprocess.Popen([sys.executable, "-m", "macros", "--project", str(project), "publish", "--root", str(root)],
                            cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    child = None
    try:
        deadline = time.monotonic() + 120
        for line in proc.stdout:  # bounded by the deadline below and by publish's own end
            if line.startswith("[2/9] build"):
                break
            assert time.monotonic() < deadline
        while child is None and time.monotonic() < deadline:
            kids = _children(proc.pid)
            child = kids[0] if kids else None
            time.sleep(0.05)
        assert child is not None, "mkdocs runs as a child of publish"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        gone = time.monotonic() + 10
        while Path(f"/proc/{child}").exists() and time.monotonic() < gone:
            state = Path(f"/proc/{child}/stat").read_text().split()[2] if Path(f"/proc/{child}/stat").exists() else "X"
            if state == "Z":
                break
            time.sleep(0.05)
        state = Path(f"/proc/{child}/stat").read_text().split()[2] if Path(f"/proc/{child}/stat").exists() else "X"
        assert state in ("X", "Z"), "the MkDocs child died with publish"
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
    assert current_id(root) == live
    with locked(root, 0.0):
        pass  # nobody holds the lock any more
    again = _publish(project, root)
    assert again.returncode == 0, again.stdout + again.stderr
    # Whatever the killed build had written is gone: every release folder left is complete.
    assert all((folder / "release.json").is_file() for folder in (root / "releases").iterdir())


def test_a_check_past_its_bound_fails_the_publish_and_frees_the_lock(two_live, tmp_path, monkeypatch, capsys):
    root = tmp_path / "root"
    shutil.copytree(two_live["root"], root, symlinks=True)
    before = tree_digest(root)
    project = copy_project(tmp_path / "project")
    page = project / "docs" / "zz-cham.md"
    page.write_text("# Chậm\n\n{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}\n",
                    encoding="utf-8")
    handbook = project / "data" / "handbook.yaml"
    handbook.write_text(handbook.read_text(encoding="utf-8").replace("\n  pages:\n", "\n  pages:\n    zz-cham.md: 50\n", 1)
                        + "limits:\n  page_seconds: 600\n", encoding="utf-8")
    monkeypatch.setattr(pipeline, "CHECK_SECONDS", 1.0)
    started = time.monotonic()
    code = pipeline.publish(project, root)
    seconds = time.monotonic() - started
    out = capsys.readouterr()
    assert code == 1 and seconds < 30
    assert "data/handbook.yaml:1: limits.check_seconds: the check took longer than 1 s" in out.err
    assert tree_digest(root) == before
    with locked(root, 0.0):
        pass
