"""Simulator benchmark: profit curve vs a sort, naive masks, cut-off queries, bootstrap.

Run ``python -m benchmarks.simulation``. Every anchor is measured in the same run on the
same data; the last line printed is one JSON object with the figures, their goals and
whether each goal is met. Times are the best of ``--repeat`` runs (default 3).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections.abc import Callable

import numpy as np

from simulation.book import Book
from simulation.bootstrap import bootstrap_curve
from simulation.cashflow import loan_values
from simulation.curve import profit_curve
from simulation.economics import Economics

ECONOMICS = Economics(
    annual_rate=0.45,
    term_months=12,
    lgd=0.6,
    annual_funding_cost=0.09,
    operating_cost_per_loan=60.0,
    origination_fee=0.02,
    default_month=5,
    currency="PEN",
)


def make_book(n: int, seed: int) -> Book:
    """``n`` applicants with continuous PDs (all distinct), outcomes drawn from them."""
    rng = np.random.default_rng(seed)
    pd_values = rng.beta(2, 14, n)
    return Book(
        pd=pd_values,
        outcome=(rng.uniform(size=n) < pd_values).astype(np.int8),
        amount=rng.lognormal(np.log(3000), 0.5, n).round(0),
        currency="PEN",
    )


CPU: dict[str, float] = {}


def best_of(repeat: int, work: Callable[[], object], name: str = "") -> float:
    """Fastest wall time of ``repeat`` runs, seconds; its CPU time is kept in ``CPU[name]``.

    On a shared machine the CPU time is the better guide to an idle machine's wall time
    (numpy runs these single-threaded).
    """
    times = []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        work()
        times.append((time.perf_counter() - start, time.process_time() - cpu))
    wall, cpu = min(times)
    if name:
        CPU[name] = round(cpu, 4)
    return wall


def naive_curve(book: Book, cutoffs: np.ndarray) -> np.ndarray:
    """How peers do it: one boolean mask over every applicant per cut-off."""
    values = loan_values(book, ECONOMICS)
    out = np.empty((cutoffs.size, 4))
    for i, cutoff in enumerate(cutoffs):
        mask = book.pd <= cutoff
        out[i] = (
            mask.sum(),
            values.bad[mask].sum(),
            values.amount[mask].sum(),
            values.net[mask].sum(),
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.simulation")
    parser.add_argument("--n", type=int, default=1_000_000, help="applicants for the curve")
    parser.add_argument("--bootstrap-n", type=int, default=100_000)
    parser.add_argument("--resamples", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    big = make_book(args.n, seed=0)
    sort_s = best_of(args.repeat, lambda: np.sort(big.pd), "sort_seconds_1m")
    curve_s = best_of(args.repeat, lambda: profit_curve(big, ECONOMICS), "curve_seconds_1m")
    curve = profit_curve(big, ECONOMICS)
    print(f"curve over {args.n:,} applicants: {curve_s:.3f} s; numpy.sort: {sort_s:.3f} s")

    cutoffs = np.quantile(big.pd, np.linspace(0, 1, 1000))
    naive_s = best_of(1, lambda: naive_curve(big, cutoffs), "naive_curve_seconds_1m")
    print(f"naive: 1,000 cut-offs with boolean masks: {naive_s:.3f} s")

    rng = np.random.default_rng(1)
    queries = rng.choice(big.pd, 20_000)
    curve.at(float(queries[0]))
    per_query = []
    for block in np.split(queries, 20):
        start = time.perf_counter()
        for cutoff in block:
            curve.at(float(cutoff))
        per_query.append((time.perf_counter() - start) / block.size)
    query_us = float(np.median(per_query) * 1e6)
    print(f"one cut-off's full result from the curve: {query_us:.1f} us")

    small = profit_curve(make_book(args.bootstrap_n, seed=2), ECONOMICS)
    boot_s = best_of(
        args.repeat,
        lambda: bootstrap_curve(small, n_resamples=args.resamples, random_state=0),
        "bootstrap_seconds_100k",
    )
    print(f"bootstrap {args.resamples} x {args.bootstrap_n:,}: {boot_s:.3f} s")

    figures = {
        "n": args.n,
        "curve_seconds_1m": round(curve_s, 4),
        "sort_seconds_1m": round(sort_s, 4),
        "curve_over_sort": round(curve_s / sort_s, 2),
        "curve_over_sort_goal": 3.0,
        "naive_curve_seconds_1m": round(naive_s, 4),
        "naive_over_curve": round(naive_s / curve_s, 1),
        "cutoff_query_us": round(query_us, 2),
        "cutoff_query_us_goal": 100.0,
        "bootstrap_seconds_100k": round(boot_s, 4),
        "bootstrap_seconds_goal": 2.0,
        "bootstrap_n": args.bootstrap_n,
        "resamples": args.resamples,
        "goals_met": {
            "curve": curve_s <= 3.0 * sort_s,
            "query": query_us <= 100.0,
            "bootstrap": boot_s <= 2.0,
        },
        "cpu_seconds": CPU,
        "load_average_1m": round(os.getloadavg()[0], 2),
        "numpy": np.__version__,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
