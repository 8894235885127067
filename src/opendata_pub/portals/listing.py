"""What a source publishes: the datasets of a CKAN portal or of a static catalog, for ``list``.

A source is what ``resolve.resolve_source`` returns (as for ``pull --from``):

* a static catalog folder: its ``catalog.jsonld`` (DCAT-AP 3, read back through ``rdf``);
* a URL that is not a configured portal: tried as a static catalog (``URL/catalog.jsonld``) and,
  when it serves none, as a CKAN — the same detection ``pull_from`` uses, so a static site's URL is
  never mistaken for a CKAN ("HTML のページが返りました");
* a configured portal: CKAN ``package_search``, paged (``ROWS`` per page), with the portal's token.

Every read is bounded (the catalog at ``MAX_DESCRIPTOR_BYTES``, the whole listing by ``timeout``).
Filtering by text and publisher code happens here, the same way for both kinds of source.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from ..errors import InputError, NotFound, PortalRejected, PortalUnreachable
from ..packaging.package import MAX_DESCRIPTOR_BYTES
from ..rdf import package_metadata_from_rdf, parse
from .ckan import CkanTarget
from .http import Deadline, DeadlineExceeded
from .mapping import descriptor_from_ckan
from .pull import DEFAULT_TIMEOUT, _Site, ckan_instead
from .scheming import unplace
from .source import DESCRIPTOR_RESOURCE
from .target import PullSource

__all__ = ["CATALOG_NAME", "ROWS", "DatasetSummary", "list_source"]

CATALOG_NAME = "catalog.jsonld"  # the static catalog's DCAT-AP 3 description of every dataset
ROWS = 1000  # datasets per package_search page (CKAN's default ckan.search.rows_max)
_DCAT_DATASET = ("dcat:Dataset", "http://www.w3.org/ns/dcat#Dataset")
_IDENTIFIER = ("dct:identifier", "http://purl.org/dc/terms/identifier")


@dataclass(frozen=True, slots=True)
class DatasetSummary:
    """One dataset of a source, as ``list`` shows it."""

    name: str
    title: str
    publisher: str = ""  # the publisher's name (else its code)
    publisher_code: str = ""  # 全国地方公共団体コード, when the source records it
    modified: str = ""  # ISO date, when the source records it
    formats: tuple[str, ...] = ()  # the data files' formats ("CSV", "XLSX"), sorted, without repeats
    description: str = ""
    keywords: tuple[str, ...] = ()
    searched: bool = False  # the source's own search already answered the query (CKAN)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "publisher": self.publisher,
                "publisherCode": self.publisher_code, "modified": self.modified, "formats": list(self.formats)}

    def matches(self, query: str | None, publisher: str | None) -> bool:
        """Whether the dataset passes ``--query`` (every word, case-insensitive, in its name, title,
        publisher, description or keywords) and ``--publisher`` (its code: 6 digits, or the 5 without the check digit)."""
        if publisher:
            code = self.publisher_code
            if not code or not (code == publisher or (len(publisher) == 5 and code[:5] == publisher)):
                return False
        if query and not self.searched:
            text = " ".join((self.name, self.title, self.publisher, self.description, *self.keywords)).casefold()
            return all(word in text for word in query.casefold().split())
        return True


def _summary(desc: Mapping[str, Any], name: str, *, searched: bool = False) -> DatasetSummary:
    """A summary from descriptor keys (what ``rdf`` and ``mapping`` give back)."""
    pub = desc.get("publisher")
    pub_name = pub_code = ""
    if isinstance(pub, Mapping):
        pub_code = str(pub.get("code") or "")
        pub_name = str(pub.get("name") or pub_code)
    elif isinstance(pub, str):
        pub_name = pub_code = pub
    formats: set[str] = set()
    for res in desc.get("resources") or []:
        if not isinstance(res, Mapping) or res.get("name") == DESCRIPTOR_RESOURCE:
            continue
        fmt = res.get("format") or str(res.get("path") or "").rpartition(".")[2]
        if isinstance(fmt, str) and fmt and "/" not in fmt:
            formats.add(fmt.upper())
    keywords = desc.get("keywords")
    return DatasetSummary(
        name=str(desc.get("name") or name), title=str(desc.get("title") or name), publisher=pub_name,
        publisher_code=pub_code, modified=str(desc.get("modified") or "")[:10], formats=tuple(sorted(formats)),
        description=str(desc.get("description") or ""),
        keywords=tuple(str(k) for k in keywords) if isinstance(keywords, list) else (), searched=searched)


# ---------------------------------------------------------------------------------------------
# a static catalog


class NoCatalog(NotFound):
    """The source serves no ``catalog.jsonld``: not a static catalog."""


def _identifier(node: Mapping[str, Any]) -> str | None:
    for key in _IDENTIFIER:
        value = node.get(key)
        if isinstance(value, Mapping):
            value = value.get("@value")
        if isinstance(value, list) and value:
            value = value[0]["@value"] if isinstance(value[0], Mapping) else value[0]
        if isinstance(value, str) and value:
            return value
    return None


def _dataset_names(data: Any) -> list[str]:
    """The ``dct:identifier`` of every ``dcat:Dataset`` node of a JSON-LD document (as ``site`` writes it)."""
    nodes = data.get("@graph", [data]) if isinstance(data, Mapping) else data
    names = []
    for node in nodes if isinstance(nodes, list) else []:
        if not isinstance(node, Mapping):
            continue
        types = node.get("@type")
        types = types if isinstance(types, list) else [types]
        if any(t in _DCAT_DATASET for t in types) and (name := _identifier(node)):
            names.append(name)
    return sorted(set(names))


def _read_catalog(reader: _Site) -> tuple[str, Any]:
    with tempfile.TemporaryDirectory(prefix="opendata-pub-list-") as tmp:
        dest = Path(tmp) / CATALOG_NAME
        try:
            reader.fetch(CATALOG_NAME, dest, limit=MAX_DESCRIPTOR_BYTES, limit_reason=f"{CATALOG_NAME} の上限")
        except NotFound as exc:
            raise NoCatalog(f"{reader.where} に {CATALOG_NAME} がありません (静的カタログではありません)",
                            status=404) from exc
        except PortalRejected as exc:
            if reader.url and exc.status in (401, 403, 405):
                raise NoCatalog(f"{reader.where} の {CATALOG_NAME} が読めません", status=404) from exc
            raise
        text = dest.read_bytes().decode("utf-8-sig", errors="replace")
    try:
        return text, json.loads(text)
    except ValueError as exc:
        if reader.url:  # a CKAN (or any web site) answering every path with a page
            raise NoCatalog(f"{reader.where} の {CATALOG_NAME} が JSON ではありません", status=404) from exc
        raise InputError(f"静的カタログの {CATALOG_NAME} が JSON として読めません: {exc}") from exc


def _list_static(site: str, session_factory: Callable[[], requests.Session],
                 deadline: Deadline | None) -> list[DatasetSummary]:
    reader = _Site(site, session_factory, deadline)
    try:
        with reader.time_limit():
            text, data = _read_catalog(reader)
    finally:
        reader.close()
    names = _dataset_names(data)
    if not names:
        return []
    graph = parse(text, "json-ld")
    return [_summary(package_metadata_from_rdf(graph, dataset=name), name) for name in names]


# ---------------------------------------------------------------------------------------------
# a CKAN portal


def _search_pages(target: CkanTarget, query: str | None) -> Iterator[Mapping[str, Any]]:
    start = 0
    while True:
        params: dict[str, Any] = {"rows": ROWS, "start": start, "sort": "name asc"}
        if query:
            params["q"] = query
        page = target.client.get("package_search", params)
        results = page.get("results") if isinstance(page, Mapping) else None
        if not isinstance(results, list):
            raise PortalRejected("package_search の応答に results がありません", status=200)
        yield from (r for r in results if isinstance(r, Mapping))
        start += len(results)
        if not results or start >= int(page.get("count") or 0):
            return


def _list_ckan(target: CkanTarget, query: str | None, deadline: Deadline | None) -> list[DatasetSummary]:
    """CKAN's own search answers ``query`` (Solr: every field, stemmed); its answers are kept as found."""
    with target.client.time_limit(deadline):
        return [_summary(descriptor_from_ckan(unplace(pkg)), str(pkg.get("name") or ""), searched=bool(query))
                for pkg in _search_pages(target, query)]


