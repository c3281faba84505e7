"""The comments register page in Debian's chromium: on a desktop (1366×768) and a phone (360×740) nothing
scrolls sideways, axe finds no serious or critical fault, each comment reaches its section and each
section's count reaches its comments. Screenshots go to artifacts/screenshots/ (not committed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .test_reader_browser import SHOTS, new_context

pytestmark = [pytest.mark.browser, pytest.mark.build]

VIEWPORTS = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 360, "height": 740}}
REGISTER = "gop-y/"


@pytest.mark.parametrize("name", sorted(VIEWPORTS))
def test_register_page_fits_and_is_accessible(chromium: Any, site_url: str, name: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    context = new_context(chromium, site_url, viewport=VIEWPORTS[name])
    page = context.new_page()
    page.goto(site_url + REGISTER, wait_until="load")
    rows = page.locator(".hb-register tbody tr[id^=gy-c-]")
    assert rows.count() == 7
    assert page.locator(".hb-reg-totals").is_visible()
    sizes = page.evaluate("({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,"
                          " table: document.querySelector('.hb-register').scrollWidth,"
                          " frame: document.querySelector('.hb-register').clientWidth})")
    assert sizes["scroll"] <= sizes["client"], sizes
    assert sizes["table"] <= sizes["frame"], f"the register itself does not scroll sideways either: {sizes}"
    totals = page.evaluate("(w => ({scroll: w.scrollWidth, client: w.clientWidth}))"
                           "(document.querySelector('.hb-reg-totals'))")
    assert totals["scroll"] <= totals["client"] + 1, f"the totals' last columns are not hidden sideways: {totals}"
    # On a phone one comment is one card: its fields are not ruled off from each other like separate rows.
    ruled = page.evaluate("[...document.querySelectorAll('.hb-register tbody tr[id^=gy-c-] td')]"
                          ".filter(td => parseFloat(getComputedStyle(td).borderTopWidth) > 0).length")
    assert name == "desktop" or ruled == 0, ruled
    violations = [(v["id"], v["impact"], v["nodes"][0]["target"]) for v in Axe().run(page).response["violations"]
                  if v["impact"] in ("serious", "critical")]
    assert not violations, violations
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"register-{name}.png"))
    page.locator(".hb-register").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"register-table-{name}.png"))
    context.close()


def test_a_comment_leads_to_its_section_and_the_section_count_back(chromium: Any, site_url: str) -> None:
    context = new_context(chromium, site_url, viewport=VIEWPORTS["phone"])
    page = context.new_page()
    page.goto(site_url + REGISTER, wait_until="load")
    page.locator("#gy-c-hn22-luat-dat-dai a.hb-reg__section").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("phan-2/giai-phap/#dat-dai-do-thi")
    count = page.locator("h2#dat-dai-do-thi + p.hb-comment-count a")
    assert count.inner_text() == "3 ý kiến góp ý"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "section-count-phone.png"))
    count.click()
    page.wait_for_load_state("load")
    assert page.url.endswith(REGISTER + "#gy-phan-2-giai-phap-dat-dai-do-thi")
    assert page.locator("#gy-phan-2-giai-phap-dat-dai-do-thi").is_visible()
    context.close()


def test_section_counts_are_left_out_of_print(chromium: Any, site_url: str) -> None:
    context = new_context(chromium, site_url)
    page = context.new_page()
    page.goto(site_url + "phan-2/giai-phap/", wait_until="load")
    page.emulate_media(media="print")
    assert not page.locator("p.hb-comment-count").first.is_visible()
    context.close()


def test_artifacts_folder_is_not_committed() -> None:
    assert Path(SHOTS).parts[-2:] == ("artifacts", "screenshots")
