"""Search quality: does the phrase a reader remembers bring its page first?

Queries are generated from the built pages, never written by hand: from each page's text as a reader sees it
(what the search index holds: tables marked ``data-search-exclude`` are left out unless their rows are
entries, ``data-hb-search-rows``), phrases of 3 and 4 syllables within one clause that occur on that page only
(compared without diacritics, the way a query without them would match), each typed as printed (lower case)
and without any diacritics. Callers add their own reader queries; a reader query's expected pages are the
pages whose text holds it as a phrase, found the same way.

Each query goes to the site's own search worker in Chromium — Material's worker with the handbook's
ranking appended, or with ``material=True`` the same worker cut back to Material as it ships, on the same
index — by the worker's own messages (setup, query, result), so what is measured is the ranking a reader
gets, fast enough for a 1,000-page report. Reported: top-1 and top-3 (the expected page is the first result
page, or among the first three), by kind, the median number of result pages, and the worker's time per query.

``python -m macros.bench.searchquality SITE [--material] [--query Q ...]`` prints the figures.
"""

from __future__ import annotations

import json
import re
import statistics
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from .browser import CHROMIUM, CHROMIUM_ARGS, serve

SIZES = (3, 4)
SKIP_TAGS = {"script", "style", "svg", "template", "noscript"}
VOID = {"br", "img", "hr", "wbr", "input", "meta", "link", "source", "col", "area", "base", "embed", "track"}
# Block elements end a clause: a phrase never runs from one paragraph, cell or list item into the next.
BLOCKS = {"p", "li", "td", "th", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "div", "caption", "dt", "dd",
          "blockquote", "table", "ul", "ol", "section", "figure", "figcaption", "pre", "details", "summary"}


def fold(text: str) -> str:
    """Text as typed without Vietnamese input: no tone or vowel marks, đ as d, lower case."""
    bare = "".join(c for c in unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
                   if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare).lower()


def shape_key(word: str) -> str:
    """A word's letters and its set of marks, as the worker compares them: "xóa" and "xoá" are one word."""
    chars = unicodedata.normalize("NFD", word.lower())
    marks = sorted(c for c in chars if unicodedata.combining(c))
    return "".join(c for c in chars if not unicodedata.combining(c)) + "|" + "".join(marks)


@dataclass(frozen=True)
class Query:
    text: str
    pages: frozenset[str]  # any of these, as the index names pages ("a/b/" or "a/b.html")
    kind: str  # "phrase", "phrase without diacritics", "reader"


