"""RDF for packages: DCAT-AP 3 metadata, evaluation data in our vocabulary, DCAT-AP back in.

rdflib lives here (and in ``validation/shacl.py``); nothing outside these two places builds triples.

    package_graph(package, settings, *, base_url=None, include_data=True) -> Graph
    catalog_graph(packages, settings, *, base_url=None, include_data=False) -> Graph
    serialize(graph, fmt) -> str                   turtle | json-ld | xml, deterministic
    package_metadata_from_rdf(text_or_graph, fmt) -> dict   DCAT-AP → descriptor keys

Our vocabulary (``eval:``, https://w3id.org/opendata-pub/ns/eval#) is in ``vocab/`` at the
repository root, shipped as package data; ``vocab/README.md`` documents every term.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazyexports import lazy_exports

if TYPE_CHECKING:
    from .dcat_in import package_metadata_from_rdf
    from .dcat_out import catalog_graph, package_graph
    from .iris import PLACEHOLDER_BASE_URL
    from .namespaces import EVAL, EVAL_NS
    from .serialization import FORMATS, parse, serialize

_LAZY = {
    "package_metadata_from_rdf": (".dcat_in", "package_metadata_from_rdf"),
    "catalog_graph": (".dcat_out", "catalog_graph"),
    "package_graph": (".dcat_out", "package_graph"),
    "PLACEHOLDER_BASE_URL": (".iris", "PLACEHOLDER_BASE_URL"),
    "EVAL": (".namespaces", "EVAL"),
    "EVAL_NS": (".namespaces", "EVAL_NS"),
    "FORMATS": (".serialization", "FORMATS"),
    "parse": (".serialization", "parse"),
    "serialize": (".serialization", "serialize"),
}
__getattr__, __dir__ = lazy_exports(__name__, _LAZY)

__all__ = [
    "EVAL",
    "EVAL_NS",
    "FORMATS",
    "PLACEHOLDER_BASE_URL",
    "catalog_graph",
    "package_graph",
    "package_metadata_from_rdf",
    "parse",
    "serialize",
]
