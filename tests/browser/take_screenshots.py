"""Screenshots of every page at 1280 px in headless Chromium, into docs/screenshots/.

    python -m tests.browser.take_screenshots [--registry DIR] [--out DIR]

Uses the configured registry (``LENDSCOPE_REGISTRY_DIR`` or the project's default) unless
``--registry`` names another; with an empty registry it trains the small test model first
into a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from config import load_settings
from tests.app.small_model import LendscopeEnv, build_env
from tests.browser.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    free_port,
    start_server,
    wait_healthy,
)

PAGES = ("overview", "score_applicants", "explain", "lending_simulator", "model_performance",
         "models")


def _env(registry: Path | None, scratch: Path) -> LendscopeEnv:
    settings = load_settings()
    folder = registry or settings.registry_dir
    if folder.is_dir() and any(p.is_dir() and not p.name.startswith(".") for p in folder.iterdir()):
        return LendscopeEnv(root=scratch, registry_dir=folder, data_dir=settings.data_dir,
                            runs_dir=scratch / "runs", model_id="")
    return build_env(scratch)


def _prepare(page: object, name: str) -> None:
    """Bring each page to a state worth showing."""
    if name == "score_applicants":
        page.get_by_role("button", name="Score the sample file").click()
        page.get_by_text("Scored applicants").wait_for(timeout=120_000)
    if name == "lending_simulator":
        page.get_by_text("Show the replay").click()


def _fit_to_content(page: object) -> None:
    """Grow the viewport to the page's content: Streamlit scrolls inside its main block."""
    bottom = ("() => { const b = document.querySelector("
              "'[data-testid=\"stMainBlockContainer\"]');"
              " return b ? b.getBoundingClientRect().bottom : document.body.scrollHeight; }")
    for _ in range(2):
        height = page.evaluate(
            "() => Math.max(...[...document.querySelectorAll('*')].map(e => e.scrollHeight))")
        page.set_viewport_size({"width": 1280, "height": min(int(height) + 40, 12_000)})
        page.wait_for_timeout(800)
    page.set_viewport_size({"width": 1280, "height": min(int(page.evaluate(bottom)) + 20, 12_000)})
    page.wait_for_timeout(800)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registry", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import wait_idle

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        env = _env(args.registry, Path(scratch))
        port = free_port()
        log = Path(scratch) / "streamlit.log"
        os.environ["STREAMLIT_THEME_BASE"] = args.theme
        process = start_server(env, port, log)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(url, process, log)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                     headless=True, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.set_default_timeout(120_000)
                for name in PAGES:
                    page.set_viewport_size({"width": 1280, "height": 900})
                    page.goto(f"{url}/{name}")
                    page.wait_for_selector('[data-testid="stSidebar"]')
                    wait_idle(page)
                    _prepare(page, name)
                    wait_idle(page)
                    page.wait_for_timeout(1500)
                    _fit_to_content(page)
                    suffix = "" if args.theme == "light" else "_dark"
                    path = args.out / f"{name}{suffix}.png"
                    page.screenshot(path=str(path), full_page=True)
                    print(path)
                browser.close()
        finally:
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
