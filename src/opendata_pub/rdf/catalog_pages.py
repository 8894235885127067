"""A catalog graph split into pages for harvesters: Hydra paging as ckanext-dcat follows it.

ckanext-dcat's RDF harvester (``dcat_rdf``) reads the source URL, takes every ``dcat:Dataset`` of
it, then looks for a node typed ``hydra:PartialCollectionView`` or ``hydra:PagedCollection`` and
follows its ``hydra:next`` (else the deprecated ``hydra:nextPage``) until a page has none. So a
large catalog is served as ``catalog.ttl`` (page 1: the first datasets) and ``catalog-page-2.ttl`` …
with, besides the ``dcat:Catalog``, on each page, a ``hydra:PagedCollection`` node named by the page's
URL carrying the same terms ckanext-dcat's own catalog endpoint writes: ``hydra:totalItems``,
``hydra:itemsPerPage``, ``first``/``last``/``next``/``previous`` and their deprecated
``firstPage``/``lastPage``/``nextPage``/``previousPage`` (harvesters of either generation follow
them). The values are IRIs, as Hydra defines them.

Each dataset is on exactly one page with everything it reaches (distributions, contact point,
publisher, temporal …; a publisher shared by datasets on several pages is repeated on each), so a
page is a complete description of its datasets. Datasets are ordered by IRI, so a catalog that
gains one dataset moves the others by at most one page.

Pure: graphs in, graphs out; the site layer names and writes the files.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import BNode, Node

from .namespaces import DCAT, HYDRA, PREFIXES

__all__ = ["HYDRA", "PAGE_SIZE", "CatalogPage", "page_file_name", "paginate_catalog"]

#: Datasets per page. Measured with ckanext-dcat 2.4.4 on CKAN 2.12.0 (2 cores): a page of 500
#: evaluation datasets (7 distributions each) is 5.1 MB of Turtle and takes the gather stage about
#: 12 s (download, parse, 500 harvest objects); a page is fetched and parsed whole, so a few hundred
#: keeps each request and the gather's memory small while 2,000 datasets are 4 pages.
PAGE_SIZE = 500


@dataclass(frozen=True, slots=True)
class CatalogPage:
    """One page: its file name (``catalog.ttl`` for the first) and its graph."""

    file_name: str
    graph: Graph


def page_file_name(number: int) -> str:
    """``catalog.ttl`` for page 1, ``catalog-page-N.ttl`` for the others."""
    return "catalog.ttl" if number == 1 else f"catalog-page-{number}.ttl"


def _reach(g: Graph, start: Node, stop: set[Node]) -> set[Node]:
    """``start`` and every node it reaches through objects, not entering the nodes in ``stop``."""
    seen: set[Node] = {start}
    todo = [start]
    while todo:
        node = todo.pop()
        for obj in g.objects(node, None):
            if isinstance(obj, (URIRef, BNode)) and obj not in seen and obj not in stop:
                seen.add(obj)
                todo.append(obj)
    return seen


def _new_page_graph() -> Graph:
    g = Graph(bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    g.bind("hydra", str(HYDRA._NS))
    return g


def paginate_catalog(graph: Graph, base_url: str, page_size: int = PAGE_SIZE) -> list[CatalogPage]:
    """``graph`` (one ``dcat:Catalog`` and its datasets) as pages of ``page_size`` datasets.

    One page (the graph as it is, with no Hydra node) when it has no more than ``page_size``
    datasets. Otherwise each page holds the ``dcat:Catalog`` (title, publisher … and
    ``dcat:dataset`` links to the datasets of that page only: a link to a dataset described on
    another page would break DCAT-AP's class constraint, and typing it there would make harvesters
    read it twice) and its datasets with what they reach. ``base_url`` is where the files are
    served (``catalog.base_url``); the page IRIs are ``base_url`` + the file name.
    """
    if page_size < 1:
        raise ValueError(f"page_size must be at least 1, not {page_size}")
    datasets = sorted((s for s in set(graph.subjects(RDF.type, DCAT.Dataset)) if isinstance(s, URIRef)), key=str)
    if len(datasets) <= page_size:
        return [CatalogPage(page_file_name(1), graph)]
    catalogs = set(graph.subjects(RDF.type, DCAT.Catalog))
    stop: set[Node] = set(datasets) | catalogs
    chunks = [datasets[i:i + page_size] for i in range(0, len(datasets), page_size)]
    urls = [URIRef(base_url + page_file_name(n)) for n in range(1, len(chunks) + 1)]
    pages: list[CatalogPage] = []
    for number, chunk in enumerate(chunks, start=1):
        page = _new_page_graph()
        on_page = set(chunk)
        for catalog in catalogs:
            for node in _reach(graph, catalog, stop - {catalog}):
                for s, p, o in graph.triples((node, None, None)):
                    if not (s == catalog and p == DCAT.dataset and o not in on_page):
                        page.add((s, p, o))
        for dataset in chunk:
            for node in _reach(graph, dataset, stop - {dataset}):
                for triple in graph.triples((node, None, None)):
                    page.add(triple)
        here = urls[number - 1]
        page.add((here, RDF.type, HYDRA.PagedCollection))
        page.add((here, HYDRA.totalItems, Literal(len(datasets), datatype=XSD.integer)))
        page.add((here, HYDRA.itemsPerPage, Literal(page_size, datatype=XSD.integer)))
        links = [(HYDRA.first, HYDRA.firstPage, urls[0]), (HYDRA.last, HYDRA.lastPage, urls[-1])]
        if number < len(chunks):
            links.append((HYDRA.next, HYDRA.nextPage, urls[number]))
        if number > 1:
            links.append((HYDRA.previous, HYDRA.previousPage, urls[number - 2]))
        for current, deprecated, target in links:
            page.add((here, current, target))
            page.add((here, deprecated, target))
        pages.append(CatalogPage(page_file_name(number), page))
    return pages
