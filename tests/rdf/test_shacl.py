"""The SHACL layer: DCAT-AP 3.0.1 + our shapes over the package's RDF, as findings of the report."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph

from opendata_pub.config import Settings
from opendata_pub.findings import Layer, Severity
from opendata_pub.packaging.package import LocalPackage, load_package
from opendata_pub.validation import shacl
from opendata_pub.validation.shacl import NOT_REPORTED, check_shacl, shapes
from opendata_pub.validation.validator import Profile, validate_package
from tests.rdf.conftest import (
    CONFIG,
    build_evaluation,
    build_full,
    eval_tables,
    settings_for,
)

RESOURCES = Path(shacl.__file__).resolve().parents[1] / "resources" / "shacl"


def _with(pkg: Path, **changes: Any) -> LocalPackage:
    p = load_package(pkg)
    desc = {**p.descriptor, **changes}
    return LocalPackage(p.root, p.descriptor_path, {k: v for k, v in desc.items() if v is not None})


def _shacl(pkg: LocalPackage | Path, settings: Settings) -> shacl.ShaclOutcome:
    p = pkg if isinstance(pkg, LocalPackage) else load_package(pkg)
    return check_shacl(p, settings, file="datapackage.yaml")


# --- complete packages conform ----------------------------------------------------------------------

def test_complete_package_has_no_violation_against_dcat_ap_and_ours(full_package: Path, settings: Settings) -> None:
    out = _shacl(full_package, settings)
    assert out.findings == []
    # what is not reported is only what NOT_REPORTED names, for the reasons it gives
    reasons = {why for _, why in out.not_reported}
    assert reasons <= {why for why, _ in NOT_REPORTED}
    violations = [r for r, why in out.not_reported if r.severity is Severity.ERROR]
    assert violations and all(r.path is not None and r.path.endswith("#algorithm") for r in violations), (
        "the only violations left are the official shapes' checksum-algorithm defect")


def test_complete_evaluation_package_conforms(eval_package: Path, settings: Settings) -> None:
    out = _shacl(eval_package, settings)
    assert out.findings == []
    assert out.seconds < 10 and out.seconds > 0


def test_validate_runs_the_layer(full_package: Path, settings: Settings) -> None:
    rep = validate_package(full_package, settings)
    assert rep.checked[-1] == Layer.SHACL.value
    assert [f for f in rep.findings if f.layer is Layer.SHACL] == []
    assert rep.valid, [str(f) for f in rep.findings]
    assert Layer.SHACL.value not in validate_package(full_package, settings, profile=Profile.NONE).checked


# --- broken packages give findings ------------------------------------------------------------------

def test_missing_title(full_package: Path, settings: Settings) -> None:
    out = _shacl(_with(full_package, title=None), settings)
    [f] = out.findings
    assert (f.code, f.severity, f.layer) == ("shacl-violation", Severity.ERROR, Layer.SHACL)
    assert f.where.key == "title" and f.where.file == "datapackage.yaml"
    assert f.params["path"] == "dct:title" and f.params["constraint"] == "MinCountConstraintComponent"
    assert f.params["focus"].endswith("/dataset/full")
    assert "shapes.ttl#Dataset_Shape" in f.params["shape"]
    assert "「タイトル」" in f.message and "がありません" in f.message and "DCAT-AP 3.0.1" in f.message


def test_missing_title_in_the_report(tmp_path: Path, settings: Settings) -> None:
    pkg = build_full(tmp_path / "p")
    desc = pkg / "datapackage.yaml"
    desc.write_text(re.sub(r"(?m)^title: .*\n", "", desc.read_text(encoding="utf-8")), encoding="utf-8")
    rep = validate_package(pkg, settings)
    codes = {(f.layer.value, f.code, f.where.key) for f in rep.findings}
    assert ("metadata", "metadata-missing", "title") in codes
    assert ("shacl", "shacl-violation", "title") in codes


def test_bad_licence(full_package: Path, settings: Settings) -> None:
    out = _shacl(_with(full_package, licenses=[{"name": "うちの利用規約"}]), settings)
    keys = {(f.code, f.where.key, f.resource, f.params["constraint"]) for f in out.findings}
    # not a licence IRI: DCAT-AP wants an IRI (a dct:LicenseDocument) on each distribution that inherits it
    assert ("shacl-violation", "resources[0].licenses", "towns", "NodeKindConstraintComponent") in keys
    assert ("shacl-violation", "resources[2].licenses", "stats", "NodeKindConstraintComponent") in keys
    assert all("「ライセンス」" in f.message for f in out.findings)
    assert not any(f.resource == "notes" for f in out.findings)  # it has a licence of its own


def test_two_licences_on_one_distribution(full_package: Path, settings: Settings) -> None:
    two = [{"name": "PDL-1.0"}, {"name": "CC0-1.0"}]
    out = _shacl(_with(full_package, licenses=two), settings)
    assert {(f.where.key, f.params["constraint"]) for f in out.findings} >= {
        ("resources[0].licenses", "MaxCountConstraintComponent")}
    assert any("最大 1 個" in f.message for f in out.findings)


def test_bad_byte_size_and_unknown_format(full_package: Path, settings: Settings) -> None:
    p = load_package(full_package)
    res = [dict(r) for r in p.resources()]
    res[0]["bytes"] = -5
    res[1]["format"] = "sqlite"
    out = _shacl(LocalPackage(p.root, p.descriptor_path, {**p.descriptor, "resources": res}), settings)
    found = {(f.code, f.where.key, f.params["constraint"]) for f in out.findings}
    assert ("shacl-violation", "resources[0].bytes", "DatatypeConstraintComponent") in found
    assert ("shacl-violation", "resources[1].format", "NodeKindConstraintComponent") in found


def test_evaluation_data_problems_point_at_rows_and_columns(tmp_path: Path, settings: Settings) -> None:
    tables = eval_tables()
    tables["costs"][0]["stage"] = "決算"
    tables["indicator_values"][1]["achievement_rate"] = -3
    tables["challenges"][0]["challenge"] = ""
    out = _shacl(build_evaluation(tmp_path / "k", tables), settings)
    by_field = {(f.where.field, f.where.row, f.code) for f in out.findings}
    assert ("stage", 2, "shacl-violation") in by_field
    assert ("achievement_rate", 3, "shacl-warning") in by_field
    assert ("challenge", 2, "shacl-violation") in by_field
    stage = next(f for f in out.findings if f.where.field == "stage")
    assert stage.where.file.endswith("costs.csv") and stage.resource == "costs"
    assert "段階は budget・settlement・preliminary_settlement のいずれかです" in stage.message
    assert "opendata-pub" in stage.message


def test_placeholder_base_without_base_url(full_package: Path, tmp_path: Path) -> None:
    cfg = {**CONFIG, "catalog": {k: v for k, v in CONFIG["catalog"].items() if k != "base_url"}}
    s = settings_for(cfg, tmp_path)
    out = _shacl(_with(full_package, title=None), s)
    assert out.placeholder_base and out.base_url == "https://example.invalid/"
    [f] = out.findings
    assert f.params["iri_base"] == "https://example.invalid/"
    assert _shacl(full_package, s).findings == []  # the checks do not depend on the base


def test_a_crash_is_a_finding_not_a_crashed_run(full_package: Path, settings: Settings,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_a: Any, **_k: Any) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(shacl, "build_package_graph", boom)
    monkeypatch.delenv("OPENDATA_PUB_DEBUG", raising=False)
    [f] = _shacl(full_package, settings).findings
    assert f.code == "shacl-crashed" and f.severity is Severity.ERROR


def test_severities_map_to_findings(full_package: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    custom = Graph().parse(format="turtle", data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix dcat: <http://www.w3.org/ns/dcat#> .
        @prefix ex: <http://example.org/> .
        ex:A a sh:NodeShape ; sh:targetClass dcat:Dataset ;
            sh:property [ sh:path ex:a ; sh:minCount 1 ; sh:severity sh:Info ] ,
                        [ sh:path ex:b ; sh:minCount 1 ; sh:severity sh:Warning ] ,
                        [ sh:path ex:c ; sh:minCount 1 ] .
    """)
    monkeypatch.setattr(shacl, "shapes", lambda: custom)
    out = _shacl(full_package, settings)
    on_dataset = [f for f in out.findings if f.params["focus"].endswith("/dataset/full")]
    assert sorted((f.code, f.severity.value) for f in on_dataset) == [
        ("shacl-info", "info"), ("shacl-violation", "error"), ("shacl-warning", "warning")]
    # sources are datasets too (by subclass): their violations are reported, their warnings are not
    assert {f.code for f in out.findings if f not in on_dataset} == {"shacl-violation"}


# --- the shapes -------------------------------------------------------------------------------------

def test_shapes_are_parsed_once() -> None:
    assert shapes() is shapes()
    assert len(shapes()) > 1000


def test_vendored_shapes_are_the_official_bytes() -> None:
    notice = (RESOURCES / "NOTICE.md").read_text(encoding="utf-8")
    assert "CC-BY-4.0" in notice and "SEMIC" in notice
    for name in shacl.DCAT_AP_SHAPES:
        digest = hashlib.sha256((RESOURCES / "dcat-ap-3.0.1" / name).read_bytes()).hexdigest()
        assert f"`{name}`" in notice and digest in notice, name


def test_no_owl_imports_are_followed(full_package: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    # there is no network here; a lookup would hang or fail, so any attempt must fail the test
    import urllib.request

    def no_network(*_a: Any, **_k: Any) -> None:
        raise AssertionError("network access")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    assert _shacl(full_package, settings).findings == []
