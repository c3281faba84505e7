"""A real ``mkdocs serve`` on loopback: a failed build answers every page at once with its located lines and a
link to the last good build, and the fixed page comes back by itself. Timings are printed, not asserted."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .conftest import copy_project

PAGE = "/phan-1/kinh-te/"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


FAILED = 599  # what _get reports for the error page (answered 200 with X-Handbook-Build: failed)


def _get(url: str) -> tuple[int, str, float]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=15) as response:  # noqa: S310 — loopback only
            status = FAILED if response.headers.get("X-Handbook-Build") == "failed" else response.status
            return status, response.read().decode("utf-8"), time.perf_counter() - started
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8"), time.perf_counter() - started


def _until(url: str, ok, limit: float = 40.0) -> tuple[int, str, float]:
    """Poll ``url`` until ``ok(status, body)``; a bounded loop."""
    started = time.perf_counter()
    last = (0, "", 0.0)
    while time.perf_counter() - started < limit:
        try:
            last = _get(url)
        except OSError:
            last = (0, "", 0.0)
        if ok(last[0], last[1]):
            return last[0], last[1], time.perf_counter() - started
        time.sleep(0.1)
    raise AssertionError(f"{url}: not reached in {limit} s; last status {last[0]}: {last[1][:3000]}")


@contextlib.contextmanager
def _serving(root: Path, tmp_path: Path, ready=lambda status, body: status == 200):
    port = _free_port()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(root))
    log = open(tmp_path / "serve.log", "w", encoding="utf-8")  # noqa: SIM115 — closed below
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                            cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        _until(base + PAGE, ready, limit=180)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture
def served(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    with _serving(root, tmp_path) as base:
        yield root, base


def test_serve_started_on_a_broken_tree_shows_the_error_page_then_the_site(tmp_path: Path):
    root = copy_project(tmp_path / "project")
    data = root / "data" / "indicators" / "kinh-te.yaml"
    good_data = data.read_text(encoding="utf-8")
    data.write_text(good_data.replace('unit: "%"', 'unit: "%%"', 1), encoding="utf-8")
    with _serving(root, tmp_path, ready=lambda status, body: status == FAILED) as base:
        status, body, _ = _get(base + PAGE)
        assert status == FAILED and "data/indicators/kinh-te.yaml:8:" in body
        assert "xem bản dựng tốt gần nhất" not in body  # there is no good build yet
        data.write_text(good_data, encoding="utf-8")
        status, body, seconds = _until(base + PAGE, lambda s, b: s == 200)
        assert "Tăng trưởng và quy mô" in body
        print(f"\nserve started broken: fixed page shown {seconds:.2f} s after the fix")


def test_serve_shows_a_data_error_then_a_page_error_then_the_fixed_page(served):
    root, base = served
    timings = {}
    data = root / "data" / "indicators" / "kinh-te.yaml"
    good_data = data.read_text(encoding="utf-8")
    page = root / "docs" / "phan-1" / "kinh-te.md"
    good_page = page.read_text(encoding="utf-8")

    data.write_text(good_data.replace('unit: "%"', 'unit: "%%"', 1), encoding="utf-8")
    status, body, timings["data error shown"] = _until(base + PAGE, lambda s, b: s == FAILED)
    assert "data/indicators/kinh-te.yaml:8: indicators[0].unit" in body
    assert 'lang="vi"' in body and "Tệp cần sửa" in body and "xem bản dựng tốt gần nhất" in body
    assert "livereload" in body  # the page reloads itself when a build succeeds
    for other in ("/", "/chi-tieu/", "/no-such-page/"):  # every page request, at once
        status, other_body, timings[f"error page {other}"] = _get(base + other)
        assert status == FAILED and "kinh-te.yaml:8" in other_body
    status, good, timings["last good page"] = _get(base + "/.ban-dung-tot" + PAGE)
    assert status == 200 and "Tăng trưởng và quy mô" in good

    data.write_text(good_data, encoding="utf-8")
    page.write_text(good_page.replace('{{ fig("grdp-growth") }}', '{{ fig("grdp-growht") }}', 1), encoding="utf-8")
    status, body, timings["page error shown"] = _until(
        base + PAGE, lambda s, b: s == FAILED and "docs/phan-1/kinh-te.md:" in b)
    assert 'fig(&#34;grdp-growht&#34;)' in body or 'fig("grdp-growht")' in body or "grdp-growht" in body
    assert "kinh-te.yaml:8" not in body

    page.write_text(good_page, encoding="utf-8")
    status, body, timings["fixed page shown"] = _until(base + PAGE, lambda s, b: s == 200)
    assert "Tăng trưởng và quy mô" in body and "Bản dựng lỗi" not in body
    print("\nserve timings (s): " + ", ".join(f"{k} {v:.2f}" for k, v in timings.items()))
