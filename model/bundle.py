"""``ModelBundle``: a trained model with everything needed to score, explain and replay it.

A bundle is immutable. It is produced by :func:`model.train.train_model` and saved and loaded
by :class:`model.registry.Registry`. Scoring goes through :meth:`ModelBundle.prepare`, which
selects the features by name in training order, casts them and encodes them exactly as in
training (unseen categories: the pooled ``"__other__"`` level for native categoricals, the
training bad rate for target-encoded ones, a neutral weight of evidence for the logistic
baseline).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd

from data.spec import DatasetSpec, spec_from_mapping
from model.algorithms import native_margin
from model.calibration import Calibrator
from model.encoding import TreeEncoder
from model.evaluation import Evaluation
from model.features import FeatureSchema, cast_features
from model.scale import ScoreScale


@dataclass(frozen=True)
class ModelBundle:
    """A trained, calibrated credit model and its evaluation.

    Attributes
    ----------
    model_id : str
        Registry id, e.g. ``synthetic_sme-xgboost-20260101T120000-1a2b``.
    algorithm : {"xgboost", "lightgbm", "logistic"}
    spec : DatasetSpec
        The dataset spec as trained: features after the leakage and constant-column guards.
    schema : FeatureSchema
        Per-feature training profile and reference distributions for drift checks.
    estimator : xgboost.Booster, lightgbm.Booster or WoeLogistic
        The fitted model; its margin is the bad-class log-odds.
    encoder : TreeEncoder or None
        Column-wise categorical encoding of tree models; None for the logistic baseline.
    calibrator : PlattCalibrator or IsotonicCalibrator
        Monotone increasing map from margin to PD.
    scale : ScoreScale
        PD to points and bands.
    metadata : Mapping
        Parsed ``metadata.json`` (empty until the bundle is saved or loaded).
    holdout : DataFrame
        The test split scored by this model (columns in ``docs/modelling.md``).
    model_sha256 : str
        sha256 of the saved model file (empty before saving).
    evaluation : Evaluation or None
        Held-out metrics and tables.
    shap_sample : DataFrame or None
        Feature values and contributions (``shap__<feature>`` columns) for up to 2,000
        holdout rows.
    """

    model_id: str
    algorithm: str
    spec: DatasetSpec
    schema: FeatureSchema
    estimator: Any
    encoder: TreeEncoder | None
    calibrator: Calibrator
    scale: ScoreScale
    metadata: Mapping[str, Any] = field(default_factory=dict)
    holdout: pd.DataFrame = field(default_factory=pd.DataFrame)
    model_sha256: str = ""
    evaluation: Evaluation | None = None
    shap_sample: pd.DataFrame | None = None

    @property
    def feature_names(self) -> tuple[str, ...]:
        """Model features in training order."""
        return self.spec.feature_names

    def prepare(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Model-ready features of ``frame``: by name, training order, training dtypes, encoded.

        Tree models get numeric float64 columns, categoricals with the training level list and
        target-encoded floats (one column per spec feature); the logistic baseline gets the cast
        features (its weight-of-evidence step is inside the estimator).

        Raises
        ------
        LendscopeError
            When ``frame`` lacks model features (listed).
        """
        X = cast_features(frame, self.spec)
        return X if self.encoder is None else self.encoder.transform(X)

    def margin_from_prepared(self, prepared: pd.DataFrame) -> np.ndarray:
        """Raw log-odds of shape (n_samples,) from :meth:`prepare` output."""
        return native_margin(self.algorithm, self.estimator, prepared)

    def predict_margin(self, frame: pd.DataFrame) -> np.ndarray:
        """Raw log-odds of the underlying model, shape (n_samples,): what TreeSHAP explains."""
        return self.margin_from_prepared(self.prepare(frame))

    def pd_from_margin(self, margin: np.ndarray) -> np.ndarray:
        """Calibrated PD of shape (n_samples,) for margins."""
        return np.asarray(self.calibrator.predict(margin), dtype=np.float64)

    def predict_pd(self, frame: pd.DataFrame) -> np.ndarray:
        """Calibrated probability of default, shape (n_samples,), fraction in (0, 1)."""
        return self.pd_from_margin(self.predict_margin(frame))

    def score(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``margin``, ``pd``, ``points`` and ``band`` per row of ``frame`` (same index)."""
        margin = self.predict_margin(frame)
        pd_ = self.pd_from_margin(margin)
        points = self.scale.points(pd_)
        return pd.DataFrame(
            {"margin": margin, "pd": pd_, "points": points, "band": self.scale.band(points)},
            index=frame.index,
        )

    def linear_contributions(self, frame: pd.DataFrame) -> tuple[np.ndarray, float]:
        """Exact per-feature margin contributions of the logistic baseline.

        Returns
        -------
        values : ndarray of shape (n_samples, n_features)
            Log-odds contribution of each spec feature, training order.
        base_value : float
            Base plus a row's values equals :meth:`predict_margin` exactly.

        Raises
        ------
        TypeError
            For tree models (explain those with TreeSHAP on :meth:`prepare` output).
        """
        if self.algorithm != "logistic":
            raise TypeError(
                f"`linear_contributions` needs a logistic model; got {self.algorithm!r}. "
                "Use TreeSHAP on `prepare(frame)` for tree models."
            )
        return self.estimator.contributions(cast_features(frame, self.spec))


def spec_to_mapping(spec: DatasetSpec) -> dict[str, Any]:
    """A JSON-ready mapping that :func:`data.spec.spec_from_mapping` turns back into ``spec``."""
    raw: dict[str, Any] = {}
    for f in fields(spec):
        value = getattr(spec, f.name)
        if f.name == "features":
            value = [asdict(feature) for feature in value]
        elif f.name == "baseline":
            value = asdict(value)
        elif f.name == "economics":
            value = dict(value)
        elif isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, np.generic):
            value = value.item()
        raw[f.name] = value
    return raw


def spec_from_json(raw: Mapping[str, Any]) -> DatasetSpec:
    """Inverse of :func:`spec_to_mapping`."""
    return spec_from_mapping(raw, source=str(raw.get("source", "")))
