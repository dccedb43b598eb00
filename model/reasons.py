"""Principal reasons per applicant, in words a loan officer can repeat.

The reference population
------------------------
Reasons say why an applicant scores worse than the applicants the lender approves. The
reference is the model's holdout (the test split, scored by the final model) restricted to
the applicants the current policy approves (``pd <= approve_max_pd``); when fewer than
:data:`MIN_REFERENCE_ROWS` holdout applicants are approved, the safest
:data:`MIN_REFERENCE_ROWS` are used instead. For each feature the reference keeps the mean
contribution (log-odds) of those applicants and their typical value (median of a numeric
feature, most common category of a categorical one).

An applicant's adverse contribution of feature ``j`` is ``phi_ij - mean_ref_j``: how much more
that feature pushes this applicant's log-odds of default up than it does for the average
approved applicant. Because contributions add up to the margin, these adverse contributions
add up to the applicant's margin minus the approved applicants' mean margin, which is positive
for every declined or referred applicant, so at least one reason always exists.

Reasons are the features with the largest positive adverse contribution (at least
:data:`MIN_ADVERSE` log-odds), at most ``k`` (default 4, the Regulation B guidance), never a
protected attribute, ties broken by feature name so that column order never matters. Each
becomes a statement from the spec: ``"<description>: <applicant value>; approved
applicants' median: <reference value>"`` (categorical: "most common among approved
applicants").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from data.spec import DatasetSpec, FeatureSpec
from model.explain import Explanation

DEFAULT_REASONS = 4
MAX_REASONS = 10
MIN_ADVERSE = 0.01
"""Smallest adverse contribution (log-odds) reported as a reason."""
MIN_REFERENCE_ROWS = 50


@dataclass(frozen=True)
class ReasonReference:
    """The approved applicants reasons are measured against.

    Attributes
    ----------
    population : str
        Plain description, e.g. "1,234 holdout applicants approved at PD <= 8.0%".
    rows : int
        Applicants in the reference.
    feature_names : tuple of str
        Model features, in model order.
    mean_contribution : ndarray of shape (n_features,)
        Their mean contribution per feature, log-odds.
    typical : Mapping[str, object]
        Their median (numeric) or most common category (categorical) per feature.
    """

    population: str
    rows: int
    feature_names: tuple[str, ...]
    mean_contribution: np.ndarray
    typical: Mapping[str, object]


def reference_from(explanation: Explanation, X: pd.DataFrame, spec: DatasetSpec,
                   population: str) -> ReasonReference:
    """A reference from explained applicants ``X`` (cast features) and a description."""
    typical: dict[str, object] = {}
    for name in explanation.feature_names:
        column = X[name]
        if spec.feature(name).kind == "numeric":
            values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64)
            finite = values[np.isfinite(values)]
            typical[name] = float(np.median(finite)) if finite.size else float("nan")
        else:
            counts = column.dropna().astype(str).value_counts()
            typical[name] = str(counts.index[0]) if len(counts) else None
    mean = explanation.values.mean(axis=0) if len(explanation) else np.zeros(
        len(explanation.feature_names))
    mean.setflags(write=False)
    return ReasonReference(
        population=population,
        rows=len(explanation),
        feature_names=explanation.feature_names,
        mean_contribution=mean,
        typical=typical,
    )


def reason_reference(bundle: Any, approve_max_pd: float) -> ReasonReference:
    """The reference population of ``bundle``: its holdout applicants approved at the cut-off.

    Parameters
    ----------
    bundle : model.bundle.ModelBundle
    approve_max_pd : float
        The policy's approval cut-off, PD as a fraction.
    """
    from model.explain import explain
    from model.features import cast_features

    holdout = bundle.holdout
    if holdout is None or holdout.empty:
        raise ValueError(
            "`bundle.holdout` must hold the scored test split to build the reason reference; "
            "got an empty holdout. Retrain the model."
        )
    pd_ = holdout["pd"].to_numpy(dtype=np.float64)
    approved = np.flatnonzero(pd_ <= approve_max_pd)
    description = f"{len(approved):,} holdout applicants approved at PD <= {approve_max_pd:.1%}"
    if len(approved) < MIN_REFERENCE_ROWS:
        approved = np.argsort(pd_, kind="stable")[: min(MIN_REFERENCE_ROWS, len(pd_))]
        description = (f"the {len(approved):,} lowest-PD holdout applicants (fewer than "
                       f"{MIN_REFERENCE_ROWS} are approved at PD <= {approve_max_pd:.1%})")
    rows = holdout.iloc[np.sort(approved)]
    explanation = explain(bundle, rows)
    return reference_from(explanation, cast_features(rows, bundle.spec), bundle.spec,
                          description)


@dataclass(frozen=True)
class Reason:
    """One principal reason: the feature, the statement and its adverse contribution."""

    feature: str
    statement: str
    adverse: float


def adverse_contributions(explanation: Explanation, reference: ReasonReference) -> np.ndarray:
    """``phi_ij - mean_ref_j`` of shape (n_rows, n_features), log-odds, by feature name."""
    position = {name: j for j, name in enumerate(reference.feature_names)}
    order = [position[name] for name in explanation.feature_names]
    return explanation.values - reference.mean_contribution[order]


def statement(feature: FeatureSpec, value: object, typical: object) -> str:
    """The plain-language reason for ``feature`` at the applicant's ``value``."""
    own = feature.format_value(value)
    if feature.kind == "numeric":
        return (f"{feature.description}: {own}; approved applicants' median: "
                f"{feature.format_value(typical)}")
    return (f"{feature.description}: {own}; most common among approved applicants: "
            f"{feature.format_value(typical)}")


