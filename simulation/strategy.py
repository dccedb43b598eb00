"""A lending strategy: which model, which economics, which policy, under which scenario.

Saved as JSON (written to a temporary file, then renamed, so a failed save never leaves a
half-written file) and read back with every part validated again.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from data.spec import BaselineRule
from simulation.economics import Economics, economics_from_mapping
from simulation.errors import SimulationError, StrategyError
from simulation.policy import BaselinePolicy, CutoffPolicy, Policy, ReferPolicy
from simulation.scenarios import Scenario

FORMAT = "lendscope-strategy"
VERSION = 1


def policy_to_dict(policy: Policy) -> dict[str, Any]:
    """JSON-ready mapping with a ``kind`` of "cutoff", "refer" or "baseline"."""
    if isinstance(policy, CutoffPolicy):
        return {"kind": "cutoff", **asdict(policy)}
    if isinstance(policy, ReferPolicy):
        return {"kind": "refer", **asdict(policy)}
    if isinstance(policy, BaselinePolicy):
        return {"kind": "baseline", **asdict(policy.rule)}
    raise StrategyError(f"`policy` must be a Lendscope policy; got {type(policy).__name__}.")


def policy_from_dict(raw: dict[str, Any]) -> Policy:
    """Inverse of :func:`policy_to_dict`."""
    values = dict(raw)
    kind = values.pop("kind", None)
    try:
        if kind == "cutoff":
            return CutoffPolicy(**values)
        if kind == "refer":
            return ReferPolicy(**values)
        if kind == "baseline":
            return BaselinePolicy(BaselineRule(**values))
    except TypeError as exc:
        raise StrategyError(f"policy fields of kind {kind!r} are wrong: {exc}.") from exc
    raise StrategyError(f"policy `kind` must be 'cutoff', 'refer' or 'baseline'; got {kind!r}.")


@dataclass(frozen=True)
class Strategy:
    """Everything needed to reproduce a simulated policy.

    Parameters
    ----------
    model_id, model_sha256 : str
        The model whose holdout is simulated, and the hash of its model file.
    economics : Economics
        Money assumptions.
    policy : CutoffPolicy, ReferPolicy or BaselinePolicy
        The chosen policy.
    scenario : Scenario
        Stress applied (``Scenario()`` for none).
    baseline : BaselineRule
        Today's policy it is compared with.
    dataset : str
        Dataset name of the model.
    """

    model_id: str
    model_sha256: str
    economics: Economics
    policy: Policy
    scenario: Scenario = field(default_factory=Scenario)
    baseline: BaselineRule = field(default_factory=BaselineRule)
    dataset: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping (with a format name and version)."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "model_id": self.model_id,
            "model_sha256": self.model_sha256,
            "dataset": self.dataset,
            "economics": self.economics.to_dict(),
            "policy": policy_to_dict(self.policy),
            "scenario": self.scenario.to_dict(),
            "baseline": asdict(self.baseline),
        }

    def to_json(self) -> str:
        """Indented JSON text."""
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)

    @classmethod
    def from_dict(cls, raw: Any) -> Strategy:
        """Read a mapping written by :meth:`to_dict`, validating every part."""
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            raise StrategyError(
                f"a strategy must be a JSON object with format {FORMAT!r}; got "
                f"{raw.get('format') if isinstance(raw, dict) else type(raw).__name__!r}."
            )
        if raw.get("version") != VERSION:
            raise StrategyError(
                f"strategy `version` must be {VERSION}; got {raw.get('version')!r}."
            )
        missing = [k for k in ("model_id", "model_sha256", "economics", "policy") if k not in raw]
        if missing:
            raise StrategyError(f"strategy is missing keys {missing}.")
        economics = dict(raw["economics"])
        currency = str(economics.pop("currency", ""))
        if not isinstance(raw["policy"], dict):
            raise StrategyError(f"strategy `policy` must be an object; got {raw['policy']!r}.")
        try:
            return cls(
                model_id=str(raw["model_id"]),
                model_sha256=str(raw["model_sha256"]),
                dataset=str(raw.get("dataset", "")),
                economics=economics_from_mapping(economics, currency=currency),
                policy=policy_from_dict(raw["policy"]),
                scenario=Scenario(**raw.get("scenario", {})),
                baseline=BaselineRule(**raw.get("baseline", {})),
            )
        except TypeError as exc:
            raise StrategyError(f"strategy fields are wrong: {exc}.") from exc
        except SimulationError as exc:
            if isinstance(exc, StrategyError):
                raise
            raise StrategyError(f"strategy is invalid: {exc}") from exc

    @classmethod
    def from_json(cls, text: str) -> Strategy:
        """Parse JSON text written by :meth:`to_json`."""
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            raise StrategyError(
                f"a strategy file must be JSON; parsing failed at line {exc.lineno}: {exc.msg}."
            ) from exc
        return cls.from_dict(raw)

    def save(self, path: Path) -> Path:
        """Write the strategy to ``path`` atomically; returns the path."""
        path = Path(path)
        partial = path.with_name(path.name + ".partial")
        partial.write_text(self.to_json() + "\n", encoding="utf-8")
        os.replace(partial, path)
        return path

    @classmethod
    def load(cls, path: Path) -> Strategy:
        """Read a strategy file."""
        path = Path(path)
        if not path.is_file():
            raise StrategyError(f"strategy file `{path.name}` must exist; it does not.")
        return cls.from_json(path.read_text(encoding="utf-8"))
