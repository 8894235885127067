"""A CSV file as batches of string columns, numbered the way frictionless numbers rows.

pyarrow parses the file a block at a time (flat memory at any size), every cell as a string, with the
dialect frictionless decided (``CsvFormat``). Row numbers are frictionless's: the header is row 1 and
every record counts, blank lines included (pyarrow keeps them as rows of empty cells, as frictionless
keeps them as blank rows). A record with another number of cells than the header is not in any
column: pyarrow hands it to ``_Ragged`` with its number and text, and the csv module splits it with
the same dialect, so the frictionless Row of that record sees the same cells.

The file is read through ``_Counting``, which reports bytes for progress bars and hashes what it
reads when the descriptor declares a hash, so the file is read once.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from ..frictionless_io import CsvFormat

__all__ = ["Batch", "CsvBatches", "ReadFailed"]

# pyarrow reads several blocks ahead, so the block size sets the memory: 1 MiB blocks (~17k rows of a
# typical table) keep the reader near 60 MB at any file size; 4 MiB ones took 200 MB on a 1 GB file.
BLOCK_SIZE = 1 << 20


class ReadFailed(Exception):
    """pyarrow could not parse the file (the caller leaves the resource to frictionless)."""


@dataclass
class Batch:
    """Some consecutive records: the well-formed ones as columns, the ragged ones as cell lists."""

    columns: list[pa.Array]
    numbers: np.ndarray  # the row number of each well-formed record (header = 1)
    ragged: list[tuple[int, list[str]]] = field(default_factory=list)  # (row number, cells), sorted


class _Counting(io.RawIOBase):
    """A file that counts (and, when asked, hashes) the bytes pyarrow reads from it."""

    def __init__(self, path: Path, on_bytes: Callable[[int], None] | None, algorithm: str | None) -> None:
        self._fh = path.open("rb")
        self._on_bytes = on_bytes
        self.read_bytes = 0
        self.digest = hashlib.new(algorithm) if algorithm else None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self._fh.readinto(buffer)
        if n:
            self.read_bytes += n
            if self.digest is not None:
                self.digest.update(memoryview(buffer)[:n])
            if self._on_bytes:
                self._on_bytes(self.read_bytes)
        return n or 0

    def close(self) -> None:
        self._fh.close()
        super().close()


class _Ragged:
    """pyarrow's invalid-row handler: keep the record's number and text, skip it in the columns."""

    def __init__(self, fmt: CsvFormat) -> None:
        self.numbers: list[int] = []
        self.texts: list[str] = []
        self._dialect = _python_dialect(fmt)

    def __call__(self, row: Any) -> str:
        if row.number is None:  # only known single-threaded; the reader is, so this is a bug
            raise ReadFailed("pyarrow did not number an invalid row")
        self.numbers.append(int(row.number))
        self.texts.append(str(row.text))
        return "skip"

    def cells(self, text: str) -> list[str]:
        record = next(csv.reader(io.StringIO(text, newline=""), self._dialect), [])
        return list(record)


def _python_dialect(fmt: CsvFormat) -> type[csv.Dialect]:
    class Dialect(csv.excel):
        delimiter = fmt.delimiter
        quotechar = fmt.quote_char or '"'
        quoting = csv.QUOTE_MINIMAL if fmt.quote_char else csv.QUOTE_NONE
        doublequote = fmt.double_quote if fmt.escape_char else True
        escapechar = fmt.escape_char
        skipinitialspace = fmt.skip_initial_space

    return Dialect


def _arrow_encoding(encoding: str) -> str:
    name = codecs.lookup(encoding).name
    # pyarrow decodes UTF-8 natively and drops a BOM, as frictionless's utf-8-sig does.
    return "utf8" if name in ("utf-8", "utf-8-sig") else name


class CsvBatches:
    """Iterate ``Batch``es of a CSV file with ``ncols`` columns (the header's count)."""

    def __init__(self, path: Path, ncols: int, *, encoding: str, fmt: CsvFormat, on_bytes: Callable[[int], None] | None = None,
                 hash_algorithm: str | None = None, block_size: int = BLOCK_SIZE) -> None:
        self._path = path
        self._ncols = ncols
        self._encoding = _arrow_encoding(encoding)
        self._fmt = fmt
        self._on_bytes = on_bytes
        self._algorithm = hash_algorithm
        self._block_size = block_size
        self.source: _Counting | None = None
        self._ragged = _Ragged(fmt)
        self._next = 1  # the next row number to give a well-formed record
        self._ragged_at = 0  # ragged records already handed out

    def __iter__(self) -> Iterator[Batch]:
        self.source = _Counting(self._path, self._on_bytes, self._algorithm)
        try:
            reader = self._open(self.source)
            while True:
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    break
                except (pa.ArrowInvalid, pa.ArrowException, UnicodeError) as exc:
                    raise ReadFailed(str(exc).splitlines()[0]) from exc
                if batch.num_columns != self._ncols:
                    raise ReadFailed(f"見出しの列数 {batch.num_columns} がスキーマの {self._ncols} と違います")
                yield self._batch(batch.columns, batch.num_rows)
            rest = self._take_ragged(None)
            if rest:
                yield Batch([], np.empty(0, dtype=np.int64), rest)
        finally:
            self.source.close()

    def _open(self, source: _Counting) -> Any:
        fmt = self._fmt
        parse = pacsv.ParseOptions(
            delimiter=fmt.delimiter, quote_char=fmt.quote_char or False, double_quote=fmt.double_quote,
            escape_char=fmt.escape_char or False, newlines_in_values=True, ignore_empty_lines=False,
            invalid_row_handler=self._ragged)
        # Every column a string: the first record (the header) sets the count and is row 1.
        read = pacsv.ReadOptions(use_threads=False, block_size=self._block_size, autogenerate_column_names=True,
                                 encoding=self._encoding)
        try:
            first = pacsv.open_csv(io.BufferedReader(source, 1 << 20), read_options=read, parse_options=parse,
                                   convert_options=pacsv.ConvertOptions(strings_can_be_null=False,
                                                                        quoted_strings_can_be_null=False,
                                                                        column_types={f"f{i}": pa.string() for i in range(self._ncols)}))
        except (pa.ArrowInvalid, pa.ArrowException, UnicodeError) as exc:
            raise ReadFailed(str(exc).splitlines()[0]) from exc
        return first

    def _batch(self, columns: list[pa.Array], n: int) -> Batch:
        gaps = np.asarray([x for x in self._ragged.numbers[self._ragged_at:] if x >= self._next], dtype=np.int64)
        # The k-th well-formed record is the k-th number from _next on that is not a ragged record's.
        shifted = gaps - self._next - np.arange(len(gaps), dtype=np.int64)
        k = np.arange(n, dtype=np.int64)
        numbers = self._next + k + np.searchsorted(shifted, k, side="right")
        if n:
            self._next = int(numbers[-1]) + 1
        return Batch(list(columns), numbers, self._take_ragged(int(numbers[-1]) if n else None))

    def _take_ragged(self, upto: int | None) -> list[tuple[int, list[str]]]:
        out = []
        numbers, texts = self._ragged.numbers, self._ragged.texts
        while self._ragged_at < len(numbers) and (upto is None or numbers[self._ragged_at] <= upto):
            out.append((numbers[self._ragged_at], self._ragged.cells(texts[self._ragged_at])))
            self._ragged_at += 1
        return out
