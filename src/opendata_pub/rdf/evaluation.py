"""Evaluation data in our vocabulary (``eval:``), built from the CSV rows of an evaluation package.

An evaluation package holds the seven tables of docs/evaluation-contract.md. Each row becomes one
node whose IRI is built from the row's ids under the dataset IRI (see ``iris``); indicator values
are RDF Data Cube observations (dimensions: indicator, fiscal year; measures: target, actual,
achievement rate; attributes: unit, note) in one ``qb:DataSet`` per evaluation, whose structure is
``eval:indicatorValueStructure`` (vocab/eval.ttl). Codes (grade, stage, category, direction, level,
narrative kind) become the SKOS concepts of vocab/schemes.ttl, found by their ``skos:notation``; a
code that is not in its scheme is written as a literal, so the SHACL layer reports it.

``COLUMNS`` is the one table of which column goes to which predicate; the SHACL layer reads it
backwards to name the column of a finding. Reading rows is I/O (``packaging.frictionless_io``);
building the graph is not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, QB, RDF, XSD

from ..errors import InputError
from ..packaging.frictionless_io import read_rows
from .iris import segment
from .namespaces import EVAL
from .vocab import concept

__all__ = [
    "COLUMNS",
    "EVALUATION_TABLES",
    "Column",
    "RowPlace",
    "add_evaluation_data",
    "evaluation_rows",
    "is_evaluation_package",
]

EVALUATION_TABLES: tuple[str, ...] = (
    "evaluations", "programs", "costs", "indicators", "indicator_values", "challenges", "narratives",
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
    ),
    "programs": (
        Column("program_id", DCTERMS.identifier, STRING),
        Column("program_no", EVAL.programNo, INTEGER),
        Column("program_name", EVAL.programName, TEXT),
        Column("direction_no", EVAL.directionNo, INTEGER),
        Column("direction_name", EVAL.directionName, TEXT),
        Column("section", EVAL.section, TEXT),
        Column("department", EVAL.department, TEXT),
    ),
    "costs": (
        Column("cost_id", DCTERMS.identifier, STRING),
        Column("fiscal_year", EVAL.fiscalYear, INTEGER),
        Column("stage", EVAL.stage, EVAL.costStages),
        Column("category", EVAL.category, EVAL.costCategories),
        Column("amount_jpy", EVAL.amountJPY, INTEGER),
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
    QB.dataSet: "evaluation_id",
}


@dataclass(frozen=True, slots=True)
class RowPlace:
    """Where a node came from: a row of a resource (row 1 is the header, as frictionless counts)."""

    resource: str
    row: int | None


Rows = Mapping[str, Sequence[Mapping[str, Any]]]


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
        except Exception as exc:  # noqa: BLE001 - frictionless raises many types on unreadable files
            raise InputError(f"リソース {table} の行を読めません: {exc}", path=str(root),
                             hint="opendata-pub validate でデータの問題を確認してください") from exc
    return out


def _integer(value: Any) -> Literal:
    if isinstance(value, int) and not isinstance(value, bool):
        return Literal(value)
    try:
        return Literal(int(str(value).strip()))
    except ValueError:
        return Literal(str(value))  # not an integer: the SHACL datatype check reports it


def _decimal(value: Any) -> Literal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        return Literal(str(value))  # not a number: the SHACL datatype check reports it
    # The digits as written, always with a decimal point: Turtle writes an xsd:decimal "80000" as
    # 80000.0, which would read back as another literal.
    text = format(number, "f")
    return Literal(text if "." in text else f"{text}.0", datatype=XSD.decimal)


def _term(column: Column, value: Any) -> Literal | URIRef:
    if column.kind == STRING:
        return Literal(str(value))
    if column.kind == TEXT:
        return Literal(str(value), lang="ja")
    if column.kind == INTEGER:
        return _integer(value)
    if column.kind == DECIMAL:
        return _decimal(value)
    assert isinstance(column.kind, URIRef)
    found = concept(column.kind, str(value))
    # A code outside its scheme stays visible as a literal; the shapes' sh:in reports it.
    return found if found is not None else Literal(str(value), lang="ja" if column.kind == EVAL.grades else None)


def _present(value: Any) -> bool:
    return value is not None and value != ""


class _Builder:
    def __init__(self, g: Graph, dataset: URIRef, index: dict[URIRef, RowPlace]) -> None:
        self.g, self.dataset, self.index = g, dataset, index

    def node(self, *parts: str) -> URIRef:
        return URIRef(f"{self.dataset}/" + "/".join(segment(p) for p in parts))

    def evaluation(self, eid: str) -> URIRef:
        return self.node("evaluation", eid)

    def cells(self, subject: URIRef, table: str, row: Mapping[str, Any]) -> None:
        for column in COLUMNS[table]:
            value = row.get(column.name)
            if _present(value):
                self.g.add((subject, column.predicate, _term(column, value)))

    def place(self, subject: URIRef, table: str, row: Mapping[str, Any]) -> None:
        self.index.setdefault(subject, RowPlace(table, row.get("__row__")))


def add_evaluation_data(
    g: Graph, dataset: URIRef, rows: Rows, *, index: dict[URIRef, RowPlace] | None = None
) -> None:
    """Add the evaluation data of ``rows`` (by table name) to ``g`` under ``dataset``.

    ``index``, when given, receives the row each node was built from (for the SHACL layer).
    """
    b = _Builder(g, dataset, index if index is not None else {})
    indicator_eval: dict[str, str] = {}
    indicator_unit: dict[str, Any] = {}

    for row in rows.get("evaluations", ()):
        eid = row.get("evaluation_id")
        if not _present(eid):
            continue
        e = b.evaluation(str(eid))
        g.add((dataset, EVAL.hasEvaluation, e))
        g.add((e, RDF.type, EVAL.Evaluation))
        b.cells(e, "evaluations", row)
        # One Data Cube data set per evaluation, even before any value: consumers find it by link.
        cube = b.node("evaluation", str(eid), "indicator-values")
        g.add((e, EVAL.indicatorValues, cube))
        g.add((cube, RDF.type, QB.DataSet))
        g.add((cube, QB.structure, EVAL.indicatorValueStructure))
        b.place(e, "evaluations", row)
        b.place(cube, "evaluations", row)

    for row in rows.get("programs", ()):
        pid, eid = row.get("program_id"), row.get("evaluation_id")
        if not _present(pid):
            continue
        p = b.node("program", str(pid))
        g.add((p, RDF.type, EVAL.Program))
        if _present(eid):
            g.add((b.evaluation(str(eid)), EVAL.hasProgram, p))
        b.cells(p, "programs", row)
        b.place(p, "programs", row)

    for row in rows.get("costs", ()):
        eid = row.get("evaluation_id")
        if not _present(eid):
            continue
        cid = row.get("cost_id")
        if not _present(cid):
            # Older packages without the cost_id column: the same key packaging.evaluation builds.
            pid = row.get("program_id")
            scope = str(pid)[len(str(eid)) + 1:] if _present(pid) and str(pid).startswith(f"{eid}-") else (
                str(pid) if _present(pid) else "policy")
            cid = f"{eid}-{scope}-{row.get('fiscal_year')}-{row.get('stage')}-{row.get('category')}"
        c = b.node("cost", str(cid))
        g.add((c, RDF.type, EVAL.CostEntry))
        g.add((b.evaluation(str(eid)), EVAL.hasCost, c))
        b.cells(c, "costs", {**row, "cost_id": cid})
        if _present(row.get("program_id")):
            g.add((c, EVAL.program, b.node("program", str(row["program_id"]))))
        b.place(c, "costs", row)

    for row in rows.get("indicators", ()):
        iid, eid = row.get("indicator_id"), row.get("evaluation_id")
        if not _present(iid):
            continue
        i = b.node("indicator", str(iid))
        g.add((i, RDF.type, EVAL.Indicator))
        if _present(eid):
            g.add((b.evaluation(str(eid)), EVAL.hasIndicator, i))
            indicator_eval[str(iid)] = str(eid)
        indicator_unit[str(iid)] = row.get("unit")
        b.cells(i, "indicators", row)
        if _present(row.get("program_id")):
            g.add((i, EVAL.program, b.node("program", str(row["program_id"]))))
        b.place(i, "indicators", row)

    for row in rows.get("indicator_values", ()):
        iid, fy = row.get("indicator_id"), row.get("fiscal_year")
        if not _present(iid) or not _present(fy):
            continue
        o = b.node("indicator", str(iid), str(fy))
        g.add((o, RDF.type, QB.Observation))
        g.add((o, RDF.type, EVAL.IndicatorValue))
        g.add((o, EVAL.indicator, b.node("indicator", str(iid))))
        eid = row.get("evaluation_id") if _present(row.get("evaluation_id")) else indicator_eval.get(str(iid))
        if eid is not None:
            g.add((o, QB.dataSet, b.node("evaluation", str(eid), "indicator-values")))
        b.cells(o, "indicator_values", row)
        unit = indicator_unit.get(str(iid))
        if _present(unit):
            g.add((o, EVAL.unit, Literal(str(unit), lang="ja")))  # the unit as an attribute of the observation
        b.place(o, "indicator_values", row)

    for row in rows.get("challenges", ()):
        eid, no = row.get("evaluation_id"), row.get("challenge_no")
        if not _present(eid) or not _present(no):
            continue
        c = b.node("evaluation", str(eid), "challenge", str(no))
        g.add((c, RDF.type, EVAL.Challenge))
        g.add((b.evaluation(str(eid)), EVAL.hasChallenge, c))
        b.cells(c, "challenges", row)
        b.place(c, "challenges", row)

    counts: dict[str, int] = {}
    for row in rows.get("narratives", ()):
        eid = row.get("evaluation_id")
        if not _present(eid):
            continue
        counts[str(eid)] = counts.get(str(eid), 0) + 1
        no = row.get("narrative_no") if _present(row.get("narrative_no")) else counts[str(eid)]
        n = b.node("evaluation", str(eid), "narrative", str(no))
        g.add((n, RDF.type, EVAL.Narrative))
        g.add((b.evaluation(str(eid)), EVAL.hasNarrative, n))
        b.cells(n, "narratives", {**row, "narrative_no": no})
        if _present(row.get("program_id")):
            g.add((n, EVAL.program, b.node("program", str(row["program_id"]))))
        b.place(n, "narratives", row)
