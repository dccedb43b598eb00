"""Calibrators: monotone increasing maps from a model's margin (log-odds) to a PD.

Fitted on out-of-fold margins of the training split, so the map sees the same kind of scores
it will see at prediction time, and on the true outcomes without resampling, so PDs are right
on the real base rate.

* Platt: ``pd = 1 / (1 + exp(-(a * margin + b)))`` with ``a > 0``; smooth, keeps the ranking.
* Isotonic: a non-decreasing step function of the margin (ties may merge close scores).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import minimize
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.isotonic import IsotonicRegression
from sklearn.utils.validation import check_is_fitted

from data.errors import LendscopeError

CALIBRATION_METHODS: tuple[str, ...] = ("platt", "isotonic")


def _check(margin: ArrayLike, y: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    m = np.asarray(margin, dtype=np.float64).ravel()
    t = np.asarray(y, dtype=np.float64).ravel()
    if m.size != t.size or m.size == 0:
        raise LendscopeError(
            f"`margin` and `y` must be non-empty and equal length; got {m.size}, {t.size}."
        )
    if not np.isfinite(m).all():
        raise LendscopeError("`margin` must be finite; got NaN or infinite values.")
    if not np.isin(t, (0.0, 1.0)).all() or t.min() == t.max():
        raise LendscopeError("`y` must hold 0 and 1, both present, to fit a calibrator.")
    return m, t


class PlattCalibrator(RegressorMixin, BaseEstimator):
    """Logistic map ``pd = sigmoid(a * margin + b)``, ``a > 0``, fitted by maximum likelihood."""

    def fit(self, margin: ArrayLike, y: ArrayLike) -> PlattCalibrator:
        """Fit ``a`` and ``b`` on margins of shape (n_samples,) and outcomes (1 = bad)."""
        m, t = _check(margin, y)

        def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
            z = np.exp(theta[0]) * m + theta[1]
            p = 1.0 / (1.0 + np.exp(-z))
            nll = float(np.sum(np.logaddexp(0.0, z) - t * z))
            g = p - t
            return nll, np.array([float(np.sum(g * m) * np.exp(theta[0])), float(np.sum(g))])

        start = np.array([0.0, 0.0])
        result = minimize(loss, start, jac=True, method="L-BFGS-B")
        self.a_ = float(np.exp(result.x[0]))
        self.b_ = float(result.x[1])
        return self

    def predict(self, margin: ArrayLike) -> np.ndarray:
        """PD of shape (n_samples,) for margins."""
        check_is_fitted(self, "a_")
        z = self.a_ * np.asarray(margin, dtype=np.float64) + self.b_
        return 1.0 / (1.0 + np.exp(-z))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fitted state."""
        check_is_fitted(self, "a_")
        return {"method": "platt", "a": self.a_, "b": self.b_}


class IsotonicCalibrator(RegressorMixin, BaseEstimator):
    """Non-decreasing step map from margin to PD (PAV), clipped to [1e-6, 1 - 1e-6]."""

    def fit(self, margin: ArrayLike, y: ArrayLike) -> IsotonicCalibrator:
        """Fit on margins of shape (n_samples,) and outcomes (1 = bad)."""
        m, t = _check(margin, y)
        model = IsotonicRegression(
            y_min=1e-6, y_max=1 - 1e-6, increasing=True, out_of_bounds="clip"
        )
        model.fit(m, t)
        self.x_ = np.asarray(model.X_thresholds_, dtype=np.float64)
        self.y_ = np.asarray(model.y_thresholds_, dtype=np.float64)
        return self

    def predict(self, margin: ArrayLike) -> np.ndarray:
        """PD of shape (n_samples,) by linear interpolation between fitted thresholds."""
        check_is_fitted(self, "x_")
        return np.interp(np.asarray(margin, dtype=np.float64), self.x_, self.y_)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fitted state."""
        check_is_fitted(self, "x_")
        return {"method": "isotonic", "x": self.x_.tolist(), "y": self.y_.tolist()}


Calibrator = PlattCalibrator | IsotonicCalibrator


def make_calibrator(method: str) -> Calibrator:
    """An unfitted calibrator by name (``platt`` or ``isotonic``)."""
    if method == "platt":
        return PlattCalibrator()
    if method == "isotonic":
        return IsotonicCalibrator()
    raise LendscopeError(
        f"`calibration` must be one of {list(CALIBRATION_METHODS)}; got {method!r}."
    )


def calibrator_from_dict(raw: Mapping[str, Any]) -> Calibrator:
    """Rebuild a fitted calibrator from its ``to_dict`` output."""
    method = raw.get("method")
    if method == "platt":
        cal = PlattCalibrator()
        cal.a_ = float(raw["a"])
        cal.b_ = float(raw["b"])
        if not cal.a_ > 0:
            raise LendscopeError(f"Platt slope `a` must be positive; got {cal.a_!r}.")
        return cal
    if method == "isotonic":
        iso = IsotonicCalibrator()
        iso.x_ = np.asarray(raw["x"], dtype=np.float64)
        iso.y_ = np.asarray(raw["y"], dtype=np.float64)
        if np.any(np.diff(iso.x_) < 0) or np.any(np.diff(iso.y_) < 0):
            raise LendscopeError("Isotonic calibrator thresholds must be non-decreasing.")
        return iso
    raise LendscopeError(
        f"Calibrator `method` must be one of {list(CALIBRATION_METHODS)}; got {method!r}."
    )
