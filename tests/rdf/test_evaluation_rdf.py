"""Evaluation data in our vocabulary: one node per row, IRIs from the contract's ids, a Data Cube."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

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
from tests.rdf.conftest import BASE, EID, EVAL_METADATA, build_evaluation, eval_resources, eval_tables

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


# --- the 事務事業評価 workbook's columns and tables (issue 11) ------------------------------------------

PID = f"{EID}-p1"

# Columns the contract gained for the row-per-program workbook, by table: (name, Table Schema type).
_NEW_FIELDS: dict[str, list[tuple[str, str]]] = {
    "evaluations": [("policy_area_code", "string"), ("policy_area_name", "string"),
                    ("basic_program_code", "string"), ("basic_program_name", "string"),
                    ("reform_direction", "string"), ("contact_team", "string"), ("contact_manager", "string"),
                    ("contact_person", "string"), ("contact_phone", "string"), ("contact_extension", "string")],
    "programs": [("program_code", "string")],
    "indicators": [("kind", "string"), ("indicator_code", "string")],
    "staffing": [("evaluation_id", "string"), ("program_id", "string"), ("fiscal_year", "integer"),
                 ("stage", "string"), ("staff_count", "number"), ("work_hours", "number"),
                 ("staffing_id", "string"), ("source_line", "integer")],
    "assessments": [("evaluation_id", "string"), ("assessment_id", "string"), ("assessment_no", "integer"),
                    ("criterion", "string"), ("grade", "string"), ("reason", "string"), ("program_id", "string"),
                    ("source_line", "integer")],
}


def _workbook_resources(grade_categories: list[Any] | None = None) -> list[dict[str, Any]]:
    resources = eval_resources()
    by_name = {r["name"]: r for r in resources}
    for table, fields in _NEW_FIELDS.items():
        if table not in by_name:
            by_name[table] = {"name": table, "path": f"data/{table}.csv", "title": table,
                              "description": f"{table} の表", "format": "csv", "mediatype": "text/csv",
                              "encoding": "utf-8", "schema": {"fields": []}}
            resources.append(by_name[table])
        by_name[table]["schema"]["fields"] += [{"name": n, "type": t} for n, t in fields]
    if grade_categories is not None:
        [grade] = [f for f in by_name["evaluations"]["schema"]["fields"] if f["name"] == "grade"]
        grade["categories"] = grade_categories
    return resources


def _workbook_tables() -> dict[str, list[dict[str, Any]]]:
    tables = eval_tables()
    tables["evaluations"][0].update(
        policy_area_code="05", policy_area_name="行政経営", basic_program_code="0513",
        basic_program_name="情報公開の推進", reform_direction="１　現状維持", contact_team="広報係",
        contact_manager="清瀬 太郎", contact_person="清瀬 花子", contact_phone="042-492-5111",
        contact_extension="0321")
    tables["programs"][0]["program_code"] = "0086"
    tables["programs"][1]["program_code"] = None  # an empty new cell: no triple
    tables["costs"].append({"evaluation_id": EID, "program_id": PID, "fiscal_year": 2020, "stage": "settlement",
                            "category": "national_subsidy", "amount_jpy": 500000})
    tables["indicators"][0].update(kind="outcome", indicator_code="サ")
    tables["staffing"] = [
        {"evaluation_id": EID, "program_id": PID, "fiscal_year": 2020, "stage": "settlement",
         "staff_count": Decimal("1.5"), "work_hours": Decimal(2400), "staffing_id": f"{PID}-2020-settlement",
         "source_line": 9},
        {"evaluation_id": EID, "program_id": None, "fiscal_year": 2021, "stage": "budget",
         "staff_count": None, "work_hours": Decimal(100), "staffing_id": f"{EID}-policy-2021-budget",
         "source_line": 10}]
    tables["assessments"] = [
        {"evaluation_id": EID, "assessment_id": f"{EID}-a1", "assessment_no": 1, "criterion": "政策体系との整合性",
         "grade": "結びついている", "reason": "施策の意図に直結する", "program_id": PID, "source_line": 11},
        {"evaluation_id": EID, "assessment_id": f"{EID}-a2", "assessment_no": 2, "criterion": "公共関与の妥当性",
         "grade": "妥当である", "reason": None, "program_id": None, "source_line": 12}]
    return tables


def _build_workbook(root: Path, tables: dict[str, list[dict[str, Any]]] | None = None,
                    grade_categories: list[Any] | None = None) -> Path:
    build_package(root, dict(EVAL_METADATA), _workbook_resources(grade_categories), tables or _workbook_tables())
    return root


def test_every_new_column_and_table_becomes_triples(tmp_path: Path, settings: Settings) -> None:
    g = package_graph(_build_workbook(tmp_path / "wb"), settings)
    assert g.value(E, EVAL.policyAreaCode) == Literal("05")
    assert g.value(E, EVAL.policyAreaName) == Literal("行政経営", lang="ja")
    assert g.value(E, EVAL.basicProgramCode) == Literal("0513")
    assert g.value(E, EVAL.basicProgramName) == Literal("情報公開の推進", lang="ja")
    assert g.value(E, EVAL.reformDirection) == Literal("１　現状維持", lang="ja")
    assert g.value(E, EVAL.contactTeam) == Literal("広報係", lang="ja")
    assert g.value(E, EVAL.contactManager) == Literal("清瀬 太郎", lang="ja")
    assert g.value(E, EVAL.contactPerson) == Literal("清瀬 花子", lang="ja")
    assert g.value(E, EVAL.contactPhone) == Literal("042-492-5111")
    assert g.value(E, EVAL.contactExtension) == Literal("0321")  # zeros kept
    p1, p2 = URIRef(f"{DS}/program/{PID}"), URIRef(f"{DS}/program/{EID}-p2")
    assert g.value(p1, EVAL.programCode) == Literal("0086")
    assert g.value(p2, EVAL.programCode) is None
    subsidy = URIRef(f"{DS}/cost/{PID}-2020-settlement-national_subsidy")  # no cost_id column: the derived key
    assert g.value(subsidy, EVAL.category) == EVAL["category-national-subsidy"]
    i1 = URIRef(f"{DS}/indicator/{EID}-i1")
    assert g.value(i1, EVAL.indicatorKind) == EVAL["indicator-outcome"]
    assert g.value(i1, EVAL.indicatorCode) == Literal("サ")
    s1, s2 = URIRef(f"{DS}/staffing/{PID}-2020-settlement"), URIRef(f"{DS}/staffing/{EID}-policy-2021-budget")
    assert set(g.objects(E, EVAL.hasStaffing)) == {s1, s2}
    assert (s1, RDF.type, EVAL.StaffingEntry) in g
    assert g.value(s1, DCTERMS.identifier) == Literal(f"{PID}-2020-settlement")
    assert g.value(s1, EVAL.program) == p1 and g.value(s2, EVAL.program) is None
    assert g.value(s1, EVAL.fiscalYear) == Literal(2020)
    assert g.value(s1, EVAL.stage) == EVAL["stage-settlement"]
    assert g.value(s1, EVAL.staffCount) == Literal("1.5", datatype=XSD.decimal)
    assert g.value(s1, EVAL.workHours) == Literal("2400.0", datatype=XSD.decimal)
    assert g.value(s2, EVAL.staffCount) is None
    a1, a2 = URIRef(f"{DS}/assessment/{EID}-a1"), URIRef(f"{DS}/assessment/{EID}-a2")
    assert set(g.objects(E, EVAL.hasAssessment)) == {a1, a2}
    assert (a1, RDF.type, EVAL.Assessment) in g
    assert g.value(a1, DCTERMS.identifier) == Literal(f"{EID}-a1")
    assert g.value(a1, EVAL.assessmentNo) == Literal(1)
    assert g.value(a1, EVAL.criterion) == Literal("政策体系との整合性", lang="ja")
    assert g.value(a1, EVAL.assessmentGrade) == Literal("結びついている", lang="ja")
    assert g.value(a1, EVAL.assessmentReason) == Literal("施策の意図に直結する", lang="ja")
    assert g.value(a1, EVAL.program) == p1
    assert g.value(a2, EVAL.assessmentReason) is None and g.value(a2, EVAL.program) is None


def test_the_new_nodes_conform_to_the_shapes(tmp_path: Path, settings: Settings) -> None:
    from opendata_pub.packaging.package import load_package
    from opendata_pub.validation.shacl import check_shacl

    out = check_shacl(load_package(_build_workbook(tmp_path / "wb")), settings, file="x")
    assert [f.message for f in out.findings] == []


def test_bad_new_cells_are_reported_with_their_column(tmp_path: Path, settings: Settings) -> None:
    from opendata_pub.packaging.package import load_package
    from opendata_pub.validation.shacl import check_shacl

    tables = _workbook_tables()
    tables["indicators"][0]["kind"] = "成果"
    tables["staffing"][0]["stage"] = "決算"
    tables["assessments"][1]["criterion"] = None
    out = check_shacl(load_package(_build_workbook(tmp_path / "wb", tables)), settings, file="x")
    where = {(f.code, f.where.file.rsplit("/", 1)[-1], f.where.row, f.where.field) for f in out.findings}
    assert where == {
        ("shacl-violation", "indicators.csv", 2, "kind"),
        ("shacl-violation", "staffing.csv", 2, "stage"),
        ("shacl-violation", "assessments.csv", 3, "criterion"),
    }


def test_staffing_and_assessment_rows_without_their_id_get_the_packagers_key() -> None:
    g = Graph()
    add_evaluation_data(g, DS, {
        "staffing": [{"evaluation_id": EID, "program_id": PID, "fiscal_year": 2020, "stage": "budget",
                      "staff_count": 2}],
        "assessments": [{"evaluation_id": EID, "assessment_no": 3, "criterion": "成果の向上余地"}]})
    assert g.value(URIRef(f"{DS}/staffing/{PID}-2020-budget"), DCTERMS.identifier) == Literal(f"{PID}-2020-budget")
    assert g.value(URIRef(f"{DS}/assessment/{EID}-a3"), DCTERMS.identifier) == Literal(f"{EID}-a3")


# --- a publisher's own grade scale -----------------------------------------------------------------------

def _grade_findings(root: Path, settings: Settings) -> list[Any]:
    from opendata_pub.packaging.package import load_package
    from opendata_pub.validation.shacl import check_shacl

    return check_shacl(load_package(root), settings, file="x").findings


@pytest.mark.parametrize("categories", [
    ["A", "B", "C", "D"],
    [{"value": "A", "label": "A（順調）"}, {"value": "B", "label": "B"}, {"value": "C"}, {"value": "D"}],
])
def test_a_grade_in_a_declared_scale_is_a_concept_of_it(tmp_path: Path, settings: Settings,
                                                        categories: list[Any]) -> None:
    from rdflib.namespace import SKOS

    tables = _workbook_tables()
    tables["evaluations"][0]["grade"] = "B"
    root = _build_workbook(tmp_path / "wb", tables, categories)
    g = package_graph(root, settings)
    scheme, b = URIRef(f"{DS}/grade-scale"), URIRef(f"{DS}/grade-scale/B")
    assert g.value(E, EVAL.grade) == b
    assert (scheme, RDF.type, SKOS.ConceptScheme) in g
    assert set(g.objects(scheme, SKOS.hasTopConcept)) == {URIRef(f"{DS}/grade-scale/{v}") for v in "ABCD"}
    assert (b, RDF.type, SKOS.Concept) in g and g.value(b, SKOS.inScheme) == scheme
    assert g.value(b, SKOS.notation) == Literal("B")
    a_label = "A（順調）" if isinstance(categories[0], dict) else "A"
    assert g.value(URIRef(f"{DS}/grade-scale/A"), SKOS.prefLabel) == Literal(a_label, lang="ja")
    assert [f.message for f in _grade_findings(root, settings)] == []


def test_a_grade_outside_the_declared_scale_is_reported(tmp_path: Path, settings: Settings) -> None:
    tables = _workbook_tables()
    tables["evaluations"][0]["grade"] = "順調"  # the default scale's word, not in this publisher's scale
    root = _build_workbook(tmp_path / "wb", tables, ["達成", "概ね達成", "未達成"])
    assert package_graph(root, settings).value(E, EVAL.grade) == Literal("順調", lang="ja")
    [f] = _grade_findings(root, settings)
    assert f.code == "shacl-warning" and f.params["path"] == "eval:grade"
    assert (f.where.file.rsplit("/", 1)[-1], f.where.row, f.where.field) == ("evaluations.csv", 2, "grade")


def test_the_default_scale_declared_keeps_our_concepts(tmp_path: Path, settings: Settings) -> None:
    root = _build_workbook(tmp_path / "wb", None, ["順調", "維持", "停滞"])
    g = package_graph(root, settings)
    assert g.value(E, EVAL.grade) == EVAL["grade-on-track"]
    assert not list(g.subjects(None, URIRef(f"{DS}/grade-scale")))


def test_a_grade_outside_the_default_scale_is_still_reported(tmp_path: Path, settings: Settings) -> None:
    tables = _workbook_tables()
    tables["evaluations"][0]["grade"] = "A"
    [f] = _grade_findings(_build_workbook(tmp_path / "wb", tables), settings)
    assert f.code == "shacl-warning" and f.where.field == "grade"


# --- the repository's packages keep their graphs -------------------------------------------------------------

REPOSITORY = Path(__file__).resolve().parents[2]
REPOSITORY_PACKAGES = ("joso-jimu-jigyo-hyoka-2020", "kiyose-seisaku-hyoka-2020", "koto-seisaku-hyoka-2022")


@pytest.mark.parametrize("name", REPOSITORY_PACKAGES)
def test_repository_packages_keep_their_evaluation_graph(name: str) -> None:
    # golden/repository/*.nt: the evaluation part (nodes under the dataset IRI but its distributions)
    # of the graphs before the contract grew; new empty columns must add no triple.
    from opendata_pub.config import load_config
    from tests.rdf.conftest import assert_isomorphic

    g = package_graph(REPOSITORY / "datapackages" / name, load_config(REPOSITORY / "opendata.yaml"))
    [ds] = g.subjects(RDF.type, DCAT.Dataset)
    part = Graph()
    for s, p, o in g:
        inside = str(s).startswith(f"{ds}/") and not str(s).startswith(f"{ds}/resource/")
        if inside or p == EVAL.hasEvaluation:
            part.add((s, p, o))
    expected = Graph().parse(Path(__file__).parent / "golden" / "repository" / f"{name}.nt", format="nt")
    assert_isomorphic(expected, part)
