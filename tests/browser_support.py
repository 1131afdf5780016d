"""Headless Chromium for the report tests: the system's Chromium driven by Selenium.

No network: the binaries are Debian's ``chromium`` and ``chromium-driver``
(installed by ``.ci/chromium.sh`` in CI), passed by path, so Selenium never
looks for a driver to download. Outside CI the browser tests skip, naming what
is missing; in CI (``CI=true``) a missing browser is an error.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

CHROMIUM_ENV = "PARINDEX_CHROMIUM"
CHROMEDRIVER_ENV = "PARINDEX_CHROMEDRIVER"
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--window-size=1100,900",
    "--force-device-scale-factor=1",
)


def _find(env: str, *names: str) -> str | None:
    if os.environ.get(env):
        return os.environ[env]
    return next((found for name in names if (found := shutil.which(name))), None)


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: .ci/chromium.sh should have installed it)")
    pytest.skip(f"{reason}; install with: apt-get install chromium chromium-driver")


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium WebDriver with a fresh profile, browser console logs enabled."""
    try:
        from selenium import webdriver  # noqa: PLC0415 - optional, skips with a reason
        from selenium.webdriver.chrome.service import Service  # noqa: PLC0415
    except ImportError:
        _unavailable("selenium is not installed (pip install 'parindex[browser]')")
    binary = _find(CHROMIUM_ENV, "chromium", "chromium-browser", "google-chrome")
    driver_path = _find(CHROMEDRIVER_ENV, "chromedriver")
    if binary is None:
        _unavailable("no Chromium binary found")
    if driver_path is None:
        _unavailable("no chromedriver found")
    profile = tempfile.mkdtemp(prefix="parindex-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
