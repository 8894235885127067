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
from frictionless.table.row import Row, create_cell_handlers

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


def _internal_names(descriptor: Mapping[str, Any]) -> dict[str, Any]:
    """The package with resource names frictionless accepts, and ``_external`` mapping them back.

    frictionless accepts only ^[-a-z0-9._/]+$ as resource names; Japanese names are common, and the
    descriptor layer reports them. To still check the rows, validate under internal names.
    """
    resources = [dict(r) for r in descriptor.get("resources", [])]
    internal = {str(r.get("name")): (str(r.get("name")) if _FL_NAME.match(str(r.get("name"))) else f"resource-{i}")
                for i, r in enumerate(resources)}
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
    return {**descriptor, "resources": resources, "_external": {v: k for k, v in internal.items()}}


def validate_tables(
    root: Path,
    descriptor: Mapping[str, Any],
    *,
    on_row: Callable[[str, int], None] | None = None,
    limit_errors: int = 1000,
    only: list[str] | None = None,
) -> list[TableError]:
    """Validate the data of the package's resources (types, constraints, keys, hash, bytes); with
    ``only``, of those resources (by name), the others still there for foreign keys."""
    descriptor = _internal_names(descriptor)
    external = descriptor["_external"]
    checks: list[Check] = [_RowHook(lambda name, row: on_row(external.get(name, name), row))] if on_row else []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            package = Package({k: v for k, v in descriptor.items() if k != "_external"}, basepath=str(root))
            if only is None:
                report = package.validate(checklist=Checklist(checks=checks), limit_errors=limit_errors)
            else:
                internal = {v: k for k, v in external.items()}
                reports = [package.validate(checklist=Checklist(checks=checks), name=internal.get(n, n),
                                            limit_errors=limit_errors) for n in only]
                report = frictionless.Report.from_validation_reports(time=0, reports=reports)
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


# --- The columnar engine's frictionless side (packaging/columnar) -------------------------------------
# The engine parses CSV with pyarrow and decides, a batch at a time, which rows are certainly clean.
# Everything that decides a finding stays frictionless's own: the header errors, the dialect it sniffs,
# the cell readers of each field, the Row that lists a row's errors, the foreign-key lookups, and the
# error objects (so codes, notes and messages are frictionless's, not a copy of them).


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One expected field, in file order, as frictionless reads it."""

    name: str
    type: str
    format: str
    constraints: Mapping[str, Any]
    missing_values: tuple[str, ...]
    bare_number: bool
    group_char: str | None  # set only when frictionless runs its number processor
    decimal_char: str
    float_number: bool
    true_values: tuple[str, ...]
    false_values: tuple[str, ...]
    read_value: Callable[[Any], Any]  # frictionless's value reader: constraint values are read with it


@dataclass(frozen=True, slots=True)
class CsvFormat:
    """The csv-module dialect frictionless reads the file with (declared, else sniffed)."""

    delimiter: str
    quote_char: str | None  # None: no quoting (QUOTE_NONE)
    double_quote: bool
    escape_char: str | None
    skip_initial_space: bool


@dataclass(frozen=True, slots=True)
class ForeignGroup:
    fields: tuple[str, ...]
    reference: str
    reference_fields: tuple[str, ...]
    lookup: frozenset[tuple[Any, ...]] | None  # None: frictionless skips the check (empty lookup)


class TableProbe:
    """A CSV resource opened by frictionless up to its header: what the columnar engine needs."""

    def __init__(self, name: str, res: Any, handlers: dict[str, Any], fields: list[FieldSpec],
                 csv_format: CsvFormat, header_errors: list[TableError], foreign: list[ForeignGroup]) -> None:
        self.name = name
        self._res = res
        self._handlers = handlers
        self.fields = fields
        self.csv_format = csv_format
        self.header_errors = header_errors
        self.foreign = foreign
        self.encoding: str = res.encoding
        self.path = Path(res.normpath)
        self.primary_key: tuple[str, ...] = tuple(res.schema.primary_key) if set(res.schema.primary_key) <= \
            {f.name for f in fields} else ()
        self.unique: tuple[str, ...] = tuple(f.name for f in fields if f.constraints.get("unique"))
        self.hash: str | None = res.hash
        self.bytes: int | None = res.bytes

    def row(self, cells: list[Any], row_number: int) -> Any:
        """frictionless's Row of these cells (opaque to callers; pass it back to the methods below)."""
        return Row(cells, handlers=self._handlers, row_number=row_number)

    def row_errors(self, row: Any) -> list[TableError]:
        return [self._flat(e) for e in row.errors]

    @staticmethod
    def value(row: Any, name: str) -> Any:
        return row[name]

    def unique_error(self, row: Any, field_name: str, match: int) -> TableError:
        note = f"the same as in the row at position {match}"
        return self._flat(frictionless.errors.UniqueError.from_row(row, note=note, field_name=field_name))

    def primary_key_error(self, row: Any, match: int | None) -> TableError:
        note = ('cells composing the primary keys are all "None"' if match is None
                else f"the same as in the row at position {match}")
        return self._flat(frictionless.errors.PrimaryKeyError.from_row(row, note=note))

    def foreign_key_error(self, row: Any, group: ForeignGroup, cells: tuple[Any, ...]) -> TableError:
        values = ", ".join(str(d) for d in cells)
        note = (f'for "{", ".join(group.fields)}": values "{values}" not found in the lookup table '
                f'"{group.reference}" as "{", ".join(group.reference_fields)}"')
        err = frictionless.errors.ForeignKeyError.from_row(
            row, note=note, field_names=list(group.fields), field_values=list(cells),
            reference_name=group.reference, reference_field_names=list(group.reference_fields))
        return self._flat(err)

    def _flat(self, err: Any) -> TableError:
        return TableError(type=err.type, message=err.message, note=getattr(err, "note", "") or "",
                          resource=self.name, row=getattr(err, "row_number", None),
                          field=getattr(err, "field_name", None) or None, cell=getattr(err, "cell", None))


