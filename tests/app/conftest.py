"""AppTest fixtures: the small champion model, the app's environment, and a page opener."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.app.small_model import LendscopeEnv, shared_env

APP = Path(__file__).resolve().parents[2] / "app.py"
TIMEOUT = 180


@pytest.fixture(scope="session")
def lendscope_env(tmp_path_factory: pytest.TempPathFactory) -> LendscopeEnv:
    return shared_env(tmp_path_factory)


@pytest.fixture()
def app_env(lendscope_env: LendscopeEnv, monkeypatch: pytest.MonkeyPatch) -> Iterator[LendscopeEnv]:
    """The app pointed at the small model's registry for the length of one test."""
    for name, value in lendscope_env.variables().items():
        monkeypatch.setenv(name, value)
    yield lendscope_env


@pytest.fixture(scope="session", autouse=True)
def _fresh_caches() -> Iterator[None]:
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def open_page(page: str) -> AppTest:
    """Run the app, switch to ``pages/<page>.py`` and run it; fails on any exception."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    if page != "overview":
        at.switch_page(f"pages/{page}.py")
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    """Every KPI card on the page: label -> shown value."""
    return {m.label: m.value for m in at.metric}
