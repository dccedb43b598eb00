"""Exact path-dependent TreeSHAP for XGBoost models, by leaf decision patterns (numba).

The algorithm
-------------
Path-dependent TreeSHAP (Lundberg et al., 2020) values feature coalitions ``S`` of a tree
by ``E[f(x) | x_S]``, estimated by following the tree: at a split on a feature in ``S`` go
the way ``x`` goes; at any other split take both branches, weighted by the training cover
of each child. Each leaf ``l`` (value ``v``) therefore contributes the product game

    v_l(S) = v * prod_{j in F_l} (o_j if j in S else z_j)

over the distinct features ``F_l`` on its path (``k = |F_l| <= depth``), where ``z_j`` is
the product of cover ratios child/parent at the path's splits on ``j`` and ``o_j`` is 1 when
``x`` satisfies all of them and 0 otherwise. The Shapley value of ``m`` in ``F_l`` is

    phi_m = v * (o_m - z_m) * sum_{S subset of F_l - m} |S|! (k-|S|-1)! / k!
                * prod_{j in S} o_j * prod_{j in F_l - S - m} z_j.

As ``o`` is binary, ``phi`` depends on ``x`` only through the *pattern* ``P`` (which of the
``k`` conditions ``x`` satisfies). So every leaf gets a table of its ``2^k x k`` exact values,
computed once per model (elementary symmetric polynomials of the ``z``). Explaining a row is
then one pass per tree: decide every split (XGBoost's rules: ``x < threshold`` goes left on
float32 values; missing goes the default way; a category in the split's set goes right),
propagate the pattern from the root (a child clears the bit of its split's feature when
``x`` goes the other way) and add each leaf's table row to the contributions. The cost per
row is O(nodes + leaves * depth) per tree instead of O(leaves * depth^2). A split whose two
children are both leaves gets one merged table indexed by ``(pattern, decision)``, halving
the lookups of a full tree. Rows are processed in blocks tree by tree so that each tree's
tables stay in cache. The result is
the same Shapley values as XGBoost's ``pred_contribs`` (checked in the tests and by the
benchmark to 1e-4; differences are float32 rounding in XGBoost's own sums).
"""

from __future__ import annotations

import hashlib
import json
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numba
import numpy as np
import pandas as pd

_BLOCK_ROWS = 256
MAX_DEPTH = 12
"""Deepest tree explained by pattern tables (a leaf's table has ``2^depth x depth`` values)."""
_CACHE_SIZE = 4


class UnsupportedModelError(ValueError):
    """The model cannot be explained by pattern tables (not gbtree, or trees too deep)."""


@dataclass(frozen=True)
class TreeTables:
    """Flattened trees of one XGBoost model and the leaves' pattern tables.

    Node arrays are indexed globally (all trees, each in pre-order); ``tree_start`` has
    ``n_trees + 1`` offsets into them. ``kind`` says what each node is (split, leaf, split
    with two leaf children, merged leaf) and ``entry`` which table a leaf or pair uses.
    Tables are flat, ``table_start[e]`` pointing at entry ``e``'s ``2^k x k`` block (leaf) or
    ``2^k x 2 x k`` block (pair: pattern, then the split's decision).
    """

    feature_names: tuple[str, ...]
    categorical: tuple[bool, ...]
    tree_start: np.ndarray
    feature: np.ndarray
    threshold: np.ndarray
    default_left: np.ndarray
    is_categorical: np.ndarray
    cat_start: np.ndarray
    cat_count: np.ndarray
    categories: np.ndarray
    left: np.ndarray
    right: np.ndarray
    slot: np.ndarray
    kind: np.ndarray
    entry: np.ndarray
    entry_k: np.ndarray
    entry_features: np.ndarray
    table_start: np.ndarray
    tables: np.ndarray
    base_value: float
    max_nodes: int


