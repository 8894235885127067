"""Issue 12: keywords become tags CKAN accepts (nothing lost); resources are named by their titles
with the package's name kept for matching; validate --target reports what CKAN would refuse."""

from __future__ import annotations

import json
import re

import pytest

from opendata_pub.actions import validate
from opendata_pub.config import load_config
from opendata_pub.metadata.ckan_names import ckan_tag, ckan_tags, tag_problems, untaggable
from opendata_pub.packaging.package import load_descriptor
from opendata_pub.portals.ckan import match_resources
from opendata_pub.portals.mapping import MappingContext, descriptor_from_ckan, resource_key, to_ckan_dataset

# CKAN 2.12's tag_name_validator, as in ckan/logic/validators.py
CKAN_TAG = re.compile(r"[\w \-.]*$", re.UNICODE)


@pytest.mark.parametrize(("keyword", "tag"), [
    ("行政情報の積極的な公開・共有", "行政情報の積極的な公開 共有"),
    ("情報公開・広報・広聴", "情報公開 広報 広聴"),
    ("開かれた区政と区民の参画・協働の実現", "開かれた区政と区民の参画 協働の実現"),
    ("行政評価", "行政評価"),
    ("  a//b、、（c）  ", "a b c"),
    ("open-data_v1.0", "open-data_v1.0"),
    ("x", None),
    ("・・", None),
    ("・a・", None),
])
def test_keyword_to_tag(keyword: str, tag: str | None) -> None:
    assert ckan_tag(keyword) == tag
    if tag is not None:
        assert CKAN_TAG.match(tag) and 2 <= len(tag) <= 100 and tag_problems([tag]) == []


def test_long_keyword_is_cut_at_100_characters_and_trimmed() -> None:
    tag = ckan_tag("あ" * 99 + "・" + "い" * 50)
    assert tag == "あ" * 99  # cut at 100 ("…あ "), then trimmed
    assert len(ckan_tag("字" * 300) or "") == 100


def test_tags_are_deduplicated_after_mapping() -> None:
    assert ckan_tags(["公開・共有", "公開 共有", "公開、共有", "x"]) == ["公開 共有"]
    assert untaggable(["公開・共有", "x", "・"]) == ["x", "・"]


def _ctx(proj) -> MappingContext:
    settings = load_config(proj / "opendata.yaml")
    return MappingContext(settings=settings, organization="kiyose", license_id=lambda lic, raw: "PDL-1.0")


def _as_ckan(d: dict) -> dict:
    return {**{k: v for k, v in d.items() if k not in ("extras", "tags")},
            "tags": [{"name": t} for t in d.get("tags", [])],
            "extras": [{"key": k, "value": v} for k, v in d.get("extras", {}).items()], "resources": []}


def test_original_keywords_are_kept_in_extras_and_come_back(proj) -> None:
    desc = dict(load_descriptor(proj / "datapackages" / "demo" / "datapackage.yaml"))
    desc["keywords"] = ["行政情報の積極的な公開・共有", "x", "行政評価", "行政情報の積極的な公開 共有"]
    d = to_ckan_dataset(desc, _ctx(proj))
    assert d["tags"] == ["行政情報の積極的な公開 共有", "行政評価"]
    assert json.loads(d["extras"]["keywords"]) == desc["keywords"]
    assert descriptor_from_ckan(_as_ckan(d))["keywords"] == desc["keywords"]  # exactly, in order
    # a dataset published by another tool: no keywords extra, the tags are the keywords
    assert descriptor_from_ckan({"name": "a", "tags": [{"name": "t1"}], "resources": []})["keywords"] == ["t1"]


def test_sources_are_absolute_urls_under_the_base_url(proj) -> None:
    desc = dict(load_descriptor(proj / "datapackages" / "demo" / "datapackage.yaml"))
    desc["sources"] = [{"title": "シート", "path": "sources/sheets/a.txt"},
                       {"title": "外部", "path": "https://example.jp/x.pdf"}, {"title": "紙の資料"}]
    ctx = _ctx(proj)
    base = ctx.settings.catalog.base_url if ctx.settings is not None else None
    sources = json.loads(to_ckan_dataset(desc, ctx)["extras"]["source"])
    assert sources[1:] == ["https://example.jp/x.pdf", "紙の資料"]
    if base:
        assert sources[0] == f"{base}demo/sources/sheets/a.txt"
    else:
        assert sources[0] == "シート"  # never a relative path
    assert all("://" in s or not s.startswith("sources/") for s in sources)


