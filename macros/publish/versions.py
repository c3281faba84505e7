"""Every draft kept: ``publish --root DIR --version NAME`` puts a draft beside the earlier ones.

A versioned release holds every draft, each at its own path, with the files Material's version selector reads
(the format mike writes)::

    DIR/releases/<id>/versions.json    [{"version": "du-thao-2", "title": "Dự thảo lần 2", "aliases": ["latest"]},
                                        {"version": "du-thao-1", "title": "Dự thảo lần 1", "aliases": []}]
    DIR/releases/<id>/index.html       sends readers to the newest draft (no script: a meta refresh and a link)
    DIR/releases/<id>/404.html         a plain "not found" with a link to the newest draft
    DIR/releases/<id>/du-thao-2/…      the draft just built (checked, stamped, compressed like any release)
    DIR/releases/<id>/du-thao-1/…      carried over from the live release as hard links (releases never change)

So the switch is still one atomic rename of ``current``, a rollback brings back the whole set of drafts as
they were, and the leak and link checks run over everything the new release serves. The newest draft
carries the ``latest`` alias, which Material's ``extra.version.default`` names: every other draft shows the
outdated banner ("Đây là dự thảo lần 1; xem dự thảo mới nhất"), written into its pages when it was built and
shown by Material when ``versions.json`` says it is no longer the newest. Nothing here imports MkDocs.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import Problem
from ..pages.theme import default_title

VERSIONS_JSON = "versions.json"
ICON = "assets/images/favicon.png"  # Material's, in every draft
LATEST = "latest"
NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")
# Names a draft cannot take: they are paths of the release itself or Material's alias.
RESERVED = {LATEST, "assets", "search", "shared", "releases", "current", "index.html", "404.html", VERSIONS_JSON}


@dataclass(frozen=True)
class Version:
    name: str
    title: str
    aliases: tuple[str, ...] = ()

    def as_json(self) -> dict:
        return {"version": self.name, "title": self.title, "aliases": list(self.aliases)}


def name_problem(name: str, root: str) -> Problem | None:
    if not NAME.match(name) or name in RESERVED:
        return Problem(root, 1, "--version", f'"{name}" cannot name a draft',
                       "use lower-case letters, digits, dots and hyphens, e.g. du-thao-2 "
                       f"(not {', '.join(sorted(RESERVED))})")
    return None


def read_versions(release: Path | None) -> list[Version]:
    """The drafts a release serves, newest first; [] for a release without versions."""
    if release is None:
        return []
    try:
        listed = json.loads((release / VERSIONS_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    found = []
    for item in listed if isinstance(listed, list) else []:
        if isinstance(item, dict) and isinstance(item.get("version"), str) and NAME.match(item["version"]) \
                and (release / item["version"]).is_dir():
            found.append(Version(item["version"], str(item.get("title") or item["version"])))
    return found


def plan(live: Path | None, name: str, title: str | None) -> list[Version]:
    """The drafts after publishing ``name``: it becomes the newest (re-publishing a name replaces that draft)."""
    kept = [v for v in read_versions(live) if v.name != name]
    title = title or next((v.title for v in read_versions(live) if v.name == name), None) or default_title(name)
    return [Version(name, title, (LATEST,))] + [Version(v.name, v.title) for v in kept]


def usage_problem(root: Path, name: str | None, shown: str) -> Problem | None:
    """A bad draft name, or a publish without --version over a site of drafts (it would drop every earlier one)."""
    if name is not None:
        return name_problem(name, shown)
    live = root / "current"
    if live.is_dir() and read_versions(live):
        return Problem(shown, 1, "--version", "the live site keeps every draft by name",
                       "give --version NAME (e.g. du-thao-3), so the earlier drafts stay readable")
    return None


@contextlib.contextmanager
def build_environment(versions: list[Version]) -> Iterator[None]:
    """The variables the glue reads (:func:`macros.pages.theme.version_config`) for the MkDocs child."""
    newest = versions[0]
    values = {"HANDBOOK_VERSION": newest.name, "HANDBOOK_VERSION_TITLE": newest.title,
              "HANDBOOK_VERSIONS": json.dumps([v.as_json() for v in versions], ensure_ascii=False)}
    saved = {key: os.environ.get(key) for key in (*values, "HANDBOOK_VERSIONS_FILE")}
    os.environ.update(values)
    os.environ.pop("HANDBOOK_VERSIONS_FILE", None)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _link_tree(source: Path, target: Path) -> int:
    """``target`` as hard links to ``source``'s files (a copy where the file system cannot link)."""
    count = 0
    for path in sorted(source.rglob("*")):
        dest = target / path.relative_to(source)
        if path.is_symlink():
            continue  # a release holds no links; never follow one
        if path.is_dir():
            dest.mkdir(parents=True, exist_ok=True)
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, dest)
        except OSError:
            shutil.copy2(path, dest)
        count += 1
    return count


