"""Dataset specs: what each column of a credit dataset is, read from TOML under ``data/specs/``.

A spec names the target and its bad label, the id, amount, date and oracle columns, the
model features with their kinds, plain-language descriptions (used for reason statements),
optional bounds and monotone constraints, segment columns, protected attributes (never model
features unless explicitly allowed), and the default lending economics for simulations.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import pandas as pd

from data.errors import SpecError

SPECS_DIR = Path(__file__).resolve().parent / "specs"

Kind = Literal["numeric", "categorical"]
KINDS: tuple[str, ...] = ("numeric", "categorical")


@dataclass(frozen=True)
class FeatureSpec:
    """One model input.

    Parameters
    ----------
    name : str
        Column name as it appears in the data.
    kind : {"numeric", "categorical"}
        How the model treats the column.
    description : str
        Plain-language noun phrase, e.g. "Share of months with utility bills paid on time".
    unit : str
        Unit shown after values ("PEN", "days", ""), empty for none.
    value_format : str
        Python format spec for values in reason statements, e.g. ",.0f" or ".0%".
    min_value, max_value : float or None
        Physically possible range; values outside are rejected row by row at ingestion.
    monotone : {-1, 0, 1}
        +1 when PD must not decrease as the value grows, -1 when it must not increase.
    """

    name: str
    kind: Kind
    description: str
    unit: str = ""
    value_format: str = ""
    min_value: float | None = None
    max_value: float | None = None
    monotone: int = 0

    def format_value(self, value: object) -> str:
        """Render ``value`` for a reason statement, with the unit; "missing" for NaN/None."""
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return "missing"
        if self.kind == "numeric" and self.value_format:
            try:
                text = format(float(value), self.value_format)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                text = str(value)
        else:
            text = str(value)
        return f"{text} {self.unit}".strip() if self.unit and self.unit != "%" else text


@dataclass(frozen=True)
class BaselineRule:
    """Today's policy to beat: approve when ``column >= min_value``; missing per ``missing``.

    With ``column`` empty the baseline approves everyone.
    """

    label: str = "Approve everyone"
    column: str = ""
    min_value: float | None = None
    missing: Literal["approve", "decline"] = "decline"


@dataclass(frozen=True)
class DatasetSpec:
    """Everything Lendscope needs to know about a credit dataset's columns."""

    name: str
    title: str
    description: str
    target: str
    bad_label: Any
    features: tuple[FeatureSpec, ...]
    id_column: str | None = None
    amount_column: str | None = None
    default_amount: float | None = None
    currency: str = "USD"
    date_column: str | None = None
    oracle_column: str | None = None
    drop: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()
    protected: tuple[str, ...] = ()
    allow_protected_features: bool = False
    baseline: BaselineRule = field(default_factory=BaselineRule)
    economics: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    source: str = ""

    def __post_init__(self) -> None:
        names = [f.name for f in self.features]
        if not names:
            raise SpecError(
                f"Spec '{self.name}': `features` must list at least one column; got none."
            )
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise SpecError(
                f"Spec '{self.name}': feature names must be unique; got duplicates {dupes}."
            )
        for feature in self.features:
            if feature.kind not in KINDS:
                raise SpecError(
                    f"Spec '{self.name}': kind of feature '{feature.name}' must be one of "
                    f"{list(KINDS)}; got {feature.kind!r}."
                )
            if feature.monotone not in (-1, 0, 1):
                raise SpecError(
                    f"Spec '{self.name}': monotone of feature '{feature.name}' must be -1, 0 or 1; "
                    f"got {feature.monotone!r}."
                )
        special = {
            "target": self.target,
            "id_column": self.id_column,
            "oracle_column": self.oracle_column,
        }
        for role, column in special.items():
            if column is not None and column in names:
                raise SpecError(
                    f"Spec '{self.name}': the {role} '{column}' cannot also be a feature; "
                    "remove it from `features`."
                )
        leaked = sorted(set(names) & set(self.protected))
        if leaked and not self.allow_protected_features:
            raise SpecError(
                f"Spec '{self.name}': protected attributes {leaked} are listed as features; "
                "protected attributes are used only to screen outcomes. Remove them from "
                "`features` or set `allow_protected_features = true` and document why."
            )
        if self.amount_column is None and self.default_amount is None:
            raise SpecError(
                f"Spec '{self.name}': give `amount_column` or `default_amount`; got neither."
            )

    @property
    def feature_names(self) -> tuple[str, ...]:
        """Model feature columns, in spec order."""
        return tuple(f.name for f in self.features)

    @property
    def numeric_features(self) -> tuple[str, ...]:
        """Feature columns of kind numeric."""
        return tuple(f.name for f in self.features if f.kind == "numeric")

    @property
    def categorical_features(self) -> tuple[str, ...]:
        """Feature columns of kind categorical."""
        return tuple(f.name for f in self.features if f.kind == "categorical")

    def feature(self, name: str) -> FeatureSpec:
        """The spec of feature ``name``; ``KeyError`` naming it when absent."""
        for feature in self.features:
            if feature.name == name:
                return feature
        raise KeyError(f"'{name}' is not a feature of dataset '{self.name}'")

    def required_columns(self, *, labelled: bool = True) -> tuple[str, ...]:
        """Columns a frame must have: the features, plus the target when ``labelled``."""
        columns = list(self.feature_names)
        if labelled:
            columns.append(self.target)
        return tuple(columns)

    def with_features(self, features: Iterable[FeatureSpec]) -> DatasetSpec:
        """A copy with another feature list (validated again)."""
        return replace(self, features=tuple(features))

    def validate_frame(self, frame: pd.DataFrame, *, labelled: bool = True) -> None:
        """Check that ``frame`` fits this spec.

        Raises
        ------
        SpecError
            When a spec column is missing from the frame, or the target is not binary
            with the bad label among its values.
        """
        wanted = list(self.required_columns(labelled=labelled))
        for optional in (self.id_column, self.amount_column, self.date_column):
            if optional is not None:
                wanted.append(optional)
        wanted += [c for c in (*self.segments, *self.protected) if c not in wanted]
        missing = [c for c in wanted if c not in frame.columns]
        if missing:
            raise SpecError(
                f"Spec '{self.name}' names columns the data does not have: {missing}. "
                "Fix the spec or the data's header."
            )
        if labelled:
            values = pd.unique(frame[self.target].dropna())
            if len(values) != 2 or self.bad_label not in set(values.tolist()):
                shown = sorted(map(str, values.tolist()))[:10]
                raise SpecError(
                    f"Target '{self.target}' must be binary with bad label {self.bad_label!r}; "
                    f"got values {shown}."
                )


