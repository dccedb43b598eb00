"""Latency of the lending simulator: from moving the cut-off to the KPI cards updating.

``python -m benchmarks.app_latency [--moves 30] [--registry DIR]`` starts ``streamlit run
app.py`` headless on a free port against the configured registry (its champion, the default
model ``make run`` trains; with no model there, a small model is trained into a temporary
registry first and the output says so), opens the Lending simulator in headless Chromium
(1280 px), and moves the cut-off slider with the keyboard, alternating between its two ends
so that every move changes the approval rate. Each sample is the browser-side time from the
key press to the "Approval rate" card showing a new value. The profit curve and its bootstrap
band are computed once when the page first opens (not timed). The last line is one JSON
object with the median and 90th percentile in milliseconds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
from pathlib import Path

from config import load_settings

GOAL_MEDIAN_MS = 300.0

ARM_JS = """() => {
    window.__lendscopeLatency = null;
    const value = () => {
        const cards = [...document.querySelectorAll('[data-testid="stMetric"]')];
        const card = cards.find(c => c.innerText.startsWith('Approval rate'));
        return card ? card.querySelector('[data-testid="stMetricValue"]').innerText : null;
    };
    const before = value();
    const input = document.querySelector('[data-testid="stSlider"] input[type="range"]');
    input.addEventListener('keydown', () => { window.__lendscopeStart = performance.now(); },
                           {once: true});
    const root = document.querySelector('[data-testid="stMain"]') || document.body;
    const observer = new MutationObserver(() => {
        const now = value();
        if (window.__lendscopeStart != null && now !== null && now !== before) {
            window.__lendscopeLatency = performance.now() - window.__lendscopeStart;
            window.__lendscopeStart = null;
            observer.disconnect();
        }
    });
    observer.observe(root, {subtree: true, childList: true, characterData: true});
    return before;
}"""


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def measure(url: str, moves: int) -> dict[str, object]:
    """Open the simulator at ``url`` and time ``moves`` cut-off moves; the samples in ms."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, wait_idle

    samples: list[float] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(180_000)
        page.goto(f"{url}/lending_simulator")
        page.wait_for_selector('[data-testid="stSlider"] input[type="range"]')
        wait_idle(page)
        slider = page.locator('[data-testid="stSlider"] input[type="range"]').first
        for i in range(moves + 2):
            page.evaluate(ARM_JS)
            slider.focus()
            slider.press("Home" if i % 2 == 0 else "End")
            page.wait_for_function("() => window.__lendscopeLatency !== null", timeout=60_000)
            latency = float(page.evaluate("() => window.__lendscopeLatency"))
            wait_idle(page)
            if i >= 2:  # the first moves warm the per-cut-off caches of both ends
                samples.append(latency)
        browser.close()
    return {"samples_ms": samples}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=30)
    parser.add_argument("--registry", type=Path, default=None)
    args = parser.parse_args()

    from tests.app.small_model import LendscopeEnv, build_env
    from tests.browser.conftest import free_port, start_server, wait_healthy

    settings = load_settings()
    registry = args.registry or settings.registry_dir
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        from model.registry import Registry

        champion = Registry(registry).champion_id() if registry.is_dir() else None
        if champion is None:
            print(f"No champion model in {registry}; training a small model for the benchmark.")
            env = build_env(root)
            model_note = "small test model (no champion in the registry)"
        else:
            env = LendscopeEnv(root=root, registry_dir=registry, data_dir=settings.data_dir,
                               runs_dir=root / "runs", model_id=champion)
            model_note = "champion"
        port = free_port()
        log = root / "streamlit.log"
        process = start_server(env, port, log)
        try:
            wait_healthy(f"http://127.0.0.1:{port}", process, log)
            result = measure(f"http://127.0.0.1:{port}", args.moves)
        finally:
            process.terminate()
            process.wait(timeout=10)
        samples = result["samples_ms"]
        median = statistics.median(samples)
        p90 = _percentile(samples, 0.9)
        print(f"model {env.model_id} ({model_note}); {len(samples)} moves")
        print(f"cut-off move -> KPI update: median {median:.0f} ms, p90 {p90:.0f} ms, "
              f"min {min(samples):.0f} ms, max {max(samples):.0f} ms (goal: median < "
              f"{GOAL_MEDIAN_MS:.0f} ms)")
        print(json.dumps({
            "benchmark": "app_latency",
            "model_id": env.model_id,
            "model": model_note,
            "moves": len(samples),
            "median_ms": round(median, 1),
            "p90_ms": round(p90, 1),
            "min_ms": round(min(samples), 1),
            "max_ms": round(max(samples), 1),
            "goal_median_ms": GOAL_MEDIAN_MS,
            "meets_goal": median < GOAL_MEDIAN_MS,
            "cpus": os.cpu_count(),
            "load_avg_1m": round(os.getloadavg()[0], 2),
            "python": platform.python_version(),
        }))


if __name__ == "__main__":
    main()
