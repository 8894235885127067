"""Shared fixtures for the evaluation-record tests: the seed sheets and a PackageView over tables."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from opendata_pub.packaging.evaluation import (
    evaluation_resources,
    evaluation_tables,
    table_columns,
)
from opendata_pub.records import EvaluationRecord, ImportResult, import_sheet

SHEETS = Path(__file__).resolve().parent.parent / "fixtures" / "sheets"
VARIANTS = SHEETS / "variants"

KIYOSE = SHEETS / "000_1877d05501bf3ae7.txt"
JOSO = SHEETS / "001_c75840063dde7d0e.txt"
KOTO = SHEETS / "003_70fae760c9702d6a.txt"

MUNICIPALITY = {
    KIYOSE.name: ("132217", "清瀬市"),
    JOSO.name: ("082112", "常総市"),
    KOTO.name: ("131083", "江東区"),
    "kiyose_variant.txt": ("132217", "清瀬市"),
    "joso_variant.txt": ("082112", "常総市"),
    "koto_variant.txt": ("131083", "江東区"),
}

SEEDS = (KIYOSE, JOSO, KOTO)
VARIANT_SHEETS = (VARIANTS / "kiyose_variant.txt", VARIANTS / "joso_variant.txt", VARIANTS / "koto_variant.txt")


def import_path(path: Path) -> ImportResult:
    code, name = MUNICIPALITY[path.name]
    return import_sheet(path, municipality_code=code, municipality_name=name)


@pytest.fixture(scope="session")
def kiyose() -> ImportResult:
    return import_path(KIYOSE)


@pytest.fixture(scope="session")
def joso() -> ImportResult:
    return import_path(JOSO)


@pytest.fixture(scope="session")
def koto() -> ImportResult:
    return import_path(KOTO)


class TableView:
    """A PackageView (validation.rules) over in-memory table rows, as the validator would type them."""

    def __init__(self, tables: Mapping[str, list[dict[str, Any]]], name: str = "evaluations-test") -> None:
        self._name = name
        self._rows = {
            res: [{**row, "__row__": i} for i, row in enumerate(rows, start=2)] for res, rows in tables.items()
        }
        self._resources = {r["name"]: r for r in evaluation_resources()}

    @property
    def name(self) -> str:
        return self._name

    @property
    def descriptor(self) -> Mapping[str, Any]:
        return {"name": self._name, "resources": list(self._resources.values())}

    def has(self, resource: str) -> bool:
        return resource in self._rows

    def rows(self, resource: str) -> list[dict[str, Any]]:
        return self._rows[resource]

    def file(self, resource: str) -> str:
        return f"data/{resource}.csv"

    def fields(self, resource: str) -> list[Mapping[str, Any]]:
        return list(self._resources[resource]["schema"]["fields"])


def view_of(*records: EvaluationRecord) -> TableView:
    return TableView(evaluation_tables(records))


def write_tables(folder: Path, tables: Mapping[str, list[dict[str, Any]]]) -> None:
    """Write the tables as the contract's CSV files under ``folder/data``."""
    (folder / "data").mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        with (folder / "data" / f"{name}.csv").open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(table_columns(name))
            for row in rows:
                writer.writerow(["" if row[c] is None else row[c] for c in table_columns(name)])
