"""A generated comments register of any size on the example handbook, and how the check's time grows with it.

``python -m macros.bench.comments [--sizes 0,250,1000,4000]`` copies the project (docs, data, mkdocs.yml)
into a temporary git repository, commits it as the draft a round read, edits every section after it
(so ``absorbed`` is true of each) and writes N comments spread over every section, by source type and
disposition, with responses where they are due and one comment in ten a duplicate (same ``issue``) of
another. It then times ``check`` from scratch (best of ``--repeat`` runs, in this process) at each size and
prints a table and one line::

    comments_check_s_1000=S per_comment_ms=M growth=G

``growth`` is the time per comment added between the two largest sizes over the same between the two
smallest with comments: about 1 when the check is linear in the comments, far above it when it is not.
Not product code: it measures (``tests/test_comments_scale.py`` runs it at small sizes).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from ..core.schema import COMMENT_SOURCE_TYPES
from ..pages.check import run_check
from ..pages.sections import SectionIndex, heading_lines

ROOT = Path(__file__).resolve().parents[2]
ADDED = "Bổ sung theo ý kiến góp ý của vòng lấy ý kiến."
_DISPOSITIONS = ("absorbed", "partly", "explained", "pending")


def _git(project: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=bench@localhost", *args], cwd=project,
                   check=True, capture_output=True)


def make_project(dest: Path, source: Path = ROOT) -> tuple[Path, list[str]]:
    """The project in ``dest`` as a git repository, its draft committed and every section edited since;
    returns the folder and every section's reference (page#anchor)."""
    for name in ("docs", "data", "macros", "overrides"):
        shutil.copytree(source / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(source / "mkdocs.yml", dest / "mkdocs.yml")
    for old in (dest / "data" / "comments").glob("*.yaml"):
        old.unlink()
    handbook = dest / "data" / "handbook.yaml"
    text = re.sub(r"(\n    [^\s:]+\.md: )\d+", r"\g<1>5000", handbook.read_text(encoding="utf-8"))
    text = re.sub(r"\n  total: \d+", "\n  total: 1000000", text)
    text = re.sub(r"\n    revision: \S+", "", text)
    text = re.sub(r"(?m)^previous:.*\n", "", text)  # the earlier draft's commit is not in this new repository
    handbook.write_text(text, encoding="utf-8")
    _git(dest, "init", "-q")
    _git(dest, "add", "docs", "data", "mkdocs.yml")
    _git(dest, "commit", "-qm", "draft")
    revision = subprocess.run(["git", "rev-parse", "HEAD"], cwd=dest, check=True, capture_output=True,
                              text=True).stdout.strip()
    handbook.write_text(text.replace('    draft: "0.1"\n', f'    draft: "0.1"\n    revision: {revision}\n'),
                        encoding="utf-8")
    pages = []
    for page in sorted((dest / "docs").rglob("*.md")):
        src = page.relative_to(dest / "docs").as_posix()
        lines = page.read_text(encoding="utf-8").split("\n")
        for number, _, _ in reversed(heading_lines("\n".join(lines))):
            lines[number - 1] += f"\n\n{ADDED}\n"
        page.write_text("\n".join(lines), encoding="utf-8")
        pages.append((src, "\n".join(lines), 0))
    index = SectionIndex.build(pages)
    register = (index.first_of_page.get(p) for p in ("gop-y.md",))
    skip = {s.page for s in register if s is not None}
    return dest, [s.ref for s in index.sections if s.page not in skip]


def write_comments(project: Path, refs: list[str], count: int, per_file: int = 500) -> None:
    """``count`` comments over ``refs`` in files of at most ``per_file`` (each far under the loader's size cap)."""
    folder = project / "data" / "comments"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.yaml"):
        old.unlink()
    for start in range(0, count, per_file):
        out = ["kind: comments", "round: hn22", "comments:"]
        for n in range(start, min(count, start + per_file)):
            disposition = _DISPOSITIONS[n % 4]
            source = COMMENT_SOURCE_TYPES[n % len(COMMENT_SOURCE_TYPES)]
            out += [f"  - id: c-{n:05d}",
                    f"    from: {{type: {source}, name: Đơn vị góp ý số {n % 97 + 1}}}",
                    f'    date: "2024-12-{n % 28 + 1:02d}"',
                    f"    section: {refs[(n - 1 if n % 10 == 9 else n) % len(refs)]}",
                    f"    text: Đề nghị làm rõ giải pháp, nguồn lực và phân công thực hiện (ý kiến số {n}).",
                    f"    disposition: {disposition}"]
            if disposition in ("partly", "explained"):
                out.append("    response: \"Tiểu ban Văn kiện giải trình: nội dung đã có trong chương trình hành động.\"")
            if n % 10 in (8, 9):
                out.append(f"    issue: trung-{n // 10}")
        (folder / f"gen-{start // per_file:03d}.yaml").write_text("\n".join(out) + "\n", encoding="utf-8")


def time_check(project: Path, repeat: int = 3) -> tuple[float, int]:
    """Best wall time of a check from scratch, and its errors (a run that is not clean measures nothing)."""
    best = float("inf")
    errors = 0
    for _ in range(repeat):
        started = time.perf_counter()
        report = run_check(project)
        best = min(best, time.perf_counter() - started)
        errors = len(report.errors)
    return best, errors


def measure(sizes: list[int], repeat: int = 3) -> list[tuple[int, float, int]]:
    with tempfile.TemporaryDirectory(prefix="hb-comments-") as tmp:
        project, refs = make_project(Path(tmp) / "project")
        rows = []
        for size in sizes:
            write_comments(project, refs, size)
            seconds, errors = time_check(project, repeat)
            rows.append((size, seconds, errors))
        return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m macros.bench.comments", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="0,250,1000,4000", help="comment counts to time (default 0,250,1000,4000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size, best kept (default 3)")
    args = parser.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",")})
    rows = measure(sizes, args.repeat)
    print(f"{'comments':>8}  {'check s':>8}  errors")
    for size, seconds, errors in rows:
        print(f"{size:>8}  {seconds:>8.3f}  {errors}")
    with_comments = [r for r in rows if r[0] > 0]
    base = rows[0][1] if rows[0][0] == 0 else 0.0
    if len(with_comments) >= 2:
        (n1, t1, _), (n2, t2, _) = with_comments[0], with_comments[-1]
        first = (t1 - base) / n1
        marginal = (t2 - with_comments[-2][1]) / (n2 - with_comments[-2][0])
        at_1000 = next((t for n, t, _ in rows if n == 1000), t2)
        print(f"comments_check_s_1000={at_1000:.3f} per_comment_ms={marginal * 1000:.3f} "
              f"growth={marginal / first if first > 0 else float('nan'):.2f}")
    return 1 if any(errors for _, _, errors in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
