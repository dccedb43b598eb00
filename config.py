"""Lendscope's settings: one typed object, read from ``LENDSCOPE_*`` environment variables.

Entry points (``app.py`` and the ``python -m data|model|simulation`` commands) build it
once with :func:`load_settings` and pass the values they need down; domain code never
reads the environment itself.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent


class Settings(BaseSettings):
    """Where Lendscope keeps things and how much it accepts.

    Every field can be set with an environment variable named ``LENDSCOPE_`` plus the
    field name in capitals, for example ``LENDSCOPE_REGISTRY_DIR=/srv/models``.
    """

    model_config = SettingsConfigDict(env_prefix="LENDSCOPE_", frozen=True, extra="ignore")

    registry_dir: Path = Field(
        default=PROJECT_ROOT / "model" / "registry",
        description="Folder holding one sub-folder per trained model and the champion pointer.",
    )
    data_dir: Path = Field(
        default=PROJECT_ROOT / "var" / "data",
        description="Folder for generated datasets (the synthetic default is cached here).",
    )
    pakdd_dir: Path = Field(
        default=PROJECT_ROOT.parent / "shared" / "data" / "pakdd2010",
        description="Folder holding the PAKDD 2010 files (never copied into the repository).",
    )
    runs_dir: Path = Field(
        default=PROJECT_ROOT / "var" / "runs",
        description="Folder for the audit log of scoring runs.",
    )
    synthetic_rows: int = Field(default=50_000, ge=100, description="Rows of the default dataset.")
    synthetic_seed: int = Field(default=0, description="Seed of the default dataset.")
    max_upload_mb: float = Field(default=100.0, gt=0, description="Largest accepted CSV, in MB.")
    max_columns: int = Field(default=2_000, ge=1, description="Most columns accepted in a CSV.")
    max_rows: int = Field(default=2_000_000, ge=1, description="Most data rows accepted in a CSV.")
    max_cell_chars: int = Field(default=10_000, ge=1, description="Longest accepted cell, chars.")

    @property
    def max_upload_bytes(self) -> int:
        """Largest accepted CSV in bytes."""
        return int(self.max_upload_mb * 1_000_000)


def load_settings() -> Settings:
    """Build the settings from the environment; call once per process and pass it down."""
    return Settings()
