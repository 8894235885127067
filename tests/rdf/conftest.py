"""Small packages for the RDF tests, built with the package writer, and graph comparison helpers.

Two packages: ``full`` sets every property of the property table (and a second publisher and
resource), ``evaluation`` has the contract's seven tables with one evaluation. Their data and
metadata are fixed, so their graphs are fixed (golden files in ``golden/``).
"""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, to_isomorphic

from opendata_pub.config import Settings, parse_config
from opendata_pub.packaging.writer import build_package

BASE = "https://opendata.example.lg.jp/"

CONFIG: dict[str, Any] = {
    "catalog": {
        "title": "テストカタログ",
        "description": "RDF のテスト用カタログ",
        "operator": "132217",
        "base_url": BASE,
        "homepage": "https://opendata.example.lg.jp/",
        "language": "ja",
    },
    "publishers": [
        {"code": "132217", "name": "清瀬市", "name_en": "Kiyose City", "url": "https://www.city.kiyose.lg.jp/",
         "organization": "kiyose", "license": "PDL-1.0",
         "contact": {"name": "企画部 秘書広報課", "email": "opendata@example.lg.jp"}},
        {"code": "082112", "name": "常総市", "organization": "joso", "license": "CC-BY-4.0",
         "contact": {"name": "政策企画課", "email": "kikaku@example.lg.jp", "url": "https://www.city.joso.lg.jp/",
                     "telephone": "0297-23-2111"}},
    ],
}


def settings_for(config: dict[str, Any], root: Path) -> Settings:
    return parse_config(copy.deepcopy(config), path=str(root / "opendata.yaml"), root=root)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return settings_for(CONFIG, tmp_path)


def _field(name: str, type_: str = "string") -> dict[str, Any]:
    return {"name": name, "type": type_}


TOWNS = {
    "name": "towns", "path": "data/towns.csv", "title": "団体一覧", "description": "団体コードと人口",
    "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
    "schema": {"fields": [_field("code"), _field("name"), _field("population", "integer")], "primaryKey": ["code"]},
}
NOTES = {
    "name": "notes", "path": "data/notes.csv", "title": "備考", "description": "別のライセンスのリソース",
    "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
    "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                  "title": "クリエイティブ・コモンズ 表示 4.0 国際"}],
    "schema": {"fields": [_field("no", "integer"), _field("text")]},
}

STATS = {
    "name": "stats", "path": "data/stats.csv", "title": "統計", "description": "年ごとの人口",
    "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
    "schema": {"fields": [_field("year", "integer"), _field("population", "integer")]},
}

# Every property of the property table, as a person would write it.
FULL_METADATA: dict[str, Any] = {
    "name": "full",
    "title": "全項目のデータ",
    "description": "プロパティ表のすべての項目を持つパッケージ",
    "version": "1.2.0",
    "publisher": "082112",
    "contactPoint": {"name": "情報政策課", "email": "joho@example.lg.jp", "url": "https://www.city.joso.lg.jp/joho/",
                     "telephone": "0297-23-2111"},
    "licenses": [{"name": "PDL-1.0", "path": "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0",
                  "title": "公共データ利用規約（第1.0版）"}],
    "keywords": ["人口", "団体"],
    "themes": ["GOVE", "SOCI"],
    "spatial": ["082112", "132217"],
    "temporal": {"start": "2020-04-01", "end": "2021-03-31"},
    "accrualPeriodicity": "ANNUAL",
    "issued": "2021-10-01",
    "modified": "2022-03-31",
    "language": ["ja", "en"],
    "homepage": "https://www.city.joso.lg.jp/opendata/",
    "conformsTo": ["https://www.digital.go.jp/resources/data_dataset"],
    "sources": [{"title": "常総市 統計書 令和2年版", "path": "sources/toukei.txt"},
                {"title": "住民基本台帳", "path": "https://www.city.joso.lg.jp/jumin/"}],
    "provenance": "統計書の表を CSV にした",
}

FULL_TABLES: dict[str, list[dict[str, Any]]] = {
    "towns": [{"code": "132217", "name": "清瀬市", "population": 74000},
              {"code": "082112", "name": "常総市", "population": 61000}],
    "notes": [{"no": 1, "text": "メモ"}],
    "stats": [{"year": 2020, "population": 61000}],
}


def build_full(root: Path, **changes: Any) -> Path:
    meta = {**copy.deepcopy(FULL_METADATA), **changes}
    meta = {k: v for k, v in meta.items() if v is not None}
    build_package(root, meta, [copy.deepcopy(TOWNS), copy.deepcopy(NOTES), copy.deepcopy(STATS)], FULL_TABLES)
    (root / "sources").mkdir(exist_ok=True)
    (root / "sources" / "toukei.txt").write_text("統計書\n", encoding="utf-8")
    return root


@pytest.fixture
def full_package(tmp_path: Path) -> Path:
    return build_full(tmp_path / "datapackages" / "full")


# --- an evaluation package, with the contract's columns (docs/evaluation-contract.md) ------------------

EID = "132217-2020-513"

