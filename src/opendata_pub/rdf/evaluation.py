"""Evaluation data in our vocabulary (``eval:``), built from the CSV rows of an evaluation package.

An evaluation package holds the nine tables of docs/evaluation-contract.md. Each row becomes one
node whose IRI is built from the row's ids under the dataset IRI (see ``iris``); indicator values
are RDF Data Cube observations (dimensions: indicator, fiscal year; measures: target, actual,
achievement rate; attributes: unit, note) in one ``qb:DataSet`` per evaluation, whose structure is
``eval:indicatorValueStructure`` (vocab/eval.ttl). Staffing and assessment rows are plain nodes
like cost rows. Codes (grade, stage, category, direction, level, narrative kind, indicator kind)
become the SKOS concepts of vocab/schemes.ttl, found by their ``skos:notation``; a code that is
not in its scheme is written as a literal, so the SHACL layer reports it.

Grades are the publisher's: when the ``grade`` field of the ``evaluations`` schema declares
``categories`` (Table Schema v2) that are not all of ``eval:grades``, the scale becomes a
``skos:ConceptScheme`` minted under the dataset (``{dataset}/grade-scale``, one concept per
category at ``{dataset}/grade-scale/{value}``), and a grade in it is that concept; a grade outside
it is a literal, as above. A scale within ``eval:grades`` (or none) keeps our concepts.

``COLUMNS`` is the one table of which column goes to which predicate; the SHACL layer reads it
backwards to name the column of a finding. Reading rows is I/O (``packaging.frictionless_io``);
building the graph is not.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, QB, RDF, SKOS, XSD

from ..errors import InputError
from ..packaging.frictionless_io import read_rows
from .iris import segment
from .namespaces import EVAL
from .terms import UnsafeTerm, literal
from .vocab import concept, scheme_concepts

__all__ = [
    "COLUMNS",
    "EVALUATION_TABLES",
    "Column",
    "RowPlace",
    "GradeScale",
    "add_evaluation_data",
    "declared_grade_scale",
    "evaluation_rows",
    "is_evaluation_package",
]

EVALUATION_TABLES: tuple[str, ...] = (
    "evaluations", "programs", "costs", "staffing", "indicators", "indicator_values", "challenges", "narratives",
    "assessments",
)

# Value kinds of a column: how its cell becomes an RDF term.
STRING = "string"  # a code or id: plain xsd:string
TEXT = "text"  # printed Japanese text: @ja
INTEGER = "integer"  # xsd:integer
DECIMAL = "decimal"  # xsd:decimal (exactly as written)


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a contract table and the predicate its cells are written with."""

    name: str
    predicate: URIRef
    kind: str | URIRef  # STRING, TEXT, INTEGER, DECIMAL, or the SKOS scheme of a code


