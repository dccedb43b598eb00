"""``python -m data check FILE (--dataset NAME | --model ID)``: run the gate on a file.

Prints the report readably and ends with one JSON line: ``verdict``, ``rows_read``,
``rows_valid``, ``rows_rejected`` and ``errors`` (failures counted by check). Exit code 0 when
the file is accepted (``ok`` or ``warnings``), 1 when it is refused, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from data.ingest.gate import ingest
from data.ingest.limits import IngestLimits
from data.ingest.rules import ColumnRule, rules_from_spec


def _dataset_rules(name: str, *, labelled: bool) -> tuple[ColumnRule, ...]:
    from data.spec import load_spec

    spec = load_spec(name)
    rules = rules_from_spec(spec, labelled=True)
    if labelled:
        return rules
    return tuple(replace(r, required=False) if r.name == spec.target else r for r in rules)


def _model_rules(model_id: str, settings: Any) -> tuple[ColumnRule, ...] | None:
    try:
        from model.registry import Registry
        from model.scoring import rules_from_bundle
    except ImportError as error:
        print(f"error: `--model` needs the model registry and scoring modules, which are not "
              f"available in this installation ({error}). Use --dataset NAME instead.",
              file=sys.stderr)
        return None
    bundle = Registry(Path(settings.registry_dir)).load(model_id)
    return tuple(rules_from_bundle(bundle))


def run_check(args: argparse.Namespace, *, settings: Any = None) -> int:
    """The ``check`` command; returns the exit code."""
    if settings is None:
        from config import load_settings

        settings = load_settings()
    if args.model is not None:
        rules = _model_rules(args.model, settings)
        if rules is None:
            return 2
    else:
        rules = _dataset_rules(args.dataset, labelled=args.labelled)
    report = ingest(Path(args.file), rules, limits=IngestLimits.from_settings(settings),
                    max_failures=args.max_failures)
    for line in report.lines():
        print(line)
    if args.failures_out and len(report.failures):
        from data.export import write_safe_csv

        write_safe_csv(report.failures, args.failures_out)
        print(f"wrote {len(report.failures):,} failures to {args.failures_out}")
    print(json.dumps(report.summary()))
    return 1 if report.refused else 0


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``check`` subcommand to ``python -m data``'s subparsers."""
    check = subparsers.add_parser("check", help="check a CSV file against a dataset or model")
    check.add_argument("file", help="the CSV file to check")
    source = check.add_mutually_exclusive_group(required=True)
    source.add_argument("--dataset", help="built-in dataset spec name or a spec TOML path")
    source.add_argument("--model", help="registered model id: check against its features")
    check.add_argument("--labelled", action="store_true",
                       help="require the target column (training data)")
    check.add_argument("--max-failures", type=int, default=1000,
                       help="failures listed in the report (all are counted)")
    check.add_argument("--failures-out", help="write the failure table to this CSV")
    check.set_defaults(handler=run_check)
    return check


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``check`` alone (``python -m data.ingest.cli FILE --dataset NAME``)."""
    parser = argparse.ArgumentParser(prog="python -m data.ingest.cli")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["check", *(argv if argv is not None else sys.argv[1:])])
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
