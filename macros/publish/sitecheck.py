"""Checks on a built site, before it may go live: internal links, leaks, external references, CSP hashes.

They read the release folder as the web server will serve it, so they catch what the source checks
cannot see (a theme's links, files copied from docs/, a comment that survived). Each problem is one
located line, ``releases/<id>/chi-tieu/index.html:12: (link): … — …``. Nothing here imports MkDocs.
"""

from __future__ import annotations

import base64
import hashlib
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..core.errors import Problem

# Resource-loading (tag, attribute) pairs: what the browser fetches by itself when it shows the page.
_LOADS = {("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src"), ("video", "src"),
          ("audio", "src"), ("embed", "src"), ("track", "src"), ("input", "src"), ("object", "data"),
          ("video", "poster")}
_LOADING_RELS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "preload", "modulepreload", "manifest",
                 "prefetch", "mask-icon"}
_URL_ATTRS = {"href", "src", "action", "data", "poster"}
_JS_TYPES = {"", "text/javascript", "application/javascript", "module", "text/ecmascript"}
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.I | re.S)
_ATTR_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.I)
_CSS_URL = re.compile(r"""(?:url\(\s*["']?|@import\s+["'])\s*((?:https?:)?//[^"')\s]+)""", re.I)
_CSP_HASH = re.compile(r"'(sha(?:256|384|512)-[A-Za-z0-9+/=]+)'")
_CSP_HEADER = re.compile(r'add_header\s+Content-Security-Policy\s+"([^"]+)"')
_STYLE = re.compile(r"<style\b([^>]*)>(.*?)</style\s*>", re.I | re.S)

# Never part of a site: sources, configuration, VCS and editor files, build internals, secrets.
FORBIDDEN_SUFFIXES = (".md", ".markdown", ".yaml", ".yml", ".py", ".pyc", ".pyo", ".toml", ".ini", ".cfg", ".env",
                      ".sh", ".bak", ".swp", ".swo", ".orig", ".rej", ".tmp", ".log", ".lock", ".j2", ".jinja",
                      ".pem", ".key", ".sqlite", ".db", ".htpasswd", "~")
FORBIDDEN_NAMES = {"Makefile", "mkdocs.yml", "requirements.txt", "requirements-dev.txt", "pytest.ini", "ruff.toml",
                   "__pycache__", "node_modules", "Thumbs.db", "desktop.ini"}
# Allow-list of what a release may hold: pages, the theme's and the pages' assets, the search index, the
# sitemap, fonts, and precompressed copies of those. Anything else is a leak, whatever its name.
SITE_SUFFIXES = frozenset({".html", ".css", ".js", ".json", ".xml", ".map", ".svg", ".png", ".jpg", ".jpeg", ".gif",
                           ".webp", ".avif", ".ico", ".woff", ".woff2", ".ttf", ".otf", ".eot", ".pdf"})
_NOTE_MARKERS = (("<!--", "an HTML comment (editor note)"), ("{#", "an editor note `{# … #}`"),
                 ("#}", "the end of an editor note `#}`"))


@dataclass
class _Page:
    """What one HTML file holds that the checks need."""

    path: str  # inside the release: "chi-tieu/index.html"
    text: str
    ids: set[str] = field(default_factory=set)
    urls: list[tuple[int, str, str, str, str]] = field(default_factory=list)  # line, tag, attr, value, rel
    handlers: list[tuple[int, str, str]] = field(default_factory=list)  # line, tag, attribute


class _Parser(HTMLParser):
    def __init__(self, page: _Page):
        super().__init__(convert_charrefs=True)
        self.page = page

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        values = {k: (v or "") for k, v in attrs}
        for name in ("id", "name"):
            if values.get(name):
                self.page.ids.add(values[name])
        rel = values.get("rel", "").lower()
        for name, value in values.items():
            if name in _URL_ATTRS and value.strip():
                self.page.urls.append((line, tag, name, value.strip(), rel))
            elif name.startswith("on") and len(name) > 2:
                self.page.handlers.append((line, tag, name))

    handle_startendtag = handle_starttag


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


