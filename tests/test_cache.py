"""The check cache: a second run reuses results only for inputs that are byte for byte the same."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from macros.core import cache as cache_module
from macros.core.cache import CheckCache, cache_folder, cache_home
from macros.pages import check
from macros.pages.check import run_check

from .conftest import run_macros


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How many pages were checked and datasets loaded (not taken from the cache)."""
    counts = {"pages": 0, "data": 0}
    check_page, load_dataset = check._check_page, check.load_dataset

    def counting_page(*args, **kwargs):
        counts["pages"] += 1
        return check_page(*args, **kwargs)

    def counting_data(*args, **kwargs):
        counts["data"] += 1
        return load_dataset(*args, **kwargs)

    monkeypatch.setattr(check, "_check_page", counting_page)
    monkeypatch.setattr(check, "load_dataset", counting_data)
    return counts


def _run(project: Path):
    return run_check(project, cache=CheckCache(project))


def _same(a, b) -> None:
    assert [str(p) for p in a.problems] == [str(p) for p in b.problems]
    assert a.pages == b.pages and a.rendered == b.rendered and a.data_files == b.data_files


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_a_second_run_takes_everything_from_the_cache_and_finds_the_same(project_copy: Path, calls: dict):
    _append(project_copy / "docs" / "viet-tat.md", "\nMột con số gõ tay: 12,5%.\n")  # a problem to keep
    cold = run_check(project_copy)
    first = _run(project_copy)
    assert calls == {"pages": 2 * len(cold.pages), "data": 2}
    assert (cache_home() / "CACHEDIR.TAG").is_file() and (cache_folder(project_copy) / "pages.pickle").is_file()
    assert not any(project_copy.rglob("*.pickle")), "nothing is written into the project tree"
    second = _run(project_copy)
    assert calls == {"pages": 2 * len(cold.pages), "data": 2}  # nothing recomputed
    _same(cold, first)
    _same(cold, second)
    assert any("12,5%" in str(p) for p in second.errors)


def test_an_edited_page_is_checked_again_and_only_that_page(project_copy: Path, calls: dict):
    _run(project_copy)
    pages = calls["pages"]
    _append(project_copy / "docs" / "viet-tat.md", "\nMột con số gõ tay: 12,5%.\n")
    again = _run(project_copy)
    assert calls["pages"] == pages + 1 and calls["data"] == 1
    assert [p for p in again.errors if "12,5%" in str(p)]
    _same(again, run_check(project_copy))


def test_an_edited_data_file_reloads_the_data_and_renders_the_pages_again(project_copy: Path, calls: dict):
    before = _run(project_copy)
    abbreviations = project_copy / "data" / "abbreviations.yaml"
    abbreviations.write_text(abbreviations.read_text(encoding="utf-8").replace("Ban Chấp hành", "Ban Chấp hành Đảng bộ"),
                             encoding="utf-8")
    after = _run(project_copy)
    assert calls["data"] == 2 and calls["pages"] == 2 * len(before.pages)
    assert "Ban Chấp hành Đảng bộ" in after.rendered["viet-tat.md"][1]
    assert "Ban Chấp hành Đảng bộ" not in before.rendered["viet-tat.md"][1]
    _same(after, run_check(project_copy))


def test_data_problems_are_cached_and_a_fix_is_seen(project_copy: Path, calls: dict):
    sources = project_copy / "data" / "sources.yaml"
    good = sources.read_text(encoding="utf-8")
    sources.write_text(good.replace("kind: sources", "kind: sources\nextra_key: 1"), encoding="utf-8")
    broken = _run(project_copy)
    assert broken.errors and broken.dataset is None
    again = _run(project_copy)
    assert calls["data"] == 1
    _same(broken, again)
    sources.write_text(good, encoding="utf-8")
    fixed = _run(project_copy)
    assert not fixed.errors and fixed.dataset is not None and calls["data"] == 2


def test_a_new_file_a_link_names_is_seen_by_every_page(project_copy: Path):
    _append(project_copy / "docs" / "viet-tat.md", "\nXem [bản gốc](assets/ban-goc.pdf).\n")
    missing = _run(project_copy)
    assert any("ban-goc.pdf" in str(p) for p in missing.errors)
    (project_copy / "docs" / "assets" / "ban-goc.pdf").write_bytes(b"%PDF-1.4\n")
    found = _run(project_copy)
    assert not any("ban-goc.pdf" in str(p) for p in found.problems)


def test_a_damaged_or_foreign_cache_is_ignored(project_copy: Path, calls: dict, monkeypatch: pytest.MonkeyPatch):
    first = _run(project_copy)
    for name in ("dataset.pickle", "pages.pickle"):
        (cache_folder(project_copy) / name).write_bytes(b"\x80\x05not a pickle")
    _same(first, _run(project_copy))
    assert calls["data"] == 2
    monkeypatch.setattr(cache_module, "_code_key", "another version of the code")
    _same(first, _run(project_copy))
    assert calls["data"] == 3


def test_no_cache_writes_nothing(project_copy: Path, monkeypatch: pytest.MonkeyPatch):
    result = run_macros(project_copy, "check", "--no-cache")
    assert result.returncode == 0, result.stderr
    assert not cache_folder(project_copy).exists()
    monkeypatch.setenv("HANDBOOK_NO_CACHE", "1")
    assert run_macros(project_copy, "check").returncode == 0
    assert not cache_folder(project_copy).exists()
    monkeypatch.delenv("HANDBOOK_NO_CACHE")
    assert run_macros(project_copy, "check").returncode == 0
    assert (cache_folder(project_copy) / "pages.pickle").is_file()


