"""Summary figures of a dataset, as printed by ``python -m data describe``."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
from sklearn.metrics import roc_auc_score

from data.dataset import Dataset


def describe(dataset: Dataset) -> dict[str, Any]:
    """Headline figures of ``dataset``.

    Returns
    -------
    dict
        ``name``, ``rows``, ``columns``, ``target``, ``bad_rate`` (share of bad outcomes),
        ``features`` (count by kind), ``missing_share`` (share of missing cells among the
        feature columns); with an oracle column also ``oracle_auc`` (AUC of the true PD
        against the outcome); with a baseline rule column also ``thin_file_share`` (share
        of applicants with no value in that column, e.g. no bureau record).
    """
    spec = dataset.spec
    frame = dataset.frame
    y = dataset.y
    summary: dict[str, Any] = {
        "name": spec.name,
        "rows": int(len(frame)),
        "columns": int(frame.shape[1]),
        "target": spec.target,
        "bad_rate": round(float(y.mean()), 4) if len(y) else float("nan"),
        "features": dict(Counter(f.kind for f in spec.features)),
        "missing_share": round(float(dataset.X.isna().to_numpy().mean()), 4),
    }
    oracle = dataset.oracle
    if oracle is not None and len(np.unique(y)) == 2:
        summary["oracle_auc"] = round(float(roc_auc_score(y, oracle)), 4)
    if spec.baseline.column and spec.baseline.column in frame.columns:
        summary["thin_file_share"] = round(float(frame[spec.baseline.column].isna().mean()), 4)
    return summary
