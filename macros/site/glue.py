"""The thin layer between the core and mkdocs-macros; the only module that imports MkDocs.

It loads the data once per build, registers the core's macros for the page being rendered, and before
mkdocs-macros renders a page it renders it with the core's renderer, so an editor's mistake stops the
build as one located line (a ``PluginError``), never a traceback; the core's text is what the page
becomes (mkdocs-macros is told not to render it again). Another front end
(Zensical's macros extension, for instance) would replace only this module.
"""

from __future__ import annotations

import json
import logging
import os
import unicodedata
from pathlib import Path
from typing import Any, NamedTuple

from mkdocs.exceptions import PluginError

from ..core.cache import digest, files_key
from ..core.errors import DataError, Problem, universal_newlines
from ..core.load import discover, load_dataset
from ..core.memo import ContentMemo, files_digest
from ..core.model import Dataset
from ..core.yamlsafe import read_capped
from ..editorial.drafts_diff import comparer_for
from ..pages.api import MACRO_NAMES, Macros
from ..pages.changes import use_comparer
from ..pages.comments import counts_by_section
from ..pages.context import SiteVariables
from ..pages.drafts import find_drafts
from ..pages.register import add_section_counts, shows_every_heading
from ..pages.render import PageRenderer, PageSource, discover_pages, read_page
from ..pages.sections import SectionIndex, reading_order
from ..pages.theme import PRINT_PAGE_CSS, banner_fields, print_page_css, version_config
from .search import add_row_entries, worker_script
from .siteconfig import site_variables

# Appended to Material's search worker so queries with or without Vietnamese diacritics find the same pages.
SEARCH_FOLD_JS = Path(__file__).parent / "assets" / "search-fold.js"
SEARCH_FOLD_MARK = "/* handbook: diacritic-insensitive search */"
# Served from the site (theme override), never from a CDN, for pages opened from the file system.
IFRAME_WORKER_SHIM = "assets/javascripts/iframe-worker.js"

log = logging.getLogger("mkdocs.plugins.handbook")


def _no_git_info() -> dict[str, Any]:
    """mkdocs-macros runs a dozen git subprocesses on every (re)build to fill its ``git`` variable; handbook
    pages refuse ``git`` (macros/pages/context.py) and mkdocs-macros renders nothing itself, so nothing reads it."""
    return {"status": False, "diagnosis": "not read by handbook pages"}


def _skip_git_info() -> None:
    import mkdocs_macros.context

    mkdocs_macros.context.get_git_info = _no_git_info


_skip_git_info()  # imported by mkdocs-macros' first on_config, so from the second build on (every serve rebuild)


class CheckedPages(NamedTuple):
    """Pages the check rendered, src → (digest of the body, text), with the URL style they were rendered for."""

    rendered: dict[str, tuple[str, str]]
    use_directory_urls: bool


# Datasets (and rendered pages) already loaded and checked in this process by `python -m macros build`, by
# project folder: the build that follows in the same process uses them instead of doing the work again.
_CHECKED: dict[Path, tuple[Dataset, CheckedPages | None]] = {}


