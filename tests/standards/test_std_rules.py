"""Domain rules for standard datasets: exactly the expected findings on small good/bad CSVs."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from opendata_pub.findings import Finding, Layer, Severity
from opendata_pub.validation import standard_rules
from opendata_pub.validation.rules import registered_rules, run_rules
from opendata_pub.validation.standard_rules import standard_resources

from .conftest import CsvView, resource_for

CODES = {
    "lgcode-check-digit",
    "latlon-outside-japan",
    "turnout-voters-exceed-electorate",
    "turnout-sex-sum-mismatch",
    "turnout-rate-mismatch",
    "standard-required-column-missing",
}


def ours(findings: Iterable[Finding]) -> list[Finding]:
    """Only the findings of this module's rules (other rule modules may be registered too)."""
    mine = CODES | {"latlon-swapped"}
    return [f for f in findings if f.code in mine]


def summary(findings: Iterable[Finding]) -> list[tuple[str, int | None, str | None]]:
    return sorted(((f.code, f.where.row, f.where.field) for f in findings), key=lambda t: (t[1] or 0, t[0]))


def view_of(path: Path, name: str = "t", **kw: Any) -> CsvView:
    return CsvView({name: (path, resource_for(path, **kw))})


def test_rules_are_registered_with_their_codes() -> None:
    registered = {r.code: r for r in registered_rules()}
    assert CODES <= set(registered)
    assert all(registered[c].check.__module__ == standard_rules.__name__ for c in CODES)
    assert all(registered[c].description for c in CODES)


# --------------------------------------------------------------------------- AED

def test_aed_findings(data_dir: Path) -> None:
    view = view_of(data_dir / "aed_new.csv")
    findings = ours(run_rules(view))
    assert summary(findings) == [
        ("lgcode-check-digit", 3, "全国地方公共団体コード"),
        ("latlon-swapped", 4, "緯度"),
        ("latlon-outside-japan", 5, "緯度"),
    ]
    assert all(f.layer is Layer.DOMAIN and f.severity is Severity.ERROR for f in findings)
    assert all(f.resource == "t" and f.where.file == "data/aed_new.csv" for f in findings)
    by_code = {f.code: f for f in findings}
    lg = by_code["lgcode-check-digit"]
    assert lg.params["value"] == "222128"
    assert "検査数字" in lg.message and "222128" in lg.message
    swapped = by_code["latlon-swapped"]
    assert swapped.params["lat"] == pytest.approx(138.30957) and swapped.params["lon"] == pytest.approx(34.843061)
    assert "入れ替わ" in swapped.message
    outside = by_code["latlon-outside-japan"]
    assert outside.params["lat"] == pytest.approx(-33.8688) and outside.params["lon"] == pytest.approx(151.2093)
    assert "日本の範囲" in outside.message


def test_real_yaizu_aed_has_no_domain_findings(jp_csv: Path) -> None:
    view = view_of(jp_csv / "yaizu_aed_utf8.csv", name="yaizu_aed")
    assert len(view.rows("yaizu_aed")) == 82
    assert ours(run_rules(view)) == []


def test_rules_find_a_legacy_header_without_any_marker(jp_csv: Path, tmp_path: Path) -> None:
    # the Yaizu layout with one wrong code and one swapped point, schema has no standard marker
    src = (jp_csv / "yaizu_aed_utf8.csv").read_text(encoding="utf-8").splitlines()
    src[1] = src[1].replace("222127,", "222126,", 1)
    cells = src[2].split(",")
    cells[8], cells[9] = cells[9], cells[8]
    src[2] = ",".join(cells)
    path = tmp_path / "aed_legacy.csv"
    path.write_text("\n".join(src) + "\n", encoding="utf-8")
    view = view_of(path, marker=False)
    [sr] = standard_resources(view)
    assert sr.standard_id == "jp-ods-08-aed" and not sr.declared
    assert summary(ours(run_rules(view))) == [
        ("lgcode-check-digit", 2, "都道府県コード又は市区町村コード"),
        ("latlon-swapped", 3, "緯度"),
    ]


