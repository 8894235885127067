"""The packages we publish: valid, and rebuilt byte-for-byte from their sources on a fresh copy."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = {"kiyose-seisaku-hyoka-2020", "joso-jimu-jigyo-hyoka-2020", "koto-seisaku-hyoka-2022"}


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_repository_packages_validate_clean(cli) -> None:
    r = cli("validate", "--format", "json", cwd=ROOT)
    assert r.code == 0, r.out
    names = {p["name"] for p in r.json["packages"]}
    assert EXPECTED <= names
    for p in r.json["packages"]:
        if p["name"] in EXPECTED:
            assert p["errors"] == 0 and p["warnings"] == 0, p["findings"]


def test_repository_packages_rebuild_identically(cli, tmp_path: Path) -> None:
    shutil.copy(ROOT / "opendata.yaml", tmp_path / "opendata.yaml")
    shutil.copytree(ROOT / "datapackages", tmp_path / "datapackages")
    before = _snapshot(tmp_path / "datapackages")
    for name in EXPECTED:
        pkg = tmp_path / "datapackages" / name
        shutil.rmtree(pkg / "data")
        (pkg / "datapackage.yaml").unlink()
    assert cli("build", cwd=tmp_path).code == 0
    assert _snapshot(tmp_path / "datapackages") == before


def test_sources_keep_the_original_sheets() -> None:
    for name, sheet in [("kiyose-seisaku-hyoka-2020", "000_1877d05501bf3ae7.txt"),
                        ("joso-jimu-jigyo-hyoka-2020", "001_c75840063dde7d0e.txt"),
                        ("koto-seisaku-hyoka-2022", "003_70fae760c9702d6a.txt")]:
        kept = ROOT / "datapackages" / name / "sources" / "sheets" / sheet
        assert kept.read_bytes() == (FIXTURES / "sheets" / sheet).read_bytes()
