"""Packages named on the command line: a shell glob over the packages folder (`datapackages/*`)
also names its inventory.yaml, which is never a package."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import no_traceback, write


def test_the_inventory_a_glob_picks_up_is_skipped(cli, project: Path) -> None:
    write(project / "datapackages/inventory.yaml", "datasets: []\n")
    r = cli("validate", "--format", "json", "datapackages/demo", "datapackages/inventory.yaml", cwd=project)
    assert r.code == 0, r.out
    assert [p["name"] for p in r.json["packages"]] == ["demo"]


def test_naming_only_the_inventory_is_a_usage_error(cli, project: Path) -> None:
    write(project / "datapackages/inventory.yaml", "datasets: []\n")
    r = cli("publish", "datapackages/inventory.yaml", cwd=project)
    assert r.code == 2 and "inventory.yaml" in r.err and no_traceback(r.err)
    assert not (project / "site").exists()
