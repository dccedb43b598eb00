"""The score page: the gate's verdict first, then the engine's scores, reasons and downloads."""

from __future__ import annotations

import io

import pandas as pd

from components.cache import SAMPLE_ROWS
from model.registry import Registry
from model.scoring import DecisionPolicy, score_batch
from tests.app.conftest import metrics, open_page

PAGE = "score_applicants"


def _sample(bundle, rows=SAMPLE_ROWS) -> pd.DataFrame:
    spec = bundle.spec
    return bundle.holdout.head(rows)[["id", *spec.feature_names]].rename(
        columns={"id": spec.id_column})


def _csv(frame: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue().encode()


def _upload(at, data: bytes, name: str = "applicants.csv"):
    at.file_uploader(key="score_upload").set_value((name, data, "text/csv"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _cutoff(at) -> float:
    return at.number_input(key="score_approve").value / 100.0


def test_sample_file_scores_like_the_engine(app_env):
    at = open_page(PAGE)
    at.button(key="score_use_sample").click().run()
    assert not at.exception
    bundle = Registry(app_env.registry_dir).load(app_env.model_id)
    data = _csv(_sample(bundle))
    expected = score_batch(bundle, data, DecisionPolicy(approve_max_pd=_cutoff(at)))
    shown = metrics(at)
    rows = min(SAMPLE_ROWS, len(bundle.holdout))
    assert shown["Scored"] == f"{rows:,}"
    assert shown["Approved"] == f"{expected.decisions['approve']:,}"
    assert shown["Declined"] == f"{expected.decisions['decline']:,}"
    table = at.dataframe[-1].value
    merged = table.merge(expected.applicants, on="line", suffixes=("_shown", "_engine"))
    assert len(merged) == rows
    assert (merged["pd_shown"] - merged["pd_engine"]).abs().max() < 1e-12
    assert (merged["decision_shown"].astype(str) == merged["decision_engine"].astype(str)).all()
    assert any("accepted" in s.value for s in at.success)


def test_missing_columns_refuse_the_file_with_their_names(app_env):
    at = open_page(PAGE)
    bundle = Registry(app_env.registry_dir).load(app_env.model_id)
    frame = _sample(bundle, 30).drop(columns=["utility_on_time_ratio"]).rename(
        columns={"supplier_delay_days": "supplier_delay_dayz"})
    _upload(at, _csv(frame))
    errors = " ".join(e.value.replace("\\", "") for e in at.error)
    assert "refused" in errors
    assert "utility_on_time_ratio" in errors
    assert "supplier_delay_days" in errors
    assert "Scored" not in metrics(at)


def test_bad_rows_are_reported_and_the_rest_scored(app_env):
    at = open_page(PAGE)
    bundle = Registry(app_env.registry_dir).load(app_env.model_id)
    frame = _sample(bundle, 40).astype({"years_operating": "object"})
    frame.loc[frame.index[3], "years_operating"] = "ten"
    frame.loc[frame.index[7], "utility_on_time_ratio"] = 7.5
    _upload(at, _csv(frame))
    shown = metrics(at)
    assert shown["Rejected"] == "2"
    assert shown["Scored"] == "38"
    assert any("2 of 40 rows failed" in w.value for w in at.warning)
    failures = next(d.value for d in at.dataframe if "Column" in d.value.columns
                    and "Message" in d.value.columns)
    assert set(failures["Row"]) == {5, 9}
    assert set(failures["Column"]) == {"years_operating", "utility_on_time_ratio"}


def test_uploaded_text_is_shown_literally(app_env):
    at = open_page(PAGE)
    bundle = Registry(app_env.registry_dir).load(app_env.model_id)
    frame = _sample(bundle, 30)
    frame[bundle.spec.id_column] = ["<img src=x onerror=alert(1)>", "<script>alert(1)</script>",
                                    *[f"A{i}" for i in range(28)]]
    _upload(at, _csv(frame))
    table = at.dataframe[-1].value
    assert "<img src=x onerror=alert(1)>" in set(table["id"])
    assert "<script>alert(1)</script>" in set(table["id"])
    for element in [*at.markdown, *at.caption, *at.warning, *at.error, *at.success]:
        assert "<script>" not in element.value
        assert "<img" not in element.value