class _Article(HTMLParser):
    """The text of a page's article, one string per block, without what search leaves out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._now: list[str] = []
        self._inside = 0  # depth inside <article>
        self._skip = 0  # depth inside a skipped element
        self._columns: set[int] | None = None  # the columns a row-entry table gives its entries
        self._column = -1

    def _flush(self) -> None:
        text = " ".join("".join(self._now).split())
        if text:
            self.blocks.append(text)
        self._now = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            if tag == "br":
                self._flush()
            return
        names = dict(attrs)
        if not self._inside:
            if tag == "article" and "md-content__inner" in (names.get("class") or ""):
                self._inside = 1
            return
        self._inside += 1
        if tag in BLOCKS:
            self._flush()
        rows = names.get("data-hb-search-rows") if "data-hb-search-rows" in names else None
        if rows is not None:
            self._columns = {0, *(int(c) for c in rows.split())} if rows.split() else None
        if tag == "tr":
            self._column = -1
        elif tag in {"td", "th"}:
            self._column += 1
        left_out = tag in {"td", "th"} and self._columns is not None and self._column not in self._columns
        excluded = "data-search-exclude" in names and rows is None
        if self._skip or tag in SKIP_TAGS or excluded or left_out or "headerlink" in (names.get("class") or ""):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if not self._inside or tag in VOID:
            return
        self._inside -= 1
        if self._skip:
            self._skip -= 1
        if tag == "table":
            self._columns = None
        if tag in BLOCKS or not self._inside:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._inside and not self._skip:
            self._now.append(data)


def page_blocks(page_html: str) -> list[str]:
    parser = _Article()
    parser.feed(page_html)
    parser.close()
    return parser.blocks


_EDGE = re.compile(r"^[^\w]+|[^\w%]+$")
_LETTERS = re.compile(r"^[^\W\d_]+$")
_SEPARATOR = re.compile(r"[\s\-]+")  # Material's search separator: "57-NQ/TW" is "57" then "nq/tw"


_NUMBER = re.compile(r"^\d[\d.,]*%?$")


def clauses(block: str, numbers: bool = False) -> list[list[str]]:
    """Runs of words made of letters only (and, with ``numbers``, figures as shown: "12,3%"), broken by
    punctuation, symbols and anything else."""
    runs: list[list[str]] = [[]]
    for piece in block.split():
        word = _EDGE.sub("", piece)
        if not (word and (_LETTERS.match(word) or (numbers and _NUMBER.match(word)))):
            runs.append([])
            continue
        if not piece.startswith(word):
            runs.append([])
        runs[-1].append(word)
        if not piece.endswith(word):
            runs.append([])
    return [r for r in runs if r]


def _stream(blocks: Iterable[str]) -> list[str]:
    """Every word of a page, folded, punctuation trimmed (as the index's tokens are), for counting phrases."""
    out: list[str] = []
    for block in blocks:
        out += [fold(_EDGE.sub("", piece)) for piece in _SEPARATOR.split(block) if piece]
        out.append("")  # blocks never join
    return out


def site_pages(site: Path) -> dict[str, Path]:
    """The pages the search index lists (location → HTML file), as the site's index names them."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    pages = {}
    for doc in index["docs"]:
        loc = doc["location"]
        if "#" not in loc:
            file = site / loc / "index.html" if loc == "" or loc.endswith("/") else site / loc
            if file.is_file():
                pages[loc] = file
    return pages


def _windows(words: list[str], n: int) -> Iterable[tuple[str, ...]]:
    return (tuple(words[i:i + n]) for i in range(len(words) - n + 1))


def generate(site: Path, per_page: int = 4, max_pages: int | None = None,
             reader: Sequence[str] = (), numbers: bool = False) -> list[Query]:
    """Phrase queries from the pages (both forms) and the reader queries with the pages holding them.

    ``numbers`` lets a phrase hold figures as shown (at least two syllables still): a generated report
    repeats its sentence templates, so only its figures make a phrase unique to one page."""
    pages = site_pages(site)
    blocks = {loc: page_blocks(file.read_text(encoding="utf-8")) for loc, file in pages.items()}
    seen: dict[tuple[str, ...], set[str]] = {}
    streams = {loc: _stream(b) for loc, b in blocks.items()}
    for loc, words in streams.items():
        for n in SIZES:
            for window in _windows(words, n):
                if all(window):
                    seen.setdefault(window, set()).add(loc)
    chosen = sorted(pages)
    if max_pages is not None and len(chosen) > max_pages:
        step = len(chosen) / max_pages
        chosen = [chosen[int(i * step)] for i in range(max_pages)]
    queries: list[Query] = []
    for loc in chosen:
        for n in SIZES:
            unique = list(dict.fromkeys(
                " ".join(w).lower() for block in blocks[loc] for run in clauses(block, numbers)
                for w in _windows(run, n)
                if sum(bool(_LETTERS.match(x)) for x in w) >= 2 and seen.get(tuple(fold(x) for x in w)) == {loc}))
            take = (per_page + 1) // 2 if n == SIZES[0] else per_page // 2
            picks = [unique[int(i * len(unique) / take)] for i in range(take)] if len(unique) >= take else unique
            for phrase in picks:
                queries.append(Query(phrase, frozenset({loc}), "phrase"))
                if fold(phrase) != phrase:
                    queries.append(Query(fold(phrase), frozenset({loc}), "phrase without diacritics"))
    for text in reader:
        words = tuple(fold(_EDGE.sub("", w)) for w in _SEPARATOR.split(text) if w)
        holders = {loc for loc, stream in streams.items()
                   if any(tuple(stream[i:i + len(words)]) == words for i in range(len(stream) - len(words) + 1))}
        if holders:
            queries.append(Query(text, frozenset(holders), "reader"))
    return queries


_RUN_JS = """
async ([workerUrl, indexUrl, queries, material, mark]) => {
  let code = await (await fetch(workerUrl)).text();
  if (material && code.includes(mark)) code = code.slice(0, code.indexOf(mark));
  // Loaded from a blob, the worker resolves its language scripts against the site, as it does when served.
  const base = new URL(workerUrl, location.href).href;
  const blob = new Blob([`self.__base = ${JSON.stringify(base)};\\n` +
    `const __import = self.importScripts.bind(self);\\n` +
    `self.importScripts = (...urls) => __import(...urls.map(u => new URL(u, self.__base).href));\\n` + code],
    {type: "text/javascript"});
  const worker = new Worker(URL.createObjectURL(blob));
  const next = () => new Promise(resolve => worker.addEventListener("message", ev => resolve(ev.data), {once: true}));
  const index = await (await fetch(indexUrl)).json();
  const started = performance.now();
  worker.postMessage({type: 0, data: {config: index.config, docs: index.docs, options: {suggest: false}}});
  await next();
  const ready = performance.now() - started;
  const out = [];
  for (const q of queries) {
    const t = performance.now();
    worker.postMessage({type: 2, data: q});
    const result = await next();
    const ms = performance.now() - t;
    const pages = result.data.items.map(group => {
      const article = group.find(item => !item.location.includes("#")) || group[0];
      return article.location.split("#")[0];
    });
    const entries = result.data.items.length ? result.data.items[0].map(item => item.location) : [];
    out.push({pages, ms, entries});
  }
  worker.terminate();
  return {ready, out};
}
"""


@dataclass
class Report:
    label: str
    queries: list[Query]
    ranked: list[list[str]]
    times_ms: list[float]
    ready_ms: float
    first_entries: list[list[str]] = field(default_factory=list)  # the entries of the first result page
    by_kind: dict[str, dict[str, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        kinds: dict[str, list[tuple[bool, bool]]] = {}
        for q, pages in zip(self.queries, self.ranked, strict=True):
            hit1 = bool(pages[:1]) and pages[0] in q.pages
            hit3 = any(p in q.pages for p in pages[:3])
            for kind in (q.kind, "all phrases" if q.kind.startswith("phrase") else None):
                if kind:
                    kinds.setdefault(kind, []).append((hit1, hit3))
        self.by_kind = {k: {"queries": len(v), "top1": sum(a for a, _ in v) / len(v), "top3": sum(b for _, b in v) / len(v)}
                        for k, v in kinds.items()}

    def misses(self, rank: int = 1) -> list[tuple[str, list[str], list[str]]]:
        return [(q.text, sorted(q.pages), pages[:3]) for q, pages in zip(self.queries, self.ranked, strict=True)
                if not any(p in q.pages for p in pages[:rank])]

    def summary(self) -> dict:
        return {"label": self.label, "by_kind": self.by_kind, "ready_ms": round(self.ready_ms),
                "median_ms": statistics.median(self.times_ms) if self.times_ms else None,
                "p95_ms": sorted(self.times_ms)[int(0.95 * (len(self.times_ms) - 1))] if self.times_ms else None,
                "median_result_pages": statistics.median(len(p) for p in self.ranked) if self.ranked else None,
                "pages": len({p for q in self.queries for p in q.pages})}


def run(site: Path, queries: list[Query], material: bool = False, browser=None) -> Report:
    """Send every query to the site's search worker in Chromium and collect the ranked result pages."""
    from ..site.glue import SEARCH_FOLD_MARK

    workers = sorted((site / "assets" / "javascripts" / "workers").glob("search.*.js"))
    if len(workers) != 1:
        raise RuntimeError(f"expected one search worker in {site}, found {len(workers)}")
    worker = workers[0].relative_to(site).as_posix()

    def go(chromium) -> Report:
        with serve(site) as (base, _):
            context = chromium.new_context()
            try:
                page = context.new_page()
                page.goto(base, wait_until="load", timeout=60_000)
                got = page.evaluate(_RUN_JS, [base + worker, base + "search/search_index.json",
                                              [q.text for q in queries], material, SEARCH_FOLD_MARK])
            finally:
                context.close()
        return Report("Material as it ships" if material else "handbook", queries,
                      [r["pages"] for r in got["out"]], [r["ms"] for r in got["out"]], got["ready"],
                      [r["entries"] for r in got["out"]])

    if browser is not None:
        return go(browser)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            return go(chromium)
        finally:
            chromium.close()


def table(reports: list[Report]) -> str:
    lines = [f"{'':36}" + "".join(f"{r.label:>24}" for r in reports)]
    kinds = list(dict.fromkeys(k for r in reports for k in r.by_kind))
    for kind in kinds:
        for measure in ("top1", "top3"):
            cells = "".join(f"{(f'{r.by_kind[kind][measure]:.1%}' if kind in r.by_kind else '—'):>24}" for r in reports)
            n = reports[0].by_kind.get(kind, {}).get("queries", 0)
            lines.append(f"{kind + f' ({n})':<30}{measure:>6}" + cells)
    for key in ("median_result_pages", "median_ms", "p95_ms", "ready_ms"):
        cells = "".join(f"{r.summary()[key]:>24.1f}" for r in reports)
        lines.append(f"{key:<36}" + cells)
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m macros.bench.searchquality", description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="a built site (python -m macros build --site-dir SITE)")
    parser.add_argument("--per-page", type=int, default=4, help="phrases per page (half of 3, half of 4 syllables)")
    parser.add_argument("--max-pages", type=int, default=None, help="sample this many pages evenly (large sites)")
    parser.add_argument("--query", action="append", default=[], help="a reader query (repeatable)")
    parser.add_argument("--numbers", action="store_true", help="phrases may hold figures (generated reports)")
    parser.add_argument("--misses", action="store_true", help="list the queries whose page is not first")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    if not (args.site / "search" / "search_index.json").is_file():
        print(f"{args.site}: no search/search_index.json — build the site first")
        return 1
    queries = generate(args.site, args.per_page, args.max_pages, args.query, args.numbers)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            reports = [run(args.site, queries, False, chromium), run(args.site, queries, True, chromium)]
        finally:
            chromium.close()
    print(f"{len(queries)} queries over {reports[0].summary()['pages']} pages of {args.site}")
    print(table(reports))
    if args.misses:
        for text, want, got in reports[0].misses():
            print(f"  miss: {text!r} wants {want[:3]} got {got}")
    if args.json:
        args.json.write_text(json.dumps([r.summary() for r in reports], ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
