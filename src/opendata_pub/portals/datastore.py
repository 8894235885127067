"""Loading a package's CSV tables into a CKAN portal's DataStore (``portals.<name>.datastore: true``).

After a dataset's files are on the portal, each CSV resource whose file the DataStore does not hold
yet is loaded, so CKAN's preview and ``datastore_search`` serve its rows with the Table Schema's types:

* ``datastore_delete`` of the old table (only when the resource has one), ``datastore_create`` with
  ``fields`` (``DATASTORE_TYPES``) and the schema's ``primaryKey``, then ``datastore_upsert`` in
  batches of ``BATCH_ROWS`` rows (``upsert`` with a primary key, so a batch sent twice cannot add
  rows; ``insert`` without one). The CSV is read as a stream with its declared encoding (detected
  when none is declared), never whole; a missing value (the schema's ``missingValues``) is null.
* What was loaded is recorded in the resource field ``datastore_hash`` (the file's sha256, written
  with ``resource_patch`` after the last batch): a resource whose ``datastore_hash`` is the file's
  hash is not loaded again, so a re-publish of unchanged files sends no DataStore request.
* A load that fails (CKAN refuses a value, a file cannot be read) becomes a warning naming the
  resource and CKAN's words; the partial table is dropped; the uploaded file stays. The next publish
  that changes the dataset tries again (``datastore_hash`` was not written).
* A portal whose ``status_show`` lists its plugins without ``datastore`` runs no DataStore at all:
  that is a mistake in opendata.yaml, found by the preflight before anything is written
  (``datastore_problem``), not a warning on every resource after the uploads.

Types: ``integer`` → ``int8`` (``numeric`` when the field's ``minimum``/``maximum`` constraints go
beyond int8: a larger value in an int8 column is refused and reported), ``number`` → ``numeric``
(exact, no float rounding), ``boolean`` → ``bool``, ``date`` → ``date``, ``datetime`` →
``timestamp``, ``time`` → ``time``, ``year`` → ``int4``, everything else → ``text``. Values are
turned into what PostgreSQL reads (group characters removed, the schema's true/false words,
``format`` patterns of dates); a value that cannot be turned is sent as written, for CKAN to refuse.

Uses the HTTP client of http.py only; nothing here prints or logs, and the token stays in the client.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import InputError, NotFound, OpendataPubError, PortalValidationError
from ..japan.encoding import detect_file_encoding
from .http import CkanClient
from .mapping import resource_key
from .source import SourcePackage

__all__ = ["BATCH_ROWS", "DATASTORE_HASH", "DATASTORE_TYPES", "Column", "batches", "columns", "datastore_fields",
           "datastore_problem", "datastore_type", "is_table", "load_resource", "load_tables", "primary_key"]

BATCH_ROWS = 10_000
DATASTORE_HASH = "datastore_hash"  # resource field: sha256 of the file the DataStore holds
DATASTORE_TYPES: Mapping[str, str] = {"integer": "int8", "number": "numeric", "boolean": "bool", "date": "date",
                                      "datetime": "timestamp", "time": "time", "year": "int4"}
_INT8 = (-(2**63), 2**63 - 1)
_TRUE = ("true", "True", "TRUE", "1")
_FALSE = ("false", "False", "FALSE", "0")

Cast = Callable[[str], Any]


@dataclass(frozen=True, slots=True)
class Column:
    """One CSV column as the DataStore gets it."""

    name: str
    type: str  # the DataStore type
    cast: Cast


def datastore_problem(portal: str, status: Mapping[str, Any]) -> str | None:
    """The preflight's problem when ``datastore: true`` names a portal whose ``status_show`` lists its
    plugins and ``datastore`` is not among them; None otherwise (a portal that lists none may run it)."""
    extensions = status.get("extensions")
    if not isinstance(extensions, list) or "datastore" in {str(x) for x in extensions}:
        return None
    return (f"ポータル {portal} は opendata.yaml で datastore: true ですが、この CKAN では DataStore "
            f"(datastore プラグイン) が動いていません (status_show の extensions: {', '.join(map(str, extensions))})")


# -- types ----------------------------------------------------------------------------------------
def datastore_type(field: Mapping[str, Any]) -> str:
    """The DataStore type of a Table Schema field (module doc)."""
    kind = str(field.get("type") or "string")
    if kind == "integer" and not _fits_int8(field.get("constraints")):
        return "numeric"
    return DATASTORE_TYPES.get(kind, "text")


def _fits_int8(constraints: Any) -> bool:
    if not isinstance(constraints, Mapping):
        return True
    for key in ("minimum", "maximum"):
        try:
            value = int(str(constraints[key]))
        except (KeyError, ValueError):
            continue
        if not _INT8[0] <= value <= _INT8[1]:
            return False
    return True


def _integer(field: Mapping[str, Any]) -> Cast:
    group = str(field.get("groupChar") or "")
    bare = field.get("bareNumber", True) is not False

    def cast(text: str) -> Any:
        t = text.replace(group, "") if group else text
        if not bare:
            t = re.sub(r"[^\d+-]", "", t)
        try:
            return int(t)
        except ValueError:
            return text

    return cast


def _number(field: Mapping[str, Any]) -> Cast:
    group, decimal = str(field.get("groupChar") or ""), str(field.get("decimalChar") or ".")
    bare = field.get("bareNumber", True) is not False

    def cast(text: str) -> Any:
        t = text.replace(group, "") if group else text
        t = t.replace(decimal, ".") if decimal != "." else t
        if not bare:
            t = re.sub(r"[^\d.eE+-]", "", t)
        return t  # as text: PostgreSQL reads it into numeric exactly (a float would round)

    return cast


def _boolean(field: Mapping[str, Any]) -> Cast:
    true = tuple(field.get("trueValues") or _TRUE)
    false = tuple(field.get("falseValues") or _FALSE)
    return lambda text: True if text in true else False if text in false else text


def _temporal(field: Mapping[str, Any], kind: str) -> Cast:
    pattern = str(field.get("format") or "default")
    if pattern in ("default", "any") or "%" not in pattern:
        return str

    def cast(text: str) -> Any:
        try:
            value = datetime.strptime(text, pattern)
        except ValueError:
            return text
        if kind == "date":
            return value.date().isoformat()
        return value.time().isoformat() if kind == "time" else value.isoformat()

    return cast


def _caster(field: Mapping[str, Any]) -> Cast:
    kind = str(field.get("type") or "string")
    if kind == "integer":
        return _integer(field)
    if kind == "number":
        return _number(field)
    if kind == "boolean":
        return _boolean(field)
    if kind in ("date", "datetime", "time"):
        return _temporal(field, kind)
    return str


def _schema(resource: Mapping[str, Any]) -> Mapping[str, Any]:
    schema = resource.get("schema")
    return schema if isinstance(schema, Mapping) else {}


def columns(resource: Mapping[str, Any], header: Sequence[str]) -> list[Column]:
    """The columns of a CSV: the schema's fields (by position, as Table Schema matches them), or the
    header's names as text when there is no schema."""
    fields = [f for f in _schema(resource).get("fields") or [] if isinstance(f, Mapping)]
    if not fields:
        return [Column(name, "text", str) for name in header]
    return [Column(str(f.get("name")), datastore_type(f), _caster(f)) for f in fields]


