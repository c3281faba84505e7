"""The variables mkdocs-macros would give every page, read from mkdocs.yml, for ``check`` and ``build`` alike.

Two parts, so that ``check`` stays fast: the macros plugin's own options (``render_by_default``,
``include_dir``, ``include_yaml``, the ``j2_*`` delimiters), read from mkdocs.yml's text at once; and MkDocs'
validated configuration (``config``, ``extra``, nav titles, ``site_url``), which costs a second or more to
load (every plugin is imported) and is read only when a page first names it. The build fills the second
part from the configuration it already has. Options the sandboxed renderer cannot honour are refused as
located lines in mkdocs.yml.
"""

from __future__ import annotations

import copy
import hashlib
from pathlib import Path
from typing import Any

import yaml

from ..core.errors import Problem
from ..core.load import display_path
from ..core.memo import ContentMemo, digest
from ..core.yamlsafe import load_yaml_file
from ..pages.api import MACRO_NAMES
from ..pages.context import SiteVariables, Unprintable, plain

_DELIMITERS = ("block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
               "comment_start_string", "comment_end_string")
# Options of the macros plugin that handbook pages cannot have, with why.
_UNSUPPORTED = {
    "modules": "pluglets and modules run unsandboxed Python beside the pages; the handbook's own macros come "
               "from module_name — define Jinja macros in include_dir and {% import %} them instead",
    "j2_extensions": "Jinja extensions are Python code outside the sandbox — remove them",
    "force_render_paths": "not supported — put `render_macros: true` in those pages' front matter",
}


class _Lenient(yaml.SafeLoader):
    """mkdocs.yml as text: MkDocs' tags (``!ENV``, ``!relative``) read as the plain value they carry."""


def _tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_mapping(node, deep=True)


_Lenient.add_multi_constructor("!", _tagged)

# PyYAML in pure Python takes a good part of a rebuild's own time on mkdocs.yml; `mkdocs serve` asks again
# after every save of any file, mostly with the same bytes.
_PARSED: ContentMemo[Any] = ContentMemo(limit=8)


def _parse(text: str) -> Any:
    """mkdocs.yml's mapping, parsed once per text; a copy, so nothing a caller changes is kept."""
    return copy.deepcopy(_PARSED.get(digest(text), lambda: yaml.load(text, Loader=_Lenient)))  # noqa: S506 — a SafeLoader subclass


