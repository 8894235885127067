"""Where packages are published: the Target protocol, and how ``--to`` names one.

``--to`` is resolved in a fixed order (README "publish"):

1. an ``http://`` or ``https://`` URL: a CKAN portal; the organization is ``--organization``, else
   each package's publisher's ``organization``; the token is ``$CKAN_API_TOKEN``;
2. a portal name from ``opendata.yaml``'s ``portals``: its URL, its ``organization`` (else the
   publisher's), its token (``{$env: NAME}`` / ``{$file: PATH}``) and ``allow_insecure``;
3. anything else: a folder, the static catalog (static.py). A relative ``--to`` is relative to the
   current folder, a relative ``default_target`` to the project root.

No ``--to`` means ``default_target`` from ``opendata.yaml``; with neither, and no portal configured,
the folder ``site/`` of the project. The plan/apply engine (engine.py) only knows the protocol below,
so the folder target plugs in beside the CKAN one.

``pull --from`` is resolved by ``resolve_source`` (reading, so the rule for the token is stricter):
a token goes only to a portal configured in ``opendata.yaml`` — named, or given by its exact URL —
and never to any other URL, whatever ``$CKAN_API_TOKEN`` holds. Reading needs no token.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit

import requests

from ..config import Portal, Settings, check_token
from ..errors import ConfigError, PortalError, PortalRejected, UsageError
from .plan import DatasetPlan
from .source import SourcePackage

__all__ = ["ConflictError", "PreflightError", "PullSource", "Target", "TransferProgress", "resolve_source",
           "resolve_target", "token_env"]

TOKEN_ENV = "CKAN_API_TOKEN"
DEFAULT_SITE = "site/"  # the static catalog's folder when nothing names a target (relative to the project)


def token_env() -> str:
    return TOKEN_ENV


class PreflightError(PortalError):
    """Checks before any write found problems; ``problems`` lists each (the message joins them)."""

    def __init__(self, problems: Sequence[str], *, hint: str | None = None) -> None:
        self.problems = list(problems)
        super().__init__(f"公開前の確認で {len(self.problems)} 件の問題が見つかりました: " + " / ".join(self.problems),
                         hint=hint)


class ConflictError(PortalRejected):
    """The dataset changed on the portal since it was planned (or read): nothing was overwritten."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message, status=409, kind="Conflict",
                         hint=hint or "opendata-pub plan で変更内容を確認してから公開し直してください")


class TransferProgress(Protocol):
    """What a target reports while it applies a dataset (thread-safe on the engine's side)."""

    def sent(self, key: str, completed: int) -> None:
        """``completed`` bytes of upload ``key`` sent so far in its current attempt."""


class Target(Protocol):
    """A place packages are published to (a CKAN portal, or a static catalog folder)."""

    kind: str

    def describe(self) -> dict[str, Any]:
        """Identifies the target in a saved plan (no secret)."""

    def label(self) -> str:
        """A one-line name for people."""

    def preflight(self, sources: Sequence[SourcePackage]) -> None:
        """Check before any write; raise (PreflightError, NotAuthorized, PortalUnreachable …)."""

    def plan_dataset(self, source: SourcePackage, *, prune: bool) -> DatasetPlan:
        """Compare one package with the target's current state."""

    def apply_dataset(self, plan: DatasetPlan, source: SourcePackage, *, progress: TransferProgress
                      ) -> dict[str, str]:
        """Make the target match the plan; return resource name → id. Raise ConflictError when the
        target changed since the plan."""

    def close(self) -> None:
        ...


def _is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


def resolve_target(
    to: str | None,
    settings: Settings,
    *,
    organization: str | None = None,
    allow_insecure: bool = False,
    environ: Mapping[str, str] | None = None,
    require_token: bool = True,
    session_factory: Callable[[], requests.Session] | None = None,
    force: bool = False,
) -> Target:
    """The target ``to`` names (see the module doc for the order). ``force``: a folder target may be
    a non-empty folder that has no opendata-pub manifest. ``environ``: where tokens are looked up
    (default: the process environment, read at call time)."""
    from .ckan import CkanTarget

    if environ is None:  # never a default argument: help() and pydoc would print the environment
        environ = os.environ

    name = to or settings.default_target
    if not name and not settings.portals:
        name = DEFAULT_SITE  # static catalog: no portal configured, nothing named
    if not name:
        raise UsageError("公開先がありません", hint="--to にポータルの URL かポータル名を指定するか、"
                                                    "opendata.yaml に default_target を書いてください")
    kwargs: dict[str, Any] = {"settings": settings}
    if session_factory is not None:
        kwargs["session_factory"] = session_factory
    if _is_url(name):
        token = check_token(environ.get(TOKEN_ENV, ""), source=f"環境変数 {TOKEN_ENV}") or None
        if token is None and require_token:
            raise ConfigError(f"環境変数 {TOKEN_ENV} が設定されていません (ポータルの API トークン)",
                              hint=f"export {TOKEN_ENV}=... で API トークンを設定してください")
        return CkanTarget(name, token=token, organization=organization, allow_insecure=allow_insecure, **kwargs)
    portal = settings.portals.get(name)
    if portal is not None:
        token = None
        if portal.token is not None:
            try:
                token = portal.token.resolve(environ, base=settings.root)
            except ConfigError:
                if require_token:
                    raise
        elif require_token:
            raise ConfigError(f"ポータル {name} に token がありません", path=str(settings.path or "opendata.yaml"),
                              key=f"portals.{name}.token", hint="token: {$env: CKAN_API_TOKEN} のように書いてください")
        return CkanTarget(portal.url, token=token, organization=organization or portal.organization,
                          allow_insecure=allow_insecure or portal.allow_insecure, **kwargs)
    # --- folder: the static catalog (static.py) -------------------------------------------------
    from .static import StaticTarget

    folder = Path(name).expanduser()
    # a mistyped portal name must not become a new folder full of files
    close = difflib.get_close_matches(name, list(settings.portals), n=1, cutoff=0.75)
    if close and not folder.exists() and "/" not in name and os.sep not in name:
        raise UsageError(f"{name}: ポータル名でもフォルダでもありません。ポータル {close[0]} のことですか?",
                         hint=f"フォルダ (静的カタログ) に公開するなら ./{name}/ のように書いてください")
    if to is None and not folder.is_absolute():
        folder = settings.root / folder  # default_target (or site/) is relative to the project root
    return StaticTarget(folder, settings=settings, force=force)


