"""The columnar validation engine: frictionless's findings for a CSV table, at columnar speed.

frictionless opens the resource (header errors, dialect, field readers, foreign-key lookups:
``frictionless_io.open_table``); pyarrow reads the rows a block at a time (``reader``); ``cells``
decides per column which cells are certainly clean. A row with any other cell — a type or
constraint problem, an odd form, a blank or ragged record — is handed to frictionless's own Row,
which lists its errors. Unique, primary and foreign keys are checked row by row over the typed
values, as frictionless does, when the schema asks for them. The error limit and the order of the
errors are frictionless's (rows in order; in a row: cells, then unique, primary key, foreign keys;
stop once ``limit_errors`` is reached, and then no hash or byte check), so the two engines return
the same list.

What the engine cannot read as frictionless does (``TableOutcome.fallback`` says why) is left to
frictionless by the caller.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..frictionless_io import TableError, TablePackage, TableProbe, end_errors, open_table
from .arrays import ints, values_of
from .cells import Column, check_column
from .reader import BLOCK_SIZE, Batch, CsvBatches, ReadFailed
from .scan import batch_hits

__all__ = ["TableOutcome", "validate_table"]


@dataclass
class TableOutcome:
    """The errors of one resource, or why the engine left it to frictionless (then no errors)."""

    errors: list[TableError] = field(default_factory=list)
    fallback: str | None = None
    rows: int = 0  # data rows read (all of them unless the error limit stopped the reading)
    # For each pattern asked for: the text cells it matches (scan.batch_hits), when every row was read.
    text_hits: dict[str, list[tuple[int, str, str, str]]] = field(default_factory=dict)


class _Limit(Exception):
    """The error limit was reached."""


class _Fallback(Exception):
    """Something in the rows this engine cannot tell apart as frictionless does."""


def validate_table(root: Path, resource: Mapping[str, Any], *, package: Mapping[str, Any] | None = None,
                   limit_errors: int = 1000, on_bytes: Callable[[int], None] | None = None,
                   text_patterns: Sequence[str] = (), tables: TablePackage | None = None) -> TableOutcome:
    """frictionless's errors for one CSV resource of ``package`` (its foreign keys may point at the
    others), found with pyarrow; ``on_bytes`` is called with the bytes read so far. With
    ``text_patterns``, the same pass also finds the text cells each matches (``scan.matching_cells``).
    ``tables``: the package opened once for all its tables (else ``package`` is opened here)."""
    probe = tables.open(str(resource.get("name"))) if tables is not None else open_table(root, resource, package)
    if isinstance(probe, str):
        return TableOutcome(fallback=probe)
    failed = ""
    for block_size in _BLOCK_SIZES:
        try:
            return _validate(probe, limit_errors, on_bytes, text_patterns, block_size)
        except ReadFailed as exc:
            failed = str(exc)
            if "straddl" not in failed:  # a record longer than a block is the one thing a retry mends
                break
        except _Fallback as exc:
            return TableOutcome(fallback=str(exc))
    return TableOutcome(fallback=f"pyarrow が読めない ({failed})")


# A record must fit in one block: the usual size, then larger ones for a file with a very long cell
# (an embedded GeoJSON, a narrative); what needs more than 128 MiB is left to frictionless.
_BLOCK_SIZES = (BLOCK_SIZE, 16 << 20, 128 << 20)


def _validate(probe: TableProbe, limit_errors: int, on_bytes: Callable[[int], None] | None,
              text_patterns: Sequence[str], block_size: int) -> TableOutcome:
    run = _Run(probe, limit_errors)
    batches = CsvBatches(probe.path, len(probe.fields), encoding=probe.encoding, fmt=probe.csv_format,
                         on_bytes=on_bytes, hash_algorithm=_hash_algorithm(probe.hash), block_size=block_size)
    hits = _TextHits(text_patterns)
    if not _read(run, hits, batches):
        return TableOutcome(run.errors[:limit_errors], rows=run.rows, text_hits=hits.found)
    source = batches.source
    digest = source.digest.hexdigest() if source is not None and source.digest is not None else None
    run.errors.extend(end_errors(probe, digest, probe.path.stat().st_size))
    return TableOutcome(run.errors, rows=run.rows, text_hits=hits.found)


def _read(run: _Run, hits: _TextHits, batches: CsvBatches) -> bool:
    """Check every batch until the error limit; False when the limit stopped the checks. The text
    cells the domain rules want are still found in every row: frictionless's limit is not theirs."""
    stream = iter(batches)
    for batch in stream:
        found = _pool().submit(hits.batch, run.probe, batch)  # beside the column checks: both are pyarrow's
        limited = False
        try:
            run.batch(batch)
        except _Limit:
            limited = True
        finally:
            found.result()
        if limited:
            for rest in stream:
                hits.batch(run.probe, rest)
            return False
    return True


