"""schema.org JSON-LD for the static catalog: a ``Dataset`` per dataset page, a ``DataCatalog`` on the index.

Search engines (Google Dataset Search) read these. URLs are absolute when the catalog has a
``base_url``, else relative to the page (JSON-LD resolves them against the document). Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..config import Settings
from ..inventory.collect import dataset_url, file_url
from ..inventory.model import InventoryEntry
from ..metadata.licenses import find_license

__all__ = ["catalog_json_ld", "dataset_json_ld"]

_CONTEXT = "https://schema.org"


def _agent(code: str, name: str | None, settings: Settings | None) -> dict[str, Any]:
    pub = settings.publisher(code) if settings and code else None
    agent: dict[str, Any] = {"@type": "GovernmentOrganization", "name": name or code}
    if code:
        agent["identifier"] = code
    if pub is not None and pub.url:
        agent["url"] = pub.url
    return agent


def _license_url(value: str) -> str:
    lic = find_license(value)
    return lic.uri if lic else value


def _one_or_many(values: Sequence[Any]) -> Any:
    # schema.org takes a single value or a list; one value reads better as itself.
    return values[0] if len(values) == 1 else list(values)


def _links(entry: InventoryEntry, settings: Settings | None) -> dict[str, Any]:
    page = dataset_url(settings, entry.id)
    data: dict[str, Any] = {"url": page or "index.html"}
    if entry.url and entry.url != page:
        data["sameAs"] = entry.url
    return data


def _rights(entry: InventoryEntry, settings: Settings | None) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if entry.licenses:
        data["license"] = _one_or_many([_license_url(x) for x in entry.licenses])
    data["isAccessibleForFree"] = True
    if entry.publisher:
        agent = _agent(entry.publisher, entry.publisher_name, settings)
        data["creator"] = agent
        data["publisher"] = agent
    return data


def _coverage(entry: InventoryEntry, names: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if entry.keywords:
        data["keywords"] = list(entry.keywords)
    if entry.language:
        data["inLanguage"] = _one_or_many(entry.language)
    if entry.issued:
        data["datePublished"] = entry.issued
    if entry.modified:
        data["dateModified"] = entry.modified
    if entry.temporal is not None:
        start, end = entry.temporal
        data["temporalCoverage"] = f"{start or '..'}/{end or '..'}"
    if entry.spatial:
        data["spatialCoverage"] = _one_or_many(
            [{"@type": "Place", "name": names.get(code, code), "identifier": code} for code in entry.spatial])
    return data


def _download(entry: InventoryEntry, settings: Settings | None,
              file: tuple[str, str | None, int | None, str | None, str | None]) -> dict[str, Any]:
    name, location, size, mediatype, sha256 = file
    item: dict[str, Any] = {"@type": "DataDownload", "name": name}
    if location:
        # A file of the site resolves against the catalog's base URL; a remote one is already absolute.
        remote = "://" in location
        item["contentUrl"] = location if remote else (file_url(settings, entry.id, location) or location)
    item["encodingFormat"] = mediatype or "application/octet-stream"
    if size is not None:
        item["contentSize"] = f"{size} B"
    if sha256:
        item["sha256"] = sha256
    return item


def dataset_json_ld(entry: InventoryEntry, settings: Settings | None, *,
                    files: Sequence[tuple[str, str | None, int | None, str | None, str | None]],
                    names: dict[str, str]) -> dict[str, Any]:
    """The ``Dataset`` of a package page. ``files``: (name, path or URL, bytes, mediatype, sha256 hex)."""
    data: dict[str, Any] = {"@context": _CONTEXT, "@type": "Dataset", "name": entry.title,
                            "description": entry.description or entry.title, "identifier": entry.id}
    data.update(_links(entry, settings))
    data.update(_rights(entry, settings))
    data.update(_coverage(entry, names))
    if files:
        data["distribution"] = [_download(entry, settings, f) for f in files]
    catalog: dict[str, Any] = {"@type": "DataCatalog", "name": settings.catalog.title if settings else ""}
    if settings and settings.catalog.base_url:
        catalog["url"] = settings.catalog.base_url
    data["includedInDataCatalog"] = catalog
    return data


def catalog_json_ld(entries: Sequence[InventoryEntry], settings: Settings | None) -> dict[str, Any]:
    """The ``DataCatalog`` of the index page, listing the packaged datasets."""
    data: dict[str, Any] = {"@context": _CONTEXT, "@type": "DataCatalog",
                            "name": settings.catalog.title if settings else "opendata-pub catalog"}
    if settings and settings.catalog.description:
        data["description"] = settings.catalog.description
    if settings and settings.catalog.base_url:
        data["url"] = settings.catalog.base_url
    data["inLanguage"] = settings.catalog.language if settings else "ja"
    operator = settings.catalog.operator if settings else None
    if operator:
        pub = settings.publisher(operator) if settings else None
        data["publisher"] = _agent(operator, pub.name if pub else None, settings)
    data["dataset"] = [
        {"@type": "Dataset", "name": e.title, "identifier": e.id,
         "url": dataset_url(settings, e.id) or f"{e.id}/index.html"}
        for e in entries
    ]
    return data
