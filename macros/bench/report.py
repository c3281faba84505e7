"""The benchmark's table, its goals and its one-line summary, from the results dictionary."""

from __future__ import annotations

from .measure import ratio


def linearity(rows: list[dict], key: str, per: str) -> list[float]:
    """Cost per unit (page or indicator) at each size: flat means linear growth."""
    return [r[key] / r[per] for r in rows]


def format_table(results: dict) -> list[str]:
    m = results["machine"]
    lines = [f"machine: {m['nproc']} cores, {m['mem_gib']} GiB RAM, Python {m['python']}, {m['platform']}; "
             f"{results['runs']} runs per timing (min / median)"]
    o = results.get("overhead")
    if o:
        lines += ["", f"Overhead — example handbook ({o['pages']} pages): full pipeline vs plain MkDocs + Material",
                  f"{'':24}{'wall min s':>11}{'wall med s':>11}{'peak RSS MB':>12}{'site KB':>9}",
                  f"{'full (macros build)':24}{o['full_wall_min']:>11.2f}{o['full_wall_med']:>11.2f}"
                  f"{o['full_rss']:>12.0f}{o['site_full'] / 1024:>9.0f}",
                  f"{'plain (mkdocs build)':24}{o['plain_wall_min']:>11.2f}{o['plain_wall_med']:>11.2f}"
                  f"{o['plain_rss']:>12.0f}{o['site_plain'] / 1024:>9.0f}",
                  f"{'ratio full/plain':24}{o['wall_ratio']:>11.2f}{o['wall_ratio_med']:>11.2f}{o['rss_ratio']:>12.2f}"
                  f"   (median of the {o['runs']} paired run ratios: {o['wall_ratio_paired']:.2f})",
                  *([f"{'full, cache filled':24}{o['cached_wall_min']:>11.2f}{o['cached_wall_med']:>11.2f}"
                      f"{o['cached_rss']:>12.0f}          ← an editor's next build: the check from its cache",
                      f"{'  ratio to plain':24}{ratio(o['cached_wall_min'], o['plain_wall_min']):>11.2f}"
                      f"{ratio(o['cached_wall_med'], o['plain_wall_med']):>11.2f}"
                      f"{ratio(o['cached_rss'], o['plain_rss']):>12.2f}"] if "cached_wall_min" in o else []),
                  f"{'plain + mkdocs-macros':24}{o['bare_wall_min']:>11.2f}{o['bare_wall_med']:>11.2f}{o['bare_rss']:>12.0f}"
                  "          ← the plugin alone, empty module: its share of the overhead",
                  f"{'  share: mkdocs-macros':24}{ratio(o['bare_wall_min'], o['plain_wall_min']):>11.2f}"
                  f"{ratio(o['bare_wall_med'], o['plain_wall_med']):>11.2f}{ratio(o['bare_rss'], o['plain_rss']):>12.2f}",
                  f"{'  share: handbook code':24}{ratio(o['full_wall_min'], o['bare_wall_min']):>11.2f}"
                  f"{ratio(o['full_wall_med'], o['bare_wall_med']):>11.2f}{ratio(o['full_rss'], o['bare_rss']):>12.2f}"]
        if "hooks_wall_min" in o:
            lines += [f"{'prototype: MkDocs hook':24}{o['hooks_wall_min']:>11.2f}{o['hooks_wall_med']:>11.2f}"
                      f"{o['hooks_rss']:>12.0f}          ← check + render in a hooks: file, no mkdocs-macros "
                      f"(same pages: {'yes' if o['hooks_same_site'] else 'NO'})",
                      f"{'  ratio hook/plain':24}{ratio(o['hooks_wall_min'], o['plain_wall_min']):>11.2f}"
                      f"{ratio(o['hooks_wall_med'], o['plain_wall_med']):>11.2f}{ratio(o['hooks_rss'], o['plain_rss']):>12.2f}"]
    rows = results.get("growth", [])
    if rows:
        lines += ["", "Growth — generated reports; full / plain build, check (whole process), peak RSS, sizes",
                  f"{'size':>13}{'full s':>14}{'plain s':>14}{'ratio':>6}{'check s':>13}{'RSS MB f/p':>12}"
                  f"{'site MB f/p':>13}{'index MB f/p':>14}{'ms/page f/p':>13}"]
        for r in rows:
            lines.append(
                f"{r['label']:>13}{r['full_min']:>7.2f}/{r['full_med']:<6.2f}{r['plain_min']:>7.2f}/{r['plain_med']:<6.2f}"
                f"{ratio(r['full_min'], r['plain_min']):>6.2f}{r['check_min']:>6.2f}/{r['check_med']:<6.2f}"
                f"{r['full_rss']:>6.0f}/{r['plain_rss']:<5.0f}"
                f"{r['site_full'] / 1e6:>6.1f}/{r['site_plain'] / 1e6:<6.1f}"
                f"{r['index_full'] / 1e6:>7.2f}/{r['index_plain'] / 1e6:<6.2f}"
                f"{r['full_min'] / r['pages'] * 1000:>6.0f}/{r['plain_min'] / r['pages'] * 1000:<6.0f}")
        if "check_warm_min" in rows[0]:
            lines += ["", "check (whole process), min / median s: from scratch (--no-cache), and again with the cache "
                          "(the user's cache)",
                      f"{'size':>13}{'scratch':>14}{'no change':>14}{'1 page edited':>16}{'1 data file edited':>20}"]
            for r in rows:
                lines.append(f"{r['label']:>13}{r['check_min']:>7.2f}/{r['check_med']:<6.2f}"
                             f"{r['check_warm_min']:>7.2f}/{r['check_warm_med']:<6.2f}"
                             f"{r['check_page_min']:>9.2f}/{r['check_page_med']:<6.2f}"
                             f"{r['check_data_min']:>13.2f}/{r['check_data_med']:<6.2f}")
        lines += ["", "Where the plain build's time goes — the same plain copy built without the print page "
                  "(mkdocs-print-site-plugin), then also with a navigation of the top-level pages only (Material "
                  "writes the whole navigation into every page)",
                  f"{'size':>13}{'plain s':>9}{'no print s':>12}{'print share':>13}{'RSS MB':>12}"
                  f"{'+short nav s':>14}{'nav share':>11}{'site MB':>9}{'runs':>6}"]
        for r in rows:
            nav = (f"{r['shortnav_min']:>14.2f}{ratio(r['noprint_min'] - r['shortnav_min'], r['plain_min']):>10.0%}"
                   f"{r['shortnav_site'] / 1e6:>10.1f}") if "shortnav_min" in r else " " * 34
            lines.append(f"{r['label']:>13}{r['plain_min']:>9.2f}{r['noprint_min']:>12.2f}"
                         f"{1 - ratio(r['noprint_min'], r['plain_min']):>12.0%} {r['plain_rss']:>5.0f}/{r['noprint_rss']:<5.0f}"
                         f"{nav}{r['noprint_runs']:>6}")
        if len(rows) > 1:
            steps = []
            for a, b in zip(rows, rows[1:], strict=False):
                steps.append(f"{a['label']}→{b['label']}: pages ×{b['pages'] / a['pages']:.0f}, "
                             f"full ×{ratio(b['full_min'], a['full_min']):.1f}, "
                             f"plain ×{ratio(b['plain_min'], a['plain_min']):.1f}, "
                             f"check ×{ratio(b['check_min'], a['check_min']):.1f}, "
                             f"index ×{ratio(b['index_full'], a['index_full']):.1f}")
            lines += ["growth steps (×10 input → ×10 cost is linear): " + steps[0]] + [
                " " * 48 + s for s in steps[1:]]
    if results.get("reader_error"):
        lines += ["", f"Reader side — not measured: {results['reader_error']}"]
    reader = results.get("reader")
    if reader:
        lines += ["", "Reader side — headless Chromium (/usr/bin/chromium), site served on 127.0.0.1"]
        for name, t in reader.get("transfer", {}).items():
            lines.append(f"  first visit of the home page, {name}: {t['gzip_bytes'] / 1024:.0f} KB gzip "
                         f"({t['raw_bytes'] / 1024:.0f} KB raw) in {t['requests']} requests; of it the search index "
                         f"{t['index_gzip_bytes'] / 1024:.0f} KB gzip")
        s = reader.get("search")
        if s:
            lines.append(f"  search at {s['pages']} pages: index ready {s['ready_ms']:.0f} ms after load; "
                         f"query → results rendered: median {s['median_ms']:.0f} ms, min {s['min_ms']:.0f}, "
                         f"max {s['max_ms']:.0f} over {len(s['samples'])} ({', '.join(s['queries'])})")
            if "material_median_ms" in s:
                lines.append(f"  the same with Material's search worker as it ships (no diacritic folding, no heading "
                             f"weighting): median {s['material_median_ms']:.0f} ms — Material's own share")
    return lines


