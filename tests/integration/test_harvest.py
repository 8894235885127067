"""An aggregator's CKAN harvests our static catalog (issue 16): ckanext-harvest 1.6.3 with
ckanext-dcat 2.4.4's ``dcat_rdf`` harvester on CKAN 2.11.6 and 2.12.0 (test ids ``aggregator211``,
``aggregator212``; CKAN_HARNESS_VERSIONS selects, as for the ``ckan`` fixture), run as in production
(a job, gather and fetch consumers: tests/ckan_harness/harvest.py says why not run-test). One
aggregator costs 25-45 s of the suite (its CKAN start is most of it), so both versions run by default.

The repository's datapackages/ (3 packages and 7 inventory-only datasets) are published with
``actions.publish`` into a folder served on 127.0.0.1 (tests/localserver.py), with
``catalog.base_url`` set to the served URL so IRIs, download URLs and the pages' links point there,
and with 4 datasets a page, so the harvester must follow ``hydra:next`` over three pages. The source
is that ``catalog.ttl``. Then:

1. every dataset is created with its title, publisher, licence, keywords (as CKAN tags) and
   distributions whose download URLs answer 200 from the served folder with the published bytes;
2. an unchanged re-harvest changes nothing: same package ids and names, same ``metadata_modified``;
3. a package removed from the catalog (publish --prune) is deleted on the next harvest.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from opendata_pub import actions
from opendata_pub.config import load_config
from opendata_pub.inventory.collect import build_inventory
from opendata_pub.metadata.ckan_names import ckan_tags
from opendata_pub.packaging.project import load_packages
from opendata_pub.site import catalog_rdf
from tests.ckan_harness import CKAN_VERSIONS, CkanHarness, CkanInstance
from tests.ckan_harness.harvest import (
    HARVEST_PLUGINS,
    HARVEST_SETTINGS,
    create_harvest_tables,
    run_harvest_job,
    start_harvest_consumers,
)
from tests.localserver import serve

ROOT = Path(__file__).resolve().parents[2]
PAGE_SIZE = 4  # 10 datasets: catalog.ttl, catalog-page-2.ttl, catalog-page-3.ttl
REMOVED = "koto-seisaku-hyoka-2022"
_direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _aggregator_versions() -> list[str]:
    """The versions CKAN_HARNESS_VERSIONS names (2.11.6, 2.11 or ckan211 each; conftest.py rejects
    others), else all the harness runs."""
    wanted = set(os.environ.get("CKAN_HARNESS_VERSIONS", "").replace(",", " ").split())
    if not wanted:
        return list(CKAN_VERSIONS)
    minor = {v: v.rsplit(".", 1)[0] for v in CKAN_VERSIONS}
    return [v for v in CKAN_VERSIONS if {v, minor[v], "ckan" + minor[v].replace(".", "")} & wanted]


@pytest.fixture(scope="module", params=_aggregator_versions(),
                ids=lambda v: "aggregator" + "".join(v.split(".")[:2]))
def aggregator(request: pytest.FixtureRequest) -> Iterator[tuple[CkanHarness, CkanInstance]]:
    if os.environ.get("OPENDATA_PUB_SKIP_CKAN", "").strip() == "1":
        pytest.skip("OPENDATA_PUB_SKIP_CKAN=1 is set: CKAN integration tests skipped")
    harness = CkanHarness(version=request.param, plugins=HARVEST_PLUGINS, settings=HARVEST_SETTINGS,
                          after_db_init=create_harvest_tables)
    try:
        inst = harness.start()
        start_harvest_consumers(harness)
        yield harness, inst
    finally:
        harness.stop()


# a project and a site per test (per aggregator version): the test removes a package from both
@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "municipality"
    shutil.copytree(ROOT / "datapackages", root / "datapackages")
    shutil.copy(ROOT / "opendata.yaml", root / "opendata.yaml")
    return root


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return tmp_path / "served" / "site"


@pytest.fixture
def served(site: Path) -> Iterator[str]:
    site.mkdir(parents=True)
    with serve(directory=site) as url:
        yield url + "/"


def _publish(project: Path, site: Path, base_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (project / "opendata.yaml").read_text(encoding="utf-8")
    text = text.replace("base_url: https://opendata-pub.example.jp/", f"base_url: {base_url}")
    (project / "opendata.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(catalog_rdf, "PAGE_SIZE", PAGE_SIZE)
    settings = load_config(project / "opendata.yaml")
    _, result = actions.publish(to=str(site), settings=settings, prune=True, use_cache=False)
    assert result.ok, result.failed


def _packages(inst: CkanInstance) -> dict[str, dict[str, Any]]:
    """Every active dataset of the aggregator, by its dcat identifier (our package / entry id)."""
    with inst.session() as s:
        r = s.post(inst.api + "package_search", json={"q": "*:*", "rows": 1000}, timeout=60)
    r.raise_for_status()
    out = {}
    for pkg in r.json()["result"]["results"]:
        extras = {e["key"]: e["value"] for e in pkg.get("extras", [])}
        out[extras["identifier"]] = {**pkg, "extras_": extras}
    return out


def _source(inst: CkanInstance, url: str) -> str:
    with inst.session() as s:
        r = s.post(inst.api + "harvest_source_create", timeout=60, json={
            "name": "municipality", "title": "市町村カタログ", "url": url + "catalog.ttl",
            "source_type": "dcat_rdf", "config": json.dumps({"rdf_format": "text/turtle"}),
            "frequency": "MANUAL", "owner_org": inst.organization})
    assert r.status_code == 200, r.text[:1000]
    return str(r.json()["result"]["id"])


def test_an_aggregator_harvests_keeps_and_prunes_our_catalog(
        aggregator: tuple[CkanHarness, CkanInstance], project: Path, site: Path, served: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    _, inst = aggregator
    _publish(project, site, served, monkeypatch)
    assert sorted(p.name for p in site.glob("catalog*.ttl")) == [
        "catalog-page-2.ttl", "catalog-page-3.ttl", "catalog.ttl"]
    settings = load_config(project / "opendata.yaml")
    packages = {p.name: p for p in load_packages(settings)}
    entries = {e.id: e for e in build_inventory(settings, list(packages.values())).entries}
    publishers = {p.code: p for p in settings.publishers}

    source = _source(inst, served)
    first = run_harvest_job(inst, source)
    assert first["stats"]["errored"] == 0, first["object_error_summary"]
    assert first["stats"]["added"] == len(entries) == 10, first["stats"]
    got = _packages(inst)
    assert sorted(got) == sorted(entries)
    for ident, entry in entries.items():
        pkg = got[ident]
        assert pkg["title"] == entry.title
        assert pkg["extras_"]["uri"] == f"{served}dataset/{ident}"  # the stable IRI is the guid
        assert pkg["extras_"]["publisher_identifier"] == entry.publisher
        assert pkg["extras_"]["publisher_name"] == publishers[entry.publisher].name
        assert sorted(t["name"] for t in pkg["tags"]) == ckan_tags(entry.keywords), ident
        assert pkg["owner_org"] and pkg["organization"]["name"] == inst.organization
    for name, local in packages.items():
        pkg = got[name]
        assert pkg["license_id"] == "PDL-1.0", name  # the licence IRI mapped back by ckanext-dcat
        assert len(pkg["resources"]) == len(local.resources()), name
        for res in pkg["resources"]:
            assert res["url"].startswith(f"{served}{name}/"), res["url"]
            with _direct.open(res["url"], timeout=30) as answer:
                body = answer.read()
            path = res["url"][len(f"{served}{name}/"):]
            assert body == (local.root / path).read_bytes(), res["url"]
            if res.get("hash"):
                assert hashlib.sha256(body).hexdigest() in res["hash"], res

    # unchanged: nothing moves
    before = {k: (v["id"], v["name"], v["metadata_modified"]) for k, v in got.items()}
    second = run_harvest_job(inst, source)
    assert second["stats"]["errored"] == 0 and second["stats"]["added"] == 0, second["stats"]
    assert second["stats"]["deleted"] == 0, second["stats"]
    after = {k: (v["id"], v["name"], v["metadata_modified"]) for k, v in _packages(inst).items()}
    assert after == before

    # a package leaves our catalog: the aggregator deletes it on the next harvest
    shutil.rmtree(project / "datapackages" / REMOVED)
    _publish(project, site, served, monkeypatch)
    third = run_harvest_job(inst, source)
    assert third["stats"]["deleted"] == 1 and third["stats"]["errored"] == 0, third["stats"]
    left = _packages(inst)
    assert sorted(left) == sorted(set(entries) - {REMOVED})
    assert {k: v for k, v in before.items() if k != REMOVED} == {
        k: (v["id"], v["name"], v["metadata_modified"]) for k, v in left.items()}
    with inst.session() as s:
        gone = s.post(inst.api + "package_show", json={"id": before[REMOVED][0]}, timeout=60).json()
    assert gone["result"]["state"] == "deleted"
