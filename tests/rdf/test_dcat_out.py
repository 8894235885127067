"""DCAT-AP 3 for a package: golden graphs, each mapping of the property table, IRIs and defaults."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, SKOS, XSD

from opendata_pub.config import Settings
from opendata_pub.errors import UsageError
from opendata_pub.metadata.properties import (
    PROPERTIES,
    Level,
    package_properties,
    resource_properties,
)
from opendata_pub.packaging.package import load_package
from opendata_pub.rdf import catalog_graph, package_graph, serialize
from opendata_pub.rdf.dcat_out import term_iri
from opendata_pub.rdf.namespaces import DCAT, EVAL, SPDX, VCARD
from opendata_pub.rdf.values import KIND_SHAPES, TERM_SHAPES
from tests.rdf.conftest import (
    BASE,
    CONFIG,
    assert_isomorphic,
    build_evaluation,
    build_full,
    eval_tables,
    settings_for,
)

GOLDEN = Path(__file__).parent / "golden"
DS = URIRef(f"{BASE}dataset/full")
TOWNS = URIRef(f"{DS}/resource/towns")
NOTES = URIRef(f"{DS}/resource/notes")


def _golden(name: str, graph: Graph) -> None:
    path = GOLDEN / name
    if os.environ.get("OPENDATA_PUB_UPDATE_GOLDEN") == "1":
        path.write_text(serialize(graph, "turtle"), encoding="utf-8")
    expected = Graph().parse(data=path.read_text(encoding="utf-8"), format="turtle")
    assert_isomorphic(expected, graph)


def test_full_package_matches_golden(full_package: Path, settings: Settings) -> None:
    _golden("full.ttl", package_graph(full_package, settings))


def test_evaluation_package_matches_golden(eval_package: Path, settings: Settings) -> None:
    _golden("evaluation.ttl", package_graph(eval_package, settings))


def test_same_package_same_graph(tmp_path: Path, settings: Settings) -> None:
    a = package_graph(build_full(tmp_path / "a" / "full"), settings)
    b = package_graph(build_full(tmp_path / "b" / "full"), settings)
    assert_isomorphic(a, b)
    assert serialize(a, "turtle") == serialize(b, "turtle")


def test_no_blank_nodes(full_package: Path, eval_package: Path, settings: Settings) -> None:
    for pkg in (full_package, eval_package):
        g = package_graph(pkg, settings)
        assert not [t for t in g if any(isinstance(x, BNode) for x in t)]


# --- the mapping is the property table's -----------------------------------------------------------------

def test_every_term_of_the_table_has_a_shape() -> None:
    terms = {p.term for p in PROPERTIES if p.term}
    assert set(TERM_SHAPES) <= terms, "TERM_SHAPES names a term the property table does not have"
    for p in PROPERTIES:
        if p.term:
            assert p.term in TERM_SHAPES or p.kind in KIND_SHAPES, p


def test_dataset_and_distribution_predicates_are_the_tables_terms(full_package: Path, settings: Settings) -> None:
    g = package_graph(full_package, settings, include_data=False)
    inherited = {p.key for p in package_properties() if any(r.default == f"package.{p.key}" for r in resource_properties())}
    dataset_terms = {term_iri(p.term) for p in package_properties() if p.term and p.key not in inherited}
    assert set(g.predicates(DS, None)) == dataset_terms | {RDF.type, DCAT.distribution}
    resource_terms = {term_iri(p.term) for p in resource_properties() if p.term}
    # the resource path gives dcat:accessURL too (mandatory in DCAT-AP)
    assert set(g.predicates(TOWNS, None)) == resource_terms | {RDF.type, DCAT.accessURL}


# --- each value kind ------------------------------------------------------------------------------------

@pytest.fixture
def g(full_package: Path, settings: Settings) -> Graph:
    return package_graph(full_package, settings)


def test_catalog_is_operated_by_the_operator_datasets_keep_their_publisher(g: Graph) -> None:
    cat = URIRef(f"{BASE}catalog")
    assert (cat, RDF.type, DCAT.Catalog) in g
    assert (cat, DCAT.dataset, DS) in g
    assert g.value(cat, DCTERMS.publisher) == URIRef(f"{BASE}publisher/132217")
    assert g.value(DS, DCTERMS.publisher) == URIRef(f"{BASE}publisher/082112")
    agent = URIRef(f"{BASE}publisher/082112")
    assert (agent, RDF.type, FOAF.Agent) in g
    assert g.value(agent, FOAF.name) == Literal("常総市", lang="ja")
    assert g.value(agent, DCTERMS.identifier) == Literal("082112")
    assert g.value(agent, DCTERMS.type) == URIRef("http://purl.org/adms/publishertype/LocalAuthority")


def test_titles_descriptions_keywords_are_japanese(g: Graph) -> None:
    assert g.value(DS, DCTERMS.title) == Literal("全項目のデータ", lang="ja")
    assert g.value(DS, DCTERMS.description) == Literal("プロパティ表のすべての項目を持つパッケージ", lang="ja")
    assert set(g.objects(DS, DCAT.keyword)) == {Literal("人口", lang="ja"), Literal("団体", lang="ja")}
    assert g.value(TOWNS, DCTERMS.title) == Literal("団体一覧", lang="ja")


def test_distribution_urls_media_type_format_size_checksum(full_package: Path, g: Graph) -> None:
    url = URIRef(f"{BASE}full/data/towns.csv")
    assert g.value(TOWNS, DCAT.downloadURL) == url
    assert g.value(TOWNS, DCAT.accessURL) == url
    mt = URIRef("https://www.iana.org/assignments/media-types/text/csv")
    assert g.value(TOWNS, DCAT.mediaType) == mt and (mt, RDF.type, DCTERMS.MediaType) in g
    ft = URIRef("http://publications.europa.eu/resource/authority/file-type/CSV")
    assert g.value(TOWNS, DCTERMS.format) == ft
    assert g.value(ft, SKOS.inScheme) == URIRef("http://publications.europa.eu/resource/authority/file-type")
    res = load_package(full_package).resources()[0]
    assert g.value(TOWNS, DCAT.byteSize) == Literal(res["bytes"], datatype=XSD.nonNegativeInteger)
    checksum = g.value(TOWNS, SPDX.checksum)
    assert (checksum, RDF.type, SPDX.Checksum) in g
    assert g.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
    assert g.value(checksum, SPDX.checksumValue) == Literal(res["hash"].split(":")[1], datatype=XSD.hexBinary)


def test_licence_on_distributions_inherited_or_own(g: Graph) -> None:
    pdl = URIRef("https://www.digital.go.jp/resources/open_data/public_data_license_v1.0")
    ccby = URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert list(g.objects(TOWNS, DCTERMS.license)) == [pdl]  # the package's licence
    assert list(g.objects(NOTES, DCTERMS.license)) == [ccby]  # its own
    assert (pdl, RDF.type, DCTERMS.LicenseDocument) in g
    assert g.value(pdl, DCTERMS.title) == Literal("公共データ利用規約（第1.0版）", lang="ja")
    assert not list(g.objects(DS, DCTERMS.license))  # DCAT-AP: licences are on distributions


def test_licence_and_contact_default_from_the_publisher(tmp_path: Path, settings: Settings) -> None:
    pkg = build_full(tmp_path / "p", licenses=None, contactPoint=None)
    g = package_graph(pkg, settings)
    assert g.value(TOWNS, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")  # 常総市's
    contact = g.value(DS, DCAT.contactPoint)
    assert g.value(contact, VCARD.fn) == Literal("政策企画課", lang="ja")
    assert g.value(contact, VCARD.hasTelephone) == URIRef("tel:0297-23-2111")


def test_contact_point_is_a_vcard(g: Graph) -> None:
    contact = g.value(DS, DCAT.contactPoint)
    assert contact == URIRef(f"{DS}#contact")
    assert (contact, RDF.type, VCARD.Kind) in g
    assert g.value(contact, VCARD.hasEmail) == URIRef("mailto:joho@example.lg.jp")
    assert g.value(contact, VCARD.hasURL) == URIRef("https://www.city.joso.lg.jp/joho/")


def test_spatial_is_an_estat_area_without_check_digit(g: Graph) -> None:
    areas = set(g.objects(DS, DCTERMS.spatial))
    assert areas == {URIRef("http://data.e-stat.go.jp/lod/sac/C08211"), URIRef("http://data.e-stat.go.jp/lod/sac/C13221")}
    for a in areas:
        assert (a, RDF.type, DCTERMS.Location) in g
    assert g.value(URIRef("http://data.e-stat.go.jp/lod/sac/C13221"), SKOS.prefLabel) == Literal("清瀬市", lang="ja")


def test_temporal_themes_language_frequency_dates(g: Graph) -> None:
    period = g.value(DS, DCTERMS.temporal)
    assert (period, RDF.type, DCTERMS.PeriodOfTime) in g
    assert g.value(period, DCAT.startDate) == Literal("2020-04-01", datatype=XSD.date)
    assert g.value(period, DCAT.endDate) == Literal("2021-03-31", datatype=XSD.date)
    gove = URIRef("http://publications.europa.eu/resource/authority/data-theme/GOVE")
    assert gove in set(g.objects(DS, DCAT.theme))
    assert g.value(gove, SKOS.inScheme) == URIRef("http://publications.europa.eu/resource/authority/data-theme")
    assert (gove, RDF.type, SKOS.Concept) in g and g.value(gove, SKOS.prefLabel) is not None
    langs = set(g.objects(DS, DCTERMS.language))
    assert langs == {URIRef("http://publications.europa.eu/resource/authority/language/JPN"),
                     URIRef("http://publications.europa.eu/resource/authority/language/ENG")}
    for lang in langs:
        assert g.value(lang, SKOS.inScheme) == URIRef("http://publications.europa.eu/resource/authority/language")
    annual = URIRef("http://publications.europa.eu/resource/authority/frequency/ANNUAL")
    assert g.value(DS, DCTERMS.accrualPeriodicity) == annual
    assert (annual, RDF.type, DCTERMS.Frequency) in g
    assert g.value(DS, DCTERMS.issued) == Literal("2021-10-01", datatype=XSD.date)
    assert g.value(DS, DCTERMS.modified) == Literal("2022-03-31", datatype=XSD.date)


def test_identifier_version_landing_page_conforms_provenance_sources(g: Graph) -> None:
    assert g.value(DS, DCTERMS.identifier) == Literal("full")
    assert g.value(DS, DCAT.version) == Literal("1.2.0")
    home = URIRef("https://www.city.joso.lg.jp/opendata/")
    assert g.value(DS, DCAT.landingPage) == home and (home, RDF.type, FOAF.Document) in g
    std = URIRef("https://www.digital.go.jp/resources/data_dataset")
    assert g.value(DS, DCTERMS.conformsTo) == std and (std, RDF.type, DCTERMS.Standard) in g
    prov = g.value(DS, DCTERMS.provenance)
    assert (prov, RDF.type, DCTERMS.ProvenanceStatement) in g
    sources = set(g.objects(DS, DCTERMS.source))
    assert sources == {URIRef(f"{BASE}full/sources/toukei.txt"), URIRef("https://www.city.joso.lg.jp/jumin/")}
    for s in sources:
        assert (s, RDF.type, EVAL.SourceDocument) in g
    # sources meet DCAT-AP's range (dcat:Dataset) by subclass, and are not datasets of the catalog
    assert (EVAL.SourceDocument, URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf"), DCAT.Dataset) in g
    assert set(g.subjects(RDF.type, DCAT.Dataset)) == {DS}


def test_dates_with_time_are_datetimes(tmp_path: Path, settings: Settings) -> None:
    g = package_graph(build_full(tmp_path / "p", modified="2022-03-31T09:00:00+09:00"), settings)
    assert g.value(DS, DCTERMS.modified) == Literal("2022-03-31T09:00:00+09:00", datatype=XSD.dateTime)


# --- base URL --------------------------------------------------------------------------------------------

def test_base_url_option_overrides_the_config(full_package: Path, settings: Settings) -> None:
    g = package_graph(full_package, settings, base_url="https://data.example.org/odp")
    assert (URIRef("https://data.example.org/odp/dataset/full"), RDF.type, DCAT.Dataset) in g
    assert URIRef("https://data.example.org/odp/full/data/towns.csv") in set(g.objects(None, DCAT.downloadURL))


def test_no_base_url_is_a_usage_error(full_package: Path, tmp_path: Path) -> None:
    cfg = {**CONFIG, "catalog": {k: v for k, v in CONFIG["catalog"].items() if k != "base_url"}}
    with pytest.raises(UsageError) as exc:
        package_graph(full_package, settings_for(cfg, tmp_path))
    assert exc.value.exit_code == 2 and "base_url" in (exc.value.hint or "")


def test_ids_are_percent_encoded_in_iris(tmp_path: Path, settings: Settings) -> None:
    tables = eval_tables()
    tables["programs"][0]["program_id"] = "132217-2020-513/p 1"
    tables["costs"][0]["program_id"] = "132217-2020-513/p 1"
    g = package_graph(build_evaluation(tmp_path / "k", tables), settings)
    assert (URIRef(f"{BASE}dataset/kiyose-seisaku-hyoka-2020/program/132217-2020-513%2Fp%201"), RDF.type,
            EVAL.Program) in g


# --- catalogs --------------------------------------------------------------------------------------------

def test_catalog_graph_lists_every_package(full_package: Path, eval_package: Path, settings: Settings) -> None:
    g = catalog_graph([eval_package, full_package], settings)
    cat = URIRef(f"{BASE}catalog")
    assert set(g.objects(cat, DCAT.dataset)) == {DS, URIRef(f"{BASE}dataset/kiyose-seisaku-hyoka-2020")}
    assert len(list(g.subjects(RDF.type, DCAT.Catalog))) == 1
    assert g.value(cat, DCTERMS.modified) == Literal("2022-03-31", datatype=XSD.date)  # the newest dataset
    assert not list(g.subjects(RDF.type, EVAL.Evaluation))  # metadata only by default
    assert list(catalog_graph([eval_package], settings, include_data=True).subjects(RDF.type, EVAL.Evaluation))
    # the same datasets as each package's own graph
    for pkg in (full_package, eval_package):
        single = package_graph(pkg, settings, include_data=False)
        missing = set(single) - set(g)
        assert all(s == cat for s, _, _ in missing)  # only the catalog's own dates may differ


def test_catalog_without_operator_takes_the_shared_publisher(full_package: Path, tmp_path: Path) -> None:
    cfg = {**CONFIG, "catalog": {k: v for k, v in CONFIG["catalog"].items() if k != "operator"}}
    g = package_graph(full_package, settings_for(cfg, tmp_path))
    assert g.value(URIRef(f"{BASE}catalog"), DCTERMS.publisher) == URIRef(f"{BASE}publisher/082112")


def test_levels_of_the_table_are_dataset_and_distribution() -> None:
    # the mapping relies on exactly these two levels
    assert {p.level for p in PROPERTIES} == {Level.PACKAGE, Level.RESOURCE}
