"""A small publishing project for the site tests and the browser test.

Three packages from three publishers: two with real 焼津市 open data (tests/fixtures/jp-csv, PDL 1.0;
one in Shift_JIS under a Japanese file name), one synthetic 江東区 package under CC BY 4.0, and the
inventory.yaml of the seeds (tests/inventory/data/inventory.yaml). Dates in the descriptors are test
values, not the publishers' real ones.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

from opendata_pub.actions import describe
from opendata_pub.config import load_config
from opendata_pub.packaging.package import LocalPackage, discover_packages, load_package
from opendata_pub.standards import read_header, schema_for_headers
from opendata_pub.yamlio import dump_yaml

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
JP_CSV = TESTS / "fixtures" / "jp-csv"
INVENTORY = TESTS / "inventory" / "data" / "inventory.yaml"

CONFIG = """\
catalog:
  title: テスト市町村オープンデータカタログ
  description: 焼津市・清瀬市・江東区のオープンデータ（テスト用のカタログ）。
  operator: "222127"
  base_url: https://opendata.example.lg.jp/
publishers:
  - code: "222127"
    name: 焼津市
    url: https://www.city.yaizu.lg.jp/
    license: PDL-1.0
    contact: {name: 焼津市 情報政策課, email: opendata@example.lg.jp}
  - code: "132217"
    name: 清瀬市
    license: PDL-1.0
  - code: "131083"
    name: 江東区
    license: CC-BY-4.0
    contact: {name: 江東区 情報システム課, telephone: 03-0000-0000}
"""

WIFI_CSV = "名称,所在地_連結表記,緯度,経度\n区役所 1階ロビー,東京都江東区東陽4-11-28,35.672854,139.817410\n文化センター,東京都江東区東陽4-11-3,35.671000,139.816000\n"

PACKAGE_NAMES = ("koto-test-wifi", "yaizu-aed", "yaizu-nouen")


def _resource(path: Path, rel: str, **extra: Any) -> dict[str, Any]:
    data = path.read_bytes()
    return {"path": rel, **extra, "bytes": len(data), "hash": "sha256:" + hashlib.sha256(data).hexdigest()}


def _package(root: Path, descriptor: dict[str, Any]) -> None:
    (root / "datapackage.yaml").write_text(dump_yaml(descriptor), encoding="utf-8")


def make_project(root: Path) -> Path:
    """Write the project into ``root`` (opendata.yaml, datapackages/…); return ``root``."""
    (root / "opendata.yaml").write_text(CONFIG, encoding="utf-8")
    packages = root / "datapackages"

    aed = packages / "yaizu-aed"
    (aed / "data").mkdir(parents=True)
    aed_csv = aed / "data" / "222127_aed.csv"
    shutil.copyfile(JP_CSV / "yaizu_aed_utf8.csv", aed_csv)
    _package(aed, {
        "name": "yaizu-aed",
        "title": "焼津市 AED設置箇所一覧",
        "description": "焼津市内の AED（自動体外式除細動器）の設置場所の一覧です。\n\n施設名・住所・設置位置・緯度経度を載せています。",
        "publisher": "222127",
        "keywords": ["AED", "救急", "自治体標準オープンデータセット"],
        "themes": ["HEAL"],
        "spatial": ["222127"],
        "temporal": {"start": "2023-04-01", "end": "2024-03-31"},
        "accrualPeriodicity": "IRREG",
        "issued": "2023-06-01",
        "modified": "2024-02-15",
        "language": ["ja"],
        "sources": [{"title": "焼津市オープンデータ", "path": "https://github.com/yaizu-city/opendata"}],
        "resources": [{"name": "aed", **_resource(aed_csv, "data/222127_aed.csv"), "title": "AED設置箇所一覧",
                       "description": "1行が1台の AED。", "format": "csv", "mediatype": "text/csv",
                       "encoding": "utf-8",
                       "schema": schema_for_headers(read_header(aed_csv), "jp-ods-08-aed")}],
    })

    nouen = packages / "yaizu-nouen"
    (nouen / "data").mkdir(parents=True)
    nouen_csv = nouen / "data" / "ファミリー農園.csv"
    shutil.copyfile(JP_CSV / "yaizu_nouen_shift_jis.csv", nouen_csv)
    _package(nouen, {
        "name": "yaizu-nouen",
        "title": "焼津市 ファミリー農園",
        "description": "市民が借りられるファミリー農園の一覧（Shift_JIS の CSV）。",
        "publisher": "222127",
        "keywords": ["農園", "市民農園"],
        "themes": ["AGRI"],
        "spatial": ["222127"],
        "issued": "2019-03-29",
        "modified": "2019-03-29",
        "language": ["ja"],
        "resources": [{"name": "nouen", **_resource(nouen_csv, "data/ファミリー農園.csv"), "title": "ファミリー農園一覧",
                       "format": "csv", "mediatype": "text/csv", "encoding": "shift_jis",
                       "schema": describe(nouen_csv).schema}],
    })

    wifi = packages / "koto-test-wifi"
    (wifi / "data").mkdir(parents=True)
    wifi_csv = wifi / "data" / "wifi.csv"
    wifi_csv.write_bytes(WIFI_CSV.encode("utf-8"))
    _package(wifi, {
        "name": "koto-test-wifi",
        "title": "江東区 公衆無線LANアクセスポイント（テスト用）",
        "description": "テスト用の架空のデータです。区の施設にある公衆無線LANのアクセスポイント。",
        "publisher": "131083",
        "keywords": ["公衆無線LAN", "Wi-Fi"],
        "themes": ["TECH", "REGI"],
        "spatial": ["131083"],
        "issued": "2022-04-01",
        "modified": "2022-04-01",
        "language": ["ja"],
        "resources": [{"name": "wifi", **_resource(wifi_csv, "data/wifi.csv"), "title": "アクセスポイント一覧",
                       "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                       "schema": {"fields": [{"name": "名称", "type": "string", "constraints": {"required": True}},
                                             {"name": "所在地_連結表記", "type": "string"},
                                             {"name": "緯度", "type": "number"}, {"name": "経度", "type": "number"}],
                                  "primaryKey": ["名称"]}}],
    })
    shutil.copyfile(INVENTORY, packages / "inventory.yaml")
    return root


def load_project(root: Path) -> tuple[Any, list[LocalPackage]]:
    """Settings and packages of a project written by ``make_project``."""
    settings = load_config(root / "opendata.yaml")
    return settings, [load_package(p) for p in discover_packages(settings.packages_path)]