def _base_margin(learner: dict[str, Any]) -> float:
    raw = str(learner["learner_model_param"]["base_score"]).strip("[]")
    base_score = float(raw.split(",")[0])
    if learner["objective"]["name"] in ("binary:logistic", "reg:logistic"):
        return float(np.log(base_score / (1.0 - base_score)))
    return base_score


def build_tables(booster: Any) -> TreeTables:
    """Parse an XGBoost gbtree booster and compute every leaf's pattern table."""
    model = json.loads(bytes(booster.save_raw("json")))
    learner = model["learner"]
    if learner["gradient_booster"]["name"] != "gbtree":
        raise UnsupportedModelError(
            "`booster` must be a gbtree XGBoost model for fast TreeSHAP; got "
            f"{learner['gradient_booster']['name']!r}. Use explain_xgboost_reference."
        )
    gbtree = learner["gradient_booster"]["model"]
    names = tuple(booster.feature_names or learner.get("feature_names") or ())
    types = tuple(booster.feature_types or ["float"] * len(names))
    categorical = tuple(t == "c" for t in types)

    columns: dict[str, list[Any]] = {k: [] for k in ("feature", "threshold", "default_left",
                                                      "is_cat", "cat_start", "cat_count",
                                                      "left", "right", "slot", "leaf")}
    categories: list[int] = []
    leaf_k: list[int] = []
    leaf_features: list[list[int]] = []
    leaf_values: list[float] = []
    leaf_z: list[list[float]] = []
    tree_start = [0]
    expected = 0.0
    max_depth = 0
    for tree in gbtree["trees"]:
        nodes, tree_expected, depth = _flatten_tree(tree, len(leaf_k))
        expected += tree_expected
        max_depth = max(max_depth, depth)
        offset = tree_start[-1]
        for node in nodes:
            columns["feature"].append(node["feature"])
            columns["threshold"].append(node["threshold"])
            columns["default_left"].append(node["default_left"])
            columns["is_cat"].append(node["is_cat"])
            # Categorical split: a lookup table over codes, 1 where the code goes right.
            lookup = np.zeros(max(node["cats"]) + 1 if node["cats"] else 0, dtype=np.uint8)
            lookup[node["cats"]] = 1
            columns["cat_start"].append(len(categories))
            columns["cat_count"].append(len(lookup))
            categories.extend(lookup.tolist())
            columns["left"].append(node["left"] + offset if node["left"] >= 0 else -1)
            columns["right"].append(node["right"] + offset if node["right"] >= 0 else -1)
            columns["slot"].append(node["slot"])
            columns["leaf"].append(node["leaf"])
            if node["leaf"] >= 0:
                leaf_k.append(len(node["path_features"]))
                leaf_features.append(node["path_features"])
                leaf_values.append(node["value"])
                leaf_z.append(node["path_z"])
        tree_start.append(offset + len(nodes))

    if max_depth > MAX_DEPTH:
        raise UnsupportedModelError(
            f"Trees must be at most {MAX_DEPTH} levels deep for pattern tables; got "
            f"{max_depth}. Use explain_xgboost_reference (XGBoost's own pred_contribs)."
        )
    width = max(1, max_depth)
    features = np.full((len(leaf_k), width), -1, dtype=np.int32)
    z = np.ones((len(leaf_k), width))
    for i, (feats, zs) in enumerate(zip(leaf_features, leaf_z, strict=True)):
        features[i, : len(feats)] = feats
        z[i, : len(zs)] = zs
    k = np.asarray(leaf_k, dtype=np.int32)
    sizes = (1 << k.astype(np.int64)) * k
    table_start = np.zeros(len(k) + 1, dtype=np.int64)
    np.cumsum(sizes, out=table_start[1:])
    tables = np.zeros(int(table_start[-1]))
    _fill_tables(k, z, np.asarray(leaf_values, dtype=np.float64), table_start, tables,
                 _shapley_weights(width))
    left = np.asarray(columns["left"], dtype=np.int64)
    right = np.asarray(columns["right"], dtype=np.int64)
    slot = np.asarray(columns["slot"], dtype=np.int32)
    kind, entry, k, features, table_start, tables = _merge_pairs(
        left, right, slot, np.asarray(columns["leaf"], dtype=np.int64), k, features,
        table_start, tables)
    sizes_per_tree = np.diff(np.asarray(tree_start))
    return TreeTables(
        feature_names=names,
        categorical=categorical,
        tree_start=np.asarray(tree_start, dtype=np.int64),
        feature=np.asarray(columns["feature"], dtype=np.int32),
        threshold=np.asarray(columns["threshold"], dtype=np.float32),
        default_left=np.asarray(columns["default_left"], dtype=np.bool_),
        is_categorical=np.asarray(columns["is_cat"], dtype=np.bool_),
        cat_start=np.asarray(columns["cat_start"], dtype=np.int64),
        cat_count=np.asarray(columns["cat_count"], dtype=np.int32),
        categories=np.asarray(categories, dtype=np.uint8),
        left=left,
        right=right,
        slot=slot,
        kind=kind,
        entry=entry,
        entry_k=k,
        entry_features=features,
        table_start=table_start,
        tables=tables,
        base_value=_base_margin(learner) + expected,
        max_nodes=int(sizes_per_tree.max()) if len(sizes_per_tree) else 1,
    )


