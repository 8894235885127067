"""CSV formula injection (issue 9, item 5): the Excel copies neutralise cells Excel would run as a
formula; the original CSV stays byte for byte; ``validate`` warns about such cells."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from pathlib import Path

import pytest

from opendata_pub import actions
from opendata_pub.config import load_config
from opendata_pub.packaging.excel import excel_csv_text, formula_risk
from opendata_pub.validation.validator import validate_package

BOM = b"\xef\xbb\xbf"
PKG = "datapackages/demo"

CSV_TEXT = (
    "code,name,population,tel,delta\n"
    "132217,清瀬市,74000,+81-42-492-5111,-12\n"
    "082112,\"=HYPERLINK(\"\"http://evil.example/\"\",\"\"x\"\")\",61000,@SUM(A1),-1.5\n"
    "132012,\"\t=1+1\",5,\"\r-2+3\",7\n"
)
FIELDS = """      fields:
        - {name: code, type: string, constraints: {required: true, pattern: "^[0-9]{6}$"}}
        - {name: name, type: string}
        - {name: population, type: integer}
        - {name: tel, type: string}
        - {name: delta, type: number}
"""


def _with_data(project: Path, text: str = CSV_TEXT) -> bytes:
    data = text.encode("utf-8")
    (project / PKG / "data" / "towns.csv").write_bytes(data)
    desc = project / PKG / "datapackage.yaml"
    d = desc.read_text(encoding="utf-8")
    d = re.sub(r"bytes: \d+", f"bytes: {len(data)}", d)
    d = re.sub(r"hash: sha256:[0-9a-f]+", f"hash: sha256:{hashlib.sha256(data).hexdigest()}", d)
    d = re.sub(r"      fields:\n(        - .*\n)+", FIELDS, d)
    desc.write_text(d, encoding="utf-8")
    return data


@pytest.mark.parametrize(("cell", "ftype", "risky"), [
    ("+81-42-492-5111", "string", True), ("+81-42-492-5111", "integer", True), ("+81-42-492-5111", None, True),
    ("=1+1", "string", True), ("@SUM(A1)", "string", True), ("\t=1", "string", True), ("\r=1", "string", True),
    ("-12", "integer", False), ("-1.5", "number", False), ("+3e2", "number", False), ("-12", None, False),
    ("-12", "string", True), ("-", "string", False), ("+", "string", False), ("", "string", False),
    ("清瀬市", "string", False), ("a=b", "string", False), ("'+81", "string", False),
])
def test_formula_risk(cell: str, ftype: str | None, risky: bool) -> None:
    assert formula_risk(cell, ftype) is risky


def test_clean_csv_copy_is_the_same_text() -> None:
    text = "a,b\r\n1,-2\r\nx,\"y,z\"\r\n"
    assert excel_csv_text(text, types=["string", "integer"]) == text


def test_site_excel_copy_neutralises_and_the_original_stays(project: Path) -> None:
    data = _with_data(project)
    settings = load_config(project / "opendata.yaml")
    plan, _ = actions.publish([project / PKG], to=str(project / "site"), settings=settings)
    assert (project / "site/demo/data/towns.csv").read_bytes() == data  # the data, byte for byte
    copy = (project / "site/demo/excel/towns.csv").read_bytes()
    assert copy.startswith(BOM)
    rows = list(csv.reader(io.StringIO(copy[len(BOM):].decode("utf-8"), newline="")))
    assert rows[0] == ["code", "name", "population", "tel", "delta"]
    assert rows[1] == ["132217", "清瀬市", "74000", "'+81-42-492-5111", "-12"]  # a number stays a number
    assert rows[2] == ["082112", "'=HYPERLINK(\"http://evil.example/\",\"x\")", "61000", "'@SUM(A1)", "-1.5"]
    assert rows[3] == ["132012", "'\t=1+1", "5", "'\r-2+3", "7"]
    page = (project / "site/demo/index.html").read_text(encoding="utf-8")
    assert "先頭に ' を付けて" in page


def test_opendata_list_excel_copy_neutralises_a_telephone(project: Path) -> None:
    cfg = project / "opendata.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace(
        "email: opendata@example.lg.jp}", "email: opendata@example.lg.jp, telephone: '+81-42-492-5111'}"),
        encoding="utf-8")
    settings = load_config(cfg)
    assert settings.publishers[0].contact is not None and settings.publishers[0].contact.telephone
    actions.publish([project / PKG], to=str(project / "site"), settings=settings)
    plain = (project / "site/opendata-list/132217_opendata_list.csv").read_text(encoding="utf-8")
    excel = (project / "site/opendata-list/excel/132217_opendata_list.csv").read_bytes()
    assert ",+81-42-492-5111," in plain  # the list for programs keeps the value
    rows = list(csv.DictReader(io.StringIO(excel[len(BOM):].decode("utf-8"))))
    assert rows and all(r["データセット_連絡先電話番号"] == "'+81-42-492-5111" for r in rows)


def test_validate_warns_about_formula_cells(project: Path) -> None:
    _with_data(project)
    rep = validate_package(project / PKG, load_config(project / "opendata.yaml"))
    found = {(f.where.row, f.where.field) for f in rep.findings if f.code == "csv-formula-injection"}
    assert found == {(2, "tel"), (3, "name"), (3, "tel"), (4, "name"), (4, "tel")}  # not -12 / -1.5 in numbers
    first = next(f for f in rep.findings if f.code == "csv-formula-injection")
    assert first.severity.value == "warning" and "Excel" in first.message and "行目" in first.message
    assert rep.valid  # a warning: publishing goes on, with the Excel copy neutralised


def test_control_character_cell_warns_in_data_and_is_an_error_in_evaluation_data(project: Path, tmp_path: Path) -> None:
    _with_data(project, "code,name,population,tel,delta\n132217,清\x01瀬,1,0424925111,1\n")
    rep = validate_package(project / PKG, load_config(project / "opendata.yaml"))
    assert [(f.severity.value, f.where.row, f.where.field) for f in rep.findings
            if f.code == "cell-control-character"] == [("warning", 2, "name")]

    from tests.rdf.conftest import CONFIG, build_evaluation, eval_tables, settings_for

    tables = eval_tables()
    tables["narratives"][0]["text"] = "改ページ\x0c以降"
    pkg = build_evaluation(tmp_path / "ev" / "kiyose", tables)
    rep = validate_package(pkg, settings_for(CONFIG, tmp_path))
    errors = [f for f in rep.errors if f.code == "cell-control-character"]
    assert [(f.resource, f.where.field) for f in errors] == [("narratives", "text")]
    assert not any(f.code == "shacl-crashed" for f in rep.findings)
