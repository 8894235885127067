"""``catalog.ttl`` and ``catalog.jsonld``: the whole catalog in DCAT-AP 3, for harvesters; and each
package's own ``<package>/dataset.ttl`` and ``dataset.jsonld`` (its dataset with its data).

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

__all__ = ["CatalogGraphSource", "catalog_rdf_files", "dataset_rdf_files"]

# A graph (``rdflib.Graph``, typed Any so this layer needs no rdflib), or a callable
# ``(packages, settings, *, inventory=None) -> Graph`` such as ``rdf.catalog_graph``.
CatalogGraphSource = Callable[..., Any]


def catalog_rdf_files(source: Any, packages: Sequence[LocalPackage], settings: Settings,
                      inventory: Inventory) -> dict[str, bytes]:
    """Both files from ``source`` (see ``CatalogGraphSource``; None: ``rdf.catalog_graph``)."""
    make = catalog_graph if source is None else source
    graph = make(list(packages), settings, inventory=inventory) if callable(make) else make
    return {"catalog.ttl": serialize(graph, "turtle").encode("utf-8"),
            "catalog.jsonld": serialize(graph, "json-ld").encode("utf-8")}


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
