"""What mkdocs-macros gives a page, as plain data, so the sandboxed renderer offers the same names.

mkdocs-macros renders a page with ``config``, ``page``, ``extra:`` variables (also at the top level),
``include_yaml`` files, the page's front matter (at the top level), ``environment``, ``now()``, ``fix_url``
and ``{% include %}`` / ``{% import %}`` from ``include_dir``. The handbook renders pages in Jinja's sandbox
(a page is untrusted input), so it cannot hand them mkdocs-macros' own objects; it gives the same values
as plain data instead, built by the glue from MkDocs' configuration (:func:`macros.site.glue.site_variables`)
for ``check`` and ``build`` alike. What it cannot offer faithfully is *refused* with one located line
(:data:`REFUSED`, :class:`Opaque`): never a different text with exit 0. No MkDocs here.
"""

from __future__ import annotations

import datetime
import os
import stat
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urljoin, urlsplit

import jinja2

from ..core.errors import Problem, decode_utf8, universal_newlines
from ..core.yamlsafe import MAX_BYTES

# mkdocs-macros names a handbook page cannot have, with the reason given to the editor.
REFUSED = {
    "git": "git information is not offered: it runs git on every rebuild and differs between an editor's copy and "
           "the published release — write the version in data/handbook.yaml and use meta(\"version\")",
    "navigation": "the navigation is not offered in pages: it is built after the pages are checked — name the "
                  "pages in the text, or let the theme show the navigation",
    "files": "the list of site files is not offered in pages — link to the pages you mean",
    "macros_info": "macros_info() is not offered: it lists Python internals — the handbook's macros are listed "
                   "in README.md",
    "context": "context() is not offered: it lists Python internals — print the one variable you need",
    "plugin": "the plugin's settings are not offered in pages — read them in mkdocs.yml",
    "macros": "the table of macros is not offered in pages — the handbook's macros are listed in README.md",
    "filters": "the table of filters is not offered in pages — use the filter itself",
    "filters_builtin": "the table of filters is not offered in pages — use the filter itself",
    "render_file": "render_file() is not offered — use {% include %} from include_dir",
}


# mkdocs-macros filters a handbook page cannot have, with why.
REFUSED_FILTERS = {
    "pretty": "the pretty filter is not offered: it prints Python internals (with context()) — print the one "
              "variable you need",
    "relative_url": "the relative_url filter is not offered — write the link as a relative Markdown link "
                    "([text](../page.md)), which MkDocs checks and rewrites",
}


class Opaque:
    """A value the sandbox cannot give as mkdocs-macros would (a Python object such as a plugin or a
    hook module): any use of it is refused with a located line."""

    def __init__(self, name: str, type_name: str):
        self._name = name
        self._type = type_name

    def refusal(self) -> str:
        return (f"{self._name} is a {self._type} object that handbook pages cannot read — use one of its plain "
                "values, or ask for it to be added")


class Unprintable(dict):
    """``config`` or ``config.theme``: read as a mapping (``config.site_name``, ``config.theme.features``);
    printed whole it is refused, since mkdocs-macros would print MkDocs' own object, not this mapping."""

    def __init__(self, name: str, items: dict[str, Any]):
        super().__init__(items)
        self.refused_name = name


def plain(value: Any, name: str) -> Any:
    """A configuration value as plain data (mapping, list, text, number), or :class:`Opaque`."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, Mapping):
        return {str(k): plain(v, f"{name}.{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v, f"{name}[{i}]") for i, v in enumerate(value)]
    return Opaque(name, type(value).__name__)


@dataclass
class SiteVariables:
    """The site-wide part of a page's variables, as mkdocs-macros builds them in its ``on_config``."""

    config: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    yaml_variables: dict[str, Any] = field(default_factory=dict)  # from include_yaml, in order
    include_dir: Path | None = None
    include_shown: str = ""  # include_dir as messages show it (relative to the project)
    cache_key: str = ""  # digest of mkdocs.yml and the included files: a page checked before is judged again
    nav_titles: dict[str, str] = field(default_factory=dict)  # src → the title mkdocs.yml's nav gives it
    environment: dict[str, str] = field(default_factory=dict)
    render_by_default: bool = True
    delimiters: dict[str, str] = field(default_factory=dict)  # j2_* options: block_start_string, …
    site_url: str | None = None
    problems: list[Problem] = field(default_factory=list)  # what mkdocs.yml asks for that pages cannot have
    # Fills config, extra, nav_titles, environment and site_url when a page first needs them: ``check`` reads
    # MkDocs' whole configuration (a second or more, importing every plugin) only for a page that uses it.
    pending: Callable[[SiteVariables], None] | None = None

    def ready(self) -> SiteVariables:
        if self.pending is not None:
            pending, self.pending = self.pending, None
            pending(self)
        return self

    def should_render(self, meta: dict[str, Any]) -> bool:
        """mkdocs-macros' rule: ``render_macros: false`` always wins; with ``render_by_default: false`` a page
        opts in with ``render_macros: true``."""
        flag = meta.get("render_macros")
        if flag is False:
            return False
        return self.render_by_default or flag is True


