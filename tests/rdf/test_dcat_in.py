"""DCAT in: rdf → metadata → rdf is lossless for every property we write, in every serialisation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, URIRef

from opendata_pub.config import Settings
from opendata_pub.errors import InputError
from opendata_pub.metadata.properties import PROPERTIES, Level, Property
from opendata_pub.metadata.publication import effective_value
from opendata_pub.packaging.package import LocalPackage, load_package
from opendata_pub.rdf import (
    catalog_graph,
    package_graph,
    package_metadata_from_rdf,
    serialize,
)
from tests.rdf.conftest import BASE, assert_isomorphic, build_full


def _canonical(prop: Property, value: Any) -> Any:
    """RDF keeps no order: compare lists as sorted."""
    if isinstance(value, list):
        return sorted(value, key=repr)
    return value


def _package_from(meta: dict[str, Any], original: LocalPackage) -> LocalPackage:
    return LocalPackage(original.root, original.descriptor_path, meta)


@pytest.fixture
def pkg(full_package: Path) -> LocalPackage:
    return load_package(full_package)


@pytest.mark.parametrize("prop", [p for p in PROPERTIES if p.term], ids=lambda p: f"{p.level.value}.{p.key}")
def test_every_written_property_comes_back(prop: Property, pkg: LocalPackage, settings: Settings) -> None:
    ttl = serialize(package_graph(pkg, settings, include_data=False), "turtle")
    meta = package_metadata_from_rdf(ttl, "turtle", settings=settings)
    if prop.level is Level.PACKAGE:
        expected, _ = effective_value(prop, pkg.descriptor, settings)
        assert _canonical(prop, meta.get(prop.key)) == _canonical(prop, expected)
        return
    back = {r["name"]: r for r in meta["resources"]}
    for res in pkg.resources():
        expected, _ = effective_value(prop, res, settings, package=pkg.descriptor)
        got = back[res["name"]].get(prop.key)
        if got is None and prop.default == "package.licenses":
            got = meta.get("licenses")  # a resource's licence equal to the package's is the package's
        assert _canonical(prop, got) == _canonical(prop, expected), res["name"]


@pytest.mark.parametrize("fmt", ["turtle", "json-ld", "xml"])
def test_rdf_metadata_rdf_is_isomorphic(fmt: str, pkg: LocalPackage, settings: Settings) -> None:
    g1 = package_graph(pkg, settings, include_data=False)
    meta = package_metadata_from_rdf(serialize(g1, fmt), fmt, settings=settings)
    g2 = package_graph(_package_from(meta, pkg), settings, include_data=False)
    assert_isomorphic(g1, g2)


def test_without_settings_the_publisher_comes_back_whole(pkg: LocalPackage, settings: Settings) -> None:
    g1 = package_graph(pkg, settings, include_data=False)
    meta = package_metadata_from_rdf(g1)  # a graph is accepted as is; no opendata.yaml known
    assert meta["publisher"] == {"code": "082112", "name": "常総市"}
    assert_isomorphic(g1, package_graph(_package_from(meta, pkg), settings, include_data=False))
    # and with no configuration at all, the dataset's own description is the same
    g3 = package_graph(_package_from(meta, pkg), None, base_url=BASE, include_data=False)
    ds = URIRef(f"{BASE}dataset/full")
    assert set(g1.triples((ds, None, None))) == set(g3.triples((ds, None, None)))


def test_paths_are_package_relative_and_urls_stay_urls(pkg: LocalPackage, settings: Settings) -> None:
    meta = package_metadata_from_rdf(package_graph(pkg, settings))
    assert [r["path"] for r in meta["resources"]] == ["data/notes.csv", "data/stats.csv", "data/towns.csv"]
    assert {s["path"] for s in meta["sources"]} == {"sources/toukei.txt", "https://www.city.joso.lg.jp/jumin/"}


def test_a_resource_licence_that_differs_stays_on_the_resource(pkg: LocalPackage, settings: Settings) -> None:
    meta = package_metadata_from_rdf(package_graph(pkg, settings))
    assert meta["licenses"][0]["name"] == "PDL-1.0"
    notes = next(r for r in meta["resources"] if r["name"] == "notes")
    assert notes["licenses"][0]["name"] == "CC-BY-4.0"
    assert "licenses" not in next(r for r in meta["resources"] if r["name"] == "towns")


def test_picks_a_dataset_by_identifier_in_a_catalog(tmp_path: Path, pkg: LocalPackage, eval_package: Path,
                                                    settings: Settings) -> None:
    g = catalog_graph([pkg, eval_package], settings)
    with pytest.raises(InputError):
        package_metadata_from_rdf(g)
    assert package_metadata_from_rdf(g, dataset="full", settings=settings)["title"] == "全項目のデータ"


def test_a_foreign_dcat_description(settings: Settings) -> None:
    # DCAT-AP as another portal writes it: blank nodes, plain literals, a literal format
    ttl = """
    @prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
    @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    <http://example.org/ds/1> a dcat:Dataset ; dct:title "Population" ; dct:description "Counts" ;
        dct:identifier "pop" ; dcat:keyword "population" ; dct:issued "2020-01-01"^^xsd:date ;
        dct:temporal [ a dct:PeriodOfTime ; dcat:startDate "2019-01-01"^^xsd:date ] ;
        dcat:distribution [ a dcat:Distribution ; dcat:downloadURL <http://example.org/f.csv> ;
                            dct:format "CSV" ; dct:license <https://creativecommons.org/licenses/by/4.0/> ] .
    """
    meta = package_metadata_from_rdf(ttl, "turtle")
    assert meta["title"] == "Population" and meta["name"] == "pop" and meta["keywords"] == ["population"]
    assert meta["temporal"] == {"start": "2019-01-01"}
    assert meta["licenses"][0]["name"] == "CC-BY-4.0"
    assert meta["resources"][0]["path"] == "http://example.org/f.csv"
    assert meta["resources"][0]["format"] == "CSV"
    assert meta["resources"][0]["name"] == "resource-1"


def test_unknown_formats_and_licences_survive(tmp_path: Path, settings: Settings) -> None:
    pkg = load_package(build_full(tmp_path / "p", licenses=[{"path": "https://example.org/licence", "title": "独自"}]))
    desc = dict(pkg.descriptor)
    desc["resources"] = [dict(r, format="sqlite") for r in desc["resources"]]
    odd = LocalPackage(pkg.root, pkg.descriptor_path, desc)
    g1 = package_graph(odd, settings, include_data=False)
    meta = package_metadata_from_rdf(g1, settings=settings)
    assert meta["licenses"] == [{"path": "https://example.org/licence", "title": "独自"}]
    assert {r["format"] for r in meta["resources"]} == {"sqlite"}
    assert_isomorphic(g1, package_graph(_package_from(meta, odd), settings, include_data=False))


def test_not_rdf_is_an_error() -> None:
    with pytest.raises(Exception):  # noqa: B017 - rdflib's parser errors vary by format
        package_metadata_from_rdf("this is not turtle", "turtle")
    with pytest.raises(ValueError):
        package_metadata_from_rdf("", "n3-star")


def test_graph_input_is_not_modified(pkg: LocalPackage, settings: Settings) -> None:
    g = package_graph(pkg, settings)
    before = len(g)
    package_metadata_from_rdf(g)
    assert len(g) == before and isinstance(g, Graph)
