"""Drafts and editor notes: what is written in docs/ but must never reach a published site.

A page is a draft when its front matter says ``draft: true``; it is left out of the build (and of the
navigation, the search index and the sitemap), while ``mkdocs serve`` still previews it. Editors leave
notes to each other as Jinja comments, ``{# Ghi chú: … #}`` (the template engine drops them before
Markdown sees the page), or as HTML comments, ``<!-- … -->``, which the build strips from every page.

A front matter that cannot be read must stop the build rather than be ignored: MkDocs ignores it, and a
``draft: true`` inside it would then be published. Nothing here imports MkDocs.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..core.errors import Problem, universal_newlines
from ..core.yamlsafe import load_yaml_text_kept
from .render import discover_pages
from .scan import delimited, replace_spans

# The same opening rule as MkDocs' front matter (mkdocs.utils.meta) and pages.split_front_matter.
_FRONT = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)


# Keys the theme or MkDocs act on with no escaping or with code paths an editor must not steer: a page
# template (`template: redirect.html` + `location:` redirects the reader), icons read from disk, parts of
# the page hidden or kept out of search, and text Material prints raw into every page's header and nav.
THEME_KEYS = frozenset({"template", "location", "icon", "hide", "search", "tags", "status", "subtitle",
                        "social", "comments", "redirect", "robots"})
# Keys whose text the theme writes into the page unescaped: plain text only.
TEXT_KEYS = ("title", "description")
# MkDocs' other front-matter style (MultiMarkdown: `key: value` lines at the top, no `---`), as it reads it.
_MMD_LINE = re.compile(r"^[ ]{0,3}[A-Za-z0-9_-]+:[ \t]*\S")


def front_matter_problems(text: str, display: str) -> tuple[dict[str, Any], list[Problem]]:
    """Parse a page's front matter strictly; return it with located problems (bad YAML, a non-boolean draft,
    a key the theme would act on, markup in a title or description, metadata MkDocs reads without `---`)."""
    match = _FRONT.match(text)
    if not match:
        first = text.split("\n", 1)[0]
        if _MMD_LINE.match(first) and not first.lstrip().startswith(("http:", "https:")):
            return {}, [Problem(display, 1, "(front matter)",
                                f'"{first[:60]}" is read by MkDocs as page metadata (and removed from the page), '
                                "and is not checked here", "put metadata between two `---` lines, or start the "
                                "page with its `# title`")]
        return {}, []
    doc = load_yaml_text_kept(match.group(1).encode("utf-8"), display)
    problems = [Problem(p.file, p.line + 1, "(front matter)" if p.key.startswith("(") else f"front matter: {p.key}",
                        p.message, p.hint, p.severity) for p in doc.problems]
    if any(p.is_error for p in problems):
        return {}, problems
    meta = doc.data if isinstance(doc.data, dict) else {}
    if doc.data is not None and not isinstance(doc.data, dict):
        problems.append(Problem(display, 2, "(front matter)", "front matter is not a mapping of keys",
                                "write `key: value` lines between the two `---` lines"))
    for key in meta:
        name = str(key)
        line = doc.line((key,)) + 1
        if name.lower() in THEME_KEYS:
            problems.append(Problem(display, line, f"front matter: {name}",
                                    "the theme acts on this key (templates, redirects, hidden parts, raw text in "
                                    "every page's header)", "remove it: page layout is the handbook's, not a page's"))
        elif name != name.lower() and name.lower() in ("draft", "appendix", "title", "render_macros"):
            problems.append(Problem(display, line, f"front matter: {name}", f'keys are lower case: "{name}" is ignored',
                                    f"write `{name.lower()}:`"))
        elif name in TEXT_KEYS and isinstance(meta[key], str) and re.search(r"[<>\"]", meta[key]):
            problems.append(Problem(display, line, f"front matter: {name}",
                                    "markup or quotes here reach the page's header as they are", "write plain text"))
        elif name in TEXT_KEYS and meta[key] is not None and not isinstance(meta[key], str):
            problems.append(Problem(display, line, f"front matter: {name}", f"must be text, got {meta[key]!r}",
                                    "write plain text"))
    if "draft" in meta and not isinstance(meta["draft"], bool):
        problems.append(Problem(display, doc.line(("draft",)) + 1, "draft",
                                f"must be true or false, got {meta['draft']!r}",
                                "write `draft: true` to keep the page unpublished, or remove the line"))
    return meta, problems


def find_drafts(docs_dir: Path, root: Path) -> tuple[set[str], list[Problem]]:
    """Source paths (``phan-1/x.md``) of the pages marked ``draft: true``, and every front-matter problem."""
    drafts: set[str] = set()
    problems: list[Problem] = []
    for path in discover_pages(docs_dir) if docs_dir.is_dir() else []:
        src = path.relative_to(docs_dir).as_posix()
        try:
            display = path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            display = path.as_posix()
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue  # reported by `check` with its line; the build fails on it anyway
        meta, found = front_matter_problems(universal_newlines(text), display)
        problems.extend(found)
        if meta.get("draft") is True:
            drafts.add(src)
    return drafts, problems


def prune_nav(nav: Any, drafts: set[str]) -> Any:
    """The ``nav`` of mkdocs.yml without draft pages, and without sections left empty by them."""
    if isinstance(nav, list):
        out = []
        for item in nav:
            kept = prune_nav(item, drafts)
            if kept is not None:
                out.append(kept)
        return out
    if isinstance(nav, dict):
        out_dict = {}
        for title, value in nav.items():
            kept = prune_nav(value, drafts)
            if kept is None or kept == []:
                continue
            out_dict[title] = kept
        return out_dict or None
    if isinstance(nav, str):
        return None if nav.lstrip("/") in drafts else nav
    return nav


def strip_html_comments(html: str) -> str:
    """Remove editors' ``<!-- … -->`` notes from a page's HTML (comments in code are escaped, so kept)."""
    return replace_spans(html, delimited(html, "<!--", "-->"), "")
