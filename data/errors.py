"""Exceptions raised by Lendscope's data layer; the app shows their text to users as is."""

from __future__ import annotations


class LendscopeError(ValueError):
    """Base class of every user-facing domain error: its message says what and how to fix."""


class SpecError(LendscopeError):
    """A dataset spec is inconsistent, or does not fit the frame it describes."""


class DatasetError(LendscopeError):
    """A dataset cannot be found or loaded."""
