"""vocab/README.md, generated from the vocabulary's Turtle (a test keeps the two equal).

    python -m opendata_pub.rdf.vocabdoc              # print the README
    python -m opendata_pub.rdf.vocabdoc vocab/README.md   # write it (atomically)

Everything in the tables comes from vocab/eval.ttl, vocab/schemes.ttl and vocab/shapes.ttl; the
prose around them is here. Deterministic: terms are sorted by name.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, QB, RDF, RDFS, SH, SKOS
from rdflib.term import Node

from ..atomicfile import write_text
from .namespaces import EVAL_NS, EVAL_ONTOLOGY, curie
from .vocab import shapes_graph, vocab_graph

__all__ = ["main", "render"]

_INTRO = """\
Namespace **`{ns}`** (prefix `eval:`), declared once in
`opendata_pub.rdf.namespaces.EVAL_NS`. It is a w3id.org IRI so that it can outlive any one host; the
redirect (w3id.org/opendata-pub → this folder) still has to be registered with w3id.org.

| file | what |
| --- | --- |
| `eval.ttl` | classes and properties for the tables of an evaluation package (docs/evaluation-contract.md), and the RDF Data Cube structure of indicator values |
| `schemes.ttl` | SKOS concept schemes of the codes in those tables; `skos:notation` is the value written in the CSV |
| `shapes.ttl` | SHACL shapes for evaluation graphs (namespace `https://w3id.org/opendata-pub/ns/eval/shapes#`, prefix `evalsh:`), run by `opendata-pub validate` (layer `shacl`) with the DCAT-AP 3.0.1 shapes |

How a package becomes RDF: `opendata-pub rdf PACKAGE` writes DCAT-AP 3 for the dataset and its
distributions and, for an evaluation package, one node per row of its tables, with IRIs built from
the rows' ids under the dataset IRI (`{{dataset}}/evaluation/{{evaluation_id}}`,
`{{dataset}}/program/{{program_id}}`, `{{dataset}}/cost/{{cost_id}}`, `{{dataset}}/staffing/{{staffing_id}}`,
`{{dataset}}/indicator/{{indicator_id}}`, `{{dataset}}/indicator/{{indicator_id}}/{{fiscal_year}}` for an
indicator value, `{{dataset}}/assessment/{{assessment_id}}`,
`{{dataset}}/evaluation/{{evaluation_id}}/challenge/{{no}}` and `…/narrative/{{no}}`). Indicator values are
`qb:Observation`s in one `qb:DataSet` per evaluation (`eval:indicatorValues`) whose structure is
`eval:indicatorValueStructure`; a measure the sheet does not print is left out of its observation
(so the Data Cube integrity constraint IC-14, "all measures present", does not hold for them).
Titles, names and printed text are `@ja` literals; codes and ids plain strings; numbers
`xsd:integer`, or `xsd:decimal` with the CSV's digits and always a decimal point (80000 → `80000.0`).

Modelling choices for the row-per-program 事務事業評価 sheet (issue 11):

- **Plain properties of the evaluation** for the 施策体系 (`eval:policyAreaCode`/`Name` for 政策,
  `eval:basicProgramCode`/`Name` for 基本事業, beside the existing `eval:policyCode`/`Name` for 施策),
  `eval:reformDirection` and the contact fields (`eval:contactTeam`, `eval:contactManager`,
  `eval:contactPerson`, `eval:contactPhone`, `eval:contactExtension`). A node per 政策 or 基本事業
  would need ids that hold across sheets, which the sheets do not print; a vCard node would need a
  `tel:` IRI from a number printed without area code and an extension in another cell, and would
  give the SHACL layer a node with no row of its own. Printed values stay printed values.
- **Codes of rows are `eval:…Code` strings** (`eval:programCode` for 事務事業ID, zeros kept;
  `eval:indicatorCode` for ア, カ, サ …), like `eval:policyCode`: `skos:notation` is kept for the
  concepts of our schemes, where the generator looks codes up by it.
- **Staffing rows are plain nodes** (`eval:StaffingEntry`, linked by `eval:hasStaffing`) with the
  cost rows' dimensions (`eval:fiscalYear`, `eval:stage`, `eval:program`) and two decimals
  (`eval:staffCount`, `eval:workHours`); they sit beside `eval:CostEntry`, which is not a Data Cube
  either. `eval:stage` has no domain since both use it.
- **Assessment rows** (`eval:Assessment`, linked by `eval:hasAssessment`) keep criterion, grade and
  reason as printed `@ja` text: the criterion words differ between municipalities.
- **New codes are concepts**: the funding sources of `eval:costCategories` (national_subsidy,
  prefectural_subsidy, local_bond, other_revenue, general_revenue) and `eval:indicatorKinds`
  (activity, target, outcome). An empty cell writes no triple, so a package without the new
  columns gives the same graph as before.

