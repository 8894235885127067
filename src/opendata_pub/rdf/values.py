"""How each kind of publication-metadata value is shaped in DCAT-AP 3, written and read back.

The properties themselves (which key, which term, which level) come only from the property table
(``metadata.properties.PROPERTIES``). This module says, per value *kind*, what the RDF looks like:
a ``@ja`` literal, an EU authority IRI with ``skos:inScheme``, a vCard node … (``KIND_SHAPES``),
with a few overrides by term where one kind covers values of different shapes (``TERM_SHAPES``: a
resource ``path`` is text but becomes download and access URLs). Every shape can ``write`` a value
and ``read`` it back, so ``dcat_out`` and ``dcat_in`` are inverse by construction.

Auxiliary nodes get IRIs from the dataset or distribution IRI (``#temporal``, ``#checksum`` …), and
every IRI that DCAT-AP 3.0.1 constrains by class is typed (``dct:Location``, ``dct:Frequency`` …):
the shapes are run without RDFS inference. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote, unquote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from ..config import Settings
from ..japan.lgcode import with_check_digit
from ..metadata.licenses import find_license
from ..metadata.properties import Kind
from ..metadata.publication import license_entry, resolve_publisher
from ..metadata.vocabularies import FREQUENCIES, LANGUAGES, THEMES
from .iris import file_url, path_from_file_url, publisher_iri
from .namespaces import (
    ADMS_LICENCE_TYPE,
    ADMS_PUBLISHER_TYPE,
    DCAT,
    ESTAT_SAC,
    EU_FILE_TYPE,
    EU_FREQUENCY,
    EU_LANGUAGE,
    EU_THEME,
    EVAL,
    IANA_MEDIA_TYPES,
    SPDX,
    VCARD,
)
from .terms import iri, literal

__all__ = [
    "FILE_TYPES",
    "KIND_SHAPES",
    "LICENCE_TYPES",
    "TERM_SHAPES",
    "Context",
    "ValueShape",
    "shape_of",
]

LANG = "ja"  # titles, descriptions, keywords and names are Japanese

# Concept schemes of the EU authority tables (their IRIs are the table's base without the slash).
THEME_SCHEME = URIRef(str(EU_THEME).rstrip("/"))
FREQUENCY_SCHEME = URIRef(str(EU_FREQUENCY).rstrip("/"))
LANGUAGE_SCHEME = URIRef(str(EU_LANGUAGE).rstrip("/"))
FILE_TYPE_SCHEME = URIRef(str(EU_FILE_TYPE).rstrip("/"))
PUBLISHER_TYPE_SCHEME = ADMS_PUBLISHER_TYPE["1.0"]
LICENCE_TYPE_SCHEME = ADMS_LICENCE_TYPE["1.0"]

# Frictionless format → EU file-type code (the DCAT-AP dct:format vocabulary). The first spelling of
# a code is the one read back.
FILE_TYPES: Mapping[str, str] = {
    "csv": "CSV", "tsv": "TSV", "json": "JSON", "geojson": "GEOJSON", "xml": "XML", "xlsx": "XLSX",
    "xls": "XLS", "ods": "ODS", "pdf": "PDF", "txt": "TXT", "html": "HTML", "zip": "ZIP",
    "rdf": "RDF_XML", "ttl": "RDF_TURTLE", "jsonld": "JSON_LD", "kml": "KML", "kmz": "KMZ",
    "shp": "SHP", "gpkg": "GPKG", "parquet": "PARQUET", "docx": "DOCX", "doc": "DOC", "png": "PNG",
    "jpeg": "JPEG", "jpg": "JPEG",
}
_FORMAT_OF: dict[str, str] = {}
for _fmt, _code in FILE_TYPES.items():
    _FORMAT_OF.setdefault(_code, _fmt)

# ADMS licence types (DCAT-AP recommends dct:type on a licence document), by our licence ids.
LICENCE_TYPES: Mapping[str, tuple[tuple[str, str], ...]] = {
    "PDL-1.0": (("Attribution", "Attribution"),),
    "CC-BY-4.0": (("Attribution", "Attribution"),),
    "CC-BY-SA-4.0": (("Attribution", "Attribution"), ("ViralEffect-ShareAlike", "Viral effect (a.k.a. Share-alike)")),
    "CC0-1.0": (("PublicDomain", "Public domain"),),
}

_ISO_OF_EU_LANGUAGE = {eu: iso for iso, eu in LANGUAGES.items()}
_CHECKSUM_ALGORITHMS = {
    "sha256": SPDX.checksumAlgorithm_sha256, "sha1": SPDX.checksumAlgorithm_sha1, "md5": SPDX.checksumAlgorithm_md5,
}
_ALGORITHM_NAMES = {v: k for k, v in _CHECKSUM_ALGORITHMS.items()}


@dataclass(frozen=True, slots=True)
class Context:
    """What a shape needs besides the value: the graph, where IRIs go, and the project settings."""

    g: Graph
    base: str | None  # None when reading a description not minted by us
    package: str
    dataset: URIRef
    settings: Settings | None = None


class ValueShape(Protocol):
    """How one kind of value is written as RDF and read back."""

    def write(self, ctx: Context, subject: URIRef, predicate: URIRef, value: Any) -> None: ...

    def read(self, ctx: Context, subject: Node, predicate: URIRef) -> Any: ...


# --- helpers ---------------------------------------------------------------------------------------


def _items(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _text(g: Graph, subject: Node, predicate: URIRef) -> str | None:
    """The @ja literal when there is one, else any literal (deterministically the smallest)."""
    lits = sorted((o for o in g.objects(subject, predicate) if isinstance(o, Literal)), key=str)
    for lit in lits:
        if lit.language == LANG:
            return str(lit)
    return str(lits[0]) if lits else None


def _iris(g: Graph, subject: Node, predicate: URIRef) -> list[URIRef]:
    return sorted(o for o in g.objects(subject, predicate) if isinstance(o, URIRef))


def _nodes(g: Graph, subject: Node, predicate: URIRef) -> list[Any]:
    """IRIs and blank nodes (descriptions not written by us use blank nodes for periods, checksums …)."""
    return sorted((o for o in g.objects(subject, predicate) if not isinstance(o, Literal)), key=str)


def _date(value: Any) -> Literal:
    text = str(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return Literal(text, datatype=XSD.date)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}T.+", text):
        return literal(text, datatype=XSD.dateTime)
    return literal(text)  # not a date: DCAT-AP's date shape reports it


def _typed(g: Graph, node: URIRef, *classes: URIRef) -> URIRef:
    for cls in classes:
        g.add((node, RDF.type, cls))
    return node


def _strip(text: str, base: str) -> str:
    return text.removeprefix(base)


def _quoted(value: Any, safe: str) -> str:
    # surrogatepass: a lone surrogate (possible in a JSON descriptor) becomes %ED%A0%80, not a crash
    return quote(str(value), safe=safe, errors="surrogatepass")


# --- shapes ----------------------------------------------------------------------------------------


class _Text:
    """A Japanese text: one @ja literal."""

    def write(self, ctx: Context, subject: URIRef, predicate: URIRef, value: Any) -> None:
        ctx.g.add((subject, predicate, literal(value, lang=LANG)))

    def read(self, ctx: Context, subject: Node, predicate: URIRef) -> Any:
        return _text(ctx.g, subject, predicate)


class _Plain:
    """An identifier or version: a plain literal."""

    def write(self, ctx: Context, subject: URIRef, predicate: URIRef, value: Any) -> None:
        ctx.g.add((subject, predicate, literal(value)))

    def read(self, ctx: Context, subject: Node, predicate: URIRef) -> Any:
        return _text(ctx.g, subject, predicate)


class _TextList:
    """Keywords: one @ja literal each (RDF keeps no order: read back sorted)."""

    def write(self, ctx: Context, subject: URIRef, predicate: URIRef, value: Any) -> None:
        for item in _items(value):
            ctx.g.add((subject, predicate, literal(item, lang=LANG)))

    def read(self, ctx: Context, subject: Node, predicate: URIRef) -> Any:
        found = sorted(str(o) for o in ctx.g.objects(subject, predicate) if isinstance(o, Literal))
        return found or None


class _Date:
    def write(self, ctx: Context, subject: URIRef, predicate: URIRef, value: Any) -> None:
        ctx.g.add((subject, predicate, _date(value)))

    def read(self, ctx: Context, subject: Node, predicate: URIRef) -> Any:
        lit = ctx.g.value(subject, predicate)
        return str(lit) if lit is not None else None


@dataclass(frozen=True)
class _Reference:
    """An IRI typed with the class DCAT-AP gives the property's range (foaf:Document, dct:Standard)."""

    cls: URIRef
    many: bool = False

    def write(self, ctx: Context, subject: URIRef, predicate: URIRef, value: Any) -> None:
        for item in _items(value):
            ctx.g.add((subject, predicate, _typed(ctx.g, iri(item), self.cls)))

    def read(self, ctx: Context, subject: Node, predicate: URIRef) -> Any:
        found = [str(o) for o in _iris(ctx.g, subject, predicate)]
        if self.many:
            return found or None
        return found[0] if found else None