class File:
    """``page.file``: the parts of MkDocs' File a page may read."""

    def __init__(self, src: str, use_directory_urls: bool):
        path = PurePosixPath(src)
        self.src_uri = self.src_path = src
        self.name = path.stem
        if path.stem in ("index", "README") or not use_directory_urls:
            dest = path.with_name("index.html") if path.stem in ("index", "README") else path.with_suffix(".html")
        else:
            dest = path.with_suffix("") / "index.html"
        self.dest_uri = self.dest_path = dest.as_posix()
        url = self.dest_uri
        if use_directory_urls and url.endswith("index.html"):
            url = url[: -len("index.html")] or "./"
        self.url = url

    def __repr__(self) -> str:
        return f"File(src_uri={self.src_uri!r}, dest_uri={self.dest_uri!r}, name={self.name!r}, url={self.url!r})"


def _markdown_title(body: str) -> str | None:
    """MkDocs' legacy title rule (mkdocs.utils.get_markdown_title): the first non-blank line, if it is ``# …``."""
    for line in body.split("\n"):
        line = line.strip()
        if not line:
            continue
        return line.lstrip("# ") if line.startswith("# ") else None
    return None


class Page:
    """``page`` as mkdocs-macros has it while it renders the page (MkDocs' Page before the HTML exists)."""

    def __init__(self, src: str, body: str, meta: dict[str, Any], site: SiteVariables, use_directory_urls: bool):
        self.file = File(src, use_directory_urls)
        self.meta = meta
        self.url = "" if self.file.url in (".", "./") else self.file.url
        self.is_index = self.file.name == "index"
        self.is_top_level = "/" not in src
        self.is_homepage = self.is_top_level and self.is_index and self.file.url in (".", "./", "index.html")
        self.is_page = True
        self.markdown = body
        base = site.site_url
        if base:
            base = base if base.endswith("/") else base + "/"
            self.canonical_url: str | None = urljoin(base, self.url)
            self.abs_url: str | None = urlsplit(self.canonical_url).path
        else:
            self.canonical_url = self.abs_url = None
        if src in site.nav_titles:
            self.title: str | None = site.nav_titles[src]
        elif "title" in meta:
            self.title = meta["title"]
        else:
            title = _markdown_title(body)
            if title is None and self.is_homepage:
                title = "Home"
            if title is None:
                title = self.file.name.replace("-", " ").replace("_", " ")
                title = title.capitalize() if title.lower() == title else title
            self.title = title

    def __repr__(self) -> str:
        title = f"{self.title!r}" if self.title is not None else "[blank]"
        return f"Page(title={title}, url={(self.abs_url or self.file.url)!r})"


def fix_url(url: str) -> str:
    """mkdocs-macros' ``fix_url``: a relative URL is made to point at the docs folder."""
    parts = urlsplit(url)
    return "../" + url if not parts.scheme and parts.path else url


def page_variables(site: SiteVariables, src: str, body: str, meta: dict[str, Any],
                   use_directory_urls: bool) -> dict[str, Any]:
    """A page's variables in mkdocs-macros' order: later names win, as in its ``on_config`` and ``render``."""
    site.ready()
    variables: dict[str, Any] = {"extra": dict(site.extra), "config": site.config}
    variables.update(site.yaml_variables)
    variables["environment"] = dict(site.environment)
    variables["now"] = datetime.datetime.now
    variables["fix_url"] = fix_url
    variables.update(site.extra)
    variables["page"] = Page(src, body, meta, site, use_directory_urls)
    variables.update(meta)
    return variables


class IncludeLoader(jinja2.BaseLoader):
    """``{% include %}`` and ``{% import %}`` from ``include_dir`` only: a name is a relative path of regular
    files and folders inside it, never through a symbolic link, never ``..``, never over the page limit."""

    def __init__(self, include_dir: Path | None, shown: str):
        self.include_dir = include_dir
        self.shown = shown  # include_dir as messages show it

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        if self.include_dir is None:
            raise jinja2.TemplateNotFound(f"{template} (no include_dir is set under the macros plugin in mkdocs.yml)")
        parts = PurePosixPath(template).parts
        if not parts or template.startswith("/") or any(p in ("..", ".") or p.startswith(".") for p in parts):
            raise jinja2.TemplateNotFound(f"{template} (a name inside {self.shown}/, without .. or a leading /)")
        path = self.include_dir
        for part in parts:
            path = path / part
            try:
                mode = os.lstat(path).st_mode
            except OSError:
                raise jinja2.TemplateNotFound(f"{template} (no such file in {self.shown}/)") from None
            if stat.S_ISLNK(mode):
                raise jinja2.TemplateNotFound(f"{template} (a symbolic link in {self.shown}/ is never followed)")
        if not stat.S_ISREG(mode):
            raise jinja2.TemplateNotFound(f"{template} (not a regular file in {self.shown}/)")
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            raise jinja2.TemplateNotFound(f"{template} (over the limit of {MAX_BYTES:,} bytes)")
        text, _ = decode_utf8(raw, template)
        if text is None:
            raise jinja2.TemplateNotFound(f"{template} (not UTF-8 text)")
        text = unicodedata.normalize("NFC", universal_newlines(text))
        mtime = os.lstat(path).st_mtime
        return text, f"{self.shown}/{template}", lambda: os.path.isfile(path) and os.lstat(path).st_mtime == mtime