def _line_of(text: str, key: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip().startswith(f"{key}:"):
            return number
    return 1


def _macros_options(raw: dict[str, Any]) -> dict[str, Any]:
    for entry in raw.get("plugins") or []:
        if entry == "macros":
            return {}
        if isinstance(entry, dict) and "macros" in entry:
            return dict(entry["macros"] or {})
    return {}


def _merge(into: dict[str, Any], new: dict[str, Any]) -> None:
    """mkdocs-macros' ``update``: mappings merged key by key, anything else replaced."""
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def site_variables(root: Path, conf: Any = None) -> SiteVariables:
    """The site's variables for pages. ``conf``: MkDocs' loaded configuration (the build's); without it the
    configuration is loaded from ``root/mkdocs.yml`` when a page first needs it."""
    config_file = root / "mkdocs.yml"
    shown = "mkdocs.yml"
    try:
        data = config_file.read_bytes()
        text = data.decode("utf-8")
        raw = _parse(text) or {}
    except (OSError, UnicodeError, yaml.YAMLError):
        return SiteVariables()  # MkDocs itself reports an unreadable mkdocs.yml; pages get the defaults
    options = _macros_options(raw if isinstance(raw, dict) else {})
    site = SiteVariables(render_by_default=options.get("render_by_default", True) is not False)
    site.delimiters = {name: options[f"j2_{name}"] for name in _DELIMITERS if options.get(f"j2_{name}")}
    for key, why in _UNSUPPORTED.items():
        if options.get(key):
            site.problems.append(Problem(shown, _line_of(text, key), f"macros.{key}", why))
    on_undefined = options.get("on_undefined", "keep")
    if on_undefined != "strict":
        site.problems.append(Problem(shown, _line_of(text, "on_undefined") if "on_undefined" in options else
                                     _line_of(text, "- macros"), "macros.on_undefined",
                                     f"{on_undefined!r}: handbook pages report every unknown name",
                                     "set `on_undefined: strict` under the macros plugin"))
    _template_titles(site, raw.get("nav") if isinstance(raw, dict) else None, text)
    key = hashlib.sha256(data)
    if options.get("include_dir") and not _inside(root, str(options["include_dir"])):
        site.problems.append(Problem(shown, _line_of(text, "include_dir"), "macros.include_dir",
                                     f"{options['include_dir']!r} is outside the project (or reached through a link): "
                                     "pages could include any file of the machine", "name a folder of the project"))
    elif options.get("include_dir"):
        site.include_dir = (root / str(options["include_dir"])).resolve()
        site.include_shown = display_path(site.include_dir, root)
        if not site.include_dir.is_dir():
            site.problems.append(Problem(shown, _line_of(text, "include_dir"), "macros.include_dir",
                                         f"no folder {site.include_shown}", "create it, or remove include_dir"))
        else:
            for path in sorted(site.include_dir.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    key.update(path.relative_to(site.include_dir).as_posix().encode() + b"\0" + path.read_bytes())
    for entry in options.get("include_yaml") or []:
        name, filename = next(iter(entry.items())) if isinstance(entry, dict) else (None, entry)
        path = root / str(filename)
        if not _inside(root, str(filename)):
            site.problems.append(Problem(shown, _line_of_text(text, str(filename)), "macros.include_yaml",
                                         f"{filename!r} is outside the project (or reached through a link)",
                                         "name a YAML file of the project"))
            continue
        if not path.is_file():
            continue  # mkdocs-macros skips a missing file too
        doc = load_yaml_file(path, display_path(path, root))
        site.problems.extend(doc.problems)
        key.update(path.read_bytes())
        if any(p.is_error for p in doc.problems):
            continue
        content = {name: doc.data} if name is not None else doc.data
        if isinstance(content, dict):
            _merge(site.yaml_variables, plain(content, str(filename)))
    site.yaml_variables = _unshadowed(site, site.yaml_variables, shown, text, "include_yaml")
    site.cache_key = key.hexdigest()
    if conf is not None:
        _fill(site, conf, text)
    else:
        def pending(target: SiteVariables) -> None:
            from mkdocs.config import load_config

            _fill(target, load_config(str(config_file)), text)
        site.pending = pending
    return site


def _inside(root: Path, name: str) -> bool:
    """``name`` (from mkdocs.yml) is a path inside the project, with no symbolic link on the way."""
    path = root / name
    try:
        inside = path.resolve().is_relative_to(root.resolve()) and not Path(name).is_absolute()
    except (OSError, RuntimeError):
        return False
    probe = root
    for part in Path(name).parts:
        probe = probe / part
        if probe.is_symlink():
            return False
    return inside


def _template_titles(site: SiteVariables, nav: Any, text: str) -> None:
    """mkdocs-macros renders a page title holding ``{{``; the glue hands it finished text, so such a title is refused."""
    starts = ("{{", "{%", "{#", *(site.delimiters.get(k, "") for k in _DELIMITERS if k.endswith("start_string")))
    for entry in nav if isinstance(nav, list) else []:
        if isinstance(entry, dict):
            for title, target in entry.items():
                if any(mark and mark in str(title) for mark in starts):
                    site.problems.append(Problem("mkdocs.yml", _line_of_text(text, str(title)), "nav",
                                                 f"the title {str(title)!r} holds template syntax, which handbook "
                                                 "pages do not render", "write the title as plain text"))
                _template_titles(site, target, text)


def _line_of_text(text: str, needle: str) -> int:
    return next((n for n, line in enumerate(text.splitlines(), start=1) if needle in line), 1)


def _unshadowed(site: SiteVariables, variables: dict[str, Any], shown: str, text: str, where: str) -> dict[str, Any]:
    """A site variable named like a handbook macro would hide the macro on every page: refused."""
    for name in [n for n in variables if n in MACRO_NAMES]:
        site.problems.append(Problem(shown, _line_of(text, where), f"{where}.{name}",
                                     f"hides the handbook's macro {name}() on every page", "rename the variable"))
        del variables[name]
    return variables


def _fill(site: SiteVariables, conf: Any, text: str) -> None:
    """The part of the variables that needs MkDocs' validated configuration."""
    from importlib.metadata import version as package_version

    import jinja2
    import mkdocs
    from mkdocs_macros.context import python_version, system_name, system_version

    items = {key: plain(conf[key], f"config.{key}") for key in conf}
    theme = conf["theme"]
    items["theme"] = Unprintable("config.theme", {"name": theme.name, **plain(dict(theme.items()), "config.theme")})
    site.config = Unprintable("config", items)
    extra = {k: v for k, v in items.get("extra", {}).items() if k != "handbook"}
    site.extra = _unshadowed(site, dict(extra), "mkdocs.yml", text, "extra")
    site.site_url = conf.get("site_url") or None
    site.nav_titles = {}

    def walk(entries: Any) -> None:
        for entry in entries or []:
            if isinstance(entry, dict):
                for title, target in entry.items():
                    if isinstance(target, str):
                        site.nav_titles[target] = title
                    else:
                        walk(target)
    walk(conf.get("nav"))
    site.environment = {"system": system_name(), "system_version": system_version(),
                        "python_version": python_version(), "mkdocs_version": mkdocs.__version__,
                        "macros_plugin_version": package_version("mkdocs-macros-plugin"),
                        "jinja2_version": jinja2.__version__}