def goals(results: dict) -> list[str]:
    """Each goal of the benchmark with the measured value, met or not."""
    out = []

    def line(ok: bool, text: str) -> None:
        out.append(f"  [{'met' if ok else 'NOT met'}] {text}")

    o = results.get("overhead")
    if o:
        line(o["wall_ratio"] <= 1.10, f"overhead ≤ 1.10×: wall {o['wall_ratio']:.2f}× (min/min; median/median "
                                      f"{o['wall_ratio_med']:.2f}×), peak memory {o['rss_ratio']:.2f}×")
    big = next((r for r in results.get("growth", []) if r["indicators"] == 10000), None)
    if big:
        line(big["check_min"] < 1, f"check of 10,000 indicators < 1 s, from scratch: {big['check_min']:.2f} s "
                                   f"(whole `check` process, {big['pages']} pages too)")
        if "check_warm_min" in big:
            line(big["check_warm_min"] < 1 and big["check_page_min"] < 1,
                 f"check of 10,000 indicators < 1 s, again with the cache: {big['check_warm_min']:.2f} s unchanged, "
                 f"{big['check_page_min']:.2f} s after editing a page ({big['check_data_min']:.2f} s after editing "
                 "a data file, which renders every page again)")
    thousand = next((r for r in results.get("growth", []) if r["pages"] == 1000), None)
    if thousand:
        line(thousand["full_rss"] < 1024, f"1,000-page build < 1 GiB peak: {thousand['full_rss']:.0f} MB")
    for name, t in results.get("reader", {}).get("transfer", {}).items():
        line(t["gzip_bytes"] <= 350 * 1024, f"first visit of the home page ≤ 350 KB ({name}): {t['gzip_bytes'] / 1024:.0f} KB")
    search = results.get("reader", {}).get("search")
    if search:
        line(search["median_ms"] < 100, f"search < 100 ms at {search['pages']} pages: median {search['median_ms']:.0f} ms")
    return out


def summary(results: dict) -> str:
    o = results.get("overhead", {})
    big = next((r for r in results.get("growth", []) if r["indicators"] == 10000), {})
    big_pages = next((r for r in results.get("growth", []) if r["pages"] == 1000), {})
    nan = float("nan")
    return (f"overhead_ratio={o.get('wall_ratio', nan):.2f} check_10k_s={big.get('check_min', nan):.2f} "
            f"build_1000_rss_mb={big_pages.get('full_rss', nan):.0f}")


