"""``publish``, ``rollback``, ``releases``: put a checked build live on the intranet's web server, or take it back.

A publish builds into a new release folder, runs every check on what was built, precompresses it, and only
then switches ``DIR/current`` (see :mod:`macros.publish.release`). A failure at any step removes the partial release
and leaves ``current`` and the files it points to exactly as they were. Progress is one line per step; the
run ends with a one-line summary. Nothing here imports MkDocs (the build runs in a subprocess).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import hashlib
import json
import os
import posixpath
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core.errors import HandbookError, Problem, ReleaseError
from ..core.limits import OverLimit, bounded
from ..core.model import Handbook
from ..pages.check import run_check
from ..pages.drafts import find_drafts
from ..pages.urls import page_url
from . import versions
from .release import (
    MARKER,
    check_current,
    current_id,
    list_releases,
    locked,
    new_release_id,
    prune,
    prune_shared,
    releases_dir,
    remove_partials,
    rollback,
    share_assets,
    switch,
)
from .sitecheck import Site

SNIPPET = Path("deploy/nginx/snippets/handbook-security.conf")
RELEASE_META = "handbook-release"
HASHED = re.compile(r"\.[0-9a-f]{8,}\.(?:min\.)?(?:css|js)(?:\.map)?$")
COMPRESS = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".map")
_REF = re.compile(r'(<(?:link|script)\b[^>]*?\b(?:href|src)=")([^"#?]+)(")', re.I)
_LOCATED = re.compile(r"^[^\s:]+:\d+: \S")
_MKDOCS_LINK = re.compile(r"Doc file '([^']+)' contains a (?:link|reference) '([^']+)'")
STEPS = ("check", "build", "stamp", "links", "leaks", "external", "csp", "compress", "switch")
BUILD_SECONDS = 900
CHECK_SECONDS = Handbook.check_seconds  # the default of limits.check_seconds: the limit is read with the data

Out = Callable[[str], None]


def _say(text: str) -> None:
    print(text, flush=True)


def _err(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


class _Interrupted(Exception):
    """SIGTERM during a publish: clean up like any other failure."""


def git_commit(project: Path) -> tuple[str, bool]:
    """Short hash of HEAD and whether the sources differ from it; ``nogit`` outside a repository."""
    try:
        head = subprocess.run(["git", "-C", str(project), "rev-parse", "--short=7", "HEAD"], capture_output=True,
                              text=True, timeout=10, check=False)
        if head.returncode != 0:
            return "nogit", False
        dirty = subprocess.run(["git", "-C", str(project), "status", "--porcelain", "--", "docs", "data", "mkdocs.yml"],
                               capture_output=True, text=True, timeout=10, check=False)
        return head.stdout.strip(), bool(dirty.stdout.strip())
    except (OSError, subprocess.TimeoutExpired):
        return "nogit", False


def _source_of(project: Path) -> Callable[[str], str | None]:
    def find(rel: str) -> str | None:
        if not rel.endswith("index.html") or rel == "404.html":
            return None
        stem = rel[: -len("index.html")].rstrip("/")
        for candidate in ([f"{stem}.md", f"{stem}/index.md"] if stem else ["index.md"]):
            if (project / "docs" / candidate).is_file():
                return f"docs/{candidate}"
        return None
    return find


def _mkdocs_problems(output: str, project: Path) -> list[Problem]:
    """MkDocs' output as located lines: ours pass through, a link warning is located in its page."""
    problems = []
    for raw in output.splitlines():
        line = raw.strip()
        logged = re.match(r"^(ERROR|WARNING)\s+-\s+(.*)$", line)
        message = logged.group(2).strip() if logged else line
        if _LOCATED.match(message):
            problems.append(_parse_located(message))
            continue
        if not logged:
            continue
        match = _MKDOCS_LINK.search(message)
        if match:
            src, link = match.groups()
            page = project / "docs" / src
            number = 1
            try:
                for i, text in enumerate(page.read_text(encoding="utf-8").splitlines(), start=1):
                    if link in text:
                        number = i
                        break
            except OSError:
                pass
            problems.append(Problem(f"docs/{src}", number, "(link)", f'"{link}" points at nothing in the site',
                                    "link to a page inside docs/ by its .md file, or give a full https:// address"))
        else:
            problems.append(Problem("mkdocs.yml", 1, "(build)", message[:300], "see `python -m macros build`"))
    return problems


