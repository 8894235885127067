"""Layer (e): SHACL over the package's RDF — the official DCAT-AP 3.0.1 shapes and ours.

The package's graph is what ``opendata-pub rdf`` writes (``rdf.dcat_out``): DCAT-AP 3 for the
dataset and its distributions and, for an evaluation package, the evaluation data in our vocabulary.
It is checked with pyshacl against the four official DCAT-AP 3.0.1 shapes files (vendored in
``resources/shacl/dcat-ap-3.0.1``, CC-BY-4.0, see NOTICE.md) and ``vocab/shapes.ttl``: offline,
without RDFS inference, never following ``owl:imports``. The shapes are parsed once per process.

Each SHACL result becomes a finding of layer ``shacl``: sh:Violation → error ``shacl-violation``,
sh:Warning → warning ``shacl-warning``, sh:Info → info ``shacl-info``. The message (Japanese)
names the property with the property table's label (or our vocabulary's ``rdfs:label``); ``where``
points at the descriptor key (``resources[1].hash``) or, for evaluation data, the CSV row and
column; ``params`` carry the focus node, path, shape, constraint component and value.

IRIs need a base URL. Without ``catalog.base_url`` in opendata.yaml the layer uses
``https://example.invalid/`` (RFC 6761) for validation only: the checks do not depend on where
files will live, and the base used is in every finding's ``params.iri_base``.

Results nobody can act on in a package are not reported (``NOT_REPORTED`` says which and why; they
are kept in ``ShaclOutcome.not_reported``): the catalog node (it comes from opendata.yaml and is
the same in every package), DCAT-AP's EU-only code lists for publisher and spatial coverage (no
Japanese municipality is an EU corporate body or an EU place), bbox/centroid of a location we name
by code, ``dcatap:availability`` (not a property of our table), the recommended properties of a
source stub, and one defect of the official shapes: ``ChecksumAlgorithmRestriction`` requires the
algorithm IRI to start with ``https://spdx.org/rdf/terms`` while the SPDX namespace DCAT-AP itself
uses is ``http://spdx.org/rdf/terms#`` — a correct checksum can never pass it.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from ..config import Settings
from ..errors import InputError
from ..findings import Finding, Layer, Location, Severity
from ..metadata.properties import PROPERTIES, Level, Property
from ..packaging.frictionless_io import read_rows
from ..packaging.package import LocalPackage, resolve_data_path
from ..rdf.dcat_out import NodeInfo, PackageGraph, build_package_graph
from ..rdf.evaluation import (
    COLUMNS,
    EVALUATION_TABLES,
    LINK_COLUMNS,
    is_evaluation_package,
)
from ..rdf.iris import PLACEHOLDER_BASE_URL
from ..rdf.namespaces import DCAT, DCATAP, DCTERMS, SPDX, curie
from ..rdf.terms import UnsafeTerm
from ..rdf.vocab import shapes_graph as eval_shapes_graph
from ..rdf.vocab import vocab_graph

__all__ = [
    "DCAT_AP_SHAPES",
    "NOT_REPORTED",
    "ShaclOutcome",
    "ShaclResult",
    "check_shacl",
    "shapes",
    "validate_graph",
]

log = logging.getLogger(__name__)

DCAT_AP_SHAPES = (
    "html_shacl_shapes.ttl",
    "html_shacl_shapes_recommended.ttl",
    "html_shacl_range.ttl",
    "html_shacl_mdr-vocabularies.shape.ttl",
)
_OUR_SHAPES_NS = "https://w3id.org/opendata-pub/ns/eval/shapes#"

_SEVERITY = {SH.Violation: Severity.ERROR, SH.Warning: Severity.WARNING, SH.Info: Severity.INFO}
_CODE = {Severity.ERROR: "shacl-violation", Severity.WARNING: "shacl-warning", Severity.INFO: "shacl-info"}


@lru_cache(maxsize=1)
def shapes() -> Graph:
    """The shapes graph: the four DCAT-AP 3.0.1 files and ``vocab/shapes.ttl`` (parsed once)."""
    g = Graph(bind_namespaces="none")
    folder = files("opendata_pub").joinpath("resources", "shacl", "dcat-ap-3.0.1")
    for name in DCAT_AP_SHAPES:
        g.parse(data=folder.joinpath(name).read_text(encoding="utf-8"), format="turtle")
    g += eval_shapes_graph()
    return g


@dataclass(frozen=True, slots=True)
class ShaclResult:
    """One top-level ``sh:ValidationResult``, flattened."""

    severity: Severity
    focus: Node
    path: URIRef | None
    component: URIRef
    shape: Node | None  # the node shape that holds the property shape (an IRI), else the source shape
    value: Node | None
    message: str | None
    detail_components: frozenset[URIRef] = frozenset()  # components of its sh:detail results

    @property
    def component_name(self) -> str:
        return str(self.component).rsplit("#", 1)[-1]


@dataclass
class ShaclOutcome:
    """What the SHACL layer found for one package."""

    findings: list[Finding] = field(default_factory=list)
    not_reported: list[tuple[ShaclResult, str]] = field(default_factory=list)  # (result, reason)
    results: list[ShaclResult] = field(default_factory=list)  # every top-level result
    seconds: float = 0.0
    base_url: str = ""
    placeholder_base: bool = False


def _shape_of(sg: Graph, source_shape: Node | None) -> Node | None:
    if isinstance(source_shape, BNode):
        owner = sg.value(predicate=SH.property, object=source_shape)
        return owner if owner is not None else source_shape
    return source_shape


def validate_graph(graph: Graph) -> list[ShaclResult]:
    """Run DCAT-AP 3.0.1 and our shapes over ``graph``; the top-level results, in a stable order."""
    sg = shapes()
    _conforms, report, _text = pyshacl.validate(
        graph, shacl_graph=sg, inference="none", abort_on_first=False, allow_infos=True,
        allow_warnings=True, meta_shacl=False, advanced=False, js=False, do_owl_imports=False,
    )
    out: list[ShaclResult] = []
    for rep in report.subjects(RDF.type, SH.ValidationReport):
        for r in report.objects(rep, SH.result):
            severity = _SEVERITY.get(report.value(r, SH.resultSeverity), Severity.ERROR)
            path = report.value(r, SH.resultPath)
            message = report.value(r, SH.resultMessage)
            details = frozenset(
                c for d in report.objects(r, SH.detail)
                if isinstance(c := report.value(d, SH.sourceConstraintComponent), URIRef)
            )
            out.append(ShaclResult(
                severity=severity,
                focus=report.value(r, SH.focusNode),
                path=path if isinstance(path, URIRef) else None,
                component=report.value(r, SH.sourceConstraintComponent),
                shape=_shape_of(sg, report.value(r, SH.sourceShape)),
                value=report.value(r, SH.value),
                message=str(message) if message is not None else None,
                detail_components=details,
            ))
    out.sort(key=lambda x: (str(x.focus), str(x.path), str(x.component), str(x.value)))
    return out


# --- results that are not reported ------------------------------------------------------------------

def _role(index: Mapping[Node, NodeInfo], node: Node) -> str | None:
    info = index.get(node)
    return info.role if info else None


def _graph_has_type(g: Graph, node: Node, cls: URIRef) -> bool:
    return (node, RDF.type, cls) in g


_Rule = Callable[[ShaclResult, Mapping[Node, NodeInfo], Graph], bool]
_SH = str(SH)

NOT_REPORTED: tuple[tuple[str, _Rule], ...] = (
    ("カタログは opendata.yaml から作られ、どのパッケージでも同じなので、パッケージごとには報告しません",
     lambda r, ix, g: _role(ix, r.focus) == "catalog"),
    ("DCAT-AP の提供者の語彙 (EU corporate bodies) に日本の自治体はありません",
     lambda r, ix, g: r.severity is Severity.WARNING and r.path == DCTERMS.publisher
     and str(r.component) == _SH + "NodeConstraintComponent"),
    ("DCAT-AP の地域の語彙 (EU の国・地名・GeoNames) の代わりに e-Stat の統計地域を使います",
     lambda r, ix, g: r.severity is Severity.WARNING and r.path == DCTERMS.spatial
     and str(r.component) == _SH + "NodeConstraintComponent"),
    ("対象地域は団体コードで示し、範囲 (bbox)・中心点 (centroid) は持ちません",
     lambda r, ix, g: r.severity is Severity.WARNING and r.path in (DCAT.bbox, DCAT.centroid)
     and _graph_has_type(g, r.focus, DCTERMS.Location)),
    ("dcatap:availability はプロパティ表にない項目です",
     lambda r, ix, g: r.severity is Severity.WARNING and r.path == DCATAP.availability),
    ("出典は題名とファイルだけで示します (推奨項目は出典には求めません)",
     lambda r, ix, g: r.severity is not Severity.ERROR and _role(ix, r.focus) == "source"),
    (("公式シェイプの不具合: ChecksumAlgorithmRestriction は https://spdx.org/rdf/terms で始まる IRI を求めますが、"
      "SPDX の名前空間は http://spdx.org/rdf/terms# です"),
     lambda r, ix, g: r.path == SPDX.algorithm and str(r.component) == _SH + "NodeConstraintComponent"
     and r.detail_components == frozenset({URIRef(_SH + "PatternConstraintComponent")})
     and isinstance(r.value, URIRef) and str(r.value).startswith(str(SPDX._NS))
     and _graph_has_type(g, r.value, SPDX.ChecksumAlgorithm)),
)


# --- messages ----------------------------------------------------------------------------------------

def _property(level: Level | None, path: URIRef | None) -> Property | None:
    if path is None or level is None:
        return None
    term = curie(path)
    if level is Level.RESOURCE and path == DCAT.accessURL:
        term = "dcat:downloadURL"  # both come from the resource's path
    return next((p for p in PROPERTIES if p.level is level and p.term == term), None)


def _vocab_label(node: Node | None) -> str | None:
    if node is None:
        return None
    labels = {lit.language: str(lit) for lit in vocab_graph().objects(node, RDFS.label) if isinstance(lit, Literal)}
    return labels.get("ja") or labels.get(None)


def _shape_value(shape: Node | None, path: URIRef | None, predicate: URIRef) -> Node | None:
    """A constraint parameter of the property shape for ``path`` in ``shape`` (e.g. its sh:maxCount)."""
    if shape is None or path is None:
        return None
    sg = shapes()
    for ps in sg.objects(shape, SH.property):
        if sg.value(ps, SH.path) == path:
            value = sg.value(ps, predicate)
            if value is not None:
                return value
    return None


def _problem(r: ShaclResult) -> str:
    name = r.component_name
    if name == "MinCountConstraintComponent":
        return "がありません"
    if name == "MaxCountConstraintComponent":
        n = _shape_value(r.shape, r.path, SH.maxCount)
        return f"が多すぎます (最大 {n} 個)" if n is not None else "が多すぎます"
    if name == "DatatypeConstraintComponent":
        dt = _shape_value(r.shape, r.path, SH.datatype)
        return f"の型が違います ({curie(dt)} が必要です)" if dt is not None else "の型が違います"
    if name == "ClassConstraintComponent":
        cls = _shape_value(r.shape, r.path, SH["class"])
        return f"の値の種類が違います ({curie(cls)} が必要です)" if cls is not None else "の値の種類が違います"
    if name == "NodeKindConstraintComponent":
        return "は IRI (URL) でなければなりません" if r.value is not None and isinstance(r.value, Literal) else (
            "はリテラル (文字列) でなければなりません")
    if name in ("NodeConstraintComponent", "OrConstraintComponent", "AndConstraintComponent"):
        return "の値が決められた語彙・形式に合いません"
    if name == "InConstraintComponent":
        return "の値が決められた語彙にありません"
    if name == "PatternConstraintComponent":
        return "の値が形式に合いません"
    if name == "HasValueConstraintComponent":
        return "に必要な値がありません"
    if name in ("MinInclusiveConstraintComponent", "MinExclusiveConstraintComponent"):
        return "の値が小さすぎます"
    return f"が条件を満たしません ({r.message})" if r.message else "が条件を満たしません"


def _subject_label(info: NodeInfo | None, g: Graph, focus: Node) -> str:
    if info is None:
        return curie(focus)
    if info.role == "dataset":
        return "データセット"
    if info.role == "distribution":
        return f"リソース {info.resource}"
    if info.role == "data":
        for cls in sorted(g.objects(focus, RDF.type), key=str):
            label = _vocab_label(cls)
            if label:
                return f"{label} ({info.resource} の {info.row} 行目)" if info.row else label
        return info.resource or curie(focus)
    prop = next((p for p in PROPERTIES if info.key and info.key.rsplit(".", 1)[-1] == p.key
                 and p.level is info.level), None)
    what = f"「{prop.label}」" if prop else curie(focus)
    return f"{what}の値 ({curie(focus)})"


def _message(r: ShaclResult, info: NodeInfo | None, g: Graph) -> str:
    prop = _property(info.level if info else None, r.path)
    if prop is not None:
        label = f"「{prop.label}」({curie(r.path)})"
    elif r.path is not None:
        vocab = _vocab_label(r.path)
        label = f"「{vocab}」({curie(r.path)})" if vocab else curie(r.path)
    else:
        label = ""
    subject = _subject_label(info, g, r.focus)
    shape_message = None
    if r.shape is not None and str(r.shape).startswith(_OUR_SHAPES_NS):
        # Our shapes say in Japanese what is wrong where a generic phrase would not.
        for ps in shapes().objects(r.shape, SH.property):
            if shapes().value(ps, SH.path) == r.path:
                msgs = {m.language: str(m) for m in shapes().objects(ps, SH.message) if isinstance(m, Literal)}
                shape_message = msgs.get("ja") or shape_message
    source = "DCAT-AP 3.0.1" if r.shape is None or not str(r.shape).startswith(_OUR_SHAPES_NS) else "opendata-pub"
    no = "の" if not subject[-1:].isascii() else " の"
    if shape_message:
        text = f"{subject}: {shape_message}" + (f" — {label}" if label else "")
    elif label:
        text = f"{subject}{no}{label} {_problem(r)}"
    else:
        text = f"{subject} {_problem(r)}"
    return f"{text} [{source}]"


# --- the layer ----------------------------------------------------------------------------------------

def _where(info: NodeInfo | None, r: ShaclResult, file: str, resource_files: Mapping[str, str]) -> Location:
    if info is None:
        return Location(file=file)
    if info.role == "data" and info.resource is not None:
        column = None
        for col in COLUMNS.get(info.resource, ()):
            if col.predicate == r.path:
                column = col.name
        if column is None and r.path is not None:
            column = LINK_COLUMNS.get(r.path)
        return Location(file=resource_files.get(info.resource, file), row=info.row, field=column)
    prop = _property(info.level, r.path)
    if info.role in ("dataset", "distribution") and prop is not None:
        return Location(file=file, key=f"{info.key or ''}{prop.key}")
    key = (info.key or "").rstrip(".") or None
    return Location(file=file, key=key)


def _rows(package: LocalPackage, encodings: Mapping[str, str]) -> dict[str, list[dict[str, Any]]]:
    """The evaluation tables' rows; a table that cannot be read is left out (layer data says why)."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for res in package.resources():
        name = res.get("name")
        if name not in EVALUATION_TABLES:
            continue
        desc = dict(res)
        if name in encodings:
            desc["encoding"] = encodings[name]
        try:
            rows[str(name)] = read_rows(package.root, desc)
        except InputError as exc:  # unreadable: the data layer reports it
            log.debug("SHACL: rows of %s left out: %s", name, exc)
            continue
    return rows


