"""The 06 オープンデータ一覧 CSV: the standard's columns, one row per file, valid against the schema."""

from __future__ import annotations

import ast
import csv
import hashlib
import inspect
import io
from pathlib import Path

from opendata_pub.config import Settings
from opendata_pub.inventory import (
    OPEN_DATA_LIST_STANDARD,
    Inventory,
    build_inventory,
    load_inventory_file,
    open_data_list_columns,
    open_data_list_csv,
    open_data_list_rows,
)
from opendata_pub.packaging.project import load_packages
from opendata_pub.packaging.writer import build_package
from opendata_pub.standards import load_standard, match_standard, schema_for_headers
from opendata_pub.validation.validator import Profile, validate_package
from opendata_pub.yamlio import dump_yaml

from .conftest import SEED_INVENTORY

RES = [
    {"name": "towns", "path": "data/towns.csv", "title": "団体一覧", "description": "団体コードと名前",
     "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
     "schema": {"fields": [{"name": "code", "type": "string"}, {"name": "name", "type": "string"}]}},
    {"name": "aed", "path": "data/aed.csv", "title": "AED", "format": "csv", "mediatype": "text/csv",
     "encoding": "utf-8",
     "schema": {**schema_for_headers(["名称", "所在地_連結表記", "設置位置"], "jp-ods-08-aed")}},
]


def _project(settings: Settings) -> Inventory:
    build_package(settings.packages_path / "kiyose-demo", {
        "name": "kiyose-demo", "title": "清瀬市 デモ", "description": "説明, with a comma\nand a line break",
        "publisher": "132217", "keywords": ["デモ", "テスト"], "themes": ["GOVE"], "spatial": ["132217"],
        "temporal": {"start": "2020-04-01", "end": "2021-03-31"}, "accrualPeriodicity": "ANNUAL",
        "issued": "2021-03-31", "modified": "2021-10-01", "language": ["ja"],
    }, RES, {"towns": [{"code": "132217", "name": "清瀬市"}],
             "aed": [{"名称": "市役所", "所在地_連結表記": "東京都清瀬市中里5-842", "設置位置": "1階"}]})
    (settings.packages_path / "inventory.yaml").write_bytes(SEED_INVENTORY.read_bytes())
    return build_inventory(settings, load_packages(settings))


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def test_columns_are_the_standard_schema_current_layout() -> None:
    standard = load_standard(OPEN_DATA_LIST_STANDARD)
    expected = [f["name"] for f in standard["fields"]]
    assert open_data_list_columns() == expected
    assert "都道府県名" not in expected and len(expected) == 45  # SHIRASAGI's 45 columns
    assert expected[:2] == ["データセット_ID", "全国地方公共団体コード"]
    assert expected[-1] == "ファイル_著作権表記" and "ファイル_形式" in expected


def _literal_row_keys() -> set[str]:
    """Every string literal the writer uses as a row key: dict-display keys and ``row[...] =`` targets."""
    from opendata_pub.inventory import opendata_list

    tree = ast.parse(inspect.getsource(opendata_list))
    keys: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keys.update(k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str))
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store):
            if isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
                keys.add(node.slice.value)
    return keys


def test_every_key_the_rows_use_is_a_field_of_the_schema(settings: Settings) -> None:
    # csv_bytes drops keys that are not columns: a misspelt or renamed key would vanish silently
    fields = set(open_data_list_columns())
    literal = _literal_row_keys()
    assert len(literal) > 30 and literal <= fields, sorted(literal - fields)
    used = {k for row in open_data_list_rows(_project(settings)) for k in row}
    assert used <= fields, sorted(used - fields)
    assert {"ファイル_ID", "データセット_作成者", "ファイル_形式"} <= used


