"""The only home of Streamlit caching: every heavy result is computed once and reused.

Keys are small: the registry folder, a model id, frozen parameter dataclasses (``Economics``,
policies, scenarios) and the sha256 of uploaded bytes. Large inputs are passed as
underscore arguments, which Streamlit does not hash. Cached values are read-only: callers
never mutate them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from config import Settings, load_settings
from simulation.book import Book, book_from_holdout
from simulation.bootstrap import CurveBands, bootstrap_curve
from simulation.cashflow import LoanValues, loan_values
from simulation.curve import ProfitCurve, profit_curve
from simulation.economics import Economics

BOOTSTRAP_RESAMPLES = 200
SAMPLE_ROWS = 1_000
"""Held-out applicants in the sample file: enough for a drift verdict above sampling noise."""
BOOTSTRAP_SEED = 0


def sha256(data: bytes) -> str:
    """Hex sha256 of uploaded bytes: the cache key of everything computed from an upload."""
    return hashlib.sha256(data).hexdigest()


@st.cache_resource
def limit_blas_threads() -> bool:
    """Use one BLAS thread in the app process, once.

    The simulator's dot products run over arrays of a few thousand values: on a shared
    two-core machine, waking BLAS worker threads costs far more (tens of milliseconds per
    product) than the product itself.
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
    return True


@st.cache_resource
def settings() -> Settings:
    """Lendscope's settings, read from the environment once per process."""
    return load_settings()


# ---------------------------------------------------------------- registry and models


@dataclass(frozen=True)
class ModelRow:
    """One registered model as the sidebar and the Models page list it."""

    model_id: str
    algorithm: str
    dataset: str
    created: str
    auc: float
    verified: bool


def _registry_stamp(root: Path) -> tuple[tuple[str, float], ...]:
    """Names and modification times of the registry's entries: changes when models change."""
    if not root.is_dir():
        return ()
    return tuple(sorted((p.name, p.stat().st_mtime) for p in root.iterdir()))


def registry_stamp() -> tuple[tuple[str, float], ...]:
    """Cheap fingerprint of the registry folder, passed to cached listings as their key."""
    return _registry_stamp(Path(settings().registry_dir))


def _registry(root: str) -> Any:
    from model.registry import Registry

    return Registry(Path(root))


@st.cache_data(max_entries=8, show_spinner=False)
def model_listing(
    root: str, stamp: tuple[tuple[str, float], ...]  # noqa: ARG001 - the cache key
) -> tuple[list[ModelRow], str | None]:
    """Registered models, newest first, and the champion's id (None when none is promoted).

    ``stamp`` (from :func:`registry_stamp`) changes whenever a model is added or promoted,
    which refreshes the listing.
    """
    registry = _registry(root)
    rows = [
        ModelRow(
            model_id=entry.model_id,
            algorithm=entry.algorithm,
            dataset=entry.dataset,
            created=entry.created,
            auc=float("nan") if entry.test_auc is None else float(entry.test_auc),
            verified=entry.verified,
        )
        for entry in registry.list()
    ]
    rows.sort(key=lambda row: row.created, reverse=True)
    return rows, registry.champion_id()


@st.cache_resource(max_entries=4, show_spinner="Opening the model…")
def bundle(root: str, model_id: str) -> Any:
    """The verified model bundle ``model_id`` (read-only, shared by every session)."""
    return _registry(root).load(model_id)


def open_bundle(model_id: str) -> Any:
    """The bundle of ``model_id`` from the configured registry."""
    return bundle(str(settings().registry_dir), model_id)


# ---------------------------------------------------------------- simulation


@st.cache_resource(max_entries=4, show_spinner=False)
def book(root: str, model_id: str) -> Book:
    """The model's held-out applicants as a simulation book."""
    loaded = bundle(root, model_id)
    return book_from_holdout(loaded.holdout, loaded.spec)


def open_book(model_id: str) -> Book:
    """The book of ``model_id`` from the configured registry."""
    return book(str(settings().registry_dir), model_id)