def datastore_fields(cols: Sequence[Column]) -> list[dict[str, str]]:
    return [{"id": c.name, "type": c.type} for c in cols]


def primary_key(resource: Mapping[str, Any]) -> list[str]:
    key = _schema(resource).get("primaryKey")
    if isinstance(key, str):
        return [key]
    return [str(k) for k in key] if isinstance(key, list) else []


def _missing(resource: Mapping[str, Any]) -> frozenset[str]:
    values = _schema(resource).get("missingValues")
    return frozenset(str(v) for v in values) if isinstance(values, list) else frozenset({""})


# -- reading --------------------------------------------------------------------------------------
def is_table(resource: Mapping[str, Any], filename: str) -> bool:
    """Whether a resource is a CSV table (by its format, media type or file name)."""
    fmt = str(resource.get("format") or "").lower()
    media = str(resource.get("mediatype") or "").lower()
    return fmt in ("csv", "tsv") or media in ("text/csv", "text/tab-separated-values") \
        or filename.lower().endswith((".csv", ".tsv"))


def _encoding(path: Path, resource: Mapping[str, Any]) -> str:
    declared = resource.get("encoding") if isinstance(resource.get("encoding"), str) else None
    decision = detect_file_encoding(path, declared=declared)
    if not decision.decodable or decision.encoding is None:
        raise InputError(f"文字コードを決められないため読めません ({decision.rule})", path=str(path))
    # utf-8-sig reads a file with or without a BOM; the BOM never becomes part of the first name
    return "utf-8-sig" if decision.encoding.replace("_", "-").lower() in ("utf-8", "utf8") else decision.encoding


