"""The shipped nginx configuration, served by a real nginx on 127.0.0.1, in front of published releases."""

from __future__ import annotations

import base64
import gzip
import hashlib
import http.client
import json
import random
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

from macros.publish.release import current_id, list_releases, switch

from .conftest import copy_project, run_macros
from .nginx_server import DEPLOY, Nginx

pytestmark = pytest.mark.nginx

META = re.compile(r'<meta name="handbook-release" content="([^"]+)">')
OWN_CSS = re.compile(r'<link rel="stylesheet" href="([^"]*handbook\.[0-9a-f]{8,}\.css)">')
BUNDLE = re.compile(r'<script src="([^"]*bundle\.[0-9a-f]{8,}\.min\.js)">')
SECURITY = ("content-security-policy", "x-content-type-options", "referrer-policy", "x-frame-options",
            "permissions-policy", "cross-origin-opener-policy")


def shipped_csp() -> str:
    text = (DEPLOY / "snippets" / "handbook-security.conf").read_text(encoding="utf-8")
    return re.search(r'add_header Content-Security-Policy "([^"]+)" always;', text).group(1)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Two releases of the example handbook, A then B (B's data differs); B is live, A is previous."""
    base = tmp_path_factory.mktemp("published")
    project = copy_project(base / "project")
    root = base / "root"
    first = run_macros(project, "publish", "--root", str(root), timeout=300)
    assert first.returncode == 0, first.stdout + first.stderr
    handbook = project / "data" / "handbook.yaml"
    handbook.write_text(handbook.read_text(encoding="utf-8").replace('version: "', 'version: "B-', 1), encoding="utf-8")
    second = run_macros(project, "publish", "--root", str(root), timeout=300)
    assert second.returncode == 0, second.stdout + second.stderr
    releases = [r.id for r in list_releases(root)]
    assert len(releases) == 2 and current_id(root) == releases[1]
    pages = sorted(p.relative_to(root / "current").parent.as_posix() + "/"
                   for p in (root / "current").rglob("index.html"))
    return {"root": root, "a": releases[0], "b": releases[1], "project": project,
            "pages": ["/" if p == "./" else "/" + p for p in pages]}


@pytest.fixture(scope="module")
def server(published: dict, tmp_path_factory: pytest.TempPathFactory):
    with Nginx(tmp_path_factory.mktemp("nginx"), published["root"]) as nginx:
        yield nginx


def test_the_shipped_configuration_passes_nginx_t(tmp_path, published):
    result = Nginx(tmp_path, published["root"]).test_config()
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


def test_a_page_carries_every_security_header_and_is_revalidated(server, published):
    r = server.get("/")
    assert r.status == 200
    assert r.header("content-type") == "text/html; charset=utf-8"
    csp = r.header("content-security-policy")
    assert csp == shipped_csp()
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    for directive in ("default-src 'none'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'",
                      "worker-src 'self'"):
        assert directive in csp
    assert r.header("x-content-type-options") == "nosniff"
    assert r.header("referrer-policy") == "no-referrer"
    assert r.header("x-frame-options") == "DENY"
    assert "camera=()" in r.header("permissions-policy") and "geolocation=()" in r.header("permissions-policy")
    assert r.header("cache-control") == "no-cache"
    assert r.header("etag")
    assert r.header("server") == "nginx"  # no version
    assert META.search(r.body.decode()).group(1) == published["b"]
    print("\nheaders as served for GET /:\n" + "\n".join(f"  {k}: {v}" for k, v in sorted(r.headers.items())))


def test_every_inline_script_served_is_allowed_by_the_served_csp(server, published):
    csp = server.get("/").header("content-security-policy")
    allowed = set(re.findall(r"'(sha256-[^']+)'", csp))
    for page in published["pages"]:
        html = server.get(page).body.decode()
        for attrs, code in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S):
            if "src=" in attrs or "application/json" in attrs:
                continue
            digest = "sha256-" + base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()
            assert digest in allowed, f"{page}: inline script {digest} not in the CSP"


