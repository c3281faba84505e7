"""publish --version: every draft stays readable at its own path; Material's selector and outdated banner."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

import pytest

from macros.pages.theme import default_title, version_config
from macros.publish.release import current_id, list_releases

from .conftest import copy_project, run_macros

CONFIG = re.compile(r'<script id="__config" type="application/json">(.*?)</script>', re.S)


def _publish(project: Path, root: Path, *extra: str):
    return run_macros(project, "publish", "--root", str(root), *extra, timeout=300)


@pytest.fixture(scope="module")
def drafts(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The example published as du-thao-1, then edited (another version, a new sentence) and published as du-thao-2."""
    base = tmp_path_factory.mktemp("versions")
    project = copy_project(base / "project")
    root = base / "root"
    first = _publish(project, root, "--version", "du-thao-1")
    assert first.returncode == 0, first.stdout + first.stderr
    handbook = project / "data" / "handbook.yaml"
    handbook.write_text(re.sub(r'(?m)^version: ".*"$', 'version: "T-2"', handbook.read_text(encoding="utf-8")),
                        encoding="utf-8")
    page = project / "docs" / "phan-1" / "kinh-te.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nCâu thêm XYZZY ở dự thảo lần 2.\n", encoding="utf-8")
    second = _publish(project, root, "--version", "du-thao-2")
    assert second.returncode == 0, second.stdout + second.stderr
    return {"project": project, "root": root, "first": first.stdout, "second": second.stdout}


def _config(html: str) -> dict:
    return json.loads(CONFIG.search(html).group(1))


def test_versions_json_is_what_materials_selector_reads_newest_first(drafts):
    live = drafts["root"] / "current"
    listed = json.loads((live / "versions.json").read_text(encoding="utf-8"))
    assert listed == [{"version": "du-thao-2", "title": "Dự thảo lần 2", "aliases": ["latest"]},
                      {"version": "du-thao-1", "title": "Dự thảo lần 1", "aliases": []}]
    for name in ("du-thao-1", "du-thao-2"):
        config = _config((live / name / "index.html").read_text(encoding="utf-8"))
        assert config["version"]["provider"] == "mike" and config["version"]["default"] == "latest"
    assert 'url=du-thao-2/' in (live / "index.html").read_text(encoding="utf-8")
    assert "du-thao-2 beside 1 earlier draft(s)" in drafts["second"]


def test_each_draft_keeps_its_own_text_and_the_older_carries_the_outdated_banner(drafts):
    live = drafts["root"] / "current"
    old = (live / "du-thao-1" / "phan-1" / "kinh-te" / "index.html").read_text(encoding="utf-8")
    new = (live / "du-thao-2" / "phan-1" / "kinh-te" / "index.html").read_text(encoding="utf-8")
    assert "XYZZY" not in old and "Câu thêm XYZZY ở dự thảo lần 2." in new
    assert "Phiên bản T-2" not in old and "Phiên bản T-2" in new
    banner = re.search(r'data-md-component="outdated" hidden>(.*?)</aside>', old, re.S).group(1)
    assert "Đây là dự thảo lần 1;" in banner and 'href="../../.."' in banner and "xem dự thảo mới nhất" in banner
    assert "Đây là dự thảo lần 2;" in new  # hidden until a newer draft takes the latest alias


def test_a_rollback_brings_back_the_drafts_as_they_were(drafts, tmp_path):
    import shutil

    root = tmp_path / "root"
    shutil.copytree(drafts["root"], root, symlinks=True)
    result = run_macros(drafts["project"], "rollback", "--root", str(root))
    assert result.returncode == 0, result.stderr
    listed = json.loads((root / "current" / "versions.json").read_text(encoding="utf-8"))
    assert [v["version"] for v in listed] == ["du-thao-1"] and not (root / "current" / "du-thao-2").exists()
    assert current_id(root) == list_releases(root)[0].id


def test_a_publish_that_would_drop_the_drafts_or_names_a_bad_draft_is_refused(drafts):
    root = drafts["root"]
    before = current_id(root)
    for extra, message in (((), "the live site keeps every draft by name"),
                           (("--version", "../x"), "cannot name a draft"), (("--version", "latest"), "cannot name")):
        result = _publish(drafts["project"], root, *extra)
        assert result.returncode == 2 and message in result.stderr, result.stderr
        assert re.match(rf"^{re.escape(str(root))}:1: --version: ", result.stderr)
    assert current_id(root) == before


