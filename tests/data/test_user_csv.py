"""A user's labelled CSV: spec inference, its description, and loading through the gate."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data.errors import DatasetError
from data.ingest import IngestError
from data.user_csv import DEFAULT_AMOUNT, describe_inference, infer_spec, load_user_csv


def _frame(n: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({
        "loan_id": [f"L{i:04d}" for i in range(n)],
        "monthly_revenue": rng.integers(100, 5000, n).astype(str),
        "sector": rng.choice(["retail", "food", "services"], n),
        "country": ["PE"] * n,
        "comment": [f"note number {i} about this applicant's business and history" for i in
                    range(n)],
        "ref_code": [f"R{i}-{i * 7}" for i in range(n)],
        "gender": rng.choice(["F", "M"], n),
        "empty": [None] * n,
        "defaulted": rng.choice(["0", "1"], n),
    })


def test_infer_spec_kinds_drops_and_protected():
    spec = infer_spec(_frame(), target="defaulted", id_column="loan_id")
    assert spec.numeric_features == ("monthly_revenue",)
    assert spec.categorical_features == ("sector",)
    assert set(spec.drop) == {"country", "comment", "ref_code", "empty"}
    assert spec.protected == ("gender",)
    assert spec.bad_label == 1
    assert spec.default_amount == DEFAULT_AMOUNT and spec.currency == "units"
    text = describe_inference(spec)
    assert "country (constant)" in text and "empty (empty)" in text
    assert "comment (free text" in text and "ref_code (id-like" in text
    assert "1,000 units" in text and "bad label 1" in text


@pytest.mark.parametrize(("values", "name", "bad"), [
    (["good", "bad"], "status", "bad"),
    (["Good", "Bad"], "status", "Bad"),
    (["no", "yes"], "default", "yes"),
    (["N", "Y"], "is_bad", "Y"),
    (["paid", "default"], "outcome", "default"),
    (["0", "1"], "target", 1),
    (["0.0", "1.0"], "target", 1),
])
def test_bad_label_rule(values, name, bad):
    frame = pd.DataFrame({"x": [str(i) for i in range(10)], name: values * 5})
    assert infer_spec(frame, target=name).bad_label == bad


def test_yes_no_needs_a_default_like_name_or_an_explicit_label():
    frame = pd.DataFrame({"x": [str(i) for i in range(10)], "approved": ["no", "yes"] * 5})
    with pytest.raises(DatasetError, match=r"values are \['no', 'yes'\]. Pass `bad_label`"):
        infer_spec(frame, target="approved")
    assert infer_spec(frame, target="approved", bad_label="no").bad_label == "no"
    with pytest.raises(DatasetError, match="`bad_label` must be one of"):
        infer_spec(frame, target="approved", bad_label="maybe")


@pytest.mark.parametrize(("target", "message"), [
    (["1"] * 10, r"got one class: \['1'\]"),
    (["0", "1", "2", "3", "4"] * 2, r"got 5 values: \['0', '1', '2', '3', '4'\]"),
    (["1", None, None, None, None, None, None, "0", None, None], "must be filled in"),
])
def test_bad_targets_are_refused_with_their_values(target, message):
    frame = pd.DataFrame({"x": [str(i) for i in range(10)], "y": target})
    with pytest.raises(DatasetError, match=message):
        infer_spec(frame, target="y")


def test_missing_named_column_suggests_a_close_match():
    with pytest.raises(DatasetError, match="`target` must name a column of the file; got "
                                           "'defaultd' \\(the file has 'defaulted'\\)"):
        infer_spec(_frame(), target="defaultd")


def test_load_user_csv_reads_through_the_gate(tmp_path):
    frame = _frame()
    frame.loc[3, "defaulted"] = ""
    frame.loc[5, "monthly_revenue"] = "-oops"
    path = tmp_path / "loans.csv"
    path.write_text(frame.to_csv(index=False))
    dataset = load_user_csv(path, target="defaulted", id_column="loan_id")
    assert len(dataset) == 38
    assert dataset.frame["defaulted"].dtype == np.int64
    assert dataset.frame["loan_id"].iloc[0] == "L0000"
    assert dataset.y.sum() == (frame.drop(index=[3, 5])["defaulted"] == "1").sum()
    assert dataset.amounts.tolist() == [DEFAULT_AMOUNT] * 38
    assert "comment" not in dataset.frame.columns


def test_load_user_csv_with_amount_and_text_labels(tmp_path):
    path = tmp_path / "book.csv"
    path.write_text("id;amount;income;status\n1;1.500,5;100;good\n2;200;300;bad\n"
                    "3;300;50;good\n4;50;70;bad\n", encoding="cp1252")
    dataset = load_user_csv(path, target="status", id_column="id", amount_column="amount")
    assert dataset.spec.bad_label == "bad"
    assert dataset.amounts.tolist() == [1500.5, 200.0, 300.0, 50.0]
    assert dataset.y.tolist() == [0, 1, 0, 1]


def test_load_user_csv_refuses_a_binary_file(tmp_path):
    path = tmp_path / "book.csv"
    path.write_bytes(b"PK\x03\x04" + bytes(100))
    with pytest.raises(IngestError, match="book.csv was refused: The file is a ZIP archive"):
        load_user_csv(path, target="status")