def _flatten_tree(tree: dict[str, Any], first_leaf: int) -> tuple[list[dict[str, Any]], float, int]:
    """One tree in pre-order with slots, leaf paths and its cover-weighted mean leaf value."""
    left, right = tree["left_children"], tree["right_children"]
    split_index, condition = tree["split_indices"], tree["split_conditions"]
    default_left, split_type = tree["default_left"], tree["split_type"]
    cover = tree["sum_hessian"]
    cat_of: dict[int, list[int]] = {}
    for node, start, size in zip(tree["categories_nodes"], tree["categories_segments"],
                                 tree["categories_sizes"], strict=True):
        cat_of[node] = sorted(tree["categories"][start : start + size])
    nodes: list[dict[str, Any]] = []
    expected = 0.0
    max_depth = 0
    # Stack entries: (original id, parent's new index, is left child, path features, path z,
    # path probability (cover share), depth).
    stack: list[tuple[int, int, bool, list[int], list[float], float, int]] = [
        (0, -1, True, [], [], 1.0, 0)
    ]
    leaf_count = 0
    while stack:
        nid, parent, is_left, path_features, path_z, share, depth = stack.pop()
        index = len(nodes)
        if parent >= 0:
            nodes[parent]["left" if is_left else "right"] = index
        is_leaf = left[nid] == -1
        record: dict[str, Any] = {
            "feature": 0 if is_leaf else int(split_index[nid]),
            "threshold": 0.0 if is_leaf else float(condition[nid]),
            "default_left": bool(default_left[nid]),
            "is_cat": bool(split_type[nid] == 1),
            "cats": cat_of.get(nid, []),
            "left": -1,
            "right": -1,
            "slot": 0,
            "leaf": -1,
        }
        nodes.append(record)
        if is_leaf:
            record["leaf"] = first_leaf + leaf_count
            record["value"] = float(condition[nid])
            record["path_features"] = path_features
            record["path_z"] = path_z
            leaf_count += 1
            expected += share * float(condition[nid])
            max_depth = max(max_depth, depth)
            continue
        feature = int(split_index[nid])
        if feature in path_features:
            slot = path_features.index(feature)
        else:
            slot = len(path_features)
        record["slot"] = slot
        parent_cover = float(cover[nid])
        for child, child_is_left in ((right[nid], False), (left[nid], True)):
            ratio = float(cover[child]) / parent_cover if parent_cover > 0 else 0.5
            feats, zs = list(path_features), list(path_z)
            if slot == len(feats):
                feats.append(feature)
                zs.append(ratio)
            else:
                zs[slot] *= ratio
            stack.append((child, index, child_is_left, feats, zs, share * ratio, depth + 1))
    return nodes, expected, max_depth


