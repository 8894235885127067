"""DCAT-AP 3 for packages and catalogs, driven by the property table.

``package_graph`` describes one package: the ``dcat:Catalog`` it is published in (operated by the
configuration's ``catalog.operator``), the ``dcat:Dataset`` and one ``dcat:Distribution`` per
resource, plus, for an evaluation package, the evaluation data itself in our vocabulary (see
``rdf.evaluation``). ``catalog_graph`` does the same for many packages under one catalog.

Which properties exist and which term each maps to comes only from
``metadata.properties.PROPERTIES``; the value of each is the one the metadata check sees
(``metadata.publication.effective_value``: the descriptor, else the publisher's defaults from
opendata.yaml); how each value looks in RDF is ``rdf.values``. A package property that its
resources inherit (``licenses``: DCAT-AP puts the licence on distributions) is written on every
distribution instead of the dataset. The graph has no blank nodes, so it is the same graph, triple
for triple, every time.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, SKOS
from rdflib.term import Node

from ..config import Catalog, Settings
from ..inventory.model import Inventory
from ..metadata.ckan_names import ckan_tag
from ..metadata.properties import (
    PROPERTIES,
    Level,
    Property,
    package_properties,
    resource_properties,
)
from ..metadata.publication import effective_value
from ..packaging.package import LocalPackage, load_package
from .evaluation import (
    RowPlace,
    Rows,
    add_evaluation_data,
    declared_grade_scale,
    evaluation_rows,
    is_evaluation_package,
)
from .iris import catalog_iri, dataset_iri, distribution_iri, resolve_base_url
from .namespaces import DCAT, PREFIXES
from .terms import UnsafeTerm, iri, literal
from .values import THEME_SCHEME, Context, shape_of

__all__ = [
    "NodeInfo",
    "PackageGraph",
    "build_package_graph",
    "catalog_graph",
    "new_graph",
    "package_graph",
    "term_iri",
]

_CURIE_BASES = {"dct": str(DCTERMS), "dcat": str(DCAT._NS), "spdx": "http://spdx.org/rdf/terms#"}


def term_iri(curie: str) -> URIRef:
    """The IRI of a property-table term such as ``dct:title`` or ``dcat:version``."""
    prefix, _, local = curie.partition(":")
    return URIRef(_CURIE_BASES[prefix] + local)


def new_graph() -> Graph:
    """An empty graph with our prefixes bound (and no others, so serialisations are stable)."""
    g = Graph(bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    return g


def _missing(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _inherited_by_distributions(prop: Property) -> bool:
    """A package property its resources take as their default: written on the distributions."""
    return prop.level is Level.PACKAGE and any(
        r.default == f"package.{prop.key}" for r in resource_properties()
    )


@dataclass(frozen=True, slots=True)
class NodeInfo:
    """What a node of the package graph stands for, so a SHACL result can say where to look."""

    role: str  # catalog, dataset, distribution, source, auxiliary, data
    resource: str | None = None  # the resource (distributions, their auxiliary nodes, data rows)
    key: str | None = None  # the descriptor key path the node comes from ("temporal", "resources[1].hash")
    level: Level | None = None  # the level of the properties the node carries
    row: int | None = None  # data rows: the row of the resource (header = 1)


@dataclass(frozen=True, slots=True)
class _Problems:
    """What to do with a value that cannot become an RDF term (``rdf.terms``).

    ``collected`` None: stop with it, located (``rdf`` and ``publish``: one line, never a traceback).
    A list: leave the value out, keep the located problem and go on (``validate`` reports them all).
    """

    collected: list[UnsafeTerm] | None = None

    def report(self, exc: UnsafeTerm, path: str | None, where: str | None) -> None:
        located = exc.located(path, where)
        if self.collected is None:
            raise located from None  # the located error says all; the gate's frame is noise
        self.collected.append(located)


def _config_file(settings: Settings | None) -> str:
    return str(settings.path) if settings is not None and settings.path is not None else "opendata.yaml"


def _publisher_key(settings: Settings | None, code: Any) -> str | None:
    """``publishers[i]`` of opendata.yaml for a publisher code, when the code is configured there."""
    for i, pub in enumerate(settings.publishers if settings is not None else ()):
        if pub.code == str(code):
            return f"publishers[{i}]"
    return None


@dataclass
class PackageGraph:
    """A package's graph, its dataset IRI and what each node stands for."""

    graph: Graph
    dataset: URIRef
    base: str
    index: dict[Node, NodeInfo] = field(default_factory=dict)


def _index_objects(g: Graph, node: Node, info: NodeInfo, index: dict[Node, NodeInfo], depth: int = 2) -> None:
    if depth == 0:
        return
    for o in g.objects(node, None):
        if isinstance(o, URIRef) and o not in index:
            index[o] = info
            _index_objects(g, o, info, index, depth - 1)