class _Themes:
    """EU data themes: the authority IRI, a skos:Concept in the data-theme scheme, labelled in Japanese."""

    def write(self, ctx: Context, subject: URIRef, predicate: URIRef, value: Any) -> None:
        for item in _items(value):
            code = _strip(str(item), str(EU_THEME))
            node = _typed(ctx.g, iri(f"{EU_THEME}{code}"), SKOS.Concept)
            ctx.g.add((node, SKOS.inScheme, THEME_SCHEME))
            if code in THEMES:
                ctx.g.add((node, SKOS.prefLabel, Literal(THEMES[code], lang=LANG)))
            ctx.g.add((subject, predicate, node))

    def read(self, ctx: Context, subject: Node, predicate: URIRef) -> Any:
        found = [_strip(str(o), str(EU_THEME)) for o in _iris(ctx.g, subject, predicate)]
        return found or None


class _Frequency:
    """EU frequency: the authority IRI, a dct:Frequency in the frequency scheme."""

    def write(self, ctx: Context, subject: URIRef, predicate: URIRef, value: Any) -> None:
        code = _strip(str(value), str(EU_FREQUENCY)).upper()
        node = _typed(ctx.g, iri(f"{EU_FREQUENCY}{code}"), DCTERMS.Frequency, SKOS.Concept)
        ctx.g.add((node, SKOS.inScheme, FREQUENCY_SCHEME))
        if code in FREQUENCIES:
            ctx.g.add((node, SKOS.prefLabel, Literal(FREQUENCIES[code], lang=LANG)))
        ctx.g.add((subject, predicate, node))

    def read(self, ctx: Context, subject: Node, predicate: URIRef) -> Any:
        found = _iris(ctx.g, subject, predicate)
        return _strip(str(found[0]), str(EU_FREQUENCY)) if found else None