def _shapley_weights(width: int) -> np.ndarray:
    """``w[s, k] = s! (k-s-1)! / k!`` for 0 <= s < k <= width."""
    from math import factorial

    weights = np.zeros((width + 1, width + 1))
    for k in range(1, width + 1):
        for s in range(k):
            weights[s, k] = factorial(s) * factorial(k - s - 1) / factorial(k)
    return weights


@numba.njit(cache=True)
def _fill_tables(k: np.ndarray, z: np.ndarray, value: np.ndarray, table_start: np.ndarray,
                 tables: np.ndarray, weights: np.ndarray) -> None:  # pragma: no cover - jit
    elementary = np.zeros(65)
    for leaf in range(k.shape[0]):
        kk = k[leaf]
        if kk == 0:
            continue
        base = table_start[leaf]
        full = (1 << kk) - 1
        for pattern in range(1 << kk):
            for m in range(kk):
                on = pattern & ~(1 << m)
                off = full & ~pattern & ~(1 << m)
                prod_off = 1.0
                elementary[:] = 0.0
                elementary[0] = 1.0
                count = 0
                for j in range(kk):
                    if (off >> j) & 1:
                        prod_off *= z[leaf, j]
                    elif (on >> j) & 1:
                        count += 1
                        for r in range(count, 0, -1):
                            elementary[r] += elementary[r - 1] * z[leaf, j]
                total = 0.0
                for s in range(count + 1):
                    total += weights[s, kk] * elementary[count - s]
                o_m = 1.0 if (pattern >> m) & 1 else 0.0
                weight = (o_m - z[leaf, m]) * prod_off * total
                tables[base + pattern * kk + m] = value[leaf] * weight


INTERNAL, LEAF, PAIR, SKIP = 0, 1, 2, 3
"""Node kinds: a split; a leaf; a split whose two children are leaves (one merged table,
indexed by the pattern and the split's decision); a leaf merged into its parent's table."""


