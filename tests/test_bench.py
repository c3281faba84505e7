"""Fast checks of the benchmark's generator and measuring helpers (the benchmark itself is `make bench`)."""

from __future__ import annotations

import re
import sys
import urllib.request
from pathlib import Path

import pytest

from macros.bench import measure, variants
from macros.bench import report as bench_report
from macros.bench.browser import gzip_size, resolve, serve, transfer
from macros.bench.gen_report import generate
from macros.pages.check import run_check


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("gen") / "report", pages=12, indicators=60)


def test_generated_report_passes_check(report: Path):
    result = run_check(report)
    assert [str(p) for p in result.problems] == []
    assert len(result.pages) == 12
    assert len(result.dataset.indicators) == 60
    assert (report / "mkdocs.yml").is_file() and (report / "macros").is_symlink()


def test_generated_report_is_deterministic(tmp_path: Path, report: Path):
    again = generate(tmp_path / "again", pages=12, indicators=60)
    for path in sorted((report / "docs").rglob("*.md")):
        assert (again / "docs" / path.relative_to(report / "docs")).read_text() == path.read_text()


def test_generator_refuses_too_few_pages(tmp_path: Path):
    with pytest.raises(ValueError):
        generate(tmp_path / "tiny", pages=3, indicators=10)


def test_plain_copy_has_figures_substituted_and_no_macros_plugin(tmp_path: Path, report: Path):
    pages = variants.make_plain(report, tmp_path / "plain")
    assert pages == 12
    texts = [p.read_text() for p in (tmp_path / "plain" / "docs").rglob("*.md")]
    assert len(texts) == 12 and not any("{{" in t for t in texts)
    assert any('class="hb-fig' in t for t in texts)
    config = (tmp_path / "plain" / "mkdocs.yml").read_text()
    assert "macros" not in config and "search" in config and "watch" not in config
    assert (tmp_path / "plain" / "docs" / "assets" / "handbook.css").is_file()


def test_measure_reports_wall_time_peak_memory_and_exit_code():
    run = measure.measure([sys.executable, "-c", "x = bytearray(80 * 1024 * 1024); import time; time.sleep(0.2)"])
    assert run.returncode == 0
    assert run.wall >= 0.2
    assert run.rss_mb >= 80
    assert measure.measure([sys.executable, "-c", "raise SystemExit(3)"]).returncode == 3


def test_measure_counts_the_whole_process_tree():
    child = "import time; x = bytearray(60 * 1024 * 1024); time.sleep(0.6)"
    parent = (f"import subprocess, sys; x = bytearray(60 * 1024 * 1024); "
              f"subprocess.run([sys.executable, '-c', {child!r}])")
    run = measure.measure([sys.executable, "-c", parent])
    assert run.rss_mb >= 120  # both processes' 60 MB at once, not the larger one alone


def test_series_min_median_and_ratio():
    s = measure.Series("x", [measure.Run(3.0, 10, 0), measure.Run(1.0, 30, 0), measure.Run(2.0, 20, 0)])
    assert (s.wall_min, s.wall_med, s.rss_max) == (1.0, 2.0, 30)
    assert measure.ratio(3, 2) == 1.5