_POOL: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1)), thread_name_prefix="columnar")
    return _POOL


class _TextHits:
    """The text cells each pattern matches: one RE2 pass of all patterns over the columns, then each
    (rare) hit sorted to the patterns it matches with Python's re."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self.found: dict[str, list[tuple[int, str, str, str]]] = {p: [] for p in patterns}
        self._compiled = {p: re.compile(p) for p in patterns}
        self._union = "|".join(f"(?:{p})" for p in patterns)

    def batch(self, probe: TableProbe, batch: Batch) -> None:
        if not self._union:
            return
        for hit in batch_hits(probe.fields, batch, self._union):
            for pattern, compiled in self._compiled.items():
                if compiled.search(hit[3]):
                    self.found[pattern].append(hit)


def _hash_algorithm(declared: str | None) -> str | None:
    if not declared:
        return None
    algorithm = declared.split(":", 1)[0] if ":" in declared else "md5"  # frictionless's v1 rule
    return algorithm if algorithm in hashlib.algorithms_available and algorithm in ("md5", "sha256") else None


class _Run:
    """One resource's pass: errors in frictionless's order, integrity memories, the error limit."""

    def __init__(self, probe: TableProbe, limit: int) -> None:
        self.probe = probe
        self.limit = limit
        self.errors: list[TableError] = list(probe.header_errors)
        self.rows = 0
        self.integrity = bool(probe.unique or probe.primary_key or probe.foreign)
        self.want = {name for name in (*probe.unique, *probe.primary_key, *[n for g in probe.foreign for n in g.fields])}
        self.memory_unique: dict[str, dict[Any, int]] = {name: {} for name in probe.unique}
        self.memory_primary: dict[tuple[Any, ...], int] = {}
        self.header_done = False
        # pyarrow reads an empty line as a row of empty cells; frictionless as a row of no cells, which
        # is blank even where "" is not a missing value (and then a row of empty cells is not).
        self.empty_not_missing = any("" not in f.missing_values for f in probe.fields)

    def batch(self, batch: Batch) -> None:
        columns, numbers = batch.columns, batch.numbers
        if not self.header_done and len(numbers) and numbers[0] == 1:
            columns = [c.slice(1) for c in columns]  # row 1 is the header frictionless has read
            numbers = numbers[1:]
            self.header_done = True
        if self.empty_not_missing and columns and len(numbers) and \
                np.logical_and.reduce([ints(pc.utf8_length(c)) == 0 for c in columns]).any():
            raise _Fallback("missingValues に空文字がなく、空行と空の値だけの行が区別できないファイル")
        # pyarrow's kernels release the GIL: the columns are checked side by side.
        checked = list(_pool().map(lambda cs: check_column(cs[0], cs[1], want_values=cs[1].name in self.want),
                                   zip(columns, self.probe.fields)))
        self.rows += len(numbers) + len(batch.ragged)
        if self.integrity:
            self._all_rows(columns, numbers, checked, batch.ragged)
        else:
            self._suspect_rows(columns, numbers, checked, batch.ragged)

    # Without keys only the rows that are not clean need frictionless's Row; clean rows add no error.
    def _suspect_rows(self, columns: list[Any], numbers: np.ndarray, checked: list[Column],
                      ragged: list[tuple[int, list[str]]]) -> None:
        suspect = _suspects(checked, len(numbers))
        index = np.flatnonzero(suspect)
        cells = _cells(columns, index)
        rows = sorted([(int(numbers[i]), c) for i, c in zip(index, cells)] + ragged, key=lambda x: x[0])
        if not rows and len(numbers) and len(self.errors) >= self.limit:
            raise _Limit  # frictionless checks the limit after every row, clean ones included
        for number, row_cells in rows:
            self._add(self.probe.row_errors(self.probe.row(row_cells, number)))

    def _add(self, errors: list[TableError]) -> None:
        self.errors.extend(errors)
        if len(self.errors) >= self.limit:
            raise _Limit

    # With unique, primary or foreign keys every row's typed key values are checked in order.
    def _all_rows(self, columns: list[Any], numbers: np.ndarray, checked: list[Column],
                  ragged: list[tuple[int, list[str]]]) -> None:
        suspect = _suspects(checked, len(numbers))
        values = {spec.name: col.values for spec, col in zip(self.probe.fields, checked) if col.values is not None}
        for position, number, row_cells in _ordered(numbers, ragged):
            row = None
            if position is None or suspect[position]:
                row = self.probe.row(row_cells if row_cells is not None else _row_cells(columns, position), number)
                self.errors.extend(self.probe.row_errors(row))
            self._keys(_KeyValues(self.probe, row, values, position), row, number, columns, position)
            if len(self.errors) >= self.limit:
                raise _Limit

    def _keys(self, get: _KeyValues, row: Any, number: int, columns: list[Any], position: int | None) -> None:
        def the_row() -> Any:
            return row if row is not None else self.probe.row(_row_cells(columns, position), number)

        for name, memory in self.memory_unique.items():
            cell = get(name)
            if cell is not None:
                match = memory.get(cell)
                memory[cell] = number
                if match:
                    self.errors.append(self.probe.unique_error(the_row(), name, match))
        if self.probe.primary_key:
            cells = tuple(get(name) for name in self.probe.primary_key)
            if set(cells) == {None}:
                self.errors.append(self.probe.primary_key_error(the_row(), None))
            else:
                match = self.memory_primary.get(cells)
                self.memory_primary[cells] = number
                if match:
                    self.errors.append(self.probe.primary_key_error(the_row(), match))
        for group in self.probe.foreign:
            if group.lookup is None:
                continue
            cells = tuple(get(name) for name in group.fields)
            if set(cells) != {None} and cells not in group.lookup:
                self.errors.append(self.probe.foreign_key_error(the_row(), group, cells))


class _KeyValues:
    """A row's typed key values: frictionless's Row where it read the row, else the clean columns'."""

    def __init__(self, probe: TableProbe, row: Any, values: Mapping[str, list[Any] | None], position: int | None) -> None:
        self._probe, self._row, self._values, self._position = probe, row, values, position

    def __call__(self, name: str) -> Any:
        if self._row is not None:
            return self._probe.value(self._row, name)
        column = self._values[name]
        return column[self._position] if column is not None and self._position is not None else None


