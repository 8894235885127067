"""``catalog.ttl`` and ``catalog.jsonld``: the whole catalog in DCAT-AP 3, for harvesters; and each
package's own ``<package>/dataset.ttl`` and ``dataset.jsonld`` (its dataset with its data).

A catalog of more than ``rdf.catalog_pages.PAGE_SIZE`` datasets is paged for harvesters:
``catalog.ttl`` is page 1 and ``catalog-page-2.ttl`` … follow, linked by Hydra ``next``/``nextPage``
as ckanext-dcat's RDF harvester follows them; ``catalog.jsonld`` stays whole (our own ``list`` and
``pull`` read it in one request).

The graph is the RDF layer's (``rdf.catalog_graph``) and so is the serialisation (``rdf.serialize``,
deterministic bytes), so the site says exactly what ``opendata-pub rdf`` says and holds no rdflib
code of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..config import Settings
from ..errors import UsageError
from ..inventory.model import Inventory
from ..packaging.package import LocalPackage
from ..rdf import catalog_graph, package_graph, serialize
from ..rdf.catalog_pages import PAGE_SIZE, paginate_catalog
from ..rdf.iris import PLACEHOLDER_BASE_URL, resolve_base_url

__all__ = ["CatalogGraphSource", "catalog_rdf_files", "dataset_rdf_files"]

# A graph (``rdflib.Graph``, typed Any so this layer needs no rdflib), or a callable
# ``(packages, settings, *, inventory=None) -> Graph`` such as ``rdf.catalog_graph``.
CatalogGraphSource = Callable[..., Any]


def catalog_rdf_files(source: Any, packages: Sequence[LocalPackage], settings: Settings,
                      inventory: Inventory, *, page_size: int | None = None) -> dict[str, bytes]:
    """The files from ``source`` (see ``CatalogGraphSource``; None: ``rdf.catalog_graph``):
    ``catalog.jsonld``, ``catalog.ttl`` and, past ``page_size`` datasets (default: ``PAGE_SIZE``,
    read at each call), ``catalog-page-N.ttl``."""
    make = catalog_graph if source is None else source
    graph = make(list(packages), settings, inventory=inventory) if callable(make) else make
    pages = paginate_catalog(graph, _page_base(settings), PAGE_SIZE if page_size is None else page_size)
    files = {p.file_name: serialize(p.graph, "turtle").encode("utf-8") for p in pages}
    files["catalog.jsonld"] = serialize(graph, "json-ld").encode("utf-8")
    return files


def _page_base(settings: Settings) -> str:
    """Where the pages are served: ``catalog.base_url`` (the placeholder without one, as for IRIs)."""
    try:
        return resolve_base_url(settings)
    except UsageError:
        return PLACEHOLDER_BASE_URL


def dataset_rdf_files(pkg: LocalPackage, settings: Settings) -> dict[str, bytes]:
    """``dataset.ttl`` and ``dataset.jsonld`` of one package (``rdf.package_graph``, data included).

    Empty when the settings give no ``catalog.base_url``: IRIs cannot be minted without one, and the
    page then links to no RDF of its own rather than to files that do not exist.
    """
    try:
        graph = package_graph(pkg, settings)
    except UsageError:
        return {}
    return {"dataset.ttl": serialize(graph, "turtle").encode("utf-8"),
            "dataset.jsonld": serialize(graph, "json-ld").encode("utf-8")}
