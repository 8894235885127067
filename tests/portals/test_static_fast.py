"""The static catalog's fast path (RenderRecord): a re-publish renders only what changed.

An unchanged package is planned from the manifest's record (no frictionless, no render); a changed
one renders its own folder and the catalog level; either way the folder ends up byte for byte what a
full publish of the same packages gives.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from opendata_pub.config import load_config
from opendata_pub.packaging.project import discover_packages
from opendata_pub.portals import StaticTarget, apply_plan, plan_packages
from opendata_pub.portals import engine as engine_module
from opendata_pub.portals import static as static_module
from opendata_pub.site import render as render_module
from tests.conftest import write
from tests.projectfiles import KIYOSE, KIYOSE_URL, as_yaml, config, publisher

from .helpers import CSV, make_package, set_csv
from .test_static import OTHER_A, OTHER_B, files_of

CONFIG = as_yaml(config(publisher(KIYOSE, url=KIYOSE_URL)))


def _project(root: Path) -> Path:
    write(root / "opendata.yaml", CONFIG)
    make_package(root / "datapackages", "demo", {"towns": CSV})
    make_package(root / "datapackages", "other", {"a": OTHER_A, "b": OTHER_B})
    make_package(root / "datapackages", "third", {"t": OTHER_A})
    return root


def _publish(root: Path, site: Path, *, use_cache: bool = True) -> None:
    settings = load_config(root / "opendata.yaml")
    target = StaticTarget(site, settings=settings)
    try:
        plan = plan_packages(discover_packages(settings.packages_path), target, settings=settings,
                             use_cache=use_cache)
        assert apply_plan(plan, target).ok
    finally:
        target.close()


class _Counts:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.pages: list[str] = []
        self.sites = 0
        self.sources: list[str] = []
        real_pages, real_site, real_source = (render_module._package_pages, static_module.render_site,
                                              engine_module.load_source)

        def pages(pkg, *a, **k):  # type: ignore[no-untyped-def]
            self.pages.append(pkg.name)
            return real_pages(pkg, *a, **k)

        def site(*a, **k):  # type: ignore[no-untyped-def]
            self.sites += 1
            return real_site(*a, **k)

        def source(path, *a, **k):  # type: ignore[no-untyped-def]
            self.sources.append(Path(path).name)
            return real_source(path, *a, **k)

        monkeypatch.setattr(render_module, "_package_pages", pages)
        monkeypatch.setattr(static_module, "render_site", site)
        monkeypatch.setattr(engine_module, "load_source", source)


@pytest.mark.parametrize("use_cache", [True, False])
def test_unchanged_republish_renders_nothing(tmp_path, monkeypatch, use_cache):
    root = _project(tmp_path / "proj")
    site = tmp_path / "site"
    _publish(root, site)
    before = files_of(site)
    counts = _Counts(monkeypatch)
    _publish(root, site, use_cache=use_cache)
    assert (counts.pages, counts.sites, counts.sources) == ([], 0, [])
    assert files_of(site) == before


def test_one_changed_package_renders_itself_and_the_catalog_level(tmp_path, monkeypatch):
    root = _project(tmp_path / "proj")
    site = tmp_path / "site"
    _publish(root, site)
    set_csv(root / "datapackages" / "other", "a", OTHER_A.replace("530000", "530001"))
    counts = _Counts(monkeypatch)
    _publish(root, site)
    assert counts.pages == ["other"] and counts.sites == 1 and counts.sources == ["other"]
    counts.pages.clear()
    _publish(root, site)  # and then it is recorded: nothing again
    assert counts.pages == [] and counts.sites == 1


def test_incremental_publish_is_byte_identical_to_a_full_one(tmp_path):
    root = _project(tmp_path / "proj")
    site = tmp_path / "site"
    _publish(root, site)
    set_csv(root / "datapackages" / "demo", "towns", CSV + "131083,江東区,530000\n")
    make_package(root / "datapackages", "fourth", {"f": OTHER_B})
    _publish(root, site)
    fresh = tmp_path / "fresh"
    _publish(root, fresh, use_cache=False)
    got, want = files_of(site), files_of(fresh)
    manifest = static_module.MANIFEST_NAME
    assert sorted(got) == sorted(want)
    for rel in want:
        if rel != manifest and not rel.startswith(".opendata-pub/"):
            assert got[rel] == want[rel], rel
    # the records say the same, whichever way the files came to be
    a = static_module.Manifest.parse(got[manifest], site / manifest)
    b = static_module.Manifest.parse(want[manifest], fresh / manifest)
    assert {k: (v.sha256, v.size) for k, v in a.files.items()} == {k: (v.sha256, v.size) for k, v in b.files.items()}
    assert {k: (r.key, r.names, r.outputs) for k, r in a.rendered.items()} == \
        {k: (r.key, r.names, r.outputs) for k, r in b.rendered.items()}


def test_a_file_changed_by_hand_is_restored_on_the_fast_path(tmp_path):
    root = _project(tmp_path / "proj")
    site = tmp_path / "site"
    _publish(root, site)
    before = files_of(site)
    (site / "demo" / "index.html").write_text("changed by hand", encoding="utf-8")
    (site / "index.html").write_text("changed by hand", encoding="utf-8")
    _publish(root, site)
    after = files_of(site)
    manifest = static_module.MANIFEST_NAME
    assert {k: v for k, v in after.items() if k != manifest} == {k: v for k, v in before.items() if k != manifest}
