"""inventory.yaml reading (strict, with lines), entries from packages, counts per fiscal year."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest

from opendata_pub.config import Settings
from opendata_pub.errors import ConfigError
from opendata_pub.inventory import (
    DatePrecision,
    Inventory,
    InventoryEntry,
    InventoryError,
    Status,
    build_inventory,
    fiscal_year_of,
    load_inventory_file,
    parse_inventory,
)
from opendata_pub.packaging.project import load_packages
from opendata_pub.packaging.writer import build_package

from .conftest import SEED_INVENTORY


def parse(text: str, settings: Settings, **kw: object) -> object:
    return parse_inventory(textwrap.dedent(text).lstrip("\n"), path="datapackages/inventory.yaml",
                           settings=settings, **kw)  # type: ignore[arg-type]


# --- the seeds' inventory --------------------------------------------------------------------


def test_seed_inventory_loads_with_the_dates_the_seeds_support(settings: Settings) -> None:
    f = load_inventory_file(SEED_INVENTORY, settings=settings)
    by_id = {e.id: e for e in f.entries}
    assert list(by_id) == [
        "kiyose-election-turnout", "kiyose-school-district", "koto-public-facilities",
        "koto-tourism-facilities-events", "koto-public-wifi", "koto-food-business-permits",
        "koto-garbage-collection",
    ]
    assert all(e.status is Status.PUBLISHED and not e.packaged for e in f.entries)
    # the seeds print no day: only fiscal years, and for three 江東区 datasets only an upper bound
    assert all(e.issued is None and e.url is None and e.licenses == () for e in f.entries)
    kiyose = [by_id["kiyose-election-turnout"], by_id["kiyose-school-district"]]
    assert [(e.publisher, e.fiscal_year, e.date_precision) for e in kiyose] == [
        ("132217", 2020, DatePrecision.FISCAL_YEAR)] * 2
    bounded = [by_id[i] for i in ("koto-public-facilities", "koto-tourism-facilities-events", "koto-public-wifi")]
    assert [(e.fiscal_year, e.date_precision, e.fiscal_year_label) for e in bounded] == [
        (2021, DatePrecision.BY_FISCAL_YEAR, "令和3年度まで")] * 3
    new_2022 = [by_id["koto-food-business-permits"], by_id["koto-garbage-collection"]]
    assert [(e.fiscal_year, e.date_precision) for e in new_2022] == [(2022, DatePrecision.FISCAL_YEAR)] * 2
    assert [e.title for e in f.entries] == ["選挙の投票率", "小中学校の通学区域情報", "公共施設", "観光施設・イベント",
                                            "公衆無線LANアクセスポイント", "食品等営業許可", "ごみ収集日・分別一覧"]
    assert all(e.source and ("清瀬市 施策評価シート 令和2年度" in e.source or "江東区 施策評価" in e.source)
               for e in f.entries)
    # the reported figures, as printed
    reported = {(r.publisher, r.kind): dict(r.values) for r in f.reported}
    assert reported == {("131083", "cumulative"): {2019: 4, 2020: 7, 2021: 8, 2022: 16},
                        ("132217", "new"): {2020: 10}}
    assert by_id["koto-public-wifi"].origin == f"{SEED_INVENTORY}:line 62"


def test_seed_counts_by_fiscal_year(settings: Settings) -> None:
    f = load_inventory_file(SEED_INVENTORY, settings=settings)
    inv = Inventory(f.entries, f.reported, {"132217": "清瀬市", "131083": "江東区"})
    counts = {c.publisher: c for c in inv.counts()}
    # (fiscal year, new, cumulative, of which only "by this year", reported new, reported cumulative)
    koto = [(y.fiscal_year, y.new, y.cumulative, y.new_bounded, y.reported_new, y.reported_cumulative)
            for y in counts["131083"].years]
    assert koto == [
        (2019, 0, 0, 0, None, 4),
        (2020, 0, 0, 0, None, 7),
        (2021, 3, 3, 3, None, 8),
        (2022, 2, 5, 0, None, 16),
    ]
    kiyose = [(y.fiscal_year, y.new, y.cumulative, y.new_bounded, y.reported_new, y.reported_cumulative)
              for y in counts["132217"].years]
    assert kiyose == [(2020, 2, 2, 0, 10, None)]
    assert counts["131083"].years[0].label == "令和元年度"
    assert (counts["131083"].undated, counts["131083"].planned) == (0, 0)


def test_counts_reproduce_a_reported_indicator(settings: Settings) -> None:
    """江東区's ② データセット数 4 → 7 → 8 → 16, from an inventory with one entry per dataset.

    Synthetic entries (the seeds name only 5 of the 16), dated around the fiscal-year boundary.
    """
    days = (["2019-04-01", "2019-10-01", "2020-01-15", "2020-03-31"]  # 令和元年度: 4 (3/31 is still 元年度)
            + ["2020-04-01", "2020-12-01", "2021-03-31"]  # 令和2年度: 3
            + ["2021-04-01"]  # 令和3年度: 1
            + [f"2022-{m:02d}-01" for m in range(4, 12)])  # 令和4年度: 8
    entries = tuple(
        InventoryEntry(id=f"d{i}", title=f"データセット{i}", publisher="131083", publisher_name="江東区",
                       status=Status.PUBLISHED, packaged=False, origin="test", issued=day,
                       fiscal_year=fiscal_year_of(day), date_precision=DatePrecision.DAY)
        for i, day in enumerate(days)
    )
    extra = (
        InventoryEntry(id="planned", title="予定", publisher="131083", publisher_name="江東区",
                       status=Status.PLANNED, packaged=False, origin="test", fiscal_year=2023,
                       date_precision=DatePrecision.FISCAL_YEAR),
        InventoryEntry(id="undated", title="日付なし", publisher="131083", publisher_name="江東区",
                       status=Status.PUBLISHED, packaged=False, origin="test"),
    )
    (counts,) = Inventory(entries + extra).counts()
    assert [(y.fiscal_year, y.new, y.cumulative) for y in counts.years] == [
        (2019, 4, 4), (2020, 3, 7), (2021, 1, 8), (2022, 8, 16)]
    assert (counts.undated, counts.planned) == (1, 1)


def test_fiscal_year_of() -> None:
    assert fiscal_year_of("2021-03-31") == 2020
    assert fiscal_year_of("2021-04-01") == 2021
    assert fiscal_year_of(date(2020, 1, 1)) == 2019
    assert fiscal_year_of("2021-04-01T09:00:00+09:00") == 2021


# --- strict reading --------------------------------------------------------------------------

GOOD = """
datasets:
  - id: a
    title: A
    publisher: "132217"
    status: published
    fiscal_year: 令和2年度
