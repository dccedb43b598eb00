"""Exceptions raised by the simulator; the app shows their text to users as is."""

from __future__ import annotations

from data.errors import LendscopeError


class SimulationError(LendscopeError):
    """Base class of the simulator's user-facing errors."""


class BookError(SimulationError):
    """The arrays describing a lending book are inconsistent or out of range."""


class EconomicsError(SimulationError):
    """Lending economics are missing, unknown or out of range."""


class PolicyError(SimulationError):
    """A policy (cut-offs, review lane, baseline rule) is invalid for the book."""


class ScenarioError(SimulationError):
    """A stress scenario is out of range or does not apply to the economics' mode."""


class InfeasibleError(SimulationError):
    """No cut-off satisfies the requested constraints."""


class StrategyError(SimulationError):
    """A saved strategy file cannot be read."""