def _write_properties(
    ctx: Context,
    subject: URIRef,
    props: Iterable[Property],
    descriptor: Mapping[str, Any],
    *,
    package: Mapping[str, Any] | None,
    key_prefix: str,
    resource: str | None,
    index: dict[Node, NodeInfo],
    problems: _Problems,
    file: str,
) -> None:
    for prop in props:
        if prop.term is None or _inherited_by_distributions(prop):
            continue
        value, origin = effective_value(prop, descriptor, ctx.settings, package=package)
        if _missing(value):
            continue
        predicate = term_iri(prop.term)
        # Written into a scratch graph first, so a value that cannot become RDF leaves no half of
        # itself behind when validation collects problems and goes on.
        scratch = Context(Graph(bind_namespaces="none"), ctx.base, ctx.package, ctx.dataset, ctx.settings)
        try:
            shape_of(prop.kind, prop.term).write(scratch, subject, predicate, value)
        except UnsafeTerm as exc:
            key = f"{key_prefix}{prop.key}"
            if origin == "opendata.yaml":  # a publisher's default: the file to fix is opendata.yaml
                pub_key = _publisher_key(ctx.settings, (package or descriptor).get("publisher"))
                problems.report(exc, _config_file(ctx.settings), f"{pub_key}.contact" if pub_key else key)
            else:
                problems.report(exc, file, key if origin is None else f"{key} (既定値: {origin})")
            continue
        for triple in scratch.g:
            ctx.g.add(triple)
        role = "source" if prop.key == "sources" else "auxiliary"
        for o in ctx.g.objects(subject, predicate):
            if isinstance(o, URIRef) and o not in index:
                info = NodeInfo(role, resource, f"{key_prefix}{prop.key}", prop.level)
                index[o] = info
                _index_objects(ctx.g, o, info, index)


# The catalog when there is no opendata.yaml: Catalog's own defaults (language "ja", no operator).
_DEFAULT_CATALOG = Catalog(title="opendata-pub catalog")


def _package_property(key: str) -> Property:
    return next(p for p in PROPERTIES if p.level is Level.PACKAGE and p.key == key)


def _write_value(ctx: Context, subject: URIRef, predicate: URIRef, key: str, value: Any) -> None:
    """A catalog value shaped as the package property ``key`` is (the catalog has no table of its own)."""
    prop = _package_property(key)
    shape_of(prop.kind, prop.term or "").write(ctx, subject, predicate, value)


def _catalog_texts(g: Graph, node: URIRef, cat: Catalog, problems: _Problems, config: str) -> None:
    """Title, description and homepage, each reported against its opendata.yaml key when unsafe."""
    # dct:description is mandatory on a catalog; without one configured the title says what it is.
    texts = [("catalog.title", DCTERMS.title, cat.title, cat.language),
             ("catalog.description", DCTERMS.description, cat.description or cat.title, cat.language)]
    if cat.title_en:
        texts.append(("catalog.title_en", DCTERMS.title, cat.title_en, "en"))
    for key, predicate, text, text_lang in texts:
        try:
            g.add((node, predicate, literal(text, lang=text_lang)))
        except UnsafeTerm as exc:
            problems.report(exc, config, key)
    if not cat.homepage:
        return
    try:
        home = iri(cat.homepage)
    except UnsafeTerm as exc:
        problems.report(exc, config, "catalog.homepage")
    else:
        g.add((node, FOAF.homepage, home))
        g.add((home, RDF.type, FOAF.Document))


def _theme_taxonomy(g: Graph, node: URIRef) -> None:
    g.add((node, DCAT.themeTaxonomy, THEME_SCHEME))
    g.add((THEME_SCHEME, RDF.type, SKOS.ConceptScheme))
    g.add((THEME_SCHEME, DCTERMS.title, Literal("Data theme", lang="en")))


def _catalog_publisher(cat: Catalog, datasets: list[tuple[URIRef, Mapping[str, Any]]]) -> Any:
    """The operator publishes the catalog; without one, the datasets' publisher when they share one."""
    if cat.operator is not None:
        return cat.operator
    publishers = {str(d.get("publisher")) for _, d in datasets if d.get("publisher") is not None}
    return publishers.pop() if len(publishers) == 1 else None


def _write_publisher(ctx: Context, node: URIRef, publisher: Any, problems: _Problems, config: str) -> None:
    # Written into a scratch graph first, so an unsafe contact leaves no half of the publisher behind.
    scratch = Context(Graph(bind_namespaces="none"), ctx.base, "", node, ctx.settings)
    try:
        _write_value(scratch, node, DCTERMS.publisher, "publisher", publisher)
    except UnsafeTerm as exc:
        problems.report(exc, config, _publisher_key(ctx.settings, publisher) or "catalog.operator")
    else:
        for triple in scratch.g:
            ctx.g.add(triple)