def _die_with_parent() -> None:
    """In the MkDocs child, before exec: a signal when publish dies, even by kill -9, so no build outlives it."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def run_child(cmd: list[str], cwd: Path, timeout: float) -> tuple[int, str]:
    """Run a child in a process group of its own that dies with us; on a timeout, an interrupt or any error
    here, the whole group is killed before this returns or raises. Returns (exit code, stdout + stderr)."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    child = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             start_new_session=True, preexec_fn=_die_with_parent)
    try:
        output, _ = child.communicate(timeout=timeout)
        return child.returncode, output
    finally:
        if child.poll() is None or child.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.pid, signal.SIGKILL)
            child.wait()


def _build(project: Path, folder: Path) -> tuple[bool, list[Problem], str]:
    returncode, output = run_child([sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "--site-dir",
                                    str(folder), "--config-file", str(project / "mkdocs.yml")], project, BUILD_SECONDS)
    if returncode == 0:
        return True, [], output
    problems = _mkdocs_problems(output, project)
    if not problems:
        tail = [line for line in output.splitlines() if line.strip()][-3:]
        problems.append(Problem("mkdocs.yml", 1, "(build)", "mkdocs build failed: " + " / ".join(tail)[:300],
                                "run `python -m macros build` to see the whole output"))
    return False, problems, output


def _parse_located(text: str) -> Problem:
    file, line, rest = text.split(":", 2)
    key, _, message = rest.strip().partition(": ")
    message, _, hint = message.partition(" — ")
    return Problem(file, int(line), key, message, hint)


def stamp(folder: Path, release_id: str) -> tuple[int, int]:
    """Write the release id into every page and give unhashed CSS/JS a content hash carrying the same id.

    The id lets anyone (and the load test) see which release a page came from; hashing the site's own
    assets makes them immutable too, so an old page keeps getting *its* stylesheet after a switch (nginx
    falls back to ``DIR/shared`` for hashed assets) instead of a newer one. Returns (pages, assets renamed).
    """
    def target_of(url: str, base: str) -> str | None:
        if url.startswith(("http:", "https:", "//", "data:")):
            return None
        joined = url.lstrip("/") if url.startswith("/") else posixpath.join(base, url)
        return posixpath.normpath(joined)

    def base_of(rel: str) -> str:
        return "" if rel == "404.html" or "/" not in rel else rel.rsplit("/", 1)[0]

    html_files = sorted(folder.rglob("*.html"))
    _externalise_styles(folder, html_files)
    referenced = set()
    for path in html_files:
        rel = path.relative_to(folder).as_posix()
        for match in _REF.finditer(path.read_text(encoding="utf-8")):
            target = target_of(match.group(2), base_of(rel))
            if target and target.endswith((".css", ".js")) and not HASHED.search(target):
                referenced.add(target)
    renamed: dict[str, str] = {}
    for rel in sorted(referenced):
        path = folder / rel
        if not path.is_file():
            continue  # the link check reports it
        data = path.read_bytes() + f"\n/* {RELEASE_META}: {release_id} */\n".encode()
        stem, ext = rel.rsplit(".", 1)
        new_rel = f"{stem}.{hashlib.sha256(data).hexdigest()[:10]}.{ext}"
        (folder / new_rel).write_bytes(data)  # the original stays too, for anything that loads it by name
        renamed[rel] = new_rel
    meta = f'<meta name="{RELEASE_META}" content="{release_id}">'
    pages = 0
    for path in html_files:
        rel = path.relative_to(folder).as_posix()
        text = path.read_text(encoding="utf-8")

        def swap(match: re.Match[str], base: str = base_of(rel)) -> str:
            url = match.group(2)
            new = renamed.get(target_of(url, base) or "")
            if new is None:
                return match.group(0)
            head = url.rsplit("/", 1)[0] + "/" if "/" in url else ""
            return match.group(1) + head + new.rsplit("/", 1)[-1] + match.group(3)

        text = _REF.sub(swap, text)
        text = text.replace("<head>", f"<head>\n  {meta}", 1) if "<head>" in text else meta + text
        path.write_text(text, encoding="utf-8")
        pages += 1
    return pages, len(renamed)


_INLINE_STYLE = re.compile(r"<style\b([^>]*)>(.*?)</style\s*>", re.I | re.S)
_MEDIA = re.compile(r"""\bmedia\s*=\s*("[^"]*"|'[^']*')""", re.I)