def top_reasons(
    explanation: Explanation,
    X: pd.DataFrame,
    spec: DatasetSpec,
    reference: ReasonReference,
    *,
    k: int = DEFAULT_REASONS,
) -> list[tuple[Reason, ...]]:
    """Up to ``k`` reasons per explained row, most adverse first.

    Parameters
    ----------
    explanation : Explanation
        Contributions of the rows, shape (n_rows, n_features).
    X : DataFrame of shape (n_rows, n_features)
        The same rows' cast feature values (for the statements), matched by name.
    spec : DatasetSpec
        Descriptions, formats and protected attributes.
    reference : ReasonReference
    k : int, default 4
        Most reasons per row (1 to 10).

    Returns
    -------
    list of tuple of Reason
        One tuple per row; rows whose margin is not above the reference's have none.
    """
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 1 <= k <= MAX_REASONS:
        raise ValueError(f"`k` must be an integer from 1 to {MAX_REASONS}; got {k!r}.")
    names = explanation.feature_names
    if len(explanation) == 0:
        return []
    adverse = adverse_contributions(explanation, reference)
    protected = set(spec.protected)
    allowed = np.array([n not in protected for n in names])
    masked = np.where(allowed & (adverse >= MIN_ADVERSE), adverse, -np.inf)
    # Sort by adverse contribution, ties by feature name: independent of column order.
    name_rank = np.argsort(np.argsort(np.array(names, dtype=object)))
    ranks = np.broadcast_to(name_rank, masked.shape)
    order = np.lexsort((ranks, -masked), axis=-1)[:, :k]
    specs = {n: spec.feature(n) for n in names}
    columns = {n: X[n].to_numpy() for n in names}
    best = np.argmax(np.where(allowed, adverse, -np.inf), axis=1)
    result: list[tuple[Reason, ...]] = []
    for i in range(order.shape[0]):
        picked = [j for j in order[i] if np.isfinite(masked[i, j])]
        if not picked and adverse[i, best[i]] > 0 and allowed[best[i]]:
            picked = [int(best[i])]
        result.append(tuple(
            Reason(
                feature=names[j],
                statement=statement(specs[names[j]], columns[names[j]][i],
                                    reference.typical.get(names[j])),
                adverse=float(adverse[i, j]),
            )
            for j in picked
        ))
    return result


def reason_frame(reasons: Sequence[tuple[Reason, ...]], k: int, *, n_rows: int | None = None,
                 rows: np.ndarray | None = None) -> pd.DataFrame:
    """``reason_1`` .. ``reason_k`` columns of statements (empty text where there is none).

    With ``rows`` (positions of the explained rows among ``n_rows``), the other rows get no
    reasons.
    """
    total = len(reasons) if n_rows is None else n_rows
    positions = np.arange(len(reasons)) if rows is None else np.asarray(rows, dtype=np.intp)
    data = {f"reason_{r + 1}": np.full(total, "", dtype=object) for r in range(k)}
    for position, row in zip(positions, reasons, strict=True):
        for r, reason in enumerate(row[:k]):
            data[f"reason_{r + 1}"][position] = reason.statement
    return pd.DataFrame(data)