def test_rows_one_per_file_and_one_per_unpackaged_entry(settings: Settings) -> None:
    inv = _project(settings)
    data = open_data_list_csv(inv)
    header = next(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert header == open_data_list_columns()
    rows = _rows(data)
    assert [r["データセット_ID"] for r in rows] == [
        "kiyose-demo", "kiyose-demo", "kiyose-election-turnout", "kiyose-school-district",
        "koto-public-facilities", "koto-tourism-facilities-events", "koto-public-wifi",
        "koto-food-business-permits", "koto-garbage-collection"]
    towns, aed = rows[0], rows[1]
    assert towns["全国地方公共団体コード"] == "132217" and towns["地方公共団体名"] == "清瀬市"
    assert towns["データセット_概要"] == "説明, with a comma\nand a line break"
    assert towns["データセット_キーワード"] == "デモ;テスト"
    assert (towns["データセット_公開日"], towns["データセット_最終更新日"]) == ("2021-03-31", "2021-10-01")
    assert towns["データセット_URL"] == "https://opendata.example.lg.jp/kiyose-demo/"
    assert towns["ファイル_ダウンロードURL"] == "https://opendata.example.lg.jp/kiyose-demo/data/towns.csv"
    assert towns["ファイル_タイトル"] == "団体一覧" and towns["ファイル_形式"] == "CSV"
    assert towns["ファイル_ID"] == "towns" and aed["ファイル_ID"] == "aed"
    assert towns["データセット_作成者"] == "清瀬市" and towns["ファイル_著作権表記"] == ""
    assert towns["ファイル_ライセンス"] == "公共データ利用規約（第1.0版）"  # the publisher's default
    assert towns["ファイル_利用規約"] == "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0"
    assert towns["ファイル_サイズ"] == str(len("code,name\n132217,清瀬市\n".encode()))
    assert towns["データセット_更新頻度"] == "毎年" and towns["データセット_言語"] == "ja"
    assert towns["データセット_対象期間"] == "2020-04-01/2021-03-31" and towns["データセット_対象地域"] == "清瀬市"
    assert towns["データセット_連絡先メールアドレス"] == "opendata@example.lg.jp"
    assert towns["ファイル_ステータス"] == "公開" and towns["ファイル_API対応有無"] == "無"
    assert aed["ファイル_準拠する標準"] == "自治体標準オープンデータセット AED設置箇所一覧"
    assert aed["データセット_準拠する標準"] == "自治体標準オープンデータセット AED設置箇所一覧"
    turnout = rows[2]
    assert turnout["データセット_公開日"] == "" and turnout["ファイル_ダウンロードURL"] == ""
    assert turnout["データセット_備考"].startswith("公開: 令和2年度（公開日は不明） シートに「令和2年度新たに")
    assert "情報源: 清瀬市 施策評価シート 令和2年度" in turnout["データセット_備考"]
    facilities = rows[4]
    assert facilities["データセット_備考"].startswith("公開: 令和3年度まで（遅くともこの年度。正確な年度は不明）")
    assert facilities["地方公共団体名"] == "江東区" and facilities["データセット_分類"] == "行財政"
    # one publisher only
    assert {r["全国地方公共団体コード"] for r in _rows(open_data_list_csv(inv, "131083"))} == {"131083"}


def test_csv_validates_against_the_standard_schema(settings: Settings, tmp_path: Path) -> None:
    """Through opendata_pub.standards: recognised as 06, and valid under its schema (types, patterns, enums)."""
    data = open_data_list_csv(_project(settings))
    header = next(csv.reader(io.StringIO(data.decode("utf-8"))))
    match = match_standard(header)
    assert match is not None and match.standard_id == OPEN_DATA_LIST_STANDARD
    assert match.unmatched == () and match.missing_required == ()
    pkg = tmp_path / "list"
    (pkg / "data").mkdir(parents=True)
    (pkg / "data" / "list.csv").write_bytes(data)
    descriptor = {"name": "list", "resources": [{
        "name": "list", "path": "data/list.csv", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
        "bytes": len(data), "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
        "schema": schema_for_headers(header, OPEN_DATA_LIST_STANDARD),
    }]}
    (pkg / "datapackage.yaml").write_text(dump_yaml(descriptor), encoding="utf-8")
    report = validate_package(pkg, settings, profile=Profile.NONE)
    assert report.valid, [f.to_dict() for f in report.findings]
    assert [f for f in report.findings if f.severity.value != "info"] == []


def test_bom_copy_and_determinism(settings: Settings) -> None:
    inv = _project(settings)
    plain = open_data_list_csv(inv)
    assert plain == open_data_list_csv(build_inventory(settings, load_packages(settings)))
    bom = open_data_list_csv(inv, bom=True)
    assert bom.startswith(b"\xef\xbb\xbf") and bom[3:] == plain
    assert not plain.startswith(b"\xef\xbb\xbf") and b"\r\n" not in plain


def test_seed_inventory_alone(settings: Settings) -> None:
    f = load_inventory_file(SEED_INVENTORY, settings=settings)
    rows = _rows(open_data_list_csv(Inventory(f.entries, f.reported, {"132217": "清瀬市", "131083": "江東区"})))
    assert len(rows) == 7
    assert all(r["ファイル_ライセンス"] == "" and r["データセット_URL"] == "" for r in rows)  # not in the seeds