_EVAL_FIELDS: dict[str, list[tuple[str, str]]] = {
    "evaluations": [("evaluation_id", "string"), ("municipality_code", "string"), ("municipality_name", "string"),
                    ("fiscal_year", "integer"), ("fiscal_year_label", "string"), ("level", "string"),
                    ("policy_code", "string"), ("policy_name", "string"), ("lead_department", "string"),
                    ("lead_section", "string"), ("grade", "string"), ("grade_reason", "string")],
    "programs": [("evaluation_id", "string"), ("program_id", "string"), ("program_name", "string"),
                 ("direction_no", "integer"), ("section", "string")],
    "costs": [("evaluation_id", "string"), ("program_id", "string"), ("fiscal_year", "integer"),
              ("stage", "string"), ("category", "string"), ("amount_jpy", "integer")],
    "indicators": [("evaluation_id", "string"), ("indicator_id", "string"), ("indicator_no", "integer"),
                   ("name", "string"), ("unit", "string"), ("method", "string"), ("section", "string"),
                   ("direction", "string")],
    "indicator_values": [("indicator_id", "string"), ("fiscal_year", "integer"), ("target", "number"),
                         ("actual", "number"), ("achievement_rate", "number"), ("note", "string")],
    "challenges": [("evaluation_id", "string"), ("challenge_no", "integer"), ("challenge", "string"),
                   ("next_action", "string")],
    "narratives": [("evaluation_id", "string"), ("heading", "string"), ("text", "string")],
}


def eval_resources() -> list[dict[str, Any]]:
    return [{"name": name, "path": f"data/{name}.csv", "title": name, "description": f"{name} の表",
             "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
             "schema": {"fields": [_field(n, t) for n, t in fields]}}
            for name, fields in _EVAL_FIELDS.items()]


def eval_tables() -> dict[str, list[dict[str, Any]]]:
    return {
        "evaluations": [{"evaluation_id": EID, "municipality_code": "132217", "municipality_name": "清瀬市",
                         "fiscal_year": 2020, "fiscal_year_label": "令和2年度", "level": "policy",
                         "policy_code": "513", "policy_name": "行政情報の積極的な公開・共有",
                         "lead_department": "企画部", "lead_section": "秘書広報課", "grade": "順調",
                         "grade_reason": "目標をおおむね達成した"}],
        "programs": [{"evaluation_id": EID, "program_id": f"{EID}-p1", "program_name": "広報事業",
                      "direction_no": 1, "section": "秘書広報課"},
                     {"evaluation_id": EID, "program_id": f"{EID}-p2", "program_name": "情報公開事業",
                      "direction_no": 2, "section": "総務課"}],
        "costs": [{"evaluation_id": EID, "program_id": f"{EID}-p1", "fiscal_year": 2020, "stage": "settlement",
                   "category": "total", "amount_jpy": 1234000},
                  {"evaluation_id": EID, "program_id": None, "fiscal_year": 2020, "stage": "budget",
                   "category": "total", "amount_jpy": 5000000}],
        "indicators": [{"evaluation_id": EID, "indicator_id": f"{EID}-i1", "indicator_no": 1,
                        "name": "ホームページ閲覧数", "unit": "件", "method": "アクセス解析", "section": "秘書広報課",
                        "direction": "higher_is_better"}],
        "indicator_values": [{"indicator_id": f"{EID}-i1", "fiscal_year": 2019, "target": None,
                              "actual": Decimal(80000), "achievement_rate": None, "note": None},
                             {"indicator_id": f"{EID}-i1", "fiscal_year": 2020, "target": Decimal(100000),
                              "actual": Decimal(87400), "achievement_rate": Decimal("87.4"), "note": "※1 推計値"}],
        "challenges": [{"evaluation_id": EID, "challenge_no": 1, "challenge": "情報発信の強化",
                        "next_action": "SNS を活用する"}],
        "narratives": [{"evaluation_id": EID, "heading": "施策の方向性", "text": "市政情報を積極的に公開する"},
                       {"evaluation_id": EID, "heading": "総評", "text": "順調に進んでいる"}],
    }


EVAL_METADATA: dict[str, Any] = {
    "name": "kiyose-seisaku-hyoka-2020",
    "title": "清瀬市 施策評価 (令和2年度)",
    "description": "施策「行政情報の積極的な公開・共有」の評価",
    "publisher": "132217",
    "keywords": ["行政評価", "施策評価"],
    "themes": ["GOVE"],
    "spatial": ["132217"],
    "temporal": {"start": "2020-04-01", "end": "2021-03-31"},
    "accrualPeriodicity": "ANNUAL",
    "issued": "2021-10-01",
    "modified": "2021-10-01",
    "language": ["ja"],
}


def build_evaluation(root: Path, tables: dict[str, list[dict[str, Any]]] | None = None) -> Path:
    build_package(root, copy.deepcopy(EVAL_METADATA), eval_resources(), tables or eval_tables())
    return root


@pytest.fixture
def eval_package(tmp_path: Path) -> Path:
    return build_evaluation(tmp_path / "datapackages" / "kiyose")


# --- graph comparison ------------------------------------------------------------------------------------

def diff_text(expected: Graph, actual: Graph) -> str:
    """A readable difference of two graphs: the triples only in one of them, as Turtle."""
    _both, only_expected, only_actual = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
    return ("--- only in expected ---\n" + only_expected.serialize(format="turtle")
            + "\n--- only in actual ---\n" + only_actual.serialize(format="turtle"))


def assert_isomorphic(expected: Graph, actual: Graph) -> None:
    __tracebackhide__ = True
    if to_isomorphic(expected) != to_isomorphic(actual):
        pytest.fail("graphs differ\n" + diff_text(expected, actual), pytrace=False)
