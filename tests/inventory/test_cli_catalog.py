"""The commands ``opendata-pub inventory`` and ``opendata-pub new``."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from opendata_pub.config import load_config
from opendata_pub.inventory import build_inventory, open_data_list_csv
from opendata_pub.packaging.package import load_package
from opendata_pub.packaging.project import load_packages
from opendata_pub.standards import load_standard
from opendata_pub.yamlio import parse_yaml
from tests.conftest import listing, no_traceback

from .conftest import CONFIG_YAML, SEED_INVENTORY


@pytest.fixture
def proj(tmp_path: Path) -> Path:
    (tmp_path / "opendata.yaml").write_text(CONFIG_YAML, encoding="utf-8")
    (tmp_path / "datapackages").mkdir()
    (tmp_path / "datapackages" / "inventory.yaml").write_bytes(SEED_INVENTORY.read_bytes())
    return tmp_path


def test_inventory_table(cli, proj: Path) -> None:
    r = cli("inventory", cwd=proj)
    assert r.code == 0, r.err
    for head in ("タイトル", "提供者", "状態", "公開年度", "ライセンス", "年度別の公開数", "新規", "累計", "報告値"):
        assert head in r.out
    for title in ("選挙の投票率", "小中学校の通学区域情報", "公共施設", "ごみ収集日・分別一覧"):
        assert title in r.out
    assert "令和3年度まで" in r.out
    assert "7 件 (パッケージ 0 件、inventory.yaml 7 件、うち公開年度が上限だけのもの 3 件)" in r.out


def test_inventory_csv_and_json(cli, proj: Path) -> None:
    r = cli("inventory", "--format", "csv", cwd=proj)
    assert r.code == 0, r.err
    settings = load_config(proj / "opendata.yaml")
    assert r.out.encode("utf-8") == open_data_list_csv(build_inventory(settings, load_packages(settings)))
    r = cli("inventory", "-f", "csv", "--publisher", "132217", cwd=proj)
    codes = {row["全国地方公共団体コード"] for row in csv.DictReader(io.StringIO(r.out))}
    assert codes == {"132217"}

    r = cli("inventory", "--format", "json", cwd=proj)
    assert r.code == 0, r.err
    data = r.json
    assert data["version"] == 1 and len(data["entries"]) == 7
    koto = next(c for c in data["counts"] if c["publisher"] == "131083")
    assert [(y["label"], y["new"], y["cumulative"], y["reportedCumulative"]) for y in koto["years"]] == [
        ("令和元年度", 0, 0, 4), ("令和2年度", 0, 0, 7), ("令和3年度", 3, 3, 8), ("令和4年度", 2, 5, 16)]
    entry = next(e for e in data["entries"] if e["id"] == "koto-public-wifi")
    assert entry["fiscalYearLabel"] == "令和3年度まで" and entry["datePrecision"] == "by-fiscal-year"


def test_inventory_errors(cli, proj: Path) -> None:
    r = cli("inventory", "--publisher", "222127", cwd=proj)
    assert r.code == 2 and "222127" in r.err and no_traceback(r.err)
    inv = proj / "datapackages" / "inventory.yaml"
    inv.write_text(inv.read_text(encoding="utf-8").replace("status: published", "status: public", 1), encoding="utf-8")
    r = cli("inventory", cwd=proj)
    assert r.code == 2
    assert "inventory.yaml:line 21, datasets[0].status: published か planned" in r.err
    assert no_traceback(r.err)


EXPECTED_WARNINGS = {
    "temporal", "accrualPeriodicity", "issued", "modified", "resources[0].bytes", "resources[0].hash",
}


@pytest.mark.parametrize("template", ["jp-ods-08-aed", "08", "AED設置箇所一覧"])
def test_new_scaffolds_a_package_that_validates(cli, proj: Path, template: str) -> None:
    r = cli("new", "--template", template, "datapackages/kiyose-aed", cwd=proj)
    assert r.code == 0, r.err
    pkg = proj / "datapackages" / "kiyose-aed"
    assert listing(pkg) == {"datapackage.yaml", "data/132217_aed.csv"}
    assert "datapackages/kiyose-aed/datapackage.yaml" in r.out and "132217_aed.csv" in r.out
    d = load_package(pkg).descriptor
    assert d["name"] == "kiyose-aed" and d["title"] == "清瀬市 AED設置箇所一覧"
    assert d["publisher"] == "132217" and d["spatial"] == ["132217"] and d["language"] == ["ja"]
    assert d["licenses"][0]["name"] == "PDL-1.0" and d["themes"] == ["HEAL"]
    assert "TODO" not in (pkg / "datapackage.yaml").read_text(encoding="utf-8")
    schema = d["resources"][0]["schema"]
    assert schema["standard"] == "jp-ods-08-aed"
    standard_fields = [f["name"] for f in load_standard("08")["fields"] if not f.get("legacy")]
    assert [f["name"] for f in schema["fields"]] == standard_fields
    header = (pkg / "data" / "132217_aed.csv").read_text(encoding="utf-8")
    assert header == ",".join(standard_fields) + "\n"

    r = cli("validate", "datapackages/kiyose-aed", "--format", "json", cwd=proj)
    assert r.code == 0, r.out
    findings = r.json["packages"][0]["findings"]
    assert {f["severity"] for f in findings} <= {"warning", "info"}
    metadata = {f["where"]["key"] for f in findings if f["layer"] == "metadata"}
    assert metadata == EXPECTED_WARNINGS
    assert all(f["code"] == "metadata-recommended" for f in findings if f["layer"] == "metadata")
    # other layers (SHACL) may restate a missing recommended value, nothing else
    others = [f for f in findings if f["layer"] not in ("metadata", "data") and f["severity"] == "warning"]
    assert all(f["where"].get("key") in EXPECTED_WARNINGS for f in others), others


def test_new_with_another_publisher_and_standard(cli, proj: Path) -> None:
    r = cli("new", "-t", "17", "--publisher", "131083", "datapackages/koto-school", cwd=proj)
    assert r.code == 0, r.err
    d = parse_yaml((proj / "datapackages/koto-school/datapackage.yaml").read_text(encoding="utf-8"))
    assert d["title"] == "江東区 小中学校通学区域情報" and d["licenses"][0]["name"] == "CC-BY-4.0"
    assert d["resources"][0]["path"] == "data/131083_school-district.csv"
    assert cli("validate", "datapackages/koto-school", cwd=proj).code == 0


def test_new_refuses_and_writes_nothing(cli, proj: Path) -> None:
    before = listing(proj)
    (proj / "datapackages" / "taken").mkdir()
    (proj / "datapackages" / "taken" / "keep.txt").write_text("x")
    before = listing(proj)
    for args, message in (
        (("new", "-t", "08", "datapackages/taken"), "上書きしません"),
        (("new", "-t", "99", "datapackages/x"), "が見つかりません"),
        (("new", "-t", "08", "datapackages/Bad_Name"), "パッケージ名"),
        (("new", "-t", "08", "-p", "222127", "datapackages/y"), "publishers にありません"),
        (("new", "datapackages/z"), "--template"),
    ):
        r = cli(*args, cwd=proj)
        assert r.code == 2, (args, r.err)
        assert message in r.err and no_traceback(r.err)
        assert listing(proj) == before


def test_new_without_a_configured_publisher(cli, tmp_path: Path) -> None:
    r = cli("new", "-t", "jp-ods-27-polling-place", "pkg", cwd=tmp_path)
    assert r.code == 0, r.err
    d = parse_yaml((tmp_path / "pkg/datapackage.yaml").read_text(encoding="utf-8"))
    assert d["title"] == "○○市 投票所一覧" and "publisher" not in d
    assert d["resources"][0]["path"] == "data/polling-place.csv"
