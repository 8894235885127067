"""Issue 13: the datapackage.json a target receives carries the publisher's name, code and contact
and the licence's title and path, so the package validates where there is no opendata.yaml."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from opendata_pub import actions
from opendata_pub.config import Settings
from opendata_pub.metadata.publication import self_contained
from opendata_pub.portals.source import load_source

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = sorted(p for p in (ROOT / "datapackages").iterdir() if (p / "datapackage.yaml").is_file())


@pytest.fixture(scope="module")
def settings() -> Settings:
    return actions.load_settings(ROOT / "opendata.yaml")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> Path:
    """The three repository packages published to a static folder."""
    folder = tmp_path_factory.mktemp("static") / "site"
    _, result = actions.publish(PACKAGES, str(folder), settings=settings)
    assert result.ok, [(d.name, d.error) for d in result.datasets]
    return folder


def _bare(folder: Path) -> Settings:
    assert not (folder / "opendata.yaml").exists()
    return actions.load_settings(cwd=folder)


def _errors(report: Any) -> list[str]:
    return [f"{f.code} {f.where}: {f.message}" for f in report.errors]


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_a_copied_site_package_validates_with_no_project(package: Path, site: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    copy = shutil.copytree(site / package.name, empty / package.name)
    descriptor = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    publisher = descriptor["publisher"]
    assert publisher["code"] == descriptor["spatial"][0] and publisher["name"]
    assert descriptor["contactPoint"]["name"]
    assert all(lic["title"] and lic["path"] for lic in descriptor["licenses"])
    report = actions.validate([copy], settings=_bare(empty))
    assert _errors(report) == []
    assert "shacl" in report.packages[0].checked


@pytest.mark.parametrize("package", PACKAGES[:1], ids=lambda p: p.name)
def test_a_pulled_package_validates_with_no_project(package: Path, site: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    bare = _bare(empty)
    result = actions.pull(package.name, str(site), empty / package.name, settings=bare)
    assert result.name == package.name
    assert _errors(actions.validate([empty / package.name], settings=bare)) == []


def test_the_package_as_written_needs_the_project(tmp_path: Path) -> None:
    # the control: the descriptor in the repository names its publisher by code only
    copy = shutil.copytree(PACKAGES[0], tmp_path / PACKAGES[0].name, ignore=shutil.ignore_patterns("sources"))
    errors = _errors(actions.validate([copy], settings=_bare(tmp_path)))
    assert any("提供者の名称がわかりません" in e for e in errors)


def test_the_ckan_resource_is_self_contained(settings: Settings) -> None:
    source = load_source(PACKAGES[0], settings=settings)
    assert source.datapackage.data is not None
    stored = json.loads(source.datapackage.data)
    assert stored["publisher"]["name"] and stored["contactPoint"] and stored["licenses"][0]["title"]
    # without settings: the descriptor as written
    plain = json.loads(load_source(PACKAGES[0]).datapackage.data or b"{}")
    assert plain["publisher"] == source.descriptor["publisher"]


def test_self_contained_shapes(settings: Settings) -> None:
    code = load_source(PACKAGES[0]).descriptor["publisher"]
    out = self_contained({"name": "x", "publisher": code, "licenses": [{"name": "CC-BY-4.0"}]}, settings)
    assert list(out["publisher"])[:2] == ["code", "name"] and out["publisher"]["code"] == code
    assert out["licenses"] == [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                                "title": out["licenses"][0]["title"]}]
    assert out["licenses"][0]["title"]
    # an unknown code, no settings, an unknown licence: left as written
    assert self_contained({"publisher": "999999"}, settings)["publisher"] == "999999"
    assert self_contained({"publisher": code}, None) == {"publisher": code}
    assert self_contained({"licenses": [{"name": "mine"}]}, None) == {"licenses": [{"name": "mine"}]}
    # a mapping keeps what it says and gains what it lacks
    mine = self_contained({"publisher": {"code": code, "name": "別名"}}, settings)["publisher"]
    assert mine["name"] == "別名" and mine["url"]
    # fixed: a second pass changes nothing
    assert self_contained(out, settings) == out
