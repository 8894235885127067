"""Issue 16: CSV resources loaded into the DataStore of a real CKAN (``portals.<name>.datastore: true``).

A repository package (清瀬市, seven CSV tables with Table Schemas and primary keys) is published to a
portal with the option on: ``datastore_search`` then gives every row of each CSV with the schema's
types, the primary key is set; an unchanged re-publish sends no request at all, one changed CSV
reloads that table only; a value the DataStore refuses is a warning naming the resource while the
upload stays.
"""

from __future__ import annotations

import hashlib
import shutil
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

from opendata_pub.actions import publish as publish_packages
from opendata_pub.packaging.frictionless_io import read_rows
from opendata_pub.packaging.package import find_descriptor, load_descriptor
from opendata_pub.portals.datastore import DATASTORE_HASH, datastore_type
from opendata_pub.portals.mapping import resource_key
from tests.integration.test_repository_packages import _change_csv as change_csv
from tests.portals.integration_support import Counter, package_show, settings_of, target

REPO = Path(__file__).resolve().parents[2]
PACKAGE = "kiyose-seisaku-hyoka-2020"
_DATASTORE_ACTIONS = {"datastore_create", "datastore_upsert", "datastore_delete"}


def _project(tmp_path: Path, ckan) -> tuple[Path, str]:
    """The repository's opendata.yaml with this CKAN as a portal with the DataStore on, and one of its
    packages under a fresh dataset name."""
    root = tmp_path / "repo"
    shutil.copytree(REPO / "datapackages" / PACKAGE, root / "datapackages" / PACKAGE)
    config = (REPO / "opendata.yaml").read_text(encoding="utf-8")
    assert config.count("portals: {}\n") == 1
    config = config.replace("portals: {}\n", f"portals:\n  local: {{url: '{ckan.url}', datastore: true}}\n")
    (root / "opendata.yaml").write_text(config, encoding="utf-8")
    name = "it-ds-" + uuid.uuid4().hex[:10]
    desc = root / "datapackages" / PACKAGE / "datapackage.yaml"
    text = desc.read_text(encoding="utf-8")
    assert text.count(f"name: {PACKAGE}\n") == 1
    desc.write_text(text.replace(f"name: {PACKAGE}\n", f"name: {name}\n"), encoding="utf-8")
    return root, name


def _publish(root: Path, ckan, org: str, counter: Counter | None = None):
    t = target(ckan, settings_of(root), counter)
    t.organization = org
    assert t.portal is not None and t.portal.datastore
    return publish_packages([root / "datapackages" / PACKAGE], t, settings=t.settings)


def _change_csv(root: Path, csv: str, text: str) -> None:
    """Change a CSV and record its new size and hash in datapackage.yaml, as a build would."""
    pkg = root / "datapackages" / PACKAGE
    change_csv(pkg, pkg / "data" / f"{csv}.csv", text)


def _search(ckan, resource_id: str) -> dict[str, Any]:
    with ckan.session() as s:
        r = s.get(ckan.api + "datastore_search", params={"resource_id": resource_id, "limit": 32000,
                                                         "sort": "_id"}, timeout=30)
    assert r.status_code == 200, r.text[:500]
    return r.json()["result"]


def _same(ours: Any, theirs: Any, kind: str) -> bool:
    if ours is None or theirs is None:
        return ours is None and theirs is None
    if kind == "number":
        return Decimal(str(ours)) == Decimal(str(theirs))
    return bool(ours == theirs)


def _check_tables(ckan, root: Path, name: str) -> dict[str, str]:
    """Every CSV resource's DataStore table holds the CSV's rows with the schema's types; → name → id."""
    pkg_dir = root / "datapackages" / PACKAGE
    descriptor = load_descriptor(find_descriptor(pkg_dir))
    remote = {resource_key(r): r for r in package_show(ckan, name)["resources"]}
    ids: dict[str, str] = {}
    for res in descriptor["resources"]:
        have = remote[res["name"]]
        local = (pkg_dir / res["path"]).read_bytes()
        assert have["datastore_active"] is True and have[DATASTORE_HASH] == hashlib.sha256(local).hexdigest()
        fields = res["schema"]["fields"]
        got = _search(ckan, have["id"])
        types = {f["id"]: f["type"] for f in got["fields"]}
        assert types == {"_id": "int", **{f["name"]: datastore_type(f) for f in fields}}, res["name"]
        rows = read_rows(pkg_dir, res)  # the project's own reader: typed values
        assert got["total"] == len(rows) == len(got["records"]), res["name"]
        for ours, theirs in zip(rows, got["records"], strict=True):
            for f in fields:
                assert _same(ours[f["name"]], theirs[f["name"]], f["type"]), (res["name"], f["name"], ours, theirs)
        ids[res["name"]] = have["id"]
    return ids