COLUMNS: Mapping[str, tuple[Column, ...]] = {
    "evaluations": (
        Column("evaluation_id", DCTERMS.identifier, STRING),
        Column("municipality_code", EVAL.municipalityCode, STRING),
        Column("municipality_name", EVAL.municipalityName, TEXT),
        Column("fiscal_year", EVAL.fiscalYear, INTEGER),
        Column("fiscal_year_label", EVAL.fiscalYearLabel, TEXT),
        Column("level", EVAL.level, EVAL.levels),
        Column("policy_code", EVAL.policyCode, STRING),
        Column("policy_name", EVAL.policyName, TEXT),
        Column("lead_department", EVAL.leadDepartment, TEXT),
        Column("lead_section", EVAL.leadSection, TEXT),
        Column("grade", EVAL.grade, EVAL.grades),
        Column("grade_reason", EVAL.gradeReason, TEXT),
        Column("policy_area_code", EVAL.policyAreaCode, STRING),
        Column("policy_area_name", EVAL.policyAreaName, TEXT),
        Column("basic_program_code", EVAL.basicProgramCode, STRING),
        Column("basic_program_name", EVAL.basicProgramName, TEXT),
        Column("reform_direction", EVAL.reformDirection, TEXT),
        Column("contact_team", EVAL.contactTeam, TEXT),
        Column("contact_manager", EVAL.contactManager, TEXT),
        Column("contact_person", EVAL.contactPerson, TEXT),
        Column("contact_phone", EVAL.contactPhone, STRING),
        Column("contact_extension", EVAL.contactExtension, STRING),
    ),
    "programs": (
        Column("program_id", DCTERMS.identifier, STRING),
        Column("program_no", EVAL.programNo, INTEGER),
        Column("program_name", EVAL.programName, TEXT),
        Column("direction_no", EVAL.directionNo, INTEGER),
        Column("direction_name", EVAL.directionName, TEXT),
        Column("section", EVAL.section, TEXT),
        Column("department", EVAL.department, TEXT),
        Column("program_code", EVAL.programCode, STRING),
    ),
    "costs": (
        Column("cost_id", DCTERMS.identifier, STRING),
        Column("fiscal_year", EVAL.fiscalYear, INTEGER),
        Column("stage", EVAL.stage, EVAL.costStages),
        Column("category", EVAL.category, EVAL.costCategories),
        Column("amount_jpy", EVAL.amountJPY, INTEGER),
    ),
    "staffing": (
        Column("staffing_id", DCTERMS.identifier, STRING),
        Column("fiscal_year", EVAL.fiscalYear, INTEGER),
        Column("stage", EVAL.stage, EVAL.costStages),
        Column("staff_count", EVAL.staffCount, DECIMAL),
        Column("work_hours", EVAL.workHours, DECIMAL),
    ),
    "indicators": (
        Column("indicator_id", DCTERMS.identifier, STRING),
        Column("indicator_no", EVAL.indicatorNo, INTEGER),
        Column("name", EVAL.indicatorName, TEXT),
        Column("unit", EVAL.unit, TEXT),
        Column("method", EVAL.method, TEXT),
        Column("section", EVAL.section, TEXT),
        Column("direction", EVAL.direction, EVAL.directions),
        Column("direction_text", EVAL.directionText, TEXT),
        Column("description", DCTERMS.description, TEXT),
        Column("kind", EVAL.indicatorKind, EVAL.indicatorKinds),
        Column("indicator_code", EVAL.indicatorCode, STRING),
    ),
    "indicator_values": (
        Column("fiscal_year", EVAL.fiscalYear, INTEGER),
        Column("target", EVAL.target, DECIMAL),
        Column("actual", EVAL.actual, DECIMAL),
        Column("achievement_rate", EVAL.achievementRate, DECIMAL),
        Column("note", EVAL.note, TEXT),
    ),
    "challenges": (
        Column("challenge_no", EVAL.challengeNo, INTEGER),
        Column("challenge", EVAL.challengeText, TEXT),
        Column("next_action", EVAL.nextAction, TEXT),
    ),
    "narratives": (
        Column("narrative_no", EVAL.narrativeNo, INTEGER),
        Column("heading", EVAL.heading, TEXT),
        Column("text", EVAL.text, TEXT),
        Column("kind", EVAL.narrativeKind, EVAL.narrativeKinds),
        Column("section", EVAL.chapter, TEXT),
        Column("code", EVAL.printedNumber, STRING),
    ),
    "assessments": (
        Column("assessment_id", DCTERMS.identifier, STRING),
        Column("assessment_no", EVAL.assessmentNo, INTEGER),
        Column("criterion", EVAL.criterion, TEXT),
        Column("grade", EVAL.assessmentGrade, TEXT),
        Column("reason", EVAL.assessmentReason, TEXT),
    ),
}

# Link columns (foreign keys) and the predicate each is written with, for naming findings.
LINK_COLUMNS: Mapping[URIRef, str] = {
    EVAL.program: "program_id",
    EVAL.indicator: "indicator_id",
    EVAL.hasProgram: "evaluation_id",
    EVAL.hasCost: "evaluation_id",
    EVAL.hasIndicator: "evaluation_id",
    EVAL.hasChallenge: "evaluation_id",
    EVAL.hasNarrative: "evaluation_id",
    EVAL.hasStaffing: "evaluation_id",
    EVAL.hasAssessment: "evaluation_id",
    QB.dataSet: "evaluation_id",
}


