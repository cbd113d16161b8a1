"""Headless Chromium for the HTML report: the tests and `scripts/screenshot_report.py` share this.

Chromium is Debian's package (`apt-get install chromium`), driven by Playwright's Python package
with `executable_path`; Playwright's own browser download is never used. `.ci/run` installs
Chromium when it is missing. Where it cannot be had the browser tests skip with the reason,
except under CI (`CI` set), where they fail.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 1600}


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def unavailable_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if chromium_path() is None:
        return "Chromium is not installed (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    return None


def require_browser() -> None:
    """Skip the calling test, loudly, when Chromium cannot be had; under CI, fail instead."""
    import pytest

    reason = unavailable_reason()
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run the browser tests (.ci/run installs Chromium)")
    pytest.skip(f"browser test skipped: {reason}")


@dataclass
class PageLog:
    """What the page did: console messages, uncaught errors, and every URL it requested."""

    console: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    @property
    def console_errors(self) -> list[str]:
        return [text for kind, text in self.console if kind == "error"] + self.errors


@contextmanager
def open_report(html: Path, javascript: bool = True, user_data_dir: Path | None = None) -> Iterator[tuple[Any, PageLog]]:
    """Open a report file in headless Chromium with a fresh profile; yields (page, log)."""
    from playwright.sync_api import sync_playwright

    chromium = chromium_path()
    assert chromium is not None, unavailable_reason()
    log = PageLog()
    with tempfile.TemporaryDirectory(prefix="tos-check-chromium-") as fresh, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(user_data_dir or fresh), executable_path=chromium, headless=True, args=CHROMIUM_ARGS,
            viewport=VIEWPORT, java_script_enabled=javascript, device_scale_factor=1,
        )
        try:
            context.on("request", lambda request: log.requests.append(request.url))
            page = context.new_page()
            page.on("console", lambda message: log.console.append((message.type, message.text)))
            page.on("pageerror", lambda error: log.errors.append(str(error)))
            page.goto(html.resolve().as_uri(), wait_until="load")
            yield page, log
        finally:
            context.close()


def screenshot(html: Path, out: Path, full_page: bool = False) -> PageLog:
    """Save a PNG of the report as a reviewer first sees it."""
    with open_report(html) as (page, log):
        page.screenshot(path=str(out), full_page=full_page)
    return log