class _Languages:
    """ISO 639-1 codes as EU language IRIs (dct:LinguisticSystem in the language scheme)."""

    def write(self, ctx: Context, subject: URIRef, predicate: URIRef, value: Any) -> None:
        for item in _items(value):
            eu = LANGUAGES.get(str(item), str(item).upper())
            node = _typed(ctx.g, iri(f"{EU_LANGUAGE}{eu}"), DCTERMS.LinguisticSystem)
            ctx.g.add((node, SKOS.inScheme, LANGUAGE_SCHEME))
            ctx.g.add((subject, predicate, node))

    def read(self, ctx: Context, subject: Node, predicate: URIRef) -> Any:
        found = []
        for o in _iris(ctx.g, subject, predicate):
            eu = _strip(str(o), str(EU_LANGUAGE))
            found.append(_ISO_OF_EU_LANGUAGE.get(eu, eu.lower()))
        return found or None


class _Spatial:
    """全国地方公共団体コード as e-Stat statistical areas: the code without its check digit."""

    def write(self, ctx: Context, subject: URIRef, predicate: URIRef, value: Any) -> None:
        for item in _items(value):
            code = str(item)
            node = _typed(ctx.g, iri(f"{ESTAT_SAC}C{code[:5]}"), DCTERMS.Location)
            pub = ctx.settings.publisher(code) if ctx.settings is not None else None
            if pub is not None:  # a label helps readers (and ckanext-dcat's spatial_text)
                ctx.g.add((node, SKOS.prefLabel, literal(pub.name, lang=LANG)))
            ctx.g.add((subject, predicate, node))

    def read(self, ctx: Context, subject: Node, predicate: URIRef) -> Any:
        found = []
        for o in _iris(ctx.g, subject, predicate):
            m = re.fullmatch(re.escape(str(ESTAT_SAC)) + r"C(\d{5})", str(o))
            found.append(with_check_digit(m.group(1)) if m else str(o))
        return found or None


