"""Both generations of a standard (issue 14): the current 自治体標準 layout and the older 推奨データセット
list as a variant — recognised, described, validated against the layout the file is in, and named
by short names in ``new --template``."""

from __future__ import annotations

from pathlib import Path

import pytest

from opendata_pub.packaging.describe import describe_file
from opendata_pub.standards import list_standards, match_standard, read_header, schema_for_headers, standard_info
from opendata_pub.standards.matching import match_headers
from opendata_pub.standards.registry import variant_fields
from opendata_pub.validation.rules import run_rules
from opendata_pub.validation.standard_rules import standard_resources

from .conftest import CsvView, frictionless_errors

OLD_06 = ["都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "データ名称", "データ概要", "データ形式",
          "分類", "更新頻度", "URL", "API対応有無", "ライセンス", "登録日", "最終更新日", "備考"]


def test_every_national_standard_but_17_and_27_has_the_old_list_as_a_variant() -> None:
    with_variant = {s.id for s in list_standards() if any(v.id == "suisho" for v in s.variants)}
    assert {"jp-ods-01-public-facility", "jp-ods-03-evacuation-space", "jp-ods-06-open-data-list",
            "jp-ods-08-aed"} <= with_variant


def test_yaizu_aed_is_the_old_layout_of_08(jp_csv: Path) -> None:
    header = read_header(jp_csv / "yaizu_aed_utf8.csv")
    m = match_standard(header)
    assert m is not None and (m.standard_id, m.variant) == ("jp-ods-08-aed", "suisho")
    assert m.exact == len(header) == 22  # every column under the old list's own name
    assert m.layout == standard_info("08").variants[0].title
    described = describe_file(jp_csv / "yaizu_aed_utf8.csv").standard
    assert described is not None and described["variant"] == {"id": "suisho", "title": m.layout}


def test_a_new_layout_file_is_the_current_layout(data_dir: Path) -> None:
    m = match_standard(read_header(data_dir / "aed_new.csv"))
    assert m is not None and (m.standard_id, m.variant) == ("jp-ods-08-aed", None)
    assert m.layout == "現行様式"


def test_the_old_open_data_list_is_the_old_layout_of_06() -> None:
    m = match_standard(OLD_06)
    assert m is not None and (m.standard_id, m.variant) == ("jp-ods-06-open-data-list", "suisho")
    assert m.coverage == 1.0
    current = dict(zip(m.headers, m.standard_columns))
    assert current["データ名称"] == "データセット_タイトル"
    assert current["都道府県名"] is None  # the old list's own column: no current counterpart


def test_variant_fields_inherit_from_their_current_counterpart() -> None:
    current = {f["name"]: f for f in variant_fields("08", None)}
    old = {f["name"]: f for f in variant_fields("08", "suisho")}
    address = old["住所"]
    assert address["standardField"] == "所在地_連結表記"
    assert address["type"] == current["所在地_連結表記"]["type"]
    assert address["constraints"]["required"] is True  # 必須 in the old list
    # required is the layout's own: 名称_カナ was 必須 in the old list
    assert old["名称_カナ"]["constraints"].get("required") is True
    assert "standardField" not in old["都道府県名"]


def test_an_old_layout_file_validates_against_its_variant_with_no_errors(jp_csv: Path) -> None:
    path = jp_csv / "yaizu_aed_utf8.csv"
    schema = schema_for_headers(read_header(path))
    assert schema["standard"] == "jp-ods-08-aed" and schema["standardVariant"] == "suisho"
    assert frictionless_errors(path, schema) == []
    view = CsvView({"aed": (path, {"format": "csv", "encoding": "utf-8", "schema": schema})})
    [sr] = standard_resources(view)
    assert (sr.variant, sr.missing_required) == ("suisho", ())
    assert sr.columns["所在地_連結表記"] == "住所"  # rules find the old column under the current name
    assert [f for f in run_rules(view) if f.severity.value == "error"] == []


def test_a_required_column_of_the_old_list_is_required_only_there(tmp_path: Path) -> None:
    old = tmp_path / "old.csv"
    old.write_text("NO,名称,住所,設置位置\n1,市役所,静岡県焼津市本町2-16-32,1階\n", encoding="utf-8")
    m = match_headers("08", read_header(old))
    assert m.variant == "suisho" and m.missing_required == ("名称_カナ",)
    view = CsvView({"aed": (old, {"format": "csv", "encoding": "utf-8", "schema": schema_for_headers(
        read_header(old), m)})})
    missing = [f for f in run_rules(view) if f.code == "standard-required-column-missing"]
    assert [(f.where.field, f.params.get("variant")) for f in missing] == [("名称_カナ", "suisho")]
    assert "旧" in missing[0].message  # the message names the layout


@pytest.mark.parametrize("name, sid", [
    ("AED", "jp-ods-08-aed"), ("ａｅｄ", "jp-ods-08-aed"), ("8", "jp-ods-08-aed"), ("08", "jp-ods-08-aed"),
    ("AED設置箇所一覧", "jp-ods-08-aed"), ("jp-ods-08-aed", "jp-ods-08-aed"),
    ("投票所", "jp-ods-27-polling-place"), ("27", "jp-ods-27-polling-place"),
    ("公共施設", "jp-ods-01-public-facility"), ("1", "jp-ods-01-public-facility"),
    ("指定緊急避難場所", "jp-ods-03-evacuation-space"), ("03", "jp-ods-03-evacuation-space"),
    ("オープンデータ一覧", "jp-ods-06-open-data-list"), ("通学区域", "jp-ods-17-school-district"),
])
def test_a_standard_is_found_by_id_number_title_and_short_name(name: str, sid: str) -> None:
    assert standard_info(name).id == sid


def test_short_names_are_unique_across_standards() -> None:
    seen: dict[str, str] = {}
    for s in list_standards():
        for short in s.short_names:
            assert seen.setdefault(short.casefold(), s.id) == s.id, short
    assert len(seen) >= 7