class _State:
    """Per-build state kept on the mkdocs-macros environment object."""

    def __init__(self, root: Path, use_directory_urls: bool, site: SiteVariables, docs_dir: Path | None = None):
        checked = _CHECKED.get(root)
        self._checked_pages = None
        if checked is not None:
            (self.dataset, self._checked_pages), warnings = checked, []  # the check printed its warnings already
            self._data_key = ""  # the check's dataset: no bytes to key it by
        else:
            self.dataset, warnings, refused, self._data_key = _load_data(root)
            if refused:
                raise PluginError(f"{len(refused)} problem(s) in data/:\n{DataError(refused)}")
        for warning in warnings:
            # Info, not warning: `mkdocs build --strict` would abort on a problem the tool has already fixed.
            log.info(str(warning))
        self.root = root
        self.use_directory_urls = use_directory_urls
        self.site = site
        self.sections, self.counts = _sections(root, docs_dir or root / "docs", self.dataset)
        self.renderer = PageRenderer(self.dataset, use_directory_urls, site, self.sections)
        self._macros: dict[str, Macros] = {}
        # What a page's text depends on besides its own source: the data's bytes and mkdocs.yml (nav titles,
        # macros options, include files: ``site.cache_key``); the comments register also shows every section's
        # title, so its page is kept only while the headings are the same (as the check's cache does).
        self._context_key = digest(self._data_key, site.cache_key if site is not None else "") if self._data_key else ""
        self._headings_key = self.sections.headings_key() if self.sections else ""

    def sync_urls(self, use_directory_urls: bool) -> None:
        """Follow the final URL style: a plugin configured after us (Material's offline) may turn directory URLs off."""
        if use_directory_urls != self.use_directory_urls:
            self.use_directory_urls = use_directory_urls
            self.renderer = PageRenderer(self.dataset, use_directory_urls, self.site, self.sections)
            self._macros.clear()

    def render(self, source: PageSource) -> tuple[str | None, list[Problem]]:
        """The page as the check rendered it when its body and the URL style are the same; else render it."""
        pages = self._checked_pages
        if pages is not None and pages.use_directory_urls == self.use_directory_urls:
            done = pages.rendered.get(source.src)
            if done is not None and done[0] == digest(source.body):
                return done[1], []
        if not self._context_key:
            return self.renderer.render(source)
        key = digest(self._context_key, self._headings_key if shows_every_heading(source.body) else "",
                     str(self.use_directory_urls), source.src, source.display, source.body, str(source.offset),
                     repr(source.meta))
        kept = _RENDERED.peek(key)
        if kept is not None:
            return kept, []
        text, problems = self.renderer.render(source)
        # Only a page of literal macro calls with nothing to report is kept: a Jinja page may read the clock,
        # git or the page's place in the nav, which no key here holds.
        if text is not None and not problems and self.renderer.literal_calls and not self.renderer.volatile:
            _RENDERED.put(key, text)
        return text, problems

    def macros_for(self, src: str) -> Macros:
        if src not in self._macros:
            self._macros[src] = Macros(self.dataset, src, self.use_directory_urls, self.sections)
        return self._macros[src]


# `mkdocs serve` builds again after every save, in this process: the data and the section index are taken from
# here when the bytes they were made from are the same (macros/core/memo.py).
_DATASETS: ContentMemo[tuple[Dataset | None, list[Problem], list[Problem]]] = ContentMemo(limit=4)
_SECTIONS: ContentMemo[SectionIndex] = ContentMemo(limit=4)
_RENDERED: ContentMemo[str] = ContentMemo()  # a page's rendered Markdown, by its source and its context


def _load_data(root: Path) -> tuple[Dataset, list[Problem], list[Problem], str]:
    """data/ loaded (dataset, warnings, the problems that refused it, the key of the bytes read)."""
    data_dir = root / "data"
    contents = {path: read_capped(path) for path in (discover(data_dir) if data_dir.is_dir() else [])}
    key = digest(str(data_dir), files_key(contents, data_dir))

    def load() -> tuple[Dataset | None, list[Problem], list[Problem]]:
        try:
            dataset, warnings = load_dataset(data_dir, root, contents)
            return dataset, warnings, []
        except DataError as exc:
            return None, [], exc.problems

    dataset, warnings, refused = _DATASETS.get(key, load)
    return dataset, list(warnings), list(refused), key  # type: ignore[return-value] — None only with problems


def _sections(root: Path, docs_dir: Path, dataset: Dataset) -> tuple[SectionIndex | None, dict[str, int]]:
    """The published pages' sections and the comments on each, when the handbook has comments (as the check has them).

    The index is kept while mkdocs.yml and every page are the same bytes (a data edit reuses it)."""
    if not (dataset.comments or dataset.handbook.comments_page):
        return None, {}
    pages = discover_pages(docs_dir) if docs_dir.is_dir() else []
    key = files_digest([root / "mkdocs.yml", *pages], str(docs_dir))
    index = _SECTIONS.get(key, lambda: _index_sections(root, docs_dir))
    return index, counts_by_section(dataset, index)


