"""``python -m model train|list|show|promote|verify|ensure-default``: manage models.

Each subcommand is added by a ``register_*(subparsers)`` function that sets
``func(args, settings) -> int`` as the parser default; adding a command is one call in
:func:`build_parser`. ``train`` ends with one JSON line on stdout; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections.abc import Sequence

from config import Settings, load_settings
from data.errors import LendscopeError
from model.algorithms import ALGORITHMS
from model.registry import Registry


def _train(args: argparse.Namespace, settings: Settings, *, promote: bool = False) -> int:
    from data.dataset import BUILTIN_DATASETS, load_dataset
    from model.train import TrainConfig, train_model

    dataset = load_dataset(
        args.dataset,
        data_dir=settings.data_dir,
        pakdd_dir=settings.pakdd_dir,
        synthetic_rows=settings.synthetic_rows,
        synthetic_seed=settings.synthetic_seed,
        target=args.target,
        id_column=args.id,
        amount_column=args.amount,
    )
    if args.dataset not in BUILTIN_DATASETS:
        from data.user_csv import describe_inference

        print("Inferred from the CSV (check before trusting the model):", file=sys.stderr)
        print(describe_inference(dataset.spec), file=sys.stderr)
    config = TrainConfig(
        algorithm=args.algorithm,
        tune_trials=args.tune_trials,
        tune_timeout=args.tune_timeout,
        seed=args.seed,
        allow_leaky_features=args.allow_leaky,
    )

    def progress(fraction: float, message: str) -> None:
        print(f"[{fraction:4.0%}] {message}", file=sys.stderr, flush=True)

    bundle = train_model(dataset, config, progress=progress)
    registry = Registry(settings.registry_dir)
    path = registry.save(bundle)
    promoted = False
    if promote or (registry.champion_id() is None and not args.no_promote):
        registry.promote(bundle.model_id)
        promoted = True
    guards = bundle.metadata["guards"]
    if guards["leaky"]:
        verb = "kept (--allow-leaky)" if args.allow_leaky else "excluded"
        print(f"Leakage guard: {verb} {guards['leaky']}", file=sys.stderr)
    print(f"Saved {path}{' (champion)' if promoted else ''}", file=sys.stderr)
    ev = bundle.evaluation
    split = bundle.metadata["split"]
    line = {
        "model_id": bundle.model_id,
        "algorithm": bundle.algorithm,
        "test_auc": round(ev.auc, 6),
        "test_gini": round(ev.gini, 6),
        "test_ks": round(ev.ks, 6),
        "test_brier": round(ev.brier, 6),
        "test_ece": round(ev.ece, 6),
        "cv_auc_mean": round(ev.cv_auc_mean, 6),
        "cv_auc_std": round(ev.cv_auc_std, 6),
        "rows_train": split["rows_train"],
        "rows_test": split["rows_test"],
        "train_seconds": bundle.metadata["train_seconds"],
    }
    print(json.dumps(line))
    return 0


def register_train(subparsers: argparse._SubParsersAction) -> None:
    """Add ``train``."""
    p = subparsers.add_parser("train", help="train, evaluate and register a model")
    p.add_argument(
        "--dataset", required=True, help="synthetic_sme, pakdd2010 or a labelled CSV path"
    )
    p.add_argument("--target", help="outcome column of a CSV")
    p.add_argument("--id", help="id column of a CSV")
    p.add_argument("--amount", help="loan amount column of a CSV")
    p.add_argument("--algorithm", default="xgboost", choices=["auto", *ALGORITHMS])
    p.add_argument("--tune-trials", type=int, default=0, help="optuna trials (default 0)")
    p.add_argument("--tune-timeout", type=float, default=None, help="tuning budget in seconds")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--allow-leaky", action="store_true", help="keep features flagged as leaks")
    p.add_argument("--no-promote", action="store_true", help="never make this model champion")
    p.set_defaults(func=_train)


def _list(args: argparse.Namespace, settings: Settings) -> int:  # noqa: ARG001
    rows = Registry(settings.registry_dir).list()
    if not rows:
        print(f"No models in {settings.registry_dir}.")
        return 0
    print(
        f"{'':2}{'model_id':58} {'dataset':16} {'algorithm':9} {'created':21} "
        f"{'test_auc':>8} verified"
    )
    for r in rows:
        auc = f"{r.test_auc:.4f}" if r.test_auc is not None else "n/a"
        mark = "* " if r.is_champion else "  "
        print(
            f"{mark}{r.model_id:58} {r.dataset:16} {r.algorithm:9} {r.created:21} {auc:>8} "
            f"{'yes' if r.verified else 'NO'}"
        )
    return 0


def register_list(subparsers: argparse._SubParsersAction) -> None:
    """Add ``list``."""
    subparsers.add_parser("list", help="list registered models (* = champion)").set_defaults(
        func=_list
    )


def _show(args: argparse.Namespace, settings: Settings) -> int:
    bundle = Registry(settings.registry_dir).load(args.model_id)
    meta = bundle.metadata
    summary = {
        "model_id": bundle.model_id,
        "algorithm": bundle.algorithm,
        "created_utc": meta.get("created_utc"),
        "dataset": meta.get("dataset"),
        "features": list(bundle.feature_names),
        "guards": meta.get("guards"),
        "params": meta.get("params"),
        "n_rounds": meta.get("n_rounds"),
        "selection": meta.get("selection"),
        "metrics": meta.get("metrics"),
        "scale": meta.get("scale"),
        "model_sha256": bundle.model_sha256,
    }
    print(json.dumps(summary, indent=2))
    return 0


def register_show(subparsers: argparse._SubParsersAction) -> None:
    """Add ``show``."""
    p = subparsers.add_parser("show", help="show a model's metadata and metrics")
    p.add_argument("model_id", help="model id or 'champion'")
    p.set_defaults(func=_show)


def _promote(args: argparse.Namespace, settings: Settings) -> int:
    Registry(settings.registry_dir).promote(args.model_id)
    print(f"Champion is now {args.model_id}.")
    return 0


def register_promote(subparsers: argparse._SubParsersAction) -> None:
    """Add ``promote``."""
    p = subparsers.add_parser("promote", help="make a model the champion")
    p.add_argument("model_id")
    p.set_defaults(func=_promote)


def _verify(args: argparse.Namespace, settings: Settings) -> int:
    result = Registry(settings.registry_dir).verify(args.model_id)
    if result.ok:
        print(f"{result.model_id}: OK ({len(result.files_checked)} files, hashes and test scoring)")
        return 0
    for problem in result.problems:
        print(f"{result.model_id}: FAILED: {problem}")
    return 1


def register_verify(subparsers: argparse._SubParsersAction) -> None:
    """Add ``verify``."""
    p = subparsers.add_parser("verify", help="check a model's files and test-score it")
    p.add_argument("model_id", help="model id or 'champion'")
    p.set_defaults(func=_verify)


def _ensure_default(args: argparse.Namespace, settings: Settings) -> int:  # noqa: ARG001
    registry = Registry(settings.registry_dir)
    champion = registry.champion_id()
    if champion is not None:
        problems = registry.verify(champion, isolate=False).problems
        if not problems:
            print(f"Champion {champion} is in place; nothing to train.", file=sys.stderr)
            return 0
        print(
            f"Champion {champion} failed its checks ({problems[0]}); training a new default.",
            file=sys.stderr,
        )
    default = build_parser().parse_args(["train", "--dataset", "synthetic_sme", "--no-promote"])
    return _train(default, settings, promote=True)


def register_ensure_default(subparsers: argparse._SubParsersAction) -> None:
    """Add ``ensure-default`` (what ``make run`` calls)."""
    subparsers.add_parser(
        "ensure-default", help="train and promote the default model unless a champion exists"
    ).set_defaults(func=_ensure_default)


def build_parser() -> argparse.ArgumentParser:
    """The ``python -m model`` argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="python -m model", description="Train, register and manage credit-risk models."
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    for register in (
        register_train,
        register_list,
        register_show,
        register_promote,
        register_verify,
        register_ensure_default,
    ):
        register(subparsers)
    if importlib.util.find_spec("model.cli_score") is not None:
        from model.cli_score import register as register_score

        register_score(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; domain errors print as ``error: ...`` with exit status 2."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args, load_settings()))
    except LendscopeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
