"""build / evaluation import before and after the first publication (issue 11 item 7): changed data
may keep its ``modified`` until the package is on its target; after that it needs a new date, which
``build --modified`` sets."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES, no_traceback, write

KIYOSE = FIXTURES / "sheets" / "000_1877d05501bf3ae7.txt"

CONFIG = """
catalog: {title: テスト, base_url: "https://opendata.example.jp/"}
publishers:
  - {code: "132217", name: 清瀬市, license: PDL-1.0, contact: {name: 秘書広報課, url: "https://www.city.kiyose.lg.jp/"}}
default_target: site/
"""


@pytest.fixture
def proj(tmp_path: Path, cli) -> Path:
    write(tmp_path / "opendata.yaml", CONFIG)
    r = cli("evaluation", "import", str(KIYOSE), "-m", "132217", "-p", "datapackages/k", "--date", "2026-11-23",
            cwd=tmp_path)
    assert r.code == 0, r.err
    return tmp_path


def _edit(proj: Path, old: str, new: str) -> None:
    record = next((proj / "datapackages/k/sources/evaluations").glob("*.yaml"))
    text = record.read_text(encoding="utf-8")
    assert old in text
    record.write_text(text.replace(old, new), encoding="utf-8")


def _costs(proj: Path) -> str:
    return (proj / "datapackages/k/data/costs.csv").read_text(encoding="utf-8")


def _meta(proj: Path) -> str:
    return (proj / "datapackages/k/sources/package.yaml").read_text(encoding="utf-8")


def test_before_the_first_publication_build_updates_freely(cli, proj: Path) -> None:
    _edit(proj, "9679000", "9680000")
    r = cli("build", cwd=proj)
    assert r.code == 0, r.err
    assert "9680000" in _costs(proj)
    assert "modified: '2026-11-23'" in _meta(proj)  # no invented date


def test_after_publication_changed_data_needs_a_new_modified(cli, proj: Path) -> None:
    assert cli("publish", cwd=proj).code == 0
    assert (proj / "site/k/datapackage.json").is_file()
    _edit(proj, "9679000", "9680000")
    r = cli("build", cwd=proj)
    assert r.code == 1 and "modified" in r.err and "--modified" in r.err and no_traceback(r.err)
    assert "9680000" not in _costs(proj)  # nothing written
    r = cli("build", "--modified", "2026-12-01", cwd=proj)
    assert r.code == 0, r.err
    assert "9680000" in _costs(proj)
    assert "modified: '2026-12-01'" in _meta(proj)  # kept in the sources, so the next build agrees
    assert cli("build", cwd=proj).code == 0


def test_reimport_after_publication_needs_modified_too(cli, proj: Path, tmp_path: Path) -> None:
    assert cli("publish", cwd=proj).code == 0
    sheet = tmp_path / "other" / "000_corrected.txt"  # a corrected sheet of the same evaluation
    write(sheet, KIYOSE.read_text(encoding="utf-8").replace("9,679", "9,680"))
    args = ["evaluation", "import", str(sheet), "-m", "132217", "-p", "datapackages/k", "--date", "2026-11-23"]
    r = cli(*args, cwd=proj)
    assert r.code != 0 and "modified" in r.err and no_traceback(r.err)


def test_an_unanswerable_target_keeps_the_rule(cli, proj: Path) -> None:
    # a portal but no default target: nothing can say whether the package was published, so the
    # refusal stands (the safe answer) and names --modified
    write(proj / "opendata.yaml", CONFIG.replace("default_target: site/\n", "portals:\n  p: {url: 'https://ckan.example.jp'}\n"))
    _edit(proj, "9679000", "9680000")
    r = cli("build", cwd=proj)
    assert r.code == 1 and "modified" in r.err


def test_bad_modified_date_is_a_usage_error(cli, proj: Path) -> None:
    r = cli("build", "--modified", "2026-13-01", cwd=proj)
    assert r.code == 2 and "YYYY-MM-DD" in r.err and no_traceback(r.err)