@st.cache_data(max_entries=16, show_spinner=False)
def values(root: str, model_id: str, economics: Economics) -> LoanValues:
    """Money per held-out applicant under ``economics``."""
    return loan_values(book(root, model_id), economics)


@st.cache_data(max_entries=16, show_spinner="Computing the profit curve…")
def curve(root: str, model_id: str, economics: Economics, on: str) -> ProfitCurve:
    """The profit curve over every cut-off, computed once per model, economics and axis."""
    return profit_curve(book(root, model_id), economics, on=on,  # type: ignore[arg-type]
                        values=values(root, model_id, economics))


@st.cache_data(max_entries=16, show_spinner="Bootstrapping the uncertainty band…")
def bands(root: str, model_id: str, economics: Economics, on: str) -> CurveBands:
    """Seeded bootstrap bands of :func:`curve`."""
    return bootstrap_curve(curve(root, model_id, economics, on),
                           n_resamples=BOOTSTRAP_RESAMPLES, random_state=BOOTSTRAP_SEED)


@st.cache_data(max_entries=16, show_spinner=False)
def curve_table(root: str, model_id: str, economics: Economics, on: str,
                max_points: int = 400) -> pd.DataFrame:
    """The curve with its bands, thinned to about ``max_points`` rows for charts."""
    full = bands(root, model_id, economics, on).to_frame(curve(root, model_id, economics, on))
    n = len(full)
    if n <= max_points:
        return full
    best = int(np.nanargmax(full["net_profit"].to_numpy()))
    rows = np.unique(np.r_[np.linspace(0, n - 1, max_points).astype(int), best])
    return full.iloc[rows].reset_index(drop=True)


@dataclass(frozen=True)
class PolicyView:
    """Everything the simulator shows for one policy: results, swap set, screens, replay."""

    result: Any
    baseline: Any
    swap: pd.DataFrame
    inclusion: pd.DataFrame
    fairness: pd.DataFrame
    replay: pd.DataFrame
    thin_file_label: str


@st.cache_data(max_entries=64, show_spinner=False)
def policy_view(root: str, model_id: str, economics: Economics, policy: Any) -> PolicyView:
    """Result of ``policy`` and its comparison with the dataset's baseline rule."""
    from simulation.fairness import fairness_screen
    from simulation.policy import BaselinePolicy, evaluate
    from simulation.replay import replay
    from simulation.swap import inclusion, missing_mask, swap_set

    the_book = book(root, model_id)
    money = values(root, model_id, economics)
    rule = bundle(root, model_id).spec.baseline
    baseline = BaselinePolicy(rule)
    if rule.column:
        group = missing_mask(the_book, rule.column)
        label = f"Applicants without {rule.column}"
    else:
        group = np.ones(the_book.n, dtype=bool)
        label = "All applicants"
    return PolicyView(
        result=evaluate(the_book, economics, policy, values=money),
        baseline=evaluate(the_book, economics, baseline, values=money),
        swap=swap_set(the_book, economics, policy, baseline, values=money).to_frame(),
        inclusion=inclusion(the_book, economics, {"Your policy": policy, "Baseline": baseline},
                            group, group_label=label, values=money),
        fairness=fairness_screen(the_book, economics, policy, values=money),
        replay=replay(the_book, economics, policy, baseline, values=money).to_frame(max_points=300),
        thin_file_label=label,
    )


@st.cache_data(max_entries=32, show_spinner="Running stress scenarios…")
def scenarios(root: str, model_id: str, economics: Economics, policy: Any) -> pd.DataFrame:
    """The standard stress scenarios for ``policy``, side by side."""
    from simulation.scenarios import compare_scenarios

    return compare_scenarios(book(root, model_id), economics, policy)


@st.cache_data(max_entries=16, show_spinner=False)
def baseline_result(root: str, model_id: str, economics: Economics) -> Any:
    """What the dataset's baseline rule (today's policy) earns on the held-out applicants."""
    from simulation.policy import BaselinePolicy, evaluate

    rule = bundle(root, model_id).spec.baseline
    return evaluate(book(root, model_id), economics, BaselinePolicy(rule),
                    values=values(root, model_id, economics))


