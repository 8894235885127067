"""``opendata-pub pull DATASET --from SITE``: from a static catalog, by folder or by http(s) URL.

The URL is the site folder served by ``http.server`` on 127.0.0.1 in a thread. A package published
there comes back byte for byte: its data files as in the package, its datapackage.json as stored on
the site. A file that does not match the descriptor or the site's manifest is refused.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from opendata_pub.portals import MANIFEST_NAME, NotAStaticCatalog, pull_static
from tests.conftest import write
from tests.localserver import QuietFiles, serve

from .helpers import CSV, make_package
from .test_static import CONFIG, OTHER_A, OTHER_B


class _Hiding(QuietFiles):
    """As many web servers are configured: no dotfiles."""

    def send_head(self):
        if "/." in self.path:
            self.send_error(403)
            return None
        return super().send_head()


@pytest.fixture
def published(tmp_path: Path, cli: Any) -> Path:
    """A project whose packages (demo; other, with a Japanese file name) are published to site/."""
    root = tmp_path / "proj"
    write(root / "opendata.yaml", CONFIG)
    make_package(root / "datapackages", "demo", {"towns": CSV})
    other = make_package(root / "datapackages", "other", {"a": OTHER_A, "b": OTHER_B})
    # a file in a sub-folder with a Japanese name (URL-quoted when served)
    (other / "data" / "b.csv").rename(other / "data" / "人口 b.csv")
    desc = other / "datapackage.yaml"
    desc.write_text(desc.read_text(encoding="utf-8").replace("path: data/b.csv", "path: data/人口 b.csv"),
                    encoding="utf-8")
    r = cli("publish", cwd=root)
    assert r.code == 0, r.out + r.err
    return root


@pytest.fixture
def server(published: Path) -> Iterator[str]:
    with serve(directory=published / "site") as url:
        yield f"{url}/"


def _same_package(got: Path, site: Path, package: Path) -> None:
    """datapackage.json as stored on the site; every data file as in the package."""
    assert (got / "datapackage.json").read_bytes() == (site / "datapackage.json").read_bytes()
    descriptor = json.loads((got / "datapackage.json").read_text(encoding="utf-8"))
    files = sorted(p.relative_to(got).as_posix() for p in got.rglob("*") if p.is_file())
    assert files == sorted(["datapackage.json", *(r["path"] for r in descriptor["resources"])])
    for res in descriptor["resources"]:
        assert (got / res["path"]).read_bytes() == (package / res["path"]).read_bytes()


@pytest.mark.parametrize("name", ["demo", "other"])
def test_pull_from_a_folder_is_byte_identical(cli, published, tmp_path, name):
    r = cli("pull", name, "--from", "site", "-o", str(tmp_path / "got"), cwd=published)
    assert r.code == 0, r.out + r.err
    _same_package(tmp_path / "got", published / "site" / name, published / "datapackages" / name)
    r = cli("pull", name, "--from", "site", "-o", str(tmp_path / "got"), cwd=published)
    assert r.code == 2 and "--force" in r.err  # never overwrites silently


@pytest.mark.parametrize("name", ["demo", "other"])
def test_pull_from_a_url_is_byte_identical(cli, published, server, tmp_path, name):
    r = cli("pull", name, "--from", server, "-o", str(tmp_path / "got"), "--format", "json", cwd=published)
    assert r.code == 0, r.out + r.err
    assert r.json["report"]["valid"] is True
    _same_package(tmp_path / "got", published / "site" / name, published / "datapackages" / name)


def test_pull_from_the_default_target(cli, published, tmp_path):
    r = cli("pull", "demo", "-o", str(tmp_path / "got"), cwd=published / "datapackages")  # default: site/
    assert r.code == 0, r.out + r.err
    _same_package(tmp_path / "got", published / "site" / "demo", published / "datapackages" / "demo")


def test_pull_without_a_served_manifest(published, tmp_path):
    with serve(_Hiding, directory=published / "site") as url:
        result = pull_static("other", f"{url}/", tmp_path / "got")
        assert result.report is not None and result.report.valid
        assert sorted(result.files) == ["data/a.csv", "data/人口 b.csv", "datapackage.json"]


def test_a_tampered_file_is_refused(cli, published, server, tmp_path):
    site = published / "site"
    (site / "demo" / "data" / "towns.csv").write_bytes(CSV.replace("74000", "74001").encode("utf-8"))
    for source in ("site", server):
        r = cli("pull", "demo", "--from", source, "-o", str(tmp_path / "got"), cwd=published)
        assert r.code == 1 and "sha256" in r.err, r.err
        assert not (tmp_path / "got").exists()
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(".got")]  # no temp folder left


def test_the_manifest_catches_what_the_descriptor_does_not_record(cli, published, tmp_path):
    # a descriptor without bytes/hash: the site's manifest still has the sha256 of what was published
    site = published / "site"
    descriptor = json.loads((site / "demo" / "datapackage.json").read_text(encoding="utf-8"))
    for res in descriptor["resources"]:
        res.pop("hash"), res.pop("bytes")
    manifest = json.loads((site / MANIFEST_NAME).read_text(encoding="utf-8"))
    data = (json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    (site / "demo" / "datapackage.json").write_bytes(data)
    import hashlib
    manifest["files"]["demo/datapackage.json"] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    (site / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    r = cli("pull", "demo", "--from", "site", "-o", str(tmp_path / "ok"), cwd=published)
    assert r.code == 0, r.err
    (site / "demo" / "data" / "towns.csv").write_bytes(b"code,name,population\n")
    r = cli("pull", "demo", "--from", "site", "-o", str(tmp_path / "got"), cwd=published)
    assert r.code == 1 and "サイトの記録" in r.err


def test_a_missing_dataset(cli, published, server, tmp_path):
    r = cli("pull", "nothing", "--from", "site", "-o", str(tmp_path / "got"), cwd=published)
    assert r.code == 1 and "nothing" in r.err and "Traceback" not in r.err
    with pytest.raises(NotAStaticCatalog):
        pull_static("nothing", server, tmp_path / "got")
    # by URL, a site without the dataset is taken for a CKAN, which has none either
    r = cli("pull", "nothing", "--from", server, "-o", str(tmp_path / "got"), cwd=published)
    assert r.code == 1 and "nothing は静的カタログ" in r.err and "CKAN でもありません" in r.err
    for bad in ("../demo", ".hidden", "assets"):
        r = cli("pull", bad, "--from", "site", "-o", str(tmp_path / "got"), cwd=published)
        assert r.code == 2 and "データセット名" in r.err
    assert not (tmp_path / "got").exists()


def test_a_descriptor_cannot_lead_outside(cli, published, tmp_path):
    site = published / "site"
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    descriptor = json.loads((site / "demo" / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][0]["path"] = "../../secret.txt"
    (site / "demo" / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    (site / MANIFEST_NAME).unlink()
    r = cli("pull", "demo", "--from", "site", "-o", str(tmp_path / "got"), cwd=published)
    assert r.code == 1 and "path" in r.err
    assert not (tmp_path / "got").exists()
    shutil.rmtree(site / "demo")
