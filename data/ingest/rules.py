"""Column rules: what each column of an accepted file must hold, and how headers match them.

Header matching is an explicit alias step: a file column matches a rule when its normalised
name (trimmed, case-folded, runs of spaces, hyphens and dots turned into one underscore) equals
the normalised name of the rule or of one of its ``aliases``. Nothing else is guessed; close
misses are only suggested (``difflib``), never applied.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from data.spec import DatasetSpec

RuleKind = Literal["numeric", "categorical", "id", "date", "text"]
RULE_KINDS: tuple[str, ...] = ("numeric", "categorical", "id", "date", "text")
MissingPolicy = Literal["allow", "reject"]
_SEPARATORS = re.compile(r"[\s\-.]+")


@dataclass(frozen=True)
class ColumnRule:
    """What one column must hold.

    Parameters
    ----------
    name : str
        Canonical column name (the name the cleaned frame uses).
    kind : {"numeric", "categorical", "id", "date", "text"}
        ``numeric``: float64; ``categorical``/``id``/``text``: text (ids are never converted to
        numbers, so ``001`` stays ``001``); ``date``: ISO 8601 dates, datetime64.
    required : bool
        A file without this column is refused.
    min_value, max_value : float or None
        Hard limits (numeric): a value outside rejects the row.
    warn_min, warn_max : float or None
        Soft limits, e.g. the training range: a value outside is a warning only.
    categories : tuple or None
        Known categories: an unseen value is a warning only.
    allowed : tuple or None
        The only values accepted (e.g. a binary target): anything else rejects the row.
    integer : bool
        Numeric values must be whole numbers (a fraction rejects the row).
    missing : {"allow", "reject"}
        ``allow``: a missing value is kept as NaN/NA (the models handle missing values
        natively); ``reject``: a missing value rejects the row.
    unique : bool
        Values should be unique (ids); duplicates are warnings.
    aliases : tuple of str
        Other header names accepted for this column.
    description : str
        Plain-language description shown in messages.
    """

    name: str
    kind: RuleKind = "numeric"
    required: bool = True
    min_value: float | None = None
    max_value: float | None = None
    warn_min: float | None = None
    warn_max: float | None = None
    categories: tuple[object, ...] | None = None
    allowed: tuple[object, ...] | None = None
    integer: bool = False
    missing: MissingPolicy = "allow"
    unique: bool = False
    aliases: tuple[str, ...] = field(default_factory=tuple)
    description: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError(f"`name` must be a non-empty string; got {self.name!r}.")
        if self.kind not in RULE_KINDS:
            raise ValueError(
                f"`kind` of column {self.name!r} must be one of {list(RULE_KINDS)}; "
                f"got {self.kind!r}."
            )
        if self.missing not in ("allow", "reject"):
            raise ValueError(
                f"`missing` of column {self.name!r} must be 'allow' or 'reject'; "
                f"got {self.missing!r}."
            )
        if (self.min_value is not None and self.max_value is not None
                and self.min_value > self.max_value):
            raise ValueError(
                f"`min_value` of column {self.name!r} must be at most `max_value`; got "
                f"{self.min_value!r} > {self.max_value!r}."
            )


def normalise_name(name: str) -> str:
    """The key header names are matched on: trimmed, case-folded, separators as ``_``."""
    return _SEPARATORS.sub("_", name.strip().casefold()).strip("_")


def rules_from_spec(spec: DatasetSpec, *, labelled: bool) -> tuple[ColumnRule, ...]:
    """Column rules for files of dataset ``spec``.

    Features are required, with the spec's ``min_value``/``max_value`` as hard limits and
    missing values allowed. The id column is required text (missing rejects the row,
    duplicates warn). When ``labelled`` the target is required, missing rejects the row, and
    for a numeric bad label 0/1 only 0 and 1 are allowed. The oracle column (a probability),
    the amount column (non-negative numeric), date, segment and protected columns are optional.
    """
    rules: list[ColumnRule] = []
    for feature in spec.features:
        rules.append(ColumnRule(
            name=feature.name,
            kind="numeric" if feature.kind == "numeric" else "categorical",
            min_value=feature.min_value,
            max_value=feature.max_value,
            description=feature.description,
        ))
    taken = {rule.name for rule in rules}

    def add(rule: ColumnRule) -> None:
        if rule.name not in taken:
            rules.append(rule)
            taken.add(rule.name)

    if spec.id_column is not None:
        add(ColumnRule(name=spec.id_column, kind="id", missing="reject", unique=True,
                       description="Applicant id"))
    if labelled:
        add(_target_rule(spec))
    if spec.oracle_column is not None:
        add(ColumnRule(name=spec.oracle_column, kind="numeric", required=False, min_value=0.0,
                       max_value=1.0, description="True default probability (synthetic)"))
    if spec.amount_column is not None:
        add(ColumnRule(name=spec.amount_column, kind="numeric", required=False, min_value=0.0,
                       description="Loan amount"))
    if spec.date_column is not None:
        add(ColumnRule(name=spec.date_column, kind="date", required=False,
                       description="Application date"))
    for column in (*spec.segments, *spec.protected):
        add(ColumnRule(name=column, kind="categorical", required=False, description=column))
    return tuple(rules)


def _target_rule(spec: DatasetSpec) -> ColumnRule:
    bad = spec.bad_label
    if isinstance(bad, bool) or isinstance(bad, int | float):
        allowed = (0, 1) if bad in (0, 1) else None
        return ColumnRule(name=spec.target, kind="numeric", missing="reject", integer=True,
                          allowed=allowed, description="Outcome (target)")
    return ColumnRule(name=spec.target, kind="categorical", missing="reject",
                      description="Outcome (target)")


@dataclass(frozen=True)
class ColumnMatch:
    """How a file's header lines up with the rules.

    Attributes
    ----------
    positions : Mapping[str, int]
        Rule name -> position of the matching column in the file.
    missing_required, missing_optional : tuple of str
        Rule names with no matching column.
    extra : tuple of str
        File columns that match no rule (ignored; they never reach a model).
    suggestions : Mapping[str, str]
        File column -> the rule name it probably means (close match), and missing rule
        name -> the file column it is probably spelled as.
    """

    positions: Mapping[str, int]
    missing_required: tuple[str, ...]
    missing_optional: tuple[str, ...]
    extra: tuple[str, ...]
    suggestions: Mapping[str, str]


def duplicate_names(header: Sequence[str]) -> list[str]:
    """Header names that occur more than once after normalisation (empty names ignored)."""
    seen: dict[str, list[str]] = {}
    for name in header:
        if name:
            seen.setdefault(normalise_name(name), []).append(name)
    return sorted({n for names in seen.values() if len(names) > 1 for n in names})


def match_columns(header: Sequence[str], rules: Sequence[ColumnRule]) -> ColumnMatch:
    """Line ``header`` up with ``rules`` through the alias step; suggest close matches."""
    keys: dict[str, str] = {}
    for rule in rules:
        for alias in (rule.name, *rule.aliases):
            keys.setdefault(normalise_name(alias), rule.name)
    positions: dict[str, int] = {}
    extra: list[str] = []
    for position, name in enumerate(header):
        rule_name = keys.get(normalise_name(name)) if name else None
        if rule_name is not None and rule_name not in positions:
            positions[rule_name] = position
        else:
            extra.append(name or f"(unnamed column {position + 1})")
    missing_required = tuple(r.name for r in rules if r.required and r.name not in positions)
    missing_optional = tuple(r.name for r in rules if not r.required and r.name not in positions)
    suggestions: dict[str, str] = {}
    extra_keys = {normalise_name(name): name for name in extra}
    for missing in (*missing_required, *missing_optional):
        close = difflib.get_close_matches(normalise_name(missing), list(extra_keys), n=1,
                                          cutoff=0.75)
        if close:
            suggestions[extra_keys[close[0]]] = missing
            suggestions[missing] = extra_keys[close[0]]
    return ColumnMatch(
        positions=positions,
        missing_required=missing_required,
        missing_optional=missing_optional,
        extra=tuple(extra),
        suggestions=suggestions,
    )
