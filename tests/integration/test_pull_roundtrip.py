"""Pulling from the real CKAN: a package we published comes back byte-identical; a dataset made by
another tool comes back as a package mapped from its CKAN metadata."""

from __future__ import annotations

import hashlib
import json
import uuid

from opendata_pub.actions import publish as publish_packages
from opendata_pub.portals import pull_dataset
from opendata_pub.portals.mapping import resource_key
from tests.portals.integration_support import CSV, package_show, project, settings_of, target


def test_published_package_pulls_back_byte_identical(ckan, ckan_org, tmp_path, cli, monkeypatch):
    name = "it-pull-" + uuid.uuid4().hex[:10]
    big = "code,name,population\n" + "".join(f"{i:06d},町{i},{i * 7}\n" for i in range(20000))
    root = project(tmp_path, ckan, ckan_org, {"towns": CSV, "big": big}, name=name)
    t = target(ckan, settings_of(root))
    _, result = publish_packages([root / "datapackages" / name], t, settings=t.settings)
    assert result.ok
    monkeypatch.setenv("ODP_IT_TOKEN", ckan.token)
    out = tmp_path / "pulled"
    r = cli("pull", name, "-o", str(out), cwd=root)  # --from defaults to default_target
    assert r.code == 0, r.out + r.err
    src = root / "datapackages" / name
    for rel in ("data/towns.csv", "data/big.csv"):
        assert (out / rel).read_bytes() == (src / rel).read_bytes()
    stored = next(x for x in package_show(ckan, name)["resources"] if resource_key(x) == "datapackage.json")
    with ckan.session() as s:
        on_portal = s.get(stored["url"], timeout=60).content
    assert (out / "datapackage.json").read_bytes() == on_portal
    assert json.loads(on_portal)["resources"][1]["hash"] == "sha256:" + hashlib.sha256(big.encode()).hexdigest()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".pulled")) == []
    r = cli("validate", "--profile", "none", str(out), cwd=root)
    assert r.code == 0, r.out


def test_dataset_without_datapackage_json_is_mapped_from_ckan(ckan, ckan_org, tmp_path):
    name = "it-foreign-" + uuid.uuid4().hex[:10]
    payload = "市区町村,人口\n札幌市,1973395\n".encode()
    with ckan.session() as s:
        r = s.post(ckan.api + "package_create", json={
            "name": name, "title": "他のツールのデータ", "owner_org": ckan_org, "license_id": "CC-BY-4.0",
            "notes": "説明", "tags": [{"name": "人口"}],
            "extras": [{"key": "temporal_start", "value": "2020-04-01"}]}, timeout=30)
        assert r.status_code == 200, r.text
        pkg = r.json()["result"]
        r = s.post(ckan.api + "resource_create", data={"package_id": pkg["id"], "name": "人口", "format": "CSV"},
                   files={"upload": ("pop.csv", payload, "text/csv")}, timeout=30)
        assert r.status_code == 200, r.text
    root = project(tmp_path, ckan, ckan_org, name="unused")
    t = target(ckan, settings_of(root))
    result = pull_dataset(name, t, tmp_path / "got")
    assert result.descriptor_from == "ckan"
    desc = json.loads((tmp_path / "got" / "datapackage.json").read_text(encoding="utf-8"))
    assert desc["name"] == name and desc["title"] == "他のツールのデータ" and desc["keywords"] == ["人口"]
    assert desc["licenses"][0]["name"] == "CC-BY-4.0" and desc["temporal"] == {"start": "2020-04-01"}
    assert desc["resources"][0]["path"] == "data/pop.csv"
    assert (tmp_path / "got" / "data" / "pop.csv").read_bytes() == payload