def _field_spec(field: Any) -> FieldSpec:
    missing = field.missing_values if field.has_defined("missing_values") or not field.schema \
        else field.schema.missing_values
    processed = field.type == "number" and bool({"group_char", "decimal_char", "bare_number"}
                                                & set(field.list_defined()))
    return FieldSpec(
        name=field.name, type=field.type, format=field.format or "default",
        constraints=dict(field.constraints or {}), missing_values=tuple(str(m) for m in missing),
        bare_number=bool(getattr(field, "bare_number", True)),
        group_char=getattr(field, "group_char", "") if processed else None,
        decimal_char=getattr(field, "decimal_char", ".") if processed else ".",
        float_number=bool(getattr(field, "float_number", False)),
        true_values=tuple(getattr(field, "true_values", ()) or ()),
        false_values=tuple(getattr(field, "false_values", ()) or ()),
        read_value=field.create_value_reader())


def _csv_format(res: Any) -> CsvFormat:
    from frictionless.formats import CsvControl

    # After open() the CSV parser has written what it sniffed into the dialect's control.
    dialect = CsvControl.from_dialect(res.dialect).to_python()
    return CsvFormat(delimiter=dialect.delimiter, quote_char=None if dialect.quoting == csv.QUOTE_NONE
                     else dialect.quotechar, double_quote=bool(dialect.doublequote),
                     escape_char=dialect.escapechar or None, skip_initial_space=bool(dialect.skipinitialspace))


def _unsupported(res: Any) -> str | None:
    """Why the columnar engine cannot read this resource as frictionless does, or None."""
    dialect = res.dialect
    checks = (
        (res.multipart, "複数ファイルに分かれたリソース"),
        (bool(res.compression), f"圧縮ファイル ({res.compression})"),
        (res.scheme != "file", f"読み込み方式 {res.scheme}"),
        (res.format not in ("csv", "tsv"), f"形式 {res.format}"),
        (not dialect.header or list(dialect.header_rows) != [1], "見出し行の設定 (header/headerRows)"),
        (bool(dialect.comment_char or dialect.comment_rows), "コメント行の設定"),
        (not dialect.header_case, "見出しの大文字小文字を区別しない設定"),
        (bool(getattr(dialect, "skip_blank_rows", False)), "空行を読み飛ばす設定"),
        (res.get_defined("fields") is not None or res.get_defined("rows") is not None, "fields/rows の件数宣言"),
    )
    return next((why for failed, why in checks if failed), None)


