"""Issue 13: evaluation records read back from a package's tables give the reviewed YAML again."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

import opendata_pub
import opendata_pub.records
from opendata_pub import packaging
from opendata_pub.errors import InputError
from opendata_pub.packaging.evaluation import cost_id, evaluation_resources, evaluation_tables
from opendata_pub.packaging.writer import build_package
from opendata_pub.records import dump_record
from opendata_pub.records.tables import load_evaluations, records_from_tables

from .test_contract_growth import workbook_record

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = sorted(p for p in (ROOT / "datapackages").iterdir() if (p / "sources" / "evaluations").is_dir())


def test_there_are_three_repository_packages() -> None:
    assert len(PACKAGES) == 3


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_records_from_the_tables_dump_to_the_reviewed_yaml(package: Path, tmp_path: Path) -> None:
    # Only the tables are read: a copy without sources/ gives the same records.
    copy = tmp_path / package.name
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("sources"))
    originals = sorted((package / "sources" / "evaluations").glob("*.yaml"))
    records = load_evaluations(copy / "datapackage.yaml")
    assert [r.evaluation_id for r in records] == [p.stem for p in originals]
    for record, original in zip(records, originals, strict=True):
        assert dump_record(record).encode("utf-8") == original.read_bytes()


def test_the_public_names() -> None:
    assert opendata_pub.records.load_evaluations is load_evaluations  # as the issue names it
    assert opendata_pub.load_evaluations is load_evaluations
    assert packaging.load_evaluations is load_evaluations


def test_a_workbook_record_with_every_new_field_round_trips(tmp_path: Path) -> None:
    # staffing, assessments, contact, a declared grade scale, kinds and codes all come back. The
    # tables keep no order of costs and staffing beyond the sheet line: within one line they come
    # back in the tables' order, so the factory's record is put in that order first.
    tables = evaluation_tables([workbook_record()])
    order = {row["cost_id"]: i for i, row in enumerate(tables["costs"])}
    loose = workbook_record()
    record = dataclasses.replace(
        loose,
        costs=tuple(sorted(loose.costs, key=lambda c: order[cost_id(loose, c.program_no, c.fiscal_year, c.stage, c.category)])),
        staffing=tuple(sorted(loose.staffing, key=lambda s: s.fiscal_year)),
    )
    build_package(tmp_path, {"name": "wb", "modified": "2026-01-01"}, evaluation_resources([record]),
                  evaluation_tables([record]), published=False)
    (back,) = load_evaluations(tmp_path)
    assert back.staffing and back.assessments and back.contact and back.grade_scale
    assert dump_record(back) == dump_record(record)


def test_not_an_evaluation_package() -> None:
    with pytest.raises(InputError, match="評価のパッケージではありません"):
        records_from_tables({"evaluations": []})


def test_an_id_of_another_evaluation_is_refused() -> None:
    record = workbook_record()
    tables = evaluation_tables([record])
    tables["costs"][0]["program_id"] = "999999-2020-x-p1"
    with pytest.raises(InputError, match="ID ではありません"):
        records_from_tables(tables)

