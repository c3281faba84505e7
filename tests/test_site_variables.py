"""What mkdocs.yml asks of the macros plugin that sandboxed pages cannot honour is refused at its line; includes
never leave include_dir."""

from __future__ import annotations

import os
from pathlib import Path

from macros.core.load import load_dataset
from macros.pages.render import PageRenderer, PageSource
from macros.site.siteconfig import site_variables

from .helpers import write_project

CONFIG = """\
site_name: Thử
theme:
  name: material
extra:
  fig: 1
plugins:
  - search
  - macros:
      module_name: macros
      modules: [mkdocs_macros_pluglet]
      on_undefined: {undefined}
      include_dir: includes
"""


def _project(tmp_path: Path, undefined: str = "strict") -> Path:
    root = write_project(tmp_path / "p")
    (root / "mkdocs.yml").write_text(CONFIG.format(undefined=undefined), encoding="utf-8")
    (root / "includes").mkdir()
    return root


def _render(root: Path, body: str):
    site = site_variables(root)
    dataset, _ = load_dataset(root / "data", root)
    return PageRenderer(dataset, True, site).render(PageSource("index.md", "docs/index.md", body, body, 0, {}))


def test_options_pages_cannot_have_are_located_lines_in_mkdocs_yml(tmp_path: Path):
    site = site_variables(_project(tmp_path, "keep"))
    shown = {f"{p.file}:{p.line}: {p.key}" for p in site.problems}
    assert "mkdocs.yml:10: macros.modules" in shown
    assert "mkdocs.yml:11: macros.on_undefined" in shown
    site.ready()
    assert any(p.key == "extra.fig" and "hides the handbook's macro fig()" in p.message for p in site.problems)
    assert "fig" not in site.extra


def test_an_include_never_follows_a_link_out_of_include_dir(tmp_path: Path):
    root = _project(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("MẬT", encoding="utf-8")
    os.symlink(secret, root / "includes" / "link.md")
    (root / "includes" / "ok.md").write_text("được", encoding="utf-8")
    text, problems = _render(root, "a\n{% include 'ok.md' %}\n{% include 'link.md' %}\n")
    assert text is None and len(problems) == 1
    assert str(problems[0]).startswith("docs/index.md:3: (jinja): ") and "symbolic link" in str(problems[0])
    for name in ("../mkdocs.yml", "/etc/passwd", ".hidden"):
        text, problems = _render(root, f"{{% include '{name}' %}}\n")
        assert text is None and len(problems) == 1 and "MẬT" not in str(problems[0]), name
    text, problems = _render(root, "{% include 'ok.md' %}\n")
    assert (text, problems) == ("được\n", [])


def test_a_python_escape_stays_refused_with_the_site_variables(tmp_path: Path):
    root = _project(tmp_path)
    for body in ("{{ ''.__class__.__mro__ }}", "{{ page.__class__ }}", "{{ now.__globals__ }}",
                 "{{ config.__class__.__init__.__globals__ }}", "{{ fix_url.__globals__['os'] }}"):
        text, problems = _render(root, body + "\n")
        assert problems, body
        assert text is None or "class" not in text and "module" not in text, body


def test_a_page_reading_the_clock_is_never_reused_from_the_cache(tmp_path: Path):
    from macros.core.cache import CheckCache
    from macros.pages.check import run_check

    root = _project(tmp_path)
    (root / "mkdocs.yml").write_text(CONFIG.format(undefined="strict").replace("      modules: [mkdocs_macros_pluglet]\n", "")
                                     .replace("  fig: 1\n", "  x: 1\n"), encoding="utf-8")
    page = root / "docs" / "index.md"
    page.write_text("# Trang\n\n{{ indicators_table() }}{{ targets_table() }}{{ documents_table() }}{{ sources_list() }}"
                    "\n\nNăm {{ now().year }}\n", encoding="utf-8")
    report = run_check(root, cache=CheckCache(root, enabled=True), site=site_variables(root))
    assert not report.errors, report.errors
    assert "index.md" not in report.rendered


def test_the_plugins_own_delimiters_are_the_pages_delimiters(tmp_path: Path):
    root = _project(tmp_path)
    text = (root / "mkdocs.yml").read_text(encoding="utf-8").replace("      modules: [mkdocs_macros_pluglet]\n", "")
    (root / "mkdocs.yml").write_text(text + "      j2_variable_start_string: '[['\n      j2_variable_end_string: ']]'\n",
                                     encoding="utf-8")
    text, problems = _render(root, 'Giữ nguyên {{ fig("growth") }}, còn [[ fig("growth", unit=False) ]]\n')
    assert problems == []
    assert text.startswith('Giữ nguyên {{ fig("growth") }}, còn ') and "10,3" in text


def test_include_dir_and_include_yaml_stay_inside_the_project(tmp_path: Path):
    root = _project(tmp_path)
    text = (root / "mkdocs.yml").read_text(encoding="utf-8").replace("      modules: [mkdocs_macros_pluglet]\n", "")
    (tmp_path / "outside.yaml").write_text("secret: MẬT\n", encoding="utf-8")
    os.symlink(tmp_path, root / "link")
    for include_dir, include_yaml in (("/etc", "../outside.yaml"), ("..", "/etc/hostname"), ("link", "link/outside.yaml")):
        config = text.replace("include_dir: includes", f"include_dir: {include_dir}\n      include_yaml: [{include_yaml}]")
        (root / "mkdocs.yml").write_text(config, encoding="utf-8")
        site = site_variables(root)
        keys = [p.key for p in site.problems]
        assert "macros.include_dir" in keys and "macros.include_yaml" in keys, (include_dir, site.problems)
        assert site.include_dir is None and site.yaml_variables == {}
        assert not any("MẬT" in str(p) for p in site.problems)


def test_opt_in_rendering_and_the_old_ignore_macros_flag_as_mkdocs_macros_has_them(tmp_path: Path):
    root = _project(tmp_path)
    text = (root / "mkdocs.yml").read_text(encoding="utf-8").replace("      modules: [mkdocs_macros_pluglet]\n", "")
    (root / "mkdocs.yml").write_text(text + "      render_by_default: false\n", encoding="utf-8")
    site = site_variables(root)
    dataset, _ = load_dataset(root / "data", root)
    renderer = PageRenderer(dataset, True, site)
    body = '{{ fig("growth") }}\n'
    assert renderer.render(PageSource("a.md", "docs/a.md", body, body, 0, {})) == (body, [])
    text, problems = renderer.render(PageSource("a.md", "docs/a.md", body, body, 0, {"render_macros": True}))
    assert problems == [] and "10,3%" in text
    page = "---\nignore_macros: true\n---\n" + body
    text, problems = renderer.render(PageSource("a.md", "docs/a.md", page, body, 3, {"ignore_macros": True}))
    assert text is None and [str(p).split(" —")[0] for p in problems] == [
        "docs/a.md:2: ignore_macros: no longer accepted (mkdocs-macros refuses it too)"]
