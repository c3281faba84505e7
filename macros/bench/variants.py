"""The projects the benchmark builds: the full pipeline, plain MkDocs + Material copies, and the variants that
split the cost (no print page, a short navigation, mkdocs-macros alone, a hooks-file prototype)."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import yaml

from .gen_report import load_mkdocs_yml


# -- projects: full and plain -----------------------------------------------------------------------
def tree_size(path: Path) -> int:
    """Bytes of every file under ``path``."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def search_index(site: Path) -> Path:
    return site / "search" / "search_index.json"


def plain_config(config_text: str, handbook_fields: dict[str, str] | None = None) -> str:
    """The project's ``mkdocs.yml`` without the macros plugin (same theme, extensions, other plugins).

    ``handbook_fields`` (the draft banner and print cover, which the glue puts in ``extra.handbook`` at
    build time) are written into the copy, so the theme renders the same banner on both sides.
    """
    def edit(config: dict) -> None:
        if handbook_fields:
            config.setdefault("extra", {})["handbook"] = handbook_fields
        config["plugins"] = _without(config.get("plugins") or [], "macros")
        config.pop("watch", None)  # data/ is not copied: nothing of it is read by a plain build
        config.pop("hooks", None)  # the handbook's own hook (drafts, editor notes) is part of the pipeline measured
    return _rewrite(config_text, edit)


def _rewrite(config_text: str, edit: Callable[[dict], None]) -> str:
    """``mkdocs.yml`` text, read as MkDocs reads it (its tags resolved), changed by ``edit``, written back."""
    config = load_mkdocs_yml(config_text)
    edit(config)
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=200)


def derive(src: Path, dest: Path, rewrite: Callable[[str], str]) -> Path:
    """A copy of the project folder ``src`` (links kept as links) whose ``mkdocs.yml`` is ``rewrite`` of src's."""
    shutil.copytree(src, dest, symlinks=True)
    (dest / "mkdocs.yml").write_text(rewrite((src / "mkdocs.yml").read_text("utf-8")), "utf-8")
    return dest


def _plugin_name(plugin: str | dict) -> str:
    return plugin if isinstance(plugin, str) else next(iter(plugin))


def _without(plugins: list, name: str) -> list:
    return [p for p in plugins if _plugin_name(p) != name]


def without_print_site(plain_text: str) -> str:
    """A plain config without the print page: what mkdocs-print-site-plugin costs, on its own."""
    return _rewrite(plain_text, lambda config: config.update(plugins=_without(config.get("plugins") or [], "print-site")))


def short_nav(plain_text: str) -> str:
    """A config whose navigation keeps only the top-level pages (the sections' pages are still built):
    what Material's navigation, written into every page, costs as the report grows."""
    def edit(config: dict) -> None:
        config["nav"] = [e for e in config.get("nav") or []
                         if isinstance(e, str) or (isinstance(e, dict) and not isinstance(next(iter(e.values())), list))]
        config["validation"] = dict(config.get("validation") or {}, omitted_files="info")  # pages out of nav, on purpose
    return _rewrite(plain_text, edit)


EMPTY_MODULE = "bench_empty_module"
# A prototype, for measuring only: the same check and rendering done by an MkDocs hook file instead of
# mkdocs-macros (MkDocs >= 1.4 runs `hooks:` files as a plugin). Not the product; it tells what the
# pipeline would cost without the mkdocs-macros plugin.
HOOKS_FILE = "bench_handbook_hooks.py"
HOOKS_CODE = """
import sys
from pathlib import Path

PluginError = __import__("mkdocs.exceptions", fromlist=["PluginError"]).PluginError  # the hook file is MkDocs'

sys.path.insert(0, MACROS_PARENT)
from macros.core.cache import digest  # noqa: E402
from macros.pages.check import run_check  # noqa: E402
from macros.pages.render import PageRenderer, PageSource  # noqa: E402

_state = {}


def on_config(config):
    root = Path(config.config_file_path).resolve().parent
    report = run_check(root, use_directory_urls=config.use_directory_urls)
    # This prototype is itself a hooks file: the check's refusal of a foreign hooks file is the one it expects.
    errors = [p for p in report.errors if not (p.file == "mkdocs.yml" and p.key == "hooks")]
    if errors:
        raise PluginError("\\n".join(str(p) for p in errors))
    _state.update(renderer=PageRenderer(report.dataset, config.use_directory_urls), rendered=report.rendered)


def on_page_markdown(markdown, page, config, files):
    src = page.file.src_uri
    done = _state["rendered"].get(src)
    if done is not None and done[0] == digest(markdown):
        return done[1]  # as the glue does: the check's rendering of the same body
    text, problems = _state["renderer"].render(PageSource(src, "docs/" + src, markdown, markdown, 0, dict(page.meta or {})))
    if problems:
        raise PluginError("\\n".join(str(p) for p in problems))
    return text
"""


