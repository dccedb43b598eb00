"""Batch scoring: a CSV of applicants in, PD, points, band, decision and reasons out.

Every file goes through the ingestion gate with rules built from the model itself
(:func:`rules_from_bundle`): columns are matched by name (extras are reported and ignored),
values outside the spec's hard limits reject the row, values outside the training range and
categories never seen in training are warnings (unseen categories are scored as the model
was trained to score unknowns). The file is read chunk by chunk (bounded memory, progress
callback); each chunk is scored, fed to the drift accumulator and, for the applicants that
need them, explained (exact contributions, additivity checked on every row) and given
reasons. One JSON line per run is appended to ``runs_dir/scoring_runs.jsonl``.
"""

from __future__ import annotations

import hashlib
import io
import json
import secrets
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from data.errors import LendscopeError
from data.export import to_safe_csv_bytes
from data.ingest import ColumnRule, IngestError, IngestLimits, IngestReport, ingest_chunks
from data.ingest.gate import ReportBuilder, refused_report
from model.drift import DriftAccumulator, DriftReport
from model.explain import explain_prepared
from model.features import cast_features
from model.reasons import DEFAULT_REASONS, MAX_REASONS, reason_frame, reason_reference, top_reasons

RUN_LOG = "scoring_runs.jsonl"
CHUNK_BYTES = 8 * 1024 * 1024
"""Text bytes per chunk (about 40,000 rows of 30 columns)."""
DECISIONS: tuple[str, ...] = ("approve", "refer", "decline")
ReasonsFor = Literal["declined", "all"]


@dataclass(frozen=True)
class DecisionPolicy:
    """Approve at PD <= ``approve_max_pd``; refer up to ``refer_max_pd`` (if set); else decline.

    Parameters
    ----------
    approve_max_pd : float
        Highest PD approved, fraction in (0, 1).
    refer_max_pd : float or None
        Highest PD referred to an analyst, at least ``approve_max_pd``; None for no referrals.
    """

    approve_max_pd: float
    refer_max_pd: float | None = None

    def __post_init__(self) -> None:
        a = self.approve_max_pd
        if isinstance(a, bool) or not isinstance(a, int | float) or not 0.0 < a < 1.0:
            raise LendscopeError(
                f"`approve_max_pd` must be a PD between 0 and 1, e.g. 0.08; got {a!r}."
            )
        r = self.refer_max_pd
        if r is not None and (isinstance(r, bool) or not isinstance(r, int | float)
                              or not a <= r < 1.0):
            raise LendscopeError(
                f"`refer_max_pd` must be a PD from `approve_max_pd` ({a!r}) to 1, or None; "
                f"got {r!r}."
            )

    def decide(self, pd_: np.ndarray) -> np.ndarray:
        """Decision per applicant, shape (n,): ``"approve"``, ``"refer"`` or ``"decline"``."""
        return np.asarray(DECISIONS, dtype=object)[self.decision_codes(pd_)]

    def decision_codes(self, pd_: np.ndarray) -> np.ndarray:
        """Position in :data:`DECISIONS` of each applicant's decision, shape (n,), int64."""
        p = np.asarray(pd_, dtype=np.float64)
        refer = self.approve_max_pd if self.refer_max_pd is None else self.refer_max_pd
        return np.where(p <= self.approve_max_pd, 0, np.where(p <= refer, 1, 2)).astype(np.int64)


def rules_from_bundle(bundle: Any) -> tuple[ColumnRule, ...]:
    """Ingestion rules for files scored by ``bundle``.

    Features are required; the spec's physical limits are hard (a value outside rejects the
    row); the training range is soft (a warning); training categories are known categories
    (an unseen one is a warning). The id column is optional text (line numbers stand in
    when it is absent), duplicates warn.
    """
    rules: list[ColumnRule] = []
    for feature in bundle.spec.features:
        profile = bundle.schema.feature(feature.name)
        if feature.kind == "numeric":
            rules.append(ColumnRule(
                name=feature.name, kind="numeric", min_value=feature.min_value,
                max_value=feature.max_value, warn_min=profile.min_value,
                warn_max=profile.max_value, description=feature.description))
        else:
            rules.append(ColumnRule(
                name=feature.name, kind="categorical", categories=tuple(profile.categories),
                description=feature.description))
    id_column = bundle.spec.id_column
    if id_column is not None and id_column not in bundle.spec.feature_names:
        rules.append(ColumnRule(name=id_column, kind="id", required=False, unique=True,
                                description="Applicant id"))
    return tuple(rules)