"""


def test_a_minimal_inventory_and_accepted_spellings(settings: Settings) -> None:
    f = parse(GOOD, settings)
    assert f.entries[0].fiscal_year == 2020  # type: ignore[attr-defined]
    f = parse("""
    datasets:
      - {id: a, title: A, publisher: "132217", status: published, issued: 2021-03-31, modified: "2021-05-01",
         license: CC BY 4.0, formats: [csv, PDF], themes: [GOVE], url: "https://example.lg.jp/a"}
      - {id: b, title: B, publisher: "132217", status: planned, fiscal_year: 2025, format: xlsx}
      - {id: c, title: C, publisher: "132217", status: published, published_by: R3}
    """, settings)
    a, b, c = f.entries  # type: ignore[attr-defined]
    assert (a.issued, a.fiscal_year, a.date_precision, a.licenses, a.formats) == (
        "2021-03-31", 2020, DatePrecision.DAY, ("CC-BY-4.0",), ("CSV", "PDF"))
    assert (b.status, b.fiscal_year, b.formats, b.fiscal_year_label) == (Status.PLANNED, 2025, ("XLSX",), "令和7年度")
    assert (c.fiscal_year, c.date_precision) == (2021, DatePrecision.BY_FISCAL_YEAR)
    assert parse("", settings).entries == ()  # type: ignore[attr-defined]


@pytest.mark.parametrize(("text", "where", "message"), [
    (GOOD + "    colour: red\n", "line 7, datasets[0].colour", "不明なキー"),
    (GOOD.replace("status: published", "status: done"), "line 5, datasets[0].status", "published か planned"),
    (GOOD.replace("令和2年度", "令和2年"), "line 6, datasets[0].fiscal_year", "年度として読めません"),
    (GOOD.replace('"132217"', "132217"), "line 4, datasets[0].publisher", "文字列で書いてください"),
    (GOOD.replace('"132217"', "132217"), "line 4, datasets[0].publisher", '例: "132217"'),
    # a boolean is refused like in opendata.yaml, never suggested as "000001"
    (GOOD.replace('"132217"', "true"), "line 4, datasets[0].publisher", "true は真偽値として読まれます"),
    (GOOD.replace('"132217"', '"132218"'), "line 4, datasets[0].publisher", "検査"),
    (GOOD.replace('"132217"', '"222127"'), "line 4, datasets[0].publisher", "publishers にありません"),
    (GOOD.replace("id: a", "id: A_1"), "line 2, datasets[0].id", "英小文字"),
    (GOOD.replace("    title: A\n", ""), "line 2, datasets[0]", "必須のキー title"),
    (GOOD + "    published_by: 令和3年度\n", "line 7, datasets[0].published_by", "一つだけ"),
    (GOOD.replace("published", "planned").replace("fiscal_year: 令和2年度", "issued: 2020-05-01"),
     "line 6, datasets[0].issued", "公開予定"),
    (GOOD + "    license: GPL\n", "line 7, datasets[0].license", "知らないライセンス"),
    (GOOD + "    themes: [GOVE, HEALTH]\n", "line 7, datasets[0].themes[1]", "EU data-theme"),
    (GOOD + "    url: example.lg.jp\n", "line 7, datasets[0].url", "URL"),
    (GOOD + "    keywords: 選挙\n", "line 7, datasets[0].keywords", "リスト"),
    (GOOD + "    format: C S V\n", "line 7, datasets[0].format", "ファイル形式"),
    (GOOD.replace("fiscal_year: 令和2年度", "issued: 2021-02-30"), "line 6", "ありえない日付です"),
    (GOOD.replace("fiscal_year: 令和2年度", "issued: '2021-02-30'"), "line 6, datasets[0].issued", "YYYY-MM-DD"),
    (GOOD.replace("fiscal_year: 令和2年度", "issued: 2021-05-01\n    modified: 2021-04-01"),
     "line 7, datasets[0].modified", "公開日"),
    (GOOD + GOOD.replace("datasets:\n", ""), "line 8, datasets[1].id", "重複"),
    (GOOD + "    title: B\n", "line 7", "重複したキー"),
    (GOOD + "  - [oops\n", "line 8", "YAML として読めません"),
    ("datasets: {a: 1}\n", "line 1, datasets", "リスト"),
    ("dataset: []\n", "line 1, dataset", "不明なキー"),
    ("reported:\n  - {publisher: \"132217\", indicator: x, kind: total, values: {R2: 1}}\n",
     "line 2, reported[0].kind", "cumulative"),
    ("reported:\n  - {publisher: \"132217\", indicator: x, kind: new, values: {R2: -1}}\n",
     "line 2, reported[0].values.R2", "0 以上の整数"),
    ("reported:\n  - {publisher: \"132217\", indicator: x, kind: new, values: {R2: 1, 令和2年度: 2}}\n",
     "line 2, reported[0].values.令和2年度", "二度"),
])
def test_bad_inventory_names_file_line_and_key(settings: Settings, text: str, where: str, message: str) -> None:
    with pytest.raises(InventoryError) as info:
        parse(text, settings)
    err = info.value
    assert isinstance(err, ConfigError) and err.exit_code == 2
    assert str(err).startswith(f"datapackages/inventory.yaml:{where}"), str(err)
    assert message in str(err)


def test_an_entry_may_not_take_a_package_name(settings: Settings) -> None:
    with pytest.raises(InventoryError, match="データパッケージの名前と同じ"):
        parse(GOOD, settings, reserved_ids={"a"})


def test_unreadable_inventory_file(tmp_path: Path, settings: Settings) -> None:
    bad = tmp_path / "inventory.yaml"
    bad.write_bytes("datasets: []\n# 清瀬\n".encode("cp932"))
    with pytest.raises(InventoryError, match="UTF-8"):
        load_inventory_file(bad, settings=settings)
    with pytest.raises(InventoryError, match="読めません"):
        load_inventory_file(tmp_path / "missing.yaml", settings=settings)


# --- packages --------------------------------------------------------------------------------

RES = [{"name": "t", "path": "data/t.csv", "title": "表", "format": "csv", "mediatype": "text/csv",
        "encoding": "utf-8", "schema": {"fields": [{"name": "code", "type": "string"}]}}]


def _package(root: Path, name: str, **meta: object) -> None:
    build_package(root / name, {"name": name, "title": f"{name} の表", "description": "説明",
                                "modified": "2022-05-01", **meta}, RES, {"t": [{"code": "132217"}]})


def test_build_inventory_from_packages_and_inventory_yaml(tmp_path: Path, settings: Settings) -> None:
    packages = settings.packages_path
    _package(packages, "b-pkg", publisher="132217", issued="2021-03-31", keywords=["k"], themes=["GOVE"])
    _package(packages, "a-pkg", publisher="131083", issued="2022-04-01",
             licenses=[{"name": "CC0-1.0"}], temporal={"start": "2022-04-01", "end": "2023-03-31"})
    (packages / "inventory.yaml").write_text(GOOD, encoding="utf-8")
    inv = build_inventory(settings, load_packages(settings))
    assert [e.id for e in inv.entries] == ["a-pkg", "b-pkg", "a"]
    a, b, extra = inv.entries
    assert a.packaged and a.publisher_name == "江東区" and a.licenses == ("CC0-1.0",)
    assert b.licenses == ("PDL-1.0",)  # the publisher's default licence
    assert b.contact is not None and b.contact.email == "opendata@example.lg.jp"  # and its contact
    assert (b.fiscal_year, b.date_precision) == (2020, DatePrecision.DAY)
    assert b.url == "https://opendata.example.lg.jp/b-pkg/"
    (dist,) = b.distributions
    assert dist.download_url == "https://opendata.example.lg.jp/b-pkg/data/t.csv"
    assert dist.format == "CSV" and dist.bytes == len("code\n132217\n") and dist.hash.startswith("sha256:")
    assert not extra.packaged
    assert [(c.publisher, [(y.fiscal_year, y.new) for y in c.years]) for c in inv.counts()] == [
        ("131083", [(2022, 1)]), ("132217", [(2020, 2)])]
    # an inventory.yaml entry may not reuse a package's name
    (packages / "inventory.yaml").write_text(GOOD.replace("id: a", "id: a-pkg"), encoding="utf-8")
    with pytest.raises(InventoryError, match="a-pkg"):
        build_inventory(settings, load_packages(settings))
    # no inventory.yaml: the packages alone
    (packages / "inventory.yaml").unlink()
    assert [e.id for e in build_inventory(settings, load_packages(settings)).entries] == ["a-pkg", "b-pkg"]
    # an explicit inventory file that is missing is an error
    with pytest.raises(InventoryError):
        build_inventory(settings, load_packages(settings), inventory_path=tmp_path / "nope.yaml")


def test_entry_descriptor_is_the_hook_for_other_layers(settings: Settings) -> None:
    f = load_inventory_file(SEED_INVENTORY, settings=settings)
    d = f.entries[2].descriptor()
    assert d["name"] == "koto-public-facilities" and d["title"] == "公共施設" and d["publisher"] == "131083"
    assert d["themes"] == ["GOVE"] and d["spatial"] == ["131083"]
    assert d["x-inventory"] == {
        "status": "published", "packaged": False, "fiscalYear": 2021, "datePrecision": "by-fiscal-year",
        "category": "行財政", "source": f.entries[2].source, "note": f.entries[2].note}
    assert "issued" not in d and "licenses" not in d  # nothing the seeds do not say
    licensed = parse(GOOD + "    license: PDL-1.0\n", settings).entries[0]  # type: ignore[attr-defined]
    assert licensed.descriptor()["licenses"][0]["path"].startswith("https://www.digital.go.jp/")