def _fake_results() -> dict:
    row = {"label": "1000p/10000i", "pages": 1000, "indicators": 10000, "check_min": 0.8, "check_med": 0.9,
           "full_min": 60.0, "full_med": 61.0, "plain_min": 55.0, "plain_med": 56.0, "full_rss": 400.0,
           "plain_rss": 380.0, "site_full": 3e8, "site_plain": 3e8, "index_full": 1.2e7, "index_plain": 1.2e7,
           "noprint_min": 30.0, "noprint_med": 30.0, "noprint_rss": 150.0, "noprint_runs": 1,
           "shortnav_min": 12.0, "shortnav_site": 5e7,
           "check_warm_min": 0.4, "check_warm_med": 0.5, "check_warm_rss": 90.0, "check_page_min": 0.45,
           "check_page_med": 0.5, "check_data_min": 5.0, "check_data_med": 5.1}
    small = dict(row, label="100p/1000i", pages=100, indicators=1000, full_min=6.0, plain_min=5.0)
    return {"machine": {"nproc": 2, "mem_gib": 23.5, "python": "3.11", "platform": "Linux"}, "runs": 3,
            "overhead": {"pages": 17, "full_wall_min": 3.3, "full_wall_med": 3.4, "plain_wall_min": 3.0,
                         "plain_wall_med": 3.1, "full_rss": 110.0, "plain_rss": 100.0, "wall_ratio": 1.1,
                         "wall_ratio_med": 1.097, "rss_ratio": 1.1, "site_full": 4e6, "site_plain": 4e6, "runs": 7,
                         "wall_ratio_paired": 1.09, "bare_wall_min": 3.2, "bare_wall_med": 3.3, "bare_rss": 105.0,
                         "cached_wall_min": 3.15, "cached_wall_med": 3.2, "cached_rss": 104.0},
            "growth": [small, row],
            "reader": {"transfer": {"example": {"gzip_bytes": 200_000, "raw_bytes": 900_000, "requests": 12,
                                                "index_gzip_bytes": 30_000}},
                       "search": {"pages": 1000, "ready_ms": 900, "samples": [20, 30, 40], "queries": ["a"],
                                  "median_ms": 30, "min_ms": 20, "max_ms": 40, "material_median_ms": 25}}}


def test_table_and_summary_line():
    results = _fake_results()
    lines = bench_report.format_table(results)
    assert lines[0].startswith("machine: 2 cores, 23.5 GiB")
    assert any(line.startswith("ratio full/plain") for line in lines)
    assert any(re.match(r"full, cache filled\s+3\.15\s+3\.20\s+104", line) for line in lines)
    assert any(re.match(r"  ratio to plain\s+1\.05\s+1\.03\s+1\.04", line) for line in lines)
    assert any("1000p/10000i" in line for line in lines)
    assert any("search at 1000 pages" in line for line in lines)
    assert any("as it ships" in line and "median 25 ms" in line for line in lines)
    # the print page's share, then the navigation's: (30 - 12) / 55
    assert any(re.search(r"1000p/10000i\s+55\.00\s+30\.00\s+45%.*\s12\.00\s+33%\s+50\.0\s+1$", line) for line in lines)
    assert any(re.search(r"1000p/10000i\s+0\.80/0\.90\s+0\.40/0\.50\s+0\.45/0\.50\s+5\.00/5\.10", line) for line in lines)
    summary = bench_report.summary(results)
    assert re.fullmatch(r"overhead_ratio=\d+\.\d\d check_10k_s=\d+\.\d\d build_1000_rss_mb=\d+", summary)
    assert summary == "overhead_ratio=1.10 check_10k_s=0.80 build_1000_rss_mb=400"


def test_transfer_counts_gzip_of_each_distinct_file(tmp_path: Path):
    (tmp_path / "search").mkdir()
    (tmp_path / "index.html").write_text("<p>xin chào</p>" * 200)
    (tmp_path / "search" / "search_index.json").write_text('{"docs": []}' * 100)
    assert resolve(tmp_path, "/") == tmp_path / "index.html"
    assert resolve(tmp_path, "/../etc/passwd") is None
    t = transfer(tmp_path, ["/", "/index.html", "/search/search_index.json", "/missing.js"])
    assert t["requests"] == 2
    assert t["raw_bytes"] == len("<p>xin chào</p>".encode() * 200) + 1200
    assert t["gzip_bytes"] < t["raw_bytes"]
    assert t["index_gzip_bytes"] == gzip_size(b'{"docs": []}' * 100)


def test_serve_on_loopback_records_requests(tmp_path: Path):
    (tmp_path / "index.html").write_text("ok")
    with serve(tmp_path) as (base, requested):
        assert base.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(base, timeout=5) as response:
            assert response.read() == b"ok"
    assert requested == ["/"]