def test_republishing_a_draft_replaces_it_and_makes_it_the_newest(tmp_path):
    project = copy_project(tmp_path / "project")
    root = tmp_path / "root"
    for name in ("du-thao-1", "du-thao-2", "du-thao-1"):
        assert _publish(project, root, "--version", name, "--title", f"Bản {name}").returncode == 0
    listed = json.loads((root / "current" / "versions.json").read_text(encoding="utf-8"))
    assert [(v["version"], v["aliases"]) for v in listed] == [("du-thao-1", ["latest"]), ("du-thao-2", [])]


def test_an_offline_build_lists_the_drafts_in_the_page():
    versions = [{"version": "du-thao-2", "title": "Dự thảo lần 2", "aliases": ["latest"]},
                {"version": "du-thao-1", "title": "Dự thảo lần 1", "aliases": []}]
    env = {"HANDBOOK_VERSION": "du-thao-1", "HANDBOOK_VERSION_TITLE": "Dự thảo lần 1",
           "HANDBOOK_VERSIONS": json.dumps(versions)}
    config = version_config(env, offline=True)
    assert config["outdated"] and config["static"] and config["provider"] is None
    assert config["this"] == "dự thảo lần 1" and config["newest"]["version"] == "du-thao-2"
    assert version_config({}, offline=True) is None
    assert default_title("du-thao-12") == "Dự thảo lần 12" and default_title("ban-cuoi") == "ban-cuoi"


def test_make_offline_writes_the_version_list_and_the_banner_into_the_pages(tmp_path):
    import os
    import subprocess
    import sys

    project = copy_project(tmp_path / "project")
    listed = tmp_path / "versions.json"
    listed.write_text(json.dumps([{"version": "du-thao-2", "title": "Dự thảo lần 2", "aliases": ["latest"]},
                                  {"version": "du-thao-1", "title": "Dự thảo lần 1", "aliases": []}]), encoding="utf-8")
    env = dict(os.environ, HANDBOOK_OFFLINE="true", HANDBOOK_VERSION="du-thao-1", HANDBOOK_VERSIONS_FILE=str(listed),
               PYTHONPATH=str(project), NO_MKDOCS_2_WARNING="1")
    site = tmp_path / "site-offline" / "du-thao-1"
    result = subprocess.run([sys.executable, "-m", "macros", "build", "--site-dir", str(site)], cwd=project, env=env,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    page = (site / "phan-1" / "kinh-te.html").read_text(encoding="utf-8")
    nav = re.search(r'<nav class="hb-versions".*?</nav>', page, re.S).group(0)
    assert "Đây là dự thảo lần 1;" in nav and 'href="../../du-thao-2/index.html"' in nav
    assert '<strong aria-current="page">Dự thảo lần 1</strong>' in nav


@pytest.mark.nginx
def test_both_drafts_are_served_by_nginx_with_the_selector_and_the_banner_on_the_older(drafts, tmp_path, chromium):
    from .nginx_server import Nginx

    with Nginx(tmp_path / "nginx", drafts["root"]) as nginx:
        base = f"http://127.0.0.1:{nginx.port}/"
        for path in ("du-thao-1/", "du-thao-2/", "du-thao-1/phan-1/kinh-te/", "du-thao-2/phan-1/kinh-te/", "versions.json"):
            with urllib.request.urlopen(base + path, timeout=10) as response:
                assert response.status == 200, path
        page = chromium.new_page()
        try:
            refused: list[str] = []
            page.on("console", lambda m: refused.append(m.text) if m.type == "error" else None)
            page.on("response", lambda r: refused.append(f"{r.status} {r.url}") if r.status >= 400 else None)
            page.goto(base)
            page.wait_for_url(base + "du-thao-2/")
            assert page.locator(".md-version__current").inner_text() == "Dự thảo lần 2"
            assert page.locator("[data-md-component=outdated]").is_hidden()
            page.goto(base + "du-thao-1/phan-1/kinh-te/")
            page.locator(".md-version__current").wait_for()
            assert page.locator(".md-version__current").inner_text() == "Dự thảo lần 1"
            banner = page.locator("[data-md-component=outdated]")
            banner.wait_for(state="visible")
            assert banner.inner_text().strip() == "Đây là dự thảo lần 1; xem dự thảo mới nhất."
            banner.locator("a").click()
            page.wait_for_url(base + "du-thao-2/")
            page.goto(base + "du-thao-2/phan-1/kinh-te/")  # the selector keeps the reader on the same page
            page.locator(".md-version__current").hover(force=True)
            page.locator(".md-version__link", has_text="Dự thảo lần 1").click()
            page.wait_for_url(base + "du-thao-1/phan-1/kinh-te/")
            assert refused == []  # no CSP violation, no failed fetch
        finally:
            page.close()
