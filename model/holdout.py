"""The holdout frame: the test split as scored by a model, what the simulator replays.

Columns: ``id`` (string), ``pd``, ``margin``, ``points``, ``band``, ``outcome`` (0/1, 1 = bad),
``amount`` (float, the spec's amount column or its default amount), ``date`` (when the spec
has a date column), then under their original names the segment columns, the protected
attributes, the baseline rule's column and the model features. A source column whose name
is one of the core column names above is not repeated.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.dataset import Dataset
from data.spec import DatasetSpec
from model.features import as_number, as_text

CORE_COLUMNS: tuple[str, ...] = (
    "id",
    "pd",
    "margin",
    "points",
    "band",
    "outcome",
    "amount",
    "date",
)


def build_holdout(
    dataset: Dataset,
    spec: DatasetSpec,
    rows: np.ndarray,
    margin: np.ndarray,
    pd_: np.ndarray,
    points: np.ndarray,
    band: np.ndarray,
    outcome: np.ndarray,
) -> pd.DataFrame:
    """Assemble the holdout frame for the test ``rows`` (positions in ``dataset.frame``).

    ``spec`` is the spec as trained (features after the guards); the other arrays are of
    shape (len(rows),) in the same order.
    """
    source = dataset.frame.iloc[rows]
    out = pd.DataFrame(
        {
            "id": dataset.ids.iloc[rows].astype("string").to_numpy(),
            "pd": np.asarray(pd_, dtype=np.float64),
            "margin": np.asarray(margin, dtype=np.float64),
            "points": np.asarray(points, dtype=np.float64),
            "band": np.asarray(band).astype(str),
            "outcome": np.asarray(outcome, dtype=np.int8),
            "amount": dataset.amounts[rows].astype(np.float64),
        }
    )
    out["id"] = out["id"].astype("string")
    if spec.date_column is not None:
        out["date"] = pd.to_datetime(source[spec.date_column], errors="coerce").to_numpy()
    extra = [*spec.segments, *spec.protected]
    if spec.baseline.column:
        extra.append(spec.baseline.column)
    kinds = {f.name: f.kind for f in spec.features}
    for name in [*extra, *spec.feature_names]:
        if name in out.columns or name in CORE_COLUMNS or name not in source.columns:
            continue
        column = source[name].reset_index(drop=True)
        if kinds.get(name) == "numeric":
            out[name] = as_number(column).to_numpy()
        elif kinds.get(name) == "categorical" or column.dtype == object:
            out[name] = as_text(column).astype("string").to_numpy()
        else:
            out[name] = column.to_numpy()
    return out
