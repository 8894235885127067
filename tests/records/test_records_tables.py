"""The seven contract tables and their Frictionless descriptors, checked by Frictionless itself."""

from __future__ import annotations

import warnings
from decimal import Decimal
from pathlib import Path
from typing import Any

import frictionless
import pytest

from opendata_pub.packaging.evaluation import (
    EVALUATION_TABLES,
    OPTIONAL_TABLES,
    evaluation_resources,
    evaluation_tables,
    table_columns,
)
from opendata_pub.records import EvaluationRecord

from .conftest import SEEDS, VARIANT_SHEETS, import_path, write_tables

# The contract's columns, copied from docs/evaluation-contract.md by hand.
CONTRACT = {
    "evaluations": ["evaluation_id", "municipality_code", "municipality_name", "fiscal_year", "fiscal_year_label",
                    "level", "policy_code", "policy_name", "lead_department", "lead_section", "grade", "grade_reason"],
    "programs": ["evaluation_id", "program_id", "program_name", "direction_no", "section"],
    "costs": ["evaluation_id", "program_id", "fiscal_year", "stage", "category", "amount_jpy"],
    "indicators": ["evaluation_id", "indicator_id", "indicator_no", "name", "unit", "method", "section"],
    "indicator_values": ["indicator_id", "fiscal_year", "target", "actual", "achievement_rate", "note"],
    "challenges": ["evaluation_id", "challenge_no", "challenge", "next_action"],
    "narratives": ["evaluation_id", "heading", "text"],
}


@pytest.fixture(scope="module")
def records() -> list[EvaluationRecord]:
    return [import_path(p).record for p in SEEDS]


def test_tables_have_the_contract_columns_first(records: list[EvaluationRecord]) -> None:
    tables = evaluation_tables(records)
    assert tuple(tables) == EVALUATION_TABLES
    # the seed sheets print no staffing or assessments: tests/records/test_contract_growth.py has those
    assert tuple(t for t in EVALUATION_TABLES if t not in OPTIONAL_TABLES) == tuple(CONTRACT)
    for name, columns in CONTRACT.items():
        assert table_columns(name)[: len(columns)] == columns
        assert tables[name], name
        for row in tables[name]:
            assert list(row) == table_columns(name)


def test_resources_match_columns() -> None:
    for resource in evaluation_resources():
        fields = [f["name"] for f in resource["schema"]["fields"]]
        assert fields == table_columns(resource["name"])
        assert resource["path"] == f"data/{resource['name']}.csv"
        assert (resource["format"], resource["mediatype"], resource["encoding"]) == ("csv", "text/csv", "utf-8")
        assert resource["title"] and resource["title_en"] and resource["description"] and resource["description_en"]
        for field in resource["schema"]["fields"]:
            assert field["title"] and field["title_en"], field["name"]
    by_name = {r["name"]: r for r in evaluation_resources()}
    code = next(f for f in by_name["evaluations"]["schema"]["fields"] if f["name"] == "municipality_code")
    assert code["constraints"] == {"required": True, "pattern": "^[0-9]{6}$"}
    amount = next(f for f in by_name["costs"]["schema"]["fields"] if f["name"] == "amount_jpy")
    assert amount["type"] == "integer" and "円" in amount["description"] and "yen" in amount["description_en"]
    assert by_name["indicator_values"]["schema"]["primaryKey"] == ["indicator_id", "fiscal_year"]
    assert by_name["costs"]["schema"]["primaryKey"] == ["cost_id"]
    assert by_name["challenges"]["schema"]["primaryKey"] == ["evaluation_id", "challenge_no"]
    assert {"fields": ["program_id"], "reference": {"resource": "programs", "fields": ["program_id"]}} in (
        by_name["costs"]["schema"]["foreignKeys"]
    )
    # fresh copies
    evaluation_resources()[0]["name"] = "changed"
    assert evaluation_resources()[0]["name"] == "evaluations"


def test_schemas_are_accepted_by_frictionless() -> None:
    for resource in evaluation_resources():
        schema = frictionless.Schema.from_descriptor(resource["schema"])
        assert [f.name for f in schema.fields] == table_columns(resource["name"])


def _validate(folder: Path) -> frictionless.Report:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        package = frictionless.Package({"name": "evaluations", "resources": evaluation_resources()}, basepath=str(folder))
        return package.validate()


def test_real_rows_validate_as_a_package(tmp_path: Path) -> None:
    records = [import_path(p).record for p in SEEDS + VARIANT_SHEETS]
    write_tables(tmp_path, evaluation_tables(records))
    report = _validate(tmp_path)
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])
    for resource in evaluation_resources():
        resource["schema"].pop("foreignKeys", None)  # alone, a resource cannot resolve other resources
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            single = frictionless.Resource(resource, basepath=str(tmp_path)).validate()
        assert single.valid, (resource["name"], single.flatten(["rowNumber", "type", "note"]))


def test_frictionless_catches_broken_rows(tmp_path: Path) -> None:
    tables = evaluation_tables([import_path(SEEDS[0]).record])
    tables["evaluations"][0]["municipality_code"] = "13221"
    tables["costs"][0]["program_id"] = "132217-2020-513-p99"
    tables["indicator_values"].append(dict(tables["indicator_values"][0]))
    write_tables(tmp_path, tables)
    types = {e.type for task in _validate(tmp_path).tasks for e in task.errors}
    assert {"constraint-error", "foreign-key", "primary-key"} <= types


def test_rows_are_typed_and_ordered(records: list[EvaluationRecord]) -> None:
    tables = evaluation_tables(list(reversed(records)))
    assert [r["evaluation_id"] for r in tables["evaluations"]] == sorted(r.evaluation_id for r in records)
    assert evaluation_tables(records) == tables  # input order does not matter
    kiyose_costs = [r for r in tables["costs"] if r["evaluation_id"] == "132217-2020-513"]
    assert [(r["program_id"], r["amount_jpy"]) for r in kiyose_costs] == [
        (None, 59_084_000),
        ("132217-2020-513-p1", 9_679_000),
        ("132217-2020-513-p2", 8_482_000),
        ("132217-2020-513-p3", 94_000),
        ("132217-2020-513-p4", 16_838_000),
        ("132217-2020-513-p5", 23_991_000),
    ]
    assert kiyose_costs[1]["cost_id"] == "132217-2020-513-p1-2020-settlement-total"
    value = next(
        r for r in tables["indicator_values"] if r["indicator_id"] == "132217-2020-513-i1" and r["fiscal_year"] == 2020
    )
    assert value == {
        "indicator_id": "132217-2020-513-i1", "fiscal_year": 2020, "target": Decimal("68.0"),
        "actual": Decimal("59.4"), "achievement_rate": Decimal("87.4"), "note": None,
        "evaluation_id": "132217-2020-513",
    }
    assert str(value["target"]) == "68.0"
    evaluation: dict[str, Any] = tables["evaluations"][0]
    assert isinstance(evaluation["fiscal_year"], int)
    koto_values = [r for r in tables["indicator_values"] if r["indicator_id"] == "131083-2022-1-i5"]
    assert [(r["fiscal_year"], r["actual"], r["note"]) for r in koto_values] == [
        (2019, None, "提案3 採択2"), (2020, None, "未実施"), (2021, None, "提案2 採択0"), (2022, None, "提案0"),
    ]
    kinds = {r["kind"] for r in tables["narratives"]}
    assert kinds == {"vision", "goal", "direction", "text"}
    assert len({r["cost_id"] for r in tables["costs"]}) == len(tables["costs"])
