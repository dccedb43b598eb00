"""``python -m simulation run``: simulate a cut-off on a model's held-out applicants.

The command prints a short summary and ends with one JSON line with the keys ``cutoff``,
``approval_rate``, ``bad_rate``, ``profit``, ``profit_p05``, ``profit_p95``,
``baseline_profit``, ``swap_in`` and ``swap_out`` (money in the dataset's currency, rates
as fractions, null where undefined).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from data.errors import LendscopeError
from data.spec import BaselineRule, DatasetSpec, load_spec
from simulation.book import Book, book_from_holdout
from simulation.bootstrap import bootstrap_curve
from simulation.curve import profit_curve
from simulation.economics import Economics, economics_from_mapping, economics_from_spec
from simulation.errors import SimulationError
from simulation.fairness import fairness_screen
from simulation.memo import build_memo
from simulation.policy import BaselinePolicy, CutoffPolicy, evaluate
from simulation.strategy import Strategy
from simulation.swap import swap_set

_RULE = re.compile(
    r"^\s*(?P<column>[^\s>=,]+)\s*>=\s*(?P<value>[-+0-9.eE]+)\s*"
    r"(,\s*missing\s*=\s*(?P<missing>approve|decline))?\s*$"
)


def parse_baseline(text: str) -> BaselineRule:
    """Read ``all`` or ``COLUMN>=VALUE[,missing=approve|decline]`` into a rule."""
    if text.strip().lower() == "all":
        return BaselineRule()
    match = _RULE.match(text)
    if match is None:
        raise SimulationError(
            f"`--baseline` must be 'all' or 'COLUMN>=VALUE[,missing=approve|decline]'; "
            f"got {text!r}."
        )
    try:
        value = float(match["value"])
    except ValueError as exc:
        raise SimulationError(
            f"`--baseline` value must be a number; got {match['value']!r}."
        ) from exc
    missing = match["missing"] or "decline"
    return BaselineRule(
        label=f"{match['column']} >= {value:g} (missing: {missing})",
        column=match["column"],
        min_value=value,
        missing=missing,
    )


def _load_holdout(args: argparse.Namespace) -> tuple[pd.DataFrame, DatasetSpec, str, str]:
    """Holdout frame, spec, model id and model hash, from the registry or a file."""
    if args.model is not None:
        from config import load_settings
        from model.registry import Registry

        bundle = Registry(load_settings().registry_dir).load(args.model)
        return bundle.holdout, bundle.spec, bundle.model_id, bundle.model_sha256
    path = Path(args.holdout)
    if not path.is_file():
        raise SimulationError(f"`--holdout` must be an existing Parquet file; got {str(path)!r}.")
    try:
        frame = pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise SimulationError(
            f"`--holdout` must be a readable Parquet file; {path.name} is not: {exc}"
        ) from exc
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return frame, load_spec(args.dataset), path.stem, digest


def _economics(args: argparse.Namespace, spec: DatasetSpec) -> Economics:
    economics = economics_from_spec(spec)
    if args.economics is None:
        return economics
    path = Path(args.economics)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SimulationError(f"`--economics` file {str(path)!r} cannot be read: {exc}.") from exc
    except json.JSONDecodeError as exc:
        raise SimulationError(
            f"`--economics` must be a JSON object; {path.name} line {exc.lineno}: {exc.msg}."
        ) from exc
    return economics_from_mapping(raw, currency=spec.currency, base=economics)


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Execute ``run``; returns the JSON summary."""
    frame, spec, model_id, model_sha = _load_holdout(args)
    book: Book = book_from_holdout(frame, spec)
    economics = _economics(args, spec)
    rule = spec.baseline if args.baseline is None else parse_baseline(args.baseline)
    baseline = BaselinePolicy(rule)
    curve = profit_curve(book, economics)
    if args.cutoff is not None:
        result = curve.at(args.cutoff)
    else:
        result = curve.optimum(min_approval_rate=args.min_approval, max_bad_rate=args.max_bad_rate)
    policy = CutoffPolicy(float(result.cutoff))
    band = None
    if args.bootstrap:
        bands = bootstrap_curve(curve, n_resamples=args.bootstrap, random_state=args.seed)
        at = bands.at(curve, float(result.cutoff))
        band = (at["profit_low"], at["profit_high"])
    base = evaluate(book, economics, baseline)
    swap = swap_set(book, economics, policy, baseline)
    if args.memo is not None:
        memo = build_memo(
            title=f"Lending strategy: {spec.title}",
            model_id=model_id,
            economics=economics,
            result=result,
            baseline=base,
            swap=swap,
            fairness=fairness_screen(book, economics, policy),
            profit_band=band,
        )
        memo_path = Path(args.memo)
        memo_path.write_text(memo.markdown, encoding="utf-8")
        memo_path.with_suffix(".html").write_text(memo.html, encoding="utf-8")
    if args.save_strategy is not None:
        Strategy(
            model_id=model_id,
            model_sha256=model_sha,
            economics=economics,
            policy=policy,
            baseline=rule,
            dataset=spec.name,
        ).save(Path(args.save_strategy))
    print(
        f"model {model_id}: {result.label}; approval {result.approval_rate:.1%}, "
        f"bad rate {result.bad_rate:.1%}, net profit {result.net_profit:,.0f} {book.currency}; "
        f"baseline '{base.label}' {base.net_profit:,.0f} {book.currency}"
    )
    summary = {
        "cutoff": result.cutoff,
        "approval_rate": result.approval_rate,
        "bad_rate": result.bad_rate,
        "profit": result.net_profit,
        "profit_p05": None if band is None else band[0],
        "profit_p95": None if band is None else band[1],
        "baseline_profit": base.net_profit,
        "swap_in": swap.swap_ins.count,
        "swap_out": swap.swap_outs.count,
    }
    return {key: _clean(value) for key, value in summary.items()}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m simulation", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run_cmd = commands.add_parser("run", help="simulate a cut-off on a model's holdout")
    source = run_cmd.add_mutually_exclusive_group(required=True)
    source.add_argument("--model", help="model id in the registry, or 'champion'")
    source.add_argument("--holdout", help="holdout Parquet file (with --dataset)")
    run_cmd.add_argument("--dataset", help="dataset spec name of --holdout (e.g. synthetic_sme)")
    choice = run_cmd.add_mutually_exclusive_group()
    choice.add_argument("--cutoff", type=float, help="approve applicants with PD at most this")
    choice.add_argument("--optimize", action="store_true", help="profit-optimal cut-off (default)")
    run_cmd.add_argument("--min-approval", type=float, help="with --optimize: least approval rate")
    run_cmd.add_argument("--max-bad-rate", type=float, help="with --optimize: most bad rate")
    run_cmd.add_argument("--economics", help="JSON file of economics keys overriding the spec")
    run_cmd.add_argument("--baseline", help="'all' or 'COLUMN>=VALUE[,missing=approve|decline]'")
    run_cmd.add_argument("--bootstrap", type=int, default=200, help="resamples (0: no bands)")
    run_cmd.add_argument("--seed", type=int, default=0, help="bootstrap seed")
    run_cmd.add_argument("--memo", help="write the memo here (Markdown; HTML beside it)")
    run_cmd.add_argument("--save-strategy", help="write the strategy JSON here")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code (2 for a user error)."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.holdout is not None and args.dataset is None:
        parser.error("--holdout needs --dataset (the spec name of the holdout's dataset)")
    if args.cutoff is not None and (args.min_approval is not None or args.max_bad_rate is not None):
        parser.error("--min-approval and --max-bad-rate apply to --optimize, not --cutoff")
    if args.bootstrap < 0 or args.bootstrap == 1:
        parser.error("--bootstrap must be 0 (no bands) or at least 2")
    # The simulator's dot products run over arrays of a few thousand values, where waking
    # BLAS worker threads on a busy two-core machine costs more than the product itself.
    from threadpoolctl import threadpool_limits

    try:
        with threadpool_limits(limits=1, user_api="blas"):
            summary = run(args)
    except LendscopeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(summary))
    return 0
