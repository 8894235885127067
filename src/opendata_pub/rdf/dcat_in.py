"""DCAT-AP in: a dataset description (Turtle, JSON-LD, RDF/XML) back into package metadata.

The inverse of ``dcat_out``, driven by the same property table and the same value shapes, so every
property we write comes back: rdf → metadata → rdf gives an isomorphic graph. The result is a
descriptor mapping with the property table's keys (and ``resources``, one per distribution, named
after the distribution IRI's last segment). Values come back as the publication sees them
(``effective_value``): a licence supplied by the publisher's default is read back as the
package's licence. RDF keeps no order, so lists come back sorted and resources by name.

Works on descriptions not written by us too (any DCAT-AP dataset), as far as they use the terms
and shapes DCAT-AP 3 gives. Pure: parses text it is given.
"""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import unquote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF
from rdflib.term import Node

from ..config import Settings
from ..errors import InputError
from ..metadata.properties import (
    Level,
    Property,
    package_properties,
    resource_properties,
)
from .dcat_out import term_iri
from .iris import base_from_dataset
from .namespaces import DCAT
from .serialization import parse
from .values import Context, shape_of

__all__ = ["package_metadata_from_rdf"]


def _find_dataset(g: Graph, name: str | None) -> URIRef:
    listed = sorted(d for d in g.subjects(RDF.type, DCAT.Dataset) if isinstance(d, URIRef))
    if name is not None:
        listed = [d for d in listed if str(g.value(d, DCTERMS.identifier)) == name]
    if len(listed) != 1:
        what = f"識別名 {name} の" if name else ""
        raise InputError(f"{what}dcat:Dataset が {len(listed)} 件あります (1 件でなければなりません)",
                         hint="dataset= で識別名を指定してください" if len(listed) > 1 else None)
    return listed[0]


def _resource_name(dist: Node, number: int) -> str:
    """Our distribution IRIs end in the resource name; others are named by their position."""
    if isinstance(dist, URIRef) and "/resource/" in str(dist):
        return unquote(str(dist).rsplit("/", 1)[-1])
    return f"resource-{number}"


def _read(ctx: Context, subject: Node, props: tuple[Property, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for prop in props:
        if prop.term is None:
            continue
        value = shape_of(prop.kind, prop.term).read(ctx, subject, term_iri(prop.term))
        if value not in (None, "", [], {}):
            out[prop.key] = value
    return out


def _inherited(prop: Property) -> Property | None:
    """The resource property that takes ``prop`` (a package property) as its default."""
    return next((r for r in resource_properties() if r.default == f"package.{prop.key}"), None)


def package_metadata_from_rdf(
    source: str | Graph,
    fmt: str = "turtle",
    *,
    dataset: str | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """Package metadata (descriptor keys of the property table) from a DCAT-AP description.

    ``source`` is RDF text in ``fmt`` (``turtle``, ``json-ld``, ``xml``) or a parsed graph. With
    several datasets in the graph, ``dataset`` picks one by its ``dct:identifier``. ``settings``
    lets a publisher that matches opendata.yaml come back as its code.
    """
    g = source if isinstance(source, Graph) else parse(source, fmt)
    ds = _find_dataset(g, dataset)
    ident = g.value(ds, DCTERMS.identifier)
    name = str(ident) if ident is not None else unquote(str(ds).rstrip("/").rsplit("/", 1)[-1])
    ctx = Context(g, base_from_dataset(str(ds), name), name, ds, settings)
    meta = _read(ctx, ds, package_properties())

    resources: list[dict[str, Any]] = []
    for i, dist in enumerate(sorted((o for o in g.objects(ds, DCAT.distribution) if not isinstance(o, Literal)),
                                    key=str), start=1):
        res: dict[str, Any] = {"name": _resource_name(dist, i)}
        res.update(_read(ctx, dist, resource_properties()))
        resources.append(res)
    resources.sort(key=lambda r: str(r["name"]))

    # Licences live on distributions (DCAT-AP); the package's are those most of its files share,
    # and a resource keeps its own only where it differs.
    for prop in package_properties():
        twin = _inherited(prop)
        if twin is None or prop.level is not Level.PACKAGE:
            continue
        values = [r.get(twin.key) for r in resources if r.get(twin.key)]
        if not values:
            continue
        counts = Counter(repr(v) for v in values)
        common_repr = min(counts, key=lambda k: (-counts[k], k))
        common = next(v for v in values if repr(v) == common_repr)
        meta[prop.key] = common
        for r in resources:
            if r.get(twin.key) == common:
                del r[twin.key]
    if resources:
        meta["resources"] = resources
    return meta
