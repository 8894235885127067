"""evaluation import / build: sources in, a valid package out, byte-identical on rebuild."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, listing, no_traceback, write

SHEETS = FIXTURES / "sheets"
KIYOSE = SHEETS / "000_1877d05501bf3ae7.txt"
JOSO = SHEETS / "001_c75840063dde7d0e.txt"
KOTO = SHEETS / "003_70fae760c9702d6a.txt"

CONFIG = """
catalog: {title: テスト, base_url: "https://opendata.example.jp/"}
publishers:
  - {code: "132217", name: 清瀬市, license: PDL-1.0, contact: {name: 秘書広報課, url: "https://www.city.kiyose.lg.jp/"}}
"""


@pytest.fixture
def proj(tmp_path: Path) -> Path:
    write(tmp_path / "opendata.yaml", CONFIG)
    (tmp_path / "datapackages").mkdir()
    return tmp_path


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(("sheet", "code", "name"), [(KIYOSE, "132217", None), (JOSO, "082112", "常総市"),
                                                      (KOTO, "131083", "江東区")])
def test_import_gives_a_valid_package(cli, proj: Path, sheet: Path, code: str, name: str | None) -> None:
    args = ["evaluation", "import", str(sheet), "-m", code, "-p", "datapackages/ev", "--date", "2026-11-23"]
    if name:
        args += ["--name", name]
    r = cli(*args, cwd=proj)
    assert r.code == 0, r.out + r.err
    pkg = proj / "datapackages/ev"
    assert (pkg / "sources/sheets" / sheet.name).read_bytes() == sheet.read_bytes()
    assert len(list((pkg / "sources/evaluations").glob("*.yaml"))) == 1
    v = cli("validate", "--format", "json", cwd=proj)
    assert v.code == 0, v.out
    assert v.json["summary"]["errors"] == 0


def test_reimport_and_build_are_byte_identical(cli, proj: Path) -> None:
    args = ("evaluation", "import", str(KIYOSE), "-m", "132217", "-p", "datapackages/kiyose", "--date", "2026-11-23")
    assert cli(*args, cwd=proj).code == 0
    first = _snapshot(proj)
    # a later day: an unchanged sheet changes nothing, not even modified
    assert cli(*args[:-1], "2027-01-01", cwd=proj).code == 0
    assert _snapshot(proj) == first
    r = cli("build", cwd=proj)
    assert r.code == 0 and "変更なし" in r.out
    assert _snapshot(proj) == first
    # a fresh copy (as a clone would be) rebuilds to the same bytes from sources alone
    clone = proj.parent / "clone"
    shutil.copytree(proj, clone)
    for p in (clone / "datapackages/kiyose/data").iterdir():
        p.unlink()
    (clone / "datapackages/kiyose/datapackage.yaml").unlink()
    assert cli("build", cwd=clone).code == 0
    assert _snapshot(clone) == first


def test_edited_source_needs_new_modified(cli, proj: Path) -> None:
    assert cli("evaluation", "import", str(KIYOSE), "-m", "132217", "-p", "datapackages/k", "--date", "2026-11-23",
               cwd=proj).code == 0
    assert cli("publish", cwd=proj).code == 0  # published (site/): from now on changed data needs a new date
    record = next((proj / "datapackages/k/sources/evaluations").glob("*.yaml"))
    record.write_text(record.read_text(encoding="utf-8").replace("9679000", "9680000"), encoding="utf-8")
    before = _snapshot(proj)
    r = cli("build", cwd=proj)
    assert r.code == 1 and "modified" in r.err and no_traceback(r.err)
    assert _snapshot(proj) == before  # nothing half-written
    meta = proj / "datapackages/k/sources/package.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("modified: '2026-11-23'", "modified: '2026-12-01'"),
                    encoding="utf-8")
    assert cli("build", cwd=proj).code == 0
    assert "9680000" in (proj / "datapackages/k/data/costs.csv").read_text(encoding="utf-8")
    # now the printed total no longer adds up: validate says so, with the figures
    v = cli("validate", "--format", "json", cwd=proj)
    assert v.code == 1
    f = next(f for p in v.json["packages"] for f in p["findings"] if f["code"] == "evaluation-cost-sum-mismatch")
    assert f["severity"] == "error" and f["where"]["file"].endswith("costs.csv")
    assert "59,084" in f["message"] and "59,085" in f["message"]  # printed total vs the programs' sum


def test_name_from_the_official_list_when_not_in_config(cli, proj: Path) -> None:
    r = cli("evaluation", "import", str(JOSO), "-m", "082112", "-p", "datapackages/j", cwd=proj)
    assert r.code == 0, r.err
    record = next((proj / "datapackages/j/sources/evaluations").glob("*.yaml")).read_text(encoding="utf-8")
    assert "municipality_name: 常総市" in record


def test_name_required_for_a_code_no_list_names(cli, proj: Path) -> None:
    # 139998 has a valid check digit but names no municipality
    r = cli("evaluation", "import", str(JOSO), "-m", "139998", "-p", "datapackages/j", cwd=proj)
    assert r.code == 2 and "--name" in r.err
    assert not (proj / "datapackages/j").exists()


def test_bad_municipality_code(cli, proj: Path) -> None:
    r = cli("evaluation", "import", str(KIYOSE), "-m", "132218", "-p", "datapackages/k", cwd=proj)
    assert r.code == 2 and "132218" in r.err
    assert listing(proj / "datapackages") == set()


def test_unknown_layout_is_a_clear_error(cli, proj: Path) -> None:
    sheet = write(proj / "memo.txt", "これは評価シートではありません\n\t\n")
    r = cli("evaluation", "import", str(sheet), "-m", "132217", "-p", "datapackages/k", cwd=proj)
    assert r.code == 1
    assert "memo.txt" in r.err and no_traceback(r.err)
    assert listing(proj / "datapackages") == set()


def test_missing_sheet(cli, proj: Path) -> None:
    r = cli("evaluation", "import", "nope.txt", "-m", "132217", "-p", "datapackages/k", cwd=proj)
    assert r.code == 1 and "nope.txt" in r.err and no_traceback(r.err)