def hooks_config(plain_text: str) -> str:
    """A plain config running the handbook through :data:`HOOKS_FILE` instead of mkdocs-macros."""
    return _rewrite(plain_text, lambda config: config.update(hooks=[HOOKS_FILE]))
OVERHEAD_RUNS = 7  # the example builds in about a second: more runs cost little and steady the ratio


def macros_only_config(plain_text: str) -> str:
    """A plain config with mkdocs-macros switched on again, loading a module that defines nothing."""
    def edit(config: dict) -> None:
        plugins = list(config.get("plugins", []))
        names = [_plugin_name(p) for p in plugins]
        at = names.index("print-site") if "print-site" in names else len(plugins)  # print-site stays last
        plugins.insert(at, {"macros": {"module_name": EMPTY_MODULE, "on_undefined": "strict"}})
        config["plugins"] = plugins
    return _rewrite(plain_text, edit)


def make_plain(project: Path, dest: Path) -> int:
    """Write ``dest``: the project's pages with every macro already rendered by the core, and a plain config.

    Returns the number of pages. Fails loudly if any page does not render: the benchmark compares builds
    that succeed.
    """
    from ..core.load import load_dataset
    from ..pages.render import PageRenderer, discover_pages, read_page
    from ..pages.theme import banner_fields

    docs = project / "docs"
    dataset, _ = load_dataset(project / "data", project)
    renderer = PageRenderer(dataset)
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(docs, dest / "docs", ignore=shutil.ignore_patterns("*.md"))
    pages = 0
    for path in discover_pages(docs):
        page, problems = read_page(path, docs, project)
        assert page is not None, problems
        text, problems = renderer.render(page)
        if text is None or any(p.is_error for p in problems):
            raise RuntimeError("\n".join(map(str, problems)))
        front = page.text[: len(page.text) - len(page.body)]
        out = dest / "docs" / page.src
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(front + text, encoding="utf-8")
        pages += 1
    overrides = project / "overrides"
    if overrides.is_dir():  # the same theme on both sides: the plain build is the same site without our code
        (dest / "overrides").symlink_to(overrides.resolve(), target_is_directory=True)
    fields = banner_fields(dataset.handbook)
    (dest / "mkdocs.yml").write_text(plain_config((project / "mkdocs.yml").read_text(encoding="utf-8"), fields), "utf-8")
    return pages


def full_cmd(project: Path, site: Path, cached: bool = False) -> list[str]:
    """The full pipeline from scratch (``--no-cache``: every run does all the work a first run does), or
    (``cached``) with the check's cache an earlier run left, as an editor's second build runs."""
    return [sys.executable, "-m", "macros", "--project", str(project), "build", *([] if cached else ["--no-cache"]),
            "--site-dir", str(site)]


def plain_cmd(project: Path, site: Path) -> list[str]:
    return [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "--site-dir", str(site),
            "--config-file", str(project / "mkdocs.yml")]


def check_cmd(project: Path, cached: bool = False) -> list[str]:
    """``check`` from scratch, or (``cached``) with the cache an earlier run left in the project."""
    return [sys.executable, "-m", "macros", "--project", str(project), "check", *([] if cached else ["--no-cache"])]


