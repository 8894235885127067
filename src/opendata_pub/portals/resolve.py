"""How ``--to`` names a target and ``pull --from`` a source: the factory at the top of ``portals``.

It imports the targets (ckan.py, static.py); they import only the protocol (target.py), so there is
no circle.

``--to`` is resolved in a fixed order (README "publish"):

1. an ``http://`` or ``https://`` URL: a CKAN portal; the organization is ``--organization``, else
   each package's publisher's ``organization``; the token is ``$CKAN_API_TOKEN``;
2. a portal name from ``opendata.yaml``'s ``portals``: its URL, its ``organization`` (else the
   publisher's), its token (``{$env: NAME}`` / ``{$file: PATH}``) and ``allow_insecure``;
3. anything else: a folder, the static catalog (static.py). A relative ``--to`` is relative to the
   current folder, a relative ``default_target`` to the project root.

No ``--to`` means ``default_target`` from ``opendata.yaml``; with neither, and no portal configured,
the folder ``site/`` of the project.

``pull --from`` is resolved by ``resolve_source`` (reading, so the rule for the token is stricter):
a token goes only to a portal configured in ``opendata.yaml`` — named, or given by its exact URL —
and never to any other URL, whatever ``$CKAN_API_TOKEN`` holds. Reading needs no token.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from ..config import Portal, Settings, check_token
from ..errors import ConfigError, UsageError
from .ckan import CkanTarget
from .http import is_loopback
from .static import StaticTarget
from .target import DEFAULT_SITE, TOKEN_ENV, PullSource, Target, token_env

__all__ = ["PullSource", "resolve_source", "resolve_target", "token_env"]


def _is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


def _named(given: str | None, settings: Settings, *, missing: str, hint: str) -> str:
    """What names the target/source: ``given``, else ``default_target``, else ``site/`` when no
    portal is configured; with none of these, a UsageError."""
    name = given or settings.default_target
    if not name and not settings.portals:
        name = DEFAULT_SITE  # static catalog: no portal configured, nothing named
    if not name:
        raise UsageError(missing, hint=hint)
    return name


def _folder(name: str, given: str | None, settings: Settings, *, verb: str) -> Path:
    """The folder ``name`` means. A relative ``default_target`` (``given`` is None) is relative to
    the project root; a name close to a portal's and not an existing folder is refused (a mistyped
    portal name must not become a new folder full of files)."""
    folder = Path(name).expanduser()
    close = difflib.get_close_matches(name, list(settings.portals), n=1, cutoff=0.75)
    if close and not folder.exists() and "/" not in name and os.sep not in name:
        raise UsageError(f"{name}: ポータル名でもフォルダでもありません。ポータル {close[0]} のことですか?",
                         hint=f"フォルダ (静的カタログ) {verb}なら ./{name}/ のように書いてください")
    if given is None and not folder.is_absolute():
        folder = settings.root / folder  # default_target (or site/) is relative to the project root
    return folder


def _env_token(environ: Mapping[str, str], *, require_token: bool) -> str | None:
    token = check_token(environ.get(TOKEN_ENV, ""), source=f"環境変数 {TOKEN_ENV}") or None
    if token is None and require_token:
        raise ConfigError(f"環境変数 {TOKEN_ENV} が設定されていません (ポータルの API トークン)",
                          hint=f"export {TOKEN_ENV}=... で API トークンを設定してください")
    return token


def _publish_token(portal: Portal, settings: Settings, environ: Mapping[str, str], *,
                   require_token: bool) -> str | None:
    if portal.token is None:
        if require_token:
            raise ConfigError(f"ポータル {portal.name} に token がありません",
                              path=str(settings.path or "opendata.yaml"), key=f"portals.{portal.name}.token",
                              hint="token: {$env: CKAN_API_TOKEN} のように書いてください")
        return None
    try:
        return portal.token.resolve(environ, base=settings.root)
    except ConfigError:
        if require_token:
            raise
        return None


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
    if environ is None:  # never a default argument: help() and pydoc would print the environment
        environ = os.environ
    name = _named(to, settings, missing="公開先がありません",
                  hint="--to にポータルの URL かポータル名を指定するか、opendata.yaml に default_target を書いてください")
    kwargs: dict[str, Any] = {"settings": settings}
    if session_factory is not None:
        kwargs["session_factory"] = session_factory
    if _is_url(name):
        token = _env_token(environ, require_token=require_token)
        return CkanTarget(name, token=token, organization=organization, allow_insecure=allow_insecure, **kwargs)
    portal = settings.portals.get(name)
    if portal is not None:
        token = _publish_token(portal, settings, environ, require_token=require_token)
        return CkanTarget(portal.url, token=token, organization=organization or portal.organization,
                          allow_insecure=allow_insecure or portal.allow_insecure, **kwargs)
    # --- folder: the static catalog (static.py) -------------------------------------------------
    return StaticTarget(_folder(name, to, settings, verb="に公開する"), settings=settings, force=force)


# ---------------------------------------------------------------------------------------------
# pull --from: where a dataset is read from


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


def _portal_source(portal: Portal, settings: Settings, environ: Mapping[str, str], *,
                   allow_insecure: bool) -> PullSource:
    insecure = allow_insecure or portal.allow_insecure
    token = _portal_token(portal, settings, environ)
    parts = urlsplit(portal.url)
    if token and parts.scheme == "http" and not is_loopback(parts.hostname or "") and not insecure:
        token = None  # never in clear text over the network; public data reads without one
    return PullSource("portal", portal.url, portal=portal.name, allow_insecure=insecure, token=token)


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
    * anything else: a static catalog folder. No SOURCE means ``default_target`` (else the
      project's ``site/`` when it exists; with neither, a UsageError that says to use ``--from``).

    The same source serves ``list`` and ``open_package`` (listing.py, pull.py): a URL that is not a
    configured portal is told apart there, static catalog first, so a static site's URL is never
    taken for a CKAN. (``resolve_target`` is for writing: a static catalog is written as a folder.)

    A portal's token goes over plain http to a host that is not loopback only with
    ``allow_insecure`` (the flag, or the portal's setting); otherwise the pull reads anonymously.
    """
    if environ is None:
        environ = os.environ
    if not source and not settings.default_target and not (settings.root / DEFAULT_SITE).is_dir():
        # Nothing names a source and the project has no site of its own: reading from a folder
        # that does not exist would only say so; say what to give instead.
        raise UsageError("取得元がありません。--from で CKAN の URL・ポータル名・静的カタログ (フォルダか URL) を指定してください",
                         hint="opendata.yaml に default_target を書けば --from を省略できます")
    name = _named(source, settings, missing="取得元がありません",
                  hint="--from にポータルの URL かポータル名、静的カタログのフォルダを指定するか、"
                       "opendata.yaml に default_target を書いてください")
    portal = settings.portals.get(name)
    if portal is None and _is_url(name):
        portal = next((p for p in settings.portals.values() if _same_url(p.url, name)), None)
        if portal is None:
            if not urlsplit(name).hostname:
                raise UsageError(f"URL ではありません: {name}")
            return PullSource("url", name.rstrip("/") + "/", allow_insecure=allow_insecure)
    if portal is not None:
        return _portal_source(portal, settings, environ, allow_insecure=allow_insecure)
    return PullSource("folder", str(_folder(name, source, settings, verb="から取得する").resolve()))