def _externalise_styles(folder: Path, html_files: list[Path]) -> int:
    """Move every inline ``<style>`` into a content-hashed file under assets/, linked from the page.

    The CSP then needs no hash for styles (``style-src 'self'``), even when a theme writes data — the
    handbook's title and version in the print header — into a style block, which would change its hash
    with every edit of data/handbook.yaml.
    """
    moved = 0
    for path in html_files:
        rel = path.relative_to(folder).as_posix()
        text = path.read_text(encoding="utf-8")
        if "<style" not in text.lower():
            continue

        def replace(match: re.Match[str], rel: str = rel) -> str:
            nonlocal moved
            css = match.group(2).encode("utf-8")
            name = f"assets/inline.{hashlib.sha256(css).hexdigest()[:10]}.css"
            target = folder / name
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(css)
            base = "" if rel == "404.html" or "/" not in rel else rel.rsplit("/", 1)[0]
            href = "/" + name if rel == "404.html" else posixpath.relpath(name, base or ".")
            media = _MEDIA.search(match.group(1))
            moved += 1
            return f'<link rel="stylesheet" href="{href}"' + (f" media={media.group(1)}" if media else "") + ">"

        path.write_text(_INLINE_STYLE.sub(replace, text), encoding="utf-8")
    return moved


def compress(folder: Path) -> int:
    """Write ``.gz`` beside every text file (for nginx ``gzip_static``), byte-identical when unpacked."""
    count = 0
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or not path.name.endswith(COMPRESS):
            continue
        data = path.read_bytes()
        if len(data) < 256:
            continue
        packed = gzip.compress(data, compresslevel=9, mtime=0)
        if len(packed) >= len(data):
            continue
        gz = path.with_name(path.name + ".gz")
        gz.write_bytes(packed)
        if gzip.decompress(gz.read_bytes()) != data:
            raise OSError(f"{gz} does not unpack to {path.name}")
        os.utime(gz, (path.stat().st_atime, path.stat().st_mtime))
        count += 1
    return count


def _sources(project: Path) -> list[Path]:
    found = [project / "mkdocs.yml"]
    for folder, patterns in (("docs", ("*.md", "*.markdown")), ("data", ("*",)), ("macros", ("*.py",))):
        for pattern in patterns:
            found += [p for p in (project / folder).rglob(pattern) if p.is_file()] if (project / folder).is_dir() else []
    return found


