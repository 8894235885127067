"""The catalog for harvesters: Hydra pages, dct:modified on every dated record, keywords as CKAN tags."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF

from opendata_pub.config import Settings, load_config
from opendata_pub.findings import Severity
from opendata_pub.inventory.collect import build_inventory
from opendata_pub.metadata.ckan_names import ckan_tag
from opendata_pub.packaging.package import discover_packages
from opendata_pub.packaging.project import load_packages
from opendata_pub.rdf import catalog_graph, parse, serialize
from opendata_pub.rdf.catalog_pages import HYDRA, PAGE_SIZE, paginate_catalog
from opendata_pub.rdf.namespaces import DCAT
from opendata_pub.site.catalog_rdf import catalog_rdf_files
from opendata_pub.validation.shacl import NOT_REPORTED, validate_graph

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://opendata-pub.example.jp/"


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_config(ROOT / "opendata.yaml")


@pytest.fixture(scope="module")
def graph(settings: Settings) -> Graph:
    inventory = build_inventory(settings, load_packages(settings))
    return catalog_graph(discover_packages(ROOT / "datapackages"), settings, inventory=inventory)


def _without_hydra(g: Graph) -> Graph:
    out = Graph()
    for s, p, o in g:
        if not str(p).startswith(str(HYDRA._NS)) and o != HYDRA.PagedCollection:
            out.add((s, p, o))
    return out


def test_a_small_catalog_is_one_page_without_hydra(graph: Graph) -> None:
    pages = paginate_catalog(graph, BASE)
    assert [p.file_name for p in pages] == ["catalog.ttl"] and pages[0].graph is graph
    assert len(set(graph.subjects(RDF.type, DCAT.Dataset))) <= PAGE_SIZE


def test_pages_hold_every_triple_once_per_dataset_and_link_as_ckanext_dcat_reads(graph: Graph) -> None:
    datasets = sorted(set(graph.subjects(RDF.type, DCAT.Dataset)), key=str)
    pages = paginate_catalog(graph, BASE, page_size=3)
    n = -(-len(datasets) // 3)
    assert [p.file_name for p in pages] == ["catalog.ttl", *(f"catalog-page-{i}.ttl" for i in range(2, n + 1))]
    union = Graph()
    for page in pages:
        union += _without_hydra(page.graph)
    assert isomorphic(union, graph)
    seen: list[URIRef] = []
    for i, page in enumerate(pages, start=1):
        g = parse(serialize(page.graph, "turtle"), "turtle")  # what a harvester reads
        mine = sorted(g.subjects(RDF.type, DCAT.Dataset), key=str)
        seen += mine
        assert len(mine) <= 3
        here = URIRef(BASE + pages[i - 1].file_name)
        assert (here, RDF.type, HYDRA.PagedCollection) in g
        assert int(g.value(here, HYDRA.totalItems)) == len(datasets)  # type: ignore[arg-type]
        # ckanext-dcat's RDFParser.next_page: hydra:next, else hydra:nextPage, of a PagedCollection
        following = URIRef(BASE + pages[i].file_name) if i < n else None
        assert g.value(here, HYDRA.next) == following and g.value(here, HYDRA.nextPage) == following
        assert g.value(here, HYDRA.first) == URIRef(BASE + "catalog.ttl")
        # each page describes its datasets completely: their distributions come with them
        for d in mine:
            for dist in graph.objects(d, DCAT.distribution):
                assert set(graph.triples((dist, None, None))) <= set(g.triples((dist, None, None)))
        catalog = URIRef(BASE + "catalog")
        assert set(g.objects(catalog, DCAT.dataset)) == set(mine) and g.value(catalog, DCTERMS.title) is not None
    assert seen == datasets


def test_every_page_passes_the_dcat_ap_shapes(graph: Graph) -> None:
    checksum_bug = next(rule for why, rule in NOT_REPORTED if "ChecksumAlgorithmRestriction" in why)
    for page in paginate_catalog(graph, BASE, page_size=4):
        errors = [r for r in validate_graph(page.graph) if r.severity is Severity.ERROR]
        assert all(checksum_bug(r, {}, page.graph) for r in errors), page.file_name


def test_dated_records_have_dct_modified_and_keywords_are_ckan_tags(graph: Graph) -> None:
    for d in graph.subjects(RDF.type, DCAT.Dataset):
        if graph.value(d, DCTERMS.issued) is not None:
            assert graph.value(d, DCTERMS.modified) is not None, d
        modified = graph.value(d, DCTERMS.modified)
        for dist in graph.objects(d, DCAT.distribution):
            assert graph.value(dist, DCTERMS.modified) is not None and modified is not None, dist
        for kw in graph.objects(d, DCAT.keyword):
            assert ckan_tag(str(kw)) == str(kw), kw
    keywords = {str(k) for k in graph.objects(None, DCAT.keyword)}
    assert "情報公開 広報 広聴" in keywords and "情報公開・広報・広聴" not in keywords


def test_the_site_writes_pages_and_a_whole_jsonld(settings: Settings) -> None:
    packages = load_packages(settings)
    inventory = build_inventory(settings, packages)
    files = catalog_rdf_files(None, packages, settings, inventory, page_size=4)
    assert sorted(files) == ["catalog-page-2.ttl", "catalog-page-3.ttl", "catalog.jsonld", "catalog.ttl"]
    whole = parse(files["catalog.jsonld"].decode(), "json-ld")
    assert len(set(whole.subjects(RDF.type, DCAT.Dataset))) == 10
    assert not list(whole.subjects(RDF.type, HYDRA.PagedCollection))