# --------------------------------------------------------------------------- turnout

def test_turnout_findings(data_dir: Path) -> None:
    view = view_of(data_dir / "turnout.csv")
    findings = ours(run_rules(view))
    assert summary(findings) == [
        ("turnout-voters-exceed-electorate", 3, "投票者数_男"),
        ("turnout-sex-sum-mismatch", 4, "当日有権者数_計"),
        ("turnout-rate-mismatch", 5, "投票率_計"),
        ("turnout-sex-sum-mismatch", 7, "投票者数_計"),
        ("turnout-rate-mismatch", 8, "投票率_女"),
    ]
    f = {(x.code, x.where.row): x for x in findings}
    exceed = f[("turnout-voters-exceed-electorate", 3)]
    assert exceed.params == {"sex": "男", "voters": 820, "electorate": 800, "excess": 20}
    assert "820" in exceed.message and "800" in exceed.message
    electorate_sum = f[("turnout-sex-sum-mismatch", 4)]
    assert electorate_sum.params == {"kind": "当日有権者数", "male": 1000, "female": 1000, "total": 2001,
                                     "difference": -1}
    voters_sum = f[("turnout-sex-sum-mismatch", 7)]
    assert voters_sum.params["kind"] == "投票者数" and voters_sum.params["difference"] == 1
    rate = f[("turnout-rate-mismatch", 5)]
    assert rate.params["printed"] == 55.0 and rate.params["computed"] == 50.0
    assert rate.params["tolerance"] == 0.01 and rate.params["decimals"] == 2
    assert "55.00%" in rate.message and "50.0000%" in rate.message


def test_turnout_rate_tolerance_follows_printed_precision(tmp_path: Path) -> None:
    head = "選挙名,選挙期日,投票区名,当日有権者数_計,投票者数_計,投票率_計\n"
    rows = [
        "選挙,2025-04-20,第1投票区,3000,1000,33.33",   # 33.333… ±0.01: ok
        "選挙,2025-04-20,第2投票区,3000,1000,33.35",   # off by 0.017 > 0.01
        "選挙,2025-04-20,第3投票区,3000,1000,33.4",    # ±0.1: ok
        "選挙,2025-04-20,第4投票区,3000,1000,33.5",    # off by 0.17 > 0.1
        "選挙,2025-04-20,第5投票区,3000,1000,34",      # ±1: ok
        "選挙,2025-04-20,第6投票区,3000,1000,35",      # off by 1.67 > 1
        "選挙,2025-04-20,第7投票区,0,0,0",             # no electorate: nothing to compare
    ]
    path = tmp_path / "rates.csv"
    path.write_text(head + "\n".join(rows) + "\n", encoding="utf-8")
    findings = ours(run_rules(view_of(path)))
    assert summary(findings) == [
        ("turnout-rate-mismatch", 3, "投票率_計"),
        ("turnout-rate-mismatch", 5, "投票率_計"),
        ("turnout-rate-mismatch", 7, "投票率_計"),
    ]
    assert [f.params["tolerance"] for f in findings] == [0.01, 0.1, 1.0]


# --------------------------------------------------------------------------- other standards

def test_open_data_list_findings(data_dir: Path) -> None:
    view = view_of(data_dir / "open_data_list.csv")
    findings = ours(run_rules(view))
    assert summary(findings) == [
        ("lgcode-check-digit", 4, "全国地方公共団体コード"),
        ("lgcode-check-digit", 5, "全国地方公共団体コード"),
    ]
    # the 5-digit code also breaks the schema's pattern (data layer); the rule adds the likely fix
    assert findings[0].params["value"] == "22212" and "222127" in findings[0].params["problem"]
    assert findings[1].params["value"] == "222120"


def test_school_district_findings(data_dir: Path) -> None:
    findings = ours(run_rules(view_of(data_dir / "school_district.csv")))
    assert summary(findings) == [("lgcode-check-digit", 3, "学校所在地_全国地方公共団体コード")]
    assert findings[0].params["standardField"] == "学校所在地_全国地方公共団体コード"


