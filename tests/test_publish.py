"""publish / rollback / releases: atomic switches, nothing leaked, and a failed publish changes nothing."""

from __future__ import annotations

import gzip
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from macros.publish.release import current_id, list_releases, locked

from .conftest import copy_project, run_macros
from .test_corpus import tree_digest

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.invalid"}


def publish(project: Path, root: Path, *extra: str) -> subprocess.CompletedProcess:
    return run_macros(project, "publish", "--root", str(root), *extra, timeout=300)


def add_page(project: Path, name: str, text: str, nav_title: str | None = "Thử") -> None:
    """A new page with a word budget (and a nav entry), as an editor would add it."""
    (project / "docs" / name).write_text(text, encoding="utf-8")
    handbook = project / "data" / "handbook.yaml"
    handbook.write_text(re.sub(r"(\n  pages:\n)", rf"\g<1>    {name}: 500\n", handbook.read_text(encoding="utf-8"),
                               count=1), encoding="utf-8")
    if nav_title:
        config = project / "mkdocs.yml"
        config.write_text(config.read_text(encoding="utf-8").replace("\nnav:\n", f'\nnav:\n  - "{nav_title}": {name}\n', 1),
                          encoding="utf-8")


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The example published once, from a git repository, with a draft page and editor notes in it."""
    base = tmp_path_factory.mktemp("publish")
    project = copy_project(base / "project")
    add_page(project, "zz-nhap.md", "---\ndraft: true\n---\n# Trang nháp XYZZY\n\nBản nháp chưa duyệt XYZZY.\n",
             nav_title="Nháp XYZZY")
    index = project / "docs" / "index.md"
    index.write_text(index.read_text(encoding="utf-8")
                     + "\n<!-- Ghi chú biên tập PLUGH: chưa kiểm tra số liệu -->\n{# Ghi chú FROBOZZ: hỏi lại Văn phòng #}\n",
                     encoding="utf-8")
    env = dict(os.environ, **GIT_ENV)
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "example"]):
        subprocess.run(["git", *args], cwd=project, env=env, check=True, capture_output=True)
    root = base / "root"
    result = publish(project, root)
    assert result.returncode == 0, result.stdout + result.stderr
    commit = subprocess.run(["git", "rev-parse", "--short=7", "HEAD"], cwd=project, capture_output=True, text=True,
                            check=True).stdout.strip()
    return {"project": project, "root": root, "out": result.stdout, "commit": commit}


def test_a_publish_shows_each_step_and_ends_with_a_one_line_summary(live):
    lines = live["out"].strip().splitlines()
    steps = [line for line in lines if re.match(r"^\[\d/9\] ", line)]
    assert [s.split("]")[0] + "]" for s in steps] == [f"[{i}/9]" for i in range(1, 10)]
    assert re.match(r"^publish: \d{8}T\d{6}Z-[0-9a-f]{7} is live at .+/current \(was nothing\) — \d+ pages", lines[-1])


def test_the_release_is_named_by_utc_time_and_commit_and_current_is_a_relative_symlink(live):
    root = live["root"]
    (release,) = list_releases(root)
    assert re.fullmatch(rf"\d{{8}}T\d{{6}}Z-{live['commit']}", release.id)
    assert (root / "current").is_symlink() and os.readlink(root / "current") == f"releases/{release.id}"
    info = json.loads((root / "current" / "release.json").read_text())
    assert info["release"] == release.id and info["commit"] == live["commit"] and info["dirty"] is False


def test_every_page_carries_the_release_id(live):
    root = live["root"]
    release = current_id(root)
    pages = list((root / "current").rglob("*.html"))
    assert len(pages) >= 17
    for page in pages:
        assert f'<meta name="handbook-release" content="{release}">' in page.read_text(encoding="utf-8"), page


def test_drafts_editor_notes_and_sources_never_reach_the_release(live):
    current = live["root"] / "current"
    files = [p for p in current.rglob("*") if p.is_file()]
    assert not (current / "zz-nhap").exists()
    for path in files:
        rel = path.relative_to(current).as_posix()
        assert not rel.endswith((".md", ".yaml", ".yml", ".py")) and not any(p.startswith(".") for p in rel.split("/"))
        data = gzip.decompress(path.read_bytes()) if rel.endswith(".gz") else path.read_bytes()
        for secret in (b"XYZZY", b"PLUGH", b"FROBOZZ", b"<!--", b"zz-nhap"):
            assert secret not in data, (rel, secret)
    assert "draft page" in live["out"] and "1 draft page(s)" in live["out"]


def test_precompressed_files_unpack_to_their_originals(live):
    current = live["root"] / "current"
    packed = list(current.rglob("*.gz"))
    assert len(packed) >= 20
    for gz in packed:
        if gz.name == "sitemap.xml.gz":
            continue
        assert gzip.decompress(gz.read_bytes()) == gz.with_suffix("").read_bytes(), gz
    assert (current / "index.html.gz").exists()


@pytest.mark.parametrize("name, change, step, message", [
    ("check", lambda p: (p / "data" / "zz.yaml").write_text("kind: indicators\nindicators: !!python/object:os.system\n"),
     "1/9", "data/zz.yaml:2: (tag)"),
    ("build", lambda p: add_page(p, "zz-link.md", '# Thử\n\nXem [đây]({{ "khong-co.md" }}).\n'),
     "2/9", "docs/zz-link.md:3: (link)"),
    ("links", lambda p: add_page(p, "zz-html.md", "# Thử\n\n<a href=\"{{ '../khong-co/' }}\">đây</a>\n"),
     "4/9", "zz-html/index.html:"),
    # A stray source file in docs/ and an image from another site are refused by the check already (the allow-list
    # of published files, the markup lint of what each page became); the built-site steps check them again.
    ("check", lambda p: (p / "docs" / "ghi-chu-noi-bo.yaml").write_text("ghi_chu: chỉ dùng nội bộ\n"),
     "1/9", "docs/ghi-chu-noi-bo.yaml:1: (file): is not a page or a site asset (.yaml)"),
    ("check", lambda p: add_page(p, "zz-img.md", '# Thử\n\n<img src="https://example.com/logo.png" alt="x">\n'),
     "1/9", 'docs/zz-img.md:3: src: loads "https://example.com/logo.png" from outside the site'),
    ("csp", lambda p: (p / "deploy/nginx/snippets/handbook-security.conf").write_text(
        re.sub(r"'sha256-[^']+'", "", (p / "deploy/nginx/snippets/handbook-security.conf").read_text(), count=2)),
     "7/9", "(csp): inline script 'sha256-"),
])
def test_a_publish_failing_at_any_step_leaves_the_live_site_byte_for_byte(name, change, step, message, live, tmp_path):
    project = copy_project(tmp_path / "project")
    change(project)
    root = live["root"]
    before = tree_digest(root)
    result = publish(project, root)
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "Traceback" not in out
    assert message in result.stderr, out
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith(f"publish: failed at step {step} ({name})") and "the live site is unchanged" in last, last
    assert tree_digest(root) == before
    for line in result.stderr.strip().splitlines():
        assert re.match(r"^\S+:\d+: \S.*?: .+ — .+", line), line


def test_the_leak_check_catches_what_the_build_would_leak_without_its_hooks(live, tmp_path):
    """Take the hooks out of mkdocs.yml: the draft and the HTML comment are built, and the publish refuses them."""
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(re.sub(r"\nhooks:\n  - macros/site/hooks.py\n", "\n", config.read_text(encoding="utf-8")),
                      encoding="utf-8")
    add_page(project, "zz-nhap.md", "---\ndraft: true\n---\n# Nháp\n")
    index = project / "docs" / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\n<!-- ghi chú nội bộ -->\n", encoding="utf-8")
    before = tree_digest(live["root"])
    result = publish(project, live["root"])
    assert result.returncode == 1
    assert "zz-nhap/index.html:1: (leak): a page marked `draft: true` was published" in result.stderr
    assert re.search(r"releases/[^/]+/index\.html:\d+: \(leak\): contains an HTML comment", result.stderr)
    assert tree_digest(live["root"]) == before


def test_rollback_switches_back_and_releases_marks_the_live_one(tmp_path):
    project = copy_project(tmp_path / "project")
    root = tmp_path / "root"
    assert publish(project, root).returncode == 0
    early = run_macros(project, "rollback", "--root", str(root))
    assert early.returncode == 1 and "nothing earlier" in early.stderr and "Traceback" not in early.stderr
    handbook = project / "data" / "handbook.yaml"
    handbook.write_text(handbook.read_text(encoding="utf-8").replace('version: "', 'version: "2-', 1), encoding="utf-8")
    assert publish(project, root, "--keep", "2").returncode == 0
    first, second = (r.id for r in list_releases(root))
    assert current_id(root) == second
    listing = run_macros(project, "releases", "--root", str(root))
    assert listing.returncode == 0
    assert re.search(rf"^\* {second} ", listing.stdout, re.M) and re.search(rf"^  {first} ", listing.stdout, re.M)
    back = run_macros(project, "rollback", "--root", str(root))
    assert back.returncode == 0, back.stdout + back.stderr
    assert back.stdout.strip() == f"rollback: current → releases/{first} (was {second})"
    assert current_id(root) == first
    assert f'content="{first}"' in (root / "current" / "index.html").read_text(encoding="utf-8")
    assert run_macros(project, "rollback", "--root", str(root), "--to", second).returncode == 0
    assert current_id(root) == second
    unknown = run_macros(project, "rollback", "--root", str(root), "--to", "khong-co")
    assert unknown.returncode == 1 and 'no complete release "khong-co"' in unknown.stderr and current_id(root) == second
    # --keep 2: a third publish removes the oldest, and its assets leave the shared pool.
    handbook.write_text(handbook.read_text(encoding="utf-8").replace('version: "', 'version: "3-', 1), encoding="utf-8")
    assert publish(project, root, "--keep", "2").returncode == 0
    kept = [r.id for r in list_releases(root)]
    assert len(kept) == 2 and first not in kept and current_id(root) == kept[-1]
    shared = [p.relative_to(root / "shared") for p in (root / "shared").rglob("*") if p.is_file()]
    assert shared and all(any((root / "releases" / k / rel).is_file() for k in kept) for rel in shared)


def test_a_second_publish_fails_clearly_while_the_first_holds_the_lock(live, tmp_path):
    before = tree_digest(live["root"])
    with locked(live["root"]):
        started = time.monotonic()
        result = publish(live["project"], live["root"], "--wait", "1")
        waited = time.monotonic() - started
    assert result.returncode == 1
    assert "(lock): another publish or rollback is running (pid " in result.stderr
    assert "--wait SECONDS" in result.stderr and "Traceback" not in result.stderr
    assert 1 <= waited < 60
    assert tree_digest(live["root"]) == before


def test_two_publishes_at_once_queue_and_each_leaves_a_whole_release(tmp_path):
    project = copy_project(tmp_path / "project")
    root = tmp_path / "root"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(project))
    command = [sys.executable, "-m", "macros", "--project", str(project), "publish", "--root", str(root), "--wait", "120"]
    procs = [subprocess.Popen(command, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    releases = list_releases(root)
    assert len(releases) == 2 and current_id(root) == releases[-1].id
    assert sorted(d.name for d in (root / "releases").iterdir()) == [r.id for r in releases]


def test_an_interrupted_publish_removes_its_partial_release(live, tmp_path):
    root = live["root"]
    before = tree_digest(root)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(live["project"]))
    proc = subprocess.Popen([sys.executable, "-m", "macros", "--project", str(live["project"]), "publish", "--root",
                             str(root)], cwd=live["project"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list((root / "releases").iterdir())) < 2:
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, out + err
    assert "(interrupted): publish was stopped" in err and "the live site is unchanged" in out
    assert tree_digest(root) == before
    # A crash that could not clean up (kill -9) leaves a folder without release.json: the next publish removes it.
    (root / "releases" / "20000101T000000Z-dead000").mkdir()
    result = publish(live["project"], root)
    assert result.returncode == 0 and "removed 1 partial release(s)" in result.stdout
    assert not (root / "releases" / "20000101T000000Z-dead000").exists()
    assert run_macros(live["project"], "rollback", "--root", str(root)).returncode == 0
    assert tree_digest(root)["current/index.html"] == before["current/index.html"]


def test_usage_mistakes_are_refused_before_anything_is_written(tmp_path):
    project = copy_project(tmp_path / "project")
    inside = run_macros(project, "publish", "--root", str(project / "docs" / "releases"))
    assert inside.returncode == 2 and "--root: the release root is inside the project's pages" in inside.stderr
    assert not (project / "docs" / "releases").exists()
    too_few = run_macros(project, "publish", "--root", str(tmp_path / "root"), "--keep", "1")
    assert too_few.returncode == 2 and "--keep: 1 is too few" in too_few.stderr
    assert not (tmp_path / "root").exists()
    unknown = run_macros(project, "rollback", "--root", str(tmp_path / "root"), "--to", "2026")
    assert unknown.returncode == 1 and "--root: no releases/ here" in unknown.stderr and "Traceback" not in unknown.stderr
    assert not (tmp_path / "root").exists()


def test_releases_made_in_the_same_second_keep_their_order(tmp_path):
    """Names sort by commit within a second; the marker's clock decides, so rollback goes to the one made before."""
    from macros.publish.release import rollback, switch

    root = tmp_path / "root"
    for name, built_ns in (("20261125T120000Z-fffffff", 1), ("20261125T120000Z-0000000", 2),
                           ("20261125T115959Z-1234567", 0)):
        folder = root / "releases" / name
        folder.mkdir(parents=True)
        (folder / "release.json").write_text(json.dumps({"release": name, "built_ns": built_ns}))
    (root / "releases" / "20261125T120001Z-partial").mkdir()  # no marker: not a release
    assert [r.id for r in list_releases(root)] == ["20261125T115959Z-1234567", "20261125T120000Z-fffffff",
                                                  "20261125T120000Z-0000000"]
    switch(root, "20261125T120000Z-0000000")
    (root / "history.jsonl").unlink()  # a root from before switches were recorded: the release made before
    assert rollback(root) == ("20261125T120000Z-0000000", "20261125T120000Z-fffffff")