def _catalog_dates(ctx: Context, node: URIRef, datasets: list[tuple[URIRef, Mapping[str, Any]]]) -> None:
    """Issued: the earliest dataset's; modified: the latest dataset's."""
    for predicate, key, pick in ((DCTERMS.issued, "issued", 0), (DCTERMS.modified, "modified", -1)):
        dates = sorted(str(d[key]) for _, d in datasets if d.get(key))
        if not dates:
            continue
        try:
            _write_value(ctx, node, predicate, "issued", dates[pick])
        except UnsafeTerm:
            pass  # not a date at all: the dataset that holds it has already reported it


def _catalog(g: Graph, settings: Settings | None, base: str, datasets: list[tuple[URIRef, Mapping[str, Any]]],
             index: dict[Node, NodeInfo], problems: _Problems | None = None) -> URIRef:
    """The catalog node: from opendata.yaml, linking the datasets."""
    problems = problems or _Problems()
    config = _config_file(settings)
    cat = settings.catalog if settings is not None else _DEFAULT_CATALOG
    node = catalog_iri(base)
    index[node] = NodeInfo("catalog")
    g.add((node, RDF.type, DCAT.Catalog))
    _catalog_texts(g, node, cat, problems, config)
    _theme_taxonomy(g, node)
    ctx = Context(g, base, "", node, settings)
    _write_value(ctx, node, DCTERMS.language, "language", [cat.language])
    publisher = _catalog_publisher(cat, datasets)
    if publisher is not None:
        _write_publisher(ctx, node, publisher, problems, config)
    _catalog_dates(ctx, node, datasets)
    for dataset, _ in datasets:
        g.add((node, DCAT.dataset, dataset))
    _index_objects(g, node, NodeInfo("catalog"), index, depth=2)
    return node


def _add_dataset(
    g: Graph,
    package: LocalPackage,
    settings: Settings | None,
    base: str,
    rows: Rows | None,
    index: dict[Node, NodeInfo],
    row_index: dict[URIRef, RowPlace],
    problems: _Problems,
) -> URIRef:
    descriptor = package.descriptor
    file = str(package.descriptor_path)
    dataset = dataset_iri(base, package.name)
    index[dataset] = NodeInfo("dataset", key="", level=Level.PACKAGE)
    g.add((dataset, RDF.type, DCAT.Dataset))
    ctx = Context(g, base, package.name, dataset, settings)
    _write_properties(ctx, dataset, package_properties(), descriptor, package=None, key_prefix="", resource=None,
                      index=index, problems=problems, file=file)
    for i, res in enumerate(package.resources()):
        name = str(res.get("name") or i)
        dist = distribution_iri(dataset, name)
        index[dist] = NodeInfo("distribution", name, f"resources[{i}].", Level.RESOURCE)
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dataset, DCAT.distribution, dist))
        _write_properties(ctx, dist, resource_properties(), res, package=descriptor, key_prefix=f"resources[{i}].",
                          resource=name, index=index, problems=problems, file=file)
    if rows is not None:
        try:
            add_evaluation_data(g, dataset, rows, index=row_index, grade_scale=declared_grade_scale(descriptor))
        except UnsafeTerm as exc:  # a cell: validate's data layer reports it (cell-control-character)
            problems.report(exc, file, exc.where)
        for node, place in row_index.items():
            index.setdefault(node, NodeInfo("data", place.resource, row=place.row))
    return dataset


def _as_package(package: str | os.PathLike[str] | LocalPackage) -> LocalPackage:
    return package if isinstance(package, LocalPackage) else load_package(package)


def build_package_graph(
    package: str | os.PathLike[str] | LocalPackage,
    settings: Settings | None,
    *,
    base_url: str | None = None,
    rows: Rows | None = None,
    include_data: bool = True,
    unsafe: list[UnsafeTerm] | None = None,
) -> PackageGraph:
    """``package_graph`` with the index of what each node stands for (for the SHACL layer).

    ``rows`` gives the evaluation tables' rows when the caller has them (otherwise they are read
    from the package when ``include_data`` and the package is an evaluation package).

    A value that cannot become an RDF term (``rdf.terms``) raises ``UnsafeTerm`` naming its file and
    key; with ``unsafe`` (a list) such values are left out and their located problems appended to
    it instead, so ``validate`` can report every one.
    """
    pkg = _as_package(package)
    base = resolve_base_url(settings, base_url)
    if rows is None and include_data and is_evaluation_package(pkg.descriptor):
        rows = evaluation_rows(pkg.root, pkg.descriptor)
    g = new_graph()
    index: dict[Node, NodeInfo] = {}
    problems = _Problems(unsafe)
    dataset = _add_dataset(g, pkg, settings, base, rows if include_data else None, index, {}, problems)
    _catalog(g, settings, base, [(dataset, pkg.descriptor)], index, problems)
    return PackageGraph(g, dataset, base, index)


