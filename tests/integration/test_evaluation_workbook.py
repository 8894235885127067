"""An evaluation workbook of the row-per-program 事務事業評価 kind, end to end (issue 11): imported with
no --layout, validated clean, published to a folder and to the real CKAN; after that, changed data
needs a new modified, which the portal (not a local guess) decides."""

from __future__ import annotations

from pathlib import Path

from opendata_pub.portals.mapping import resource_key
from tests.conftest import write
from tests.portals.integration_support import package_show
from tests.projectfiles import KIYOSE, as_yaml, config, publisher
from tests.records.workbook_factory import build_workbook, generate_programs


def _project(tmp_path: Path, ckan, org: str) -> tuple[Path, Path]:
    root = tmp_path / "proj"
    # a catalog with base_url, so the same project also publishes as a static catalog
    write(root / "opendata.yaml", as_yaml(config(publisher(KIYOSE, organization=org),
                                                 portals={"local": {"url": ckan.url, "token": {"$env": "ODP_IT_TOKEN"}}},
                                                 default_target="local")))
    (root / "datapackages").mkdir()
    built = build_workbook(tmp_path / "事務事業評価R7.xlsx", generate_programs(6), years=6, formatted_to=300)
    return root, built.path


def test_workbook_imports_validates_and_publishes_to_ckan_and_a_folder(ckan, ckan_org, tmp_path, cli, monkeypatch):
    monkeypatch.setenv("ODP_IT_TOKEN", ckan.token)
    root, workbook = _project(tmp_path, ckan, ckan_org)
    name = f"jimu-{ckan_org}"[:60]
    r = cli("evaluation", "import", str(workbook), "-m", "132217", "-p", f"datapackages/{name}",
            "--date", "2026-12-05", "--format", "json", cwd=root)
    assert r.code == 0, r.out + r.err
    assert r.json["layouts"] == ["gyosei-keiei-jimu-jigyo"] and len(r.json["evaluations"]) == 6
    v = cli("validate", "--format", "json", cwd=root)
    assert v.code == 0 and v.json["summary"]["errors"] == 0, v.out

    r = cli("publish", cwd=root)
    assert r.code == 0, r.out + r.err
    pkg = package_show(ckan, name)
    names = [resource_key(x) for x in pkg["resources"]]
    assert {"evaluations", "programs", "costs", "staffing", "indicators", "indicator_values", "assessments",
            "narratives", "datapackage.json"} <= set(names)

    r = cli("publish", "--to", str(root / "site"), cwd=root)
    assert r.code == 0, r.out + r.err
    assert (root / "site" / name / "index.html").is_file()
    assert (root / "site" / name / "data" / "assessments.csv").is_file()

    # published on the portal: changed data under the old modified is refused; --modified goes through
    record = next((root / "datapackages" / name / "sources/evaluations").glob("*.yaml"))
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("criterion: 政策体系との整合性", "criterion: 政策体系との整合", 1), encoding="utf-8")
    r = cli("build", cwd=root)
    assert r.code == 1 and "--modified" in r.err
    assert cli("build", "--modified", "2026-12-06", cwd=root).code == 0
