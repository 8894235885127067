"""The columnar engine's own mechanics: row numbers, fallbacks, end checks, progress in bytes, the
text-cell scan. (Its findings against frictionless's: tests/validation/test_engine_parity.py.)"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest

from opendata_pub.findings import Severity
from opendata_pub.packaging.columnar import ScanUnsupported, matching_cells, validate_table
from opendata_pub.packaging.columnar.reader import CsvBatches
from opendata_pub.packaging.frictionless_io import CsvFormat, validate_tables
from opendata_pub.validation.validator import validate_package

_COMMA = CsvFormat(delimiter=",", quote_char='"', double_quote=True, escape_char=None, skip_initial_space=False)


def _resource(path: str, fields: list[dict], **extra: object) -> dict:
    return {"name": "t", "path": path, "format": "csv", "encoding": "utf-8",
            "schema": {"fields": fields}, **extra}


def _pairs(errors: list) -> list[tuple]:
    return [(e.type, e.row, e.field, e.note) for e in errors]


def test_row_numbers_are_the_csv_modules_across_blocks(tmp_path: Path) -> None:
    # Ragged records, quoted newlines and blank lines, spread over many 1 KiB blocks.
    lines = ["a,b,c"]
    for i in range(2, 600):
        if i % 97 == 0:
            lines.append(f"{i},only-two")
        elif i % 89 == 0:
            lines.append(f"{i},x,y,extra")
        elif i % 83 == 0:
            lines.append("")
        elif i % 71 == 0:
            lines.append(f'{i},"two\nlines",z')
        else:
            lines.append(f"{i},b{i},c{i}")
    text = "\n".join(lines) + "\n"
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    expected = {n: cells for n, cells in enumerate(csv.reader(io.StringIO(text, newline="")), start=1)}

    seen: dict[int, list[str]] = {}
    for batch in CsvBatches(path, 3, encoding="utf-8", fmt=_COMMA, block_size=1024):
        columns = [c.to_pylist() for c in batch.columns]
        for k, number in enumerate(batch.numbers.tolist()):
            seen[number] = [col[k] for col in columns]
        for number, cells in batch.ragged:
            seen[number] = cells
    assert sorted(seen) == sorted(expected)
    ragged = {n for n, cells in expected.items() if cells and len(cells) != 3}
    assert ragged == {i for i in range(2, 600) if i % 97 == 0 or (i % 89 == 0 and i % 97)}
    for number, cells in expected.items():
        # an empty line is [] to the csv module and a row of empty cells to pyarrow: both blank rows
        assert seen[number] == (cells or ["", "", ""]), number


def test_the_same_errors_as_frictionless_at_the_limit(tmp_path: Path) -> None:
    rows = ["n,s"] + [f"{i},{'x' * (i % 7)}" if i % 3 else f"bad{i},{i}" for i in range(1, 4000)]
    (tmp_path / "t.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    resource = _resource("t.csv", [{"name": "n", "type": "integer"},
                                   {"name": "s", "type": "string", "constraints": {"maxLength": 4}}])
    ours = validate_table(tmp_path, resource, limit_errors=500)
    theirs = validate_tables(tmp_path, {"resources": [resource]}, limit_errors=500)
    assert ours.fallback is None
    assert len(ours.errors) == 500
    assert _pairs(ours.errors) == _pairs(theirs)


@pytest.mark.parametrize("declared, expected", [("right", []), ("wrong", ["hash-count"])])
def test_hash_and_bytes_after_the_last_row(tmp_path: Path, declared: str, expected: list[str]) -> None:
    data = b"n\n1\n2\n"
    (tmp_path / "t.csv").write_bytes(data)
    digest = hashlib.sha256(data if declared == "right" else b"other").hexdigest()
    resource = _resource("t.csv", [{"name": "n", "type": "integer"}], hash=f"sha256:{digest}", bytes=len(data))
    ours = validate_table(tmp_path, resource)
    assert [e.type for e in ours.errors] == expected
    assert _pairs(ours.errors) == _pairs(validate_tables(tmp_path, {"resources": [resource]}))


def test_progress_is_reported_in_bytes_up_to_the_file_size(tmp_path: Path) -> None:
    data = "n\n" + "".join(f"{i}\n" for i in range(200_000))
    (tmp_path / "t.csv").write_text(data, encoding="utf-8")
    seen: list[int] = []
    outcome = validate_table(tmp_path, _resource("t.csv", [{"name": "n", "type": "integer"}]), on_bytes=seen.append)
    assert outcome.errors == [] and outcome.rows == 200_000
    assert seen == sorted(seen) and seen[-1] == len(data.encode())


@pytest.mark.parametrize("case, reason", [
    ("header-rows", "見出し行"),
    ("empty-line-not-missing", "空行"),
    ("compressed", "圧縮"),
])
def test_what_the_engine_leaves_to_frictionless_says_why(tmp_path: Path, case: str, reason: str) -> None:
    (tmp_path / "t.csv").write_text("a,b\n1,2\n\n3,4\n", encoding="utf-8")
    fields = [{"name": "a", "type": "integer"}, {"name": "b", "type": "integer"}]
    resource = _resource("t.csv", fields)
    if case == "header-rows":
        resource["dialect"] = {"headerRows": [1, 2]}
    elif case == "empty-line-not-missing":
        resource["schema"]["missingValues"] = ["NA"]
    else:
        import gzip

        (tmp_path / "t.csv.gz").write_bytes(gzip.compress(b"a,b\n1,2\n"))
        resource["path"] = "t.csv.gz"
    outcome = validate_table(tmp_path, resource)
    assert outcome.fallback is not None and reason in outcome.fallback
    assert outcome.errors == []


def test_a_fallback_is_an_info_finding_and_frictionless_still_checks_the_rows(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("a\n1\n\nx\n", encoding="utf-8")
    descriptor = {"name": "p", "resources": [{**_resource("t.csv", [{"name": "a", "type": "integer"}]),
                                              "schema": {"fields": [{"name": "a", "type": "integer"}],
                                                         "missingValues": ["NA"]}}]}
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    report = validate_package(tmp_path, profile=__import__("opendata_pub.validation.validator",
                                                           fromlist=["Profile"]).Profile.NONE)
    codes = {(f.code, f.severity) for f in report.findings}
    assert ("engine-fallback", Severity.INFO) in codes
    assert ("blank-row", Severity.WARNING) in codes and ("type-error", Severity.ERROR) in codes


def test_text_cells_found_column_wise_are_those_of_the_rows(tmp_path: Path) -> None:
    text = 'a,b,n\n=1+1,ok,1\nx,"-y",2\nNA,@z,3\nshort\n"\tin",\x01ctl,4\n'
    (tmp_path / "t.csv").write_text(text, encoding="utf-8")
    resource = _resource("t.csv", [{"name": "a", "type": "string"}, {"name": "b", "type": "string"},
                                   {"name": "n", "type": "integer"}])
    resource["schema"]["missingValues"] = ["", "NA"]
    found = list(matching_cells(tmp_path, resource, r"^[=+\-@\x09]|[\x01]"))
    assert found == [(2, "a", "string", "=1+1"), (3, "b", "string", "-y"), (4, "b", "string", "@z"),
                     (6, "a", "string", "\tin"), (6, "b", "string", "\x01ctl")]


def test_text_cells_of_a_file_the_engine_cannot_read_raise_before_the_first(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("a\n1\n", encoding="utf-8")
    resource = _resource("t.csv", [{"name": "a", "type": "string"}], dialect={"headerRows": [1, 2]})
    with pytest.raises(ScanUnsupported):
        next(matching_cells(tmp_path, resource, "x"))


def test_a_record_longer_than_a_block_is_read_with_larger_blocks_not_left_to_frictionless(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("a,b\n1," + "x" * 3_000_000 + "\n2,y\n", encoding="utf-8")
    resource = _resource("t.csv", [{"name": "a", "type": "integer"},
                                   {"name": "b", "type": "string", "constraints": {"maxLength": 10}}])
    outcome = validate_table(tmp_path, resource)
    assert outcome.fallback is None
    assert [(e.type, e.row, e.field) for e in outcome.errors] == [("constraint-error", 2, "b")]
    assert _pairs(outcome.errors) == _pairs(validate_tables(tmp_path, {"resources": [resource]}))
