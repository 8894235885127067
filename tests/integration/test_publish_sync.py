"""Publishing to the real CKAN 2.12: first publish, idempotent re-publish, minimal updates, prune,
saved plans against portal edits, and DCAT output via ckanext-dcat."""

from __future__ import annotations

import hashlib
import uuid

import rdflib
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from opendata_pub.actions import publish as publish_packages
from opendata_pub.portals import DatasetAction, Plan, ResourceAction, apply_plan, plan_packages
from opendata_pub.portals.mapping import resource_key
from tests.portals.integration_support import CSV, Counter, make_package, package_show, project, set_csv, settings_of, target

PDL = "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0"
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")


def _publish(root, t, **kw):
    return publish_packages(sorted((root / "datapackages").iterdir()), t, settings=t.settings, **kw)


def _uid() -> str:
    return "it-pub-" + uuid.uuid4().hex[:10]


def test_first_publish_then_unchanged_republish_writes_nothing(ckan, ckan_org, tmp_path, cli, monkeypatch):
    name = _uid()
    root = project(tmp_path, ckan, ckan_org, {"towns": CSV, "more": CSV + "131016,千代田区,67000\n"}, name=name)
    # through the command line, as a user would
    monkeypatch.setenv("ODP_IT_TOKEN", ckan.token)
    r = cli("publish", cwd=root)
    assert r.code == 0, r.out + r.err
    pkg = package_show(ckan, name)
    assert [resource_key(x) for x in pkg["resources"]] == ["towns", "more", "datapackage.json"]
    towns = pkg["resources"][0]
    local = (root / "datapackages" / name / "data" / "towns.csv").read_bytes()
    assert towns["hash"] == hashlib.sha256(local).hexdigest() and towns["size"] == len(local)
    assert towns["url_type"] == "upload" and pkg["license_id"] == "PDL-1.0"
    assert pkg["organization"]["name"] == ckan_org

    counter = Counter()
    t = target(ckan, settings_of(root), counter)
    the_plan, result = _publish(root, t)
    assert result.ok and not the_plan.has_changes
    assert counter.writes() == []
    assert counter.bytes_sent() == 0
    assert not [s for s in counter.sent if s.action == "download" or "/download/" in s.action]
    assert package_show(ckan, name)["metadata_modified"] == pkg["metadata_modified"]
    r = cli("plan", "--exit-code", cwd=root)
    assert r.code == 0, r.out + r.err


def test_one_changed_csv_replaces_exactly_that_file_and_keeps_ids(ckan, ckan_org, tmp_path):
    name = _uid()
    root = project(tmp_path, ckan, ckan_org, {"towns": CSV, "more": CSV + "1,a,2\n"}, name=name)
    t = target(ckan, settings_of(root))
    _publish(root, t)
    before = {resource_key(x): x["id"] for x in package_show(ckan, name)["resources"]}
    new = CSV + "131016,千代田区,67000\n"
    set_csv(root / "datapackages" / name, "towns", new)
    counter = Counter()
    t = target(ckan, settings_of(root), counter)
    the_plan, result = _publish(root, t)
    assert result.ok
    acts = {r.name: r.action for r in the_plan.datasets[0].resources}
    assert acts == {"towns": ResourceAction.REPLACE, "more": ResourceAction.UNCHANGED,
                    "datapackage.json": ResourceAction.REPLACE}
    writes = counter.writes()
    assert [w.action for w in writes] == ["package_revise", "package_revise"]
    dp_size = len((root / "datapackages" / name / "datapackage.yaml").read_bytes()) * 3  # JSON of it, generously
    assert len(new.encode()) < writes[0].body_bytes < len(new.encode()) + 4000  # the one CSV, nothing more
    assert writes[1].body_bytes < dp_size + 8000
    pkg = package_show(ckan, name)
    assert {resource_key(x): x["id"] for x in pkg["resources"]} == before
    with ckan.session() as s:
        got = s.get(pkg["resources"][0]["url"], timeout=30).content
    assert got == new.encode()


def test_metadata_only_change_uploads_no_data_file(ckan, ckan_org, tmp_path):
    name = _uid()
    root = project(tmp_path, ckan, ckan_org, {"towns": CSV}, name=name)
    t = target(ckan, settings_of(root))
    _publish(root, t)
    desc = root / "datapackages" / name / "datapackage.yaml"
    desc.write_text(desc.read_text(encoding="utf-8").replace("title: デモデータ", "title: 改題したデータ")
                    .replace("description: 団体コードと人口", "description: 説明を変更"), encoding="utf-8")
    counter = Counter()
    t = target(ckan, settings_of(root), counter)
    the_plan, result = _publish(root, t)
    assert result.ok
    ds = the_plan.datasets[0]
    assert [c.field for c in ds.changes] == ["title"]
    assert {r.name: r.action for r in ds.resources}["towns"] is ResourceAction.UPDATE
    writes = counter.writes()
    assert len(writes) == 1  # one revise: metadata + the new datapackage.json (a few kB), no CSV
    pkg = package_show(ckan, name)
    assert pkg["title"] == "改題したデータ" and pkg["resources"][0]["description"] == "説明を変更"
    assert result.datasets[0].uploaded_bytes == ds.resources[-1].file.size  # only datapackage.json


