"""Reader-side measures for the benchmark, in Debian's Chromium through Playwright (never a downloaded browser).

* **first visit** — every resource the browser asks for when it opens the home page with an empty cache,
  until the network is idle (Material's search worker fetches ``search/search_index.json`` at once),
  counted as the gzip size of each file (level 6, what a web server sends) and raw;
* **search latency** — the time from a query typed into Material's search box (value set, then the
  ``keyup`` Material listens to) until its first result item is in the page (a MutationObserver),
  measured inside the page, for a few queries after the index is ready; median of all.

The site is served by a threaded ``http.server`` on 127.0.0.1 only; every wait is bounded.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import statistics
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
QUERIES = ("tăng trưởng", "nông thôn mới", "chuyển đổi số", "bảo hiểm y tế", "Chí Linh", "doanh nghiệp")
ROUNDS = 3


def gzip_size(data: bytes) -> int:
    """Bytes on the wire for a response compressed as web servers do (gzip level 6)."""
    return len(gzip.compress(data, compresslevel=6, mtime=0))


class _Handler(http.server.SimpleHTTPRequestHandler):
    requested: list[str]

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 — the base class's name
        pass

    def do_GET(self) -> None:
        self.requested.append(urllib.parse.unquote(urllib.parse.urlsplit(self.path).path))
        super().do_GET()


@contextmanager
def serve(site: Path) -> Iterator[tuple[str, list[str]]]:
    """Serve ``site`` on 127.0.0.1 (a free port); yield its base URL and the list of paths requested."""
    requested: list[str] = []
    handler = type("Handler", (_Handler,), {"requested": requested})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", requested
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def resolve(site: Path, url_path: str) -> Path | None:
    """The file a URL path is served from (a folder serves its index.html)."""
    path = (site / url_path.lstrip("/")).resolve()
    if not path.is_relative_to(site.resolve()):
        return None
    if path.is_dir():
        path = path / "index.html"
    return path if path.is_file() else None


def transfer(site: Path, paths: list[str]) -> dict:
    """Gzip and raw bytes of every distinct file requested (a repeated request is served from the cache)."""
    files = list(dict.fromkeys(f for f in (resolve(site, p) for p in paths) if f is not None))
    index = site / "search" / "search_index.json"
    data = {f: f.read_bytes() for f in files}
    return {"requests": len(files), "raw_bytes": sum(len(d) for d in data.values()),
            "gzip_bytes": sum(gzip_size(d) for d in data.values()),
            "index_gzip_bytes": sum(gzip_size(d) for f, d in data.items() if f == index.resolve()),
            "files": [str(f.relative_to(site.resolve())) for f in files]}


_QUERY_JS = """
async ([query, timeoutMs]) => {
  const input = document.querySelector("input.md-search__input");
  const results = document.querySelector(".md-search-result");
  const items = () => results.querySelectorAll(".md-search-result__item").length;
  const type = (value) => {
    input.value = value;
    input.dispatchEvent(new Event("input", {bubbles: true}));
    input.dispatchEvent(new KeyboardEvent("keyup", {bubbles: true, key: value.slice(-1) || "Backspace"}));
  };
  const until = (test) => new Promise((resolve) => {
    if (test()) return resolve(true);
    const timer = setTimeout(() => { observer.disconnect(); resolve(false); }, timeoutMs);
    const observer = new MutationObserver(() => {
      if (test()) { clearTimeout(timer); observer.disconnect(); resolve(true); }
    });
    observer.observe(results, {childList: true, subtree: true, characterData: true});
  });
  input.focus();
  type("");
  await until(() => items() === 0);
  const started = performance.now();
  type(query);
  const found = await until(() => items() > 0);
  return {ms: performance.now() - started, found, items: items()};
}
"""


def _search_latency(browser, site: Path, pages: int, say: Callable[[str], None], label: str = "handbook") -> dict:
    """Milliseconds from typing a query to the first results on the page, over ROUNDS × QUERIES."""
    with serve(site) as (base, _):
        context = browser.new_context()
        page = context.new_page()
        started = time.perf_counter()
        page.goto(base, wait_until="load", timeout=60_000)
        loaded = time.perf_counter()
        first = page.evaluate(_QUERY_JS, [QUERIES[0], 60_000])
        ready_ms = (time.perf_counter() - loaded) * 1000
        if not first["found"]:
            raise RuntimeError(f"search found nothing for {QUERIES[0]!r} within 60 s")
        say(f"reader: search index of {pages} pages ready {ready_ms:.0f} ms after load "
            f"(page load {(loaded - started) * 1000:.0f} ms) — {label}")
        samples = []
        for _ in range(ROUNDS):
            for q in QUERIES:
                r = page.evaluate(_QUERY_JS, [q, 10_000])
                if not r["found"]:
                    raise RuntimeError(f"search found nothing for {q!r}")
                samples.append(r["ms"])
        context.close()
    result = {"pages": pages, "ready_ms": ready_ms, "samples": samples, "queries": list(QUERIES),
              "median_ms": statistics.median(samples), "min_ms": min(samples), "max_ms": max(samples)}
    say(f"reader: search median {result['median_ms']:.0f} ms over {len(samples)} queries — {label}")
    return result


@contextmanager
def _worker_without_fold(site: Path) -> Iterator[None]:
    """Material's search worker as it ships, for the time of the block: the handbook's fold cut off."""
    from ..site.glue import SEARCH_FOLD_MARK

    workers = list((site / "assets" / "javascripts" / "workers").glob("search.*.js"))
    saved = {w: w.read_bytes() for w in workers}
    try:
        for worker, code in saved.items():
            text = code.decode("utf-8")
            if SEARCH_FOLD_MARK in text:
                worker.write_text(text[:text.index(SEARCH_FOLD_MARK)], encoding="utf-8")
        yield
    finally:
        for worker, code in saved.items():
            worker.write_bytes(code)


def reader_side(sites: dict[str, Path], search_pages: int, search_site: Path | None,
                say: Callable[[str], None] = print) -> dict:
    """First-visit transfer of each site's home page, and search latency on ``search_site``."""
    from playwright.sync_api import sync_playwright

    out: dict = {"transfer": {}}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for name, site in sites.items():
                with serve(site) as (base, requested):
                    context = browser.new_context()
                    page = context.new_page()
                    page.goto(base, wait_until="load", timeout=60_000)
                    page.wait_for_load_state("networkidle", timeout=60_000)
                    context.close()
                    out["transfer"][name] = transfer(site, list(requested))
                    t = out["transfer"][name]
                    say(f"reader: first visit of {name}: {t['gzip_bytes'] / 1024:.0f} KB gzip in {t['requests']} files")
            if search_site is not None:
                out["search"] = _search_latency(browser, search_site, search_pages, say)
                # What Material's own search costs: the same site with the worker as Material ships it.
                with _worker_without_fold(search_site):
                    material = _search_latency(browser, search_site, search_pages, say, "Material alone")
                out["search"]["material_median_ms"] = material["median_ms"]
        finally:
            browser.close()
    return out
