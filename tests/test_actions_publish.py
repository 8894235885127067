"""The Python API's publish verb writes a complete static catalog, and then nothing when unchanged."""

from __future__ import annotations

import shutil
from pathlib import Path

from opendata_pub import actions
from opendata_pub.config import load_config

ROOT = Path(__file__).resolve().parents[1]


def test_actions_publish_to_a_folder(tmp_path: Path) -> None:
    shutil.copy(ROOT / "opendata.yaml", tmp_path / "opendata.yaml")
    shutil.copytree(ROOT / "datapackages", tmp_path / "datapackages")
    settings = load_config(tmp_path / "opendata.yaml")
    site = tmp_path / "out"
    plan, result = actions.publish(to=str(site), settings=settings)
    assert all(r.ok for r in result.datasets)
    for name in ("index.html", "catalog.ttl", "catalog.jsonld", "kiyose-seisaku-hyoka-2020/datapackage.json"):
        assert (site / name).is_file(), name
    mtimes = {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}
    plan2, _ = actions.publish(to=str(site), settings=settings)
    assert not any(d.has_changes for d in plan2.datasets)
    assert {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()} == mtimes