def _index_sections(root: Path, docs_dir: Path) -> SectionIndex:
    drafts = find_drafts(docs_dir, root)[0] if docs_dir.is_dir() else set()
    pages = {page.src: page for path in (discover_pages(docs_dir) if docs_dir.is_dir() else [])
             if (page := read_page(path, docs_dir, root)[0]) is not None and page.src not in drafts}
    return SectionIndex.build((p.src, p.body, p.offset) for p in map(pages.get, reading_order(root, list(pages))))


def define_env(env: Any) -> None:
    """Register the core's macros; each call is bound to the page mkdocs-macros is rendering."""
    root = Path(env.conf["config_file_path"]).resolve().parent
    # What mkdocs-macros gives pages, read before the banner fields are added to `extra` (as check reads it).
    site = site_variables(root, env.conf)
    refused = [p for p in site.problems if p.is_error]
    if refused:
        raise PluginError("\n".join(str(p) for p in refused))
    state = _State(root, bool(env.conf["use_directory_urls"]), site, Path(env.conf["docs_dir"]).resolve())
    env.variables["_handbook_state"] = state
    use_comparer(comparer_for(root))  # the changes page: this build's pages against `previous:`

    def bind(name: str):
        def call(*args: Any, **kwargs: Any) -> str:
            page = env.page
            src = page.file.src_uri if page is not None else "index.md"
            return getattr(state.macros_for(src), name)(*args, **kwargs)

        call.__name__ = name
        call.__doc__ = getattr(Macros, name).__doc__
        return call

    for name in MACRO_NAMES:
        env.macro(bind(name), name)

    # The draft banner, print cover and running print header read these (overrides/main.html).
    env.conf["extra"]["handbook"] = banner_fields(state.dataset.handbook)
    offline = _offline_shim(env.conf)
    version = version_config(dict(os.environ), offline)  # a draft of `publish --version` (macros/publish/versions.py)
    if version:
        env.conf["extra"]["version"] = version


def _offline_shim(conf: Any) -> bool:
    """With Material's offline plugin on, serve the iframe-worker shim from the site, not from unpkg.com.

    The offline plugin adds ``https://unpkg.com/iframe-worker/shim`` to ``extra.polyfills`` unless a
    polyfill naming iframe-worker is already there; mkdocs-macros configures before it, so ours wins.
    """
    for name, plugin in conf["plugins"].items():
        if name.endswith("offline") and getattr(plugin, "config", {}).get("enabled"):
            polyfills = conf["extra"].setdefault("polyfills", [])
            if IFRAME_WORKER_SHIM not in polyfills:
                polyfills.append(IFRAME_WORKER_SHIM)
            return True
    return False


def on_post_build(env: Any) -> None:
    """Write the print stylesheet from data; make Material's search diacritic-insensitive."""
    fields = env.conf["extra"].get("handbook")
    if fields:
        css = Path(env.conf["site_dir"]) / PRINT_PAGE_CSS
        css.parent.mkdir(parents=True, exist_ok=True)
        css.write_text(print_page_css(fields), encoding="utf-8")
    if not any(name.split("/")[-1] == "search" for name in env.conf["plugins"]):
        return  # a handbook built without search has no worker to patch
    _index_as_utf8(Path(env.conf["site_dir"]) / "search" / "search_index.json", Path(env.conf["site_dir"]))
    workers = sorted((Path(env.conf["site_dir"]) / "assets" / "javascripts" / "workers").glob("search.*.js"))
    if len(workers) != 1:
        raise PluginError(f"expected one Material search worker, found {[w.name for w in workers]} — "
                          "has Material changed its layout? See macros/site/assets/search-fold.js")
    worker = workers[0]
    code = worker.read_text(encoding="utf-8")
    if SEARCH_FOLD_MARK in code:
        return
    fold = worker_script(SEARCH_FOLD_JS.read_text(encoding="utf-8"))
    worker.write_text(f"{code}\n{SEARCH_FOLD_MARK}\n{fold}", encoding="utf-8")


