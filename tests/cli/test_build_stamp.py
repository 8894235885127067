"""`opendata-pub build DIR` on a hand-made package (no sources/): validate names the command, build
records bytes and hash, validate is clean; a later edit of the data is caught and fixed the same way."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import CONFIG, GOOD_DESCRIPTOR, CliResult, write
from tests.projectfiles import TOWNS_CSV

HINT = "`opendata-pub build datapackages/demo` で記録できます"
RESTAMP = "ファイルを直したのなら `opendata-pub build datapackages/demo` で記録し直せます"


def _stamp_findings(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for p in report["packages"] for f in p["findings"]
            if f["code"] in {"hash-count", "byte-count"}
            or (f["code"] == "metadata-recommended" and f["params"]["property"] in {"bytes", "hash"})]


def test_hand_made_package_gets_bytes_and_hash(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    write(tmp_path / "opendata.yaml", CONFIG)
    pkg = tmp_path / "datapackages" / "demo"
    write(pkg / "datapackage.yaml", "# 手で書いた記述子\n" + GOOD_DESCRIPTOR)
    write(pkg / "data" / "towns.csv", TOWNS_CSV)

    r = cli("validate", "datapackages/demo", "--format", "json", cwd=tmp_path)
    missing = _stamp_findings(r.json)
    assert {(f["code"], f["where"]["key"]) for f in missing} == {
        ("metadata-recommended", "resources[0].bytes"), ("metadata-recommended", "resources[0].hash")}
    assert all(f["hint"] == HINT for f in missing)
    text = cli("validate", "datapackages/demo", cwd=tmp_path).out
    assert text.count(f"ヒント: {HINT}") == 2

    r = cli("build", "datapackages/demo", cwd=tmp_path)
    assert r.code == 0, r.out + r.err
    assert "bytes・hash を記録しました: datapackages/demo (1 リソース、変更 1)" in r.out
    assert (pkg / "datapackage.yaml").read_text(encoding="utf-8").startswith("# 手で書いた記述子\n")
    r = cli("validate", "datapackages/demo", "--format", "json", cwd=tmp_path)
    assert r.code == 0 and _stamp_findings(r.json) == []
    before = (pkg / "datapackage.yaml").read_bytes()
    r = cli("build", "--format", "json", cwd=tmp_path)  # every package: nothing left to record
    assert r.json["packages"][0]["kind"] == "stamped" and r.json["packages"][0]["written"] == []
    assert (pkg / "datapackage.yaml").read_bytes() == before

    (pkg / "data" / "towns.csv").write_text(TOWNS_CSV + "131083,江東区,530000\n", encoding="utf-8")
    r = cli("validate", "datapackages/demo", "--format", "json", cwd=tmp_path)
    stale = _stamp_findings(r.json)
    assert r.code == 1 and {f["code"] for f in stale} == {"hash-count", "byte-count"}
    assert all(f["severity"] == "error" and f["hint"] == RESTAMP for f in stale)
    assert f"ヒント: {RESTAMP}" in cli("validate", "datapackages/demo", cwd=tmp_path).out

    r = cli("build", "datapackages/demo", "--modified", "2026-12-05", "--format", "json", cwd=tmp_path)
    stamped = r.json["packages"][0]["stamped"]
    assert r.code == 0 and stamped["modified"] == "2026-12-05"
    assert [(x["name"], x["changed"], x["bytes"]) for x in stamped["resources"]] == [
        ("towns", True, len((pkg / "data" / "towns.csv").read_bytes()))]
    r = cli("validate", "datapackages/demo", "--format", "json", cwd=tmp_path)
    assert r.code == 0 and _stamp_findings(r.json) == []


def test_missing_data_file_fails_the_build_naming_it(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    write(tmp_path / "opendata.yaml", CONFIG)
    pkg = tmp_path / "datapackages" / "demo"
    write(pkg / "datapackage.yaml", GOOD_DESCRIPTOR)
    before = (pkg / "datapackage.yaml").read_bytes()
    r = cli("build", "datapackages/demo", cwd=tmp_path)
    assert r.code != 0 and "data/towns.csv" in r.out + r.err
    assert (pkg / "datapackage.yaml").read_bytes() == before
