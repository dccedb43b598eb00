"""Command line for datasets: ``python -m data generate|describe|check``.

Every command prints readable lines and ends with one JSON object on the last line.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from config import load_settings
from data.dataset import load_dataset
from data.describe import describe
from data.errors import LendscopeError


def _generate(args: argparse.Namespace) -> int:
    from data.synthetic import generate_sme

    started = time.perf_counter()
    frame = generate_sme(args.rows, random_state=args.seed)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    if out.suffix.lower() == ".csv":
        from data.export import write_safe_csv

        write_safe_csv(frame, out)
    elif out.suffix.lower() == ".parquet":
        frame.to_parquet(partial, index=False)
        partial.replace(out)
    else:
        raise LendscopeError(f"`--out` must end in .parquet or .csv; got {out.name!r}.")
    seconds = time.perf_counter() - started
    print(f"wrote {len(frame):,} rows to {out}")
    print(json.dumps({"rows": len(frame), "seed": args.seed, "path": str(out),
                      "seconds": round(seconds, 3)}))
    return 0


def _describe(args: argparse.Namespace) -> int:
    settings = load_settings()
    dataset = load_dataset(
        args.dataset,
        data_dir=settings.data_dir,
        pakdd_dir=Path(args.pakdd_dir) if args.pakdd_dir else settings.pakdd_dir,
        synthetic_rows=settings.synthetic_rows,
        synthetic_seed=settings.synthetic_seed,
        target=args.target,
    )
    summary = describe(dataset)
    print(f"{dataset.spec.title}: {summary['rows']:,} rows, bad rate {summary['bad_rate']:.2%}")
    print(json.dumps(summary))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The ``python -m data`` argument parser."""
    parser = argparse.ArgumentParser(prog="python -m data", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    generate = commands.add_parser("generate", help="write the synthetic SME dataset")
    generate.add_argument("--rows", type=int, default=50_000)
    generate.add_argument("--seed", type=int, default=0)
    generate.add_argument("--out", required=True, help="output path ending in .parquet or .csv")
    generate.set_defaults(handler=_generate)

    describe_cmd = commands.add_parser("describe", help="headline figures of a dataset")
    describe_cmd.add_argument("dataset", help="synthetic_sme, pakdd2010 or a labelled CSV path")
    describe_cmd.add_argument("--target", help="outcome column (CSV datasets)")
    describe_cmd.add_argument("--pakdd-dir", help="folder of the PAKDD 2010 files")
    describe_cmd.set_defaults(handler=_describe)

    try:
        from data.ingest.cli import register
    except ImportError:  # the ingestion package is optional for generate/describe
        register = None
    if register is not None:
        register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command named in ``argv``; return the process exit code."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except LendscopeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
