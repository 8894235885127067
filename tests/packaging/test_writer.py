from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from opendata_pub.packaging.package import load_package
from opendata_pub.packaging.writer import StaleModifiedError, build_package, csv_bytes, format_cell
from opendata_pub.validation.validator import Profile, validate_package

RESOURCES = [{
    "name": "t", "path": "data/t.csv", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
    "schema": {"fields": [{"name": "code", "type": "string"}, {"name": "v", "type": "number"}],
               "primaryKey": ["code"]},
}]
META = {"name": "p", "title": "t", "description": "d", "modified": "2021-10-01"}


def test_cells_are_written_exactly() -> None:
    assert format_cell(Decimal("68.0")) == "68.0"
    assert format_cell(Decimal("1E+3")) == "1000"
    assert format_cell(None) == ""
    with pytest.raises(TypeError):
        format_cell(0.1)
    assert csv_bytes(["a", "b"], [{"a": "x,y", "b": None}]) == b'a,b\n"x,y",\n'


def test_build_is_deterministic_and_rewrites_nothing_when_unchanged(tmp_path: Path) -> None:
    rows = {"t": [{"code": "082112", "v": Decimal("40.8")}]}
    first = build_package(tmp_path, META, RESOURCES, rows)
    assert {p.name for p in first.written} == {"t.csv", "datapackage.yaml"}
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    mtimes = {p: p.stat().st_mtime_ns for p in before}
    second = build_package(tmp_path, META, RESOURCES, rows)
    assert second.written == () and not second.data_changed
    assert {p: p.read_bytes() for p in before} == before
    assert {p: p.stat().st_mtime_ns for p in before} == mtimes
    pkg = load_package(tmp_path)
    assert pkg.descriptor["resources"][0]["hash"].startswith("sha256:")
    assert (tmp_path / "data/t.csv").read_text(encoding="utf-8") == "code,v\n082112,40.8\n"
    assert validate_package(tmp_path, None, profile=Profile.NONE).valid


def test_changed_data_needs_a_new_modified(tmp_path: Path) -> None:
    build_package(tmp_path, META, RESOURCES, {"t": [{"code": "1", "v": Decimal("1")}]})
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    with pytest.raises(StaleModifiedError, match="modified"):
        build_package(tmp_path, META, RESOURCES, {"t": [{"code": "1", "v": Decimal("2")}]})
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before  # nothing half-written
    result = build_package(tmp_path, {**META, "modified": "2022-10-01"}, RESOURCES,
                           {"t": [{"code": "1", "v": Decimal("2")}]})
    assert result.data_changed
    assert load_package(tmp_path).descriptor["modified"] == "2022-10-01"


def test_metadata_only_change_keeps_data_files(tmp_path: Path) -> None:
    rows = {"t": [{"code": "1", "v": Decimal("1")}]}
    build_package(tmp_path, META, RESOURCES, rows)
    result = build_package(tmp_path, {**META, "title": "new title"}, RESOURCES, rows)
    assert [p.name for p in result.written] == ["datapackage.yaml"]
    assert not result.data_changed


def test_a_cell_with_a_bare_cr_is_quoted_so_the_row_stays_one_row():
    import csv
    import io

    from opendata_pub.packaging.writer import csv_bytes

    data = csv_bytes(["a", "b"], [{"a": "x\ry", "b": "1"}, {"a": "plain", "b": "2"}])
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert rows == [["a", "b"], ["x\ry", "1"], ["plain", "2"]]
    assert data.endswith(b"plain,2\n")  # other rows keep minimal quoting