class _Period:
    """{start, end} as a dct:PeriodOfTime with dcat:startDate / dcat:endDate."""

    def write(self, ctx: Context, subject: URIRef, predicate: URIRef, value: Any) -> None:
        if not isinstance(value, Mapping):
            ctx.g.add((subject, predicate, literal(value)))  # DCAT-AP reports the literal
            return
        node = _typed(ctx.g, URIRef(f"{subject}#temporal"), DCTERMS.PeriodOfTime)
        if value.get("start") is not None:
            ctx.g.add((node, DCAT.startDate, _date(value["start"])))
        if value.get("end") is not None:
            ctx.g.add((node, DCAT.endDate, _date(value["end"])))
        ctx.g.add((subject, predicate, node))

    def read(self, ctx: Context, subject: Node, predicate: URIRef) -> Any:
        for node in _nodes(ctx.g, subject, predicate):
            out = {}
            for key, p in (("start", DCAT.startDate), ("end", DCAT.endDate)):
                lit = ctx.g.value(node, p)
                if lit is not None:
                    out[key] = str(lit)
            if out:
                return out
        return None


class _Agent:
    """The publisher: a foaf:Agent with foaf:name and its 全国地方公共団体コード as dct:identifier."""

    def write(self, ctx: Context, subject: URIRef, predicate: URIRef, value: Any) -> None:
        agent = resolve_publisher(value, ctx.settings)
        if agent is None:
            return
        g = ctx.g
        if agent.code and ctx.base is not None:
            node = publisher_iri(ctx.base, agent.code)
        else:
            node = URIRef(f"{ctx.dataset}#publisher")
        _typed(g, node, FOAF.Agent)
        if agent.name:
            g.add((node, FOAF.name, literal(agent.name, lang=LANG)))
        if agent.name_en:
            g.add((node, FOAF.name, literal(agent.name_en, lang="en")))
        if agent.code:
            g.add((node, DCTERMS.identifier, literal(agent.code)))
            # Prefectures (XX000C) are regional authorities, municipalities local ones.
            kind, label = ("RegionalAuthority", "Regional authority") if agent.code[2:5] == "000" else (
                "LocalAuthority", "Local authority")
            t = _typed(g, ADMS_PUBLISHER_TYPE[kind], SKOS.Concept)
            g.add((t, SKOS.prefLabel, Literal(label, lang="en")))
            g.add((t, SKOS.inScheme, PUBLISHER_TYPE_SCHEME))
            _typed(g, PUBLISHER_TYPE_SCHEME, SKOS.ConceptScheme)
            g.add((PUBLISHER_TYPE_SCHEME, DCTERMS.title, Literal("Publisher type", lang="en")))
            g.add((node, DCTERMS.type, t))
        if agent.url:
            g.add((node, FOAF.homepage, iri(agent.url)))
        g.add((subject, predicate, node))

    def read(self, ctx: Context, subject: Node, predicate: URIRef) -> Any:
        g = ctx.g
        for node in sorted(g.objects(subject, predicate), key=str):
            code_lit = g.value(node, DCTERMS.identifier)
            code = str(code_lit) if code_lit is not None else None
            names = {o.language: str(o) for o in g.objects(node, FOAF.name) if isinstance(o, Literal)}
            name = names.get(LANG) or names.get(None)
            name_en = names.get("en")
            home = g.value(node, FOAF.homepage)
            url = str(home) if home is not None else None
            pub = ctx.settings.publisher(code) if (ctx.settings is not None and code) else None
            # Packages name their publisher by code and opendata.yaml supplies the rest: when the
            # graph says no more than that (or just what the configuration says), the code it is.
            if code and pub is not None:
                same = name in (None, pub.name) and url in (None, pub.url) and name_en in (None, pub.name_en)
            else:
                same = bool(code) and not (name or url or name_en)
            if same:
                return code
            out = {k: v for k, v in (("code", code), ("name", name), ("name_en", name_en), ("url", url)) if v}
            return out or None
        return None


