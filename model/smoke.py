"""Subprocess half of the registry's safe load: load one model, score its holdout, compare.

Run by :class:`model.registry.Registry` as a child process; exit status 0 means the model
loaded and reproduced its stored holdout PDs. A native-library abort kills only this child.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

SMOKE_ROWS = 64
TOLERANCE = 1e-6


def main(argv: Sequence[str]) -> int:
    """``main([registry_root, model_id])``: 0 when the model scores as recorded, else 1."""
    from data.errors import LendscopeError
    from model.registry import Registry

    root, model_id = argv[0], argv[1]
    try:
        bundle = Registry(Path(root)).load(model_id, isolate=False)
        rows = bundle.holdout.head(SMOKE_ROWS)
        pd_ = bundle.predict_pd(rows)
        stored = rows["pd"].to_numpy(dtype=np.float64)
        gap = float(np.max(np.abs(pd_ - stored))) if len(rows) else 0.0
    except (LendscopeError, KeyError, ValueError, TypeError, OSError) as exc:
        print(json.dumps({"ok": False, "error": f"{type(exc).__name__}: {exc}"}))
        return 1
    if not np.isfinite(pd_).all() or gap > TOLERANCE:
        print(json.dumps({"ok": False, "error": f"holdout PDs not reproduced (max gap {gap:.3g})"}))
        return 1
    print(json.dumps({"ok": True, "rows": int(len(rows)), "max_gap": gap}))
    return 0
