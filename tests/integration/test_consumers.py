"""Issue 13, for consumers, against the real CKAN and a served static site: ``list``,
``opendata_pub.list_datasets``, ``open_package`` (typed rows) and ``opendata_pub.pull``."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from pathlib import Path

import pytest

import opendata_pub
from opendata_pub.actions import publish as publish_packages
from opendata_pub.portals.target import token_env
from tests.conftest import write
from tests.localserver import serve
from tests.portals.helpers import make_package
from tests.portals.integration_support import project, settings_of, target
from tests.portals.test_static import CONFIG

CSV = "code,name,population,area\n132217,清瀬市,74000,10.23\n082112,常総市,,123.64\n"
ROWS = [{"code": "132217", "name": "清瀬市", "population": 74000, "area": Decimal("10.23")},
        {"code": "082112", "name": "常総市", "population": None, "area": Decimal("123.64")}]


def _typed(root: Path, name: str) -> None:
    """The package's schema: population integer, area number (helpers' schema has no area)."""
    desc = root / "datapackages" / name / "datapackage.yaml"
    desc.write_text(desc.read_text(encoding="utf-8").replace(
        "        - {name: population, type: integer}\n",
        "        - {name: population, type: integer}\n        - {name: area, type: number}\n"), encoding="utf-8")


def _published(tmp_path: Path, ckan, org: str) -> tuple[Path, str]:
    name = "it-consume-" + uuid.uuid4().hex[:10]
    root = project(tmp_path, ckan, org, {"towns": CSV}, name=name)
    _typed(root, name)
    t = target(ckan, settings_of(root))
    try:
        _, result = publish_packages([root / "datapackages" / name], t, settings=t.settings)
    finally:
        t.close()
    assert result.ok
    return root, name


def test_ckan_list_open_pull(ckan, ckan_org, tmp_path, cli) -> None:
    root, name = _published(tmp_path, ckan, ckan_org)
    settings = settings_of(root)

    found = opendata_pub.list_datasets(ckan.url, query=name, settings=settings)
    assert [d.name for d in found] == [name]
    assert found[0].publisher_code == "132217" and found[0].formats == ("CSV",)
    assert opendata_pub.list_datasets(ckan.url, query=name, publisher="131083", settings=settings) == []

    r = cli("list", "--from", ckan.url, "--query", name, "--format", "json", cwd=root)
    assert r.code == 0, r.err
    assert [d["name"] for d in json.loads(r.out)] == [name]

    with opendata_pub.open_package(f"{ckan.url}/dataset/{name}") as pkg:
        assert pkg.name == name
        assert pkg.table("towns").rows() == ROWS

    got = opendata_pub.pull(name, ckan.url, tmp_path / "pulled", settings=settings)
    assert got.report is not None and got.report.valid
    assert (tmp_path / "pulled" / "data" / "towns.csv").read_text(encoding="utf-8") == CSV


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, str]:
    """A project with no portal, published to its static catalog folder site/."""
    name, root = "consume-static", tmp_path / "proj"
    write(root / "opendata.yaml", CONFIG)
    make_package(root / "datapackages", name, {"towns": CSV})
    _typed(root, name)
    publish_packages(settings=settings_of(root))
    return root / "site", name


def test_static_site_list_open_pull(site, tmp_path, cli) -> None:
    folder, name = site
    with serve(directory=folder) as url:
        # the served site is read as a static catalog, never taken for a CKAN
        found = opendata_pub.list_datasets(url + "/", settings=settings_of(folder.parent))
        assert [d.name for d in found] == [name]
        r = cli("list", "--from", url, cwd=tmp_path)
        assert r.code == 0 and name in r.out, r.err
        for tail in (f"{name}/datapackage.json", f"{name}/"):
            with opendata_pub.open_package(f"{url}/{tail}") as pkg:
                assert pkg.table().rows() == ROWS
        got = opendata_pub.pull(name, url, tmp_path / "pulled", settings=settings_of(folder.parent))
    assert got.report is not None and got.report.valid


REPO = Path(__file__).resolve().parents[2]
KIYOSE = REPO / "datapackages" / "kiyose-seisaku-hyoka-2020"


def _repository_project(tmp_path: Path) -> Path:
    import shutil

    root = tmp_path / "repo"
    shutil.copytree(KIYOSE, root / "datapackages" / KIYOSE.name)
    shutil.copy(REPO / "opendata.yaml", root / "opendata.yaml")
    return root


def _same_records(pulled: Path) -> None:
    from opendata_pub.records import dump_record

    originals = sorted((KIYOSE / "sources" / "evaluations").glob("*.yaml"))
    records = opendata_pub.load_evaluations(pulled)
    assert [r.evaluation_id + ".yaml" for r in records] == [p.name for p in originals]
    for record, original in zip(records, originals, strict=True):
        assert dump_record(record) == original.read_text(encoding="utf-8")


def test_evaluations_load_back_from_a_served_static_site(tmp_path, cli) -> None:
    root = _repository_project(tmp_path)
    assert cli("publish", "--to", str(root / "site"), cwd=root).code == 0
    with serve(directory=root / "site") as url:
        got = opendata_pub.pull(KIYOSE.name, url, tmp_path / "pulled")
        with opendata_pub.open_package(f"{url}/{KIYOSE.name}/datapackage.json") as pkg:
            assert {t.name for t in pkg.tables} >= {"evaluations", "indicator_values"}
    assert got.report is not None and got.report.valid
    _same_records(tmp_path / "pulled")


def _purge(ckan, name: str) -> None:
    """The dataset name is the repository's: other tests on this instance publish it too."""
    with ckan.session() as s:
        s.post(ckan.api + "dataset_purge", json={"id": name}, timeout=30)


def test_evaluations_load_back_from_ckan(ckan, ckan_org, tmp_path, cli) -> None:
    root = _repository_project(tmp_path)
    _purge(ckan, KIYOSE.name)
    try:
        r = cli("publish", "--to", ckan.url, "--organization", ckan_org, cwd=root, env={token_env(): ckan.token})
        assert r.code == 0, r.out + r.err
        got = opendata_pub.pull(KIYOSE.name, ckan.url, tmp_path / "pulled", settings=settings_of(root))
    finally:
        _purge(ckan, KIYOSE.name)
    assert got.report is not None and got.report.valid
    _same_records(tmp_path / "pulled")
