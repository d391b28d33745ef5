"""A headless Chromium for the traffic page's tests: the system's own (Debian's ``chromium``
package), driven by Playwright from PyPI with ``executable_path``, so nothing is downloaded.

Locally, a missing browser or driver skips the tests and says what to install. On CI (``CI`` is
true, or ``CLAUDE_FAKE_REQUIRE_BROWSER=1``, which ``.ci/run`` sets) it fails them instead: the
page is then tested, never silently skipped."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL = "apt-get install chromium (Debian), and pip install -e '.[dev]' (playwright)"


def required() -> bool:
    """Whether a missing browser fails the test rather than skipping it."""
    ci = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")
    return ci or os.environ.get("CLAUDE_FAKE_REQUIRE_BROWSER", "") not in ("", "0")


def unavailable(reason: str) -> None:
    """Skip (locally) or fail (on CI) for ``reason``."""
    text = f"the traffic page's browser tests cannot run: {reason}. Install: {INSTALL}."
    if required():
        pytest.fail(text, pytrace=False)
    pytest.skip(text)


def executable() -> str | None:
    """The Chromium to drive: ``CLAUDE_FAKE_CHROMIUM``, else the first one on ``PATH``."""
    given = os.environ.get("CLAUDE_FAKE_CHROMIUM")
    if given:
        return given
    return next((found for name in NAMES if (found := shutil.which(name))), None)


@contextmanager
def chromium() -> Iterator[Any]:
    """A launched headless Chromium (a Playwright ``Browser``)."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        unavailable("the Python package playwright is not installed")
    path = executable()
    if path is None:
        unavailable(f"no Chromium on PATH (looked for {', '.join(NAMES)})")
    args = ["--disable-dev-shm-usage"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium's sandbox refuses to run as root (CI runs so)
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=path, args=args)
        except Error as exc:
            unavailable(f"{path} did not start: {str(exc).splitlines()[0]}")
        try:
            yield browser
        finally:
            browser.close()
