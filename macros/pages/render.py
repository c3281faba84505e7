"""Pages as templates: front matter, rendering with every macro error located, without MkDocs.

Rendering is how both ``check`` and the build resolve macro calls, so an error reads the same in both:
``docs/PAGE.md:LINE: fig("xyz"): no indicator "xyz" — did you mean "xyx"?``. Macro errors and undefined
names are *collected* (the macro returns a placeholder and rendering goes on), so one run reports every
bad call of a page, not only the first.
"""

from __future__ import annotations

import ast
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jinja2
import jinja2.meta
import jinja2.utils

from ..core.errors import MacroError, Problem, decode_utf8, suggest, universal_newlines
from ..core.limits import OverLimit, bounded
from ..core.load import display_path
from ..core.model import Dataset, Handbook
from ..core.yamlsafe import MAX_BYTES, load_yaml_text_kept
from .api import MACRO_NAMES, Macros
from .context import REFUSED, REFUSED_FILTERS, File, IncludeLoader, Opaque, SiteVariables, Unprintable, page_variables
from .sandbox import MAX_PAGE_OUTPUT
from .sandbox import Sandbox as _Sandbox
from .scan import delimited

# The same rule as MkDocs' front matter (mkdocs.utils.meta), so line numbers agree with the build.
_FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.UNICODE | re.DOTALL)
PLACEHOLDER = "⟦?⟧"


@dataclass(frozen=True)
class PageSource:
    """A page's Markdown split from its front matter, with the line the body starts after."""

    src: str  # path inside docs/, with forward slashes: "phan-1/kinh-te.md"
    display: str  # path shown in messages: "docs/phan-1/kinh-te.md"
    text: str
    body: str
    offset: int  # lines before the body (front matter)
    meta: dict[str, Any]


def split_front_matter(text: str) -> tuple[str, int, dict[str, Any]]:
    """Return (body, number of lines before it, front-matter mapping).

    The front matter is read by the same bounded loader as data files (depth, aliases, node count): one
    that it refuses is reported by the page lint (:func:`macros.pages.drafts.front_matter_problems`).
    """
    match = _FRONT_MATTER.match(text)
    if not match:
        return text, 0, {}
    doc = load_yaml_text_kept(match.group(1).encode("utf-8"), "(front matter)")
    meta = doc.data
    if any(p.is_error for p in doc.problems) or not isinstance(meta, dict):
        return text, 0, {}
    # MkDocs drops the blank lines after the front matter too (mkdocs.utils.meta.get_data).
    rest = text[match.end():]
    body = rest.lstrip("\n")
    return body, match.group(0).count("\n") + len(rest) - len(body), meta


def read_page(path: Path, docs_dir: Path, root: Path) -> tuple[PageSource | None, list[Problem]]:
    """Read one page as UTF-8 NFC text; encoding problems are reported, not raised."""
    src = path.relative_to(docs_dir).as_posix()
    display = display_path(path, root)
    with open(path, "rb") as handle:
        raw = handle.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:  # before anything parses it, front matter included
        return None, [Problem(display, 1, "(file)", f"page is over the limit of {MAX_BYTES:,} bytes",
                              "split it into several pages")]
    text, problems = decode_utf8(raw, display)
    if text is None:
        return None, problems
    # As MkDocs reads it: universal newlines, so a page saved on Windows (or old Mac) has the same lines.
    text = universal_newlines(text)
    if not unicodedata.is_normalized("NFC", text):
        for number, line_text in enumerate(text.splitlines(), start=1):
            if not unicodedata.is_normalized("NFC", line_text):
                problems.append(Problem(display, number, "(text)", "text is not in Unicode NFC form; normalised",
                                        "save the file with composed (NFC) characters", "warning"))
                break
        text = unicodedata.normalize("NFC", text)
    body, offset, meta = split_front_matter(text)
    return PageSource(src, display, text, body, offset, meta), problems




