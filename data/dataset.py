"""The one ``Dataset`` type every source loads into, and the loader that dispatches by name.

Built-in names are ``synthetic_sme`` (generated, cached as Parquet under ``data_dir``) and
``pakdd2010`` (read from ``pakdd_dir``). Any other argument is a path to a labelled CSV,
read through the ingestion gate, whose spec is inferred from its columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from data.errors import DatasetError
from data.spec import DatasetSpec, load_spec


@dataclass(frozen=True)
class Dataset:
    """A credit dataset: the frame and the spec describing its columns.

    ``frame`` is never mutated after loading; take copies to change it.
    """

    frame: pd.DataFrame
    spec: DatasetSpec

    @property
    def X(self) -> pd.DataFrame:
        """Model features, in spec order."""
        return self.frame.loc[:, list(self.spec.feature_names)]

    @property
    def y(self) -> np.ndarray:
        """Outcome of shape (n_samples,), int8: 1 for bad (the spec's bad label), 0 for good."""
        return (self.frame[self.spec.target] == self.spec.bad_label).to_numpy(dtype=np.int8)

    @property
    def ids(self) -> pd.Series:
        """Applicant ids as text (row positions when the spec names no id column)."""
        if self.spec.id_column is None:
            return pd.Series(np.arange(len(self.frame)).astype(str), index=self.frame.index)
        return self.frame[self.spec.id_column].astype("string")

    @property
    def amounts(self) -> np.ndarray:
        """Loan amount per applicant of shape (n_samples,), float64, in the spec's currency."""
        if self.spec.amount_column is not None:
            values = pd.to_numeric(self.frame[self.spec.amount_column], errors="coerce")
            fallback = self.spec.default_amount if self.spec.default_amount is not None else 0.0
            return values.fillna(fallback).to_numpy(dtype=np.float64)
        return np.full(len(self.frame), float(self.spec.default_amount or 0.0))

    @property
    def oracle(self) -> np.ndarray | None:
        """True PD per applicant (synthetic data only), else None."""
        if self.spec.oracle_column is None:
            return None
        return self.frame[self.spec.oracle_column].to_numpy(dtype=np.float64)

    def __len__(self) -> int:
        return len(self.frame)


BUILTIN_DATASETS: tuple[str, ...] = ("synthetic_sme", "pakdd2010")


def synthetic_path(data_dir: Path, rows: int, seed: int) -> Path:
    """Where the generated synthetic dataset of ``rows`` rows and ``seed`` is cached."""
    return Path(data_dir) / f"synthetic_sme_{rows}_seed{seed}.parquet"


def load_synthetic(data_dir: Path, *, rows: int, seed: int) -> Dataset:
    """Load the synthetic dataset, generating and caching it on first use."""
    from data.synthetic import generate_sme

    path = synthetic_path(data_dir, rows, seed)
    if path.is_file():
        frame = pd.read_parquet(path)
    else:
        frame = generate_sme(rows, random_state=seed)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".parquet.partial")
        frame.to_parquet(partial, index=False)
        partial.replace(path)
    spec = load_spec("synthetic_sme")
    spec.validate_frame(frame)
    return Dataset(frame=frame, spec=spec)


def load_pakdd2010(directory: Path) -> Dataset:
    """Load the labelled PAKDD 2010 modelling file from ``directory``."""
    from data.pakdd import read_pakdd

    frame = read_pakdd(Path(directory), "modeling")
    spec = load_spec("pakdd2010")
    spec.validate_frame(frame)
    return Dataset(frame=frame, spec=spec)


def load_dataset(
    name_or_path: str | Path,
    *,
    data_dir: Path,
    pakdd_dir: Path,
    synthetic_rows: int = 50_000,
    synthetic_seed: int = 0,
    target: str | None = None,
    id_column: str | None = None,
    amount_column: str | None = None,
) -> Dataset:
    """Load a built-in dataset by name or a labelled CSV by path.

    Parameters
    ----------
    name_or_path : str or Path
        ``synthetic_sme``, ``pakdd2010`` or the path of a labelled CSV file.
    data_dir, pakdd_dir : Path
        Cache folder for generated data; folder of the PAKDD 2010 files.
    target, id_column, amount_column : str, optional
        For a CSV: the outcome column (required), the id and the loan amount columns.
    """
    name = str(name_or_path)
    if name == "synthetic_sme":
        return load_synthetic(data_dir, rows=synthetic_rows, seed=synthetic_seed)
    if name == "pakdd2010":
        return load_pakdd2010(pakdd_dir)
    path = Path(name_or_path)
    if not path.is_file():
        raise DatasetError(
            f"Dataset {name!r} is neither a built-in dataset {list(BUILTIN_DATASETS)} "
            "nor an existing CSV file; check the name or the path."
        )
    if target is None:
        raise DatasetError(
            f"`--target` is required for a CSV dataset ({path.name}): name its outcome column."
        )
    from data.user_csv import load_user_csv

    return load_user_csv(
        path, target=target, id_column=id_column, amount_column=amount_column
    )
