"""The SHAP sample stored with a model: contributions for up to ``rows`` holdout rows.

Uses the explanation module (``model.explain.explain``); when it is not installed the bundle
is returned unchanged. The sample frame holds ``id``, the feature values under their names,
``shap__<feature>`` contributions on the margin, ``base_value`` and ``margin``; the mean
absolute contribution per feature becomes the evaluation's importance table.
"""

from __future__ import annotations

import importlib.util
from dataclasses import replace

import numpy as np
import pandas as pd

from model.bundle import ModelBundle

SHAP_PREFIX = "shap__"


def attach_shap_sample(bundle: ModelBundle, *, rows: int, random_state: int = 0) -> ModelBundle:
    """A copy of ``bundle`` with ``shap_sample`` and the importance table filled in."""
    if rows <= 0 or bundle.holdout.empty or importlib.util.find_spec("model.explain") is None:
        return bundle
    from model.explain import explain

    rng = np.random.default_rng(random_state)
    n = min(rows, len(bundle.holdout))
    picked = np.sort(rng.choice(len(bundle.holdout), size=n, replace=False))
    sample = bundle.holdout.iloc[picked].reset_index(drop=True)
    explanation = explain(bundle, sample)
    values = np.asarray(explanation.values, dtype=np.float64)
    names = [str(f) for f in explanation.feature_names]
    frame = sample[["id", *[f for f in names if f in sample.columns]]].copy()
    for j, name in enumerate(names):
        frame[SHAP_PREFIX + name] = values[:, j]
    frame["base_value"] = float(np.asarray(explanation.base_value, dtype=np.float64).ravel()[0])
    frame["margin"] = np.asarray(explanation.margin, dtype=np.float64)
    importance = pd.DataFrame({"feature": names, "mean_abs_shap": np.abs(values).mean(axis=0)})
    importance = importance.sort_values("mean_abs_shap", ascending=False, ignore_index=True)
    evaluation = (
        None if bundle.evaluation is None else bundle.evaluation.with_importance(importance)
    )
    return replace(bundle, shap_sample=frame, evaluation=evaluation)