def _feature_from_toml(raw: Mapping[str, Any], spec_name: str) -> FeatureSpec:
    unknown = sorted(set(raw) - set(FeatureSpec.__dataclass_fields__))
    if unknown:
        raise SpecError(f"Spec '{spec_name}': unknown feature keys {unknown} in {dict(raw)!r}.")
    if "name" not in raw or "kind" not in raw:
        raise SpecError(
            f"Spec '{spec_name}': every feature needs `name` and `kind`; got {dict(raw)!r}."
        )
    values = dict(raw)
    values.setdefault("description", values["name"].replace("_", " ").capitalize())
    return FeatureSpec(**values)


def spec_from_mapping(raw: Mapping[str, Any], *, source: str = "") -> DatasetSpec:
    """Build a :class:`DatasetSpec` from a parsed TOML table (or any mapping)."""
    name = str(raw.get("name", "")) or "unnamed"
    known = set(DatasetSpec.__dataclass_fields__)
    unknown = sorted(set(raw) - known)
    if unknown:
        raise SpecError(f"Spec '{name}': unknown keys {unknown}; known keys are {sorted(known)}.")
    for key in ("name", "target", "bad_label", "features"):
        if key not in raw:
            raise SpecError(f"Spec '{name}': required key `{key}` is missing.")
    values = dict(raw)
    values["features"] = tuple(_feature_from_toml(f, name) for f in raw["features"])
    for key in ("drop", "segments", "protected"):
        values[key] = tuple(raw.get(key, ()))
    values["baseline"] = BaselineRule(**raw.get("baseline", {}))
    values["economics"] = MappingProxyType(dict(raw.get("economics", {})))
    values.setdefault("title", name)
    values.setdefault("description", "")
    values["source"] = source
    return DatasetSpec(**values)


def load_spec(name_or_path: str | Path) -> DatasetSpec:
    """Read a spec by built-in name (``synthetic_sme``) or from a TOML file path."""
    path = Path(name_or_path)
    if path.suffix != ".toml":
        path = SPECS_DIR / f"{name_or_path}.toml"
    if not path.is_file():
        known = sorted(p.stem for p in SPECS_DIR.glob("*.toml"))
        raise SpecError(f"Spec '{name_or_path}' not found; built-in specs are {known}.")
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    return spec_from_mapping(raw, source=str(path.name))


def builtin_spec_names() -> tuple[str, ...]:
    """Names of the specs shipped in ``data/specs/``."""
    return tuple(sorted(p.stem for p in SPECS_DIR.glob("*.toml")))
