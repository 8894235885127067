"""The one module that talks to frictionless: profile checks, table validation, typed rows, inference.

Everything above this module sees plain values (``TableError``, dicts of typed cells), never
frictionless objects, so the frictionless version can change under one file. frictionless is given
the encoding we decided (japan.encoding), never left to guess: its chardet guess turns short
Shift_JIS files into Windows-1252.

Nor do frictionless's exceptions leave this module: ``read_rows`` and ``infer_table`` raise our
``InputError`` (message: frictionless's text; the caller adds which file and what it was doing) for
``FrictionlessException`` and the codec, csv and OS errors frictionless lets through on odd input.
"""

from __future__ import annotations

import csv
import re
import sys
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import frictionless
from frictionless import Check, Checklist, Package, Resource

from ..errors import InputError

__all__ = ["TableError", "descriptor_errors", "infer_table", "read_rows", "validate_tables"]

# The csv module refuses fields over 128 KiB by default; a legitimate cell (a long narrative, an
# embedded GeoJSON) can be larger. Frictionless reads whole rows anyway, so lift the limit.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

_AT_PROPERTY = re.compile(r"at property '([^']*)'")
_FL_NAME = re.compile(r"^[-a-z0-9._/]+$")


@contextmanager
def _as_input_error() -> Iterator[None]:
    """The seam: whatever frictionless raises on a file it cannot read comes out as an ``InputError``."""
    try:
        yield
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - frictionless raises many types on odd input
        raise InputError(str(exc)) from exc


def descriptor_errors(descriptor: Mapping[str, Any]) -> list[tuple[str, str | None]]:
    """Frictionless profile errors of a package descriptor: (note, key path or None)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            report = Package.validate_descriptor(dict(descriptor))
        except Exception as exc:  # noqa: BLE001 - frictionless raises many types on odd input
            return [(str(exc), None)]
    out = []
    for err in report.errors:
        note = getattr(err, "note", "") or err.message
        m = _AT_PROPERTY.search(note)
        key = m.group(1).replace("/", ".") if m else None
        out.append((note, _locate(descriptor, key, note)))
    return out


_QUOTED = re.compile(r"^'([^']*)'")


def _locate(descriptor: Mapping[str, Any], key: str | None, note: str) -> str | None:
    """frictionless names a resource's property without its index; find the resource it means."""
    value = _QUOTED.match(note)
    resources = descriptor.get("resources")
    if key and "." not in key and value and isinstance(resources, list) and descriptor.get(key) != value.group(1):
        for i, r in enumerate(resources):
            if isinstance(r, Mapping) and str(r.get(key)) == value.group(1):
                return f"resources[{i}].{key}"
    return key


@dataclass(frozen=True, slots=True)
class TableError:
    """One frictionless error, flattened."""

    type: str
    message: str
    note: str
    resource: str
    row: int | None = None
    field: str | None = None
    cell: str | None = None


class _RowHook(Check):
    """Calls back on every row: progress bars and row counts without a second pass."""

    type = "opendata-pub-row-hook"

    def __init__(self, on_row: Callable[[str, int], None]) -> None:
        super().__init__()
        self._on_row = on_row

    def validate_row(self, row: Any) -> Iterator[Any]:
        self._on_row(self.resource.name, row.row_number)
        return iter(())


def validate_tables(
    root: Path,
    descriptor: Mapping[str, Any],
    *,
    on_row: Callable[[str, int], None] | None = None,
    limit_errors: int = 1000,
) -> list[TableError]:
    """Validate the data of the package's resources (types, constraints, keys, hash, bytes)."""
    # frictionless accepts only ^[-a-z0-9._/]+$ as resource names; Japanese names are common, and the
    # descriptor layer reports them. To still check the rows, validate under internal names.
    resources = [dict(r) for r in descriptor.get("resources", [])]
    internal = {str(r.get("name")): (str(r.get("name")) if _FL_NAME.match(str(r.get("name"))) else f"resource-{i}")
                for i, r in enumerate(resources)}
    external = {v: k for k, v in internal.items()}
    for r in resources:
        r["name"] = internal[str(r.get("name"))]
        schema = r.get("schema")
        if isinstance(schema, Mapping) and isinstance(schema.get("foreignKeys"), list):
            fks = []
            for fk in schema["foreignKeys"]:
                fk = dict(fk)
                ref = dict(fk.get("reference") or {})
                if ref.get("resource") in internal:
                    ref["resource"] = internal[ref["resource"]]
                fk["reference"] = ref
                fks.append(fk)
            r["schema"] = {**schema, "foreignKeys": fks}
    checks: list[Check] = [_RowHook(lambda name, row: on_row(external.get(name, name), row))] if on_row else []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            package = Package({**descriptor, "resources": resources}, basepath=str(root))
            report = package.validate(checklist=Checklist(checks=checks), limit_errors=limit_errors)
    except frictionless.FrictionlessException as exc:
        # What frictionless cannot even open is a finding about the package, not a crash.
        err = exc.error
        return [TableError(err.type, err.message, getattr(err, "note", "") or str(exc), "")]
    out: list[TableError] = []
    for task in report.tasks:
        for err in task.errors:
            out.append(
                TableError(
                    type=err.type,
                    message=err.message,
                    note=getattr(err, "note", "") or "",
                    resource=external.get(task.name or "", task.name or ""),
                    row=getattr(err, "row_number", None),
                    field=getattr(err, "field_name", None) or None,
                    cell=getattr(err, "cell", None),
                )
            )
    for err in report.errors:  # package-level (e.g. foreign key setup)
        out.append(TableError(err.type, err.message, getattr(err, "note", "") or "", ""))
    return out


def read_rows(root: Path, resource: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Typed rows of one resource: each a dict by field name plus ``__row__`` (header = row 1).

    Cells frictionless cannot type come back as None (their error is in the data layer already).
    A file frictionless cannot read raises ``InputError``.
    """
    descriptor = dict(resource)
    if not _FL_NAME.match(str(descriptor.get("name"))):
        descriptor["name"] = "resource"  # see validate_tables: the name is not what is read here
    schema = descriptor.get("schema")
    if isinstance(schema, Mapping) and "foreignKeys" in schema:
        # Read alone, frictionless refuses a resource whose keys point at others; the data layer has
        # checked the foreign keys over the whole package already.
        descriptor["schema"] = {k: v for k, v in schema.items() if k != "foreignKeys"}
    with _as_input_error(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = Resource(descriptor, basepath=str(root))
        rows = []
        with res:
            for row in res.row_stream:  # type: ignore[attr-defined]  # set by open(), not declared
                d = {name: row[name] if name not in row.error_cells else None for name in row.field_names}
                d["__row__"] = row.row_number
                rows.append(d)
    return rows


def infer_table(path: Path, *, encoding: str, sample_rows: int = 10_000) -> dict[str, Any]:
    """Infer dialect and Table Schema of a delimited file (frictionless ``describe``).

    A file frictionless cannot read as a table raises ``InputError``.
    """
    with _as_input_error(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        detector = frictionless.Detector(sample_size=sample_rows, field_confidence=1.0)
        resource = Resource(path=str(path.name), basepath=str(path.parent), encoding=encoding, detector=detector)
        resource.infer(stats=False)
        return resource.to_descriptor()
