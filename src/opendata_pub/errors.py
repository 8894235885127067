"""Raised when an operation cannot go on. Problems in the user's data are Findings, not exceptions.

    OpendataPubError                 every error carries a one-line message and an optional hint
    ├── UsageError                   the caller asked for something impossible (exit code 2)
    ├── ConfigError                  opendata.yaml unreadable, unknown key, bad value (exit code 2)
    ├── InputError                   a file cannot be read at all: missing, undecodable, corrupt
    │   └── UnknownLayoutError       an evaluation sheet in none of the layouts we know
    └── PortalError                  talking to a publishing target failed
        ├── PortalUnreachable        refused, DNS, timeout, TLS, redirect, not CKAN
        └── PortalRejected           the portal answered with an error
            ├── NotFound
            ├── NotAuthorized
            └── PortalValidationError    carries the portal's field errors

Messages never contain a secret: callers pass tokens to no exception, and `redact()` is used on any
text that came from a request (URLs with credentials, headers).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

__all__ = [
    "ConfigError",
    "InputError",
    "NotAuthorized",
    "NotFound",
    "OpendataPubError",
    "PortalError",
    "PortalRejected",
    "PortalUnreachable",
    "PortalValidationError",
    "UnknownLayoutError",
    "UsageError",
    "redact",
]


class OpendataPubError(Exception):
    """Base of every error this toolkit raises on purpose.

    ``str(exc)`` is the one-line message the CLI prints; ``hint`` says what to do about it.
    """

    exit_code: int = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class UsageError(OpendataPubError):
    """The command line or the API call cannot be satisfied as given."""

    exit_code = 2


class ConfigError(OpendataPubError):
    """The project configuration cannot be used. ``path`` and ``key`` say where."""

    exit_code = 2

    def __init__(
        self, message: str, *, path: str | None = None, key: str | None = None, hint: str | None = None
    ) -> None:
        where = ":".join(p for p in (path, key) if p)
        super().__init__(f"{where}: {message}" if where else message, hint=hint)
        self.path = path
        self.key = key


class InputError(OpendataPubError):
    """A file cannot be read at all. ``path`` and ``where`` (line, row, byte) say where."""

    def __init__(
        self, message: str, *, path: str | None = None, where: str | None = None, hint: str | None = None
    ) -> None:
        loc = path or ""
        if where:
            loc = f"{loc}:{where}" if loc else where
        super().__init__(f"{loc}: {message}" if loc else message, hint=hint)
        self.path = path
        self.where = where


class UnknownLayoutError(InputError):
    """An evaluation sheet matches none of the known layouts."""


class PortalError(OpendataPubError):
    """Publishing to or reading from a target failed."""


class PortalUnreachable(PortalError):
    """The portal could not be reached or did not answer as a portal."""


class PortalRejected(PortalError):
    """The portal answered with an error. ``status`` is the HTTP status, ``kind`` CKAN's ``__type``."""

    def __init__(
        self, message: str, *, status: int | None = None, kind: str | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.status = status
        self.kind = kind


class NotFound(PortalRejected):
    """The portal has no such object."""


class NotAuthorized(PortalRejected):
    """The token (or its absence) does not allow the call."""


class PortalValidationError(PortalRejected):
    """The portal refused the data; ``fields`` maps each field to its messages."""

    def __init__(
        self,
        message: str,
        *,
        fields: Mapping[str, Sequence[str]] | None = None,
        status: int | None = 409,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, status=status, kind="Validation Error", hint=hint)
        self.fields = dict(fields or {})


_SECRET_PATTERNS = (
    # JWT-shaped tokens (CKAN API tokens are JWTs)
    re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"),
    # user:password@ in URLs
    re.compile(r"(?<=://)[^/@\s:]+:[^/@\s]+(?=@)"),
    # Authorization / X-CKAN-API-Key header values as they appear in a printed dict or header dump
    re.compile(r"(?i)((?:authorization|x-ckan-api-key)[\"']?\s*[:=]\s*[\"']?)[^\"'\s,}]+"),
)


def redact(text: str, secrets: Sequence[str] = ()) -> str:
    """Return ``text`` with every known secret and anything shaped like a token replaced by ``***``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + "***", text)
    return text