def _has_primary_key(ckan, resource_id: str, key: list[str]) -> bool:
    """``datastore_upsert`` with method "update" needs the table's unique key (CKAN refuses it without)."""
    first = _search(ckan, resource_id)["records"][0]
    with ckan.session() as s:
        r = s.post(ckan.api + "datastore_upsert", json={"resource_id": resource_id, "force": True, "method": "update",
                                                        "records": [{k: first[k] for k in key}]}, timeout=30)
    return r.status_code == 200


def test_tables_load_typed_with_keys_then_unchanged_sends_nothing_and_a_change_reloads(ckan, ckan_org, tmp_path):
    root, name = _project(tmp_path, ckan)
    _, result = _publish(root, ckan, ckan_org)
    assert result.ok and result.datasets[0].warnings == [], result.to_dict()
    ids = _check_tables(ckan, root, name)
    assert len(ids) == 7
    descriptor = load_descriptor(find_descriptor(root / "datapackages" / PACKAGE))
    keys = {r["name"]: r["schema"]["primaryKey"] for r in descriptor["resources"]}
    assert _has_primary_key(ckan, ids["costs"], keys["costs"])
    assert _has_primary_key(ckan, ids["indicator_values"], keys["indicator_values"])

    counter = Counter()
    the_plan, result = _publish(root, ckan, ckan_org, counter)
    assert result.ok and not the_plan.has_changes
    assert counter.writes() == [] and not [s for s in counter.sent if s.action in _DATASTORE_ACTIONS]

    path = root / "datapackages" / PACKAGE / "data" / "indicator_values.csv"
    text = path.read_text(encoding="utf-8")
    _change_csv(root, "indicator_values", text + "132217-2020-513-i1,2099,1.25,,,追加の行,132217-2020-513\n")
    counter = Counter()
    _, result = _publish(root, ckan, ckan_org, counter)
    assert result.ok and result.datasets[0].warnings == [], result.to_dict()
    loads = [s.action for s in counter.writes() if s.action in _DATASTORE_ACTIONS]
    assert loads == ["datastore_delete", "datastore_create", "datastore_upsert"]  # that one table only
    assert _check_tables(ckan, root, name) == ids  # same resources, the changed one reloaded
    last = _search(ckan, ids["indicator_values"])["records"][-1]
    assert last["fiscal_year"] == 2099 and Decimal(str(last["target"])) == Decimal("1.25") and last["actual"] is None


def test_a_value_the_datastore_refuses_is_a_warning_and_the_upload_stays(ckan, ckan_org, tmp_path):
    root, name = _project(tmp_path, ckan)
    path = root / "datapackages" / PACKAGE / "data" / "costs.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    # 10^20 is a Table Schema integer (no size limit), but beyond the DataStore's int8
    assert lines[1].endswith(",28\n")
    lines[1] = lines[1][: -len("28\n")] + "100000000000000000000\n"  # source_line: no domain rule reads it
    _change_csv(root, "costs", "".join(lines))
    _, result = _publish(root, ckan, ckan_org)
    assert result.ok, result.to_dict()
    [warning] = result.datasets[0].warnings
    assert "costs" in warning and "bigint" in warning and "データの 1 行目" in warning, warning
    assert result.to_dict()["datasets"][0]["warnings"] == [warning]  # type: ignore[index]
    remote = {resource_key(r): r for r in package_show(ckan, name)["resources"]}
    costs = remote["costs"]
    assert costs["url_type"] == "upload" and costs["hash"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert not costs.get("datastore_active") and not costs.get(DATASTORE_HASH)
    assert remote["programs"]["datastore_active"] is True  # the other tables loaded
    with ckan.session() as s:
        assert s.get(costs["url"], timeout=30).content == path.read_bytes()
