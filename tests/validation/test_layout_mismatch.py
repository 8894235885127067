"""The issue-14 path taken the other way: a package made with ``new --template AED`` and the real
file of the old 推奨 layout pasted into it. One finding says what happened and names the command
that fixes it, instead of an error in every cell (焼津市's 82 rows gave 450)."""

from __future__ import annotations

import shutil
from pathlib import Path

from opendata_pub import actions
from opendata_pub.config import load_config
from tests.projectfiles import as_yaml, config

AED = Path(__file__).resolve().parents[1] / "fixtures" / "jp-csv" / "yaizu_aed_utf8.csv"
YAIZU = {"code": "222127", "name": "焼津市", "license": "PDL-1.0",
         "contact": {"name": "情報政策課", "email": "opendata@example.lg.jp"}}
CATALOG = {"title": "焼津市オープンデータ", "operator": "222127", "base_url": "https://opendata.example.lg.jp/"}


def _settings(tmp_path: Path):  # noqa: ANN202 - Settings
    (tmp_path / "opendata.yaml").write_text(as_yaml(config(YAIZU, catalog=CATALOG)), encoding="utf-8")
    return load_config(tmp_path / "opendata.yaml")


def test_a_pasted_file_of_another_layout_is_one_finding_with_the_fix(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    made = actions.new_package(tmp_path / "aed", "AED", settings=settings)
    csv_path = made.path / made.descriptor["resources"][0]["path"]
    shutil.copyfile(AED, csv_path)

    report = actions.validate([made.path], settings=settings)
    errors = report.errors
    assert [f.code for f in errors] == ["standard-layout-mismatch"], [str(f) for f in errors]
    [finding] = errors
    assert finding.params["standard"] == "jp-ods-08-aed"
    assert finding.params["variant"] == "suisho"
    assert "旧推奨" in finding.message
    assert finding.hint is not None and "opendata-pub new --from" in finding.hint

    # and the command the hint names gives a valid package from the same file
    fixed = actions.new_from(csv_path, tmp_path / "aed-fixed", settings=settings)
    assert fixed.report.valid, [str(f) for f in fixed.report.errors]


def test_a_file_in_the_schemas_own_layout_is_checked_row_by_row(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    adopted = actions.new_from(AED, tmp_path / "aed", settings=settings).adopted
    data = adopted.path / adopted.descriptor["resources"][0]["path"]
    text = data.read_text(encoding="utf-8").splitlines(keepends=True)
    data.write_text(text[0] + text[1].replace("34.866918", "北緯"), encoding="utf-8")
    codes = {f.code for f in actions.validate([adopted.path], settings=settings).errors}
    assert "standard-layout-mismatch" not in codes
    assert "type-error" in codes  # the row is read against the schema
