"""A path a user gives that is a device, a FIFO, a folder or a huge file (issue 9, item 15): every
command that reads it answers with one line naming the file, exit 1 or 2, in bounded time. Run as
subprocesses, so a reader that blocks on a FIFO fails the test instead of hanging it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, write

CONFIG = """
catalog: {title: テスト, base_url: "https://opendata.example.jp/"}
publishers:
  - {code: "132217", name: 清瀬市, license: PDL-1.0, contact: {name: 秘書広報課, url: "https://www.city.kiyose.lg.jp/"}}
"""
SHEET = FIXTURES / "sheets" / "000_1877d05501bf3ae7.txt"

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")


def run(*args: str, cwd: Path) -> tuple[int, str, float]:
    started = time.monotonic()
    p = subprocess.run([sys.executable, "-m", "opendata_pub", *args], cwd=cwd, capture_output=True, text=True, check=False,
                       timeout=60, env={**os.environ, "COLUMNS": "200"})
    return p.returncode, p.stdout + p.stderr, time.monotonic() - started


def hostile(folder: Path, kind: str, name: str) -> Path:
    """A path called ``name`` in ``folder`` that is not a readable regular file of sane size."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        path.symlink_to("/dev/zero")
    elif kind == "folder":
        path.mkdir()
    elif kind == "huge":
        with path.open("wb") as fh:
            fh.truncate(70 * 1024 * 1024)  # sparse: takes no disk, but is over every cap
    return path


KINDS = ["fifo", "device", "folder", "huge"]
SAYS = {"fifo": "FIFO", "device": "キャラクタデバイス", "folder": "フォルダ", "huge": "大きすぎます"}


@pytest.fixture
def proj(tmp_path: Path) -> Path:
    write(tmp_path / "opendata.yaml", CONFIG)
    (tmp_path / "datapackages").mkdir()
    return tmp_path


def check(code: int, out: str, took: float, path: Path, kind: str) -> None:
    assert code in (1, 2), out
    assert took < 30
    assert "Traceback" not in out and "内部エラー" not in out and "MemoryError" not in out
    assert path.name in out and SAYS[kind] in out, out


@pytest.mark.parametrize("kind", KINDS)
def test_evaluation_import(kind: str, proj: Path) -> None:
    path = hostile(proj, kind, "sheet.txt")
    check(*run("evaluation", "import", str(path), "-m", "132217", "-p", "datapackages/k", cwd=proj), path, kind)
    assert not (proj / "datapackages" / "k").exists()  # nothing written


@pytest.mark.parametrize("kind", KINDS)
def test_build_sources(kind: str, proj: Path) -> None:
    code, out, _ = run("evaluation", "import", str(SHEET), "-m", "132217", "-p", "datapackages/k",
                       "--date", "2026-11-23", cwd=proj)
    assert code == 0, out
    path = hostile(proj / "datapackages" / "k" / "sources" / "evaluations", kind, "zz.yaml")
    check(*run("build", cwd=proj), path, kind)


@pytest.mark.parametrize("kind", KINDS)
def test_package_yaml_in_sources(kind: str, proj: Path) -> None:
    code, out, _ = run("evaluation", "import", str(SHEET), "-m", "132217", "-p", "datapackages/k",
                       "--date", "2026-11-23", cwd=proj)
    assert code == 0, out
    meta = proj / "datapackages" / "k" / "sources" / "package.yaml"
    meta.unlink()
    hostile(meta.parent, kind, meta.name)
    if kind in ("fifo", "device", "folder"):  # not a file: the package is not one built from sources
        return
    check(*run("build", "datapackages/k", cwd=proj), meta, kind)


@pytest.mark.parametrize("kind", KINDS)
def test_config_file(kind: str, tmp_path: Path) -> None:
    path = hostile(tmp_path, kind, "opendata.yaml")
    code, out, took = run("--config", str(path), "validate", cwd=tmp_path)
    check(code, out, took, path, kind)
    assert code == 2


@pytest.mark.parametrize("kind", KINDS)
def test_inventory_file(kind: str, proj: Path) -> None:
    path = hostile(proj / "datapackages", kind, "inventory.yaml")
    code, out, took = run("inventory", cwd=proj)
    check(code, out, took, path, kind)


@pytest.mark.parametrize("kind", KINDS)
def test_saved_plan(kind: str, proj: Path) -> None:
    path = hostile(proj, kind, "plan.json")
    check(*run("publish", "--plan", str(path), "--to", str(proj / "site"), cwd=proj), path, kind)


@pytest.mark.parametrize("kind", ["huge"])
def test_descriptor_file(kind: str, proj: Path) -> None:
    hostile(proj / "datapackages" / "p", kind, "datapackage.yaml")
    code, out, took = run("validate", "datapackages/p", cwd=proj)
    assert code == 1 and took < 30 and "大きすぎます" in out and "Traceback" not in out


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_site_manifest(kind: str, proj: Path) -> None:
    code, out, _ = run("evaluation", "import", str(SHEET), "-m", "132217", "-p", "datapackages/k",
                       "--date", "2026-11-23", cwd=proj)
    assert code == 0, out
    path = hostile(proj / "site", kind, ".opendata-pub-manifest.json")
    check(*run("publish", "--to", str(proj / "site"), cwd=proj), path, kind)
