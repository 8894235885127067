"""Header matching: standard, legacy, prefixed and width/space variants; the real 焼津市 AED file."""

from __future__ import annotations

from pathlib import Path

import pytest

from opendata_pub.errors import UsageError
from opendata_pub.standards import (
    header_key,
    load_standard,
    match_headers,
    match_standard,
    rank_standards,
    read_header,
    rename_to_standard,
    schema_for_headers,
)
from opendata_pub.standards.matching import DEFAULT_MIN_COVERAGE

from .conftest import frictionless_errors

# --------------------------------------------------------------------------- the real file

def test_yaizu_aed_is_recognised_as_08_aed(jp_csv: Path) -> None:
    headers = read_header(jp_csv / "yaizu_aed_utf8.csv")
    m = match_standard(headers)
    assert m is not None
    assert m.standard_id == "jp-ods-08-aed"
    assert m.score == 1.0
    assert m.coverage == 1.0  # every one of its 22 columns is a field of the old 推奨 layout
    assert m.variant == "suisho"
    assert m.missing_required == () and m.unmatched == ()
    current = dict(zip(m.headers, m.standard_columns))
    assert current["都道府県コード又は市区町村コード"] == "全国地方公共団体コード"
    assert current["NO"] == "ID"
    assert current["住所"] == "所在地_連結表記"
    assert current["方書"] == "建物名等(方書)"
    assert current["都道府県名"] is None  # the old layout's own column: no current counterpart
    assert m.mapping["都道府県名"] == "都道府県名"


def test_yaizu_aed_validates_against_the_standard_with_no_errors(jp_csv: Path) -> None:
    path = jp_csv / "yaizu_aed_utf8.csv"
    schema = schema_for_headers(read_header(path))
    assert schema["standard"] == "jp-ods-08-aed"
    assert [f["name"] for f in schema["fields"]] == read_header(path)
    assert frictionless_errors(path, schema) == []


def test_yaizu_aed_schema_keeps_the_standards_types_and_constraints(jp_csv: Path) -> None:
    schema = schema_for_headers(read_header(jp_csv / "yaizu_aed_utf8.csv"))
    fields = {f["name"]: f for f in schema["fields"]}
    assert fields["住所"]["standardField"] == "所在地_連結表記"
    assert fields["住所"]["constraints"]["required"] is True
    assert fields["緯度"]["type"] == "number"
    assert fields["NO"]["constraints"] == {"unique": True}
    # 有/無 of the old list and あり/なし/未確認 of the area data model are both taken
    assert {"有", "無", "あり", "なし"} <= set(fields["小児対応設備の有無"]["constraints"]["enum"])
    assert fields["都道府県コード又は市区町村コード"]["constraints"]["pattern"] == "^[0-9]{6}$"
    assert "aliases" not in fields["住所"]


# --------------------------------------------------------------------------- non-standard files

@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("yaizu_nouen_shift_jis.csv", "cp932"),
        ("yaizu_yakumo_map_cp932.csv", "cp932"),
        ("yaizu_tourism_meals_utf8_bom.csv", "utf-8"),  # legacy 観光施設一覧: a standard, but not one of ours
    ],
)
def test_non_standard_files_are_not_matched(jp_csv: Path, name: str, encoding: str) -> None:
    assert match_standard(read_header(jp_csv / name, encoding=encoding)) is None


def test_public_toilet_layout_is_not_taken_for_aed(data_dir: Path) -> None:
    # it has 名称, 所在地_連結表記 and 設置位置 (all of AED's required fields) but is another dataset
    headers = read_header(data_dir / "public_toilet_new.csv")
    aed = match_headers("jp-ods-08-aed", headers)
    assert aed.score == 1.0 and aed.coverage < DEFAULT_MIN_COVERAGE
    assert match_standard(headers) is None


def test_generic_headers_are_not_matched() -> None:
    assert match_standard(["id", "name", "value"]) is None
    assert match_standard([]) is None
    assert match_standard(["名称", "住所", "設置位置"]) is not None  # the three required fields alone do match
    assert match_standard(["名称", "住所"]) is None


# --------------------------------------------------------------------------- variants

def test_header_key_folds_width_case_kana_space_brackets_and_numbering() -> None:
    assert header_key("名称（カナ）") == header_key("名称_カナ") == header_key(" 名称＿ｶﾅ ") == header_key("名称_かな")
    assert header_key("建物名等(方書)") == header_key("建物名等_方書") == header_key("建物名等（方書）")
    assert header_key("ＮＯ") == header_key("no") == header_key("NO")
    assert header_key("住\u3000所") == header_key("住所")
    assert header_key("\ufeff名称") == header_key("名称")
    assert header_key("10.設置位置") == header_key("設置位置")
    assert header_key("0-4歳の男性") == "0-4歳の男性"  # a number that is part of the name stays


def test_width_space_and_bracket_variants_of_aed_headers_match() -> None:
    headers = ["都道府県コード又は市区町村コード", "ＮＯ", " 名称 ", "名称（カナ）", "住\u3000所", "方書",
               "緯度", "経度", "1.設置位置", "電話番号", "小児対応設備の有無", "ＵＲＬ"]
    m = match_standard(headers)
    assert m is not None and m.standard_id == "jp-ods-08-aed"
    assert rename_to_standard(headers, m) == [
        "全国地方公共団体コード", "ID", "名称", "名称_カナ", "所在地_連結表記", "建物名等(方書)",
        "緯度", "経度", "設置位置", "電話番号", "小児対応設備の有無", "URL"]


