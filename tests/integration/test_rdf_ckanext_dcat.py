"""Our DCAT-AP 3 read by a real DCAT parser: ckanext-dcat 2.4.4's RDFParser (profile euro_dcat_ap_3).

The parser runs in the CKAN harness's virtualenv (``ckan.venv_python``), with the licence register
the harness's CKAN uses, so licences are matched as a CKAN portal would match them, and Japanese as
the default locale, as on a Japanese portal (ckanext-dcat then reads foaf:name@ja, not @en).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from opendata_pub.packaging.package import load_package
from opendata_pub.rdf import package_graph, serialize
from tests.ckan_harness.harness import LICENSES_FILE
from tests.rdf.conftest import BASE, CONFIG, build_evaluation, build_full, settings_for

_PARSE = """
import json, sys
from ckan.common import config
config["licenses_group_url"] = sys.argv[1]   # as the harness's CKAN is configured
config["ckan.locale_default"] = "ja"          # as a Japanese portal is: names are read in Japanese
from ckanext.dcat.processors import RDFParser
p = RDFParser(profiles=["euro_dcat_ap_3"])
p.parse(sys.stdin.read(), _format=sys.argv[2])
print(json.dumps(list(p.datasets()), ensure_ascii=False, default=str))
"""


def _parse_with_ckanext_dcat(ckan: Any, text: str, fmt: str) -> list[dict[str, Any]]:
    out = subprocess.run([str(ckan.venv_python), "-c", _PARSE, LICENSES_FILE.as_uri(), fmt],
                         input=text.encode("utf-8"), check=False, capture_output=True, timeout=180,
                         env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert out.returncode == 0, out.stderr.decode("utf-8", "replace")[-3000:]
    return json.loads(out.stdout.decode("utf-8").strip().splitlines()[-1])


def _extras(d: dict[str, Any]) -> dict[str, str]:
    return {e["key"]: e["value"] for e in d.get("extras", [])}


@pytest.mark.parametrize("fmt", ["turtle", "xml"])
def test_ckanext_dcat_reads_our_dcat_ap(ckan: Any, tmp_path: Path, fmt: str) -> None:
    settings = settings_for(CONFIG, tmp_path)
    pkg = build_full(tmp_path / "datapackages" / "full")
    text = serialize(package_graph(pkg, settings), fmt)
    datasets = _parse_with_ckanext_dcat(ckan, text, fmt)

    # one dataset: the sources (eval:SourceDocument) are not taken for datasets of their own
    assert len(datasets) == 1
    d = datasets[0]
    extras = _extras(d)
    assert d["title"] == "全項目のデータ"
    assert d["notes"] == "プロパティ表のすべての項目を持つパッケージ"
    assert d["version"] == "1.2.0"
    assert d["url"] == "https://www.city.joso.lg.jp/opendata/"
    assert sorted(t["name"] for t in d["tags"]) == ["人口", "団体"]
    # licence: matched in the portal's licence register by its URI. CKAN has one licence per dataset
    # and ckanext-dcat takes the first distribution's it knows; this package has two licences.
    assert d["license_id"] in {"PDL-1.0", "CC-BY-4.0"}
    # publisher: the municipality, with its 全国地方公共団体コード
    assert extras["publisher_name"] == "常総市"
    assert extras["publisher_identifier"] == "082112"
    assert extras["publisher_uri"] == f"{BASE}publisher/082112"
    assert extras["publisher_type"] == "http://purl.org/adms/publishertype/LocalAuthority"
    assert extras["contact_email"] == "joho@example.lg.jp" and extras["contact_name"] == "情報政策課"
    # temporal and spatial coverage
    assert (extras["temporal_start"], extras["temporal_end"]) == ("2020-04-01", "2021-03-31")
    assert extras["spatial_uri"] in {"http://data.e-stat.go.jp/lod/sac/C08211",
                                     "http://data.e-stat.go.jp/lod/sac/C13221"}
    assert extras["issued"] == "2021-10-01" and extras["modified"] == "2022-03-31"
    assert extras["frequency"] == "http://publications.europa.eu/resource/authority/frequency/ANNUAL"
    assert set(json.loads(extras["theme"])) == {"http://publications.europa.eu/resource/authority/data-theme/GOVE",
                                                "http://publications.europa.eu/resource/authority/data-theme/SOCI"}
    assert extras["provenance"] == "統計書の表を CSV にした"
    assert extras["uri"] == f"{BASE}dataset/full"

    # every distribution, with URL, format, media type, size and hash intact
    local = {r["name"]: r for r in load_package(pkg).resources()}
    by_url = {r["url"]: r for r in d["resources"]}
    assert len(d["resources"]) == len(local) == 3
    for name, res in local.items():
        r = by_url[f"{BASE}full/{res['path']}"]
        assert r["uri"] == f"{BASE}dataset/full/resource/{name}"
        assert r["name"] == res["title"] and r["description"] == res["description"]
        assert r["download_url"] == r["access_url"] == r["url"]
        assert r["format"].endswith("/file-type/CSV")
        assert r["mimetype"] == "https://www.iana.org/assignments/media-types/text/csv"
        assert r["size"] == res["bytes"]
        assert r["hash"] == res["hash"].split(":", 1)[1]
        assert r["hash_algorithm"] == "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"
    assert by_url[f"{BASE}full/data/notes.csv"]["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert by_url[f"{BASE}full/data/towns.csv"]["license"] == (
        "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0")


def test_ckanext_dcat_reads_an_evaluation_package(ckan: Any, tmp_path: Path) -> None:
    # the evaluation data (eval:, qb:) beside DCAT-AP does not disturb a DCAT parser
    settings = settings_for(CONFIG, tmp_path)
    pkg = build_evaluation(tmp_path / "datapackages" / "kiyose")
    [d] = _parse_with_ckanext_dcat(ckan, serialize(package_graph(pkg, settings), "turtle"), "turtle")
    assert d["title"] == "清瀬市 施策評価 (令和2年度)"
    assert d["license_id"] == "PDL-1.0"
    assert _extras(d)["publisher_name"] == "清瀬市"
    assert _extras(d)["spatial_uri"] == "http://data.e-stat.go.jp/lod/sac/C13221"
    assert _extras(d)["spatial_text"] == "清瀬市"
    assert len(d["resources"]) == 7
