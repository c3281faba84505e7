"""The core stays free of MkDocs, so another front end can replace the thin glue."""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT

CORE = ["api", "check", "cli", "collate", "errors", "fmt", "html", "lint", "load", "model", "pages", "schema",
        "status", "validate", "words", "yamlsafe", "drafts", "release", "sitecheck", "publish", "charts", "theme",
        "pdf", "cache"]


def test_core_modules_import_no_mkdocs():
    code = ("import sys\n" + "".join(f"import macros.{m}\n" for m in CORE)
            + "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('mkdocs', 'material', 'mkdocs_macros'))\n"
              "print(','.join(bad))\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_the_glue_is_the_only_module_naming_mkdocs():
    offenders = [p.name for p in (ROOT / "macros").glob("*.py")
                 if p.stem not in ("mkdocs_glue", "mkdocs_hooks")
                 and ("import mkdocs" in p.read_text() or "from mkdocs" in p.read_text())]
    assert offenders == []