**A publisher's own grade scale.** The `grade` field of the `evaluations` schema may declare
`categories` (Table Schema v2: values, or `{{"value", "label"}}` objects). When they are not all
notations of `eval:grades`, the generator mints the scale under the dataset: a `skos:ConceptScheme`
`{{dataset}}/grade-scale` (`dct:title` 評価の区分) with one `skos:Concept` per category at
`{{dataset}}/grade-scale/{{value}}` (`skos:notation` the value, `skos:prefLabel` the label or value),
and a grade in the scale is that concept. `evalsh:EvaluationShape` accepts for `eval:grade` either a
concept of `eval:grades` or an IRI that is a `skos:Concept` of a scheme (`evalsh:DeclaredGradeShape`);
a grade outside the scale in force is written as a literal, which neither accepts, so it is still
reported (a warning, as before). The scale travels with the data, so a consumer reads a grade's
label and its scheme from the graph itself. Without `categories` (the three seed layouts), or
with categories within 順調・維持・停滞, the grades are the concepts of `eval:grades` as before.

This file is generated from the Turtle: `python -m opendata_pub.rdf.vocabdoc vocab/README.md`.
"""


def _lit(g: Graph, node: Node, predicate: URIRef, lang: str) -> str:
    values = [o for o in g.objects(node, predicate) if isinstance(o, Literal) and o.language == lang]
    return str(min(values, key=str)) if values else ""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _ours(nodes: Iterable[Node]) -> list[URIRef]:
    return sorted({n for n in nodes if isinstance(n, URIRef) and str(n).startswith(EVAL_NS)}, key=str)


def _terms_table(g: Graph, terms: list[URIRef], *, kind: str) -> list[str]:
    if kind == "class":
        head = "| term | ラベル | label | 定義 | definition | subclass of |"
    else:
        head = "| term | ラベル | label | domain | range | 定義 | definition |"
    lines = [head, "| " + " | ".join("---" for _ in head.strip("|").split("|")) + " |"]
    for t in terms:
        cells = [f"`{curie(t)}`", _lit(g, t, RDFS.label, "ja"), _lit(g, t, RDFS.label, "en")]
        if kind == "class":
            cells += [_lit(g, t, SKOS.definition, "ja"), _lit(g, t, SKOS.definition, "en"),
                      ", ".join(f"`{curie(s)}`" for s in sorted(g.objects(t, RDFS.subClassOf), key=str))]
        else:
            extra = [curie(x) for x in sorted(g.objects(t, RDF.type), key=str)
                     if x in (QB.DimensionProperty, QB.MeasureProperty, QB.AttributeProperty)]
            rng = ", ".join(f"`{curie(r)}`" for r in sorted(g.objects(t, RDFS.range), key=str))
            cells += [", ".join(f"`{curie(d)}`" for d in sorted(g.objects(t, RDFS.domain), key=str)) or "—",
                      (rng or "—") + (f" ({', '.join(extra)})" if extra else ""),
                      _lit(g, t, SKOS.definition, "ja"), _lit(g, t, SKOS.definition, "en")]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return lines


def _structure(g: Graph, dsd: URIRef) -> list[str]:
    lines = ["| component | property | order / required |", "| --- | --- | --- |"]
    rows = []
    for comp in g.objects(dsd, QB.component):
        for role, p in (("dimension", QB.dimension), ("measure", QB.measure), ("attribute", QB.attribute)):
            prop = g.value(comp, p)
            if prop is not None:
                order = g.value(comp, QB.order)
                required = g.value(comp, QB.componentRequired)
                note = f"order {order}" if order is not None else (
                    "optional" if isinstance(required, Literal) and not required.toPython() else "")
                rows.append((("dimension", "measure", "attribute").index(role), str(order or ""), str(prop),
                             f"| {role} | `{curie(prop)}` | {note} |"))
    lines += [r[-1] for r in sorted(rows)]
    return lines


def _schemes(g: Graph) -> list[str]:
    out: list[str] = []
    for scheme in _ours(g.subjects(RDF.type, SKOS.ConceptScheme)):
        out += ["", (f"### `{curie(scheme)}` — {_lit(g, scheme, DCTERMS_TITLE, 'ja')} / "
                     f"{_lit(g, scheme, DCTERMS_TITLE, 'en')}"), "",
                _lit(g, scheme, SKOS.definition, "ja") + " " + _lit(g, scheme, SKOS.definition, "en"), "",
                "| concept | notation (CSV) | ラベル | label | 定義 | definition |",
                "| --- | --- | --- | --- | --- | --- |"]
        concepts = sorted(g.subjects(SKOS.inScheme, scheme), key=lambda c: str(g.value(c, SKOS.notation)))
        for c in concepts:
            out.append("| " + " | ".join(_cell(x) for x in (
                f"`{curie(c)}`", f"`{g.value(c, SKOS.notation)}`", _lit(g, c, SKOS.prefLabel, "ja"),
                _lit(g, c, SKOS.prefLabel, "en"), _lit(g, c, SKOS.definition, "ja"),
                _lit(g, c, SKOS.definition, "en"))) + " |")
    return out


DCTERMS_TITLE = URIRef("http://purl.org/dc/terms/title")
_SHAPES_NS = "https://w3id.org/opendata-pub/ns/eval/shapes#"
DCTERMS_DESCRIPTION = URIRef("http://purl.org/dc/terms/description")


def _shapes(sg: Graph) -> list[str]:
    lines = ["| shape | target | constraints (path: cardinality, other) |", "| --- | --- | --- |"]
    for shape in sorted(sg.subjects(RDF.type, SH.NodeShape), key=str):
        target = sg.value(shape, SH.targetClass) or sg.value(shape, SH.targetObjectsOf)
        kind = "objects of " if sg.value(shape, SH.targetObjectsOf) is not None else ""
        parts = []
        for ps in sg.objects(shape, SH.property):
            path = sg.value(ps, SH.path)
            inverse = sg.value(path, SH.inversePath) if path is not None and not isinstance(path, URIRef) else None
            name = f"^{curie(inverse)}" if inverse is not None else curie(path)
            lo, hi = sg.value(ps, SH.minCount), sg.value(ps, SH.maxCount)
            card = f"{lo or 0}..{hi if hi is not None else '*'}"
            other = []
            for p, label in ((SH.datatype, ""), (SH["class"], "class "), (SH.hasValue, "= "),
                             (SH.pattern, "pattern "), (SH.minInclusive, "≥ ")):
                v = sg.value(ps, p)
                if v is not None:
                    other.append(f"{label}{curie(v) if isinstance(v, URIRef) else v}")
            if sg.value(ps, SH["in"]) is not None:
                other.append("in scheme")
            if sg.value(ps, SH["or"]) is not None:
                other.append("in scheme or a declared scale")
            if sg.value(ps, SH.severity) == SH.Warning:
                other.append("warning")
            parts.append((name, f"{name}: {card}" + (f" {' '.join(other)}" if other else "")))
        cell = "; ".join(p[1] for p in sorted(parts))
        name = str(shape).replace(_SHAPES_NS, "evalsh:")
        where = f"{kind}`{curie(target)}`" if target is not None else "through `sh:node`"
        lines.append(f"| `{name}` | {where} | "
                     f"{_cell(cell)} |")
    return lines


def render() -> str:
    """The text of vocab/README.md."""
    g = vocab_graph()
    title_ja = _lit(g, EVAL_ONTOLOGY, DCTERMS_TITLE, "ja")
    title_en = _lit(g, EVAL_ONTOLOGY, DCTERMS_TITLE, "en")
    version = g.value(EVAL_ONTOLOGY, OWL.versionInfo)
    classes = _ours(g.subjects(RDF.type, OWL.Class))
    objects = _ours(g.subjects(RDF.type, OWL.ObjectProperty))
    datatypes = _ours(g.subjects(RDF.type, OWL.DatatypeProperty))
    dsds = _ours(g.subjects(RDF.type, QB.DataStructureDefinition))
    lines = [
        f"# {title_en} (`eval:`) — {title_ja}", "",
        "<!-- generated by `python -m opendata_pub.rdf.vocabdoc vocab/README.md`: edit the Turtle, not this file -->",
        "",
        _lit(g, EVAL_ONTOLOGY, DCTERMS_DESCRIPTION, "ja"), "",
        _lit(g, EVAL_ONTOLOGY, DCTERMS_DESCRIPTION, "en") + f" Version {version}.", "",
        _INTRO.format(ns=EVAL_NS),
        "## Classes", "", *_terms_table(g, classes, kind="class"), "",
        "## Object properties", "", *_terms_table(g, objects, kind="property"), "",
        "## Datatype properties", "", *_terms_table(g, datatypes, kind="property"), "",
    ]
    for dsd in dsds:
        lines += [f"## Data Cube structure `{curie(dsd)}`", "",
                  _lit(g, dsd, SKOS.definition, "ja"), "", _lit(g, dsd, SKOS.definition, "en"), "",
                  *_structure(g, dsd), ""]
    lines += ["## Concept schemes", *_schemes(g), "",
              "## SHACL shapes (`shapes.ttl`)", "",
              ("Severity is sh:Violation (an error in the report) unless marked *warning*; "
               "`^p` is the inverse path, *in scheme* an `sh:in` list of the scheme's concepts."), "",
              *_shapes(shapes_graph()), ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    text = render()
    if args:
        write_text(args[0], text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":  # pragma: no cover - documentation helper
    raise SystemExit(main())