def test_goals_say_met_or_not_with_the_measured_value():
    lines = bench_report.goals(_fake_results())
    assert "[met] overhead ≤ 1.10×: wall 1.10×" in lines[0]
    assert "[met] check of 10,000 indicators < 1 s, from scratch: 0.80 s" in lines[1]
    assert "[met] check of 10,000 indicators < 1 s, again with the cache: 0.40 s unchanged, 0.45 s after" in lines[2]
    assert any("[met] 1,000-page build < 1 GiB peak: 400 MB" in line for line in lines)
    assert any("[met] search < 100 ms at 1000 pages: median 30 ms" in line for line in lines)
    results = _fake_results()
    results["overhead"]["wall_ratio"] = 1.3
    assert bench_report.goals(results)[0].startswith("  [NOT met] overhead")


def test_macros_only_config_turns_the_plugin_on_with_an_empty_module():
    config = variants.macros_only_config(variants.plain_config((measure.ROOT / "mkdocs.yml").read_text(encoding="utf-8")))
    assert f"module_name: {variants.EMPTY_MODULE}" in config and "search" in config
    assert config.index("- print-site:") > config.index(variants.EMPTY_MODULE)  # print-site must stay the last plugin


@pytest.mark.build
def test_every_variant_the_benchmark_builds_builds(tmp_path: Path, report: Path):
    """The generated report full, its plain copy, and the plain copy without the print page all build:
    the benchmark compares builds that succeed (a theme file missing from the copies once broke it)."""
    plain = tmp_path / "plain"
    variants.make_plain(report, plain)
    noprint = tmp_path / "noprint"
    variants.derive(plain, noprint, variants.without_print_site)
    nonav = tmp_path / "nonav"
    variants.derive(noprint, nonav, variants.short_nav)
    sites = {name: tmp_path / f"site-{name}" for name in ("full", "plain", "noprint", "nonav")}
    for name, cmd in (("full", variants.full_cmd(report, sites["full"])), ("plain", variants.plain_cmd(plain, sites["plain"])),
                      ("noprint", variants.plain_cmd(noprint, sites["noprint"])),
                      ("nonav", variants.plain_cmd(nonav, sites["nonav"]))):
        run = measure.measure(cmd, cwd=report, log=tmp_path / f"{name}.log")
        assert run.returncode == 0, (tmp_path / f"{name}.log").read_text()[-2000:]
    pages = {name: {p.relative_to(site) for p in site.rglob("*.html")} for name, site in sites.items()}
    assert pages["full"] == pages["plain"]
    assert pages["noprint"] == pages["plain"] - {Path("ban-in/index.html")} == pages["nonav"]
    home = (sites["nonav"] / "index.html").read_text("utf-8")
    assert home.count("md-nav__link") < (sites["noprint"] / "index.html").read_text("utf-8").count("md-nav__link")
    # The same banner on both sides: the plain copy carries the fields the glue puts in extra.handbook.
    assert 'class="hb-draft"' in (sites["plain"] / "index.html").read_text("utf-8")


def test_the_hooks_prototype_builds(tmp_path: Path, report: Path):
    """The prototype without mkdocs-macros (a hooks file of its own, which the check refuses in a handbook)."""
    import shutil

    plain = tmp_path / "plain"
    variants.make_plain(report, plain)
    hooked = tmp_path / "hooked"
    for name in ("docs", "data"):
        shutil.copytree(report / name, hooked / name)
    (hooked / "overrides").symlink_to((plain / "overrides").resolve(), target_is_directory=True)
    (hooked / "mkdocs.yml").write_text(variants.hooks_config((plain / "mkdocs.yml").read_text("utf-8")), "utf-8")
    (hooked / variants.HOOKS_FILE).write_text(variants.HOOKS_CODE.replace("MACROS_PARENT", repr(str(measure.ROOT))),
                                             "utf-8")
    run = measure.measure(variants.plain_cmd(hooked, tmp_path / "site"), cwd=hooked, log=tmp_path / "hooks.log")
    assert run.returncode == 0, (tmp_path / "hooks.log").read_text()[-2000:]


def test_edit_to_visible_is_measured_both_ways_under_a_real_serve(tmp_path: Path):
    from macros.bench.reload import measure_reload

    result = measure_reload(tmp_path, runs=1)
    for key in ("full_page_s", "full_data_s", "plain_page_s", "git_info_s", "render_pages_s"):
        assert result[key] > 0, key
    assert result["reload_ratio_page"] == result["full_page_s"] / result["plain_page_s"]