def test_polling_place_findings_under_prefixed_headers(data_dir: Path) -> None:
    findings = ours(run_rules(view_of(data_dir / "polling_prefixed.csv")))
    assert summary(findings) == [
        ("latlon-swapped", 3, "投票所_緯度"),
        ("lgcode-check-digit", 4, "投票所_全国地方公共団体コード"),
    ]


# --------------------------------------------------------------------------- markers

def test_conforms_to_marker_and_missing_required_column(tmp_path: Path) -> None:
    path = tmp_path / "aed_partial.csv"
    path.write_text("名称,住所,緯度,経度\n市役所,静岡県焼津市本町2-16-32,34.866918,138.323171\n", encoding="utf-8")
    plain = {"format": "csv", "encoding": "utf-8",
             "schema": {"fields": [{"name": n, "type": t} for n, t in
                                   (("名称", "string"), ("住所", "string"), ("緯度", "number"), ("経度", "number"))]}}
    # without a marker the header is not enough for AED (設置位置 missing): no standard, no rules
    undeclared = CsvView({"p": (path, plain)})
    assert standard_resources(undeclared) == []
    assert ours(run_rules(undeclared)) == []
    # declared through conformsTo (a URI ending in the id): the missing required column is a finding
    declared = CsvView({"p": (path, {**plain, "conformsTo": ["https://example.jp/standards/jp-ods-08-aed"]})})
    [sr] = standard_resources(declared)
    # 名称 and 住所 are the old 推奨 list's names: the file is read as that layout, which also requires 名称_カナ
    assert sr.declared and sr.standard_id == "jp-ods-08-aed" and sr.variant == "suisho"
    assert sr.missing_required == ("名称_カナ", "設置位置")
    findings = ours(run_rules(declared))
    assert [(f.code, f.where.row, f.where.field, f.params) for f in findings] == [
        ("standard-required-column-missing", None, column,
         {"standard": "jp-ods-08-aed", "variant": "suisho", "column": column})
        for column in ("名称_カナ", "設置位置")]


def test_schema_standard_marker_uses_standard_field_tags(tmp_path: Path) -> None:
    # header names no alias knows, tied to the standard by standardField alone
    path = tmp_path / "odd.csv"
    path.write_text("場所,所在,置き場所,北緯,東経\n市役所,焼津市本町,入口,138.3,34.8\n", encoding="utf-8")
    schema = {"standard": "jp-ods-08-aed", "fields": [
        {"name": "場所", "type": "string", "standardField": "名称"},
        {"name": "所在", "type": "string", "standardField": "所在地_連結表記"},
        {"name": "置き場所", "type": "string", "standardField": "設置位置"},
        {"name": "北緯", "type": "number", "standardField": "緯度"},
        {"name": "東経", "type": "number", "standardField": "経度"},
    ]}
    view = CsvView({"odd": (path, {"format": "csv", "encoding": "utf-8", "schema": schema})})
    [sr] = standard_resources(view)
    assert sr.missing_required == ()
    assert summary(ours(run_rules(view))) == [("latlon-swapped", 2, "北緯")]


def test_unknown_marker_falls_back_to_header_matching(data_dir: Path) -> None:
    res = resource_for(data_dir / "aed_new.csv")
    res["schema"]["standard"] = "jp-ods-99-unknown"
    view = CsvView({"t": (data_dir / "aed_new.csv", res)})
    [sr] = standard_resources(view)
    assert sr.standard_id == "jp-ods-08-aed" and not sr.declared


def test_non_standard_resource_gets_no_standard_rules(jp_csv: Path) -> None:
    path = jp_csv / "yaizu_yakumo_map_cp932.csv"
    view = CsvView({"m": (path, {"format": "csv", "encoding": "cp932"})})
    assert standard_resources(view) == []
    assert ours(run_rules(view)) == []
    for r in registered_rules():
        if r.code in CODES:
            assert not r.applies(view)
