"""MkDocs hooks (mkdocs.yml ``hooks:``): keep drafts and editor notes out of the built site.

MkDocs loads this file by path, not as part of the ``macros`` package, so it puts the project folder on
``sys.path`` and hands over to the core (:mod:`macros.drafts`), which does not import MkDocs.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files, InclusionLevel

_PROJECT = str(Path(__file__).resolve().parent.parent)
if _PROJECT not in sys.path:
    sys.path.insert(0, _PROJECT)

from macros.drafts import find_drafts, prune_nav, strip_html_comments  # noqa: E402
from macros.printpage import prefix_section_ids  # noqa: E402

_drafts: set[str] = set()


def on_config(config: Any) -> Any:
    """Find the drafts before the navigation is built, and take them out of ``nav``."""
    root = Path(config["config_file_path"]).resolve().parent
    drafts, problems = find_drafts(Path(config["docs_dir"]), root)
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


@event_priority(100)  # before every plugin: the print page and the search index copy the content
def on_page_content(html: str, page: Any, config: Any, files: Files) -> str:
    """Strip editors' HTML comments from the page before any plugin sees its HTML."""
    return strip_html_comments(html)


def on_post_build(config: Any) -> None:
    """On the print page (written by print-site's own on_post_build, before hooks run): give row and
    list anchors the prefix print-site gave the links to them, and drop editors' HTML comments, which
    print-site copied from the pages before on_page_content stripped them."""
    plugin = config["plugins"].get("print-site")
    page = getattr(plugin, "print_page", None)
    path = Path(page.file.abs_dest_path) if page is not None else None
    if path is not None and path.is_file():
        html = path.read_text(encoding="utf-8")
        fixed = strip_html_comments(prefix_section_ids(html))
        if fixed != html:
            path.write_text(fixed, encoding="utf-8")