class _Contact:
    """The contact point: a vcard:Kind with vcard:fn, vcard:hasEmail (mailto:) and URL / telephone."""

    def write(self, ctx: Context, subject: URIRef, predicate: URIRef, value: Any) -> None:
        if not isinstance(value, Mapping):
            return
        g = ctx.g
        node = _typed(g, URIRef(f"{subject}#contact"), VCARD.Kind)
        if value.get("name"):
            g.add((node, VCARD.fn, literal(value["name"], lang=LANG)))
        if value.get("email"):
            g.add((node, VCARD.hasEmail, iri(f"mailto:{value['email']}")))
        if value.get("url"):
            g.add((node, VCARD.hasURL, iri(value["url"])))
        if value.get("telephone"):
            g.add((node, VCARD.hasTelephone, iri("tel:" + _quoted(value["telephone"], "+-()"))))
        g.add((subject, predicate, node))

    def read(self, ctx: Context, subject: Node, predicate: URIRef) -> Any:
        g = ctx.g
        for node in sorted(g.objects(subject, predicate), key=str):
            out: dict[str, str] = {}
            name = _text(g, node, VCARD.fn)
            if name:
                out["name"] = name
            for key, p, prefix in (("email", VCARD.hasEmail, "mailto:"), ("url", VCARD.hasURL, ""),
                                   ("telephone", VCARD.hasTelephone, "tel:")):
                o = g.value(node, p)
                if o is not None:
                    out[key] = unquote(_strip(str(o), prefix)) if prefix else str(o)
            return out or None
        return None


class _Licences:
    """Licences by URI (dct:LicenseDocument, with its ADMS licence type when we know it)."""

    def write(self, ctx: Context, subject: URIRef, predicate: URIRef, value: Any) -> None:
        g = ctx.g
        for entry in _items(value):
            if not isinstance(entry, Mapping):
                continue
            path, name = str(entry.get("path") or ""), str(entry.get("name") or "")
            known = find_license(path) or find_license(name)
            title: Any
            if known is not None:
                node, title = URIRef(known.uri), known.title
            elif path.startswith(("http://", "https://")):
                node, title = iri(path), entry.get("title")
            else:
                g.add((subject, predicate, literal(name or path)))  # not a licence URI: the shapes say so
                continue
            _typed(g, node, DCTERMS.LicenseDocument)
            if title:
                g.add((node, DCTERMS.title, literal(title, lang=LANG)))
            for local, label in LICENCE_TYPES.get(known.id, ()) if known else ():
                t = _typed(g, ADMS_LICENCE_TYPE[local], SKOS.Concept)
                g.add((t, SKOS.prefLabel, Literal(label, lang="en")))
                g.add((t, SKOS.inScheme, LICENCE_TYPE_SCHEME))
                g.add((node, DCTERMS.type, t))
            g.add((subject, predicate, node))

    def read(self, ctx: Context, subject: Node, predicate: URIRef) -> Any:
        out: list[dict[str, str]] = []
        for o in sorted(ctx.g.objects(subject, predicate), key=str):
            if isinstance(o, URIRef):
                known = find_license(str(o))
                if known is not None:
                    out.append(license_entry(known.id))
                else:
                    title = _text(ctx.g, o, DCTERMS.title)
                    out.append({"path": str(o), **({"title": title} if title else {})})
            elif isinstance(o, Literal):
                out.append({"name": str(o)})
        return out or None


