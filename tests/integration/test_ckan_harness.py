"""The harness gives a real, usable CKAN 2.12: Action API, uploads, search
(through the Solr stand-in), licences as Japanese portals have them, and
ckanext-dcat's RDF output and parser."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import uuid

import pytest
import rdflib
from rdflib.namespace import DCTERMS

LICENCES = {
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "PDL-1.0": "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
}
TIMEOUT = 60


def call(ckan, action, data=None, *, token="sysadmin", method="POST", files=None):
    """Call an Action API endpoint; returns (status, parsed JSON body)."""
    kw = {} if token == "sysadmin" else {"token": token}
    with ckan.session(**kw) as s:
        if method == "GET":
            r = s.get(ckan.api + action, params=data, timeout=TIMEOUT)
        elif files:
            r = s.post(ckan.api + action, data=data, files=files, timeout=TIMEOUT)
        else:
            r = s.post(ckan.api + action, json=data or {}, timeout=TIMEOUT)
    try:
        return r.status_code, r.json()
    except ValueError:
        return r.status_code, {"_text": r.text[:1000]}


def ok(ckan, action, data=None, **kw):
    status, body = call(ckan, action, data, **kw)
    shown = json.dumps(body, ensure_ascii=False)[:1000]
    assert status == 200 and body.get("success"), f"{action}: HTTP {status} {shown}"
    return body["result"]


@pytest.fixture
def dataset(ckan, ckan_org):
    """A dataset with Japanese title, tags, extras and an uploaded resource."""
    name = "it-ds-" + uuid.uuid4().hex[:12]
    pkg = ok(
        ckan,
        "package_create",
        {
            "name": name,
            "title": "人口統計 テスト " + name[-6:],
            "owner_org": ckan_org,
            "notes": "Integration test dataset",
            "license_id": "PDL-1.0",
            "tags": [{"name": "人口"}, {"name": "population"}],
            "extras": [
                {"key": "frictionless_profile", "value": "tabular-data-package"},
                {"key": "source_hash", "value": "abc123"},
            ],
        },
    )
    payload = os.urandom(150_000) + "\n市区町村,人口\n札幌市,1973395\n".encode()
    res = ok(
        ckan,
        "resource_create",
        {"package_id": pkg["id"], "name": "data.csv", "format": "CSV"},
        files={"upload": ("data.csv", payload, "text/csv")},
    )
    return {"pkg": pkg, "res": res, "payload": payload, "org": ckan_org}


def test_status_show_reports_the_started_version_with_dcat(ckan):
    st = ok(ckan, "status_show", method="GET", token=None)
    assert ckan.version in ("2.11.6", "2.12.0")
    assert st["ckan_version"] == ckan.version
    assert "dcat" in st["extensions"]
    assert st["site_url"] == ckan.url


def test_license_list_has_japanese_portal_licences(ckan):
    by_id = {
        lic["id"]: lic for lic in ok(ckan, "license_list", method="GET", token=None)
    }
    for lic_id, url in LICENCES.items():
        assert by_id[lic_id]["url"] == url
    assert by_id["CC-BY-4.0"]["title"] == "クリエイティブ・コモンズ 表示 4.0 国際"
    assert by_id["PDL-1.0"]["title"] == "公共データ利用規約（第1.0版）"


def test_dataset_with_upload_round_trips(ckan, dataset):
    pkg = ok(ckan, "package_show", {"id": dataset["pkg"]["name"]}, method="GET")
    assert sorted(t["name"] for t in pkg["tags"]) == ["population", "人口"]
    assert {e["key"]: e["value"] for e in pkg["extras"]} == {
        "frictionless_profile": "tabular-data-package",
        "source_hash": "abc123",
    }
    assert pkg["license_url"] == LICENCES["PDL-1.0"]
    assert pkg["organization"]["name"] == dataset["org"]

    res = dataset["res"]
    assert res["url_type"] == "upload"
    assert res["size"] == len(dataset["payload"])
    assert res["url"].startswith(ckan.url + "/dataset/")
    with ckan.session(token=None) as s:
        r = s.get(res["url"], timeout=TIMEOUT)
    assert r.status_code == 200
    assert (
        hashlib.sha256(r.content).hexdigest()
        == hashlib.sha256(dataset["payload"]).hexdigest()
    )
    # the file is really in the harness's storage_path
    rid = res["id"]
    stored = ckan.storage_path / "resources" / rid[:3] / rid[3:6] / rid[6:]
    assert stored.read_bytes() == dataset["payload"]


def test_organization_show_and_package_search(ckan, dataset):
    name, org = dataset["pkg"]["name"], dataset["org"]
    o = ok(
        ckan, "organization_show", {"id": org, "include_datasets": True}, method="GET"
    )
    assert o["package_count"] == 1
    assert [p["name"] for p in o["packages"]] == [name]

    r = ok(ckan, "package_search", {"q": f"name:{name}"}, method="GET")
    assert r["count"] == 1 and r["results"][0]["name"] == name
    r = ok(
        ckan,
        "package_search",
        {"q": f"id:{dataset['pkg']['id']}"},
        method="GET",
    )
    assert [p["name"] for p in r["results"]] == [name]
    r = ok(
        ckan,
        "package_search",
        {
            "fq": f'owner_org:"{dataset["pkg"]["owner_org"]}"',
            "facet.field": '["tags","res_format","license_id"]',
        },
        method="GET",
    )
    assert r["count"] == 1
    assert r["facets"]["tags"] == {"人口": 1, "population": 1}
    assert r["facets"]["license_id"] == {"PDL-1.0": 1}
    # free text (dismax) over a Japanese title, anonymously
    r = ok(
        ckan,
        "package_search",
        {"q": "人口統計", "rows": 1000},
        method="GET",
        token=None,
    )
    assert name in [p["name"] for p in r["results"]]
    # *:* with rows / start / sort
    r = ok(
        ckan,
        "package_search",
        {"q": "*:*", "rows": 1, "start": 0, "sort": "metadata_modified desc"},
        method="GET",
    )
    assert r["count"] >= 1 and len(r["results"]) == 1

    ok(ckan, "package_delete", {"id": name})
    r = ok(ckan, "package_search", {"q": f"name:{name}"}, method="GET")
    assert r["count"] == 0
    o = ok(ckan, "organization_show", {"id": org}, method="GET")
    assert o["package_count"] == 0


def test_private_dataset_hidden_from_anonymous_search(ckan, ckan_org):
    name = "it-private-" + uuid.uuid4().hex[:10]
    ok(ckan, "package_create", {"name": name, "owner_org": ckan_org, "private": True})
    fq = {"fq": f"organization:{ckan_org}", "include_private": True}
    assert ok(ckan, "package_search", fq, method="GET")["count"] == 1
    assert ok(ckan, "package_search", fq, method="GET", token=None)["count"] == 0


def test_dataset_turtle_parses_with_rdflib(ckan, dataset):
    pkg = dataset["pkg"]
    with ckan.session(token=None) as s:
        r = s.get(f"{ckan.url}/dataset/{pkg['name']}.ttl", timeout=TIMEOUT)
    assert r.status_code == 200, r.text[:500]
    assert "turtle" in r.headers["Content-Type"]
    # Turtle is always UTF-8, but CKAN sends no charset, so requests' r.text
    # would guess ISO-8859-1: decode the bytes ourselves
    g = rdflib.Graph().parse(data=r.content.decode("utf-8"), format="turtle")
    titles = {str(o) for o in g.objects(None, DCTERMS.title)}
    assert pkg["title"] in titles


def test_ckanext_dcat_rdfparser_reads_the_turtle(ckan, dataset):
    pkg = dataset["pkg"]
    with ckan.session(token=None) as s:
        ttl = s.get(f"{ckan.url}/dataset/{pkg['name']}.ttl", timeout=TIMEOUT).content
    ttl = ttl.decode("utf-8")
    script = (
        "import json, sys\n"
        "from ckanext.dcat.processors import RDFParser\n"
        "p = RDFParser(profiles=['euro_dcat_ap_3'])\n"
        "p.parse(sys.stdin.read(), _format='turtle')\n"
        "print(json.dumps([{'title': d.get('title'), 'n_res': len(d.get('resources', []))}"
        " for d in p.datasets()]))\n"
    )
    out = subprocess.run(
        [str(ckan.venv_python), "-c", script],
        check=False,
        input=ttl.encode("utf-8"),
        capture_output=True,
        timeout=120,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert out.returncode == 0, out.stderr.decode("utf-8", "replace")[-2000:]
    parsed = json.loads(out.stdout.decode("utf-8").strip().splitlines()[-1])
    assert {"title": pkg["title"], "n_res": 1} in parsed


def test_catalog_turtle_lists_datasets(ckan, dataset):
    with ckan.session(token=None) as s:
        r = s.get(
            ckan.url + "/catalog.ttl",
            params={"q": "name:" + dataset["pkg"]["name"]},
            timeout=TIMEOUT,
        )
    assert r.status_code == 200, r.text[:500]
    g = rdflib.Graph().parse(data=r.content.decode("utf-8"), format="turtle")
    assert dataset["pkg"]["title"] in {str(o) for o in g.objects(None, DCTERMS.title)}


def test_upload_over_max_resource_size_is_409(ckan, ckan_org):
    pkg = ok(
        ckan,
        "package_create",
        {"name": "it-big-" + uuid.uuid4().hex[:10], "owner_org": ckan_org},
    )
    too_big = b"\0" * (ckan.max_resource_size_mb * 1024 * 1024 + 1)
    status, body = call(
        ckan,
        "resource_create",
        {"package_id": pkg["id"], "name": "big.bin"},
        files={"upload": ("big.bin", too_big, "application/octet-stream")},
    )
    assert status == 409, body
    assert body["error"]["__type"] == "Validation Error"
    assert "File upload too large" in body["error"]["upload"][0]


def test_bad_token_is_403(ckan, ckan_org):
    status, body = call(
        ckan,
        "package_create",
        {"name": "it-denied-" + uuid.uuid4().hex[:8], "owner_org": ckan_org},
        token="not-a-real-token",
    )
    assert status == 403
    assert body["error"]["__type"] == "Authorization Error"


def test_harness_processes_listen_on_loopback_only(ckan):
    assert set(ckan.pids) == {"postgres", "redis", "solr", "ckan"}
    ports = set(ckan.ports.values())
    listening = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as fh:
            for line in fh.readlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                if state == "0A":  # LISTEN
                    addr, port = local.rsplit(":", 1)
                    listening.setdefault(int(port, 16), set()).add(addr)
    assert ports <= set(listening), "not listening: %s" % (ports - set(listening))
    for port in ports:
        assert listening[port] == {"0100007F"}, (
            f"port {port} bound to {listening[port]}"
        )