@dataclass(frozen=True, slots=True)
class RowPlace:
    """Where a node came from: a row of a resource (row 1 is the header, as frictionless counts)."""

    resource: str
    row: int | None


Rows = Mapping[str, Sequence[Mapping[str, Any]]]

# A publisher's grade scale: (value as written in CSV, label) in the declared order.
GradeScale = tuple[tuple[str, str], ...]


def _category(item: Any) -> tuple[str, str] | None:
    """One Table Schema v2 category: a bare value or ``{"value": …, "label": …}``."""
    if isinstance(item, Mapping):
        value, label = item.get("value"), item.get("label")
    else:
        value, label = item, None
    if value is None or isinstance(value, bool | Mapping | list):
        return None
    return str(value), str(label) if isinstance(label, str) and label else str(value)


def _grade_field(descriptor: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The ``grade`` field of the inline schema of the ``evaluations`` resource, if any."""
    resources = descriptor.get("resources")
    res = next((r for r in (resources if isinstance(resources, list) else [])
                if isinstance(r, Mapping) and r.get("name") == "evaluations"), None)
    schema = res.get("schema") if res is not None else None
    fields = schema.get("fields") if isinstance(schema, Mapping) else None
    return next((f for f in (fields if isinstance(fields, list) else [])
                 if isinstance(f, Mapping) and f.get("name") == "grade"), None)


def declared_grade_scale(descriptor: Mapping[str, Any]) -> GradeScale | None:
    """The ``categories`` of the ``grade`` field of the ``evaluations`` schema, or None.

    None also when every category is a notation of ``eval:grades``: our concepts say the same.
    """
    field = _grade_field(descriptor)
    categories = field.get("categories") if field is not None else None
    if not isinstance(categories, list):
        return None
    scale = tuple(c for c in map(_category, categories) if c is not None)
    if not scale or {value for value, _ in scale} <= set(scheme_concepts(EVAL.grades)):
        return None
    return scale


def is_evaluation_package(descriptor: Mapping[str, Any]) -> bool:
    """True when the package has the contract's ``evaluations`` resource."""
    resources = descriptor.get("resources")
    return isinstance(resources, list) and any(
        isinstance(r, Mapping) and r.get("name") == "evaluations" for r in resources
    )


def evaluation_rows(root: Path, descriptor: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Typed rows of the contract's tables present in the package (missing tables: no rows)."""
    out: dict[str, list[dict[str, Any]]] = {}
    resources = descriptor.get("resources")
    by_name = {r.get("name"): r for r in (resources if isinstance(resources, list) else [])
               if isinstance(r, Mapping)}
    for table in EVALUATION_TABLES:
        res = by_name.get(table)
        if res is None:
            continue
        try:
            out[table] = read_rows(root, res)
        except InputError as exc:
            raise InputError(f"リソース {table} の行を読めません: {exc}", path=str(root),
                             hint="opendata-pub validate でデータの問題を確認してください") from exc
    return out


def _integer(value: Any) -> Literal:
    if isinstance(value, int) and not isinstance(value, bool):
        return Literal(value)
    try:
        return Literal(int(str(value).strip()))
    except ValueError:
        return literal(value)  # not an integer: the SHACL datatype check reports it


def _decimal(value: Any) -> Literal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        return literal(value)  # not a number: the SHACL datatype check reports it
    # The digits as written, always with a decimal point: Turtle writes an xsd:decimal "80000" as
    # 80000.0, which would read back as another literal.
    text = format(number, "f")
    return Literal(text if "." in text else f"{text}.0", datatype=XSD.decimal)


def _term(column: Column, value: Any, grades: Mapping[str, URIRef] | None = None) -> Literal | URIRef:
    """The RDF term of one cell; ``grades`` is the declared grade scale's concepts by value, if any."""
    if column.kind == STRING:
        return literal(value)
    if column.kind == TEXT:
        return literal(value, lang="ja")
    if column.kind == INTEGER:
        return _integer(value)
    if column.kind == DECIMAL:
        return _decimal(value)
    assert isinstance(column.kind, URIRef)
    if column.kind == EVAL.grades and grades is not None:
        found: URIRef | None = grades.get(str(value))
    else:
        found = concept(column.kind, str(value))
    # A code outside its scheme stays visible as a literal; the shapes' sh:in reports it.
    return found if found is not None else literal(value, lang="ja" if column.kind == EVAL.grades else None)


def _present(value: Any) -> bool:
    return value is not None and value != ""


class _Builder:
    """The graph being built, and what a row of one table needs from the rows of another."""

    def __init__(self, g: Graph, dataset: URIRef, index: dict[URIRef, RowPlace]) -> None:
        self.g, self.dataset, self.index = g, dataset, index
        self.grades: dict[str, URIRef] | None = None  # the declared grade scale's concepts by value
        self.indicator_eval: dict[str, str] = {}  # indicator_id → evaluation_id
        self.indicator_unit: dict[str, Any] = {}  # indicator_id → unit
        self.narrative_count: dict[str, int] = {}  # evaluation_id → narrative rows so far

    def node(self, *parts: str) -> URIRef:
        return URIRef(f"{self.dataset}/" + "/".join(segment(p) for p in parts))

    def evaluation(self, eid: str) -> URIRef:
        return self.node("evaluation", eid)

    def cells(self, subject: URIRef, table: str, row: Mapping[str, Any]) -> None:
        for column in COLUMNS[table]:
            value = row.get(column.name)
            if _present(value):
                try:
                    term = _term(column, value, self.grades)
                except UnsafeTerm as exc:
                    raise exc.located(None, f"{table}: row {row.get('__row__')}, field {column.name}") from None
                self.g.add((subject, column.predicate, term))

    def grade_scale(self, scale: GradeScale) -> None:
        """Mint the publisher's grade scale as a concept scheme under the dataset."""
        scheme = self.node("grade-scale")
        self.g.add((scheme, RDF.type, SKOS.ConceptScheme))
        # dct:title and skos:prefLabel: what the DCAT-AP shapes ask of any scheme and concept
        self.g.add((scheme, DCTERMS.title, Literal("評価の区分", lang="ja")))
        self.g.add((scheme, SKOS.prefLabel, Literal("評価の区分", lang="ja")))
        self.index.setdefault(scheme, RowPlace("evaluations", None))
        self.grades = {}
        for value, label in scale:
            c = self.node("grade-scale", value)
            self.grades[value] = c
            self.g.add((c, RDF.type, SKOS.Concept))
            self.g.add((c, SKOS.inScheme, scheme))
            self.g.add((c, SKOS.topConceptOf, scheme))
            self.g.add((scheme, SKOS.hasTopConcept, c))
            self.g.add((c, SKOS.notation, literal(value)))
            self.g.add((c, SKOS.prefLabel, literal(label, lang="ja")))
            self.index.setdefault(c, RowPlace("evaluations", None))

    def place(self, subject: URIRef, table: str, row: Mapping[str, Any]) -> None:
        self.index.setdefault(subject, RowPlace(table, row.get("__row__")))

    def link_program(self, subject: URIRef, row: Mapping[str, Any]) -> None:
        if _present(row.get("program_id")):
            self.g.add((subject, EVAL.program, self.node("program", str(row["program_id"]))))

    # One method per table, each adding the node of one row. A row without the ids its IRI is built
    # from gives no node; the data layer reports the missing key.

    def evaluation_row(self, row: Mapping[str, Any]) -> None:
        eid = row.get("evaluation_id")
        if not _present(eid):
            return
        e = self.evaluation(str(eid))
        self.g.add((self.dataset, EVAL.hasEvaluation, e))
        self.g.add((e, RDF.type, EVAL.Evaluation))
        self.cells(e, "evaluations", row)
        # One Data Cube data set per evaluation, even before any value: consumers find it by link.
        cube = self.node("evaluation", str(eid), "indicator-values")
        self.g.add((e, EVAL.indicatorValues, cube))
        self.g.add((cube, RDF.type, QB.DataSet))
        self.g.add((cube, QB.structure, EVAL.indicatorValueStructure))
        self.place(e, "evaluations", row)
        self.place(cube, "evaluations", row)

    def program_row(self, row: Mapping[str, Any]) -> None:
        pid, eid = row.get("program_id"), row.get("evaluation_id")
        if not _present(pid):
            return
        p = self.node("program", str(pid))
        self.g.add((p, RDF.type, EVAL.Program))
        if _present(eid):
            self.g.add((self.evaluation(str(eid)), EVAL.hasProgram, p))
        self.cells(p, "programs", row)
        self.place(p, "programs", row)

    def cost_row(self, row: Mapping[str, Any]) -> None:
        eid = row.get("evaluation_id")
        if not _present(eid):
            return
        cid = row.get("cost_id")
        if not _present(cid):
            cid = _legacy_cost_id(str(eid), row)
        c = self.node("cost", str(cid))
        self.g.add((c, RDF.type, EVAL.CostEntry))
        self.g.add((self.evaluation(str(eid)), EVAL.hasCost, c))
        self.cells(c, "costs", {**row, "cost_id": cid})
        self.link_program(c, row)
        self.place(c, "costs", row)

    def staffing_row(self, row: Mapping[str, Any]) -> None:
        eid = row.get("evaluation_id")
        if not _present(eid):
            return
        sid = row.get("staffing_id")
        if not _present(sid):
            sid = _scoped_id(str(eid), row, "stage")
        s = self.node("staffing", str(sid))
        self.g.add((s, RDF.type, EVAL.StaffingEntry))
        self.g.add((self.evaluation(str(eid)), EVAL.hasStaffing, s))
        self.cells(s, "staffing", {**row, "staffing_id": sid})
        self.link_program(s, row)
        self.place(s, "staffing", row)

    def indicator_row(self, row: Mapping[str, Any]) -> None:
        iid, eid = row.get("indicator_id"), row.get("evaluation_id")
        if not _present(iid):
            return
        i = self.node("indicator", str(iid))
        self.g.add((i, RDF.type, EVAL.Indicator))
        if _present(eid):
            self.g.add((self.evaluation(str(eid)), EVAL.hasIndicator, i))
            self.indicator_eval[str(iid)] = str(eid)
        self.indicator_unit[str(iid)] = row.get("unit")
        self.cells(i, "indicators", row)
        self.link_program(i, row)
        self.place(i, "indicators", row)

    def indicator_value_row(self, row: Mapping[str, Any]) -> None:
        iid, fy = row.get("indicator_id"), row.get("fiscal_year")
        if not _present(iid) or not _present(fy):
            return
        o = self.node("indicator", str(iid), str(fy))
        self.g.add((o, RDF.type, QB.Observation))
        self.g.add((o, RDF.type, EVAL.IndicatorValue))
        self.g.add((o, EVAL.indicator, self.node("indicator", str(iid))))
        # A value row without its evaluation_id belongs to the evaluation of its indicator.
        eid = row.get("evaluation_id") if _present(row.get("evaluation_id")) else self.indicator_eval.get(str(iid))
        if eid is not None:
            self.g.add((o, QB.dataSet, self.node("evaluation", str(eid), "indicator-values")))
        self.cells(o, "indicator_values", row)
        unit = self.indicator_unit.get(str(iid))
        if _present(unit):
            # the unit as an attribute of the observation (a cell of indicators, already written there)
            self.g.add((o, EVAL.unit, literal(unit, lang="ja")))
        self.place(o, "indicator_values", row)

    def challenge_row(self, row: Mapping[str, Any]) -> None:
        eid, no = row.get("evaluation_id"), row.get("challenge_no")
        if not _present(eid) or not _present(no):
            return
        c = self.node("evaluation", str(eid), "challenge", str(no))
        self.g.add((c, RDF.type, EVAL.Challenge))
        self.g.add((self.evaluation(str(eid)), EVAL.hasChallenge, c))
        self.cells(c, "challenges", row)
        self.place(c, "challenges", row)

    def narrative_row(self, row: Mapping[str, Any]) -> None:
        eid = row.get("evaluation_id")
        if not _present(eid):
            return
        # Without narrative_no, a narrative is numbered by its place among its evaluation's rows.
        self.narrative_count[str(eid)] = self.narrative_count.get(str(eid), 0) + 1
        no = row.get("narrative_no") if _present(row.get("narrative_no")) else self.narrative_count[str(eid)]
        n = self.node("evaluation", str(eid), "narrative", str(no))
        self.g.add((n, RDF.type, EVAL.Narrative))
        self.g.add((self.evaluation(str(eid)), EVAL.hasNarrative, n))
        self.cells(n, "narratives", {**row, "narrative_no": no})
        self.link_program(n, row)
        self.place(n, "narratives", row)


    def assessment_row(self, row: Mapping[str, Any]) -> None:
        eid, aid = row.get("evaluation_id"), row.get("assessment_id")
        if not _present(eid) or not (_present(aid) or _present(row.get("assessment_no"))):
            return
        if not _present(aid):
            aid = f"{eid}-a{row['assessment_no']}"  # the key packaging.evaluation builds
        a = self.node("assessment", str(aid))
        self.g.add((a, RDF.type, EVAL.Assessment))
        self.g.add((self.evaluation(str(eid)), EVAL.hasAssessment, a))
        self.cells(a, "assessments", {**row, "assessment_id": aid})
        self.link_program(a, row)
        self.place(a, "assessments", row)


# table → the method that adds one row's node; tables are added in EVALUATION_TABLES order, so a
# value row finds its indicator's evaluation and unit, and a node's index entry is its first row.
_ROW_NODES: Mapping[str, Callable[[_Builder, Mapping[str, Any]], None]] = {
    "evaluations": _Builder.evaluation_row,
    "programs": _Builder.program_row,
    "costs": _Builder.cost_row,
    "staffing": _Builder.staffing_row,
    "indicators": _Builder.indicator_row,
    "indicator_values": _Builder.indicator_value_row,
    "challenges": _Builder.challenge_row,
    "narratives": _Builder.narrative_row,
    "assessments": _Builder.assessment_row,
}


def _legacy_cost_id(eid: str, row: Mapping[str, Any]) -> str:
    """The key of a cost row of an older package (no cost_id column), as packaging.evaluation builds it."""
    return _scoped_id(eid, row, "stage", "category")


def _scoped_id(eid: str, row: Mapping[str, Any], *columns: str) -> str:
    """``{eid}-{p1 or policy}-{fiscal_year}-{columns…}``: the key of a row without its id column."""
    pid = row.get("program_id")
    if not _present(pid):
        scope = "policy"
    elif str(pid).startswith(f"{eid}-"):
        scope = str(pid)[len(eid) + 1:]
    else:
        scope = str(pid)
    return "-".join([eid, scope, str(row.get("fiscal_year")), *(str(row.get(c)) for c in columns)])


def add_evaluation_data(
    g: Graph,
    dataset: URIRef,
    rows: Rows,
    *,
    index: dict[URIRef, RowPlace] | None = None,
    grade_scale: GradeScale | None = None,
) -> None:
    """Add the evaluation data of ``rows`` (by table name) to ``g`` under ``dataset``.

    ``index``, when given, receives the row each node was built from (for the SHACL layer).
    ``grade_scale`` is the publisher's grade scale (``declared_grade_scale``); None: ``eval:grades``.
    """
    b = _Builder(g, dataset, index if index is not None else {})
    if grade_scale:
        b.grade_scale(grade_scale)
    for table in EVALUATION_TABLES:
        add_node = _ROW_NODES[table]
        for row in rows.get(table, ()):
            add_node(b, row)
