"""Pulling from a scheming portal without a stored datapackage.json: the DCAT-AP schema's fields
(ckanext-dcat 2.4.4, ``dcat_ap_full.yaml``) read back into the extras ``descriptor_from_ckan``
decodes (scheming.unplace), a field winning over a leftover extra, stock CKAN left as it was."""

from __future__ import annotations

import copy
import json

from opendata_pub.portals.mapping import ESTAT_SAC, descriptor_from_ckan
from opendata_pub.portals.scheming import unplace

THEME = "http://publications.europa.eu/resource/authority/data-theme/GOVE"
ANNUAL = "http://publications.europa.eu/resource/authority/frequency/ANNUAL"
JPN = "http://publications.europa.eu/resource/authority/language/JPN"
PDL = "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0"

# package_show of a dataset entered through the web form of a CKAN 2.12 with ckanext-scheming and
# ckanext-dcat's dcat_ap_full.yaml: the schema's fields top-level, the empty ones as scheming leaves them
SCHEMING_SHOW = {
    "id": "0b5c7c1e-2f0a-4d1e-9a57-3c1f6b1e2a10", "name": "kiyose-hoikusho", "type": "dataset",
    "title": "保育所一覧", "notes": "市内の認可保育所", "state": "active", "private": False,
    "license_id": "PDL-1.0", "license_title": "公共データ利用規約 (第1.0版)", "license_url": PDL,
    "url": "https://www.city.kiyose.lg.jp/hoikusho", "version": "", "homepage": "",
    "maintainer": None, "maintainer_email": None, "author": None, "author_email": None,
    "organization": {"name": "kiyose", "title": "清瀬市", "type": "organization"},
    "owner_org": "6f3c2d1e-0000-4000-8000-000000000001",
    "tags": [{"name": "保育", "display_name": "保育", "state": "active"},
             {"name": "子育て", "display_name": "子育て", "state": "active"}],
    "identifier": "kiyose-hoikusho-2024", "frequency": ANNUAL, "provenance": "",
    "issued": "2024-04-01", "modified": "2024-10-01",
    "theme": [THEME], "language": [JPN], "conforms_to": ["https://www.digital.go.jp/resources/data_dataset"],
    "documentation": [], "alternate_identifier": [],
    "publisher": [{"uri": "https://www.city.kiyose.lg.jp/", "name": "清瀬市", "email": "",
                   "url": "https://www.city.kiyose.lg.jp/", "type": "", "identifier": "132217"}],
    "contact": [{"uri": "", "name": "子ども家庭部 保育幼稚園課", "email": "hoiku@city.kiyose.lg.jp",
                 "identifier": "", "url": ""}],
    "creator": [],
    "temporal_coverage": [{"start": "2024-04-01", "end": "2025-03-31"}],
    "spatial_coverage": [{"uri": ESTAT_SAC + "13221", "text": "", "geom": "", "bbox": "", "centroid": ""}],
    "extras": [{"key": "source", "value": '["https://www.city.kiyose.lg.jp/hoikusho.xlsx"]'}],
    "resources": [{"id": "r1", "name": "保育所一覧", "format": "CSV", "url_type": "upload",
                   "url": "https://portal.example/dataset/x/resource/r1/download/hoikusho.csv",
                   "mimetype": "text/csv", "size": 120, "hash": ""}],
    "num_resources": 1, "num_tags": 2,
}


def test_the_schema_fields_come_back_in_the_derived_descriptor():
    desc = descriptor_from_ckan(unplace(SCHEMING_SHOW))
    assert desc["publisher"] == {"code": "132217", "name": "清瀬市", "url": "https://www.city.kiyose.lg.jp/"}
    assert desc["contactPoint"] == {"name": "子ども家庭部 保育幼稚園課", "email": "hoiku@city.kiyose.lg.jp"}
    assert desc["temporal"] == {"start": "2024-04-01", "end": "2025-03-31"}
    assert desc["spatial"] == ["132217"]
    assert desc["themes"] == ["GOVE"] and desc["language"] == ["ja"] and desc["accrualPeriodicity"] == "ANNUAL"
    assert desc["conformsTo"] == ["https://www.digital.go.jp/resources/data_dataset"]
    assert desc["issued"] == "2024-04-01" and desc["modified"] == "2024-10-01"
    assert desc["keywords"] == ["保育", "子育て"]
    assert desc["licenses"][0]["name"] == "PDL-1.0" and desc["licenses"][0]["path"] == PDL
    assert desc["sources"] == [{"title": "https://www.city.kiyose.lg.jp/hoikusho.xlsx",
                                "path": "https://www.city.kiyose.lg.jp/hoikusho.xlsx"}]  # an extra as before
    assert desc["id"] == "kiyose-hoikusho-2024"  # dct:identifier, not the name
    assert desc["name"] == "kiyose-hoikusho" and desc["homepage"] == "https://www.city.kiyose.lg.jp/hoikusho"
    assert "provenance" not in desc and desc["resources"][0]["format"] == "csv"