def package_graph(
    package: str | os.PathLike[str] | LocalPackage,
    settings: Settings | None,
    *,
    base_url: str | None = None,
    include_data: bool = True,
) -> Graph:
    """DCAT-AP 3 for one package (its folder, descriptor file or a loaded ``LocalPackage``).

    IRIs and file URLs are minted under ``base_url`` or else the configuration's
    ``catalog.base_url`` (``UsageError`` when neither is set). With ``include_data`` (the default),
    an evaluation package also gets its evaluation data in our vocabulary. A value that cannot
    become RDF raises ``rdf.terms.UnsafeTerm`` (an ``InputError``) naming its file and key.
    """
    return build_package_graph(package, settings, base_url=base_url, include_data=include_data).graph


def catalog_graph(
    packages: Iterable[str | os.PathLike[str] | LocalPackage],
    settings: Settings | None,
    *,
    base_url: str | None = None,
    include_data: bool = False,
    inventory: Inventory | None = None,
) -> Graph:
    """DCAT-AP 3 for a whole catalog: the catalog and every package's dataset and distributions.

    Evaluation data is left out unless ``include_data`` (a catalog describes; each package's own
    RDF carries its data). ``inventory`` adds the datasets that have no package yet (オープンデータ一覧
    entries) as datasets without distributions, mapped with the same property table. A value that
    cannot become RDF raises ``rdf.terms.UnsafeTerm`` (an ``InputError``) naming its file and key.
    """
    base = resolve_base_url(settings, base_url)
    g = new_graph()
    index: dict[Node, NodeInfo] = {}
    problems = _Problems()
    datasets: list[tuple[URIRef, Mapping[str, Any]]] = []
    loaded = sorted((_as_package(p) for p in packages), key=lambda p: p.name)
    for package in loaded:
        rows = evaluation_rows(package.root, package.descriptor) if (
            include_data and is_evaluation_package(package.descriptor)) else None
        datasets.append((_add_dataset(g, package, settings, base, rows, index, {}, problems), package.descriptor))
    names = {p.name for p in loaded}
    for entry in (inventory.unpackaged() if inventory is not None else ()):
        if entry.id in names:
            continue
        descriptor = {k: v for k, v in entry.descriptor().items() if not k.startswith("x-")}
        listed = LocalPackage(Path("."), Path("inventory.yaml"), descriptor)
        datasets.append((_add_dataset(g, listed, settings, base, None, index, {}, problems), descriptor))
    _catalog(g, settings, base, datasets, index, problems)
    _for_harvesters(g)
    return g


def _for_harvesters(g: Graph) -> None:
    """What an aggregator's harvester needs of a catalog beyond the package graphs.

    * ``dct:modified`` on every dataset that has a date at all (one never changed since it was
      issued was last modified then) and on its distributions (a file is as recent as its
      package); an inventory entry with no date stays without one rather than get an invented one.
    * Keywords as CKAN tags (``metadata.ckan_names.ckan_tag``: '・', '、', '（' … become spaces; a
      keyword of fewer than 2 characters is left out). CKAN's tag validator rejects the whole
      dataset for one such character and ckanext-dcat's ``clean_tags`` would strip every Japanese
      letter, so a catalog with 「情報公開・広報・広聴」 is harvested only in this form. The keywords
      as written stay in each package's ``dataset.ttl`` and ``datapackage.json``.
    """
    for dataset in set(g.subjects(RDF.type, DCAT.Dataset)):
        modified = g.value(dataset, DCTERMS.modified) or g.value(dataset, DCTERMS.issued)
        if modified is not None:
            if g.value(dataset, DCTERMS.modified) is None:
                g.add((dataset, DCTERMS.modified, modified))
            for dist in g.objects(dataset, DCAT.distribution):
                if g.value(dist, DCTERMS.modified) is None:
                    g.add((dist, DCTERMS.modified, modified))
        for keyword in list(g.objects(dataset, DCAT.keyword)):
            tag = ckan_tag(str(keyword))
            if tag != str(keyword):
                g.remove((dataset, DCAT.keyword, keyword))
                if tag is not None:
                    g.add((dataset, DCAT.keyword, Literal(tag, lang=getattr(keyword, "language", None))))