class _Sources:
    """Frictionless sources: each an ``eval:SourceDocument`` with its title.

    DCAT-AP's range of dct:source is dcat:Dataset. Typing a source dcat:Dataset outright would make
    harvesters (ckanext-dcat takes every dcat:Dataset) import each evaluation sheet as a dataset of
    its own; so a source is an ``eval:SourceDocument``, and the graph carries the axiom
    ``eval:SourceDocument rdfs:subClassOf dcat:Dataset``, which SHACL's sh:class honours without
    inference. A source with a ``path`` is named by its URL (a package file is served under the base
    URL like the data); one without is ``{dataset}#source-N``. DCAT-AP makes a description mandatory
    on any dataset: it says that the node is a source.
    """

    def write(self, ctx: Context, subject: URIRef, predicate: URIRef, value: Any) -> None:
        g = ctx.g
        for i, src in enumerate(_items(value), start=1):
            if not isinstance(src, Mapping):
                continue
            path, title = src.get("path"), src.get("title")
            if path and ctx.base is not None:
                node = file_url(ctx.base, ctx.package, str(path))
            elif path and "://" in str(path):
                node = iri(path)
            else:
                node = URIRef(f"{subject}#source-{i}")
            _typed(g, node, EVAL.SourceDocument)
            g.add((EVAL.SourceDocument, RDFS.subClassOf, DCAT.Dataset))
            if title:
                g.add((node, DCTERMS.title, literal(title, lang=LANG)))
                g.add((node, DCTERMS.description, literal(f"出典: {title}", lang=LANG)))
            g.add((subject, predicate, node))

    def read(self, ctx: Context, subject: Node, predicate: URIRef) -> Any:
        out = []
        for node in _nodes(ctx.g, subject, predicate):
            src: dict[str, str] = {}
            title = _text(ctx.g, node, DCTERMS.title)
            if title:
                src["title"] = title
            if isinstance(node, URIRef) and not str(node).startswith(f"{subject}#source-"):
                src["path"] = path_from_file_url(str(node), ctx.base, ctx.package)
            out.append(src)
        return out or None


class _Provenance:
    """A provenance text as a dct:ProvenanceStatement (rdfs:label), as DCAT-AP's range asks."""

    def write(self, ctx: Context, subject: URIRef, predicate: URIRef, value: Any) -> None:
        node = _typed(ctx.g, URIRef(f"{subject}#provenance"), DCTERMS.ProvenanceStatement)
        ctx.g.add((node, RDFS.label, literal(value, lang=LANG)))
        ctx.g.add((subject, predicate, node))

    def read(self, ctx: Context, subject: Node, predicate: URIRef) -> Any:
        for node in _nodes(ctx.g, subject, predicate):
            return _text(ctx.g, node, RDFS.label)
        return None


class _FileURL:
    """A resource path: the file's URL, as dcat:downloadURL and (mandatory in DCAT-AP) dcat:accessURL."""

    def write(self, ctx: Context, subject: URIRef, predicate: URIRef, value: Any) -> None:
        for item in _items(value):
            url = file_url(ctx.base or "", ctx.package, str(item))
            ctx.g.add((subject, predicate, url))
            ctx.g.add((subject, DCAT.accessURL, url))

    def read(self, ctx: Context, subject: Node, predicate: URIRef) -> Any:
        urls = _iris(ctx.g, subject, predicate) or _iris(ctx.g, subject, DCAT.accessURL)
        paths = [path_from_file_url(str(u), ctx.base, ctx.package) for u in urls]
        if not paths:
            return None
        return paths[0] if len(paths) == 1 else paths


class _FileType:
    """A Frictionless format as an EU file type (dct:MediaTypeOrExtent in the file-type scheme)."""

    def write(self, ctx: Context, subject: URIRef, predicate: URIRef, value: Any) -> None:
        code = FILE_TYPES.get(str(value).lower())
        if code is None:
            ctx.g.add((subject, predicate, literal(value)))  # unknown format: the shapes say so
            return
        node = _typed(ctx.g, EU_FILE_TYPE[code], DCTERMS.MediaTypeOrExtent)
        ctx.g.add((node, SKOS.inScheme, FILE_TYPE_SCHEME))
        ctx.g.add((subject, predicate, node))

    def read(self, ctx: Context, subject: Node, predicate: URIRef) -> Any:
        o = ctx.g.value(subject, predicate)
        if isinstance(o, URIRef):
            code = _strip(str(o), str(EU_FILE_TYPE))
            return _FORMAT_OF.get(code, code.lower())
        return str(o) if o is not None else None