@st.cache_data(max_entries=64, show_spinner=False)
def refer_result(root: str, model_id: str, economics: Economics, policy: Any) -> Any:
    """Result of a two-cut-off policy with a manual-review lane."""
    from simulation.policy import evaluate

    return evaluate(book(root, model_id), economics, policy,
                    values=values(root, model_id, economics))


@st.cache_data(max_entries=32, show_spinner=False)
def memo(root: str, model_id: str, economics: Economics, policy: Any) -> tuple[str, str, str]:
    """Strategy JSON, memo Markdown and memo HTML for ``policy`` (built on request)."""
    from simulation.memo import build_memo
    from simulation.strategy import Strategy

    loaded = bundle(root, model_id)
    view = policy_view(root, model_id, economics, policy)
    the_bands = bands(root, model_id, economics, getattr(policy, "on", "pd"))
    the_curve = curve(root, model_id, economics, getattr(policy, "on", "pd"))
    cutoff = getattr(policy, "cutoff", None)
    band = None
    if cutoff is not None:
        at = the_bands.at(the_curve, cutoff)
        band = (at["profit_low"], at["profit_high"])
    from simulation.swap import swap_set

    swap = swap_set(book(root, model_id), economics, policy,
                    _baseline_policy(loaded.spec.baseline),
                    values=values(root, model_id, economics))
    strategy = Strategy(model_id=model_id, model_sha256=str(loaded.model_sha256),
                        economics=economics, policy=policy, baseline=loaded.spec.baseline,
                        dataset=loaded.spec.name)
    built = build_memo(title=loaded.spec.title, model_id=model_id, economics=economics,
                       result=view.result, baseline=view.baseline, swap=swap,
                       fairness=view.fairness, profit_band=band)
    return strategy.to_json(), built.markdown, built.html


def _baseline_policy(rule: Any) -> Any:
    from simulation.policy import BaselinePolicy

    return BaselinePolicy(rule)


@st.cache_resource(max_entries=2, show_spinner="Loading the dataset…")
def builtin_dataset(name: str, data_dir: str, pakdd_dir: str, rows: int, seed: int) -> Any:
    """A built-in dataset (generated once for synthetic_sme); read-only."""
    from data.dataset import load_dataset

    return load_dataset(name, data_dir=Path(data_dir), pakdd_dir=Path(pakdd_dir),
                        synthetic_rows=rows, synthetic_seed=seed)


def open_builtin_dataset(name: str) -> Any:
    """The built-in dataset ``name`` with the configured folders and size."""
    config = settings()
    return builtin_dataset(name, str(config.data_dir), str(config.pakdd_dir),
                           config.synthetic_rows, config.synthetic_seed)


def registry() -> Any:
    """The configured registry (cheap to build; used for actions: save, promote, verify)."""
    return _registry(str(settings().registry_dir))


@st.cache_data(max_entries=8, show_spinner=False)
def model_card(root: str, model_id: str) -> str:
    """The model card Markdown of ``model_id``."""
    from model.card import render_model_card

    return render_model_card(bundle(root, model_id))


# ---------------------------------------------------------------- explanations


@dataclass(frozen=True, eq=False)
class WhatIf:
    """One applicant scored and explained: PD, points, band and contributions (log-odds)."""

    pd: float
    points: float
    band: str
    margin: float
    base_value: float
    contributions: pd.Series
    additive: bool
    reasons: tuple[str, ...]
    reference: str


@st.cache_resource(max_entries=8, show_spinner="Explaining the approved applicants…")
def reason_reference(root: str, model_id: str, approve_max_pd: float) -> Any:
    """The approved holdout applicants that reasons are measured against (read-only)."""
    from model.reasons import reason_reference as build

    return build(bundle(root, model_id), approve_max_pd)


def default_cutoff(root: str, model_id: str) -> float:
    """The profit-optimal PD cut-off under the dataset's default economics."""
    from simulation.economics import economics_from_spec

    the_curve = curve(root, model_id, economics_from_spec(bundle(root, model_id).spec), "pd")
    return float(the_curve.cutoff[the_curve.optimal_index])


