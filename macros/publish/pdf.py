"""Print the built handbook to PDF with headless Chromium: ``python -m macros.publish.pdf`` (``make pdf``).

The printable page (mkdocs-print-site-plugin, all sections in reading order behind a cover and a table
of contents) is served from the built site on 127.0.0.1 and printed by Debian's ``chromium`` through
Playwright. Page numbers and the draft line come from the site's own ``@page`` rules
(overrides/main.html), so the PDF and a reader's Ctrl+P give the same pages. Nothing here imports
MkDocs, and nothing reaches beyond the loopback server: any other request is refused.

The same helpers (server, browser launch) serve the browser tests, so they test what ``make pdf`` does.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
# Debian's chromium in a container: no sandbox (no user namespaces), and none of the background
# services that would call home from an intranet machine.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
PRINT_PAGE = "ban-in/"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static files without a log line per request."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 — the standard library's name
        pass


@contextlib.contextmanager
def serve_directory(root: Path) -> Iterator[str]:
    """Serve ``root`` on 127.0.0.1 at an ephemeral port in a thread; yields the base URL (ending in /)."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def launch_chromium(playwright: Any) -> Any:
    """Debian's chromium through Playwright (never a downloaded browser).

    Playwright starts it with a fresh temporary profile (``--user-data-dir`` in a new temporary folder)
    on every launch, so no cookie, cache or extension of a previous run is involved.
    """
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def count_pdf_pages(pdf: bytes) -> int:
    """Pages of a PDF, read with pypdf (its page tree, not a guess from the bytes)."""
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def render_pdf(page: Any, url: str) -> bytes:
    """Open the print page and print it to PDF once its table of contents has been built."""
    page.goto(url, wait_until="load")
    # print-site.js fills the table of contents after load; wait for it (bounded by Playwright's timeout).
    page.wait_for_function("document.querySelectorAll('#print-page-toc a').length > 0", timeout=15000)
    page.emulate_media(media="print")
    # outline: PDF bookmarks from the headings, so a reader jumps to a section in any PDF viewer (the
    # printed contents cannot carry page numbers: Chromium has no target-counter()); tagged: a
    # structured PDF that screen readers can follow.
    return page.pdf(prefer_css_page_size=True, print_background=True, display_header_footer=False,
                    outline=True, tagged=True)


def print_site(site_dir: Path, out: Path) -> int:
    """Print ``site_dir``'s print page to ``out``; returns the number of pages."""
    from playwright.sync_api import sync_playwright

    if not (site_dir / PRINT_PAGE / "index.html").is_file():
        raise FileNotFoundError(f"{site_dir}/{PRINT_PAGE}index.html: no print page — run `make build` first")
    with serve_directory(site_dir) as base, sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            context = browser.new_context()
            # Only the loopback site: a request anywhere else would be a leak from the intranet.
            context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                          else route.abort())
            pdf = render_pdf(context.new_page(), base + PRINT_PAGE)
        finally:
            browser.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pdf)
    return count_pdf_pages(pdf)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m macros.publish.pdf", description="Print the built handbook to PDF.")
    parser.add_argument("--site-dir", type=Path, default=Path("site"), help="the built site (default: site/)")
    parser.add_argument("--out", type=Path, default=Path("build/handbook.pdf"), help="PDF to write")
    args = parser.parse_args(argv)
    try:
        pages = print_site(args.site_dir.resolve(), args.out)
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"pdf: {args.out} — {pages} pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