def _index_as_utf8(index: Path, site_dir: Path | None = None) -> None:
    """Material writes the search index with every Vietnamese letter escaped (``\\u1ec7``: six bytes for
    one to three). Written as UTF-8, the same JSON is a third smaller raw and a sixth smaller gzipped at
    1,000 pages, which every reader downloads on the first visit and the search worker parses.
    Rows of the tables the pages mark are added as entries of their own (macros/site/search.py)."""
    if not index.is_file():
        return
    try:
        data = json.loads(index.read_bytes())
        if site_dir is not None:
            add_row_entries(data, site_dir)
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except (ValueError, UnicodeError):  # e.g. a lone surrogate, which only an escape can carry: keep Material's file
        log.info("search index kept as Material wrote it (it holds text UTF-8 cannot encode)")
        return
    index.write_bytes(text)


def on_pre_page_macros(env: Any) -> None:
    """Resolve every macro call of the page with the core first; fail the build with located lines."""
    state: _State = env.variables["_handbook_state"]
    state.sync_urls(bool(env.conf["use_directory_urls"]))
    page = env.page
    src = page.file.src_uri
    docs_dir = Path(env.conf["docs_dir"]).resolve()
    abs_src = Path(page.file.abs_src_path).resolve() if page.file.abs_src_path else None
    try:
        display = abs_src.relative_to(state.root).as_posix() if abs_src else f"docs/{src}"
    except ValueError:
        display = f"{docs_dir.name}/{src}"
    env.markdown = unicodedata.normalize("NFC", env.markdown)
    offset = 0
    if abs_src and abs_src.is_file():
        # The body is the end of the file: whatever MkDocs stripped before it (front matter in any
        # style, blank lines) is the difference in line count.
        raw = universal_newlines(abs_src.read_text(encoding="utf-8-sig"))
        offset = max(0, raw.count("\n") - env.markdown.count("\n"))
    source = PageSource(src, display, env.markdown, env.markdown, offset, dict(page.meta or {}))
    text, problems = state.render(source)
    if problems:
        raise PluginError("\n".join(str(p) for p in problems))
    meta_flag = (page.meta or {}).get("render_macros")
    would_render = meta_flag is not False and (meta_flag is True or env.config.get("render_by_default", True))
    if text is not None and state.counts:
        text = add_section_counts(text, src, state.counts, state.dataset.handbook.comments_page,
                                  state.use_directory_urls)
    if text is not None and would_render:
        # The core has just rendered the page with the same macros: hand mkdocs-macros that text and
        # tell it not to render the page a second time (its own copy of the page only, not page.meta).
        env.markdown = text
        copy = env.variables.get("page")
        if copy is not None and copy is not page:
            copy.meta = dict(copy.meta or {}, render_macros=False)


def build_site(project: Path, site_dir: Path, dataset: Dataset | None = None,
               checked: CheckedPages | None = None) -> int:
    """``mkdocs build --strict --clean`` in this process; return its exit code.

    ``python -m macros build`` calls this after its check: the same MkDocs command line (same
    messages, same exit codes), without a second Python process that would import everything and
    read and check data/ again while the first one still holds its copy. ``dataset`` is the checked
    data, used by the build instead of loading data/ again; ``checked`` the pages the check rendered,
    used instead of rendering them again.
    """
    from mkdocs.__main__ import cli

    root = project.resolve()
    if dataset is not None:
        _CHECKED[root] = (dataset, checked)
    here = Path.cwd()
    os.chdir(root)
    try:
        cli.main(["build", "--strict", "--clean", "--site-dir", str(site_dir), "--config-file", str(root / "mkdocs.yml")],
                 prog_name="mkdocs", standalone_mode=True)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        os.chdir(here)
        _CHECKED.pop(root, None)
    return code
