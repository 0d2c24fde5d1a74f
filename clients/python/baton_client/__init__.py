"""Baton's Python client: the generated stubs of baton.v1 behind connect()."""

from .connect import DEFAULT_ADDRESSES, DEFAULT_TIMEOUT, Clients, Settings, connect, resolve_settings
from .errors import BatonError, FieldViolation

__all__ = ["connect", "resolve_settings", "Clients", "Settings", "BatonError", "FieldViolation",
           "DEFAULT_ADDRESSES", "DEFAULT_TIMEOUT"]
