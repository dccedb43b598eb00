"""A labelled CSV a user brings: infer its spec, show the inference, load it through the gate.

Inference rules (also in ``docs/ingestion.md``), applied to every column except the target,
the id and the amount column, in this order:

1. **empty**: no value at all -> dropped;
2. **constant**: one distinct value -> dropped;
3. **protected**: a name meaning sex, gender, age, marital status, race, ethnicity, religion or
   nationality -> kept as a protected attribute (screened for fairness, never a feature);
4. **numeric**: at least 95% of the non-missing values are numbers -> numeric feature;
5. **free text**: average length above 40 characters -> dropped;
6. **id-like**: the name ends in ``id``/``uuid``/``key``, or the text values are (almost) all
   distinct (at least 95% distinct over at least 20 values) -> dropped;
7. **high cardinality**: more than 100 distinct values -> dropped as free text;
8. otherwise -> categorical feature.

The target must have exactly two distinct values and at most half of its cells missing. The bad
label is chosen when the values say it: ``{0, 1}`` -> ``1``; ``{good, bad}`` -> ``bad``;
``{paid, default}`` and ``{non-default, default}`` -> ``default``; ``{no, yes}``, ``{n, y}``,
``{false, true}`` -> ``yes``/``y``/``true`` when the target's name says default, bad,
delinquency, arrears, charge-off or fraud. Otherwise the caller must pass ``bad_label``.
Without an amount column every loan is worth :data:`DEFAULT_AMOUNT` ``units``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from data.dataset import Dataset
from data.errors import DatasetError
from data.ingest import IngestError, IngestLimits, ingest, match_columns, rules_from_spec
from data.ingest.rules import ColumnRule
from data.spec import DatasetSpec, FeatureSpec

DEFAULT_AMOUNT = 1_000.0
"""Loan amount assumed for every applicant when the file has no amount column (units)."""
NUMERIC_SHARE = 0.95
ID_DISTINCT_SHARE = 0.95
FREE_TEXT_CHARS = 40
MAX_CATEGORIES = 100
_PROTECTED = re.compile(
    r"(^|_)(sex|gender|age|marital(_status)?|race|ethnicity|religion|nationality|nacionality)"
    r"($|_)", re.IGNORECASE)
_ID_NAME = re.compile(r"(^|_)(id|uuid|key)$", re.IGNORECASE)
_BAD_NAME = re.compile(r"default|bad|delinq|arrear|charge|fraud|dpd", re.IGNORECASE)


def _label_text(value: Any) -> str:
    text = str(value).strip()
    try:
        number = float(text)
    except ValueError:
        return text.casefold()
    return str(int(number)) if number.is_integer() else text


def _numbers(values: pd.Series) -> pd.Series:
    text = values.astype("str").str.strip()
    return pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")


def _choose_bad_label(target: str, values: list[Any], bad_label: Any) -> Any:
    texts = {_label_text(v): v for v in values}
    if bad_label is not None:
        key = _label_text(bad_label)
        if key not in texts:
            raise DatasetError(
                f"`bad_label` must be one of the target's values {sorted(texts)}; got "
                f"{bad_label!r}.")
        return 1 if set(texts) == {"0", "1"} and key == "1" else (
            0 if set(texts) == {"0", "1"} else texts[key])
    keys = set(texts)
    if keys == {"0", "1"}:
        return 1
    for pair, bad in (({"good", "bad"}, "bad"), ({"paid", "default"}, "default"),
                      ({"non-default", "default"}, "default")):
        if keys == pair:
            return texts[bad]
    if _BAD_NAME.search(target):
        for pair, bad in (({"no", "yes"}, "yes"), ({"n", "y"}, "y"), ({"false", "true"}, "true")):
            if keys == pair:
                return texts[bad]
    raise DatasetError(
        f"Cannot tell which value of target '{target}' means a bad loan: its values are "
        f"{sorted(keys)}. Pass `bad_label` (for example --bad-label {sorted(keys)[0]!r}).")


def _check_target(frame: pd.DataFrame, target: str) -> list[Any]:
    values = frame[target]
    missing = values.isna() | (values.astype("str").str.strip() == "")
    if len(values) and missing.mean() > 0.5:
        raise DatasetError(
            f"Target '{target}' must be filled in for most rows; got {int(missing.sum()):,} "
            f"of {len(values):,} missing. Choose another target column or fill it in.")
    distinct = pd.unique(values[~missing].astype("str").str.strip())
    by_text = {_label_text(v): v for v in distinct}
    if len(by_text) != 2:
        shown = sorted(by_text)[:10]
        what = "one class" if len(by_text) == 1 else f"{len(by_text)} values"
        raise DatasetError(
            f"Target '{target}' must have exactly two values (good and bad); got {what}: "
            f"{shown}. Choose the right outcome column or recode it to two values.")
    return list(by_text.values())


def _kind(name: str, values: pd.Series) -> tuple[str, str]:
    """(kind, reason): kind is numeric, categorical, protected or drop."""
    present = values.dropna()
    present = present[present.astype("str").str.strip() != ""]
    if present.empty:
        return "drop", "empty"
    if present.astype("str").str.strip().nunique() <= 1:
        return "drop", "constant"
    if _PROTECTED.search(name):
        return "protected", "protected attribute"
    numbers = _numbers(present)
    if numbers.notna().mean() >= NUMERIC_SHARE:
        return "numeric", f"{numbers.notna().mean():.0%} of values are numbers"
    distinct = present.astype("str").nunique()
    if present.astype("str").str.len().mean() > FREE_TEXT_CHARS:
        return "drop", f"free text (average above {FREE_TEXT_CHARS} characters)"
    if _ID_NAME.search(name) or (len(present) >= 20 and distinct / len(present)
                                 >= ID_DISTINCT_SHARE):
        return "drop", "id-like (name or almost all values distinct)"
    if distinct > MAX_CATEGORIES:
        return "drop", f"free text ({distinct:,} distinct values)"
    return "categorical", f"{distinct:,} categories"


def infer_spec(frame: pd.DataFrame, *, target: str, id_column: str | None = None,
               amount_column: str | None = None, bad_label: Any = None,
               name: str = "user_csv") -> DatasetSpec:
    """Infer a dataset spec from a frame of a user's labelled data (see the module docstring).

    Raises
    ------
    DatasetError
        When a named column is absent, the target is not binary, mostly missing, or its bad
        label cannot be told and ``bad_label`` was not given.
    """
    named = {"target": target, "id_column": id_column, "amount_column": amount_column}
    for role, column in named.items():
        if column is not None and column not in frame.columns:
            match = match_columns(list(map(str, frame.columns)), [ColumnRule(column)])
            hint = (f" (the file has {match.suggestions[column]!r})"
                    if column in match.suggestions else "")
            raise DatasetError(
                f"`{role}` must name a column of the file; got {column!r}{hint}. Columns: "
                f"{list(map(str, frame.columns))}.")
    values = _check_target(frame, target)
    bad = _choose_bad_label(target, values, bad_label)
    if amount_column is not None and _numbers(frame[amount_column].dropna()).isna().mean() > 0.05:
        raise DatasetError(f"`amount_column` '{amount_column}' must hold numbers; it does not.")
    features: list[FeatureSpec] = []
    dropped: list[str] = []
    protected: list[str] = []
    notes: list[str] = []
    for column in frame.columns:
        if column in (target, id_column, amount_column):
            continue
        kind, reason = _kind(str(column), frame[column])
        notes.append(f"{column}: {reason}" if kind == "drop" else f"{column}: {kind} ({reason})")
        if kind in ("numeric", "categorical"):
            features.append(FeatureSpec(str(column), kind,  # type: ignore[arg-type]
                                        str(column).replace("_", " ").capitalize()))
        elif kind == "protected":
            protected.append(str(column))
        else:
            dropped.append(str(column))
    if not features:
        raise DatasetError(
            f"No usable feature columns: every column besides the target was dropped "
            f"({'; '.join(notes) or 'none'}). Check the file.")
    return DatasetSpec(
        name=name, title=f"User dataset {name}",
        description="Inferred from a user's CSV. " + "; ".join(notes) + ".",
        target=target, bad_label=bad, features=tuple(features), id_column=id_column,
        amount_column=amount_column,
        default_amount=None if amount_column is not None else DEFAULT_AMOUNT,
        currency="units", drop=tuple(dropped), protected=tuple(protected),
    )


def describe_inference(spec: DatasetSpec) -> str:
    """A printable account of what was inferred, for the user to confirm."""
    lines = [f"Dataset '{spec.name}'",
             f"  target: {spec.target} (bad label {spec.bad_label!r})",
             f"  id column: {spec.id_column or '(none: row numbers)'}",
             f"  amount: {spec.amount_column or f'{spec.default_amount:,.0f} {spec.currency}'}"]
    lines.append(f"  numeric features ({len(spec.numeric_features)}): "
                 + (", ".join(spec.numeric_features) or "none"))
    lines.append(f"  categorical features ({len(spec.categorical_features)}): "
                 + (", ".join(spec.categorical_features) or "none"))
    if spec.protected:
        lines.append(f"  protected (screened, not features): {', '.join(spec.protected)}")
    if spec.drop:
        reasons = dict(n.split(": ", 1) for n in spec.description.removesuffix(".")
                       .removeprefix("Inferred from a user's CSV. ").split("; ") if ": " in n)
        lines.append("  dropped: " + ", ".join(f"{c} ({reasons.get(c, 'dropped')})"
                                               for c in spec.drop))
    return "\n".join(lines)


def _refused(path: Path, errors: tuple[str, ...]) -> IngestError:
    return IngestError(f"{path.name} was refused: " + " ".join(errors), check="refused")


def load_user_csv(path: str | Path, *, target: str, id_column: str | None = None,
                  amount_column: str | None = None, bad_label: Any = None,
                  limits: IngestLimits | None = None) -> Dataset:
    """Read a labelled CSV through the gate, infer its spec and return the dataset.

    The file is read twice: as text to infer the spec, then with the spec's rules, so the
    frame is typed and rows failing a rule (for example a missing target) are dropped.

    Raises
    ------
    IngestError
        When the file is refused (the message says why).
    DatasetError
        When the spec cannot be inferred (see :func:`infer_spec`).
    """
    path = Path(path)
    limits = limits or IngestLimits()
    first = ingest(path, None, limits=limits)
    if first.refused:
        raise _refused(path, first.errors)
    spec = infer_spec(first.frame, target=target, id_column=id_column,
                      amount_column=amount_column, bad_label=bad_label, name=path.stem)
    report = ingest(path, rules_from_spec(spec, labelled=True), limits=limits)
    if report.refused:
        raise _refused(path, report.errors)
    frame = report.frame
    if isinstance(spec.bad_label, int | np.integer):
        frame = frame.assign(**{target: frame[target].astype("int64")})
    spec.validate_frame(frame)
    return Dataset(frame=frame, spec=spec)
