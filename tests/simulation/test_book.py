"""Book construction: validation messages, read-only arrays, holdout frames, replay order."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data.spec import spec_from_mapping
from simulation.book import Book, book_from_holdout
from simulation.errors import BookError


def _spec(**extra):
    raw = {
        "name": "toy",
        "target": "bad",
        "bad_label": 1,
        "features": [{"name": "x", "kind": "numeric"}],
        "default_amount": 100.0,
        "currency": "PEN",
        "segments": ["region"],
        "protected": ["sex"],
        "baseline": {"label": "bureau >= 600", "column": "bureau", "min_value": 600.0},
    }
    raw.update(extra)
    return spec_from_mapping(raw)


def test_arrays_are_read_only_and_typed(three_loans):
    assert three_loans.outcome.dtype == np.int8
    with pytest.raises(ValueError, match="read-only"):
        three_loans.pd[0] = 0.5
    assert len(three_loans) == 3


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pd": [0.1, 1.2]}, r"`pd` must lie in \[0, 1\]"),
        ({"pd": [0.1, np.nan]}, "`pd` must be finite"),
        ({"outcome": [0, 2]}, "`outcome` must be 0"),
        ({"amount": [1.0]}, r"`amount` must have one value per applicant \(2\); got 1"),
        ({"amount": [-1.0, 1.0]}, "`amount` must be at least 0"),
        ({"pd": []}, "at least one applicant"),
        ({"segments": ("region",)}, "missing \\['region'\\]"),
    ],
)
def test_invalid_books_are_refused(kwargs, message):
    values = {"pd": [0.1, 0.2], "outcome": [0, 1], "amount": [1.0, 2.0]}
    values.update(kwargs)
    with pytest.raises(BookError, match=message):
        Book(**values)


def test_missing_column_names_known_columns(three_loans):
    with pytest.raises(BookError, match=r"must be one of the book's columns \['bureau', 'sex'\]"):
        three_loans.column("age")


def test_order_is_by_date_then_file_order():
    book = Book(
        pd=[0.1, 0.2, 0.3],
        outcome=[0, 0, 1],
        amount=[1, 1, 1],
        date=["2024-03-01", "2024-01-01", "2024-03-01"],
    )
    assert book.order().tolist() == [1, 0, 2]
    assert Book(pd=[0.1, 0.2], outcome=[0, 1], amount=[1, 1]).order().tolist() == [0, 1]


def test_book_from_holdout_keeps_spec_columns():
    frame = pd.DataFrame(
        {
            "id": ["a", "b"],
            "pd": [0.1, 0.4],
            "outcome": [0, 1],
            "amount": [100.0, 200.0],
            "points": [620.0, 560.0],
            "band": ["A", "C"],
            "date": pd.to_datetime(["2024-02-01", "2024-01-01"]),
            "region": ["Lima", "Cusco"],
            "sex": ["F", "M"],
            "bureau": [650.0, None],
        }
    )
    book = book_from_holdout(frame, _spec())
    assert book.segments == ("region",) and book.protected == ("sex",)
    assert sorted(book.columns) == ["bureau", "region", "sex"]
    assert book.currency == "PEN"
    assert book.ids.tolist() == ["a", "b"]
    assert book.order().tolist() == [1, 0]


def test_book_from_holdout_lists_missing_columns():
    frame = pd.DataFrame({"pd": [0.1], "outcome": [0], "amount": [1.0], "region": ["x"]})
    with pytest.raises(BookError, match=r"missing \['sex', 'bureau'\]"):
        book_from_holdout(frame, _spec())
