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


def dataset_json_ld(entry: InventoryEntry, settings: Settings | None, *,
                    files: Sequence[tuple[str, str | None, int | None, str | None, str | None]],
                    names: dict[str, str]) -> dict[str, Any]:
    """The ``Dataset`` of a package page. ``files``: (name, path or URL, bytes, mediatype, sha256 hex)."""
    data: dict[str, Any] = {"@context": _CONTEXT, "@type": "Dataset", "name": entry.title}
    data["description"] = entry.description or entry.title
    data["identifier"] = entry.id
    page = dataset_url(settings, entry.id)
    data["url"] = page or "index.html"
    if entry.url and entry.url != page:
        data["sameAs"] = entry.url
    if entry.licenses:
        urls = [_license_url(x) for x in entry.licenses]
        data["license"] = urls[0] if len(urls) == 1 else urls
    data["isAccessibleForFree"] = True
    if entry.publisher:
        agent = _agent(entry.publisher, entry.publisher_name, settings)
        data["creator"] = agent
        data["publisher"] = agent
    if entry.keywords:
        data["keywords"] = list(entry.keywords)
    if entry.language:
        data["inLanguage"] = entry.language[0] if len(entry.language) == 1 else list(entry.language)
    if entry.issued:
        data["datePublished"] = entry.issued
    if entry.modified:
        data["dateModified"] = entry.modified
    if entry.temporal is not None:
        start, end = entry.temporal
        data["temporalCoverage"] = f"{start or '..'}/{end or '..'}"
    if entry.spatial:
        places = [{"@type": "Place", "name": names.get(code, code), "identifier": code} for code in entry.spatial]
        data["spatialCoverage"] = places[0] if len(places) == 1 else places
    distribution = []
    for name, location, size, mediatype, sha256 in files:
        item: dict[str, Any] = {"@type": "DataDownload", "name": name}
        if location:
            remote = "://" in location
            item["contentUrl"] = location if remote else (file_url(settings, entry.id, location) or location)
        item["encodingFormat"] = mediatype or "application/octet-stream"
        if size is not None:
            item["contentSize"] = f"{size} B"
        if sha256:
            item["sha256"] = sha256
        distribution.append(item)
    if distribution:
        data["distribution"] = distribution
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
