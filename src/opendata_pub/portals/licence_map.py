"""Our licences as a portal's licence ids: a configured map first, else the portal's list by URL or id.

Portals differ in licence ids: stock CKAN offers ``cc-by`` (with an opendefinition.org URL) and no
PDL 1.0, a Japanese portal ``CC-BY-4.0`` and ``PDL-1.0`` with their official URLs. A map in
``opendata.yaml`` (``portals.<name>.licenses: {PDL-1.0: other-at}``) says which of the portal's ids
stands for which of ours; without one, licences resolve by URL (or id) as before.

Pure: the portal's licence list is passed in; nothing here talks to a portal. What can be known
without the portal is checked by ``validation/portal_licences.py`` (``validate --target NAME``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..config import Portal, licence_map_line
from ..errors import PortalRejected
from ..metadata.licenses import License, find_license

__all__ = ["LicenseNotOffered", "mapped_id_problems", "offered_names", "resolve_license_id"]


class LicenseNotOffered(PortalRejected):
    """The package's licence is not in the portal's licence list (or its mapped id is not)."""


def offered_names(offered: Sequence[Mapping[str, Any]]) -> str:
    """The portal's licences for a message: ``id (title)``, comma-separated."""
    return ", ".join(f"{e.get('id')} ({e.get('title') or e.get('url') or ''})" for e in offered) or "なし"


def _unknown_mapped(portal: Portal, license_id: str, portal_id: str, offered: Sequence[Mapping[str, Any]]) -> str:
    return (f"opendata.yaml の portals.{portal.name}.licenses.{license_id} にある {portal_id} は、ポータルの"
            f"ライセンス一覧にありません。ポータルにあるもの: {offered_names(offered)}")


def mapped_id_problems(portal: Portal | None, offered: Sequence[Mapping[str, Any]]) -> list[str]:
    """Each map entry whose portal id the portal does not offer (a typo fails before any write,
    whichever package uses it)."""
    if portal is None:
        return []
    ids = {str(e.get("id")) for e in offered}
    return [_unknown_mapped(portal, ours, theirs, offered) for ours, theirs in portal.licenses.items()
            if theirs not in ids]


def resolve_license_id(lic: License | None, raw: str, offered: Sequence[Mapping[str, Any]], *,
                       portal: Portal | None, url: str) -> str:
    """The portal's id for our licence ``lic`` (``raw``: what the descriptor wrote, for a licence we
    do not know): the configured map's, else the entry whose URL or id names the same licence.
    Raises LicenseNotOffered listing the portal's ids and the opendata.yaml line that would fix it."""
    if lic is not None and portal is not None and lic.id in portal.licenses:
        mapped = portal.licenses[lic.id]
        if any(e.get("id") == mapped for e in offered):
            return mapped
        raise LicenseNotOffered(_unknown_mapped(portal, lic.id, mapped, offered),
                                hint=f"{licence_map_line(portal, url, lic.id)} の ID を一覧にあるものに直してください")
    for entry in offered:
        if lic is not None:
            if find_license(str(entry.get("url") or "")) is lic or find_license(str(entry.get("id") or "")) is lic:
                return str(entry["id"])
        elif raw and raw in (entry.get("id"), entry.get("url")):
            return str(entry["id"])
    if lic is None:
        raise LicenseNotOffered(f"ポータルのライセンス一覧に {raw!r} がありません。ポータルにあるもの: {offered_names(offered)}",
                                hint="パッケージのライセンスを PDL-1.0, CC-BY-4.0, CC0-1.0 などにしてください")
    raise LicenseNotOffered(
        f"ポータルのライセンス一覧に {lic.id} ({lic.uri}) がありません。ポータルにあるもの: {offered_names(offered)}。"
        f"opendata.yaml に {licence_map_line(portal, url, lic.id)} と書けば対応づけられます",
        hint="<ポータルの ID> は一覧の ID から選んでください。またはポータルの管理者にライセンスの追加を依頼してください")