def test_a_revalidated_page_answers_304_until_a_switch_changes_it(server, published):
    first = server.get("/")
    again = server.get("/", headers={"If-None-Match": first.header("etag")})
    assert again.status == 304
    root = published["root"]
    switch(root, published["a"])
    try:
        after = server.get("/", headers={"If-None-Match": first.header("etag")})
        assert after.status == 200
        assert META.search(after.body.decode()).group(1) == published["a"]
    finally:
        switch(root, published["b"])


def test_hashed_assets_are_cached_for_a_year_and_keep_the_headers(server):
    html = server.get("/").body.decode()
    for url in (OWN_CSS.search(html).group(1), BUNDLE.search(html).group(1)):
        r = server.get("/" + url.lstrip("./"))
        assert r.status == 200, url
        assert r.header("cache-control") == "public, max-age=31536000, immutable"
        for name in SECURITY:
            assert r.header(name), (url, name)


def test_precompressed_files_are_served_to_browsers_that_accept_gzip(server, published):
    plain = server.get("/phan-1/kinh-te/")
    packed = server.get("/phan-1/kinh-te/", headers={"Accept-Encoding": "gzip"})
    assert packed.status == 200 and packed.header("content-encoding") == "gzip"
    assert "Accept-Encoding" in packed.header("vary")
    assert gzip.decompress(packed.body) == plain.body
    on_disk = published["root"] / "current" / "phan-1" / "kinh-te" / "index.html.gz"
    assert packed.body == on_disk.read_bytes()  # the shipped .gz, not compressed on the fly


def test_a_missing_page_gets_the_sites_404_page_with_the_headers(server, published):
    r = server.get("/khong-co-trang-nay/")
    assert r.status == 404
    assert META.search(r.body.decode()).group(1) == published["b"]
    assert "404" in r.body.decode()
    for name in SECURITY:
        assert r.header(name), name


def test_dotfiles_and_sources_are_refused_even_if_one_slipped_into_the_release(server, published):
    live = published["root"] / "releases" / published["b"]
    names = (".git/config", ".env", "ghi-chu.md", "data.yaml", "mkdocs.yml", "phan-1/kinh-te.md", "backup.html~", "x.py",
             "assets/.htpasswd", "notes.ini")
    planted = {rel: f"PLANTED-SECRET-{i}" for i, rel in enumerate(names)}
    try:
        for rel, text in planted.items():
            (live / rel).parent.mkdir(parents=True, exist_ok=True)
            (live / rel).write_text(text, encoding="utf-8")
        for rel, text in planted.items():
            r = server.get("/" + rel)
            assert r.status == 404, rel
            assert text.encode() not in r.body, rel
    finally:
        for rel in planted:
            (live / rel).unlink()
        (live / ".git").rmdir()


def test_no_directory_listing_no_writes_and_relative_redirects(server):
    listing = server.get("/assets/")
    assert listing.status in (403, 404) and b"Index of" not in listing.body
    assert server.get("/", method="POST").status == 405
    assert server.get("/", method="DELETE").status == 405
    moved = server.get("/chi-tieu")
    assert moved.status == 301 and moved.header("location") == "/chi-tieu/"
    assert server.get("/release.json").status == 200


def test_access_can_be_restricted_to_networks(tmp_path, published):
    with Nginx(tmp_path, published["root"], access="allow 10.0.0.0/8;\ndeny all;\n") as nginx:
        r = nginx.get("/")
        assert r.status == 403
        assert published["b"].encode() not in r.body


def test_access_can_require_a_password(tmp_path, published):
    digest = base64.b64encode(hashlib.sha1(b"mat-khau").digest()).decode()
    users = tmp_path / "handbook.htpasswd"
    users.write_text(f"bientap:{{SHA}}{digest}\n", encoding="utf-8")
    access = f'auth_basic "So tay";\nauth_basic_user_file {users};\n'
    with Nginx(tmp_path / "srv", published["root"], access=access) as nginx:
        assert nginx.get("/").status == 401
        wrong = base64.b64encode(b"bientap:sai").decode()
        assert nginx.get("/", headers={"Authorization": f"Basic {wrong}"}).status == 401
        right = base64.b64encode(b"bientap:mat-khau").decode()
        r = nginx.get("/", headers={"Authorization": f"Basic {right}"})
        assert r.status == 200 and META.search(r.body.decode())