def _list_url(source: PullSource, query: str | None, session_factory: Callable[[], requests.Session],
              deadline: Deadline | None) -> list[DatasetSummary]:
    """A URL: a CKAN if it answers ``status_show`` as one, else a static catalog if it serves one.

    CKAN is asked first because a CKAN running ckanext-dcat serves a ``catalog.jsonld`` too: paged
    (100 datasets a page, the rest behind ``hydra:next``) and naming each dataset by its
    ``dct:identifier``, not its CKAN name, so read as a static catalog it would lose datasets and
    misname them. A static site answers ``status_show`` with a 404 or a page, never a CKAN status."""
    target = _ckan_at(source.location, session_factory, deadline)
    if target is not None:
        try:
            return _list_ckan(target, query, deadline)
        finally:
            target.close()
    try:
        return _list_static(source.location, session_factory, deadline)
    except NoCatalog as missing:
        with ckan_instead(source.location, missing, session_factory, deadline,
                          hint="--from に静的カタログのフォルダ・URL か CKAN の URL を指定してください") as ckan:
            return _list_ckan(ckan, query, deadline)


def _ckan_at(location: str, session_factory: Callable[[], requests.Session],
             deadline: Deadline | None) -> CkanTarget | None:
    """``location`` as a CKAN (without a token) when its ``status_show`` answers as one, else None."""
    target = CkanTarget(location, token=None, session_factory=session_factory)
    try:
        with target.client.time_limit(deadline):
            target.status()
    except DeadlineExceeded:
        target.close()
        raise
    except PortalUnreachable:  # not a CKAN (or not reachable: the static reading then says so)
        target.close()
        return None
    except BaseException:
        target.close()
        raise
    return target


def list_source(
    source: PullSource,
    *,
    query: str | None = None,
    publisher: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    session_factory: Callable[[], requests.Session] = requests.Session,
) -> list[DatasetSummary]:
    """The datasets ``source`` publishes, sorted by name, filtered by ``query`` and ``publisher``
    (see ``DatasetSummary.matches``). ``timeout`` bounds the whole listing (None: no limit)."""
    deadline = Deadline.after(timeout) if timeout is not None else None
    if source.kind == "folder":
        found = _list_static(source.location, session_factory, deadline)
    elif source.kind == "url":
        found = _list_url(source, query, session_factory, deadline)
    else:
        target = CkanTarget(source.location, token=source.token, allow_insecure=source.allow_insecure,
                            session_factory=session_factory)
        try:
            found = _list_ckan(target, query, deadline)
        finally:
            target.close()
    return sorted((d for d in found if d.matches(query, publisher)), key=lambda d: d.name)
