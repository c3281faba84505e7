"""Everything ``check`` verifies, without a full build: data, every macro call, figure lint, budgets."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..core.cache import CheckCache, PageResult, code_key, digest
from ..core.errors import DataError, Problem, suggest
from ..core.load import discover, display_path, linked_files, load_dataset
from ..core.model import Dataset
from ..core.yamlsafe import read_capped
from .api import illustrative_notice
from .comments import check_absorbed, check_sections
from .context import SiteVariables
from .docsfiles import docs_tree_problems, walk_docs
from .drafts import find_drafts
from .htmllint import lint_html
from .lint import lint_figures, lint_status_words, lint_tone_marks, prose_only
from .pagelint import lint_page
from .register import shows_every_heading
from .render import PageRenderer, PageSource, discover_pages, read_page
from .scan import blank_spans, fenced
from .sections import SectionIndex, reading_order
from .siteconfig import site_config_problems
from .words import PageWords, count_seen, count_words

_CODE = re.compile(r"`+[^`\n]*`+")  # inline code, on one line (linear)
_HEADING = re.compile(r"^#[ \t]+(.+)$", re.M)  # linear; the closing #s are stripped after


@dataclass
class Report:
    """What a check found: problems (errors and warnings), and the words of each page."""

    problems: list[Problem] = field(default_factory=list)
    pages: list[PageWords] = field(default_factory=list)
    dataset: Dataset | None = None
    data_files: int = 0
    page_sources: list[PageSource] = field(default_factory=list)
    # Each page rendered without problems: src → (digest of the body rendered, the text). The build that follows a
    # check in the same process uses it instead of rendering every page a second time.
    rendered: dict[str, tuple[str, str]] = field(default_factory=dict)
    use_directory_urls: bool = True
    sections: SectionIndex | None = None  # the published pages' headings, when the handbook has comments

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def total_words(self) -> int:
        """Words readers see in the handbook; editorial appendices are counted apart."""
        return sum(p.words for p in self.pages if not p.appendix)

    @property
    def appendix_words(self) -> int:
        return sum(p.words for p in self.pages if p.appendix)


def page_title(page: PageSource) -> str:
    title = page.meta.get("title")
    if isinstance(title, str):
        return title
    match = _HEADING.search(page.body)
    return (match.group(1).rstrip(" \t#").strip() or match.group(1).strip()) if match else page.src


# The macros that write the anchors figures, badges and citations link to, by the page setting naming their page.
_ANCHOR_MACROS = {"indicators": ("indicators_table", "targets_table"), "documents": ("documents_table", "sources_list")}


def _anchor_pages(report: Report, hb) -> None:
    """Figure and citation links point at rows of two pages; those pages must exist and carry the tables."""
    sources = {p.src: p.body for p in report.page_sources}
    for key, page in (("indicators", hb.indicators_page), ("documents", hb.documents_page)):
        line = hb.page_lines.get(key, hb.origin.line)
        if page not in sources:
            report.problems.append(Problem(hb.origin.file, line, f"pages.{key}", f'no page "{page}" in docs/',
                                           suggest(page, sources)))
            continue
        for macro in _ANCHOR_MACROS[key]:
            if f"{macro}(" not in sources[page]:
                report.problems.append(Problem(hb.origin.file, line, f"pages.{key}",
                                               f"{page} does not call {macro}(), so links to its rows lead nowhere",
                                               f"add {{{{ {macro}() }}}} to {page}, or name the page that has it"))


def _budget_problems(report: Report, ds: Dataset, docs_display: str) -> None:
    hb = ds.handbook
    known = {p.src for p in report.pages}
    for page in report.pages:
        if page.budget is None and not page.appendix:
            report.problems.append(Problem(f"{docs_display}/{page.src}", 1, "(words)", "page has no word budget",
                                           f"add `{page.src}: N` under budgets.pages in {hb.origin.file}"))
        elif page.over:
            report.problems.append(Problem(
                f"{docs_display}/{page.src}", 1, "(words)",
                f"{page.words} words, over the budget of {page.budget}",
                f"shorten the section (the report must stay concise), or raise budgets.pages in {hb.origin.file}"))
    for src in hb.budgets_pages:
        if src not in known:
            line = hb.budget_lines.get(src, hb.origin.line)
            report.problems.append(Problem(hb.origin.file, line, f"budgets.pages.{src}", "no such page in docs/",
                                           suggest(src, known)))
    _anchor_pages(report, hb)
    if report.total_words > hb.budgets_total:
        report.problems.append(Problem(hb.origin.file, hb.origin.line, "budgets.total",
                                       f"the report has {report.total_words} words, over the total budget "
                                       f"of {hb.budgets_total}", "shorten the sections"))


def _stray_files(data_dir: Path, root: Path) -> list[Problem]:
    """A data file saved as .json or .yaml.bak is silently ignored by the build; say so."""
    if not data_dir.is_dir():
        return []
    stray = [Problem(os.path.relpath(link.absolute(), root.absolute()), 1, "(file)",
                     "is a symbolic link, so it is not read", "replace the link by the data file itself")
             for link in linked_files(data_dir)]
    for path in sorted(data_dir.rglob("*")):
        if path.is_symlink() or any(part.startswith(".") for part in path.relative_to(data_dir).parts):
            continue
        if path.is_file() and path.suffix not in (".yaml", ".yml") and not path.name.startswith(".") \
                and path.name.lower() != "readme.md":
            shown = display_path(path, root)
            stray.append(Problem(shown, 1, "(file)", "not read: only .yaml files under data/ are data",
                                 "rename it to .yaml, or move it out of data/", "warning"))
    return stray


def _check_page(page: PageSource, docs_dir: Path, drafts: set[str], budgets: dict[str, int],
                renderer: PageRenderer, key: str) -> PageResult:
    """Everything the check finds in one page: figure lint, links and markup, words, macro calls."""
    problems = (lint_figures(page.body, page.display, page.offset) + lint_status_words(page.body, page.display, page.offset)
                + lint_tone_marks(prose_only(page.body), page.display, page.offset) + lint_page(page, docs_dir, drafts))
    rendered = None
    seen = None
    text, render_problems = renderer.render(page)
    problems += render_problems
    if text is not None:
        if renderer.dataset is not None:
            seen = count_seen(illustrative_notice(text))  # what readers see: tables, cards and notes too
        markup = _markup_problems(page, text)
        problems += markup
        if not render_problems and not markup and renderer.dataset is not None and not renderer.volatile:
            rendered = (digest(page.body), text)
    words = PageWords(page.src, page_title(page), count_words(page.body) if seen is None else seen,
                      budgets.get(page.src), page.meta.get("appendix") is True)
    return PageResult(key, problems, words, rendered)


def _load_data(report: Report, data_dir: Path, root: Path, cache: CheckCache) -> str:
    """Load data/ into the report, from the cache when no data file changed; return the data's key.

    Each file is read once: the key is the digest of the very bytes that are loaded, so a file saved while
    the check runs can never leave its old data under its new key (or the reverse).
    """
    contents = {path: read_capped(path) for path in (discover(data_dir) if data_dir.is_dir() else [])}
    report.data_files = len(contents)
    for path, raw in contents.items():  # one tone-mark style in the data's text too (names, lists, summaries)
        if isinstance(raw, bytes):
            report.problems.extend(lint_tone_marks(raw.decode("utf-8", "replace"), display_path(path, root)))
    key = cache.dataset_key(contents, data_dir) if cache.enabled else ""
    loaded = cache.get_dataset(key)
    if loaded is None:
        try:
            dataset, warnings = load_dataset(data_dir, root, contents)
            loaded = (dataset, warnings, [])
        except DataError as exc:
            loaded = (None, [], exc.problems)
        cache.put_dataset(key, loaded)
    report.dataset, warnings, errors = loaded
    report.problems.extend(warnings or errors)
    return key


def _sections(report: Report, drafts: set[str], root: Path) -> SectionIndex | None:
    """The handbook's sections (published pages only), when there are comments to point at them."""
    ds = report.dataset
    if ds is None or not (ds.comments or ds.handbook.comments_page):
        return None
    pages = {p.src: p for p in report.page_sources if p.src not in drafts}
    return SectionIndex.build((p.src, p.body, p.offset) for p in map(pages.get, reading_order(root, list(pages))))


