"""Helpers for the standards tests: CSV fixtures and a PackageView over plain CSV files."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import frictionless
import pytest

from opendata_pub.standards import read_header, schema_for_headers

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
JP_CSV = HERE.parent / "fixtures" / "jp-csv"


class CsvView:
    """A PackageView over CSV files, reading typed rows the way the validator does.

    ``resources`` maps a resource name to (path, resource descriptor without path). Cells
    frictionless cannot type or that break a constraint come back as None, as in
    ``packaging.frictionless_io.read_rows``.
    """

    def __init__(self, resources: Mapping[str, tuple[Path, Mapping[str, Any]]], name: str = "test") -> None:
        self.name = name
        self._paths = {k: v[0] for k, v in resources.items()}
        self.descriptor: dict[str, Any] = {
            "name": name,
            "resources": [{"name": k, "path": v[0].name, **dict(v[1])} for k, v in resources.items()],
        }
        self._cache: dict[str, list[dict[str, Any]]] = {}

    def _resource(self, name: str) -> dict[str, Any]:
        return next(r for r in self.descriptor["resources"] if r["name"] == name)

    def has(self, resource: str) -> bool:
        return resource in self._paths

    def rows(self, resource: str) -> list[dict[str, Any]]:
        if resource not in self._cache:
            desc = dict(self._resource(resource))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = frictionless.Resource(desc, basepath=str(self._paths[resource].parent))
                out = []
                with res:
                    for row in res.row_stream:  # type: ignore[attr-defined]
                        d = {n: row[n] if n not in row.error_cells else None for n in row.field_names}
                        d["__row__"] = row.row_number
                        out.append(d)
            self._cache[resource] = out
        return self._cache[resource]

    def file(self, resource: str) -> str:
        return f"data/{self._paths[resource].name}"

    def fields(self, resource: str) -> list[Mapping[str, Any]]:
        schema = self._resource(resource).get("schema")
        if isinstance(schema, Mapping):
            return list(schema.get("fields", []))
        return []


def resource_for(path: Path, *, standard: str | None = None, encoding: str = "utf-8",
                 marker: bool = True) -> dict[str, Any]:
    """A resource descriptor for ``path`` with a schema built from its own header."""
    schema = schema_for_headers(read_header(path, encoding=encoding), standard)
    if not marker:
        schema.pop("standard")
        schema.pop("standardVersion")
        for f in schema["fields"]:
            f.pop("standardField", None)
    return {"format": "csv", "encoding": encoding, "schema": schema}


def frictionless_errors(path: Path, schema: Mapping[str, Any], *, encoding: str = "utf-8") -> list[list[Any]]:
    res = frictionless.Resource(path.name, basepath=str(path.parent), encoding=encoding,
                                schema=frictionless.Schema.from_descriptor(dict(schema)))
    report = frictionless.validate(res)
    errors: list[list[Any]] = report.flatten(["type", "rowNumber", "fieldName"])
    return errors


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def jp_csv() -> Path:
    return JP_CSV