def test_prune_deletes_resources_only_when_asked(ckan, ckan_org, tmp_path):
    name = _uid()
    root = project(tmp_path, ckan, ckan_org, {"towns": CSV, "old": CSV + "1,a,2\n"}, name=name)
    t = target(ckan, settings_of(root))
    _publish(root, t)
    make_package(root / "datapackages", name, {"towns": CSV})
    the_plan, result = _publish(root, t)
    assert result.ok
    assert {r.name: r.action for r in the_plan.datasets[0].resources}["old"] is ResourceAction.KEEP
    assert "old" in [resource_key(x) for x in package_show(ckan, name)["resources"]]
    the_plan, result = _publish(root, t, prune=True)
    assert result.ok
    assert [resource_key(x) for x in package_show(ckan, name)["resources"]] == ["towns", "datapackage.json"]
    assert not plan_packages([root / "datapackages" / name], t, settings=t.settings, prune=True).has_changes


def test_saved_plan_is_refused_after_an_edit_on_the_portal(ckan, ckan_org, tmp_path, cli, monkeypatch):
    name = _uid()
    root = project(tmp_path, ckan, ckan_org, {"towns": CSV}, name=name)
    monkeypatch.setenv("ODP_IT_TOKEN", ckan.token)
    assert cli("publish", cwd=root).code == 0
    set_csv(root / "datapackages" / name, "towns", CSV + "1,a,2\n")
    r = cli("plan", "-o", str(tmp_path / "plan.json"), cwd=root)
    assert r.code == 0, r.err
    with ckan.session() as s:  # someone edits the dataset in the portal's web form
        resp = s.post(ckan.api + "package_patch", json={"id": name, "title": "ポータルで編集"}, timeout=30)
    assert resp.status_code == 200
    r = cli("publish", "--plan", str(tmp_path / "plan.json"), cwd=root)
    assert r.code == 1
    assert "変更されました" in r.out and "上書きしません" in r.out
    pkg = package_show(ckan, name)
    assert pkg["title"] == "ポータルで編集"
    assert pkg["resources"][0]["size"] == len(CSV.encode())  # the file was not replaced either
    # a fresh plan shows the edit as a change to revert, and applies
    t = target(ckan, settings_of(root))
    p = plan_packages([root / "datapackages" / name], t, settings=t.settings)
    assert any(c.field == "title" and c.before == "ポータルで編集" for c in p.datasets[0].changes)
    p.save(tmp_path / "plan2.json")
    assert apply_plan(Plan.load(tmp_path / "plan2.json"), t, saved=True).ok


def test_dcat_turtle_gives_back_title_licence_publisher_and_distributions(ckan, ckan_org, tmp_path):
    name = _uid()
    root = project(tmp_path, ckan, ckan_org, {"towns": CSV}, name=name)
    t = target(ckan, settings_of(root))
    the_plan, result = _publish(root, t)
    assert result.ok and the_plan.datasets[0].action is DatasetAction.CREATE
    with ckan.session(token=None) as s:
        r = s.get(f"{ckan.url}/dataset/{name}.ttl", timeout=60)
    assert r.status_code == 200, r.text[:500]
    g = rdflib.Graph().parse(data=r.content.decode("utf-8"), format="turtle")
    ds = next(g.subjects(RDF.type, DCAT.Dataset))
    assert str(g.value(ds, DCTERMS.title)) == "デモデータ"
    publisher = g.value(ds, DCTERMS.publisher)
    assert str(g.value(publisher, FOAF.name)) == "清瀬市"
    assert str(publisher) == "https://www.city.kiyose.lg.jp/"
    assert {str(k) for k in g.objects(ds, DCAT.keyword)} == {"テスト", "デモ"}
    # ckanext-dcat 2.4's DCAT-AP serializer writes dct:spatial only with spatial_text or a geometry; the
    # extra is there for profiles that read it (schemaorg, croissant) and for our own RDF output
    extras = {e["key"]: e["value"] for e in package_show(ckan, name)["extras"]}
    assert extras["spatial_uri"] == "http://data.e-stat.go.jp/lod/sac/C13221"
    assert str(g.value(ds, DCTERMS.accrualPeriodicity)).endswith("/frequency/ANNUAL")
    dists = list(g.objects(ds, DCAT.distribution))
    assert len(dists) == 2
    titles = {str(g.value(d, DCTERMS.title)): d for d in dists}
    assert set(titles) == {"表 towns", "datapackage.json"}  # the resource's title: CKAN's name is what people read
    towns = titles["表 towns"]
    assert str(g.value(towns, DCTERMS.license)) == PDL
    assert int(g.value(towns, DCAT.byteSize).toPython()) == len(CSV.encode())
    checksum = g.value(towns, SPDX.checksum)
    assert str(g.value(checksum, SPDX.checksumValue)) == hashlib.sha256(CSV.encode()).hexdigest()
    assert str(g.value(checksum, SPDX.algorithm)).endswith("checksumAlgorithm_sha256")