def _first_char(source: str, node: ast.expr) -> str:
    """The first character of ``node`` in ``source`` (ast's columns count UTF-8 bytes, not characters)."""
    if node.lineno == 1:
        first = source.encode("utf-8")[node.col_offset:node.col_offset + 1]
        return first.decode("ascii", "replace") or "x"
    return (ast.get_source_segment(source, node) or "x")[0]


def _literal(node: ast.expr, source: str) -> tuple[bool, Any]:
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, int, float, bool, type(None))):
        if isinstance(node.value, str) and _first_char(source, node) not in "'\"":
            return False, None  # r"…", u"…": Python string prefixes Jinja does not have
        return True, node.value
    if (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant)
            and type(node.operand.value) in (int, float)):
        return True, -node.operand.value
    return False, None


def _literal_call(expression: str) -> tuple[str, list[Any], dict[str, Any]] | None:
    """``fig("id", 2024, unit=False)`` → ("fig", ["id", 2024], {"unit": False}); None if it is anything else."""
    text = expression.strip()
    if not text or "\\" in text or text[0] in "-+" or text[-1] in "-+":
        return None
    try:
        node = ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
        return None
    args = []
    for arg in node.args:
        ok, value = _literal(arg, text)
        if not ok:
            return None
        args.append(value)
    kwargs = {}
    for keyword in node.keywords:
        ok, value = _literal(keyword.value, text) if keyword.arg else (False, None)
        if not ok:
            return None
        kwargs[keyword.arg] = value
    return node.func.id, args, kwargs


def _template_line(template: jinja2.Template | None) -> int:
    """Line in the template of the macro call being evaluated (walks up to Jinja's compiled frame)."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_filename == "<template>" and template is not None:
            return template.get_corresponding_lineno(frame.f_lineno)
        frame = frame.f_back
    return 1


class _Collector:
    """Where the macros of one render report problems."""

    def __init__(self, page: PageSource):
        self.page = page
        self.template: jinja2.Template | None = None
        self.line: int | None = None  # set by the fast path, which has no template frame to read the line from
        self.problems: list[Problem] = []
        self.unchecked: list[int] = []  # template lines of macro calls not evaluated, data/ being refused

    def add(self, key: str, message: str, hint: str = "", line: int | None = None) -> None:
        if line is None:
            line = self.line if self.line is not None else _template_line(self.template)
        line += self.page.offset
        self.problems.append(Problem(self.page.display, line, key, message, hint))


def _last_template_lineno(exc: BaseException) -> int | None:
    """Line number of the deepest ``<template>`` frame of an exception's traceback, or None."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _traceback_line(exc: BaseException) -> int:
    """Template line of an exception raised while rendering (Jinja rewrites its traceback to template lines)."""
    return _last_template_lineno(exc) or 1


def _template_line_of(exc: BaseException, template: jinja2.Template | None) -> int:
    """Template line where an exception Jinja did not handle (a bound's, raised from outside) stopped it: the
    traceback holds the compiled code's line, which the template maps back."""
    line = _last_template_lineno(exc)
    return template.get_corresponding_lineno(line) if line is not None and template is not None else 1


