"""Our vocabulary: documented in both languages, declared where the code uses it, README in sync."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyshacl
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS

from opendata_pub.config import Settings
from opendata_pub.packaging.evaluation import evaluation_resources, table_columns
from opendata_pub.packaging.writer import build_package
from opendata_pub.rdf import package_graph
from opendata_pub.rdf.evaluation import COLUMNS, add_evaluation_data
from opendata_pub.rdf.namespaces import EVAL, EVAL_NS
from opendata_pub.rdf.vocab import (
    SCHEMES,
    scheme_concepts,
    shapes_graph,
    vocab_file,
    vocab_graph,
)
from opendata_pub.rdf.vocabdoc import render
from opendata_pub.records.model import (
    CostCategory,
    Direction,
    Level,
    NarrativeKind,
    Stage,
)
from tests.rdf.conftest import EID, EVAL_METADATA, eval_tables

ROOT = Path(__file__).resolve().parents[2]


def _ours(g: Graph) -> set[URIRef]:
    return {t for triple in g for t in triple if isinstance(t, URIRef) and str(t).startswith(EVAL_NS)}


def test_readme_is_generated_from_the_turtle() -> None:
    readme = (ROOT / "vocab" / "README.md").read_text(encoding="utf-8")
    assert readme == render(), "vocab/README.md is stale: python -m opendata_pub.rdf.vocabdoc vocab/README.md"


def test_vocab_is_read_from_the_repository_folder() -> None:
    # one source: the package data is the repository's vocab/ (through the symlink), not a copy
    for name in ("eval.ttl", "schemes.ttl", "shapes.ttl", "README.md"):
        assert Path(str(vocab_file(name))).resolve() == ROOT / "vocab" / name


def test_namespace_object_declares_exactly_the_vocabulary_terms() -> None:
    declared = {EVAL[name] for name in [*EVAL.__annotations__, *EVAL._extras]}
    defined = {s for s in vocab_graph().subjects() if isinstance(s, URIRef) and str(s).startswith(EVAL_NS)}
    assert declared == defined


def test_every_term_has_japanese_and_english_label_and_definition() -> None:
    g = vocab_graph()
    terms = set(g.subjects(RDF.type, OWL.Class)) | set(g.subjects(RDF.type, RDF.Property)) | set(
        g.subjects(RDF.type, SKOS.Concept)) | set(g.subjects(RDF.type, SKOS.ConceptScheme))
    assert len(terms) > 60
    for t in terms:
        label = RDFS.label if (t, RDF.type, SKOS.Concept) not in g and (t, RDF.type, SKOS.ConceptScheme) not in g \
            else SKOS.prefLabel
        for lang in ("ja", "en"):
            assert any(o.language == lang for o in g.objects(t, label) if isinstance(o, Literal)), (t, lang)
            assert any(o.language == lang for o in g.objects(t, SKOS.definition) if isinstance(o, Literal)), (t, lang)


def test_schemes_meet_the_dcat_ap_concept_shapes() -> None:
    g = vocab_graph()
    for scheme in SCHEMES:
        assert (scheme, RDF.type, SKOS.ConceptScheme) in g
        titles = {o.language for o in g.objects(scheme, DCTERMS.title) if isinstance(o, Literal)}
        assert titles == {"ja", "en"}  # dct:title is mandatory on a scheme (DCAT-AP)
        for concept in scheme_concepts(scheme).values():
            assert (concept, SKOS.topConceptOf, scheme) in g
            assert g.value(concept, SKOS.notation) is not None


@pytest.mark.parametrize(("scheme", "values"), [
    (EVAL.costStages, {s.value for s in Stage}),
    (EVAL.costCategories, {c.value for c in CostCategory}),
    (EVAL.directions, {d.value for d in Direction}),
    (EVAL.levels, {lv.value for lv in Level}),
    (EVAL.narrativeKinds, {k.value for k in NarrativeKind}),
    (EVAL.grades, {"順調", "維持", "停滞"}),
    (EVAL.indicatorKinds, {"activity", "target", "outcome"}),
])
def test_scheme_notations_are_the_values_written_in_csv(scheme: URIRef, values: set[str]) -> None:
    assert set(scheme_concepts(scheme)) == values


def test_shapes_in_lists_are_the_schemes() -> None:
    sg, vg = shapes_graph(), vocab_graph()
    for ps in sg.subjects(SH["in"], None):
        head = sg.value(ps, SH["in"])
        assert head is not None
        members = set(Collection(sg, head))
        schemes = {vg.value(m, SKOS.inScheme) for m in members}
        assert len(schemes) == 1, members
        assert members == set(scheme_concepts(schemes.pop()).values())


def test_shapes_are_valid_shacl() -> None:
    conforms, _g, text = pyshacl.validate(Graph(), shacl_graph=shapes_graph(), meta_shacl=True, inference="none")
    assert conforms, text


def test_columns_use_declared_terms_and_schemes() -> None:
    g = vocab_graph()
    for table, columns in COLUMNS.items():
        for col in columns:
            if str(col.predicate).startswith(EVAL_NS):
                assert (col.predicate, RDF.type, RDF.Property) in g, (table, col.name)
            if isinstance(col.kind, URIRef):
                assert col.kind in SCHEMES


def _complete_evaluation(root: Path) -> Path:
    """An evaluation package with every column packaging.evaluation writes, all filled in."""
    base = eval_tables()
    p1 = f"{EID}-p1"
    extra: dict[str, dict[str, Any]] = {
        "programs": {"program_no": 1, "direction_name": "情報の公開", "department": "企画部", "source_line": 3},
        "costs": {"source_line": 4},
        "indicators": {"direction_text": "↑", "description": "閲覧数", "program_id": p1, "source_line": 5},
        "indicator_values": {"evaluation_id": EID},
        "challenges": {"source_line": 6},
        "narratives": {"kind": "text", "section": "総括", "code": "1", "program_id": p1, "source_line": 7},
    }
    tables = {}
    for name in base:
        rows = []
        for i, row in enumerate(base[name], start=1):
            full = {**row, **extra.get(name, {})}
            if name == "narratives":
                full["narrative_no"] = i
            if name == "programs":
                full["program_no"] = i
            if name == "costs":
                scope = full["program_id"].rsplit("-", 1)[1] if full["program_id"] else "policy"
                full["cost_id"] = f"{EID}-{scope}-{full['fiscal_year']}-{full['stage']}-{full['category']}"
            rows.append({c: full.get(c) for c in table_columns(name)})
        tables[name] = rows
    resources = evaluation_resources()
    for res in resources:
        tables.setdefault(res["name"], [])  # tables the seed rows do not have (staffing, assessments)
    build_package(root, dict(EVAL_METADATA), resources, tables)
    return root


_VALUES: dict[Any, Any] = {"string": "x", "text": "文", "integer": 2020, "decimal": "1.5"}


def _every_column_graph() -> Graph:
    """Evaluation data with one row per table and every column of ``COLUMNS`` filled in."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for table, columns in COLUMNS.items():
        row: dict[str, Any] = {"evaluation_id": EID, "program_id": f"{EID}-p1", "indicator_id": f"{EID}-i1"}
        for col in columns:
            if isinstance(col.kind, URIRef):
                row[col.name] = min(scheme_concepts(col.kind))  # a notation of the column's scheme
            else:
                row[col.name] = _VALUES[col.kind]
        rows[table] = [row]
    g = Graph()
    add_evaluation_data(g, URIRef("https://example.invalid/dataset/d"), rows, grade_scale=(("A", "A"),))
    return g


def test_generator_and_vocabulary_agree(tmp_path: Path, full_package: Path, settings: Settings) -> None:
    used = _ours(package_graph(_complete_evaluation(tmp_path / "eval"), settings)) | _ours(
        package_graph(full_package, settings)) | _ours(_every_column_graph())
    g = vocab_graph()
    defined = {s for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(EVAL_NS)}
    assert used <= defined, f"used but not declared: {sorted(used - defined)}"
    # every class and property is written by the generator
    vocabulary = {t for t in defined if (t, RDF.type, OWL.Class) in g or (t, RDF.type, RDF.Property) in g}
    assert vocabulary - used == set()
