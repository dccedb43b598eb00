"""Models page widgets: training form with live progress, the registry table, promotion."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from components import cache
from components.context import MODEL_KEY, show_error
from components.format import decimal
from data.errors import LendscopeError

ALGORITHMS = ("xgboost", "lightgbm", "logistic", "auto")


def train_settings(key: str) -> Any:
    """Algorithm and tuning budget; returns a ``TrainConfig``."""
    from model.train import TrainConfig

    c1, c2 = st.columns(2)
    algorithm = c1.selectbox("Algorithm", ALGORITHMS, key=f"{key}_algorithm",
                             help="auto compares the three by cross-validated AUC.")
    trials = c2.number_input("Tuning trials (0 = default parameters, fastest)", 0, 200, 0,
                             step=5, key=f"{key}_trials")
    return TrainConfig(algorithm=algorithm, tune_trials=int(trials))


def train_with_progress(dataset: Any, config: Any) -> str | None:
    """Train with a live progress bar, save to the registry; the new id (None on error)."""
    from model.train import train_model

    bar = st.progress(0.0, text="Starting")

    def report(fraction: float, message: str) -> None:
        bar.progress(min(max(float(fraction), 0.0), 1.0), text=message)

    try:
        bundle = train_model(dataset, config, progress=report)
        cache.registry().save(bundle)
    except LendscopeError as exc:
        bar.empty()
        show_error(exc)
        return None
    bar.progress(1.0, text="Done")
    return str(bundle.model_id)


def registry_table(rows: list[cache.ModelRow], champion: str | None) -> None:
    """Every registered model with its test AUC and integrity status."""
    st.dataframe(pd.DataFrame({
        "Model": [r.model_id for r in rows],
        "Champion": ["★" if r.model_id == champion else "" for r in rows],
        "Dataset": [r.dataset for r in rows],
        "Algorithm": [r.algorithm for r in rows],
        "Trained (UTC)": [r.created[:16].replace("T", " ") for r in rows],
        "Test AUC": [decimal(r.auc) for r in rows],
        "Files verified": ["yes" if r.verified else "NO: hashes do not match" for r in rows],
    }), hide_index=True, width="stretch")


def model_actions(rows: list[cache.ModelRow], champion: str | None) -> None:
    """Pick a model: open it, verify it, promote it, read its model card."""
    ids = [r.model_id for r in rows]
    current = st.session_state.get(MODEL_KEY)
    chosen = st.selectbox("Model", ids, index=ids.index(current) if current in ids else 0,
                          key="models_selected")
    c1, c2, c3 = st.columns(3)
    if c1.button("Open in every page", key="models_open", width="stretch"):
        st.session_state[MODEL_KEY] = chosen
        st.session_state["_w_" + MODEL_KEY] = chosen
        st.rerun()
    if c2.button("Verify files", key="models_verify", width="stretch"):
        result = cache.registry().verify(chosen)
        if result.ok:
            st.success(f"All {len(result.files_checked)} files match their recorded sha256.",
                       icon=":material/verified:")
        else:
            for problem in result.problems:
                show_error(LendscopeError(problem))
    if c3.button("Promote to champion", key="models_promote", type="primary",
                 disabled=chosen == champion, width="stretch"):
        try:
            cache.registry().promote(chosen)
        except LendscopeError as exc:
            show_error(exc)
        else:
            st.session_state["models_flash"] = f"Promoted {chosen} to champion."
            st.rerun()
    with st.expander("Model card", expanded=False):
        card = cache.model_card(str(cache.settings().registry_dir), chosen)
        st.download_button("Download MODEL_CARD.md", card, file_name=f"MODEL_CARD_{chosen}.md",
                           mime="text/markdown", on_click="ignore", key="models_card_download")
        st.code(card, language="markdown", wrap_lines=True)


def flash() -> None:
    """Show (once) the message left by the last action."""
    message = st.session_state.pop("models_flash", None)
    if message:
        st.success(message, icon=":material/check_circle:")


def _safe_stem(filename: str) -> str:
    stem = Path(filename).stem
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "_", stem).strip("._-")
    return (cleaned or "user_csv")[:60]


def inferred_table(spec: Any) -> pd.DataFrame:
    """One row per column of the upload: the role Lendscope inferred for it."""
    rows = [(spec.target, "target", f"bad label {spec.bad_label!r}")]
    if spec.id_column:
        rows.append((spec.id_column, "id", "never a feature"))
    if spec.amount_column:
        rows.append((spec.amount_column, "loan amount", "used by the simulator"))
    rows += [(f.name, f.kind, "feature") for f in spec.features]
    rows += [(name, "protected", "screened for fairness, never a feature")
             for name in spec.protected]
    rows += [(name, "dropped", "empty, constant, id-like or free text") for name in spec.drop]
    return pd.DataFrame(rows, columns=["Column", "Role", "Note"])


def upload_training() -> None:
    """Upload a labelled CSV, pick the target, confirm the inferred kinds, train."""
    upload = st.file_uploader("Labelled CSV (one row per past loan, with its outcome)",
                              type=["csv", "txt"], key="models_upload")
    if upload is None:
        st.caption("The file goes through the same gate as scoring: encoding, delimiter and "
                   "values are checked, and nothing in it is ever executed.")
        return
    data = upload.getvalue()
    digest = cache.sha256(data)
    report = cache.read_upload(digest, data)
    if report.refused:
        for message in report.errors:
            show_error(LendscopeError(message))
        return
    columns = [str(c) for c in report.frame.columns]
    st.caption(f"{report.rows_valid:,} rows and {len(columns)} columns read.")
    c1, c2, c3 = st.columns(3)
    target = c1.selectbox("Outcome (target) column", columns, key="models_target",
                          index=_guess(columns, ("default", "bad", "target", "outcome")))
    id_column = c2.selectbox("Id column (optional)", [None, *columns], key="models_id",
                             format_func=lambda v: "(none)" if v is None else v)
    amount_column = c3.selectbox("Loan amount column (optional)", [None, *columns],
                                 key="models_amount",
                                 format_func=lambda v: "(none)" if v is None else v)
    spec = cache.infer_upload_spec(digest, data, _safe_stem(upload.name), target, id_column,
                                   amount_column)
    st.markdown("**What Lendscope inferred** (check before training)")
    st.dataframe(inferred_table(spec), hide_index=True, width="stretch")
    config = train_settings("upload")
    confirmed = st.checkbox("The roles above are right", key="models_confirm")
    if st.button("Train on my file", type="primary", disabled=not confirmed,
                 key="models_train_upload"):
        from data.user_csv import load_user_csv

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"{spec.name}.csv"
            path.write_bytes(data)
            dataset = load_user_csv(path, target=target, id_column=id_column,
                                    amount_column=amount_column, limits=cache.limits())
        new_id = train_with_progress(dataset, config)
        if new_id:
            st.session_state["models_flash"] = f"Trained and registered {new_id}."
            st.rerun()


def _guess(columns: list[str], words: tuple[str, ...]) -> int:
    for i, column in enumerate(columns):
        if any(word in column.lower() for word in words):
            return i
    return 0
