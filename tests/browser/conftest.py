"""Browser fixtures: a real ``streamlit run app.py`` on a free port and headless Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.app.small_model import LendscopeEnv, shared_env
from tests.conftest import require

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _require_browser() -> None:
    problems = []
    if not CHROMIUM.is_file():
        problems.append(f"Chromium is missing at {CHROMIUM} (apt-get install -y chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problems.append("the Python package playwright is not installed")
    require(not problems, "Browser tests need " + "; ".join(problems))


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, process: subprocess.Popen, log: Path, timeout: float = 90.0) -> None:
    """Poll Streamlit's health endpoint until it answers ok; fail with the server's output."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = log.read_text(errors="replace") if log.is_file() else ""
            raise RuntimeError(f"streamlit exited with {process.returncode}:\n{output}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not become healthy at {url} within {timeout} s")


def start_server(env: LendscopeEnv, port: int, log: Path) -> subprocess.Popen:
    """``streamlit run app.py`` headless on ``port`` with the Lendscope folders of ``env``.

    The server's output goes to ``log`` (a pipe nobody reads would fill and stall it).
    """
    process_env = {**os.environ, **env.variables()}
    with log.open("w") as sink:
        return subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", "app.py",
                "--server.port", str(port), "--server.headless", "true",
                "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
            ],
            cwd=ROOT,
            env=process_env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )


@pytest.fixture(scope="session")
def lendscope_env(tmp_path_factory: pytest.TempPathFactory) -> LendscopeEnv:
    _require_browser()
    return shared_env(tmp_path_factory)


@pytest.fixture(scope="session")
def app_url(lendscope_env: LendscopeEnv) -> Iterator[str]:
    port = free_port()
    log = lendscope_env.root / f"streamlit_{port}.log"
    process = start_server(lendscope_env, port, log)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@dataclass
class Session:
    """One browser tab on the app, with every JavaScript dialog it raised."""

    page: Any
    url: str
    dialogs: list[str] = field(default_factory=list)

    def open(self, path: str = "") -> Any:
        """Go to a page of the app and wait until its script has run."""
        self.page.goto(f"{self.url}/{path}")
        self.page.wait_for_selector('[data-testid="stSidebar"]', timeout=60_000)
        wait_idle(self.page)
        return self.page

    def metric(self, label: str) -> str:
        """The value shown on the KPI card ``label``."""
        card = self.page.locator('[data-testid="stMetric"]').filter(
            has=self.page.locator('[data-testid="stMetricLabel"]', has_text=label)).first
        return card.locator('[data-testid="stMetricValue"]').inner_text()


IDLE_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const state = app ? app.getAttribute('data-test-script-state') : 'initial';
    const busy = state !== 'notRunning' || document.querySelector('[data-testid="stSpinner"]');
    const now = performance.now();
    if (busy) { window.__lendscopeIdleSince = null; return false; }
    window.__lendscopeIdleSince = window.__lendscopeIdleSince || now;
    return now - window.__lendscopeIdleSince > 600;
}"""


def wait_idle(page: Any, timeout: float = 180_000) -> None:
    """Wait until the app's script has finished (Streamlit's own ``data-test-script-state``)."""
    page.evaluate("() => { window.__lendscopeIdleSince = null; }")
    page.wait_for_function(IDLE_JS, timeout=timeout, polling=100)


@pytest.fixture()
def session(browser: Any, app_url: str) -> Iterator[Session]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    tab = Session(page=page, url=app_url)
    page.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    yield tab
    context.close()