def test_prefixed_polling_place_headers_match(data_dir: Path) -> None:
    headers = read_header(data_dir / "polling_prefixed.csv")
    m = match_standard(headers)
    assert m is not None and m.standard_id == "jp-ods-27-polling-place"
    assert m.coverage == 1.0
    assert m.mapping == {
        "投票所_全国地方公共団体コード": "全国地方公共団体コード",
        "地方公共団体名": "地方公共団体名",
        "投票所_ID": "ID",
        "投票区番号": "投票区番号",
        "投票所_名称": "名称",
        "投票所_名称（カナ）": "名称_カナ",
        "連結表記": "所在地_連結表記",
        "投票所_緯度": "緯度",
        "投票所_経度": "経度",
        "投票所_投票所区分": "投票所区分",
        "投票所_投票区名": "投票区名",
    }


def test_prefixes_are_per_standard() -> None:
    # "AED_設置位置" is AED's prefix; "投票所_設置位置" is not a prefix AED knows
    assert match_headers("jp-ods-08-aed", ["AED_設置位置"]).columns == ("設置位置",)
    assert match_headers("jp-ods-08-aed", ["投票所_設置位置"]).columns == (None,)


def test_legacy_open_data_list_headers_match() -> None:
    legacy = ["都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "データ名称", "データ概要",
              "データ形式", "分類", "更新頻度", "URL", "API対応有無", "ライセンス", "登録日", "最終更新日", "備考"]
    m = match_standard(legacy)
    assert m is not None and m.standard_id == "jp-ods-06-open-data-list"
    assert m.variant == "suisho" and m.coverage == 1.0  # the old 推奨 list is the variant, by its own names
    current = dict(zip(m.headers, m.standard_columns))
    assert current["データ名称"] == "データセット_タイトル"
    assert current["データ形式"] == "ファイル_形式"


def test_turnout_header_variants_match() -> None:
    headers = ["選挙名", "投票日", "投票区", "有権者数（男）", "有権者数（女）", "有権者数（計）",
               "投票者数（男）", "投票者数（女）", "投票者数（計）", "投票率（％）（男）", "投票率（％）（女）", "投票率（％）（計）"]
    m = match_standard(headers)
    assert m is not None and m.standard_id == "jp-election-turnout"
    assert m.score == 1.0 and m.coverage == 1.0
    assert m.mapping["投票率（％）（計）"] == "投票率_計"
    assert m.mapping["有権者数（男）"] == "当日有権者数_男"


@pytest.mark.parametrize(
    ("name", "sid"),
    [
        ("aed_new.csv", "jp-ods-08-aed"),
        ("turnout.csv", "jp-election-turnout"),
        ("open_data_list.csv", "jp-ods-06-open-data-list"),
        ("school_district.csv", "jp-ods-17-school-district"),
        ("polling_prefixed.csv", "jp-ods-27-polling-place"),
    ],
)
def test_each_small_csv_is_recognised(data_dir: Path, name: str, sid: str) -> None:
    m = match_standard(read_header(data_dir / name))
    assert m is not None and m.standard_id == sid
    assert rank_standards(read_header(data_dir / name))[0].standard_id == sid


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("aed_new.csv", []),
        ("turnout.csv", []),
        ("school_district.csv", []),
        ("polling_prefixed.csv", []),
        # the 5-digit code breaks the 6-digit pattern: a data-layer error, not a domain finding
        ("open_data_list.csv", [["constraint-error", 4, "全国地方公共団体コード"]]),
    ],
)
def test_small_csvs_in_frictionless(data_dir: Path, name: str, expected: list[list[object]]) -> None:
    path = data_dir / name
    assert frictionless_errors(path, schema_for_headers(read_header(path))) == expected


# --------------------------------------------------------------------------- the schema copy

def test_schema_for_headers_keeps_unknown_columns_as_strings() -> None:
    schema = schema_for_headers(["名称", "住所", "設置位置", "独自の列"], "jp-ods-08-aed")
    extra = schema["fields"][3]
    assert extra == {"name": "独自の列", "type": "string", "description": "標準「AED設置箇所一覧」にない列。"}
    assert schema["standardVersion"] == load_standard("jp-ods-08-aed")["version"]


def test_schema_for_headers_repeated_field_maps_once() -> None:
    m = match_headers("jp-ods-08-aed", ["名称", "住所", "所在地_連結表記", "設置位置"], None)
    assert m.columns == ("名称", "所在地_連結表記", None, "設置位置")
    assert m.unmatched == ("所在地_連結表記",)


def test_schema_for_headers_without_a_match_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        schema_for_headers(["a", "b"])


def test_missing_required_is_reported_by_the_match() -> None:
    m = match_headers("08", ["名称", "住所", "緯度", "経度"], None)  # the current layout
    assert m.score == pytest.approx(2 / 3)
    assert m.missing_required == ("設置位置",)
    assert m.header_for("所在地_連結表記") == "住所"
    # by default the layout whose own names the file uses: 住所 is the old list's, 所在地_連結表記 the new
    best = match_headers("08", ["名称", "住所", "緯度", "経度"])
    assert best.variant == "suisho" and best.missing_required == ("名称_カナ", "設置位置")
    assert m.header_for("設置位置") is None
