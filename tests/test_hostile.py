"""Hostile commits: what an editor who means harm can put in docs/, data/ or a cache, and what each gets.

Each case changes a copy of the project as a commit would (files, links, a FIFO, a planted pickle). Then:
``check`` must give exactly the located errors listed (none for a harmless case), within bounded time and
memory and without a traceback; ``publish`` onto a live root must be refused with that root byte for byte as
it was, or, for a harmless case, publish a release that holds nothing it should not — every file checked
by type, none a link, none holding the secret the case planted outside the site. Cases that cannot be files
in the repository (links to host files, FIFOs, pickles that run code) are made here; the corpus of broken
input is ``tests/corpus/`` (test_corpus.py).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from macros.publish.release import current_id
from macros.publish.sitecheck import SITE_SUFFIXES

from .conftest import ROOT, copy_project, run_macros
from .test_corpus import LOCATED, run_bounded, tree_digest

_CONFIG = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
HOOKS_LINE = _CONFIG.index("hooks:") + 1
APPENDED_LINE = len(_CONFIG) + 1
SECRET = "HOSTILE-SECRET-7f3a"  # planted in every file outside the site a case points at; never published
RAN = "ran-by-a-pickle"


def _page(project: Path, name: str, text: str, budget: int = 300) -> None:
    path = project / "docs" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")
    handbook = project / "data" / "handbook.yaml"
    handbook.write_text(re.sub(r"(\n  pages:\n)", rf"\g<1>    {name}: {budget}\n",
                               handbook.read_text(encoding="utf-8"), count=1), encoding="utf-8")


def _limits(project: Path, **limits: float) -> None:
    handbook = project / "data" / "handbook.yaml"
    handbook.write_text(handbook.read_text(encoding="utf-8") + "limits:\n"
                        + "".join(f"  {k}: {v}\n" for k, v in limits.items()), encoding="utf-8")


def _outside(tmp: Path, name: str) -> Path:
    path = tmp / "outside" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{SECRET}\nroot:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    return path


def _pickle_payload(tmp: Path) -> bytes:
    """A protocol-0 pickle that runs ``os.system("touch …")`` when unpickled."""
    return b"cos\nsystem\n(S'touch " + str(tmp / RAN).encode() + b"'\ntR."


def plant_cache(project: Path, tmp: Path) -> None:
    for folder in (project / ".handbook_cache", project):
        folder.mkdir(exist_ok=True)
        for name in ("dataset.pickle", "pages.pickle"):
            (folder / name).write_bytes(_pickle_payload(tmp))


def link_passwd(project: Path, tmp: Path) -> None:
    (project / "docs" / "passwd.md").symlink_to(_outside(tmp, "passwd"))


def link_git(project: Path, tmp: Path) -> None:
    git = project / ".git"
    git.mkdir()
    (git / "config").write_text(f"[core]\n# {SECRET}\n", encoding="utf-8")
    (project / "docs" / "git").symlink_to(Path("..") / ".git", target_is_directory=True)


def link_keys(project: Path, tmp: Path) -> None:
    keys = _outside(tmp, "ssh/id_rsa").parent
    (project / "docs" / "assets" / "keys").symlink_to(keys, target_is_directory=True)


def link_inside(project: Path, tmp: Path) -> None:
    (project / "docs" / "ban-sao.md").symlink_to("index.md")


def link_data(project: Path, tmp: Path) -> None:
    (project / "data" / "shadow.yaml").symlink_to(_outside(tmp, "shadow.yaml"))


def fifo(project: Path, tmp: Path) -> None:
    os.mkfifo(project / "docs" / "assets" / "pipe.png")


def secrets(project: Path, tmp: Path) -> None:
    for name in ("secrets.yaml.gz", "id_rsa", "env.txt"):
        (project / "docs" / name).write_text(SECRET, encoding="utf-8")


def cr_draft(project: Path, tmp: Path) -> None:
    _page(project, "nhap-cr.md", f"---\rdraft: true\r---\r# Bản nháp\r\r{SECRET} chưa được công bố.\r")


def jinja_meta(project: Path, tmp: Path) -> None:
    _page(project, "zz-meta.md", "# Thử\n\n<{{ '' }}meta http-equiv=\"refresh\" content=\"0;url=https://x.example/\">\n")


def jinja_script(project: Path, tmp: Path) -> None:
    _page(project, "zz-script.md", "# Thử\n\nVăn bản.\n\n{{ '<scr' ~ 'ipt>alert(1)</scr' ~ 'ipt>' }}\n")


def offsite_resources(project: Path, tmp: Path) -> None:
    _page(project, "zz-res.md", "# Thử\n\n"
          '<svg><image href="https://x.example/a.png"/></svg>\n\n'
          '<img alt="a" srcset="https://x.example/b.png 2x">\n\n'
          '<span style="background: url(//x.example/c.png)">c</span>\n\n'
          '<a href="&#106;avascript:alert(1)">d</a>\n')


def nested_loops(project: Path, tmp: Path) -> None:
    _limits(project, page_seconds=2)
    _page(project, "zz-loop.md", "# Thử\n\n{% for i in range(99999) %}{% for j in range(99999) %}"
          "{% endfor %}{% endfor %}\n")


def doubling(project: Path, tmp: Path) -> None:
    _limits(project, page_memory_mb=64)
    _page(project, "zz-mem.md", "# Thử\n\n{% set ns = namespace(x='x') %}{% for i in range(60) %}"
          "{% set ns.x = ns.x ~ ns.x %}{% endfor %}{{ ns.x | length }}\n")


def one_big_call(project: Path, tmp: Path) -> None:
    _page(project, "zz-big.md", "# Thử\n\n{{ 'x' | center(1000000000) }}\n")


def parentheses(project: Path, tmp: Path) -> None:
    _page(project, "zz-paren.md", "# Thử\n\n{{ " + "(" * 100 + "1" + ")" * 100 + " }}\n")


def deep_front_matter(project: Path, tmp: Path) -> None:
    _page(project, "zz-fm.md", "---\n" + "".join("  " * i + f"k{i}:\n" for i in range(40)) + "  " * 40 + "v: 1\n"
          "---\n# Thử\n")


def quadratic(project: Path, tmp: Path) -> None:
    _page(project, "zz-quad.md", "# Thử\n\n" + "{{ " * 30000 + "\n\n" + "<a " * 30000 + "\n\n" + "1" * 100000 + "\n")


def control_characters(project: Path, tmp: Path) -> None:
    (project / "data" / "zz-esc.yaml").write_text('kind: sources\nsources:\n  - id: "src\\e[2J\\r"\n'
                                                  "    publisher: x\n    title: y\n    date: \"2024\"\n"
                                                  "    url: https://example.org/\n", encoding="utf-8")


def trailing_newline_id(project: Path, tmp: Path) -> None:
    (project / "data" / "zz-nl.yaml").write_text('kind: sources\nsources:\n  - id: "src-nl\\n"\n'
                                                 "    publisher: x\n    title: y\n    date: \"2024\\n\"\n"
                                                 "    url: https://example.org/\n", encoding="utf-8")


def footnotes(project: Path, tmp: Path) -> None:
    _page(project, "zz-foot.md", "# Thử\n\nCâu có chú thích[^1].\n\n[^1]: Nguồn: báo cáo của tỉnh.\n")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").rstrip("\n") + '\n  - "Chú thích": zz-foot.md\n', "utf-8")


def site_config(project: Path, tmp: Path) -> None:
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  - macros/site/hooks.py\n", "  - macros/site/hooks.py\n  - docs/evil.py\n"), encoding="utf-8")


def config_tag(project: Path, tmp: Path) -> None:
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + f"x: !!python/object/apply:os.system ['touch {tmp / RAN}']\n",
                      encoding="utf-8")


def front_matter_markup(project: Path, tmp: Path) -> None:
    page = project / "docs" / "viet-tat.md"
    page.write_text('---\ndescription: "\\"><script>alert(1)</script>"\nsubtitle: "<img src=//x.example/a.png>"\n'
                    'title: "<script>alert(3)</script>"\n---\n' + page.read_text(encoding="utf-8"), encoding="utf-8")


def front_matter_redirect(project: Path, tmp: Path) -> None:
    page = project / "docs" / "viet-tat.md"
    page.write_text("---\ntemplate: redirect.html\nlocation: https://x.example/phish\n---\n"
                    + page.read_text(encoding="utf-8"), encoding="utf-8")


def metadata_without_dashes(project: Path, tmp: Path) -> None:
    page = project / "docs" / "viet-tat.md"
    page.write_text("draft: true\n\n" + page.read_text(encoding="utf-8"), encoding="utf-8")


def huge_integers(project: Path, tmp: Path) -> None:
    _page(project, "zz-int.md", "# Thử\n\n{{ (((((9**64)**64)**64)**64)**4) > 1 }}\n")


def one_call_gigabytes(project: Path, tmp: Path) -> None:
    for n, call in enumerate(("('x'*50000).replace('x','x'*50000)|length", "(['x'*100000]*30000)|join|length",
                              "'%(a)999999999s' % {'a': 'x'}"), start=1):
        _page(project, f"zz-gb{n}.md", f"# Thử\n\n{{{{ {call} }}}}\n")


def output_flood(project: Path, tmp: Path) -> None:
    _page(project, "zz-flood.md", '# Thử\n\n{% for i in range(200) %}{{ "<b>" * 33333 }}{% endfor %}\n')


def parser_disagreements(project: Path, tmp: Path) -> None:
    _page(project, "zz-parse.md", "# Thử\n\n<p><![CDATA[ x > <img src=a.png onerror=alert(1)> ]]></p>\n\n"
          '<span style="background:u\\72l(//x.example/e.png)">a</span>\n\n'
          '<svg><image href="assets/handbook.css"><set attributeName="href" to="http://x.example/s.png"/></image></svg>\n')


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path, Path], None]
    errors: tuple[str, ...]  # FILE:LINE: KEY of each error `check` must give; none: harmless

    @property
    def harmless(self) -> bool:
        return not self.errors


CASES = [
    Case("committed-cache-pickle", plant_cache, ()),
    Case("symlink-to-etc-passwd", link_passwd, ("docs/passwd.md:1: (file)",)),
    Case("symlink-to-dot-git", link_git, ("docs/git:1: (file)",)),
    Case("symlink-to-ssh-keys", link_keys, ("docs/assets/keys:1: (file)",)),
    Case("symlink-inside-docs", link_inside, ("docs/ban-sao.md:1: (file)",)),
    Case("data-file-linked-to-host-file", link_data, ("data/shadow.yaml:1: (file)",)),
    Case("fifo-in-docs", fifo, ("docs/assets/pipe.png:1: (file)",)),
    Case("secret-files-in-docs", secrets, ("docs/env.txt:1: (file)", "docs/id_rsa:1: (file)",
                                           "docs/secrets.yaml.gz:1: (file)")),
    Case("draft-with-cr-line-endings", cr_draft, ()),
    Case("meta-refresh-built-by-jinja", jinja_meta, ("docs/zz-meta.md:3: <meta>", "docs/zz-meta.md:3: http-equiv")),
    Case("script-built-by-concatenation", jinja_script, ("docs/zz-script.md:5: <script>",)),
    Case("off-site-resources-and-encoded-javascript", offsite_resources, (
        "docs/zz-res.md:3: href", "docs/zz-res.md:5: srcset", "docs/zz-res.md:7: style", "docs/zz-res.md:9: href")),
    Case("nested-loops", nested_loops, ("docs/zz-loop.md:3: (limit)",)),
    Case("doubling-string", doubling, ("docs/zz-mem.md:3: (limit)",)),
    Case("gigabyte-in-one-call", one_big_call, ("docs/zz-big.md:3: (jinja)",)),
    Case("hundred-parentheses", parentheses, ("docs/zz-paren.md:3: (jinja)",)),
    Case("deep-front-matter", deep_front_matter, ("docs/zz-fm.md:22: (front matter)",)),
    # Finished in well under a second; its words are over the budgets, as they would be.
    Case("quadratic-regex-bait", quadratic, ("data/handbook.yaml:1: budgets.total", "docs/zz-quad.md:1: (words)",
                                             "docs/zz-quad.md:3: (jinja)")),
    Case("control-characters-in-data", control_characters, ("data/zz-esc.yaml:3: sources[0].id",)),
    Case("trailing-newline-in-id-and-date", trailing_newline_id, ("data/zz-nl.yaml:3: sources[0].id",
                                                                 "data/zz-nl.yaml:6: sources[0].date")),
    Case("footnote-definitions", footnotes, ()),
    Case("hooks-file-added-to-mkdocs-yml", site_config, (f"mkdocs.yml:{HOOKS_LINE}: hooks",)),
    Case("python-tag-in-mkdocs-yml", config_tag, (f"mkdocs.yml:{APPENDED_LINE}: (yaml)",)),
    # Found by an attack on this round's boundary (each was built or published before):
    Case("front-matter-markup-into-the-header", front_matter_markup, (
        "docs/viet-tat.md:2: front matter", "docs/viet-tat.md:3: front matter", "docs/viet-tat.md:4: front matter")),
    Case("front-matter-redirect-template", front_matter_redirect, (
        "docs/viet-tat.md:2: front matter", "docs/viet-tat.md:3: front matter")),
    Case("draft-as-metadata-without-dashes", metadata_without_dashes, ("docs/viet-tat.md:1: (front matter)",)),
    Case("huge-integer-powers", huge_integers, ("docs/zz-int.md:3: (jinja)",)),
    Case("gigabytes-in-one-call", one_call_gigabytes, ("docs/zz-gb1.md:3: (jinja)", "docs/zz-gb2.md:3: (jinja)",
                                                       "docs/zz-gb3.md:3: (jinja)")),
    Case("output-flood", output_flood, ("docs/zz-flood.md:1: (limit)",)),
    Case("parser-disagreements", parser_disagreements, (
        "docs/zz-parse.md:3: <![CDATA[", "docs/zz-parse.md:5: style", "docs/zz-parse.md:7: <set>")),
]


@pytest.fixture(scope="module")
def live_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("hostile-live")
    project = copy_project(base / "project")
    root = base / "root"
    result = run_macros(project, "publish", "--root", str(root), timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return root


def _made(case: Case, tmp_path: Path) -> Path:
    project = copy_project(tmp_path / "project")
    case.make(project, tmp_path)
    return project


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_check_gives_exactly_the_located_errors(case: Case, tmp_path: Path):
    project = _made(case, tmp_path)
    result, seconds = run_bounded(project, "check", "--no-cache")
    out = result.stdout + result.stderr
    assert "Traceback" not in out and "\x1b" not in out and "\r" not in out.replace("\r\n", "\n"), out
    assert seconds < 20, f"{case.name} took {seconds:.1f} s"
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if not line.endswith("(warning)")]
    assert all(LOCATED.match(line) and " — " in line for line in errors), out
    assert [": ".join(line.split(": ", 2)[:2]) for line in errors] == list(case.errors), out
    assert result.returncode == (0 if case.harmless else 1), out
    assert not (tmp_path / RAN).exists(), "nothing read from the tree ran as code"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_publish_refuses_or_publishes_nothing_it_should_not(case: Case, live_root: Path, tmp_path: Path):
    project = _made(case, tmp_path)
    before = tree_digest(live_root)
    live = current_id(live_root)
    result = run_macros(project, "publish", "--root", str(live_root), timeout=300)
    out = result.stdout + result.stderr
    assert "Traceback" not in out and not (tmp_path / RAN).exists(), out
    if not case.harmless:
        assert result.returncode == 1, out
        assert "the live site is unchanged" in result.stdout.splitlines()[-1]
        assert tree_digest(live_root) == before
        return
    assert result.returncode == 0, out
    release = live_root / "current"
    assert current_id(live_root) != live
    for path in sorted(release.rglob("*")):
        rel = path.relative_to(release).as_posix()
        assert not path.is_symlink(), rel
        if path.is_dir():
            continue
        assert rel == "release.json" or Path(rel.removesuffix(".gz")).suffix in SITE_SUFFIXES, rel
        assert SECRET.encode() not in path.read_bytes(), rel
        assert not rel.endswith((".pickle", ".md", ".yaml")), rel


def test_offline_and_pdf_builds_refuse_markup_built_by_jinja(tmp_path: Path):
    """The markup lint runs in the build itself, so a build without `check` (make offline, mkdocs build) refuses too."""
    project = _made(CASES[[c.name for c in CASES].index("meta-refresh-built-by-jinja")], tmp_path)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", HANDBOOK_OFFLINE="true")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "off")],
                            cwd=project, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode != 0
    assert "docs/zz-meta.md:3: <meta>: pages may not embed active content" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
