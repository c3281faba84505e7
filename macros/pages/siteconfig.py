"""``mkdocs.yml`` is code: what in it can run Python is held to the handbook's own.

MkDocs reads its configuration with PyYAML's full loader, so a ``!!python/object/apply:os.system`` tag in
``mkdocs.yml`` runs when the file is read, and ``hooks:`` or the macros plugin's ``module_name`` import any
Python file of the tree. A commit that edits ``mkdocs.yml`` could thus run code on every editor's machine and
on the publishing server. ``check`` (hence ``build`` and ``publish``, before MkDocs reads the file) reads it
with PyYAML's *safe* loader, knowing only MkDocs' ``!ENV`` and ``!relative`` tags, and refuses any other tag,
a hooks file other than the handbook's, and a macros module other than the handbook's package. No MkDocs.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from ..core.errors import Problem, decode_utf8, universal_newlines
from ..core.yamlsafe import MAX_BYTES

HOOKS_FILE = "macros/site/hooks.py"
MACROS_MODULE = "macros"


class _Loader(yaml.SafeLoader):
    """Safe loading plus MkDocs' two harmless tags (an environment variable, a path placeholder)."""


_Loader.add_constructor("!ENV", lambda loader, node: ("!ENV", loader.construct_sequence(node, deep=True)
                                                         if isinstance(node, yaml.SequenceNode)
                                                         else loader.construct_scalar(node)))
_Loader.add_constructor("!relative", lambda loader, node: ("!relative", loader.construct_scalar(node)))


def _line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.split("\n"), start=1):
        if line.lstrip().startswith(needle):
            return number
    return 1


def site_config_problems(root: Path) -> list[Problem]:
    """What in ``root/mkdocs.yml`` could run code the handbook did not ship, as located lines."""
    path = root / "mkdocs.yml"
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError:
        return []  # no site configuration: the build will say so in its own words
    if len(raw) > MAX_BYTES:
        return [Problem("mkdocs.yml", 1, "(file)", f"is over the limit of {MAX_BYTES:,} bytes", "shorten it")]
    text, problems = decode_utf8(raw, "mkdocs.yml")
    if text is None:
        return problems
    text = universal_newlines(text)
    try:
        config = yaml.load(text, Loader=_Loader)  # noqa: S506 — a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        line = (exc.problem_mark or exc.context_mark).line + 1 if (exc.problem_mark or exc.context_mark) else 1
        what = (exc.problem or "cannot be read").strip()
        return [Problem("mkdocs.yml", line, "(yaml)", what,
                        "mkdocs.yml may use only plain YAML and !ENV / !relative; a !!python tag runs code")]
    except yaml.YAMLError as exc:
        return [Problem("mkdocs.yml", 1, "(yaml)", str(exc).splitlines()[0], "fix the YAML")]
    if not isinstance(config, dict):
        return []
    problems = []
    hooks = config.get("hooks") or []
    for hook in hooks if isinstance(hooks, list) else [hooks]:
        if not isinstance(hook, str) or (root / hook).resolve() != (root / HOOKS_FILE).resolve():
            problems.append(Problem("mkdocs.yml", _line_of(text, "hooks:"), "hooks",
                                    f"{hook!r} is not the handbook's hooks file: hooks run as Python code",
                                    f"keep `hooks: [{HOOKS_FILE}]`; a new hook is a change to the code, reviewed as code"))
    for plugin in config.get("plugins") or []:
        name, options = (next(iter(plugin.items())) if isinstance(plugin, dict) and plugin else (plugin, {}))
        if name == "macros" and isinstance(options, dict):
            module = options.get("module_name", "main")
            if module != MACROS_MODULE:
                problems.append(Problem("mkdocs.yml", _line_of(text, "module_name:"), "plugins.macros.module_name",
                                        f"{module!r} is not the handbook's macros package: it would be imported as code",
                                        f"keep `module_name: {MACROS_MODULE}`"))
    return problems
