"""Page checks that protect the published site: links that leave it or hit a draft, a broken front matter.

Markup that runs code is judged on what the page becomes, not on its source (:mod:`macros.pages.htmllint`).

``check`` runs them on every page, so an editor learns about ``[x](../../../etc/passwd)`` or a pasted
``<script>`` with its line before any build, in the same ``FILE:LINE: KEY: … — …`` form. The publish step
checks the built HTML again (:mod:`macros.publish.sitecheck`); this is the early, source-located half.
"""

from __future__ import annotations

import html
import posixpath
import re
from pathlib import Path

from ..core.errors import Problem
from .drafts import front_matter_problems
from .render import PageSource

_FENCE = re.compile(r"^\s*(```|~~~)")
_CODE_SPAN = re.compile(r"`+[^`]*`+")
# Linear patterns (a negated class excludes its own opening character: see macros.pages.lint).
_INLINE_LINK = re.compile(r"!?\[[^\[\]]*\]\(\s*<?([^)\s<>\[\]]+)>?(?:\s+[\"'][^\"'\n]*[\"'])?\s*\)")
# A reference definition; a footnote definition (`[^1]: text`, the footnotes extension) is prose, not a link.
_REF_DEF = re.compile(r"^[ \t]{0,3}\[(?!\^)[^\[\]]+\]:[ \t]*<?(\S+?)>?(?:\s|$)")
_HTML_URL = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"']+)["']""", re.I)
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def _body_lines(page: PageSource) -> list[tuple[int, str]]:
    """(file line, text) of the body outside fenced code, with inline code spans blanked."""
    out = []
    fenced = False
    for number, line in enumerate(page.body.splitlines(), start=page.offset + 1):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            out.append((number, _CODE_SPAN.sub("", line)))
    return out


def _link_problem(page: PageSource, line: int, target: str, docs_dir: Path, drafts: set[str]) -> Problem | None:
    def problem(message: str, hint: str) -> Problem:
        return Problem(page.display, line, "(link)", f'"{target[:80]}" {message}', hint)

    if "{{" in target or "{%" in target:
        return None  # built by a macro; the built site's link check covers it
    scheme = _SCHEME.match(target)
    if scheme:
        name = scheme.group(1).lower()
        if name in ("http", "https", "mailto", "tel"):
            return None
        return problem(f"uses {name}:, which readers' browsers must not follow from the handbook",
                       "link to a page in docs/ or to a full https:// address")
    if target.startswith("//"):
        return None
    path = target.split("#", 1)[0].split("?", 1)[0]
    if not path:
        return None
    if path.startswith("/"):
        return problem("is an absolute path, which breaks when the site is served under a prefix",
                       "write it relative to this page, e.g. ../van-ban.md")
    here = posixpath.dirname(page.src)
    resolved = posixpath.normpath(posixpath.join(here, path))
    if resolved == ".." or resolved.startswith("../"):
        return problem("leads outside the site", "link to a page inside docs/, or give a full https:// address")
    if resolved.endswith(".md"):
        if not (docs_dir / resolved).is_file():
            return problem("points at no page in docs/", "check the file name and the ../ steps")
        if resolved in drafts:
            return problem("points at a draft page, which is not published",
                           "remove the link, or publish that page (remove `draft: true`)")
    elif not (docs_dir / resolved).exists():
        return problem("points at no file in docs/", "check the file name and the ../ steps")
    return None


def lint_page(page: PageSource, docs_dir: Path, drafts: set[str]) -> list[Problem]:
    """Front matter, links and unsafe markup of one page."""
    _, problems = front_matter_problems(page.text, page.display)
    for line, text in _body_lines(page):
        targets = [m.group(1) for m in _INLINE_LINK.finditer(text)]
        targets += [m.group(1) for m in _REF_DEF.finditer(text)]
        # An attribute's value as the browser reads it (&#106;avascript: is javascript:); a scheme that runs
        # script in an attribute is the markup lint's to report, on what the page became.
        for m in _HTML_URL.finditer(text):
            value = html.unescape(m.group(1))
            scheme = _SCHEME.match(value.strip())
            if not (scheme and scheme.group(1).lower() not in ("http", "https", "mailto", "tel")):
                targets.append(value)
        for target in targets:
            found = _link_problem(page, line, target.strip(), docs_dir, drafts)
            if found:
                problems.append(found)
    return problems
