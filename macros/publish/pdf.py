"""Print the built handbook to PDF with headless Chromium: ``python -m macros.publish.pdf`` (``make pdf``).

The printable page (mkdocs-print-site-plugin, all sections in reading order behind a cover and a table
of contents) is served from the built site on 127.0.0.1 and printed by Debian's ``chromium`` through
Playwright. Page numbers and the draft line come from the site's own ``@page`` rules
(overrides/main.html), so the PDF and a reader's Ctrl+P give the same pages. The PDF's contents also
carry the page of each entry, which Chromium cannot compute (no ``target-counter()``): the page is
printed, the numbers read from that PDF are put in the contents, and it is printed again, until they
hold (``number_contents``). Nothing here imports MkDocs, and nothing reaches beyond the loopback
server: any other request is refused.

The same helpers (server, browser launch) serve the browser tests, so they test what ``make pdf`` does.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
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


# -- the contents' page numbers ------------------------------------------------------------------------
# Chromium has no target-counter(): the contents get their numbers from a first print, are printed again with
# them, and again if that moved anything (the contents grew a line), at most MAX_PASSES prints in all.
MAX_PASSES = 3
# Pass 1 prints with this in every entry, so the contents already take the room real numbers will.
PLACEHOLDER = "00"
TOC_LINKS = "#print-page-toc a[href^='#']"


class ContentsError(RuntimeError):
    """The contents' page numbers cannot be made to match the PDF: better no PDF than wrong numbers."""


def destination_pages(pdf: bytes) -> dict[str, int]:
    """The printed page number of each named destination in ``pdf``, by the id of the element it marks.

    Chromium writes a named destination (``/Dests``) for every element an in-document link points at, named
    by its id, at the page the element lands on. The contents link to their sections by id, so an entry's
    number is found by that id: exact, where the bookmarks would have to be matched by text (the contents
    say "Sắp xếp bộ máy, đại hội các cấp", the nav title, where the heading and its bookmark say "…, đại hội
    đảng bộ các cấp", and "1. Đánh giá chung" is three bookmarks). The printed number is the page's place
    plus one: the footer's ``counter(page)`` (macros/pages/theme.py) counts from the cover, never reset.
    """
    import io
    import urllib.parse

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    pages: dict[str, int] = {}
    for name, destination in reader.named_destinations.items():
        # A /Dests key is a PDF name ("/index"); a /Names tree key is a string ("index").
        key = urllib.parse.unquote(name[1:] if name.startswith("/") else name)
        number = reader.get_destination_page_number(destination)
        if number >= 0:  # -1: a destination on no page of this PDF
            pages[key] = number + 1
    return pages


def contents_numbers(targets: Sequence[str], destinations: Mapping[str, int]) -> list[int]:
    """The page number for each contents entry (by the id it links to), in the contents' order.

    Raises ContentsError when an entry's target is not in the PDF, or when the numbers go backwards: the
    contents follow reading order, so a number smaller than the one before means a wrong destination.
    """
    missing = [target for target in targets if target not in destinations]
    if missing:
        raise ContentsError(f"contents: {len(missing)} of {len(targets)} entries have no page in the PDF "
                            f"(#{', #'.join(missing[:3])}): Chromium wrote no named destination for them")
    numbers = [destinations[target] for target in targets]
    backwards = [f"#{targets[i]} p.{numbers[i]} after p.{numbers[i - 1]}" for i in range(1, len(numbers))
                 if numbers[i] < numbers[i - 1]]
    if backwards:
        raise ContentsError(f"contents: page numbers out of reading order ({'; '.join(backwards[:3])})")
    return numbers


