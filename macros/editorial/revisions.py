"""A draft as the reader saw it: the built dataset and the rendered sections of one git revision.

An old revision is read with ``git ls-tree`` and ``git cat-file`` (raw blobs: no checkout, no smudge filter,
no hook, nothing from that revision is imported or run) into a temporary folder, then loaded and rendered by
the same code that checks the working tree: the data through the safe YAML loader, the pages in the Jinja
sandbox. Only ``mkdocs.yml``, ``docs/`` and ``data/`` are read; symlinks and submodules are skipped; the
number and size of files and the time git may take are bounded. Nothing here imports MkDocs.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from ..core.errors import DataError, HandbookError, Problem
from ..core.load import discover, load_dataset
from ..core.memo import ContentMemo, digest, files_digest
from ..core.model import Dataset
from ..pages.drafts import find_drafts
from ..pages.render import PageRenderer, discover_pages, read_page

GIT_TIMEOUT = 30
MAX_FILES = 20_000
MAX_BYTES = 200 * 1024 * 1024
READ = ("mkdocs.yml", "docs", "data")
# The page that shows the comparison is generated, not prose: it is left out of both sides.
CHANGES_MACRO = "draft_changes("
# The Markdown extensions of the example's mkdocs.yml (Python-Markdown's own): the ids they give headings are
# the ids the built site has, unless a heading sets its own with `{#id}`.
EXTENSIONS = ("toc", "attr_list", "md_in_html", "tables", "admonition", "footnotes", "abbr")
_SKIP_TEXT = {"svg", "script", "style", "template"}
_HEADING = re.compile(r"^h([1-6])$")
# Text in two of these is two words even when the HTML has no space between them (`<td>a</td><td>b</td>`).
_BLOCKS = {"p", "li", "td", "th", "tr", "div", "br", "table", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre",
           "figure", "figcaption", "caption", "section", "details", "summary", "hr"}


class RevisionError(HandbookError):
    """A revision that cannot be compared: unknown to git, or its data or pages are invalid."""


@dataclass
class Section:
    """The prose under one heading, up to the next heading of any level: the unit a comparison keys on."""

    page: str
    id: str  # the heading's anchor ("" for the text before a page's first heading)
    title: str
    level: int
    index: int  # position in the page
    words: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list, repr=False)  # while parsing
    page_title: str = ""  # the page's first top-level heading

    @property
    def key(self) -> str:
        return f"{self.page}#{self.id}" if self.id else self.page


@dataclass
class Snapshot:
    """One side of a comparison."""

    label: str  # "e0a62ee", "HEAD", "working tree"
    commit: str  # resolved short hash, or "" for the working tree
    dataset: Dataset
    sections: list[Section]


def _git(project: Path, *args: str, binary: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(project), *args], capture_output=True, timeout=GIT_TIMEOUT, check=False,
                          text=not binary)


def resolve(project: Path, rev: str) -> str:
    """The full hash of commit ``rev``, or a RevisionError saying why not."""
    bad = Problem(rev or "(revision)", 1, "revision", f'"{rev}" is not a commit of the repository at {project}',
                  "name a commit, tag or branch (see `git log --oneline`)")
    if not rev or rev.startswith("-") or any(c.isspace() or ord(c) < 32 for c in rev):
        raise RevisionError([bad])
    try:
        top = _git(project, "rev-parse", "--show-toplevel")
        if top.returncode != 0:
            raise RevisionError([Problem(str(project), 1, "(git)", "not inside a git repository",
                                         "drafts are compared by git revision: commit each draft")])
        found = _git(project, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RevisionError([Problem(str(project), 1, "(git)", f"git could not run: {exc}",
                                     "install git, or check the repository")]) from None
    if found.returncode != 0 or not re.fullmatch(r"[0-9a-f]{40,64}", found.stdout.strip()):
        raise RevisionError([bad])
    return found.stdout.strip()


def export(project: Path, commit: str, dest: Path) -> None:
    """Write ``mkdocs.yml``, ``docs/`` and ``data/`` of ``commit`` (the project's folder in it) into ``dest``."""
    prefix = _git(project, "rev-parse", "--show-prefix").stdout.strip()
    listing = _git(project, "ls-tree", "-r", "-l", "-z", "--full-tree", commit, "--",
                   *(f"{prefix}{name}" for name in READ), binary=True)
    if listing.returncode != 0:
        raise RevisionError([Problem(commit[:7], 1, "(git)", listing.stderr.decode("utf-8", "replace").strip()[:300],
                                     "check the revision with `git show`")])
    entries: list[tuple[str, str]] = []
    total = 0
    for record in listing.stdout.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        mode, kind, blob, size = meta.split()
        path = raw_path.decode("utf-8", "replace")[len(prefix):]
        parts = path.split("/")
        if kind != b"blob" or mode not in (b"100644", b"100755") or ".." in parts or path.startswith("/"):
            continue  # symlinks and submodules are never followed
        total += int(size)
        entries.append((blob.decode(), path))
    if len(entries) > MAX_FILES or total > MAX_BYTES:
        raise RevisionError([Problem(commit[:7], 1, "(size)", f"{len(entries)} files, {total} bytes in docs/ and data/",
                                     f"a revision may hold at most {MAX_FILES} files and {MAX_BYTES} bytes there")])
    if not entries:
        return
    batch = subprocess.run(["git", "-C", str(project), "cat-file", "--batch"], capture_output=True,
                           input="".join(f"{blob}\n" for blob, _ in entries).encode(), timeout=GIT_TIMEOUT * 4,
                           check=False)
    data = batch.stdout
    pos = 0
    for blob, path in entries:
        end = data.index(b"\n", pos)
        header = data[pos:end].split()
        if len(header) != 3 or header[0].decode() != blob:
            raise RevisionError([Problem(commit[:7], 1, "(git)", f"cannot read {path}", "run `git fsck`")])
        size = int(header[2])
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data[end + 1:end + 1 + size])
        pos = end + 1 + size + 1


