"""Benchmark the ingestion gate against plain ``pandas.read_csv`` on the same file.

``python -m benchmarks.ingest [--rows 100000] [--columns 30] [--seed 0]`` writes a CSV of
``rows`` applicants (an id, numeric features and a few categorical ones), then times in fresh
child processes: ``pandas.read_csv`` (no checks), ``ingest`` (read, convert and validate, the
whole frame in memory) and ``ingest_chunks`` (the streaming path, frames dropped). Each child
first reads a 200-row file of the same shape (first-call costs such as lazy imports, which a
long-running service pays once, are reported apart as ``warm_up_seconds``). Peak memory is the
child's peak resident set (VmHWM) minus its resident set before the timed read. The last line
is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

CATEGORICAL = 5


def _rss_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def make_csv(path: Path, rows: int, columns: int, seed: int) -> None:
    """Write the benchmark file: ``id``, numeric ``x0..``, categorical ``k0..`` (5)."""
    rng = np.random.default_rng(seed)
    numeric = columns - 1 - CATEGORICAL
    frame = pd.DataFrame({"id": [f"A{i:08d}" for i in range(rows)]})
    for i in range(numeric):
        values = rng.normal(1_000, 300, rows).round(2)
        values[rng.random(rows) < 0.02] = np.nan
        frame[f"x{i}"] = values
    for i in range(CATEGORICAL):
        frame[f"k{i}"] = rng.choice(["retail", "food", "services", "farming"], rows)
    frame.to_csv(path, index=False)


def rules(columns: int) -> list:
    """Rules as scoring builds them: hard limits, training range, known categories."""
    from data.ingest import ColumnRule

    numeric = columns - 1 - CATEGORICAL
    out = [ColumnRule("id", kind="id", missing="reject", unique=True)]
    out += [ColumnRule(f"x{i}", min_value=-1e6, max_value=1e6, warn_min=-500, warn_max=2500)
            for i in range(numeric)]
    out += [ColumnRule(f"k{i}", kind="categorical",
                       categories=("retail", "food", "services", "farming"))
            for i in range(CATEGORICAL)]
    return out


def child(mode: str, path: Path, columns: int) -> dict:
    """Run one measurement in this process; return seconds and memory."""
    from data.ingest import IngestLimits, ingest, ingest_chunks

    limits = IngestLimits(max_bytes=2_000_000_000, max_rows=10_000_000)
    checks = rules(columns)

    def run(target: Path) -> tuple[int, int]:
        if mode == "pandas":
            rows = len(pd.read_csv(target))
            return rows, rows
        if mode == "ingest":
            report = ingest(target, checks, limits=limits)
            return report.rows_read, report.rows_valid
        rows = valid = 0
        for chunk in ingest_chunks(target, checks, limits=limits):
            rows += chunk.rows_read
            valid += chunk.rows_valid
        return rows, valid

    started = time.perf_counter()
    run(path.with_name("warm-up.csv"))  # first-call costs (lazy imports), as a service pays once
    first_call = time.perf_counter() - started
    baseline = _rss_mb("VmRSS")
    started = time.perf_counter()
    rows, valid = run(path)
    seconds = time.perf_counter() - started
    return {"mode": mode, "seconds": round(seconds, 3), "warm_up_seconds": round(first_call, 3),
            "rows": rows, "rows_valid": valid,
            "rows_per_second": round(rows / seconds), "baseline_rss_mb": round(baseline, 1),
            "peak_rss_mb": round(_rss_mb("VmHWM"), 1),
            "peak_over_baseline_mb": round(_rss_mb("VmHWM") - baseline, 1)}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ingest", description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--columns", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=1, help="runs per mode; best is kept")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        result = child(args.child[0], Path(args.child[1]), args.columns)
        print(json.dumps(result))
        return result
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "applicants.csv"
        make_csv(path, args.rows, args.columns, args.seed)
        make_csv(path.with_name("warm-up.csv"), 200, args.columns, args.seed + 1)
        size_mb = path.stat().st_size / 1e6
        results: dict[str, dict] = {}
        for mode in ("pandas", "ingest", "chunks"):
            runs = []
            for _ in range(args.repeat):
                output = subprocess.run(
                    [sys.executable, "-m", "benchmarks.ingest", "--columns", str(args.columns),
                     "--child", mode, str(path)],
                    check=True, capture_output=True, text=True).stdout
                runs.append(json.loads(output.strip().splitlines()[-1]))
            results[mode] = min(runs, key=lambda r: r["seconds"])
            best = results[mode]
            print(f"{mode:>7}: {best['seconds']:.2f} s, {best['rows_per_second']:,} rows/s, "
                  f"peak {best['peak_over_baseline_mb']:,.0f} MB over baseline "
                  f"({best['peak_rss_mb']:,.0f} MB RSS)")
    summary = {"rows": args.rows, "columns": args.columns, "file_mb": round(size_mb, 1),
               "pandas_read_csv": results["pandas"], "ingest": results["ingest"],
               "ingest_chunks": results["chunks"],
               "slowdown_vs_pandas": round(results["ingest"]["seconds"]
                                           / results["pandas"]["seconds"], 2)}
    print(json.dumps(summary))
    return summary


if __name__ == "__main__":
    main()