def _comment_problems(report: Report, ds: Dataset, sections: SectionIndex, root: Path, docs_dir: Path,
                      drafts: set[str]) -> list[Problem]:
    """Comments against the pages: each names a section, each absorbed one changed it; the register page exists."""
    problems = check_sections(ds, sections, drafts)
    bodies = {p.src: (p.body, p.offset) for p in report.page_sources}
    problems += check_absorbed(ds, sections, bodies, root, docs_dir)
    hb = ds.handbook
    page = hb.comments_page
    line = hb.page_lines.get("comments", hb.origin.line)
    sources = {p.src: p.body for p in report.page_sources}
    if page is None:
        problems.append(Problem(hb.origin.file, hb.origin.line, "pages.comments", "the comments have no register page",
                                "add `comments: gop-y.md` under `pages:` and {{ comments_register() }} to that page",
                                "warning"))
    elif page not in sources:
        problems.append(Problem(hb.origin.file, line, "pages.comments", f'no page "{page}" in docs/',
                                suggest(page, sources)))
    elif "comments_register(" not in sources[page]:
        problems.append(Problem(hb.origin.file, line, "pages.comments",
                                f"{page} does not call comments_register(), so the sections' counts lead nowhere",
                                f"add {{{{ comments_register() }}}} to {page}, or name the page that has it"))
    return problems


