"""``MODEL_CARD.md``: a plain-language summary generated from a bundle at save time."""

from __future__ import annotations

import math

from model.bundle import ModelBundle


def _fmt(value: object, spec: str = ".4f") -> str:
    if isinstance(value, float) and math.isfinite(value):
        return format(value, spec)
    if isinstance(value, int):
        return str(value)
    return "n/a"


def render_model_card(bundle: ModelBundle) -> str:
    """Markdown model card: intended use, data, metrics, calibration, limitations, fairness."""
    meta = bundle.metadata
    spec = bundle.spec
    ev = bundle.evaluation
    dataset = meta.get("dataset", {})
    split = meta.get("split", {})
    guards = meta.get("guards", {})
    lines = [
        f"# Model card: {bundle.model_id}",
        "",
        "## Intended use",
        f"Estimates the probability that an applicant of the *{spec.title}* population becomes a "
        f"bad payer as defined by the target `{spec.target}` = {spec.bad_label!r}. It supports "
        "credit decisions by trained staff together with policy rules; it is not a sole basis "
        "for declining an applicant, and it is valid only for applicants like those it was "
        "trained on.",
        "",
        "## Data",
        f"- Dataset: `{spec.name}` ({dataset.get('rows', 'n/a')} rows, bad rate "
        f"{_fmt(dataset.get('bad_rate'), '.1%')}), fingerprint "
        f"`{dataset.get('fingerprint_sha256', '')[:16]}`.",
        f"- Split: {split.get('rows_train', 'n/a')} training rows, {split.get('rows_test', 'n/a')} "
        f"held-out test rows (stratified, seed {split.get('seed', 'n/a')}).",
        f"- Features ({len(spec.features)}): "
        + ", ".join(f"`{f.name}`" for f in spec.features)
        + ".",
        f"- Dropped as constant: {guards.get('constant') or 'none'}; flagged as leaky "
        f"(single-feature AUC > {guards.get('threshold', 0.95)}): "
        + (", ".join(f"`{x['name']}` ({x['auc']:.3f})" for x in guards.get("leaky", [])) or "none")
        + (" (excluded)" if guards.get("leaky") and guards.get("excluded") else "")
        + ".",
        "",
        "## Model",
        f"- Algorithm: {bundle.algorithm}; trees kept: {meta.get('n_rounds', 'n/a')}.",
    ]
    selection = meta.get("selection")
    if selection:
        lines.append(f"- Selection: {selection.get('reason', '')}")
    if meta.get("tuning"):
        lines.append(
            f"- Tuning: {meta['tuning'].get('trials')} optuna trials on CV AUC of the "
            "training split."
        )
    lines += [
        f"- Score scale: {_fmt(bundle.scale.base_points, '.0f')} points at "
        f"{_fmt(bundle.scale.base_odds, '.0f')}:1 good:bad odds, {_fmt(bundle.scale.pdo, '.0f')} "
        "points to double the odds.",
        "",
        "## Metrics (held-out test split)",
    ]
    if ev is not None:
        lines += [
            "| metric | value |",
            "|---|---|",
            f"| AUC | {_fmt(ev.auc)} |",
            f"| Gini | {_fmt(ev.gini)} |",
            f"| KS | {_fmt(ev.ks)} |",
            f"| Brier score | {_fmt(ev.brier)} |",
            f"| Expected calibration error | {_fmt(ev.ece)} |",
            f"| Log loss | {_fmt(ev.log_loss)} |",
            f"| PR-AUC | {_fmt(ev.pr_auc)} |",
            f"| CV AUC (training split) | {_fmt(ev.cv_auc_mean)} ± {_fmt(ev.cv_auc_std)} |",
        ]
    lines += [
        "",
        "## Calibration",
        f"PDs are calibrated with the {meta.get('calibration', {}).get('method', 'n/a')} method on "
        "out-of-fold margins of the training split, on the true base rate (no resampling). "
        "The calibration table in `evaluation.json` compares mean PD and observed bad rate in "
        "ten equal-count groups of the test split.",
        "",
        "## Limitations",
        "- Trained on past approved applicants only: outcomes of declined applicants are unknown "
        "(reject inference was not attempted), so PDs for profiles unlike past approvals are less "
        "reliable.",
        "- Performance degrades when the applicant population drifts; compare new batches with "
        "the reference distributions in `metadata.json` before scoring.",
        "- Metrics come from one held-out split and carry sampling error (see the CV spread).",
        "",
        "## Fairness caveats",
        "Protected attributes "
        + (", ".join(f"`{p}`" for p in spec.protected) or "(none declared)")
        + " are not model inputs; other features can still act as proxies for them. Screen "
        "approval rates by group (adverse impact ratio with counts and a significance test) "
        "before using a cut-off; the segment table in `evaluation.json` gives AUC and bad rate "
        "per declared segment.",
        "",
    ]
    return "\n".join(lines)
