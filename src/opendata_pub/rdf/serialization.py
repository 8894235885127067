"""Serialising graphs: Turtle, JSON-LD and RDF/XML, the same bytes for the same graph.

rdflib's Turtle writer sorts subjects and predicates itself. Its JSON-LD writer takes node and value
arrays from sets, so the document is sorted afterwards; its RDF/XML writers order subjects and
namespace declarations as sets iterate, so RDF/XML is written here, flat and sorted. Blank nodes get
labels derived from their content (``to_canonical_graph``) before sorting, so a graph that has them
gives the same bytes in every process too.
"""

from __future__ import annotations

import json
import warnings
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import RDF

from .formats import FORMATS, MEDIA_TYPES
from .namespaces import PREFIXES

__all__ = ["FORMATS", "MEDIA_TYPES", "parse", "serialize"]

_PARSERS: dict[str, str] = {"turtle": "turtle", "json-ld": "json-ld", "xml": "xml", "ttl": "turtle",
                            "jsonld": "json-ld", "rdf": "xml", "rdfxml": "xml"}


def _own_prefixes(graph: Graph) -> dict[str, str]:
    """The graph's own bindings that its triples use and ours do not cover (rdflib binds dozens)."""
    used = {str(t) for triple in graph for t in triple if isinstance(t, URIRef)}
    ours = set(PREFIXES.values())
    return {prefix: str(ns) for prefix, ns in sorted(graph.namespaces())
            if prefix and prefix not in PREFIXES and str(ns) not in ours and any(u.startswith(str(ns)) for u in used)}


def _sorted_copy(graph: Graph) -> Graph:
    out = Graph(bind_namespaces="core")  # rdf: and xml: too, which RDF/XML needs
    for prefix, ns in {**PREFIXES, **_own_prefixes(graph)}.items():
        out.bind(prefix, ns)
    # random blank-node ids would make the sort, and so the bytes, differ from run to run
    source = to_canonical_graph(graph) if any(isinstance(t, BNode) for triple in graph for t in triple) else graph
    for triple in sorted(source, key=lambda t: tuple(x.n3() for x in t)):
        out.add(triple)
    return out


def serialize(graph: Graph, fmt: str = "turtle") -> str:
    """``graph`` as text in ``fmt`` (``turtle``, ``json-ld`` or ``xml``)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown RDF format {fmt!r}: use one of {', '.join(FORMATS)}")
    g = _sorted_copy(graph)
    if fmt == "json-ld":
        # Compact with our prefixes so the document reads like the Turtle.
        context = {**PREFIXES, **_own_prefixes(graph)}
        text = g.serialize(format="json-ld", context=context, auto_compact=True, ensure_ascii=False)
        return _stable_json_ld(text)
    if fmt == "xml":
        return _rdf_xml(g)
    return g.serialize(format=FORMATS[fmt])


def _sort_values(value: Any, *, ordered: bool = False) -> Any:
    # Value arrays of a compacted node are unordered in JSON-LD; an @list's array is ordered.
    if isinstance(value, dict):
        return {k: _sort_values(v, ordered=k == "@list") for k, v in value.items()}
    if isinstance(value, list) and ordered:
        return [_sort_values(v) for v in value]
    if isinstance(value, list):
        items = [_sort_values(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def _stable_json_ld(text: str) -> str:
    """rdflib orders @graph nodes and value arrays as its sets iterate: sort them."""
    return json.dumps(_sort_values(json.loads(text)), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _rdf_xml(g: Graph) -> str:
    """Flat RDF/XML (one rdf:Description per subject), subjects, properties and namespaces sorted.

    rdflib's own RDF/XML writers order subjects and namespace declarations as its sets iterate, so
    the same graph gave different bytes from one process to the next.
    """
    nm = g.namespace_manager
    used: dict[str, str] = {"rdf": str(RDF)}
    body: list[str] = []
    for s in sorted(set(g.subjects()), key=lambda n: n.n3()):
        ref = "rdf:about" if isinstance(s, URIRef) else "rdf:nodeID"
        body.append(f"  <rdf:Description {ref}={quoteattr(str(s))}>")
        for p, o in sorted(g.predicate_objects(s), key=lambda po: (po[0].n3(), po[1].n3())):
            prefix, ns, local = nm.compute_qname_strict(str(p))
            used[prefix] = str(ns)
            tag = f"{prefix}:{local}"
            if isinstance(o, URIRef):
                body.append(f"    <{tag} rdf:resource={quoteattr(str(o))}/>")
            elif isinstance(o, BNode):
                body.append(f"    <{tag} rdf:nodeID={quoteattr(str(o))}/>")
            elif isinstance(o, Literal):
                attrs = (f" xml:lang={quoteattr(o.language)}" if o.language else
                         f" rdf:datatype={quoteattr(str(o.datatype))}" if o.datatype else "")
                # \r would be read back as \n by any XML parser: keep it as a character reference.
                body.append(f"    <{tag}{attrs}>{escape(str(o)).replace(chr(13), '&#13;')}</{tag}>")
        body.append("  </rdf:Description>")
    head = ['<?xml version="1.0" encoding="utf-8"?>', "<rdf:RDF"]
    head += [f"   xmlns:{prefix}={quoteattr(ns)}" for prefix, ns in sorted(used.items())]
    head.append(">")
    return "\n".join([*head, *body, "</rdf:RDF>", ""])


def parse(text: str, fmt: str = "turtle") -> Graph:
    """Parse RDF text in ``fmt`` (``turtle``, ``json-ld``, ``xml`` or a common alias)."""
    name = _PARSERS.get(fmt.lower())
    if name is None:
        raise ValueError(f"unknown RDF format {fmt!r}: use one of turtle, json-ld, xml")
    g = Graph(bind_namespaces="none")
    with warnings.catch_warnings():
        # rdflib 7's JSON-LD parser builds a ConjunctiveGraph internally and warns about its own use.
        warnings.filterwarnings("ignore", message="ConjunctiveGraph is deprecated", category=DeprecationWarning)
        g.parse(data=text, format=name)
    return g