@dataclass(frozen=True)
class ScoredBatch:
    """One scoring run: the gate's report, drift, and one row per scored applicant.

    Attributes
    ----------
    ingest : IngestReport
        The gate's verdict, counts, warnings and failures (``frame`` left empty).
    drift : DriftReport
    applicants : DataFrame
        ``line`` (file line, header = 1), ``id``, ``pd`` (fraction), ``points``, ``band``,
        ``decision``, ``reason_1`` .. ``reason_K`` (empty where none), ``explanation_ok``
        (False where contributions failed the additivity check, NA where not explained).
    model_id, model_sha256, run_id : str
    scored_at : str
        UTC time, ISO 8601.
    explanation_method : str
        Algorithm, library and version of the contributions.
    input_sha256 : str
    policy : DecisionPolicy
    seconds : float
        Wall time of the run.
    """

    ingest: IngestReport
    drift: DriftReport
    applicants: pd.DataFrame
    model_id: str
    model_sha256: str
    run_id: str
    scored_at: str
    explanation_method: str
    input_sha256: str
    policy: DecisionPolicy
    seconds: float = 0.0
    reasons: int = DEFAULT_REASONS
    additivity_failures: int = 0
    decisions: dict[str, int] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """The command line's JSON fields and the run log's counts."""
        return {
            "rows_read": self.ingest.rows_read,
            "rows_scored": len(self.applicants),
            "rows_rejected": self.ingest.rows_rejected,
            "verdict": self.drift.verdict if not self.ingest.refused else "refused",
            "drifted_features": list(self.drift.drifted_features),
            "seconds": round(self.seconds, 3),
        }

    def to_csv_bytes(self) -> bytes:
        """The per-applicant table as formula-safe CSV, with the model and run columns."""
        frame = self.applicants.assign(model_id=self.model_id, model_sha256=self.model_sha256,
                                       run_id=self.run_id, scored_at=self.scored_at)
        return to_safe_csv_bytes(frame)


def _sha256(source: bytes | Path) -> str:
    digest = hashlib.sha256()
    if isinstance(source, bytes):
        digest.update(source)
    else:
        with Path(source).open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _as_source(source: bytes | str | Path | pd.DataFrame) -> bytes | Path:
    if isinstance(source, pd.DataFrame):
        buffer = io.StringIO()
        source.to_csv(buffer, index=False)
        return buffer.getvalue().encode("utf-8")
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source)
    if isinstance(source, str | Path):
        return Path(source)
    raise TypeError(
        f"`source` must be CSV bytes, a file path or a DataFrame; got {type(source).__name__!r}."
    )


_REFERENCES: dict[tuple[str, str, float], Any] = {}


def _reference(bundle: Any, cutoff: float) -> Any:
    key = (bundle.model_id, bundle.model_sha256, float(cutoff))
    if key not in _REFERENCES:
        if len(_REFERENCES) > 16:
            _REFERENCES.clear()
        _REFERENCES[key] = reason_reference(bundle, cutoff)
    return _REFERENCES[key]


def _score_chunk(bundle: Any, frame: pd.DataFrame, lines: np.ndarray, policy: DecisionPolicy,
                 *, k: int, reasons_for: str, reference: Any, drift: DriftAccumulator,
                 id_column: str | None) -> tuple[pd.DataFrame, str, int]:
    """Score, explain and give reasons to one chunk of valid rows."""
    X = cast_features(frame, bundle.spec)
    # The bundle's ``prepare`` is cast + encode; the cast frame is reused for drift/reasons.
    prepared = X if bundle.encoder is None else bundle.encoder.transform(X)
    margin = bundle.margin_from_prepared(prepared)
    pd_ = bundle.pd_from_margin(margin)
    points = bundle.scale.points(pd_)
    codes = policy.decision_codes(pd_)
    drift.update(X, points)
    n = len(frame)
    ids = (frame[id_column].astype("string").to_numpy(dtype=object)
           if id_column is not None and id_column in frame.columns
           else lines.astype(str).astype(object))
    out = pd.DataFrame({
        "line": lines.astype(np.int64),
        "id": ids,
        "pd": pd_,
        "points": np.rint(points).astype(np.int64),
        "band": pd.Categorical(bundle.scale.band(points), categories=bundle.scale.labels),
        "decision": pd.Categorical.from_codes(codes, categories=DECISIONS),
    })
    method = ""
    failures = 0
    ok = pd.array(np.full(n, pd.NA), dtype="boolean")
    if k > 0:
        rows = np.arange(n) if reasons_for == "all" else np.flatnonzero(codes != 0)
        found = []
        if len(rows):
            explanation = explain_prepared(bundle, prepared.iloc[rows])
            method = str(explanation.method)
            found = top_reasons(explanation, X.iloc[rows], bundle.spec, reference, k=k)
            good = explanation.additive_ok
            failures = int((~good).sum())
            # Contributions that do not add up are flagged and never turned into reasons.
            found = [r if good[i] else () for i, r in enumerate(found)]
            ok[rows] = good
        out = pd.concat([out, reason_frame(found, k, n_rows=n, rows=rows)], axis=1)
    out["explanation_ok"] = ok
    return out, method, failures