def test_the_data_loaded_is_the_data_hashed_even_if_a_file_changes_meanwhile(project_copy: Path,
                                                                             monkeypatch: pytest.MonkeyPatch):
    """An editor saves a data file while check runs: the cache may not keep the new data under the old key."""
    abbreviations = project_copy / "data" / "abbreviations.yaml"
    before = abbreviations.read_text(encoding="utf-8")
    after = before.replace("Ban Chấp hành", "Ban Chấp hành (sửa)")
    read = check.read_capped

    def read_then_save(path: Path):
        data = read(path)
        if path == abbreviations:
            abbreviations.write_text(after, encoding="utf-8")  # saved right after check read it
        return data

    monkeypatch.setattr(check, "read_capped", read_then_save)
    first = _run(project_copy)
    assert "(sửa)" not in first.rendered["viet-tat.md"][1]  # what was read is what was checked
    monkeypatch.setattr(check, "read_capped", read)
    second = _run(project_copy)
    assert "Ban Chấp hành (sửa)" in second.rendered["viet-tat.md"][1]  # the saved file is not mistaken for the old
    abbreviations.write_text(before, encoding="utf-8")
    assert "(sửa)" not in _run(project_copy).rendered["viet-tat.md"][1]


def test_an_oversized_data_file_is_read_no_further_than_the_limit(project_copy: Path, monkeypatch: pytest.MonkeyPatch):
    from macros.core import yamlsafe

    big = project_copy / "data" / "big.yaml"
    big.write_bytes(b"kind: sources\n" + b"# " + b"x" * (yamlsafe.MAX_BYTES + 10) + b"\n")
    sizes = []
    read = check.read_capped
    monkeypatch.setattr(check, "read_capped", lambda path: sizes.append(len(data := read(path))) or data)
    report = _run(project_copy)
    assert max(sizes) == yamlsafe.MAX_BYTES + 1
    assert any("over the limit" in str(p) for p in report.errors)


def test_refused_data_does_not_keep_page_results_across_a_code_change(project_copy: Path, calls: dict,
                                                                      monkeypatch: pytest.MonkeyPatch):
    sources = project_copy / "data" / "sources.yaml"
    sources.write_text(sources.read_text(encoding="utf-8").replace("kind: sources", "kind: sources\nextra_key: 1"),
                       encoding="utf-8")
    _run(project_copy)
    pages = calls["pages"]
    _run(project_copy)
    assert calls["pages"] == pages
    monkeypatch.setattr(cache_module, "_code_key", "a new release of the code")
    _run(project_copy)
    assert calls["pages"] == 2 * pages


def test_a_symlink_in_docs_is_refused_and_its_replacement_by_a_file_is_seen(project_copy: Path, tmp_path: Path):
    target = tmp_path / "ban-goc.pdf"
    target.write_bytes(b"%PDF-1.4\n")
    link = project_copy / "docs" / "assets" / "ban-goc.pdf"
    link.symlink_to(target)
    _append(project_copy / "docs" / "viet-tat.md", "\nXem [bản gốc](assets/ban-goc.pdf).\n")
    assert [str(p).split(" — ")[0] for p in _run(project_copy).errors] == [
        f"docs/assets/ban-goc.pdf:1: (file): links outside docs/ to {target}"]
    link.unlink()
    link.write_bytes(b"%PDF-1.4\n")
    assert _run(project_copy).errors == []


def test_odd_or_foreign_cache_files_are_never_read_and_leave_nothing_behind(project_copy: Path, calls: dict):
    _run(project_copy)
    folder = cache_folder(project_copy)
    (folder / "pages.pickle").unlink()
    (folder / "pages.pickle").mkdir()  # cannot be replaced by a file
    _run(project_copy)
    assert sorted(p.name for p in folder.iterdir()) == ["dataset.pickle", "pages.pickle", "project.txt"]
    (folder / "dataset.pickle").unlink()
    os.mkfifo(folder / "dataset.pickle")  # opening it for reading would wait for a writer for ever
    result = run_macros(project_copy, "check", timeout=60)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISREG((folder / "dataset.pickle").stat().st_mode)  # the pipe was replaced, not opened
    data = calls["data"]
    _run(project_copy)
    assert calls["data"] == data  # read back
    folder.chmod(folder.stat().st_mode | stat.S_IWGRP)  # others could have written it: not trusted
    _run(project_copy)
    assert calls["data"] == data + 1


def test_a_committed_cache_is_never_read(project_copy: Path, calls: dict, tmp_path: Path):
    """A pickle committed into the tree (where `git clone` makes it the user's own file) runs nothing."""
    marker = tmp_path / "ran"
    payload = b"cos\nsystem\n(S'touch " + str(marker).encode() + b"'\ntR."  # os.system("touch …") when unpickled
    for folder in (project_copy / ".handbook_cache", project_copy):
        folder.mkdir(exist_ok=True)
        for name in ("dataset.pickle", "pages.pickle"):
            (folder / name).write_bytes(payload)
    first = _run(project_copy)
    assert first.errors == [] and not marker.exists()
    assert calls["data"] == 1


def test_a_planted_pickle_in_the_users_cache_builds_nothing_but_cache_classes(project_copy: Path, calls: dict,
                                                                              tmp_path: Path):
    """Defence in depth: even a file in the user's own cache folder cannot name os.system."""
    _run(project_copy)
    marker = tmp_path / "ran"
    payload = b"cos\nsystem\n(S'touch " + str(marker).encode() + b"'\ntR."
    (cache_folder(project_copy) / "dataset.pickle").write_bytes(payload)
    assert _run(project_copy).errors == [] and not marker.exists()
    assert calls["data"] == 2  # not cached: loaded again