def _du(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def publish(project: Path, root: Path, keep: int = 5, wait: float = 0.0, say: Out = _say, err: Out = _err,
            version: str | None = None, title: str | None = None, site: Any = None) -> int:
    """Build, check, compress and switch; return the exit code (0 live, 1 refused, nothing changed).

    With ``version`` the draft is built under its own path beside the earlier drafts (:mod:`.versions`).
    ``site``: the page variables from mkdocs.yml (:mod:`macros.site.siteconfig`), given by the command line.
    """
    started = time.perf_counter()
    root = root.resolve()
    total = len(STEPS)
    step_no = 0
    folder: Path | None = None
    problems: list[Problem] = []
    warnings = 0

    def step(name: str, what: str) -> None:
        nonlocal step_no
        step_no = STEPS.index(name) + 1
        say(f"[{step_no}/{total}] {name}: {what}")

    def fail(stage: str) -> int:
        for problem in sorted(set(problems)):
            err(str(problem))
        if folder is not None and folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
        live = current_id(root)
        say(f"publish: failed at step {step_no}/{total} ({stage}) with {len(problems)} problem(s); the partial release "
            f"was removed and the live site is unchanged ({'current → ' + live if live else 'nothing published yet'})")
        return 1

    previous_handler = signal.getsignal(signal.SIGTERM)

    def on_term(_signum: int, _frame: object) -> None:
        raise _Interrupted()

    signal.signal(signal.SIGTERM, on_term)
    try:
        check_current(root)
        with locked(root, wait):
            removed = remove_partials(root)
            if removed:
                say(f"       removed {len(removed)} partial release(s) left by an interrupted publish")
            step("check", "data, pages, macros, figure lint, word budgets, front matter")
            try:
                # Pages are bounded one by one (limits: in handbook.yaml); the whole check too, so a publish
                # never holds the lock for ever.
                with bounded(CHECK_SECONDS, None, "the check"):
                    report = run_check(project, site=site)
            except OverLimit:
                problems = [Problem("data/handbook.yaml", 1, "limits.check_seconds",
                                    f"the check took longer than {CHECK_SECONDS:g} s",
                                    "run `python -m macros check` to see which page is slow")]
                return fail("check")
            problems = report.errors
            warnings = len(report.warnings)
            for warning in report.warnings:
                err(str(warning))
            if problems:
                return fail("check")
            commit, dirty = git_commit(project)
            release_id = new_release_id(root, commit)
            folder = releases_dir(root) / release_id
            folder.parent.mkdir(parents=True, exist_ok=True)
            live = releases_dir(root) / current_id(root) if current_id(root) else None
            drafts_kept = versions.plan(live, version, title) if version else []
            site_dir = folder / version if version else folder
            step("build", f"mkdocs build --strict → {site_dir.relative_to(root)}/"
                 + (" (uncommitted changes in docs/ or data/)" if dirty else ""))
            with versions.build_environment(drafts_kept) if version else contextlib.nullcontext():
                ok, problems, _output = _build(project, site_dir)
            if not ok:
                return fail("build")
            step("stamp", "release id in every page, content hashes for the site's own CSS/JS")
            pages, assets = stamp(site_dir, release_id)
            say(f"       {pages} pages stamped, {assets} assets hashed")
            if version:
                linked = versions.assemble(live, folder, drafts_kept)
                say(f"       {version} beside {len(drafts_kept) - 1} earlier draft(s) ({linked} files carried over)"
                    + ("; the live release had no named drafts and stays only for a rollback"
                       if live and not versions.read_versions(live) else ""))
            prefix = f"{version}/" if version else ""
            source_of = _source_of(project)
            site = Site(folder, f"releases/{release_id}", lambda rel: source_of(rel.removeprefix(prefix)))
            checks: list[tuple[str, str, Callable[[], list[Problem]]]] = []
            drafts, _ = find_drafts(project / "docs", project)
            draft_urls = [prefix + page_url(src) for src in sorted(drafts)]
            hosts: dict[str, int] = {}

            def external() -> list[Problem]:
                found, counted = site.external_problems()
                hosts.update(counted)
                return found

            snippet = project / SNIPPET
            checks = [
                ("links", f"every local link and anchor in {len(site.pages)} pages", site.link_problems),
                ("leaks", f"sources, config, dotfiles, editor notes, {len(draft_urls)} draft page(s)",
                 lambda: site.leak_problems(_sources(project), project, draft_urls)),
                ("external", "nothing loaded from outside the site", external),
                ("csp", f"inline scripts against {SNIPPET}", lambda: site.csp_problems(snippet, SNIPPET.as_posix())),
            ]
            failed_at = ""
            for name, what, run in checks:
                step(name, what)
                found = run()
                for warning in [p for p in found if not p.is_error]:
                    err(str(warning))
                warnings += sum(1 for p in found if not p.is_error)
                found = [p for p in found if p.is_error]
                if name == "external" and hosts:
                    say(f"       {sum(hosts.values())} links to {len(hosts)} outside site(s) (allowed: readers follow them)")
                if found:
                    say(f"       {len(found)} problem(s)")
                    failed_at = failed_at or name
                problems.extend(found)
            if problems:
                step_no = STEPS.index(failed_at) + 1
                return fail(failed_at)
            step("compress", "precompressed .gz for nginx gzip_static")
            gz = compress(site_dir)
            files, size = _du(folder)
            info = {"release": release_id, "commit": commit, "dirty": dirty,
                    "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "built_ns": time.time_ns(),
                    "pages": pages, "files": files + 1,
                    "bytes": size}
            (folder / MARKER).write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
            say(f"       {gz} files compressed")
            step("switch", f"current → releases/{release_id} (atomic rename)")
            shared = share_assets(root, release_id, HASHED)
            before = switch(root, release_id)
            folder = None  # live now: never removed by a later failure of this run
            pruned = prune(root, keep)
            prune_shared(root)
            say(f"       {shared} new hashed assets shared for pages loaded before the switch")
            seconds = time.perf_counter() - started
            say(f"publish: {release_id} is live at {root / 'current'}{' / ' + version if version else ''} "
                f"(was {before or 'nothing'}) — {pages} pages, "
                f"{files + 1} files, {_size(size)}, {gz} .gz; {warnings} warning(s); kept {len(list_releases(root))} "
                f"release(s), removed {len(pruned)}; {seconds:.1f} s")
            return 0
    except ReleaseError as exc:
        problems = list(exc.problems)
        return fail("lock")
    except HandbookError as exc:
        problems = list(exc.problems)
        return fail(STEPS[max(step_no - 1, 0)])
    except subprocess.TimeoutExpired:
        problems = [Problem("mkdocs.yml", 1, "(build)", f"mkdocs build took longer than {BUILD_SECONDS} s and was stopped",
                            "run `python -m macros build` to see where it spends its time")]
        return fail(STEPS[max(step_no - 1, 0)])
    except OSError as exc:
        problems = [Problem(str(root), 1, "(system)", f"{type(exc).__name__}: {exc.strerror or exc}",
                            "check free disk space and permissions on the release root")]
        return fail(STEPS[max(step_no - 1, 0)])
    except (KeyboardInterrupt, _Interrupted):
        problems = [Problem(str(root), 1, "(interrupted)", "publish was stopped", "run it again")]
        return fail(STEPS[max(step_no - 1, 0)])
    finally:
        signal.signal(signal.SIGTERM, previous_handler)


def cmd_publish(args: argparse.Namespace) -> int:
    """``publish --root DIR [--keep N] [--wait S]``."""
    root = Path(args.root).resolve()
    if root == args.project or root.is_relative_to(args.project / "docs"):
        _err(f"{args.root}:1: --root: the release root is inside the project's pages — give a folder outside docs/ "
             "(e.g. /srv/handbook), or every build would copy the earlier releases into the site")
        return 2
    if args.keep < 2:
        _err(f"{args.root}:1: --keep: {args.keep} is too few — keep at least 2, so a rollback is always possible")
        return 2
    refused = versions.usage_problem(root, getattr(args, "version", None), args.root)
    if refused:
        _err(str(refused))
        return 2
    return publish(args.project, Path(args.root), keep=args.keep, wait=args.wait, version=getattr(args, "version", None),
                   title=getattr(args, "title", None), site=getattr(args, "site", None))


def cmd_rollback(args: argparse.Namespace) -> int:
    """``rollback --root DIR [--to ID]``: under the same lock as a publish, so the two never interleave."""
    root = Path(args.root).resolve()
    if not (root / "releases").is_dir():
        _err(f"{args.root}:1: --root: no releases/ here — give the folder `publish --root` was given")
        _say("rollback: nothing changed")
        return 1
    try:
        check_current(root)
        with locked(root, args.wait):
            before, after = rollback(root, args.to)
    except ReleaseError as exc:
        for problem in exc.problems:
            _err(str(problem))
        _say("rollback: nothing changed")
        return 1
    except OSError as exc:  # a read-only or full release root
        _err(str(Problem(str(root), 1, "(system)", f"cannot switch: {exc.strerror or exc}",
                         "run rollback as the user who owns the release root, and check its free space")))
        _say("rollback: nothing changed")
        return 1
    _say(f"rollback: current → releases/{after} (was {before})")
    return 0


def cmd_releases(args: argparse.Namespace) -> int:
    """``releases --root DIR``: newest first, the live one marked, for the administrator choosing a rollback."""
    root = Path(args.root).resolve()
    releases = list_releases(root)
    live = current_id(root)
    for r in reversed(releases):
        mark = "*" if r.id == live else " "
        _say(f"{mark} {r.id}  {r.built}  {r.pages:>3} pages  {_size(r.bytes):>9}  commit {r.commit}")
    _say(f"releases: {len(releases)} in {releases_dir(root)}, newest first; live (*): {live or 'none'}")
    return 0


def cmd_csp_hashes(args: argparse.Namespace) -> int:
    """``csp-hashes --site-dir DIR``: the script-src line to paste into the nginx snippet after a theme change."""
    site = Site(Path(args.site_dir).resolve(), str(args.site_dir))
    hashes = sorted({digest for _rel, _line, digest in site.inline_scripts()})
    styles = sorted({digest for _rel, _line, digest in site.inline_styles()})
    _say("script-src 'self' " + " ".join(f"'{h}'" for h in hashes) + ";")
    _say("style-src 'self' " + " ".join(f"'{h}'" for h in styles) + ";")
    _say(f"csp-hashes: {len(hashes)} inline script and {len(styles)} style hash(es) in {len(site.pages)} pages")
    return 0