@numba.njit(parallel=True, cache=True)
def _contributions(X: np.ndarray, out: np.ndarray, block_rows: int, tree_start: np.ndarray,
                   feature: np.ndarray, threshold: np.ndarray, default_left: np.ndarray,
                   is_categorical: np.ndarray, cat_start: np.ndarray, cat_count: np.ndarray,
                   categories: np.ndarray, left: np.ndarray, right: np.ndarray, slot: np.ndarray,
                   kind: np.ndarray, entry: np.ndarray, entry_k: np.ndarray,
                   entry_features: np.ndarray, table_start: np.ndarray, tables: np.ndarray,
                   max_nodes: int) -> None:  # pragma: no cover - jit
    n_rows, n_features = X.shape
    n_blocks = (n_rows + block_rows - 1) // block_rows
    for block in numba.prange(n_blocks):
        first = block * block_rows
        size = min(n_rows, first + block_rows) - first
        # Rows of the block are the inner, contiguous axis everywhere: SIMD-friendly loops.
        xb = np.empty((n_features, size), dtype=np.float32)
        for r in range(size):
            for f in range(n_features):
                xb[f, r] = X[first + r, f]
        acc = np.zeros((n_features, size))
        pattern = np.empty((max_nodes, size), dtype=np.int32)
        go = np.empty(size, dtype=np.int32)
        index = np.empty(size, dtype=np.int64)
        for tree in range(tree_start.shape[0] - 1):
            start = tree_start[tree]
            for r in range(size):
                pattern[0, r] = -1
            for node in range(start, tree_start[tree + 1]):
                what = kind[node]
                if what == SKIP:
                    continue
                local = node - start
                src = pattern[local]
                if what != LEAF:
                    # go[r] = 1 where row r goes left at this split (XGBoost's rules).
                    xs = xb[feature[node]]
                    if not is_categorical[node]:
                        t = threshold[node]
                        if default_left[node]:
                            for r in range(size):  # NaN fails ``x >= t``: it goes left.
                                go[r] = np.int32(not (xs[r] >= t))
                        else:
                            for r in range(size):
                                go[r] = np.int32(xs[r] < t)
                    else:
                        # Missing takes the default side; a code in the split's set goes
                        # right; any other code (unknown to the split) goes left.
                        off = cat_start[node]
                        n_codes = cat_count[node]
                        dl = np.int32(default_left[node])
                        for r in range(size):
                            x = xs[r]
                            if x != x:
                                go[r] = dl
                            else:
                                code = np.int64(x)
                                gl = np.int32(1)
                                if code >= 0 and code < n_codes:
                                    gl = np.int32(1) - np.int32(categories[off + code])
                                go[r] = gl
                    if what == INTERNAL:
                        keep = ~(np.int32(1) << slot[node])
                        dst_left = pattern[left[node] - start]
                        dst_right = pattern[right[node] - start]
                        for r in range(size):
                            gl = go[r]
                            dst_left[r] = src[r] & (keep | -gl)
                            dst_right[r] = src[r] & (keep | (gl - 1))
                        continue
                lf = entry[node]
                kk = entry_k[lf]
                if kk == 0:
                    continue
                mask = (np.int32(1) << kk) - 1
                base = table_start[lf]
                if what == LEAF:
                    for r in range(size):
                        index[r] = base + (src[r] & mask) * kk
                else:
                    for r in range(size):
                        index[r] = base + ((src[r] & mask) * 2 + go[r]) * kk
                for m in range(kk):
                    target = acc[entry_features[lf, m]]
                    for r in range(size):
                        target[r] += tables[index[r] + m]
        for r in range(size):
            for f in range(n_features):
                out[first + r, f] = acc[f, r]


def _merge_pairs(left: np.ndarray, right: np.ndarray, slot: np.ndarray, leaf: np.ndarray,
                 k: np.ndarray, features: np.ndarray, table_start: np.ndarray,
                 tables: np.ndarray) -> tuple[np.ndarray, ...]:
    """Give every split whose two children are leaves one merged table.

    For the pattern ``Q`` at the split and its decision ``g`` (1 = left), the left leaf sees
    ``Q`` with the split's bit cleared unless ``g``, the right leaf unless ``not g``; the
    merged row ``(Q, g)`` is the sum of the two leaves' rows (same features, same order).
    """
    kind = np.where(leaf >= 0, LEAF, INTERNAL).astype(np.int8)
    entry = leaf.copy()
    internal = np.flatnonzero(leaf < 0)
    pairs = internal[(leaf[left[internal]] >= 0) & (leaf[right[internal]] >= 0)]
    extra_k, extra_features, blocks = [], [], []
    n_entries = len(k)
    for n in pairs:
        a, b = leaf[left[n]], leaf[right[n]]
        kk = int(k[a])
        q = np.arange(1 << kk)
        bit = 1 << int(slot[n])
        ta = tables[table_start[a]: table_start[a + 1]].reshape(1 << kk, kk)
        tb = tables[table_start[b]: table_start[b + 1]].reshape(1 << kk, kk)
        merged = np.empty((1 << kk, 2, kk))
        merged[:, 1] = ta[q] + tb[q & ~bit]
        merged[:, 0] = ta[q & ~bit] + tb[q]
        kind[n], entry[n] = PAIR, n_entries + len(blocks)
        kind[left[n]] = kind[right[n]] = SKIP
        extra_k.append(kk)
        extra_features.append(features[a])
        blocks.append(merged.reshape(-1))
    if not blocks:
        return kind, entry, k, features, table_start, tables
    sizes = np.array([len(x) for x in blocks], dtype=np.int64)
    starts = table_start[-1] + np.concatenate([[0], np.cumsum(sizes)])
    return (kind, entry, np.concatenate([k, np.asarray(extra_k, dtype=k.dtype)]),
            np.vstack([features, np.asarray(extra_features, dtype=features.dtype)]),
            np.concatenate([table_start, starts[1:]]), np.concatenate([tables, *blocks]))


