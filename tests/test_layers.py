"""The package's layers, stated as tests: the core stays free of MkDocs and Jinja, pages free of MkDocs,
and only ``macros/site/`` talks to MkDocs or mkdocs-macros, so another front end can replace the thin glue."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

PACKAGE = ROOT / "macros"
SITE_GENERATOR = ("mkdocs", "material", "mkdocs_macros")
# What each layer may never import (top-level distribution names).
FORBIDDEN = {
    "core": SITE_GENERATOR + ("jinja2", "markupsafe"),
    "pages": SITE_GENERATOR,
    "publish": SITE_GENERATOR,
    "editorial": SITE_GENERATOR,
}
# Which of the package's own layers each layer may import (the top: __init__, cli; bench may import anything).
MAY_USE = {
    "core": {"core"},
    "pages": {"core", "pages"},
    "publish": {"core", "pages", "publish"},
    "editorial": {"core", "pages", "editorial"},
    # The front end composes the layers below it (the changes page takes its comparison from editorial).
    "site": {"core", "pages", "editorial", "site"},
}


def _modules(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module an import statement names, as an absolute dotted name (relative ones resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.append((node.lineno, name))
            if not node.module:  # from . import x: x is a module of that package
                found += [(node.lineno, f"{name}.{alias.name}") for alias in node.names]
    return found


def test_every_layer_has_its_folder_and_the_top_holds_only_the_entry_points():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert top == ["__init__.py", "__main__.py", "cli.py"]
    for layer in ("core", "pages", "site", "publish", "editorial", "bench"):
        assert (PACKAGE / layer / "__init__.py").is_file(), layer
        assert ast.get_docstring(ast.parse((PACKAGE / layer / "__init__.py").read_text())), f"{layer} says what it holds"


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_nothing_forbidden(layer: str):
    offenders = [f"{p.relative_to(ROOT)}:{line}: {name}" for p in _modules(layer) for line, name in _imports(p)
                 if name.split(".")[0] in FORBIDDEN[layer]]
    assert offenders == []


@pytest.mark.parametrize("layer", sorted(MAY_USE))
def test_layer_imports_only_the_layers_below_it(layer: str):
    offenders = [f"{p.relative_to(ROOT)}:{line}: {name}" for p in _modules(layer) for line, name in _imports(p)
                 if name.startswith("macros.") and name.split(".")[1] not in MAY_USE[layer]]
    assert offenders == []


def test_no_module_is_over_600_lines():
    long = [f"{p.relative_to(ROOT)}: {n}" for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 600]
    assert long == []


def test_importing_core_and_pages_loads_no_site_generator():
    """What the statements say, checked at run time too: a lazy import inside a function counts when it runs."""
    names = [".".join(p.relative_to(ROOT).with_suffix("").parts) for layer in ("core", "pages")
             for p in _modules(layer) if p.name != "__init__.py"]
    code = ("import sys\n" + "".join(f"import {m}\n" for m in names)
            + f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {SITE_GENERATOR!r})\n"
              "print(','.join(bad))\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_importing_core_alone_loads_no_jinja():
    names = [".".join(p.relative_to(ROOT).with_suffix("").parts) for p in _modules("core") if p.name != "__init__.py"]
    code = ("import sys\n" + "".join(f"import {m}\n" for m in names)
            + "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in "
              "('jinja2', 'markupsafe', 'mkdocs', 'material', 'mkdocs_macros'))))\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
