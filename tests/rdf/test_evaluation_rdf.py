"""Evaluation data in our vocabulary: one node per row, IRIs from the contract's ids, a Data Cube."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, QB, RDF, XSD

from opendata_pub.config import Settings
from opendata_pub.packaging.writer import build_package
from opendata_pub.rdf import package_graph
from opendata_pub.rdf.evaluation import (
    COLUMNS,
    add_evaluation_data,
    is_evaluation_package,
)
from opendata_pub.rdf.iris import segment
from opendata_pub.rdf.namespaces import DCAT, EVAL
from tests.rdf.conftest import BASE, EID, EVAL_METADATA, build_evaluation, eval_tables

DS = URIRef(f"{BASE}dataset/kiyose-seisaku-hyoka-2020")
E = URIRef(f"{DS}/evaluation/{EID}")


@pytest.fixture
def g(eval_package: Path, settings: Settings) -> Graph:
    return package_graph(eval_package, settings)


def test_evaluation_node(g: Graph) -> None:
    assert (DS, EVAL.hasEvaluation, E) in g
    assert (E, RDF.type, EVAL.Evaluation) in g
    assert g.value(E, DCTERMS.identifier) == Literal(EID)
    assert g.value(E, EVAL.municipalityCode) == Literal("132217")
    assert g.value(E, EVAL.municipalityName) == Literal("清瀬市", lang="ja")
    assert g.value(E, EVAL.fiscalYear) == Literal(2020)
    assert g.value(E, EVAL.fiscalYearLabel) == Literal("令和2年度", lang="ja")
    assert g.value(E, EVAL.level) == EVAL["level-policy"]
    assert g.value(E, EVAL.grade) == EVAL["grade-on-track"]
    assert g.value(E, EVAL.policyCode) == Literal("513")


def test_programs_costs_indicators_challenges_narratives(g: Graph) -> None:
    p1 = URIRef(f"{DS}/program/{EID}-p1")
    assert set(g.objects(E, EVAL.hasProgram)) == {p1, URIRef(f"{DS}/program/{EID}-p2")}
    assert g.value(p1, EVAL.programName) == Literal("広報事業", lang="ja")
    assert g.value(p1, EVAL.directionNo) == Literal(1)
    costs = set(g.objects(E, EVAL.hasCost))
    # without a cost_id column, the key packaging.evaluation would build
    assert costs == {URIRef(f"{DS}/cost/{EID}-p1-2020-settlement-total"),
                     URIRef(f"{DS}/cost/{EID}-policy-2020-budget-total")}
    c1 = URIRef(f"{DS}/cost/{EID}-p1-2020-settlement-total")
    assert g.value(c1, EVAL.program) == p1
    assert g.value(c1, EVAL.stage) == EVAL["stage-settlement"]
    assert g.value(c1, EVAL.category) == EVAL["category-total"]
    assert g.value(c1, EVAL.amountJPY) == Literal(1234000)
    assert g.value(URIRef(f"{DS}/cost/{EID}-policy-2020-budget-total"), EVAL.program) is None
    i1 = URIRef(f"{DS}/indicator/{EID}-i1")
    assert g.value(i1, EVAL.direction) == EVAL["higher-is-better"]
    assert g.value(i1, EVAL.unit) == Literal("件", lang="ja")
    ch = URIRef(f"{E}/challenge/1")
    assert g.value(ch, EVAL.challengeText) == Literal("情報発信の強化", lang="ja")
    # narratives without narrative_no are numbered in print order
    assert g.value(URIRef(f"{E}/narrative/2"), EVAL.heading) == Literal("総評", lang="ja")


def test_indicator_values_are_a_data_cube(g: Graph) -> None:
    cube = URIRef(f"{E}/indicator-values")
    assert g.value(E, EVAL.indicatorValues) == cube
    assert (cube, RDF.type, QB.DataSet) in g
    assert g.value(cube, QB.structure) == EVAL.indicatorValueStructure
    obs = URIRef(f"{DS}/indicator/{EID}-i1/2020")
    assert (obs, RDF.type, QB.Observation) in g and (obs, RDF.type, EVAL.IndicatorValue) in g
    assert g.value(obs, QB.dataSet) == cube
    assert g.value(obs, EVAL.indicator) == URIRef(f"{DS}/indicator/{EID}-i1")
    assert g.value(obs, EVAL.fiscalYear) == Literal(2020)
    assert g.value(obs, EVAL.achievementRate) == Literal("87.4", datatype=XSD.decimal)
    assert g.value(obs, EVAL.target) == Literal("100000.0", datatype=XSD.decimal)
    assert g.value(obs, EVAL.unit) == Literal("件", lang="ja")  # the unit as an attribute
    assert g.value(obs, EVAL.note) == Literal("※1 推計値", lang="ja")
    empty = URIRef(f"{DS}/indicator/{EID}-i1/2019")
    assert g.value(empty, EVAL.target) is None  # an empty cell is no triple, never 0


def test_the_structure_definition_is_in_the_vocabulary() -> None:
    from opendata_pub.rdf.vocab import vocab_graph

    v = vocab_graph()
    assert (EVAL.indicatorValueStructure, RDF.type, QB.DataStructureDefinition) in v
    dims = {v.value(c, QB.dimension) for c in v.objects(EVAL.indicatorValueStructure, QB.component)} - {None}
    measures = {v.value(c, QB.measure) for c in v.objects(EVAL.indicatorValueStructure, QB.component)} - {None}
    attrs = {v.value(c, QB.attribute) for c in v.objects(EVAL.indicatorValueStructure, QB.component)} - {None}
    assert dims == {EVAL.indicator, EVAL.fiscalYear}
    assert measures == {EVAL.target, EVAL.actual, EVAL.achievementRate}
    assert attrs == {EVAL.unit, EVAL.note}


def test_no_data_option_leaves_the_evaluation_out(eval_package: Path, settings: Settings) -> None:
    g = package_graph(eval_package, settings, include_data=False)
    assert not list(g.subjects(RDF.type, EVAL.Evaluation))
    assert (DS, RDF.type, DCAT.Dataset) in g


def test_a_code_outside_its_scheme_stays_a_literal(tmp_path: Path, settings: Settings) -> None:
    tables = eval_tables()
    tables["evaluations"][0]["grade"] = "概ね順調"
    tables["costs"][0]["stage"] = "決算"
    g = package_graph(build_evaluation(tmp_path / "k", tables), settings)
    assert g.value(E, EVAL.grade) == Literal("概ね順調", lang="ja")
    assert g.value(URIRef(f"{DS}/cost/" + segment(f"{EID}-p1-2020-決算-total")), EVAL.stage) == Literal("決算")


def test_not_an_evaluation_package(full_package: Path, settings: Settings) -> None:
    from opendata_pub.packaging.package import load_package

    assert not is_evaluation_package(load_package(full_package).descriptor)
    assert not list(package_graph(full_package, settings).subjects(RDF.type, EVAL.Evaluation))


def test_the_real_evaluation_layout_of_the_package_builder(tmp_path: Path, settings: Settings) -> None:
    # packaging.evaluation's resources (the contract's columns and extra ones) give the same kind of graph
    from opendata_pub.packaging.evaluation import evaluation_resources, table_columns

    tables = eval_tables()
    for name, rows in tables.items():
        cols = table_columns(name)
        tables[name] = [{c: row.get(c) for c in cols} for row in rows]
    for i, row in enumerate(tables["narratives"], start=1):
        row.update(narrative_no=i, kind="text")
    for row in tables["programs"]:
        row["program_no"] = int(row["program_id"].rsplit("p", 1)[1])
    for row in tables["costs"]:
        scope = row["program_id"].rsplit("-", 1)[1] if row["program_id"] else "policy"
        row["cost_id"] = f"{EID}-{scope}-{row['fiscal_year']}-{row['stage']}-{row['category']}"
    for row in tables["indicators"]:
        row["direction"] = "higher_is_better"
    for row in tables["indicator_values"]:
        row["evaluation_id"] = EID
    root = tmp_path / "real"
    build_package(root, dict(EVAL_METADATA), evaluation_resources(), tables)
    g = package_graph(root, settings)
    assert g.value(E, EVAL.grade) == EVAL["grade-on-track"]
    assert g.value(URIRef(f"{E}/narrative/1"), EVAL.narrativeKind) == EVAL["narrative-text"]
    assert g.value(URIRef(f"{DS}/program/{EID}-p2"), EVAL.programNo) == Literal(2)
    from opendata_pub.packaging.package import load_package
    from opendata_pub.validation.shacl import check_shacl

    assert [f.message for f in check_shacl(load_package(root), settings, file="x").findings] == []


def test_add_evaluation_data_takes_rows_directly() -> None:
    g = Graph()
    add_evaluation_data(g, DS, {"evaluations": [{"evaluation_id": "x-1", "fiscal_year": "2021",
                                                   "municipality_code": "132217"}],
                                "indicator_values": [{"indicator_id": "x-1-i1", "fiscal_year": 2021,
                                                      "actual": "12.50", "evaluation_id": "x-1"}]})
    assert g.value(URIRef(f"{DS}/evaluation/x-1"), EVAL.fiscalYear) == Literal(2021)
    assert g.value(URIRef(f"{DS}/indicator/x-1-i1/2021"), EVAL.actual) == Literal("12.50", datatype=XSD.decimal)


def test_columns_cover_the_contract() -> None:
    contract = {
        "evaluations": {"evaluation_id", "municipality_code", "municipality_name", "fiscal_year",
                        "fiscal_year_label", "level", "policy_code", "policy_name", "lead_department",
                        "lead_section", "grade", "grade_reason"},
        "programs": {"program_id", "program_name", "direction_no", "section"},
        "costs": {"fiscal_year", "stage", "category", "amount_jpy"},
        "indicators": {"indicator_id", "indicator_no", "name", "unit", "method", "section"},
        "indicator_values": {"fiscal_year", "target", "actual", "achievement_rate", "note"},
        "challenges": {"challenge_no", "challenge", "next_action"},
        "narratives": {"heading", "text"},
    }
    for table, columns in contract.items():
        assert columns <= {c.name for c in COLUMNS[table]}, table  # links (FKs) are written as links


def test_decimal_literals_keep_their_digits() -> None:
    g = Graph()
    add_evaluation_data(g, DS, {"indicator_values": [
        {"indicator_id": "i", "fiscal_year": 2020, "target": Decimal("68.0"), "actual": Decimal("1E+3")}]})
    o = URIRef(f"{DS}/indicator/i/2020")
    assert str(g.value(o, EVAL.target)) == "68.0"
    assert str(g.value(o, EVAL.actual)) == "1000.0"
