"""Exceptions of the model layer; the app shows their text to users as is."""

from __future__ import annotations

from data.errors import LendscopeError


class ModelIntegrityError(LendscopeError):
    """A saved model is missing, corrupt, tampered with or cannot be loaded; names the file."""


class ModelNotFoundError(LendscopeError):
    """No model with the requested id (or no champion) exists in the registry."""
