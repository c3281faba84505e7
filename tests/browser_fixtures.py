"""Session fixtures for browser tests: the built site on a loopback server, and Debian's chromium.

A pytest plugin (listed in conftest's ``pytest_plugins``) so any test module can take them: one server
and one browser per session, on top of the session's one build (``built_site``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from macros.publish.pdf import launch_chromium, serve_directory


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """The session's build served by a threaded http.server on 127.0.0.1 at an ephemeral port."""
    with serve_directory(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's /usr/bin/chromium through Playwright, with a fresh profile; never a downloaded browser."""
    from playwright.sync_api import sync_playwright  # a dev requirement: missing, the suite fails, never skips

    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            yield browser
        finally:
            browser.close()