def score_batch(
    bundle: Any,
    source: bytes | str | Path | pd.DataFrame,
    policy: DecisionPolicy,
    *,
    reasons: int = DEFAULT_REASONS,
    reasons_for: ReasonsFor = "declined",
    progress: Callable[[float], None] | None = None,
    limits: IngestLimits | None = None,
    runs_dir: Path | None = None,
    chunk_bytes: int = CHUNK_BYTES,
) -> ScoredBatch:
    """Gate, score, check drift and explain a file of applicants.

    Parameters
    ----------
    bundle : model.bundle.ModelBundle
    source : bytes, path or DataFrame
        The applicants' CSV (a DataFrame is written to CSV and gated the same way).
    policy : DecisionPolicy
    reasons : int, default 4
        Most reasons per applicant (0 for none, at most 10).
    reasons_for : {"declined", "all"}
        ``"declined"``: declined and referred applicants only; ``"all"``: everyone.
    progress : callable, optional
        Called with the fraction of the file done, 0 to 1.
    limits : IngestLimits, optional
        The gate's size limits (defaults if omitted).
    runs_dir : Path, optional
        Folder of the run log; the run is appended to ``scoring_runs.jsonl`` there.
    chunk_bytes : int
        Text bytes read per chunk.

    Returns
    -------
    ScoredBatch
        With an empty applicant table and the gate's reasons when the file is refused.
    """
    started = time.perf_counter()
    if isinstance(reasons, bool) or not isinstance(reasons, int) or not 0 <= reasons <= MAX_REASONS:
        raise LendscopeError(f"`reasons` must be an integer from 0 to {MAX_REASONS}; got "
                             f"{reasons!r}.")
    if reasons_for not in ("declined", "all"):
        raise LendscopeError(f"`reasons_for` must be 'declined' or 'all'; got {reasons_for!r}.")
    data = _as_source(source)
    input_sha256 = _sha256(data)
    rules = rules_from_bundle(bundle)
    drift = DriftAccumulator(bundle.schema)
    run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)
    reference = _reference(bundle, policy.approve_max_pd) if reasons else None
    parts: list[pd.DataFrame] = []
    methods: set[str] = set()
    additivity_failures = 0
    try:
        stream = ingest_chunks(data, rules, limits=limits or IngestLimits(),
                               chunk_bytes=chunk_bytes)
        report, parts, methods, additivity_failures = _run(
            stream, bundle, policy, reasons, reasons_for, reference, drift, progress)
    except IngestError as error:
        report = refused_report(error)
    applicants = (pd.concat(parts, ignore_index=True) if len(parts) > 1
                  else parts[0] if parts else _empty_applicants(reasons))
    counts = (Counter(applicants["decision"].value_counts().to_dict()) if len(applicants)
              else Counter())
    batch = ScoredBatch(
        ingest=report,
        drift=drift.report(),
        applicants=applicants,
        model_id=str(bundle.model_id),
        model_sha256=str(bundle.model_sha256),
        run_id=run_id,
        scored_at=datetime.now(UTC).isoformat(timespec="seconds"),
        explanation_method="; ".join(sorted(methods)),
        input_sha256=input_sha256,
        policy=policy,
        seconds=time.perf_counter() - started,
        reasons=reasons,
        additivity_failures=additivity_failures,
        decisions={d: int(counts.get(d, 0)) for d in DECISIONS},
    )
    if runs_dir is not None:
        append_run_log(Path(runs_dir), batch)
    return batch


def _run(stream: Any, bundle: Any, policy: DecisionPolicy, k: int, reasons_for: str,
         reference: Any, drift: DriftAccumulator, progress: Callable[[float], None] | None,
         ) -> tuple[IngestReport, list[pd.DataFrame], set[str], int]:
    """Iterate the gate's chunks, score each, and build the gate's report (rows not kept)."""
    builder = ReportBuilder(stream, keep_frames=False)
    parts: list[pd.DataFrame] = []
    methods: set[str] = set()
    additivity_failures = 0
    for chunk in stream:
        builder.add(chunk)
        if len(chunk.frame):
            part, method, failed = _score_chunk(
                bundle, chunk.frame, chunk.line_numbers, policy, k=k, reasons_for=reasons_for,
                reference=reference, drift=drift, id_column=bundle.spec.id_column)
            parts.append(part)
            additivity_failures += failed
            if method:
                methods.add(method)
        if progress is not None:
            progress(float(chunk.progress))
    return builder.report(), parts, methods, additivity_failures


def _empty_applicants(k: int) -> pd.DataFrame:
    columns = ["line", "id", "pd", "points", "band", "decision"]
    columns += [f"reason_{r + 1}" for r in range(k)] + ["explanation_ok"]
    return pd.DataFrame({c: [] for c in columns})


def append_run_log(runs_dir: Path, batch: ScoredBatch) -> Path:
    """Append the run's record as one JSON line to ``runs_dir/scoring_runs.jsonl``."""
    record = {
        "run_id": batch.run_id,
        "scored_at": batch.scored_at,
        "model_id": batch.model_id,
        "model_sha256": batch.model_sha256,
        "input_sha256": batch.input_sha256,
        "ingest_verdict": batch.ingest.verdict,
        **batch.summary(),
        "decisions": batch.decisions,
        "policy": {"approve_max_pd": batch.policy.approve_max_pd,
                   "refer_max_pd": batch.policy.refer_max_pd},
        "reasons": batch.reasons,
        "explanation_method": batch.explanation_method,
        "additivity_failures": batch.additivity_failures,
    }
    runs_dir.mkdir(parents=True, exist_ok=True)
    path = runs_dir / RUN_LOG
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, sort_keys=True) + "\n")
    return path
