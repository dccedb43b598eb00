"""Benchmark batch scoring and explanations on the default model shape.

``python -m benchmarks.scoring [--rows 200000] [--big-rows 1000000] [--explain-rows 5000]``

1. Trains an XGBoost model with the default parameters (``model.algorithms``) on 20,000
   synthetic applicants and writes CSVs of ``rows`` and ``big_rows`` synthetic applicants
   (50,000 generated rows repeated with new ids).
2. ``score_rows_per_s``: :func:`model.scoring.score_batch` from the CSV on disk to the scored
   frame (read, gate, PD, points, band, decision, drift; no reasons), next to
   ``booster_rows_per_s``, the raw booster's ``inplace_predict`` on the already-built frame.
3. ``explain_rows_per_s`` (Lendscope's exact TreeSHAP) and ``xgb_pred_contribs_rows_per_s``
   (XGBoost's own) on the same ``explain_rows`` rows, their ratio ``explain_speedup`` and
   ``max_abs_diff`` between the two; the same for a 300-tree depth-6 model (``*_d6``).
4. ``peak_rss_mb``: peak resident memory of a child process scoring the ``big_rows`` CSV with
   reasons for declined and referred applicants.

Timings are wall-clock on the machine as it is (``load_average`` is reported beside them);
the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

TRAIN_ROWS = 20_000
BLOCK_ROWS = 50_000


def _vm(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def write_applicants(path: Path, rows: int, block: pd.DataFrame) -> None:
    """Write ``rows`` applicants: ``block`` repeated, each copy with fresh ids."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        written = 0
        copy = 0
        while written < rows:
            part = block.iloc[: rows - written].copy()
            part["application_id"] = [f"SME-{copy:03d}-{i:06d}" for i in range(len(part))]
            part.to_csv(handle, index=False, header=written == 0)
            written += len(part)
            copy += 1


def train_default(registry: Path) -> str:
    """Train the default XGBoost shape on synthetic data, save it; its model id."""
    from data.dataset import Dataset
    from data.spec import load_spec
    from data.synthetic import generate_sme
    from model.registry import Registry
    from model.train import TrainConfig, train_model

    dataset = Dataset(generate_sme(TRAIN_ROWS, random_state=0), load_spec("synthetic_sme"))
    bundle = train_model(dataset, TrainConfig(algorithm="xgboost", cv_folds=2, shap_rows=0))
    store = Registry(registry)
    store.save(bundle)
    return bundle.model_id


def _best(fn: object, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return min(times)


def explain_figures(booster: object, X: pd.DataFrame, suffix: str = "") -> dict[str, float]:
    """Fast exact TreeSHAP against XGBoost's ``pred_contribs`` on the same rows."""
    from model.explain import explain_booster, explain_xgboost_reference

    explain_booster(booster, X.head(10))  # tables and compiled code, paid once per model
    fast = explain_booster(booster, X)
    fast_s = _best(lambda: explain_booster(booster, X))
    started = time.perf_counter()
    slow = explain_xgboost_reference(booster, X)
    slow_s = time.perf_counter() - started
    return {
        f"explain_rows_per_s{suffix}": round(len(X) / fast_s),
        f"xgb_pred_contribs_rows_per_s{suffix}": round(len(X) / slow_s),
        f"explain_speedup{suffix}": round(slow_s / fast_s, 1),
        f"max_abs_diff{suffix}": float(np.abs(fast.values - slow.values).max()),
        f"additive_ok_share{suffix}": float(fast.additive_ok.mean()),
    }


def depth6_model(X: pd.DataFrame, y: np.ndarray) -> object:
    """A 300-tree depth-6 XGBoost model on the same prepared features."""
    import xgboost as xgb

    params = {"objective": "binary:logistic", "max_depth": 6, "eta": 0.05, "nthread": 2,
              "max_cat_to_onehot": 4, "subsample": 0.8, "seed": 0}
    return xgb.train(params, xgb.DMatrix(X, y, enable_categorical=True), num_boost_round=300)


def child_peak_rss(registry: Path, model_id: str, path: Path) -> dict[str, float]:
    """Score ``path`` with reasons in a child process; its peak RSS and timing."""
    code = (
        "import json, sys, time\n"
        "from pathlib import Path\n"
        "from benchmarks.scoring import _vm\n"
        "from data.ingest import IngestLimits\n"
        "from model.registry import Registry\n"
        "from model.scoring import DecisionPolicy, score_batch\n"
        "bundle = Registry(Path(sys.argv[1])).load(sys.argv[2])\n"
        "before = _vm('VmRSS')\n"
        "t = time.perf_counter()\n"
        "limits = IngestLimits(max_bytes=4_000_000_000)\n"
        "b = score_batch(bundle, Path(sys.argv[3]), DecisionPolicy(0.08, 0.15), limits=limits)\n"
        "print(json.dumps({'seconds': time.perf_counter() - t, 'peak': _vm('VmHWM'),\n"
        "  'before': before, 'rows': len(b.applicants),\n"
        "  'explained': int(b.applicants.explanation_ok.notna().sum())}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(registry), model_id, str(path)],
                         check=True, capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parent.parent)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--big-rows", type=int, default=1_000_000)
    parser.add_argument("--explain-rows", type=int, default=5_000)
    args = parser.parse_args(argv)

    from data.ingest import IngestLimits
    from data.synthetic import generate_sme
    from model.registry import Registry
    from model.scoring import DecisionPolicy, score_batch

    result: dict[str, object] = {"load_average_start": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory(prefix="lendscope-bench-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        model_id = train_default(folder / "registry")
        bundle = Registry(folder / "registry").load(model_id)
        booster = bundle.estimator
        result["train_seconds"] = round(time.perf_counter() - started, 1)
        result["model_trees"] = int(booster.num_boosted_rounds())
        from model.treeshap import tables_for

        result["model_max_depth"] = int(tables_for(booster).entry_features.shape[1])
        block = generate_sme(BLOCK_ROWS, random_state=1).drop(columns=["default_12m", "true_pd"])
        path = folder / "applicants.csv"
        write_applicants(path, args.rows, block)
        limits = IngestLimits(max_bytes=4_000_000_000)
        policy = DecisionPolicy(0.08, 0.15)
        score_batch(bundle, block.head(200), policy, reasons=0)  # first-call costs
        seconds = _best(lambda: score_batch(bundle, path, policy, reasons=0, limits=limits), 2)
        result["score_rows"] = args.rows
        result["score_rows_per_s"] = round(args.rows / seconds)
        frame = pd.read_csv(path, nrows=args.rows)
        prepared = bundle.prepare(frame)
        margin_s = _best(lambda: booster.inplace_predict(prepared, predict_type="margin"))
        result["booster_rows_per_s"] = round(len(prepared) / margin_s)

        rows = prepared.head(args.explain_rows)
        result.update(explain_figures(booster, rows))
        y = (np.random.default_rng(0).random(len(prepared)) < bundle.pd_from_margin(
            bundle.predict_margin(frame))).astype(int)
        deep = depth6_model(prepared.head(50_000), y[:50_000])
        result.update(explain_figures(deep, prepared.head(min(args.explain_rows, 2_000)), "_d6"))

        big = folder / "big.csv"
        write_applicants(big, args.big_rows, block)
        child = child_peak_rss(folder / "registry", model_id, big)
        result["big_rows"] = child["rows"]
        result["big_rows_explained"] = child["explained"]
        result["big_score_seconds"] = round(child["seconds"], 1)
        result["peak_rss_mb"] = round(child["peak"])
    result["load_average_end"] = os.getloadavg()[0]
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