class PageRenderer:
    """Renders pages with the handbook's macros; reports every bad call with page and line."""

    def __init__(self, dataset: Dataset | None, use_directory_urls: bool = True, site: SiteVariables | None = None,
                 sections: Any = None):
        """``dataset`` None: data/ was refused; pages are still parsed and every name checked, and each page's
        macro calls are counted and reported as not checked. ``site``: the variables mkdocs-macros would give
        (:mod:`macros.pages.context`); without it a page has its front matter and the handbook's macros."""
        self.dataset = dataset
        self.use_directory_urls = use_directory_urls
        self.site = site
        self.sections = sections  # the handbook's SectionIndex, for the comments register
        self._template: jinja2.Template | None = None
        self._collector: _Collector | None = None
        self._last_unchecked: list[int] = []
        self._page_macros: Macros | None = None  # the page's macros, whose cited sources end the page
        self.volatile = False  # set when the page last rendered read the clock (now())
        self.literal_calls = False  # set when the page last rendered took the fast path (only literal macro calls)
        renderer = self

        class CollectingUndefined(jinja2.Undefined):
            """An unknown name is a problem with a line, and rendering goes on to find the others."""

            def _report(self) -> str:
                collector = renderer._collector
                if collector is None:
                    # Compile time: Jinja folds constants such as `{{ [][1] }}`. Failing here makes it
                    # leave the expression to run time, where the problem is recorded with its line.
                    raise jinja2.UndefinedError("undefined at compile time")
                name = self._undefined_name if self._undefined_name is not None else "?"
                if self._undefined_obj is jinja2.utils.missing and name in REFUSED:
                    collector.add(str(name), REFUSED[name], "mkdocs-macros offers it, handbook pages do not")
                elif self._undefined_obj is not jinja2.utils.missing:
                    collector.add(f"(jinja) {name}", f"{type(self._undefined_obj).__name__} has no item or attribute "
                                  f'"{name}"', "check the expression on this line")
                else:
                    collector.add(str(name), f'unknown name "{name}"',
                                  suggest(str(name), MACRO_NAMES) + " (macros are listed in README.md)")
                return PLACEHOLDER

            def __str__(self) -> str:
                return self._report()

            def __call__(self, *args: Any, **kwargs: Any) -> str:
                return self._report()

            def __iter__(self):
                self._report()
                return iter(())

            # As mkdocs-macros' `on_undefined: strict`: an unknown name tested, counted or compared is a problem
            # too (`{% if flag %}`, `x | length`), never a silent false or zero.
            def __bool__(self) -> bool:
                self._report()
                return False

            def __len__(self) -> int:
                self._report()
                return 0

            def __eq__(self, other: object) -> bool:
                self._report()
                return False

            def __ne__(self, other: object) -> bool:
                self._report()
                return True

            def __contains__(self, item: object) -> bool:
                self._report()
                return False

            __hash__ = jinja2.Undefined.__hash__

            def refused(self) -> bool:
                return self._undefined_obj is jinja2.utils.missing and self._undefined_name in REFUSED

            def __getattr__(self, name: str) -> Any:
                if name.startswith("__") or name in _JINJA_PROBES:
                    raise AttributeError(name)
                return self

        # Sandboxed: a page may call the macros, not reach Python's internals. Not optimised: Jinja's
        # constant folding would evaluate `{{ [][1] }}` at compile time, before errors are collected.
        options = dict(site.delimiters) if site is not None else {}
        shown = site.include_shown if site is not None else ""
        self.env = _Sandbox(undefined=CollectingUndefined, autoescape=False, keep_trailing_newline=True,
                            optimized=False, finalize=self._finalize,
                            loader=IncludeLoader(site.include_dir if site is not None else None, shown), **options)
        self._undefined = CollectingUndefined
        self._strict_tests_and_filters()

    def _refuse(self, message: str) -> str:
        if self._collector is not None:
            self._collector.add("(jinja)", message, "mkdocs-macros offers it, handbook pages do not")
        return PLACEHOLDER

    def _finalize(self, value: Any) -> Any:
        """What ``{{ … }}`` prints: a value mkdocs-macros would print as its own Python object is refused,
        also inside a mapping or list printed whole."""
        refusal = _unprintable(value)
        return self._refuse(refusal) if refusal else value

    def _strict_tests_and_filters(self) -> None:
        """`is defined` and `| default` on a name mkdocs-macros has but pages do not would silently differ."""
        env = self.env

        def guard(fn):
            def call(value: Any, *args: Any, **kwargs: Any) -> Any:
                if isinstance(value, self._undefined) and value.refused():
                    value._report()
                return fn(value, *args, **kwargs)
            return call

        for name in ("defined", "undefined"):
            env.tests[name] = guard(env.tests[name])
        for name in ("default", "d"):
            env.filters[name] = guard(env.filters[name])

    def _wrap(self, macros: Macros | None, collector: _Collector) -> dict[str, Any]:
        if macros is None:  # data refused: each call is counted, none evaluated
            def unchecked(*args: Any, **kwargs: Any) -> str:
                collector.unchecked.append(collector.line if collector.line is not None
                                           else _template_line(collector.template))
                return PLACEHOLDER
            return dict.fromkeys(MACRO_NAMES, unchecked)

        def make(fn):
            def call(*args: Any, **kwargs: Any) -> str:
                try:
                    return fn(*args, **kwargs)
                except MacroError as exc:
                    collector.add(exc.call, exc.message, exc.hint)
                    return PLACEHOLDER
            return call
        return {name: make(fn) for name, fn in macros.functions().items()}

    def _with_sources(self, text: str) -> str:
        """The rendered page ending with the list of the sources its figures' marks number (none cited: as is)."""
        note = self._page_macros.sources_note() if self._page_macros is not None else ""
        return text.rstrip("\n") + "\n\n" + note + "\n" if note else text

    def _macros(self, page: PageSource) -> Macros | None:
        self._page_macros = (Macros(self.dataset, page.src, self.use_directory_urls, self.sections)
                             if self.dataset is not None else None)
        return self._page_macros

    def _needs_site(self, page: PageSource) -> bool:
        """Whether the page names anything beyond the handbook's macros and its front matter: only then does a
        ``check`` read MkDocs' configuration (the build has it already)."""
        if self.site is None or self.site.pending is None:
            return self.site is not None
        try:
            names = jinja2.meta.find_undeclared_variables(self.env.parse(page.body))
        except jinja2.TemplateSyntaxError:
            return False
        return bool(names - set(MACRO_NAMES) - set(page.meta))

    def _unchecked(self, page: PageSource) -> list[Problem]:
        """One line per page whose macro calls could not be evaluated because data/ was refused."""
        lines, self._last_unchecked = self._last_unchecked, []
        if not lines:
            return []
        return [Problem(page.display, min(lines) + page.offset, "(macros)",
                        f"{len(lines)} macro call(s) on this page not checked: data/ has errors",
                        "fix the data errors above, then run check again", "warning")]

    def render(self, page: PageSource) -> tuple[str | None, list[Problem]]:
        """Render a page body; return (text, problems). Text is None when the template cannot be parsed.

        Bounded by the handbook's ``limits`` (time and memory per page): a page past either is one located
        line naming the limit, never a hung or exhausted build.
        """
        hb = self.dataset.handbook if self.dataset is not None else _DEFAULTS
        self.volatile = self.literal_calls = False
        if self.site is not None and page.meta.get("ignore_macros"):
            line = next((n for n, text in enumerate(page.text.split("\n")[:page.offset], start=1)
                         if text.startswith("ignore_macros:")), 1)
            return None, [Problem(page.display, line, "ignore_macros", "no longer accepted (mkdocs-macros refuses it too)",
                                  "write `render_macros: false` instead")]
        if self.site is not None and not self.site.should_render(page.meta):
            return page.body, []  # `render_macros: false`: the page is shown as written, as mkdocs-macros does
        title = page.meta.get("title")
        if self.site is not None and isinstance(title, str) and _has_template(title, self.env):
            line = next((n for n, text in enumerate(page.text.split("\n")[:page.offset], start=1)
                         if text.startswith("title:")), 1)
            return None, [Problem(page.display, line, "title", "a title with {{ … }} or {% … %} is not rendered in "
                                  "handbook pages (mkdocs-macros would render it)", "write the title as plain text")]
        try:
            with bounded(hb.page_seconds, hb.page_memory_mb, f"rendering {page.display}"):
                fast = self._render_calls(page)
                self.literal_calls = fast is not None
                text, problems = fast if fast is not None else self.render_jinja(page)
            if text is not None and len(text) > MAX_PAGE_OUTPUT:
                return None, [*problems, Problem(page.display, 1 + page.offset, "(limit)",
                                                 f"the page becomes {len(text):,} characters, over the limit of "
                                                 f"{MAX_PAGE_OUTPUT:,}", "split the page, or shorten its loops")]
            return text, problems + self._unchecked(page)
        except OverLimit as exc:
            self._collector = None
            line = _template_line_of(exc.__cause__, self._template) if exc.__cause__ is not None else 1
            if exc.limit == "seconds":
                message = f"rendering took longer than the limit of {exc.value:g} s"
                key = "limits.page_seconds"
            else:
                message = f"rendering took more than the limit of {exc.value:g} MB of memory"
                key = "limits.page_memory_mb"
            self._last_unchecked = []
            return None, [Problem(page.display, line + page.offset, "(limit)", message,
                                  f"simplify the loops or expressions on this page (or raise {key} in data/handbook.yaml)")]

    def _render_calls(self, page: PageSource) -> tuple[str, list[Problem]] | None:
        """The fast path: a page whose only template syntax is ``{{ macro(literal, …) }}`` calls.

        Compiling a page with Jinja costs more than everything else the check does with it, and a
        handbook page only calls macros with literal arguments. Such a page is rendered here by
        calling each macro directly: the same text and the same problems, at the same lines. Anything
        else (a ``{% %}`` block, a comment, a filter, a variable, an expression, a backslash or string
        prefix, a ``\r``, an exception other than a macro error) returns None and goes to Jinja.
        """
        body = page.body
        if "{%" in body or "{#" in body or "\r" in body or (self.site is not None and self.site.delimiters):
            return None  # (with j2_* delimiters of its own, `{{` may be plain text: Jinja's to judge)
        calls = []
        pos = 0
        line, counted = 1, 0
        for start, end in delimited(body, "{{", "}}"):
            if body.find("{{", pos, start) >= 0 or body.find("{{", start + 2, end - 2) >= 0:
                return None  # a nested or unclosed opening: Jinja's to judge
            inner = body[start + 2:end - 2]
            call = _literal_call(inner)
            if call is None:
                return None
            first = start + 2 + len(inner) - len(inner.lstrip())
            line += body.count("\n", counted, first)
            counted = first
            calls.append((start, end, line, call))
            pos = end
        if body.find("{{", pos) >= 0:
            return None
        if not calls:
            return body, []
        shadowed = set(page.meta)
        if any(name not in MACRO_NAMES or name in shadowed for _, _, _, (name, _, _) in calls):
            return None  # a variable or function of mkdocs-macros', or front matter naming a macro: Jinja's to judge
        collector = _Collector(page)
        self._last_unchecked = collector.unchecked
        macros = self._wrap(self._macros(page), collector)
        out = []
        pos = 0
        for start, end, line, (name, args, kwargs) in calls:
            out.append(body[pos:start])
            collector.line = line
            try:
                out.append(str(macros[name](*args, **kwargs)))
            except Exception:  # anything but a macro error: let Jinja report it exactly as before
                return None
            pos = end
        out.append(body[pos:])
        return self._with_sources("".join(out)), collector.problems

    def render_jinja(self, page: PageSource) -> tuple[str | None, list[Problem]]:
        """Render a page body as a Jinja template (what :meth:`render` does for any page it cannot take fast)."""
        collector = _Collector(page)
        try:
            template = self.env.from_string(page.body)
        except jinja2.TemplateSyntaxError as exc:
            refused = re.fullmatch(r"No filter named '(\w+)'\.?", exc.message or "")
            if refused and refused.group(1) in REFUSED_FILTERS:
                return None, [Problem(page.display, (exc.lineno or 1) + page.offset, f"| {refused.group(1)}",
                                      REFUSED_FILTERS[refused.group(1)], "mkdocs-macros offers it, handbook pages do not")]
            return None, [Problem(page.display, (exc.lineno or 1) + page.offset, "(jinja)", exc.message or "syntax error",
                                  "check the {{ … }} and {% … %} brackets and quotes; write {{ '{{' }} for a literal brace")]
        except (RecursionError, MemoryError):
            opening = min((i for i in (page.body.find("{{"), page.body.find("{%")) if i >= 0), default=0)
            return None, [Problem(page.display, page.body.count("\n", 0, opening) + 1 + page.offset, "(jinja)",
                                  "the template is nested too deeply to read",
                                  "unnest the brackets, parentheses or blocks on this page")]
        collector.template = template
        self._template = template
        self._collector = collector
        self._last_unchecked = collector.unchecked
        functions = self._wrap(self._macros(page), collector)
        variables = dict(functions)
        if self.site is not None and self._needs_site(page):
            variables.update(page_variables(self.site, page.src, page.body, page.meta, self.use_directory_urls))
            clock = variables["now"]

            def now() -> Any:
                self.volatile = True  # the text depends on the time: never reused from the check's cache
                return clock()
            variables["now"] = now
            functions.update(now=now, fix_url=variables["fix_url"])
        else:
            variables.update(page.meta)
        # As in mkdocs-macros, macros are also globals: a macro file imported from include_dir (without
        # context) can call them. Per render, and removed after: the environment serves every page.
        self.env.globals.update(functions)
        try:
            text = template.render(**variables)
        except jinja2.TemplateError as exc:
            collector.add("(jinja)", str(exc), "check the template expression on this line", _traceback_line(exc))
            text = None
        except RecursionError as exc:
            collector.add("(jinja)", "endless recursion", "check the macros defined in this page", _traceback_line(exc))
            text = None
        except MemoryError as exc:
            collector.add("(jinja)", "the page needs more memory than there is", "check the loops and repetitions on "
                          "this line", _traceback_line(exc))
            text = None
        except Exception as exc:  # an editor's expression must end in a located message, whatever it raised
            collector.add("(jinja)", f"cannot evaluate: {type(exc).__name__}: {exc}", "check the expression on this line",
                          _traceback_line(exc))
            text = None
        finally:
            self._collector = None
            for name in functions:
                self.env.globals.pop(name, None)
        return (None if text is None else self._with_sources(text)), collector.problems