class Site:
    """A built site folder, parsed once for all checks."""

    def __init__(self, folder: Path, display: str, source_of: Callable[[str], str | None] | None = None):
        self.folder = folder
        self.display = display  # how messages name the folder: "releases/<id>"
        self.source_of = source_of or (lambda _path: None)
        self.files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() or p.is_symlink())
        self.pages: dict[str, _Page] = {}
        for rel in self.files:
            if rel.endswith(".html"):
                page = _Page(rel, (folder / rel).read_text(encoding="utf-8", errors="replace"))
                _Parser(page).feed(page.text)
                self.pages[rel] = page

    def problem(self, rel: str, line: int, key: str, message: str, hint: str) -> Problem:
        source = self.source_of(rel)
        if source:
            hint += f" (the page is built from {source})"
        return Problem(f"{self.display}/{rel}", line, key, message, hint)

    # -- internal links -------------------------------------------------------------------------
    def _resolve(self, page: str, path: str) -> str | None:
        """Path inside the site a link points to, or None when it leaves the site."""
        base = posixpath.dirname(page)
        joined = path.lstrip("/") if path.startswith("/") else posixpath.join(base, path)
        normal = posixpath.normpath(joined) if joined else "."
        if normal == ".." or normal.startswith("../") or normal.startswith("/"):
            return None
        return "" if normal == "." else normal

    def _target_file(self, target: str, trailing_slash: bool) -> str | None:
        folder = self.folder
        if target == "" or trailing_slash:
            candidate = posixpath.join(target, "index.html") if target else "index.html"
            return candidate if (folder / candidate).is_file() else None
        if (folder / target).is_file():
            return target
        if (folder / target / "index.html").is_file():
            return posixpath.join(target, "index.html")
        return None

    def link_problems(self) -> list[Problem]:
        """Every local href/src resolves to a file in the site (and its #anchor to an id); none leaves it."""
        problems = []
        for rel, page in self.pages.items():
            for line, tag, attr, value, _rel in page.urls:
                parts = urlsplit(value)
                if parts.scheme or value.startswith("//"):
                    if parts.scheme.lower() == "javascript":
                        problems.append(self.problem(rel, line, "(link)", f'<{tag} {attr}="{value[:60]}"> runs script',
                                                     "link to a page or a web address instead"))
                    elif parts.scheme.lower() == "file":
                        problems.append(self.problem(rel, line, "(link)", f'"{value[:80]}" points at a local file',
                                                     "readers cannot open it: put the file in docs/ and link to it"))
                    continue
                path = unquote(parts.path)
                if not path:
                    if parts.fragment and parts.fragment not in page.ids:
                        # The print page's row anchors are prefixed by the build (macros/pages/printpage.py), so a
                        # dangling anchor there is as much an error as anywhere else.
                        problems.append(self.problem(rel, line, "(link)", f'anchor "#{parts.fragment}" is not on this page',
                                                     "check the heading's id or the anchor's spelling"))
                    continue
                target = self._resolve(rel, path)
                if target is None:
                    problems.append(self.problem(rel, line, "(link)", f'"{value[:80]}" leads outside the site',
                                                 "link to a page inside docs/, or give a full https:// address"))
                    continue
                found = self._target_file(target, path.endswith("/"))
                if found is None:
                    problems.append(self.problem(rel, line, "(link)", f'"{value[:80]}" points at nothing in the site',
                                                 "fix the link, or add the page it points at"))
                    continue
                if parts.fragment and found in self.pages and parts.fragment not in self.pages[found].ids:
                    problems.append(self.problem(rel, line, "(link)",
                                                 f'"{value[:80]}": no anchor "#{parts.fragment}" on {found}',
                                                 "check the heading's id or the anchor's spelling"))
        return problems

    # -- external references ---------------------------------------------------------------------
    def external_problems(self) -> tuple[list[Problem], dict[str, int]]:
        """Nothing the browser loads by itself may come from outside the site; links to the web are counted."""
        problems: list[Problem] = []
        hosts: dict[str, int] = {}
        for rel, page in self.pages.items():
            for line, tag, attr, value, link_rel in page.urls:
                parts = urlsplit(value)
                if parts.scheme.lower() not in ("http", "https") and not value.startswith("//"):
                    continue
                loads = (tag, attr) in _LOADS or (tag == "link" and set(link_rel.split()) & _LOADING_RELS)
                if loads:
                    problems.append(self.problem(rel, line, "(external)",
                                                 f"<{tag} {attr}> loads {value[:80]} from outside the site",
                                                 "copy the file into docs/assets/ and link it relatively "
                                                 "(the intranet's CSP blocks it anyway)"))
                else:
                    hosts[parts.netloc.lower()] = hosts.get(parts.netloc.lower(), 0) + 1
        for rel in self.files:
            if rel.endswith(".css") and not rel.endswith(".map"):
                text = (self.folder / rel).read_text(encoding="utf-8", errors="replace")
                for match in _CSS_URL.finditer(text):
                    problems.append(self.problem(rel, _line_of(text, match.start()), "(external)",
                                                 f"the stylesheet loads {match.group(1)[:80]} from outside the site",
                                                 "copy the file into docs/assets/ and refer to it relatively"))
        return problems, hosts

    # -- leaks ----------------------------------------------------------------------------------
    def leak_problems(self, sources: Iterable[Path], source_root: Path, draft_urls: Iterable[str]) -> list[Problem]:
        """No source, configuration, dotfile, draft page or editor note in the site."""
        problems = []
        for rel in self.files:
            parts = rel.split("/")
            name = parts[-1]
            bad_part = next((p for p in parts if p.startswith(".") or p in FORBIDDEN_NAMES), None)
            if bad_part is not None:
                problems.append(self.problem(rel, 1, "(leak)", f'"{bad_part}" must never be published',
                                             "remove it from docs/ (dotfiles, VCS and build files stay out of the site)"))
            elif name.lower().endswith(FORBIDDEN_SUFFIXES):
                problems.append(self.problem(rel, 1, "(leak)", "a source or configuration file is in the site",
                                             "move it out of docs/: only pages and their assets are published"))
            elif (self.folder / rel).is_symlink() or not (self.folder / rel).is_file():
                problems.append(self.problem(rel, 1, "(leak)", "is not a regular file (a link or a special file)",
                                             "only regular files are published: replace it by the file itself"))
            elif posixpath.splitext(name.lower().removesuffix(".gz"))[1] not in SITE_SUFFIXES:
                problems.append(self.problem(rel, 1, "(leak)", "is not a page or a site asset",
                                             "only pages, images, styles, fonts and PDFs are published; "
                                             "move it out of docs/"))
        digests: dict[str, str] = {}
        for path in sources:
            if path.is_file() and path.stat().st_size > 0:
                digests[hashlib.sha256(path.read_bytes()).hexdigest()] = path.relative_to(source_root).as_posix()
        for rel in self.files:
            path = self.folder / rel
            if path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() in digests:
                original = digests[hashlib.sha256(path.read_bytes()).hexdigest()]
                problems.append(self.problem(rel, 1, "(leak)", f"is a copy of the source file {original}",
                                             "sources stay in the project; remove the copy from docs/"))
        for rel in self.files:
            if not rel.endswith((".html", ".json", ".xml")):
                continue
            text = self.pages[rel].text if rel in self.pages else (self.folder / rel).read_text("utf-8", "replace")
            for marker, what in _NOTE_MARKERS:
                index = text.find(marker)
                if index >= 0:
                    problems.append(self.problem(rel, _line_of(text, index), "(leak)", f"contains {what}",
                                                 "editor notes are `{# … #}` or `<!-- … -->` on their own; "
                                                 "check the page for an unclosed or escaped one"))
        for url in draft_urls:
            built = self._target_file(url.rstrip("/"), url.endswith("/") or url == "")
            if built is not None:
                problems.append(self.problem(built, 1, "(leak)", "a page marked `draft: true` was published",
                                             "the build must leave drafts out: check mkdocs.yml `hooks:`"))
            mention = re.compile(r'["/>]' + re.escape(url) + r'["<#]')
            for rel in ("sitemap.xml", "search/search_index.json"):
                if url and rel in self.files and mention.search((self.folder / rel).read_text("utf-8", "replace")):
                    problems.append(self.problem(rel, 1, "(leak)", f'mentions the draft page "{url}"',
                                                 "the build must leave drafts out: check mkdocs.yml `hooks:`"))
        return problems

    # -- content security policy ------------------------------------------------------------------
    def inline_scripts(self) -> list[tuple[str, int, str]]:
        """(page, line, 'sha256-…') of every inline script a browser would run."""
        found = []
        for rel, page in self.pages.items():
            for match in _SCRIPT.finditer(page.text):
                attrs = match.group(1)
                if re.search(r"\bsrc\s*=", attrs, re.I):
                    continue
                kind = _ATTR_TYPE.search(attrs)
                if kind and kind.group(1).lower() not in _JS_TYPES:
                    continue  # JSON data blocks (Material's __config) are not run, so CSP does not apply
                digest = base64.b64encode(hashlib.sha256(match.group(2).encode("utf-8")).digest()).decode()
                found.append((rel, _line_of(page.text, match.start()), f"sha256-{digest}"))
        return found

    def inline_styles(self) -> list[tuple[str, int, str]]:
        """(page, line, 'sha256-…') of every inline <style> block (CSP style-src applies to them)."""
        found = []
        for rel, page in self.pages.items():
            for match in _STYLE.finditer(page.text):
                digest = base64.b64encode(hashlib.sha256(match.group(2).encode("utf-8")).digest()).decode()
                found.append((rel, _line_of(page.text, match.start()), f"sha256-{digest}"))
        return found

    def csp_problems(self, snippet: Path, snippet_display: str) -> list[Problem]:
        """Every inline script and style block is allowed by hash in the shipped nginx snippet; no inline handlers."""
        problems = []
        try:
            header = _CSP_HEADER.search(snippet.read_text(encoding="utf-8"))
        except OSError:
            header = None
        if header is None:
            return [Problem(snippet_display, 1, "(csp)", "the nginx security snippet or its CSP header is missing",
                            "restore deploy/nginx/snippets/handbook-security.conf from the repository")]
        directives = {d.strip().split(" ", 1)[0]: d for d in header.group(1).split(";") if d.strip()}
        for directive, blocks in (("script-src", self.inline_scripts()), ("style-src", self.inline_styles())):
            allowed = set(_CSP_HASH.findall(directives.get(directive, "")))
            missing: dict[str, tuple[str, int]] = {}
            for rel, line, digest in blocks:
                if digest not in allowed:
                    missing.setdefault(digest, (rel, line))
            for digest, (rel, line) in sorted(missing.items(), key=lambda kv: kv[1]):
                what = "script" if directive == "script-src" else "<style> block"
                problems.append(self.problem(
                    rel, line, "(csp)", f"inline {what} '{digest}' is not allowed by {snippet_display}",
                    f"if the theme or mkdocs.yml changed, add '{digest}' to {directive} in that file "
                    "(`python -m macros csp-hashes --site-dir DIR` prints them all) and reload nginx before publishing"))
        for rel, page in self.pages.items():
            for line, tag, attr in page.handlers:
                problems.append(self.problem(rel, line, "(csp)", f"<{tag} {attr}=…> is an inline event handler",
                                             "the CSP blocks it: remove it from the page"))
        return problems