class TablePackage:
    """A package's tables as frictionless opens them, for the columnar engine. Building and checking
    the frictionless Package is most of what opening one table costs (0.1 s for a package of seven
    tables), so it is built once per package and each table is opened from it."""

    def __init__(self, root: Path, package: Mapping[str, Any]) -> None:
        resources = [dict(r) for r in package.get("resources", [])]
        self._names = [str(r.get("name")) for r in resources]
        # The package's profile decides what frictionless accepts (v2's exclusiveMinimum, for one).
        profile = {k: v for k, v in package.items() if k in ("$schema", "profile")}
        descriptor = _internal_names({**profile, "resources": resources})
        self._descriptor = {k: v for k, v in descriptor.items() if k != "_external"}
        self._root = root
        self._package: Any = None
        self._broken: str | None = None

    def _built(self) -> Any:
        if self._package is None and self._broken is None:
            try:
                self._package = Package(self._descriptor, basepath=str(self._root))
                self._package.to_descriptor(validate=True)
            except Exception as exc:  # noqa: BLE001 - frictionless itself reports what it cannot open
                self._broken = f"frictionless が開けないリソース ({type(exc).__name__})"
        return self._package

    def open(self, name: str) -> TableProbe | str:
        """The ``TableProbe`` of resource ``name``, or why the engine should leave it to frictionless."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            package = self._built()
            if package is None:
                return self._broken or "frictionless が開けないリソース"
            res = package.resources[self._names.index(name) if name in self._names else 0]
            try:
                res.to_descriptor(validate=True)
                if not isinstance(res, frictionless.resources.TableResource):
                    return "表として読めないリソース"
                why = _unsupported(res)
                if why:
                    return why
                res.open()
            except Exception as exc:  # noqa: BLE001 - frictionless itself reports what it cannot open
                return f"frictionless が開けないリソース ({type(exc).__name__})"
            try:
                return _probe(name, res)
            finally:
                res.close()


def open_table(root: Path, resource: Mapping[str, Any], package: Mapping[str, Any] | None = None) -> TableProbe | str:
    """frictionless opens the resource (header, dialect, lookups); a ``TableProbe``, or why the
    columnar engine should leave this resource to frictionless."""
    return TablePackage(root, package or {"resources": [resource]}).open(str(resource.get("name")))


def _probe(name: str, res: Any) -> TableProbe | str:
    if not (res.labels or res.fragment):
        return "空のファイル"
    expected = res.header.get_expected_fields()
    if len(expected) != len(res.labels):
        return "見出しとスキーマの列の対応が位置どおりでない"
    fields = [_field_spec(f) for f in expected]
    csv_format = _csv_format(res)
    if csv_format.skip_initial_space:
        return "skipInitialSpace"
    if len(csv_format.delimiter) != 1 or (csv_format.escape_char and len(csv_format.escape_char) != 1):
        return "1 文字でない区切り文字"
    header_errors = [TableError(e.type, e.message, getattr(e, "note", "") or "", name,
                                getattr(e, "row_number", None), getattr(e, "field_name", None) or None,
                                getattr(e, "cell", None)) for e in res.header.errors]
    expected_names = {f.name for f in fields}
    foreign: list[ForeignGroup] = []
    lookup = res.lookup if res.schema.foreign_keys else {}
    for fk in res.schema.foreign_keys:
        if not set(fk["fields"]) <= expected_names:
            continue
        source, key = fk["reference"]["resource"], tuple(fk["reference"]["fields"])
        group_lookup = lookup.get(source)
        values = group_lookup.get(key, set()) if group_lookup else None
        foreign.append(ForeignGroup(tuple(fk["fields"]), source, key,
                                    frozenset(values or ()) if group_lookup else None))
    return TableProbe(name, res, create_cell_handlers(expected), fields, csv_format, header_errors, foreign)


def end_errors(probe: TableProbe, digest: str | None, size: int) -> list[TableError]:
    """frictionless's checks after the last row: the declared hash and bytes against the file."""
    out: list[Any] = []
    if probe.hash:
        algorithm, expected = frictionless.helpers.parse_resource_hash_v1(probe.hash)
        if algorithm in ("md5", "sha256") and digest and digest != expected:
            out.append(frictionless.errors.HashCountError(note=f'expected is "{expected}" and actual is "{digest}"'))
    if probe.bytes and probe.bytes != size:
        out.append(frictionless.errors.ByteCountError(note=f'expected is "{probe.bytes}" and actual is "{size}"'))
    return [TableError(e.type, e.message, e.note, probe.name) for e in out]