# ---------------------------------------------------------------------------------------------
# pull --from: where a dataset is read from


@dataclass(frozen=True, slots=True)
class PullSource:
    """Where ``pull`` reads from (see ``resolve_source``). ``token`` is set only for a configured
    portal; it is never shown by ``repr``."""

    kind: Literal["folder", "portal", "url"]  # "url": a static catalog, else a CKAN (tried in that order)
    location: str  # the folder (absolute), or the base URL
    portal: str | None = None  # the opendata.yaml portal name, for kind "portal"
    allow_insecure: bool = False
    token: str | None = field(default=None, repr=False, compare=False)


def _same_url(a: str, b: str) -> bool:
    """Equal as base URLs: scheme and host case-insensitive, default port implied, trailing / ignored."""
    pa, pb = urlsplit(a.strip()), urlsplit(b.strip())

    def key(p: Any) -> tuple[str, str, int | None, str, str]:
        try:
            port = p.port or {"http": 80, "https": 443}.get(p.scheme.lower())
        except ValueError:  # a port that is not a number: never equal to a configured portal
            port = -1
        return p.scheme.lower(), (p.hostname or "").lower(), port, p.path.rstrip("/"), p.query

    return key(pa) == key(pb) and not any((pa.username, pa.password, pb.username, pb.password))


def _portal_token(portal: Portal, settings: Settings, environ: Mapping[str, str]) -> str | None:
    if portal.token is None:
        return None
    try:
        return portal.token.resolve(environ, base=settings.root)
    except ConfigError:
        return None  # reading needs no token: pull anonymously


def resolve_source(
    source: str | None,
    settings: Settings,
    *,
    allow_insecure: bool = False,
    environ: Mapping[str, str] | None = None,
) -> PullSource:
    """What ``pull --from SOURCE`` names, and which token (if any) may go with it.

    * a portal name from ``opendata.yaml``: that portal, with its token;
    * an http(s) URL that is a configured portal's URL: that portal, with its token;
    * any other URL: a static catalog or else a CKAN, read without a token (``$CKAN_API_TOKEN`` is
      for ``publish --to URL`` only: a token must not go to a host it was not configured for);
    * anything else: a static catalog folder. No SOURCE means ``default_target`` (else ``site/``).

    A portal's token goes over plain http to a host that is not loopback only with
    ``allow_insecure`` (the flag, or the portal's setting); otherwise the pull reads anonymously.
    """
    from .http import is_loopback

    if environ is None:
        environ = os.environ
    name = source or settings.default_target
    if not name and not settings.portals:
        name = DEFAULT_SITE
    if not name:
        raise UsageError("取得元がありません", hint="--from にポータルの URL かポータル名、静的カタログのフォルダを指定するか、"
                                                    "opendata.yaml に default_target を書いてください")
    portal = settings.portals.get(name)
    if portal is None and _is_url(name):
        portal = next((p for p in settings.portals.values() if _same_url(p.url, name)), None)
        if portal is None:
            parts = urlsplit(name)
            if not parts.hostname:
                raise UsageError(f"URL ではありません: {name}")
            return PullSource("url", name.rstrip("/") + "/", allow_insecure=allow_insecure)
    if portal is not None:
        insecure = allow_insecure or portal.allow_insecure
        token = _portal_token(portal, settings, environ)
        parts = urlsplit(portal.url)
        if token and parts.scheme == "http" and not is_loopback(parts.hostname or "") and not insecure:
            token = None  # never in clear text over the network; public data reads without one
        return PullSource("portal", portal.url, portal=portal.name, allow_insecure=insecure, token=token)
    folder = Path(name).expanduser()
    close = difflib.get_close_matches(name, list(settings.portals), n=1, cutoff=0.75)
    if close and not folder.exists() and "/" not in name and os.sep not in name:
        raise UsageError(f"{name}: ポータル名でもフォルダでもありません。ポータル {close[0]} のことですか?",
                         hint=f"フォルダ (静的カタログ) から取得するなら ./{name}/ のように書いてください")
    if source is None and not folder.is_absolute():
        folder = settings.root / folder
    return PullSource("folder", str(folder.resolve()))
