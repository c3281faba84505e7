"""mkdocs-macros' documented page features, each as a page: what plain mkdocs-macros shows, the handbook must
show the same, or refuse with one located line saying why (tests/test_macros_compat.py).

Taken from mkdocs-macros' documentation (pages.md, variables.md, advanced.md, rendering.md) and its test
projects (test/simple, test/module, test/include_yaml). ``refused`` holds words the one line must carry.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Case:
    name: str
    body: str
    meta: dict = field(default_factory=dict)
    refused: str = ""  # empty: the same text both ways
    nav_title: str = ""
    why: str = ""  # for the table: the feature
    line: int = 3  # where a refusal is located (the body starts on line 3, or after the front matter)

    @property
    def src(self) -> str:
        return f"compat/{self.name}.md"


SAME = [
    Case("config-site-name", "# T\n\nSite: {{ config.site_name }}\n", why="config.site_name"),
    Case("config-extra", "# T\n\n{{ config.extra.price }} / {{ config.extra.who }}\n", why="config.extra.*"),
    Case("config-theme", "# T\n\n{{ config.theme.name }} {{ config.theme.language }}\n", why="config.theme.name, .language"),
    Case("config-bool", "# T\n\n{{ config.use_directory_urls }} {{ config.site_description }}\n",
         why="config.use_directory_urls, unset config.site_description"),
    Case("extra-var", "# T\n\n{{ price }} {{ who }} {{ extra.price }} {{ flags.on }}\n",
         why="extra: variables, top level and extra.*"),
    Case("extra-if", "# T\n\n{% if flags.on %}on{% else %}off{% endif %}\n", why="{% if %} on an extra: variable"),
    Case("front-matter-var", "# T\n\nBy {{ author }}; {% if flag %}flag set{% endif %}\n",
         meta={"author": "Tiểu ban", "flag": True}, why="front-matter variables at the top level"),
    Case("page-meta", "# T\n\n{{ page.meta.author }} {% if page.meta.flag %}yes{% else %}no{% endif %}\n",
         meta={"author": "X", "flag": False}, why="page.meta.*"),
    Case("page-title-nav", "# Heading\n\n{{ page.title }}\n", nav_title="Tên trong nav", why="page.title from nav"),
    Case("page-title-meta", "# Heading\n\n{{ page.title }}\n", meta={"title": "Tên trong front matter"},
         why="page.title from front matter"),
    Case("page-title-h1", "# Tiêu đề H1\n\n{{ page.title }}\n", why="page.title from the first heading"),
    Case("page-url", "# T\n\n{{ page.url }} {{ page.file.src_uri }} {{ page.file.name }} {{ page.is_homepage }}\n",
         why="page.url, page.file.src_uri, .name, page.is_homepage"),
    Case("page-repr", "# T\n\n{{ page }}\n", why="{{ page }} printed"),
    Case("page-canonical", "# T\n\n{{ page.canonical_url }} {{ page.abs_url }}\n", why="page.canonical_url, page.abs_url"),
    Case("default-missing", "# T\n\n{{ missing | default('n/a') }} {{ price | default('n/a') }}\n",
         why="| default(...) on a missing and on an extra: variable"),
    Case("defined-test", "# T\n\n{% if missing is defined %}d{% else %}u{% endif %} {% if price is defined %}d{% endif %}\n",
         why="is defined"),
    Case("include-yaml", "# T\n\n{{ lead }} {{ team.size }}\n", why="include_yaml (a file, and one under a key)"),
    Case("include", "# T\n\n{% include 'snippet.md' %}\n", why="{% include %} from include_dir"),
    Case("import", "# T\n\n{% import 'lib.md' as lib %}{{ lib.hello('Hà Nội') }}\n", why="{% import %} from include_dir"),
    Case("import-calls-globals", "# T\n\n{% import 'lib2.md' as l %}{{ l.y() }}\n",
         why="an imported macro calling now() and fix_url() (macros are globals)"),
    Case("from-import", "# T\n\n{% from 'lib.md' import hello %}{{ hello('A') }}\n", why="{% from … import %}"),
    Case("environment", "# T\n\n{{ environment.mkdocs_version }} {{ environment.jinja2_version }} "
         "{{ environment.macros_plugin_version }} {{ environment.system }} {{ environment.python_version }}\n",
         why="environment.*"),
    Case("now", "# T\n\n{{ now().year }}\n", why="now()"),
    Case("fix-url", "# T\n\n{{ fix_url('img/a.png') }} {{ fix_url('https://x.org/a') }}\n", why="fix_url()"),
    Case("render-false", "# T\n\nLiteral {{ not_a_variable }} and {% raw %}x{% endraw %}\n",
         meta={"render_macros": False}, why="render_macros: false"),
    Case("jinja-core", "# T\n\n{% set n = 3 %}{% for i in range(n) %}{{ i }}{% endfor %} {{ 'abc' | upper }} "
         "{{ [3, 1, 2] | sort | join(',') }} {% raw %}{{ x }}{% endraw %}\n", why="Jinja: set, for, filters, raw"),
    Case("jinja-macro", "# T\n\n{% macro b(x) %}**{{ x }}**{% endmacro %}{{ b('đậm') }}\n", why="a macro defined in the page"),
    Case("print-containers", "# T\n\n{{ config.extra }}\n\n{{ extra }}\n\n{{ page.meta }}\n\n"
         "{{ config.markdown_extensions }}\n\n{{ config.theme.features }}\n", meta={"a": 1},
         why="mappings and lists printed whole (config.extra, extra, page.meta, …)"),
    Case("loop-items", "# T\n\n{% for k, v in extra.items() %}{{ k }}={{ v }};{% endfor %}\n", why="loop over extra.items()"),
    Case("docs-pages-md", "# T\n\n{% macro input(name, value='', type='text', size=20) -%}\n"
         "<input type=\"{{ type }}\" name=\"{{ name }}\" value=\"{{ value|e }}\" size=\"{{ size }}\">\n"
         "{%- endmacro %}\n{{ input('username') }}\n\n{{ page.meta.bottles.wine }} {{ bottles.wine }} "
         "{{ page.meta.title }} {{ title }}\n\n{% set users = ['joe', 'jill'] %}{% for user in users %}{{ user }} "
         "{% else %}none{% endfor %}\n",
         meta={"title": "Chai", "bottles": {"wine": 3}}, why="the examples of mkdocs-macros' pages.md (macro with "
         "defaults and whitespace control, nested front matter, for/else)"),
    Case("length", "# T\n\n{{ config.nav | length }} {{ extra | length }}\n", why="| length of config.nav and extra"),
]

REFUSED = [
    Case("git-status", "# T\n\n{% if git.status %}git{% endif %}\n", refused="git information is not offered",
         why="git.status"),
    Case("git-commit", "# T\n\n{{ git.short_commit }}\n", refused="git information is not offered", why="git.*"),
    Case("navigation", "# T\n\n{{ navigation.pages | length }}\n", refused="navigation is not offered",
         why="navigation.pages"),
    Case("files", "# T\n\n{{ files | length }}\n", refused="list of site files", why="files"),
    Case("macros-info", "# T\n\n{{ macros_info() }}\n", refused="macros_info() is not offered", why="macros_info()"),
    Case("plugin", "# T\n\n{{ plugin.include_dir }}\n", refused="plugin's settings", why="plugin.*"),
    Case("config-whole", "# T\n\n{{ config }}\n", refused="config printed whole", why="{{ config }}"),
    Case("config-theme-whole", "# T\n\n{{ config.theme }}\n", refused="config.theme printed whole", why="{{ config.theme }}"),
    Case("config-plugins", "# T\n\n{{ config.plugins['material/search'] }}\n", refused="cannot read", why="config.plugins.*"),
    Case("git-default", "# T\n\n{{ git.tag | default('none') }}\n", refused="git information is not offered",
         why="| default on git.*"),
    Case("git-defined", "# T\n\n{% if git is defined %}yes{% endif %}\n", refused="git information is not offered",
         why="git is defined"),
    Case("plugins-whole", "# T\n\n{{ config.plugins }}\n", refused="cannot read", why="{{ config.plugins }}"),
    Case("print-file", "# T\n\n{{ page.file }}\n", refused="page.file printed whole", why="{{ page.file }}"),
    Case("title-template", "# T\n\nx\n", meta={"title": "Giá {{ price }}"}, refused="title with {{", line=2,
         why="a front-matter title holding {{ … }}"),
    Case("page-content", "# T\n\n{{ page.content }}\n", refused='no item or attribute "content"', why="page.content"),
    Case("pretty", "# T\n\n{{ context() | pretty }}\n", refused="the pretty filter is not offered", why="context() | pretty"),
    Case("relative-url", "# T\n\n{{ page.url | relative_url }}\n", refused="relative_url filter is not offered",
         why="| relative_url"),
]