_cache: OrderedDict[str, TreeTables] = OrderedDict()
_by_object: weakref.WeakKeyDictionary[Any, tuple[int, TreeTables]] = weakref.WeakKeyDictionary()
_cache_lock = threading.Lock()


def tables_for(booster: Any) -> TreeTables:
    """The pattern tables of ``booster``, built once per model content (small LRU cache).

    A booster object seen before (with the same number of trees) reuses its tables without
    re-serialising; other boosters are keyed on the sha256 of their UBJ bytes.
    """
    rounds = int(booster.num_boosted_rounds())
    with _cache_lock:
        known = _by_object.get(booster)
        if known is not None and known[0] == rounds:
            return known[1]
    key = hashlib.sha256(bytes(booster.save_raw("ubj"))).hexdigest()
    with _cache_lock:
        tables = _cache.get(key)
        if tables is not None:
            _cache.move_to_end(key)
    if tables is None:
        tables = build_tables(booster)
    with _cache_lock:
        _cache[key] = tables
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
        _by_object[booster] = (rounds, tables)
    return tables


def design_matrix(tables: TreeTables, X: pd.DataFrame) -> np.ndarray:
    """Model input as float32 of shape (n_rows, n_features); categories as their codes.

    Categorical columns must carry the training categories in training order (the bundle's
    ``prepare`` guarantees it), as XGBoost itself reads the codes; a missing or unknown
    category (code -1) becomes NaN and follows each split's default direction.
    """
    matrix = np.empty((len(X), len(tables.feature_names)), dtype=np.float32)
    for j, name in enumerate(tables.feature_names):
        column = X[name]
        if tables.categorical[j]:
            if not isinstance(column.dtype, pd.CategoricalDtype):
                raise TypeError(
                    f"Column `{name}` must be a pandas category column, as in training; "
                    f"got dtype {column.dtype!s}. Prepare the frame with the model's bundle."
                )
            codes = column.cat.codes.to_numpy().astype(np.float32)
            codes[codes < 0] = np.nan
            matrix[:, j] = codes
        else:
            matrix[:, j] = column.to_numpy(dtype=np.float32, na_value=np.nan)
    return matrix


def contributions(booster: Any, X: pd.DataFrame, *, threads: int = 2) -> tuple[np.ndarray, float]:
    """Exact TreeSHAP values of an XGBoost booster.

    Parameters
    ----------
    booster : xgboost.Booster
        A gbtree binary model.
    X : DataFrame of shape (n_rows, n_features)
        Model input with the booster's feature columns (by name).
    threads : int, default 2
        Worker threads.

    Returns
    -------
    values : ndarray of shape (n_rows, n_features), float64
        Contributions to the margin (log-odds), in ``booster.feature_names`` order.
    base_value : float
        Expected margin (log-odds).
    """
    tables = tables_for(booster)
    matrix = design_matrix(tables, X)
    out = np.zeros((matrix.shape[0], len(tables.feature_names)))
    previous = numba.get_num_threads()
    numba.set_num_threads(max(1, min(int(threads), numba.config.NUMBA_NUM_THREADS)))
    try:
        _contributions(
            matrix, out, _BLOCK_ROWS, tables.tree_start, tables.feature, tables.threshold,
            tables.default_left, tables.is_categorical, tables.cat_start, tables.cat_count,
            tables.categories, tables.left, tables.right, tables.slot, tables.kind,
            tables.entry, tables.entry_k, tables.entry_features, tables.table_start,
            tables.tables,
            tables.max_nodes,
        )
    finally:
        numba.set_num_threads(previous)
    return out, tables.base_value
