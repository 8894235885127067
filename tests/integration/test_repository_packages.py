"""Issue 12: the repository's own packages (datapackages/) publish to a real CKAN as they are.

Their keywords (「行政情報の積極的な公開・共有」…) hold '・', which CKAN's tag rule refuses: they go as
mapped tags, the originals in extras. Then: an unchanged re-publish writes nothing, one changed CSV
writes twice (its file, then the metadata with datapackage.json), and a pull gives back the files
byte for byte and the original keywords.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from opendata_pub.actions import publish as publish_packages
from opendata_pub.metadata.ckan_names import ckan_tags
from opendata_pub.packaging.package import find_descriptor, load_descriptor
from opendata_pub.portals import pull_dataset
from opendata_pub.portals.mapping import resource_key
from tests.portals.integration_support import Counter, package_show, settings_of, target

REPO = Path(__file__).resolve().parents[2]


def _copy_repository(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(REPO / "datapackages", root / "datapackages")
    shutil.copy2(REPO / "opendata.yaml", root / "opendata.yaml")
    return root


def _purge(ckan, names: list[str]) -> None:
    """Dataset names are the repository's own: a harness kept from an earlier run may hold them."""
    with ckan.session() as s:
        for name in names:
            s.post(ckan.api + "dataset_purge", json={"id": name}, timeout=30)


def _change_csv(pkg: Path, csv: Path, text: str) -> None:
    """Change a CSV and record its new size and hash in datapackage.yaml, as a build would."""
    old = csv.read_bytes()
    csv.write_text(text, encoding="utf-8")
    new = csv.read_bytes()
    desc = pkg / "datapackage.yaml"
    before = f"  bytes: {len(old)}\n  hash: sha256:{hashlib.sha256(old).hexdigest()}\n"
    yaml = desc.read_text(encoding="utf-8")
    assert yaml.count(before) == 1
    desc.write_text(yaml.replace(before, f"  bytes: {len(new)}\n  hash: sha256:{hashlib.sha256(new).hexdigest()}\n"),
                    encoding="utf-8")


def _publish(root: Path, t):
    return publish_packages(sorted(p for p in (root / "datapackages").iterdir() if p.is_dir()), t,
                            settings=t.settings)


@pytest.fixture
def repository(ckan, ckan_org, tmp_path):
    root = _copy_repository(tmp_path)
    packages = sorted(p for p in (root / "datapackages").iterdir() if p.is_dir())
    descriptors = {p.name: load_descriptor(find_descriptor(p)) for p in packages}
    _purge(ckan, [str(d["name"]) for d in descriptors.values()])
    return root, descriptors


def test_repository_packages_publish_republish_change_and_pull(ckan, ckan_org, tmp_path, repository):
    root, descriptors = repository
    assert len(descriptors) == 3
    settings = settings_of(root)
    t = target(ckan, settings)
    t.organization = ckan_org  # --organization: one fresh organization for all three

    the_plan, result = _publish(root, t)
    assert result.ok, [(d.name, d.error) for d in result.datasets]
    base = settings.catalog.base_url
    for desc in descriptors.values():
        pkg = package_show(ckan, str(desc["name"]))
        extras = {e["key"]: e["value"] for e in pkg["extras"]}
        assert sorted(x["name"] for x in pkg["tags"]) == ckan_tags(desc["keywords"])
        assert json.loads(extras["keywords"]) == desc["keywords"]  # with their '・'
        assert any("・" in k for k in desc["keywords"])
        sources = json.loads(extras["source"])
        assert sources and all(s.startswith(f"{base}{desc['name']}/sources/") for s in sources)
        res = pkg["resources"]
        assert [resource_key(r) for r in res] == [r["name"] for r in desc["resources"]] + ["datapackage.json"]
        assert [r["name"] for r in res[:-1]] == [r["title"] for r in desc["resources"]]  # 評価, 構成事業 …
        assert len({r["id"] for r in res}) == len(res)

    # unchanged: no write at all, ids kept
    ids = {d["name"]: [r["id"] for r in package_show(ckan, str(d["name"]))["resources"]] for d in descriptors.values()}
    counter = Counter()
    t = target(ckan, settings, counter)
    t.organization = ckan_org
    the_plan, result = _publish(root, t)
    assert result.ok and not the_plan.has_changes
    assert counter.writes() == []

    # one CSV changed: its file, then the metadata with datapackage.json
    kiyose = next(f for f in descriptors if f.startswith("kiyose"))
    csv = root / "datapackages" / kiyose / "data" / "narratives.csv"
    text = csv.read_text(encoding="utf-8")
    assert "市民が主体となったまちづくり," in text
    _change_csv(root / "datapackages" / kiyose, csv, text.replace("市民が主体となったまちづくり,",
                                                                  "市民が主体となったまちづくり。,", 1))
    counter.clear()
    the_plan, result = _publish(root, t)
    assert result.ok, [(d.name, d.error, d.hint) for d in result.datasets if not d.ok]
    assert [w.action for w in counter.writes()] == ["package_revise", "package_revise"]
    after = {d["name"]: [r["id"] for r in package_show(ckan, str(d["name"]))["resources"]]
             for d in descriptors.values()}
    assert after == ids

    # pull: byte-identical files, the original keywords
    for folder, desc in descriptors.items():
        out = tmp_path / "pulled" / folder
        pull_dataset(str(desc["name"]), t, out, validate=False)
        local = root / "datapackages" / folder
        for r in desc["resources"]:
            assert (out / r["path"]).read_bytes() == (local / r["path"]).read_bytes(), (folder, r["path"])
        pulled = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
        assert pulled["keywords"] == desc["keywords"]