def _asset_url(page: str, asset: str) -> str:
    """Absolute path of an asset referenced relatively from a page URL (``../../assets/x.css`` from ``/a/b/``)."""
    parts = [p for p in page.split("/") if p]
    for piece in asset.split("/"):
        if piece == "..":
            parts = parts[:-1]
        elif piece not in ("", "."):
            parts.append(piece)
    return "/" + "/".join(parts)


def run_load(port: int, published: dict, clients: int, seconds: float) -> dict:
    """``clients`` threads read random pages and the CSS/JS each page loads, while ``current`` flips A ↔ B.

    A request fails if it errors or is not 200. A page is *mixed* if the stylesheet it loads carries another
    release id than the page's own ``<meta name="handbook-release">`` (each release's stylesheet is stamped).
    """
    root, a, b = published["root"], published["a"], published["b"]
    pages = published["pages"]
    stop = threading.Event()
    lock = threading.Lock()
    stats = {"requests": 0, "pages": 0, "failed": 0, "mixed": 0, "switches": 0, "seen": set(), "errors": []}

    def fetch(conn: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read()

    def client(seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        deadline = time.monotonic() + seconds + 5
        while not stop.is_set() and time.monotonic() < deadline:
            page = rng.choice(pages)
            failed = mixed = requests = 0
            release = None
            try:
                status, body = fetch(conn, page)
                requests += 1
                html = body.decode("utf-8")
                release = META.search(html)
                css, bundle = OWN_CSS.search(html), BUNDLE.search(html)
                if status != 200 or not (release and css and bundle):
                    failed += 1
                    with lock:
                        stats["errors"].append(f"{page}: {status}")
                else:
                    for asset in (css.group(1), bundle.group(1)):
                        url = _asset_url(page, asset)
                        a_status, a_body = fetch(conn, url)
                        requests += 1
                        if a_status != 200:
                            failed += 1
                            with lock:
                                stats["errors"].append(f"{url} (from {page}, {release.group(1)}): {a_status}")
                        elif asset == css.group(1):
                            marker = re.search(rb"handbook-release: (\S+) \*/", a_body)
                            if not marker or marker.group(1).decode() != release.group(1):
                                mixed += 1
            except (OSError, http.client.HTTPException, UnicodeDecodeError) as exc:
                failed += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                with lock:
                    stats["errors"].append(repr(exc))
            with lock:
                stats["requests"] += max(requests, 1)
                stats["pages"] += 1
                stats["failed"] += failed
                stats["mixed"] += mixed
                if release:
                    stats["seen"].add(release.group(1))
        conn.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    try:
        while time.monotonic() - started < seconds and stats["switches"] < 10_000:
            switch(root, a if current_id(root) == b else b)
            stats["switches"] += 1
            time.sleep(0.02)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=20)
        switch(root, b)
    elapsed = time.monotonic() - started
    assert not any(t.is_alive() for t in threads)
    figures = {k: (sorted(v) if isinstance(v, set) else v) for k, v in stats.items() if k != "errors"}
    figures.update(clients=clients, seconds=round(elapsed, 1), requests_per_second=round(stats["requests"] / elapsed),
                   first_errors=stats["errors"][:3])
    return figures


def test_switching_releases_under_load_fails_no_request_and_mixes_no_page(server, published, tmp_path):
    """20 clients read pages and their assets for 10 s while the live release flips between A and B."""
    figures = run_load(server.port, published, clients=20, seconds=10.0)
    print("\nload while switching: " + json.dumps(figures))
    (tmp_path / "load.json").write_text(json.dumps(figures))
    assert figures["switches"] >= 100
    assert figures["pages"] >= 500, figures
    assert figures["seen"] == sorted([published["a"], published["b"]]), "both releases were served during the test"
    assert figures["failed"] == 0, figures
    assert figures["mixed"] == 0, figures


def test_the_load_test_catches_a_server_without_the_shared_asset_pool(published, tmp_path, monkeypatch):
    """Control: serve hashed assets from `current` only, and pages loaded just before a switch lose their CSS."""
    import tests.nginx_server as nginx_server

    deploy = tmp_path / "deploy"
    shutil.copytree(DEPLOY, deploy)
    conf = deploy / "handbook.conf"
    text = conf.read_text(encoding="utf-8")
    assert text.count("        root /srv/handbook/shared;\n") == 1
    conf.write_text(text.replace("        root /srv/handbook/shared;\n", ""), encoding="utf-8")
    monkeypatch.setattr(nginx_server, "DEPLOY", deploy)
    with Nginx(tmp_path / "nginx", published["root"]) as nginx:
        figures = run_load(nginx.port, published, clients=20, seconds=3.0)
    print("\nload without the shared pool: " + json.dumps(figures))
    assert figures["failed"] > 0, figures


def _chromium_console(url: str, user_dir: Path) -> list[str]:
    """Console lines headless Debian chromium logs while loading ``url`` (CSP violations are reported there)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise RuntimeError("chromium is not installed: `make system-deps` installs Debian's chromium")
    # Only loopback: no background services, and every host name but 127.0.0.1 fails to resolve.
    result = subprocess.run([chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                             "--disable-background-networking", "--disable-component-update", "--disable-sync",
                             "--no-pings", "--disable-domain-reliability", "--disable-default-apps",
                             "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
                             f"--user-data-dir={user_dir}", "--enable-logging=stderr", "--v=0",
                             "--virtual-time-budget=4000", "--dump-dom", url],
                            capture_output=True, text=True, timeout=90, check=False)
    return [line for line in result.stderr.splitlines() if "CONSOLE" in line or "Content Security Policy" in line]


def test_material_runs_under_the_shipped_csp_in_a_real_browser(server, published, tmp_path):
    """No CSP violation on the home page, a nested page and the 404 page; the search worker loads its index."""
    pages = ["/", "/phan-1/kinh-te/", "/khong-co/"]
    for page in pages:
        console = _chromium_console(f"http://127.0.0.1:{server.port}{page}", tmp_path / "profile")
        violations = [line for line in console if "Content Security Policy" in line]
        assert violations == [], (page, violations[:3])
    log = (server.prefix / "logs" / "access.log").read_text(encoding="utf-8")
    assert re.search(r'"GET /search/search_index\.json HTTP/1\.1" 200 .*HeadlessChrome', log), \
        "Material's search worker ran and fetched the index under the CSP"


def test_the_browser_check_would_see_a_violation(published, tmp_path, monkeypatch):
    """Control: with the hashes taken out of the snippet, the same browser run reports the blocked inline scripts."""
    import tests.nginx_server as nginx_server

    deploy = tmp_path / "deploy"
    shutil.copytree(DEPLOY, deploy)
    snippet = deploy / "snippets" / "handbook-security.conf"
    snippet.write_text(re.sub(r"'sha256-[^']+'", "", snippet.read_text(encoding="utf-8")), encoding="utf-8")
    monkeypatch.setattr(nginx_server, "DEPLOY", deploy)
    with Nginx(tmp_path / "nginx", published["root"]) as nginx:
        console = _chromium_console(f"http://127.0.0.1:{nginx.port}/", tmp_path / "profile")
    assert any("Content Security Policy" in line and "sha256-" in line for line in console), console[:5]


def test_the_load_test_catches_a_page_served_with_another_releases_stylesheet(published, tmp_path):
    """Control: a server whose stylesheet for release A carries B's stamp makes every A page count as mixed."""
    root = tmp_path / "root"
    shutil.copytree(published["root"], root, symlinks=True)
    a, b = published["a"], published["b"]
    (css_a,) = (root / "releases" / a / "assets").glob("handbook.*.css")
    shared = root / "shared" / "assets" / css_a.name
    wrong = shared.read_bytes().replace(f"handbook-release: {a}".encode(), f"handbook-release: {b}".encode())
    shared.unlink()  # a hard link to the release's file: replace it, never write through it
    shared.write_bytes(wrong)
    with Nginx(tmp_path / "nginx", root) as nginx:
        figures = run_load(nginx.port, dict(published, root=root), clients=10, seconds=2.0)
    print("\nload with a wrong stylesheet for A: " + json.dumps(figures))
    assert figures["mixed"] > 0, figures
    assert f"handbook-release: {a}" in css_a.read_text(encoding="utf-8")
