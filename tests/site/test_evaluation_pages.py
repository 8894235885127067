"""The site shows the data (issue 13): evaluation pages with charts, CSV previews, inventory-only pages.

Rendered from the repository's own ``datapackages/`` (the three evaluation packages and the
inventory), so the charts are compared with the very CSV files a reuser downloads.
"""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from opendata_pub.config import load_config
from opendata_pub.inventory import build_inventory
from opendata_pub.packaging.project import load_packages
from opendata_pub.site import render_site
from opendata_pub.site.csvtable import read_csv_table
from opendata_pub.site.files import PackageFile, _excel_name
from opendata_pub.site.preview_page import PREVIEW_ROWS
from opendata_pub.site.svgchart import Series, bar_chart, line_chart, number

ROOT = Path(__file__).resolve().parents[2]
EVALUATION_PACKAGES = ("joso-jimu-jigyo-hyoka-2020", "kiyose-seisaku-hyoka-2020", "koto-seisaku-hyoka-2022")


@pytest.fixture(scope="module")
def site() -> dict[str, bytes]:
    settings = load_config(ROOT / "opendata.yaml")
    packages = load_packages(settings)
    return render_site(packages, settings, build_inventory(settings, packages))


def _rows(site: dict[str, bytes], path: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(site[path].decode("utf-8-sig"), newline="")))