def _relocated(problems: list[Problem], label: str) -> list[Problem]:
    """Problems of an old revision, located in it the way git names a file there: ``REV:data/x.yaml:14``."""
    return [Problem(f"{label}:{p.file}" if label else p.file, p.line, p.key, p.message, p.hint, p.severity)
            for p in problems]


class _Sections(HTMLParser):
    """Split a page's HTML at its headings; keep the text a reader reads (not SVG internals, not scripts)."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.sections = [Section(page, "", "", 0, 0)]
        self._heading: Section | None = None
        self._title: list[str] = []
        self._skip = 0
        self._apart: list[str] = []  # open elements read as a word of their own (a badge's symbol)
        self._popover = 0  # depth inside a figure's source popover: shown only when tapped, not prose

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._popover:
            self._popover += tag == "span"
            return
        if tag == "span" and any(name == "popover" for name, _ in attrs):
            self._popover = 1
            return
        apart = ("aria-hidden", "true") in attrs or "hb-illus" in (dict(attrs).get("class") or "").split()
        if tag in _BLOCKS or apart:
            self._target().append(" ")
            if apart:
                self._apart.append(tag)
        if tag in _SKIP_TEXT:
            self._skip += 1
        level = _HEADING.match(tag)
        if level and not self._skip:
            attr = dict(attrs)
            self._heading = Section(self.page, attr.get("id") or "", "", int(level.group(1)), len(self.sections))
            self._title = []

    def handle_endtag(self, tag: str) -> None:
        if self._popover:
            self._popover -= tag == "span"
            return
        if tag in _BLOCKS or (self._apart and self._apart[-1] == tag):
            self._target().append(" ")
            if self._apart and self._apart[-1] == tag:
                self._apart.pop()
        if tag in _SKIP_TEXT and self._skip:
            self._skip -= 1
        if self._heading is not None and _HEADING.match(tag):
            self._heading.title = " ".join("".join(self._title).split())
            self.sections.append(self._heading)
            self._heading = None

    def _target(self) -> list[str]:
        return self._title if self._heading is not None else self.sections[-1].text

    def handle_data(self, data: str) -> None:
        if self._skip or self._popover:
            return
        if self._heading is not None:
            self._title.append(data)
        else:
            self.sections[-1].text.append(data)

    def close(self) -> None:
        super().close()
        for section in self.sections:
            section.words = "".join(section.text).split()
            section.text = []


def page_sections(page: str, markdown_text: str) -> list[Section]:
    """The sections of one rendered page, NFC-normalised; the text before the first heading only if there is any."""
    import markdown

    html = markdown.markdown(unicodedata.normalize("NFC", markdown_text), extensions=list(EXTENSIONS))
    parser = _Sections(page)
    parser.feed(html)
    parser.close()
    sections = parser.sections
    title = next((s.title for s in sections if s.level == 1), page)
    for s in sections:
        s.page_title = title
    return sections if sections[0].words else sections[1:]


def snapshot_of(folder: Path, label: str, commit: str = "", located: str = "") -> Snapshot:
    """Load and render the project in ``folder``; every problem together in one RevisionError."""
    try:
        # As that draft was written: today's editorial rules (dates, label wording) judge only today's draft.
        dataset, _warnings = load_dataset(folder / "data", folder, consistency=False)
    except DataError as exc:
        raise RevisionError(_relocated(exc.problems, located)) from None
    docs = folder / "docs"
    drafts = find_drafts(docs, folder)[0] if docs.is_dir() else set()
    renderer = PageRenderer(dataset, True)
    sections: list[Section] = []
    problems: list[Problem] = []
    for path in discover_pages(docs) if docs.is_dir() else []:
        page, found = read_page(path, docs, folder)
        problems += [p for p in found if p.is_error]
        if page is None or page.src in drafts or CHANGES_MACRO in page.body:
            continue
        text, found = renderer.render(page)
        problems += [p for p in found if p.is_error]
        if text is not None:
            sections += page_sections(page.src, text)
    if problems:
        raise RevisionError(_relocated(problems, located))
    return Snapshot(label, commit, dataset, sections)


# A commit never changes, and the working tree only when its files do: `mkdocs serve` builds the changes page
# again after every save, and rendering both drafts is most of a rebuild's time (macros/core/memo.py).
_SNAPSHOTS: ContentMemo[Snapshot] = ContentMemo(limit=8)


def load_revision(project: Path, rev: str | None) -> Snapshot:
    """``rev`` of the project (None: the working tree as it is on disk)."""
    project = project.resolve()
    if rev is None:
        return _SNAPSHOTS.get(_tree_key(project), lambda: snapshot_of(project, "working tree"))
    commit = resolve(project, rev)

    def exported() -> Snapshot:
        with tempfile.TemporaryDirectory(prefix="handbook-rev-") as tmp:
            export(project, commit, Path(tmp))
            return snapshot_of(Path(tmp), rev, commit[:7], located=rev)

    return _SNAPSHOTS.get(digest("commit", str(project), commit, rev), exported)


def _tree_key(project: Path) -> str:
    """The names and bytes of everything :func:`snapshot_of` reads from the working tree."""
    data, docs = project / "data", project / "docs"
    paths = [*(discover(data) if data.is_dir() else []), *(discover_pages(docs) if docs.is_dir() else [])]
    return files_digest(paths, "tree", str(project))