def _suspects(checked: list[Column], n: int) -> np.ndarray:
    """Rows with a cell that is not clean, and blank rows (every cell missing)."""
    if not checked:
        return np.zeros(n, dtype=bool)
    clean = np.logical_and.reduce([c.clean for c in checked])
    blank = np.logical_and.reduce([c.missing for c in checked])
    return ~clean | blank


def _cells(columns: list[Any], index: np.ndarray) -> list[list[str]]:
    if not len(index):
        return []
    positions = values_of(index.tolist(), pa.int64())
    taken = [col.take(positions).to_pylist() for col in columns]
    return [list(row) for row in zip(*taken)]


def _row_cells(columns: list[Any], position: int | None) -> list[str]:
    assert position is not None
    return [col[position].as_py() for col in columns]


def _ordered(numbers: np.ndarray, ragged: list[tuple[int, list[str]]]
             ) -> Iterator[tuple[int | None, int, list[str] | None]]:
    """(position in the columns or None, row number, cells of a ragged row) in row order."""
    r = 0
    for position, number in enumerate(numbers.tolist()):
        while r < len(ragged) and ragged[r][0] < number:
            yield None, ragged[r][0], ragged[r][1]
            r += 1
        yield position, number, None
    for number, cells in ragged[r:]:
        yield None, number, cells