class Tags(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.ids: set[str] = set()
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append((tag, a))
        if a.get("id"):
            self.ids.add(a["id"])


def _charts(html: str) -> dict[str, list[tuple[str, str, float | None]]]:
    """chart id → sorted (series, year, value) of its plotted points."""
    out: dict[str, list[tuple[str, str, float | None]]] = {}
    for svg in re.findall(r'<svg class="chart".*?</svg>', html, re.S):
        chart = re.search(r'data-chart="([^"]+)"', svg)
        assert chart
        points = [(s, y, number(v)) for s, y, k, v in
                  re.findall(r'data-series="([^"]+)" data-year="([^"]*)" data-([a-z_]+)="([^"]*)"', svg)]
        out[chart.group(1)] = sorted(points)
    return out


@pytest.mark.parametrize("name", EVALUATION_PACKAGES)
def test_one_chart_per_indicator_with_the_csv_values(site: dict[str, bytes], name: str) -> None:
    html = site[f"{name}/index.html"].decode("utf-8")
    charts = _charts(html)
    values = _rows(site, f"{name}/data/indicator_values.csv")
    indicators = _rows(site, f"{name}/data/indicators.csv")
    assert indicators
    for ind in indicators:
        rows = [v for v in values if v["indicator_id"] == ind["indicator_id"]]
        expected = sorted((s, v["fiscal_year"], float(v[s])) for v in rows for s in ("target", "actual") if v[s])
        key = f"chart-{ind['indicator_id']}"
        assert charts.get(key, []) == expected, key
        assert ind["name"] in html
    # every value is in a table too (the chart's text alternative)
    for v in values:
        for column in ("target", "actual"):
            if v[column]:
                assert f'<td class="num">{v[column]}</td>' in html


def test_charts_are_accessible_images_without_script(site: dict[str, bytes]) -> None:
    for name in EVALUATION_PACKAGES:
        html = site[f"{name}/index.html"].decode("utf-8")
        page = Tags(html)
        svgs = [a for t, a in page.tags if t == "svg"]
        assert svgs, name
        for svg in svgs:
            assert svg["role"] == "img"
            assert all(i in page.ids for i in svg["aria-labelledby"].split())
        assert not [a for t, a in page.tags if t == "script" and a.get("type") != "application/ld+json"]
        assert "<title id=" in html and "<desc id=" in html and "年度" in html


def test_grade_reason_costs_programs_and_texts(site: dict[str, bytes]) -> None:
    kiyose = site["kiyose-seisaku-hyoka-2020/index.html"].decode("utf-8")
    evaluation = _rows(site, "kiyose-seisaku-hyoka-2020/data/evaluations.csv")[0]
    assert f"評価: <strong>{evaluation['grade']}</strong>" in kiyose
    assert evaluation["grade_reason"].splitlines()[0] in kiyose
    for program in _rows(site, "kiyose-seisaku-hyoka-2020/data/programs.csv"):
        assert program["program_name"] in kiyose
    assert "9,679,000 円" in kiyose  # a program's settlement, from costs.csv
    for challenge in _rows(site, "kiyose-seisaku-hyoka-2020/data/challenges.csv"):
        assert challenge["challenge"].splitlines()[0] in kiyose
    koto = site["koto-seisaku-hyoka-2022/index.html"].decode("utf-8")
    for narrative in _rows(site, "koto-seisaku-hyoka-2022/data/narratives.csv"):
        assert f"<dt>{narrative['heading']}</dt>" in koto
    # the policy's costs as bars, one per year and stage, in yen as printed in the CSV
    costs = [c for c in _rows(site, "koto-seisaku-hyoka-2022/data/costs.csv")
             if not c["program_id"] and c["category"] == "total"]
    bars = _charts(koto)["chart-131083-2022-1-costs"]
    assert bars == sorted((c["stage"], c["fiscal_year"], float(c["amount_jpy"])) for c in costs)
    assert "金額（千円）" in koto


def test_every_csv_has_a_preview_linked_from_the_downloads(site: dict[str, bytes]) -> None:
    for name in EVALUATION_PACKAGES:
        page = site[f"{name}/index.html"].decode("utf-8")
        for path in [p for p in site if p.startswith(f"{name}/data/") and p.endswith(".csv")]:
            resource = Path(path).stem
            assert f'href="preview/{resource}.html"' in page, path
            preview = site[f"{name}/preview/{resource}.html"].decode("utf-8")
            rows = _rows(site, path)
            assert preview.count("<tr><td>") == min(len(rows), PREVIEW_ROWS)
            assert f"全 {len(rows):,} 行を表示しています。" in preview
        # column titles and types from the Table Schema
        preview = site[f"{name}/preview/indicator_values.html"].decode("utf-8")
        assert "達成率" in preview and "<code>achievement_rate</code>" in preview and "数値" in preview
        # the digest is in a details element, the page links to its own RDF
        assert '<details class="hash"><summary>SHA-256</summary>' in page
        assert 'href="dataset.ttl"' in page and 'href="dataset.jsonld"' in page
        assert site[f"{name}/dataset.ttl"].startswith(b"@prefix") and site[f"{name}/dataset.jsonld"].startswith(b"{")


def test_a_long_csv_preview_says_rows_are_cut(site: dict[str, bytes]) -> None:
    from opendata_pub.config import load_config
    from opendata_pub.site.context import SiteContext
    from opendata_pub.site.preview_page import preview_page

    data = ("n,名前\n" + "".join(f"{i},行{i}\n" for i in range(250))).encode("utf-8")
    table = read_csv_table(data, "utf-8")
    assert table is not None and len(table.rows) == 250
    f = PackageFile("big", "大きな表", None, "data/big.csv", None, len(data), None, "csv", None, "utf-8",
                    "excel/big.csv", "preview/big.html")
    schema = {"fields": [{"name": "n", "type": "integer", "title": "番号"}, {"name": "名前", "type": "string"}]}
    html = preview_page(f, table, schema, "テスト", SiteContext(load_config(ROOT / "opendata.yaml"), {})).decode()
    assert html.count("<tr><td>") == PREVIEW_ROWS
    assert "全 250 行のうち、先頭の 100 行だけを表示しています。" in html
    assert "番号<br><code>n</code><br>" in html and "整数" in html


def test_inventory_only_datasets_have_pages_and_the_count_tells_the_truth(site: dict[str, bytes]) -> None:
    settings = load_config(ROOT / "opendata.yaml")
    inventory = build_inventory(settings, load_packages(settings))
    listed = [e for e in inventory.entries if not e.packaged]
    assert listed
    index = site["index.html"].decode("utf-8")
    packaged = len(inventory.entries) - len(listed)
    assert (f"全 {len(inventory.entries)} 件（パッケージ {packaged} 件・一覧のみ {len(listed)} 件）"
            "を表示しています。") in index
    for e in listed:
        page = site[f"listed/{e.id}.html"].decode("utf-8")
        assert f'href="listed/{e.id}.html"' in index
        assert e.title in page and e.status.label in page
        if e.source:
            assert e.source.replace('"', "&quot;").replace("'", "&#x27;") in page or e.source[:10] in page
    # the search also matches column titles: each evaluation card carries them
    assert index.count('data-kind="package"') == packaged and index.count('data-kind="listed"') == len(listed)
    for name in EVALUATION_PACKAGES:
        card = index[index.index(f'href="{name}/index.html"') - 2000: index.index(f'href="{name}/index.html"')]
        assert "達成率" in card and "achievement_rate" in card


def test_excel_copy_keeps_the_file_name_unless_two_files_share_it() -> None:
    assert _excel_name("data/222127_aed.csv", "aed", 0, {}) == "excel/222127_aed.csv"
    assert _excel_name("more/222127_aed.csv", "aed2", 1, {"excel/222127_aed.csv": b""}) == "excel/aed2.csv"


def test_svg_charts() -> None:
    assert number("1,234.5") == 1234.5 and number("") is None and number("未実施") is None and number("nan") is None
    svg = line_chart("c1", title="<指標>", desc="説明 & 注", categories=["2020"],
                     series=[Series("actual", "実績値", {"2020": (-3.0, "-3")})], x_label="年度", y_label="値（%）")
    assert "&lt;指標&gt;" in svg and "説明 &amp; 注" in svg and 'data-actual="-3"' in svg
    assert "<polyline" not in svg  # one point draws no line
    bars = bar_chart("c2", title="t", desc="d", categories=["2021", "2022"],
                     series=[Series("budget", "予算", {"2021": (1000.0, "1000"), "2022": (0.0, "0")})],
                     x_label="年度", y_label="千円", scale=1000)
    assert bars.count('class="bar"') == 2 and 'data-budget="0"' in bars
