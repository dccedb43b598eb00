"""``python -m model score``: score a CSV of applicants with a registered model.

    python -m model score --model ID|champion --input FILE --output FILE
        [--reasons K] [--cutoff PD] [--refer PD] [--all-reasons]

The gate's report and the drift verdict go to stderr; the scored file is written atomically
through the formula-safe writer; the command ends with one JSON line on stdout:
``rows_read``, ``rows_scored``, ``rows_rejected``, ``verdict``, ``drifted_features``,
``seconds``. Without ``--cutoff`` the approval cut-off is the model's holdout default rate
(approve applicants predicted safer than the average applicant). Exit status: 0 when scored,
2 when the file or the arguments are refused.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from data.errors import LendscopeError
from data.export import write_safe_csv
from data.ingest import IngestLimits


def default_cutoff(bundle: Any) -> float:
    """The model's holdout default rate, as an approval cut-off (PD, fraction)."""
    outcome = bundle.holdout.get("outcome") if bundle.holdout is not None else None
    if outcome is None or len(outcome) == 0:
        raise LendscopeError("The model has no holdout outcomes; give `--cutoff PD`.")
    return float(min(max(outcome.mean(), 1e-4), 0.9999))


def _score(args: argparse.Namespace, settings: Any) -> int:
    from model.registry import Registry
    from model.scoring import DecisionPolicy, score_batch

    started = time.perf_counter()
    source = Path(args.input)
    if not source.is_file():
        raise LendscopeError(f"`--input` must be an existing CSV file; got {str(source)!r}.")
    bundle = Registry(settings.registry_dir).load(args.model)
    cutoff = default_cutoff(bundle) if args.cutoff is None else args.cutoff
    policy = DecisionPolicy(cutoff, args.refer)

    def progress(fraction: float) -> None:
        print(f"[{fraction:4.0%}] scoring {source.name}", file=sys.stderr, flush=True)

    batch = score_batch(
        bundle,
        source,
        policy,
        reasons=args.reasons,
        reasons_for="all" if args.all_reasons else "declined",
        progress=progress,
        limits=IngestLimits.from_settings(settings),
        runs_dir=settings.runs_dir,
    )
    for line in batch.ingest.lines():
        print(line, file=sys.stderr)
    print(f"model: {batch.model_id} (sha256 {batch.model_sha256[:12]}); run {batch.run_id}; "
          f"approve at PD <= {policy.approve_max_pd:.2%}", file=sys.stderr)
    print(f"drift: {batch.drift.verdict}", file=sys.stderr)
    for item in batch.drift.drifted[:10]:
        print(f"  {item.name}: PSI {item.psi:.3f} ({item.band})", file=sys.stderr)
    if batch.additivity_failures:
        print(f"warning: {batch.additivity_failures} explanations failed the additivity check; "
              "their reasons are withheld (explanation_ok = false).", file=sys.stderr)
    summary = batch.summary()
    if not batch.ingest.refused:
        write_safe_csv(batch.applicants.assign(
            model_id=batch.model_id, model_sha256=batch.model_sha256, run_id=batch.run_id,
            scored_at=batch.scored_at), args.output)
    summary["seconds"] = round(time.perf_counter() - started, 3)
    print(json.dumps(summary))
    return 2 if batch.ingest.refused else 0


def _pd(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a PD between 0 and 1; got {text!r}") from None
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"must be a PD between 0 and 1; got {text!r}")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``score``."""
    p = subparsers.add_parser("score", help="score a CSV of applicants with reasons and drift")
    p.add_argument("--model", default="champion", help="model id or 'champion' (default)")
    p.add_argument("--input", required=True, help="CSV of applicants")
    p.add_argument("--output", required=True, help="CSV to write the scores to")
    p.add_argument("--reasons", type=int, default=4, help="reasons per applicant, 0-10 (4)")
    p.add_argument("--cutoff", type=_pd, default=None,
                   help="approve at PD <= this (default: the model's holdout default rate)")
    p.add_argument("--refer", type=_pd, default=None,
                   help="refer at PD <= this (above the cut-off); decline above")
    p.add_argument("--all-reasons", action="store_true",
                   help="reasons for approved applicants too")
    p.set_defaults(func=_score)
