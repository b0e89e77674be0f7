"""A real headless Chromium (Debian's `chromium`), driven by Playwright. Where it is missing the set-up installs it
when it can (apt, as root); with no browser the tests skip with one loud line, and under CI=true they fail."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest


def _chromium() -> str | None:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-q", "chromium"], capture_output=True, timeout=900, check=False)
        found = shutil.which("chromium")
    return found


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        why = "NO BROWSER: the browser tests need Playwright (pip install -e .[dev])"
        pytest.fail(why) if os.environ.get("CI") == "true" else pytest.skip(why)
    chromium = _chromium()
    if sync_playwright is None or chromium is None:
        why = "NO BROWSER: the browser tests need Playwright (pip) and Debian's chromium (apt install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(why)
        pytest.skip(why)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
        yield launched
        launched.close()
