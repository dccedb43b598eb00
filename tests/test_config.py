"""Settings come from LENDSCOPE_* environment variables, typed and validated."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from config import PROJECT_ROOT, Settings, load_settings


def test_defaults_point_inside_the_project(monkeypatch):
    for name in ("REGISTRY_DIR", "DATA_DIR", "PAKDD_DIR", "MAX_UPLOAD_MB"):
        monkeypatch.delenv(f"LENDSCOPE_{name}", raising=False)
    settings = load_settings()
    assert settings.registry_dir == PROJECT_ROOT / "model" / "registry"
    assert settings.pakdd_dir == PROJECT_ROOT.parent / "shared" / "data" / "pakdd2010"
    assert settings.max_upload_bytes == 100_000_000


def test_environment_overrides_and_types(monkeypatch, tmp_path):
    monkeypatch.setenv("LENDSCOPE_REGISTRY_DIR", str(tmp_path))
    monkeypatch.setenv("LENDSCOPE_MAX_UPLOAD_MB", "2.5")
    settings = load_settings()
    assert settings.registry_dir == Path(tmp_path)
    assert settings.max_upload_bytes == 2_500_000


def test_invalid_values_are_refused(monkeypatch):
    monkeypatch.setenv("LENDSCOPE_MAX_COLUMNS", "0")
    with pytest.raises(ValidationError, match="max_columns"):
        load_settings()


def test_settings_are_frozen():
    settings = Settings()
    with pytest.raises(ValidationError):
        settings.max_rows = 5  # type: ignore[misc]
