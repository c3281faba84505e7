"""MkDocs hooks (mkdocs.yml ``hooks:``): keep drafts and editor notes out of the built site; number the headings.

MkDocs loads this file by path, not as part of the ``macros`` package, so it puts the project folder on
``sys.path`` and hands over to the core (:mod:`macros.pages.drafts`), which does not import MkDocs.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files, InclusionLevel

_PROJECT = str(Path(__file__).resolve().parents[2])
if _PROJECT not in sys.path:
    sys.path.insert(0, _PROJECT)

from macros.pages.docsfiles import docs_tree_problems  # noqa: E402
from macros.pages.drafts import find_drafts, prune_nav, strip_html_comments  # noqa: E402
from macros.pages.htmllint import lint_html  # noqa: E402
from macros.pages.printpage import prefix_section_ids  # noqa: E402

_drafts: set[str] = set()

# Numbered headings and their anchors, the page's one illustrative notice, the print page's nested bookmarks.
from macros.core.memo import digest  # noqa: E402
from macros.pages.api import illustrative_notice  # noqa: E402
from macros.pages.headings import number_headings, numbered_title, roman, slugify  # noqa: E402
from macros.pages.printpage import PRINT_LINKS, nest_part_headings  # noqa: E402

# mkdocs-print-site-plugin rewrites each link of a page with ``page_html.replace(link, new)`` over the
# whole page, once per link: quadratic in the page. A page with 10,000 table rows (a large report's
# indicator table) took 26 s of a 70 s build. The same rewrite in one pass: each distinct link text is
# rewritten by print-site's own function (its logic, not a copy), then all its occurrences at once. Only
# for the version it was checked against (tests/test_printsite_links.py compares the two on every page).
_PRINT_SITE_CHECKED = "2.9"
_HREF = re.compile(r"<a\s+([^>]*?\s+)?href=\"(.*?)\"", flags=re.IGNORECASE)  # print-site's own pattern


def fix_href_links_one_pass(page_html: str, page_key: str, page_url: str, directory_urls: bool = False) -> str:
    """print-site's ``fix_href_links``, linear in the page: the same output for pages as MkDocs writes them.

    (Where a page links both ``#a`` and ``#KEY-a``, print-site's replace-all would rewrite the first link
    twice, to ``#KEY-KEY-a``; here each link is rewritten once.)
    """
    from mkdocs_print_site_plugin import urls

    return PRINT_LINKS.get(digest(page_html, page_key, page_url, str(directory_urls)),
                           lambda: _one_pass(urls, page_html, page_key, page_url, directory_urls))


def _one_pass(urls: Any, page_html: str, page_key: str, page_url: str, directory_urls: bool) -> str:
    original = getattr(urls.fix_href_links, "__wrapped__", urls.fix_href_links)
    done: dict[str, str] = {}

    def rewrite(match: re.Match) -> str:
        text = match.group()
        if text not in done:
            done[text] = original(text, page_key, page_url, directory_urls)
        return done[text]

    return _HREF.sub(rewrite, page_html)


def _speed_up_print_site() -> None:
    try:
        import mkdocs_print_site_plugin
        from mkdocs_print_site_plugin import urls
    except ImportError:
        return
    if mkdocs_print_site_plugin.__version__ != _PRINT_SITE_CHECKED or hasattr(urls.fix_href_links, "__wrapped__"):
        return  # another version: its own code, slower on huge pages but never wrong

    def fix_href_links(page_html: str, page_key: str, page_url: str, directory_urls: bool = False) -> str:
        return fix_href_links_one_pass(page_html, page_key, page_url, directory_urls)

    fix_href_links.__wrapped__ = urls.fix_href_links  # type: ignore[attr-defined]
    urls.fix_href_links = fix_href_links


_speed_up_print_site()


def on_config(config: Any) -> Any:
    """Find the drafts before the navigation is built, and take them out of ``nav``."""
    root = Path(config["config_file_path"]).resolve().parent
    drafts, problems = find_drafts(Path(config["docs_dir"]), root)
    # Only regular files of known kinds inside docs/ are published: MkDocs itself would follow a link anywhere.
    problems += docs_tree_problems(Path(config["docs_dir"]), root)
    errors = [p for p in problems if p.is_error]
    if errors:
        raise PluginError("\n".join(str(p) for p in errors))
    _drafts.clear()
    _drafts.update(drafts)
    if config.get("nav") and drafts:
        config["nav"] = prune_nav(config["nav"], drafts) or []
    return config


def on_files(files: Files, config: Any) -> Files:
    """Mark drafts as MkDocs drafts: left out of `mkdocs build`, still previewed by `mkdocs serve`."""
    for file in files.documentation_pages():
        if file.src_uri in _drafts:
            file.inclusion = InclusionLevel.DRAFT
    return files


def _page_number(page: Any) -> str | None:
    """I, II … for a page inside a section of the nav (a Phần), by its place among the section's pages."""
    parent = getattr(page, "parent", None)
    if parent is None:
        return None
    pages = [child for child in parent.children if getattr(child, "is_page", False)]
    return roman(pages.index(page) + 1) if page in pages else None


def on_nav(nav: Any, config: Any, files: Files) -> Any:
    """Number the pages of each section in the nav, so the contents, the print page and bookmarks carry it; and,
    before any page is rendered, give ``toc`` the handbook's slug function (anchors keep "đ" as "d"), so
    mkdocs.yml stays plain YAML with no ``!!python`` tag."""
    if "toc" in config["markdown_extensions"]:
        config["mdx_configs"].setdefault("toc", {}).setdefault("slugify", slugify)
    for page in nav.pages:
        if page.title:
            page.title = numbered_title(page.title, _page_number(page))
    return nav


@event_priority(-100)  # after mkdocs-macros has rendered the page: the headings and figures are final
def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    """Numbered headings with stable ids (macros.pages.headings), and the page's one illustrative notice."""
    return illustrative_notice(number_headings(markdown, _page_number(page)))


@event_priority(100)  # before every plugin: the print page and the search index copy the content
def on_page_content(html: str, page: Any, config: Any, files: Files) -> str:
    """Strip editors' HTML comments from the page, then refuse markup that runs code or loads from outside, in
    the HTML the page became (whatever Jinja assembled), before any plugin copies it: every kind of build."""
    html = strip_html_comments(html)
    findings = lint_html(html)
    if findings:
        src = f"{Path(config['docs_dir']).name}/{page.file.src_uri}"
        source = (page.markdown or "").split("\n")
        lines = []
        for f in findings:
            # The HTML has no source lines; name the first line of the page's text that holds the culprit.
            needle = f.key.strip("<>")
            line = next((i for i, s in enumerate(source, start=1) if needle and needle in s.lower()), 1)
            lines.append(f"{src}:{line}: {f.key}: {f.message} (in the page as built) — {f.hint}")
        raise PluginError("\n".join(lines))
    return html


def on_post_build(config: Any) -> None:
    """On the print page (written by print-site's own on_post_build, before hooks run): give row and
    list anchors the prefix print-site gave the links to them, and drop editors' HTML comments, which
    print-site copied from the pages before on_page_content stripped them."""
    plugin = config["plugins"].get("print-site")
    page = getattr(plugin, "print_page", None)
    path = Path(page.file.abs_dest_path) if page is not None else None
    if path is not None and path.is_file():
        html = path.read_text(encoding="utf-8")
        fixed = nest_part_headings(strip_html_comments(prefix_section_ids(html)))
        if fixed != html:
            path.write_text(fixed, encoding="utf-8")


def on_startup(command: str, dirty: bool) -> None:
    """`mkdocs serve`: a first build that fails shows in the browser too (macros/site/serve.py)."""
    if command == "serve":
        from macros.site.serve import survive_first_build

        survive_first_build()


def on_serve(server: Any, config: Any, builder: Any) -> Any:
    """`mkdocs serve`: a failed build answers every page at once with its located lines (macros/site/serve.py)."""
    from macros.site.serve import install

    return install(server, config)