def _docs_listing(docs_dir: Path) -> list[str]:
    """Every path under docs/ with what it is now (a link may name any of them), links not followed."""
    return [f"{kind} {path.relative_to(docs_dir).as_posix()}" for path, kind in walk_docs(docs_dir)]


def _markup_problems(page: PageSource, text: str) -> list[Problem]:
    """Active or off-site markup in what the page became after Jinja (code spans and blocks are text)."""
    if "<" not in text:
        return []
    prose = blank_spans(text, fenced(text))
    prose = _CODE.sub(lambda m: " " * len(m.group()), prose)
    findings = lint_html(prose)
    if not findings:
        return []
    same_lines = text.count("\n") == page.body.count("\n")
    source_lines = page.body.split("\n")
    rendered_lines = text.split("\n")
    problems = []
    for f in findings:
        line = f.line
        if not same_lines:  # a macro wrote several lines: find the rendered line in the source, if it stands there
            shown = rendered_lines[f.line - 1].strip() if f.line - 1 < len(rendered_lines) else ""
            line = next((i for i, s in enumerate(source_lines, start=1) if shown and shown in s), f.line)
        problems.append(Problem(page.display, line + page.offset, f.key, f.message, f.hint))
    return problems


def run_check(root: Path, docs_dir: Path | None = None, data_dir: Path | None = None,
              use_directory_urls: bool = True, cache: CheckCache | None = None,
              site: SiteVariables | None = None) -> Report:
    """Check a project folder; every problem is collected, none raised.

    ``site`` is what mkdocs-macros would give every page (``config``, ``extra:``, ``include_dir``…), from
    :func:`macros.site.siteconfig.site_variables`; the build renders with the same. With data/ refused the
    pages are still checked (lint, template syntax, names), and each says how many macro calls it could not.

    ``cache`` (off unless given) reuses the results of an earlier run for inputs that are byte for byte
    the same (:mod:`macros.core.cache`).
    """
    docs_dir = docs_dir or root / "docs"
    data_dir = data_dir or root / "data"
    cache = cache or CheckCache(root, enabled=False)
    report = Report(use_directory_urls=use_directory_urls)
    data_key = _load_data(report, data_dir, root, cache)
    report.problems.extend(_stray_files(data_dir, root))
    report.problems.extend(docs_tree_problems(docs_dir, root))
    report.problems.extend(site_config_problems(root))
    if site is not None:
        report.problems.extend(site.problems)
    renderer = PageRenderer(report.dataset, use_directory_urls, site)
    docs_display = docs_dir.resolve().relative_to(root.resolve()).as_posix() if docs_dir.resolve().is_relative_to(
        root.resolve()) else docs_dir.as_posix()
    budgets = report.dataset.handbook.budgets_pages if report.dataset else {}
    drafts = find_drafts(docs_dir, root)[0] if docs_dir.is_dir() else set()
    listing = _docs_listing(docs_dir) if cache.enabled and docs_dir.is_dir() else []
    if cache.enabled:
        # The data's key holds the code's; refused data still has code whose page results must not outlive it.
        data_part = data_key if report.dataset else digest(code_key(), "no data")
        site_key = site.cache_key if site else "no site"
        cache.open_pages(digest(data_part, site_key, str(docs_dir.resolve()), str(use_directory_urls),
                                f"{len(drafts)} drafts", *sorted(drafts), f"{len(listing)} paths", *listing))
    for path in discover_pages(docs_dir) if docs_dir.is_dir() else []:
        page, problems = read_page(path, docs_dir, root)
        report.problems.extend(problems)
        if page is not None:
            report.page_sources.append(page)
    sections = report.sections = _sections(report, drafts, root)
    if renderer is not None:
        renderer.sections = sections
    # The register page shows every section's title: its result is reused only while the headings are the same.
    headings = sections.headings_key() if sections is not None and cache.enabled else ""
    for page in report.page_sources:
        key = ""
        if cache.enabled:
            key = digest(page.text, headings) if shows_every_heading(page.text) else digest(page.text)
        result = cache.get_page(page.src, key)
        if result is None:
            result = _check_page(page, docs_dir, drafts, budgets, renderer, key)
            cache.put_page(page.src, result)
        report.problems.extend(result.problems)
        report.pages.append(result.words)
        if result.rendered is not None:
            report.rendered[page.src] = result.rendered
    if cache.enabled and docs_dir.is_dir() and _docs_listing(docs_dir) != listing:
        cache.discard_pages()  # a file came or went while the pages were checked: keep nothing judged on either list
    cache.save_pages({p.src for p in report.page_sources})
    if report.dataset is not None:
        _budget_problems(report, report.dataset, docs_display)
        if sections is not None:
            report.problems.extend(_comment_problems(report, report.dataset, sections, root, docs_dir,
                                                     drafts))
    report.problems.sort(key=lambda p: (p.file, p.line, p.key))
    return report