def number_contents(print_pdf: Callable[[], bytes], targets: Sequence[str],
                    show: Callable[[list[str]], None]) -> tuple[bytes, int]:
    """Print until the numbers shown in the contents are the pages their entries land on; (PDF, passes).

    ``show`` puts a number in each entry, ``print_pdf`` prints the page as it stands. A PDF is returned only
    when the numbers it shows are the ones read from it; after MAX_PASSES prints, ContentsError.
    """
    shown: list[int] | None = None
    moved: list[str] = []
    show([PLACEHOLDER] * len(targets))
    for passes in range(1, MAX_PASSES + 1):
        pdf = print_pdf()
        numbers = contents_numbers(targets, destination_pages(pdf))
        if numbers == shown:
            return pdf, passes
        if shown is not None:
            moved = [f"#{t} {a}→{b}" for t, a, b in zip(targets, shown, numbers, strict=True) if a != b]
        show([str(n) for n in numbers])
        shown = numbers
    raise ContentsError(f"contents: page numbers still moving after {MAX_PASSES} prints ({', '.join(moved[:3])}); "
                        "no PDF written rather than one with wrong numbers")


_SHOW_NUMBERS = """([selector, numbers]) => {
    const links = document.querySelectorAll(selector);
    links.forEach((link, i) => {
        let span = link.querySelector(':scope > .hb-toc-page');
        if (!span) {
            span = document.createElement('span');
            span.className = 'hb-toc-page';
            link.append(span);
        }
        span.textContent = numbers[i];
    });
    return links.length;
}"""


def open_print_page(page: Any, url: str) -> list[str]:
    """Open the print page once its table of contents is built; the ids its entries link to, in order."""
    page.goto(url, wait_until="load")
    # print-site.js fills the table of contents after load; wait for it (bounded by the timeout).
    page.wait_for_function(f"document.querySelectorAll({TOC_LINKS!r}).length > 0", timeout=15000)
    page.emulate_media(media="print")
    return page.evaluate(f"[...document.querySelectorAll({TOC_LINKS!r})].map(a => decodeURIComponent(a.hash.slice(1)))")


def render_numbered_pdf(page: Any, url: str) -> tuple[bytes, int]:
    """The print page as a PDF whose contents carry page numbers; (PDF, prints it took)."""
    targets = open_print_page(page, url)

    def show(numbers: list[str]) -> None:
        if page.evaluate(_SHOW_NUMBERS, [TOC_LINKS, numbers]) != len(targets):
            raise ContentsError("contents: the print page's contents changed while being numbered")

    # outline: PDF bookmarks from the headings, so a reader jumps to a section in any PDF viewer; tagged: a
    # structured PDF that screen readers can follow. The page numbers in the footer are the site's own
    # @page rules (no header/footer template), so the PDF and a reader's Ctrl+P number pages alike.
    def print_pdf() -> bytes:
        return page.pdf(prefer_css_page_size=True, print_background=True, display_header_footer=False,
                        outline=True, tagged=True)

    return number_contents(print_pdf, targets, show)


def render_pdf(page: Any, url: str) -> bytes:
    """Open the print page and print it to PDF, its contents numbered."""
    return render_numbered_pdf(page, url)[0]


def print_site(site_dir: Path, out: Path) -> tuple[int, int]:
    """Print ``site_dir``'s print page to ``out``; returns (pages, prints it took to number the contents)."""
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
            pdf, passes = render_numbered_pdf(context.new_page(), base + PRINT_PAGE)
        finally:
            browser.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pdf)
    return count_pdf_pages(pdf), passes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m macros.publish.pdf", description="Print the built handbook to PDF.")
    parser.add_argument("--site-dir", type=Path, default=Path("site"), help="the built site (default: site/)")
    parser.add_argument("--out", type=Path, default=Path("build/handbook.pdf"), help="PDF to write")
    args = parser.parse_args(argv)
    try:
        pages, passes = print_site(args.site_dir.resolve(), args.out)
    except (FileNotFoundError, ContentsError) as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"pdf: {args.out} — {pages} pages; contents numbered in {passes} prints")
    return 0


if __name__ == "__main__":
    sys.exit(main())