def test_the_fields_read_back_as_the_extras_our_publish_would_have_written():
    extras = {e["key"]: e["value"] for e in unplace(SCHEMING_SHOW)["extras"]}
    assert extras == {
        "source": '["https://www.city.kiyose.lg.jp/hoikusho.xlsx"]', "identifier": "kiyose-hoikusho-2024",
        "publisher_name": "清瀬市", "publisher_uri": "https://www.city.kiyose.lg.jp/",
        "publisher_url": "https://www.city.kiyose.lg.jp/", "publisher_identifier": "132217",
        "contact_name": "子ども家庭部 保育幼稚園課", "contact_email": "hoiku@city.kiyose.lg.jp",
        "temporal_start": "2024-04-01", "temporal_end": "2025-03-31", "spatial_uri": ESTAT_SAC + "13221",
        "frequency": ANNUAL, "issued": "2024-04-01", "modified": "2024-10-01",
        "theme": json.dumps([THEME]), "language": json.dumps([JPN]),
        "conforms_to": '["https://www.digital.go.jp/resources/data_dataset"]'}


def test_a_field_wins_over_an_extra_of_the_same_name():
    pkg = copy.deepcopy(SCHEMING_SHOW)
    pkg["extras"] += [{"key": "publisher_name", "value": "旧名"}, {"key": "temporal_start", "value": "1999-04-01"},
                      {"key": "identifier", "value": "old"}, {"key": "not-ours", "value": "kept"}]
    back = unplace(pkg)
    extras = {e["key"]: e["value"] for e in back["extras"]}
    assert extras["publisher_name"] == "清瀬市" and extras["temporal_start"] == "2024-04-01"
    assert extras["identifier"] == "kiyose-hoikusho-2024" and extras["not-ours"] == "kept"
    assert [e["key"] for e in back["extras"]].count("publisher_name") == 1
    assert pkg["extras"][-1] == {"key": "not-ours", "value": "kept"}  # the caller's dict is left alone


def test_an_empty_field_leaves_the_extra_and_json_text_is_read_too():
    pkg = {"name": "a", "resources": [], "publisher": [{"name": "", "uri": ""}], "theme": [],
           "temporal_coverage": json.dumps([{"start": "2020-04-01", "end": ""}]),
           "extras": [{"key": "publisher_name", "value": "清瀬市"}]}
    desc = descriptor_from_ckan(unplace(pkg))
    assert desc["publisher"] == {"name": "清瀬市"} and desc["temporal"] == {"start": "2020-04-01"}
    assert "themes" not in desc


def test_a_stock_ckan_dataset_derives_as_before():
    stock = {"name": "demo", "title": "T", "notes": "N", "license_id": "CC-BY-4.0", "maintainer": "担当",
             "organization": {"name": "kiyose", "title": "清瀬市"}, "tags": [{"name": "人口"}],
             "extras": [{"key": "publisher_name", "value": "清瀬市"}, {"key": "temporal_start", "value": "2020-04-01"},
                        {"key": "spatial_uri", "value": ESTAT_SAC + "13221"}, {"key": "theme", "value": f'["{THEME}"]'}],
             "resources": [{"name": "towns", "format": "CSV"}]}
    assert unplace(stock) == stock
    assert "id" not in descriptor_from_ckan({**stock, "extras": [{"key": "identifier", "value": "demo"}]})
    assert descriptor_from_ckan(unplace(stock)) == descriptor_from_ckan(stock)
    desc = descriptor_from_ckan(stock)
    assert desc["publisher"] == {"name": "清瀬市"} and desc["temporal"] == {"start": "2020-04-01"}
    assert desc["spatial"] == ["132217"] and desc["themes"] == ["GOVE"] and desc["contactPoint"] == {"name": "担当"}