@st.cache_data(max_entries=64, show_spinner=False)
def what_if(root: str, model_id: str, values: tuple[tuple[str, Any], ...],
            approve_max_pd: float) -> WhatIf:
    """Score and explain one applicant given as ``(feature, value)`` pairs (hashable key).

    Reasons compare the applicant with the holdout applicants approved at ``approve_max_pd``.
    """
    from model.explain import explain
    from model.features import cast_features
    from model.reasons import top_reasons

    loaded = bundle(root, model_id)
    frame = pd.DataFrame({name: [value] for name, value in values})
    scored = loaded.score(frame)
    explanation = explain(loaded, frame, threads=1)
    reference = reason_reference(root, model_id, approve_max_pd)
    reasons = top_reasons(explanation, cast_features(frame, loaded.spec), loaded.spec,
                          reference)[0]
    return WhatIf(
        pd=float(scored["pd"].iloc[0]),
        points=float(scored["points"].iloc[0]),
        band=str(scored["band"].iloc[0]),
        margin=float(explanation.margin[0]),
        base_value=float(explanation.base_value),
        contributions=pd.Series(explanation.values[0], index=list(explanation.feature_names)),
        additive=bool(explanation.additive_ok[0]),
        reasons=tuple(reason.statement for reason in reasons),
        reference=reference.population,
    )


# ---------------------------------------------------------------- uploads


def limits() -> Any:
    """The ingestion gate's limits from the settings."""
    from data.ingest import IngestLimits

    return IngestLimits.from_settings(settings())


@st.cache_resource(max_entries=8, show_spinner="Reading the file…")
def read_upload(digest: str, _data: bytes) -> Any:  # noqa: ARG001 - digest is the cache key
    """The gate's report on uploaded bytes read as text columns (keyed on their sha256).

    A resource (not copied): the report holds read-only mappings that do not pickle, and
    callers never change it. Identical bytes give the identical report to anyone.
    """
    from data.ingest import ingest

    return ingest(_data, None, limits=limits())


@st.cache_resource(max_entries=16, show_spinner=False)
def infer_upload_spec(digest: str, _data: bytes, name: str, target: str, id_column: str | None,
                      amount_column: str | None) -> Any:
    """The dataset spec inferred from an upload for the chosen target, id and amount."""
    from data.user_csv import infer_spec

    report = read_upload(digest, _data)
    return infer_spec(report.frame, target=target, id_column=id_column,
                      amount_column=amount_column, name=name)


@st.cache_data(max_entries=8, show_spinner=False)
def sample_csv(root: str, model_id: str, rows: int = SAMPLE_ROWS) -> bytes:
    """A sample applicants file for the model: held-out rows with the id and features only."""
    from data.export import to_safe_csv_bytes

    loaded = bundle(root, model_id)
    spec = loaded.spec
    frame = loaded.holdout.head(rows)
    columns = {"id": spec.id_column or "id"}
    out = frame[["id", *spec.feature_names]].rename(columns=columns)
    return to_safe_csv_bytes(out)


@st.cache_resource(max_entries=8, show_spinner=False)
def scored_upload(root: str, model_id: str, digest: str,  # noqa: ARG001 - the cache key
                  policy: Any, reasons: int, _data: bytes, _progress: Any = None) -> Any:
    """Score uploaded bytes (keyed on their sha256 and the policy); the ``ScoredBatch``.

    A resource (computed once, shared read-only): the batch holds mappings that do not
    pickle. The run is appended to the audit log in the runs folder once.
    """
    from model.scoring import score_batch

    return score_batch(bundle(root, model_id), _data, policy, reasons=reasons,
                       progress=_progress, limits=limits(), runs_dir=Path(settings().runs_dir))


@st.cache_resource(max_entries=8, show_spinner=False)
def upload_features(root: str, model_id: str, digest: str, _data: bytes) -> Any:  # noqa: ARG001
    """The valid rows of an upload, typed by the model's rules, with their file lines."""
    from data.ingest import ingest
    from model.scoring import rules_from_bundle

    return ingest(_data, rules_from_bundle(bundle(root, model_id)), limits=limits())
