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

Messages never contain a secret: callers pass tokens to no exception, `redact()` is used on any
text that came from a request (URLs with credentials, headers), and every token the toolkit resolves
is registered (`register_secret`) so that `redact()` hides it wherever it turns up, the CLI's
last-resort handler included. Messages are also safe to print: `printable()` writes control
characters (escape sequences, bidi overrides) as visible escapes, and every error here is built
through it, so portal text or file content quoted in a message cannot drive the user's terminal.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping, Sequence

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
    "printable",
    "redact",
    "register_secret",
]


class OpendataPubError(Exception):
    """Base of every error this toolkit raises on purpose.

    ``str(exc)`` is the one-line message the CLI prints; ``hint`` says what to do about it.
    """

    exit_code: int = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        # Redact first, then make printable: portal text and quoted file content end up here, and a
        # secret written with escapes (a repr) must still be recognised.
        message = printable(redact(message))
        super().__init__(message)
        self.message = message
        self.hint = printable(redact(hint)) if hint is not None else None

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
        self.kind = printable(kind) if kind is not None else None  # the portal's own words


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
        # the portal's own words, safe to print like the message
        self.fields = {printable(redact(k)): [printable(redact(m)) for m in v] for k, v in (fields or {}).items()}


_SECRET_PATTERNS = (
    # A header value quoted in an error (http.client: "Invalid header value b'…'"; requests:
    # "… in header value: '…'", "Header part ('…') from ('Authorization', '…') …"): the value is
    # the token whatever its shape, so the whole quoted literal goes.
    re.compile(r"(?i)((?:invalid header value|in header value|header part)[:\s(]*)b?(['\"])(?:\\.|(?!\2).)*\2"),
    re.compile(r"(?i)(['\"]?(?:authorization|x-ckan-api-key)['\"]?\s*[:=,]\s*)b?(['\"])(?:\\.|(?!\2).)*\2"),
    # JWT-shaped tokens (CKAN API tokens are JWTs)
    re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"),
    # user:password@ in URLs
    re.compile(r"(?<=://)[^/@\s:]+:[^/@\s]+(?=@)"),
    # Authorization / X-CKAN-API-Key header values as they appear in a printed dict or header dump
    re.compile(r"(?i)((?:authorization|x-ckan-api-key)[\"']?\s*[:=]\s*[\"']?)[^\"'\s,}]+"),
)

# Every token resolved in this process (config.check_token registers it), never printed; it only
# grows, as a token once used may still be quoted by a late error.
_REGISTERED: dict[str, frozenset[str]] = {}  # secret -> the forms it takes in text (_forms)
_REGISTERED_LOCK = threading.Lock()
# A registered value hides in every text from then on, so a short one would blank out ordinary
# words ("other"); real tokens are far longer (a CKAN API token is a JWT, a legacy key a UUID).
_MIN_REGISTERED = 8


def register_secret(value: str | None) -> None:
    """Remember ``value`` as a secret: ``redact()`` hides it from now on, in every text."""
    if value and len(value) >= _MIN_REGISTERED:
        forms = _forms(value)
        with _REGISTERED_LOCK:
            _REGISTERED[value] = forms


def _forms(secret: str) -> frozenset[str]:
    """The ways ``secret`` can appear in a message: as is, as a repr (str or bytes, as http.client
    quotes a header value), escaped by ``printable``, with its whitespace folded (as messages are
    shortened), and — when it holds control characters or spaces — each longer piece of it."""
    forms = {secret, repr(secret)[1:-1], repr(secret.encode("utf-8", "backslashreplace"))[2:-1],
             printable(secret), printable(secret, newlines=True), " ".join(secret.split())}
    pieces = [p for p in re.split(r"[\x00-\x20\x7f-\x9f]+", secret) if p]
    if len(pieces) > 1:
        forms.update(p for p in pieces if len(p) >= _MIN_REGISTERED)
    return frozenset(f for f in forms if f)


def redact(text: str, secrets: Iterable[str | None] = (), *, patterns: bool = True) -> str:
    """Return ``text`` with every known secret and anything shaped like a token replaced by ``***``.

    Known secrets are ``secrets`` and every registered one, matched as plain text (no regular
    expression: a token may hold any character) in each of the forms it takes in a message, longest
    first. ``patterns=False`` skips the shape-based patterns (for ordinary output, where a JWT-like
    string may be data)."""
    with _REGISTERED_LOCK:
        forms: set[str] = set().union(*_REGISTERED.values())
    for secret in secrets:
        if secret:
            forms |= _forms(secret)
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, "***")
    if patterns:
        for pattern in _SECRET_PATTERNS:
            text = pattern.sub(lambda m: (m.group(1) or "" if m.groups() else "") + "***", text)
    return text


# What a terminal may act on: C0 controls (tab and, where allowed, newline kept), DEL, C1 controls
# (0x9b is a one-byte CSI for some terminals), the bidi embeddings, overrides and isolates (they
# reorder what is shown: "Trojan Source"), line/paragraph separators, and lone surrogates (a file
# name that is not UTF-8; printing one would raise).
_UNPRINTABLE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_UNPRINTABLE_LINE = re.compile(f"[\n{_UNPRINTABLE}]")
_UNPRINTABLE_TEXT = re.compile(f"[{_UNPRINTABLE}]")


def printable(text: str, *, newlines: bool = False) -> str:
    """``text`` safe to show on a terminal: each control character is written as its Python escape
    (``\\x1b``, ``\\u202e``, ``\\n``), so the reader still sees that it was there but no terminal acts
    on it. Tabs are kept; newlines only with ``newlines=True`` (a message is one line)."""
    pattern = _UNPRINTABLE_TEXT if newlines else _UNPRINTABLE_LINE
    return pattern.sub(lambda m: repr(m.group())[1:-1], text)