class _MediaType:
    """A media type as its IANA IRI (dct:MediaType)."""

    def write(self, ctx: Context, subject: URIRef, predicate: URIRef, value: Any) -> None:
        mt = str(value).split(";")[0].strip().lower()  # parameters are not part of the IANA name
        ctx.g.add((subject, predicate, _typed(ctx.g, iri(f"{IANA_MEDIA_TYPES}{mt}"), DCTERMS.MediaType)))

    def read(self, ctx: Context, subject: Node, predicate: URIRef) -> Any:
        o = ctx.g.value(subject, predicate)
        return _strip(str(o), str(IANA_MEDIA_TYPES)) if o is not None else None


class _ByteSize:
    def write(self, ctx: Context, subject: URIRef, predicate: URIRef, value: Any) -> None:
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            ctx.g.add((subject, predicate, Literal(value, datatype=XSD.nonNegativeInteger)))
        else:
            ctx.g.add((subject, predicate, literal(value)))  # DCAT-AP's datatype check reports it

    def read(self, ctx: Context, subject: Node, predicate: URIRef) -> Any:
        o = ctx.g.value(subject, predicate)
        if o is None:
            return None
        try:
            return int(str(o))
        except ValueError:
            return str(o)


class _Checksum:
    """"sha256:<hex>" as an spdx:Checksum (algorithm and hexBinary value)."""

    def write(self, ctx: Context, subject: URIRef, predicate: URIRef, value: Any) -> None:
        text = str(value)
        algorithm, _, digest = text.rpartition(":")
        algorithm = algorithm.lower() or "md5"  # Frictionless: a bare digest is MD5
        node = _typed(ctx.g, URIRef(f"{subject}#checksum"), SPDX.Checksum)
        if algorithm in _CHECKSUM_ALGORITHMS:
            ctx.g.add((node, SPDX.algorithm, _typed(ctx.g, _CHECKSUM_ALGORITHMS[algorithm], SPDX.ChecksumAlgorithm)))
        ctx.g.add((node, SPDX.checksumValue, literal(digest.lower(), datatype=XSD.hexBinary)))
        ctx.g.add((subject, predicate, node))

    def read(self, ctx: Context, subject: Node, predicate: URIRef) -> Any:
        for node in _nodes(ctx.g, subject, predicate):
            digest = ctx.g.value(node, SPDX.checksumValue)
            algorithm = _ALGORITHM_NAMES.get(ctx.g.value(node, SPDX.algorithm))
            if digest is not None:
                return f"{algorithm}:{digest}" if algorithm and algorithm != "md5" else str(digest)
        return None


KIND_SHAPES: Mapping[Kind, ValueShape] = {
    Kind.TEXT: _Text(),
    Kind.NAME: _Plain(),
    Kind.VERSION: _Plain(),
    Kind.TEXT_LIST: _TextList(),
    Kind.URI: _Reference(FOAF.Document),
    Kind.URI_LIST: _Reference(DCTERMS.Standard, many=True),
    Kind.DATE: _Date(),
    Kind.PERIOD: _Period(),
    Kind.AGENT: _Agent(),
    Kind.CONTACT: _Contact(),
    Kind.LICENSES: _Licences(),
    Kind.THEMES: _Themes(),
    Kind.FREQUENCY: _Frequency(),
    Kind.LANGUAGES: _Languages(),
    Kind.LG_CODES: _Spatial(),
    Kind.SOURCES: _Sources(),
    Kind.INTEGER: _ByteSize(),
    Kind.HASH: _Checksum(),
}

# Where one kind holds values of different shapes, the term decides (keys must be terms of the
# property table; a test checks it).
TERM_SHAPES: Mapping[str, ValueShape] = {
    "dcat:downloadURL": _FileURL(),
    "dct:format": _FileType(),
    "dcat:mediaType": _MediaType(),
    "dct:provenance": _Provenance(),
}


def shape_of(kind: Kind, term: str) -> ValueShape:
    """The shape a property's value takes in RDF."""
    return TERM_SHAPES.get(term) or KIND_SHAPES[kind]