def test_resources_match_by_kept_name_first_then_by_the_old_name() -> None:
    new = {"id": "1", "name": "評価", "opendata_pub_name": "evaluations"}
    old = {"id": "2", "name": "costs"}  # published before names were titles
    foreign = {"id": "3", "name": "evaluations"}  # same CKAN name, but a leftover: the kept one wins
    matched, extra = match_resources([foreign, new, old])
    assert matched == {"evaluations": new, "costs": old} and extra == [foreign]
    assert list(matched) == ["evaluations", "costs"]  # the portal's order
    assert [resource_key(r) for r in (new, old, foreign)] == ["evaluations", "costs", "evaluations"]


def test_pulled_resource_gets_its_name_and_title_back() -> None:
    pkg = {"name": "a", "resources": [{"name": "評価", "opendata_pub_name": "evaluations", "format": "CSV"},
                                      {"name": "costs", "title": "事業費", "format": "CSV"}]}
    back = descriptor_from_ckan(pkg)["resources"]
    assert (back[0]["name"], back[0]["title"]) == ("evaluations", "評価")
    assert (back[1]["name"], back[1]["title"]) == ("costs", "事業費")


def _set_keywords(proj, keywords: str, name: str | None = None) -> None:
    desc = proj / "datapackages" / "demo" / "datapackage.yaml"
    text = desc.read_text(encoding="utf-8").replace("keywords: [テスト, デモ]", f"keywords: {keywords}")
    if name is not None:
        text = text.replace("name: demo\n", f"name: {name}\n", 1)
    desc.write_text(text, encoding="utf-8")


def test_validate_target_reports_what_ckan_would_refuse(proj, fake) -> None:
    _set_keywords(proj, "[x, 公開・共有, テスト]")
    settings = load_config(proj / "opendata.yaml")
    plain = validate([proj / "datapackages" / "demo"], settings=settings)
    assert not [f for p in plain.packages for f in p.findings if f.code.startswith("ckan-")]
    report = validate([proj / "datapackages" / "demo"], settings=settings, target=fake.url)
    found = {(f.code, f.severity.value, f.where.key) for p in report.packages for f in p.findings
             if f.code.startswith("ckan-")}
    assert found == {("ckan-keyword-no-tag", "warning", "keywords[0]"), ("ckan-keyword-mapped", "info", "keywords[1]")}
    assert report.valid  # warnings only
    # a folder target: the static catalog has no tag rule
    static = validate([proj / "datapackages" / "demo"], settings=settings, target="site/")
    assert not [f for p in static.packages for f in p.findings if f.code.startswith("ckan-")]


def test_validate_target_cli_exits_1_on_a_name_ckan_refuses(cli, proj, fake) -> None:
    _set_keywords(proj, "[テスト]", name="new")
    r = cli("validate", "--target", fake.url, "-f", "json", cwd=proj)
    assert r.code == 1, r.out + r.err
    codes = [f["code"] for p in json.loads(r.out)["packages"] for f in p["findings"]]
    assert "ckan-dataset-name" in codes


def test_a_dataset_published_with_the_old_names_converges_without_duplicates(proj, fake, target) -> None:
    from opendata_pub.actions import publish

    settings = load_config(proj / "opendata.yaml")
    paths = [proj / "datapackages" / "demo"]
    _, result = publish(paths, target, settings=settings)
    assert result.ok
    d = fake._show("demo")
    assert d is not None
    ids = [r["id"] for r in d["resources"]]
    for r in d["resources"]:  # as published before names were titles: our name as CKAN's, the title beside it
        key = r.pop("opendata_pub_name")
        if key != r["name"]:
            r["title"], r["name"] = r["name"], key
    assert [r["name"] for r in d["resources"]] == ["towns", "datapackage.json"]
    fake.log.clear()
    _, result = publish(paths, target, settings=settings)
    assert result.ok
    assert [w.action for w in fake.writes()] == ["package_revise"]  # metadata only: no file sent again
    d = fake._show("demo")
    assert d is not None
    assert [(r["id"], r["name"], r.get("opendata_pub_name"), r.get("title")) for r in d["resources"]] == [
        (ids[0], "表 towns", "towns", None), (ids[1], "datapackage.json", "datapackage.json", None)]
    fake.log.clear()
    the_plan, result = publish(paths, target, settings=settings)
    assert result.ok and not the_plan.has_changes and fake.writes() == []