def _reader_options(resource: Mapping[str, Any], filename: str) -> tuple[dict[str, Any], bool]:
    dialect = resource.get("dialect")
    d = dialect if isinstance(dialect, Mapping) else {}
    default = "\t" if filename.lower().endswith(".tsv") else ","
    opts = {"delimiter": str(d.get("delimiter") or default), "quotechar": str(d.get("quoteChar") or '"'),
            "doublequote": d.get("doubleQuote", True) is not False,
            "skipinitialspace": bool(d.get("skipInitialSpace", False))}
    return opts, d.get("header", True) is not False


@contextmanager
def batches(path: Path, resource: Mapping[str, Any], size: int = BATCH_ROWS
            ) -> Iterator[tuple[list[Column], Iterator[list[dict[str, Any]]]]]:
    """The columns of a CSV file and its records, ``size`` at a time, read as a stream (the file is
    open while the ``with`` block runs)."""
    encoding = _encoding(path, resource)
    opts, has_header = _reader_options(resource, path.name)
    with open(path, encoding=encoding, newline="") as fh:
        reader = csv.reader(fh, **opts)
        first = next(reader, [])
        cols = columns(resource, first)
        missing = _missing(resource)

        def records() -> Iterator[list[dict[str, Any]]]:
            batch: list[dict[str, Any]] = []
            for row in reader if has_header else _chain(first, reader):
                if not row:
                    continue  # a blank line is no record (csv gives [])
                batch.append({c.name: None if cell in missing else c.cast(cell) for c, cell in zip(cols, row)})
                if len(batch) >= size:
                    yield batch
                    batch = []
            if batch:
                yield batch

        yield cols, records()


def _chain(first: list[str], rest: Iterator[list[str]]) -> Iterator[list[str]]:
    yield first
    yield from rest


# -- loading --------------------------------------------------------------------------------------
def load_resource(client: CkanClient, remote: Mapping[str, Any], path: Path, resource: Mapping[str, Any],
                  sha256: str | None, *, size: int = BATCH_ROWS) -> int:
    """Load one CSV into the DataStore of resource ``remote`` (its package_show dict); the number of
    records sent. Raises what the client raises, or InputError for a file that cannot be read."""
    rid = str(remote["id"])
    key = primary_key(resource)
    sent = 0
    try:
        with batches(path, resource, size) as (cols, chunks):
            if remote.get("datastore_active"):
                _drop(client, rid)
            create: dict[str, Any] = {"resource_id": rid, "force": True, "fields": datastore_fields(cols)}
            if key:
                create["primary_key"] = key
            client.post("datastore_create", create)
            for chunk in chunks:
                try:
                    client.post("datastore_upsert", {"resource_id": rid, "force": True,
                                                     "method": "upsert" if key else "insert", "records": chunk})
                except PortalValidationError as exc:
                    located = _at_row(exc, sent)
                    if located is None:
                        raise
                    raise located from exc
                sent += len(chunk)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"CSV を読めません: {exc}", path=str(path)) from exc
    client.post("resource_patch", {"id": rid, DATASTORE_HASH: sha256 or ""})
    return sent


def _at_row(exc: PortalValidationError, sent: int) -> PortalValidationError | None:
    """CKAN's error with the data row it names (``records_row`` counts from 0 within the batch);
    None when it names none."""
    row = (exc.fields.get("records_row") or [""])[0]
    if not row.isdigit():
        return None
    return PortalValidationError(f"{exc.message} (CSV のデータの {sent + int(row) + 1} 行目)", fields=exc.fields,
                                 status=exc.status, hint=exc.hint)


def _drop(client: CkanClient, resource_id: str) -> None:
    try:
        client.post("datastore_delete", {"resource_id": resource_id, "force": True})
    except NotFound:
        pass


def load_tables(client: CkanClient, source: SourcePackage, remote: Sequence[Mapping[str, Any]]) -> list[str]:
    """Load each CSV file of ``source`` whose portal resource (in ``remote``, package_show's resources
    after the files were written) does not hold that file yet; the warnings of loads that failed."""
    by_name = {resource_key(r): r for r in remote}
    warnings: list[str] = []
    for f in source.files:
        have, resource = by_name.get(f.name), source.resource(f.name)
        if f.path is None or f.data is not None or have is None or not is_table(resource, f.path.name):
            continue
        if have.get(DATASTORE_HASH) == f.sha256:
            continue
        try:
            load_resource(client, have, f.path, resource, f.sha256)
        except OpendataPubError as exc:
            warnings.append(f"リソース {f.name} を DataStore に読み込めませんでした (ファイルの登録はそのままです): {exc.message}")
            try:
                _drop(client, str(have["id"]))  # no half-loaded table behind the preview
            except OpendataPubError:
                pass
    return warnings