def _unprintable(value: Any, depth: int = 0) -> str:
    """Why ``value`` cannot be printed as mkdocs-macros prints it ("" when it can)."""
    if isinstance(value, Opaque):
        return value.refusal()
    if isinstance(value, Unprintable):
        return (f"{value.refused_name} printed whole is not offered (mkdocs-macros prints MkDocs' object) — print "
                "one of its keys")
    if isinstance(value, File):
        return "page.file printed whole is not offered (MkDocs prints folders of the machine) — print page.file.src_uri"
    if depth < 8 and isinstance(value, dict):
        return next((r for r in map(lambda v: _unprintable(v, depth + 1), value.values()) if r), "")
    if depth < 8 and isinstance(value, (list, tuple)):
        return next((r for r in map(lambda v: _unprintable(v, depth + 1), value) if r), "")
    return ""


def _has_template(text: str, env: jinja2.Environment) -> bool:
    return any(mark in text for mark in (env.variable_start_string, env.block_start_string, env.comment_start_string))


# What Jinja itself asks of a value it calls: an undefined name must not answer (it would report itself).
_JINJA_PROBES = frozenset({"unsafe_callable", "alters_data", "jinja_pass_arg", "jinja_async_variant"})
# The limits when data/ was refused: the model's defaults.
_DEFAULTS = SimpleNamespace(**{name: Handbook.__dataclass_fields__[name].default
                               for name in ("page_seconds", "page_memory_mb")})
def discover_pages(docs_dir: Path) -> list[Path]:
    """The pages MkDocs builds: regular ``.md`` files, never through a symbolic link (those are refused by
    :func:`macros.pages.docsfiles.docs_tree_problems`), nothing under a dot folder."""
    from .docsfiles import walk_docs

    return sorted(path for path, kind in walk_docs(docs_dir) if kind == "f" and path.suffix == ".md")