def _resource_files(package: LocalPackage) -> dict[str, str]:
    """Each resource's file as findings show it (relative to the working directory when inside)."""
    out = {}
    for res in package.resources():
        target = resolve_data_path(package.root, res.get("path"))
        if isinstance(target, Path):
            try:
                out[str(res.get("name"))] = os.path.relpath(target)
            except ValueError:  # another drive on Windows
                out[str(res.get("name"))] = str(target)
    return out


def check_shacl(
    package: LocalPackage,
    settings: Settings | None,
    *,
    file: str,
    encodings: Mapping[str, str] | None = None,
) -> ShaclOutcome:
    """Layer (e) for one package: its DCAT-AP graph (and evaluation data) against the shapes.

    ``file`` is the descriptor as shown in findings; ``encodings`` the encodings layer (b) decided
    (rows are read with them). Never raises for problems in the package: a crash of ours on odd
    input becomes a ``shacl-crashed`` finding (``OPENDATA_PUB_DEBUG`` re-raises it).
    """
    started = time.perf_counter()
    base = settings.catalog.base_url if settings is not None and settings.catalog.base_url else None
    outcome = ShaclOutcome(base_url=base or PLACEHOLDER_BASE_URL, placeholder_base=base is None)
    try:
        rows = _rows(package, encodings or {}) if is_evaluation_package(package.descriptor) else None
        pg: PackageGraph = build_package_graph(package, settings, base_url=outcome.base_url, rows=rows,
                                               include_data=rows is not None)
        results = validate_graph(pg.graph)
    except UnsafeTerm as exc:
        # A value that cannot become RDF: the metadata layer (or, for a cell, the data rules) names
        # it as an error; shapes over a graph without it would only add noise.
        outcome.findings.append(Finding(
            "shacl-skipped", f"RDF にできない値があるため SHACL の検証を省きました ({exc.where or exc.path})",
            Severity.INFO, Location(file=file), Layer.SHACL, None, {"value": exc.value}))
        outcome.seconds = time.perf_counter() - started
        return outcome
    except Exception as exc:  # noqa: BLE001 - a bug of ours on odd input must not hide the other layers
        if os.environ.get("OPENDATA_PUB_DEBUG"):
            raise
        outcome.findings.append(Finding(
            "shacl-crashed", f"SHACL の検証中にエラーが起きました: {type(exc).__name__}: {exc}",
            Severity.ERROR, Location(file=file), Layer.SHACL))
        outcome.seconds = time.perf_counter() - started
        return outcome
    outcome.results = results
    files_of = _resource_files(package)
    seen: set[tuple[str, str, Location, str | None]] = set()
    for r in results:
        reason = next((why for why, rule in NOT_REPORTED if rule(r, pg.index, pg.graph)), None)
        if reason is not None:
            outcome.not_reported.append((r, reason))
            continue
        info = pg.index.get(r.focus)
        params: dict[str, Any] = {
            "focus": str(r.focus),
            "path": curie(r.path) if r.path is not None else None,
            "shape": str(r.shape) if r.shape is not None else None,
            "constraint": r.component_name,
            "iri_base": outcome.base_url,
        }
        if r.value is not None:
            params["value"] = str(r.value)
        finding = Finding(
            _CODE[r.severity], _message(r, info, pg.graph), r.severity,
            _where(info, r, file, files_of), Layer.SHACL, info.resource if info else None,
            {k: v for k, v in params.items() if v is not None},
        )
        # Two shapes files may say the same thing about the same value (DCAT-AP checks nodeKind in
        # both the core and the vocabulary shapes): report it once.
        key = (finding.code, finding.message, finding.where, finding.resource)
        if key not in seen:
            seen.add(key)
            outcome.findings.append(finding)
    outcome.seconds = time.perf_counter() - started
    log.debug("SHACL %s: %d results, %d reported, %.3f s", package.name, len(results), len(outcome.findings),
              outcome.seconds)
    return outcome