def _page(title: str, body: str, icon: str | None, refresh: str | None = None) -> str:
    """A page of the release itself; its icon is the newest draft's (else browsers ask for /favicon.ico)."""
    meta = f'\n  <meta http-equiv="refresh" content="0; url={html.escape(refresh)}">' if refresh else ""
    return (f'<!doctype html>\n<html lang="vi">\n<head>\n  <meta charset="utf-8">{meta}\n'
            f'  <meta name="viewport" content="width=device-width, initial-scale=1">\n'
            + (f'  <link rel="icon" href="{html.escape(icon)}">\n' if icon else "") +
            f"  <title>{html.escape(title)}</title>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def write_sitemap(site: Path) -> int:
    """A sitemap for Material's selector when MkDocs wrote an empty one (no ``site_url`` on an intranet).

    Switching drafts, Material reads the chosen draft's sitemap.xml to land on the same page there rather
    than on its home page; it keeps only the paths of the ``loc`` URLs (their host is replaced by the
    reader's), so ``http://localhost/`` serves wherever the site is. Returns the pages listed.
    """
    sitemap = site / "sitemap.xml"
    if sitemap.is_file() and "<url>" in sitemap.read_text(encoding="utf-8", errors="replace"):
        return 0
    pages = sorted(p.relative_to(site).parent.as_posix() for p in site.rglob("index.html"))
    locs = "".join(f"  <url><loc>http://localhost/{html.escape('' if rel == '.' else rel + '/')}</loc></url>\n"
                   for rel in pages)
    sitemap.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/'
                       f'sitemap/0.9">\n{locs}</urlset>\n', encoding="utf-8")
    return len(pages)


def assemble(live: Path | None, folder: Path, versions: list[Version]) -> int:
    """Carry the earlier drafts over from the live release and write the files that join them; return files linked."""
    linked = 0
    # MkDocs writes 404.html with links from the server's root (it cannot know a draft's path): the release's own
    # 404.html, below, is the one nginx serves.
    (folder / versions[0].name / "404.html").unlink(missing_ok=True)
    write_sitemap(folder / versions[0].name)
    for version in versions[1:]:
        linked += _link_tree(live / version.name, folder / version.name)  # type: ignore[operator]
    newest = versions[0]
    (folder / VERSIONS_JSON).write_text(json.dumps([v.as_json() for v in versions], ensure_ascii=False, indent=1)
                                        + "\n", encoding="utf-8")
    href = f"{newest.name}/"
    icon = ICON if (folder / newest.name / ICON).is_file() else None
    listing = "".join(f'<li><a href="{html.escape(v.name)}/">{html.escape(v.title)}</a></li>' for v in versions)
    (folder / "index.html").write_text(_page(newest.title, (
        f'<p><a href="{html.escape(href)}">{html.escape(newest.title)} (dự thảo mới nhất)</a></p>\n'
        f"<p>Các dự thảo:</p>\n<ul>{listing}</ul>"), icon and href + icon, refresh=href), encoding="utf-8")
    (folder / "404.html").write_text(_page("Không tìm thấy trang", (
        "<h1>Không tìm thấy trang</h1>\n"
        f'<p>Trang này không có. <a href="/{html.escape(href)}">Về {html.escape(newest.title.lower())} '
        "(dự thảo mới nhất)</a>.</p>"), icon and f"/{href}{icon}"), encoding="utf-8")
    return linked
