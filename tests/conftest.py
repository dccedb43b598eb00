"""Shared test fixtures: settings and the external resources some tests need.

Under ``CI=true`` a missing resource (the PAKDD 2010 files, the Chromium browser) fails
the test with a message naming what is missing; elsewhere such tests are skipped.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from config import load_settings

CHROMIUM = Path("/usr/bin/chromium")


def in_ci() -> bool:
    """True when running under continuous integration (``CI=true``)."""
    return os.environ.get("CI", "").lower() == "true"


def require(available: bool, what: str) -> None:
    """Skip the calling test when ``what`` is unavailable, or fail under CI."""
    if available:
        return
    if in_ci():
        pytest.fail(f"{what} is required under CI=true but is missing", pytrace=False)
    pytest.skip(f"{what} is missing")


@pytest.fixture(scope="session")
def pakdd_dir() -> Path:
    """Folder of the PAKDD 2010 files (``LENDSCOPE_PAKDD_DIR`` or ``../shared``)."""
    directory = load_settings().pakdd_dir
    require(
        (directory / "PAKDD2010_Modeling_Data.txt").is_file(),
        f"PAKDD 2010 data (PAKDD2010_Modeling_Data.txt in {directory}; set LENDSCOPE_PAKDD_DIR)",
    )
    return directory


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Debian's Chromium, which the browser tests drive through Playwright."""
    require(CHROMIUM.is_file(), f"Chromium at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM
