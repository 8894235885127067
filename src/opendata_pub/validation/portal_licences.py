"""A configured portal's licence map, checked offline against a package (``validate --target NAME``).

``portals.<name>.licenses`` maps our licence ids to the portal's (portals/licence_map.py). Its keys
are checked when opendata.yaml is read (known licences, non-empty values); whether the portal has
the mapped ids only the portal can tell (publish's preflight). What is left to know offline is how
each package's licence will meet the map:

* ``portal-licence-unknown`` (warning): a licence opendata-pub does not know cannot be mapped; the
  portal must offer exactly that id or URL.
* ``portal-licence-unmapped`` (info): the map leaves the package's licence out, so it is looked up
  by URL on the portal; the message shows the line to add if the portal has no such URL.

Pure: no I/O, no ``requests``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..config import Portal, Settings, licence_map_line
from ..findings import Finding, Layer, Location, Severity
from ..metadata.licenses import find_license
from ..metadata.properties import PROPERTIES, Level
from ..metadata.publication import effective_value

__all__ = ["descriptor_licence", "licence_map_findings"]

_LICENSES = next(p for p in PROPERTIES if p.key == "licenses" and p.level is Level.PACKAGE)


def descriptor_licence(descriptor: Mapping[str, Any], settings: Settings | None) -> str:
    """The licence a package is published under, as written: its first ``licenses`` entry's
    ``path``, else ``name``; without one, its publisher's default from opendata.yaml."""
    value, _ = effective_value(_LICENSES, descriptor, settings)
    for entry in value if isinstance(value, list) else []:
        if isinstance(entry, Mapping):
            return str(entry.get("path") or entry.get("name") or "")
    return ""


def licence_map_findings(descriptor: Mapping[str, Any], portal: Portal | None, settings: Settings | None, *,
                         file: str) -> list[Finding]:
    """The findings for one package descriptor (at ``file``) published to ``portal`` (None: not a
    configured portal: nothing to check)."""
    raw = descriptor_licence(descriptor, settings)
    if portal is None or not raw:
        return []
    lic = find_license(raw)
    key = "licenses[0]" if descriptor.get("licenses") else "licenses"
    if lic is None:
        return [Finding("portal-licence-unknown",
                        f"ライセンス {raw!r} は opendata-pub の知らないライセンスのため、portals.{portal.name}.licenses "
                        "で対応づけられません。ポータルに同じ ID か URL がなければ公開できません",
                        Severity.WARNING, Location(file=file, key=key), Layer.METADATA,
                        params={"license": raw, "portal": portal.name})]
    if portal.licenses and lic.id not in portal.licenses:
        return [Finding("portal-licence-unmapped",
                        f"ライセンス {lic.id} は portals.{portal.name}.licenses にないため、ポータルの一覧から URL で"
                        f"探します。見つからないときは {licence_map_line(portal, portal.url, lic.id)} を書いてください",
                        Severity.INFO, Location(file=file, key=key), Layer.METADATA,
                        params={"license": lic.id, "portal": portal.name})]
    return []
