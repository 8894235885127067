"""Our vocabulary files (``vocab/`` at the repository root), read as package data.

``vocab/`` is the single source: the package ``opendata_pub`` reaches it through the symlink
``src/opendata_pub/vocab -> ../../vocab``, which the editable install sees directly and
``pip wheel`` / ``pip install .`` copy into the wheel as ``opendata_pub/vocab/*.ttl`` (package data).
Graphs are parsed once per process and shared: callers must not modify them.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache, lru_cache
from importlib.resources import files
from types import MappingProxyType
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from .namespaces import EVAL, PREFIXES

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

__all__ = [
    "VOCAB_FILES",
    "concept",
    "concept_notation",
    "scheme_concepts",
    "shapes_graph",
    "vocab_file",
    "vocab_graph",
]

VOCAB_FILES = ("eval.ttl", "schemes.ttl")  # the vocabulary; shapes.ttl holds the SHACL shapes
SHAPES_FILE = "shapes.ttl"


def vocab_file(name: str) -> Traversable:
    """A file of ``vocab/`` (``eval.ttl``, ``schemes.ttl``, ``shapes.ttl``, ``README.md``)."""
    return files("opendata_pub").joinpath("vocab", name)


def _parse(names: tuple[str, ...]) -> Graph:
    g = Graph(bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    for name in names:
        g.parse(data=vocab_file(name).read_text(encoding="utf-8"), format="turtle")
    return g


@lru_cache(maxsize=1)
def vocab_graph() -> Graph:
    """The vocabulary (classes, properties, the Data Cube structure and the SKOS schemes)."""
    return _parse(VOCAB_FILES)


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    """Our SHACL shapes for evaluation graphs (``vocab/shapes.ttl``)."""
    return _parse((SHAPES_FILE,))


@cache
def scheme_concepts(scheme: URIRef) -> Mapping[str, URIRef]:
    """The concepts of a scheme of ours by their ``skos:notation`` (the value written in CSV)."""
    g = vocab_graph()
    out: dict[str, URIRef] = {}
    for c in g.subjects(SKOS.inScheme, scheme):
        if isinstance(c, URIRef) and (c, RDF.type, SKOS.Concept) in g:
            for notation in g.objects(c, SKOS.notation):
                out[str(notation)] = c
    return MappingProxyType(out)


def concept(scheme: URIRef, notation: str) -> URIRef | None:
    """The concept of ``scheme`` whose notation is ``notation``, or None."""
    return scheme_concepts(scheme).get(notation)


def concept_notation(node: URIRef) -> str | None:
    """The notation of one of our concepts (inverse of ``concept``)."""
    value = vocab_graph().value(node, SKOS.notation)
    return str(value) if isinstance(value, Literal) else None


# Schemes our generator uses, named once (a test checks each exists in schemes.ttl).
SCHEMES = (
    EVAL.grades, EVAL.costStages, EVAL.costCategories, EVAL.directions, EVAL.levels, EVAL.narrativeKinds,
    EVAL.indicatorKinds,
)
