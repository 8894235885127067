"""Text cells of a CSV table that match a regular expression, found a column at a time.

The domain rules over every text cell (cell_rules: formula starts, control characters) look for
rare cells; reading every row into Python dicts to find them cost more than validating the file.
Here pyarrow's RE2 finds the candidates in each string column, and only those become Python strings.
The cells are those frictionless's typed rows hold as text: non-missing cells of ``string`` (default
format) and ``any`` fields, ragged records included as far as they have cells.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..frictionless_io import FieldSpec, open_table
from .arrays import mask_of, strings, values_of
from .reader import Batch, CsvBatches, ReadFailed

__all__ = ["ScanUnsupported", "batch_hits", "matching_cells"]


class ScanUnsupported(Exception):
    """The file cannot be scanned here (the caller reads its rows instead)."""


def _text_field(spec: FieldSpec) -> bool:
    return spec.type == "any" or (spec.type == "string" and spec.format in ("default", ""))


def matching_cells(root: Path, resource: Mapping[str, Any], pattern: str, *,
                   package: Mapping[str, Any] | None = None) -> Iterator[tuple[int, str, str, str]]:
    """(row number, field name, field type, cell) of each text cell in which ``pattern`` (RE2 and
    Python ``re`` syntax alike) finds a match, in row order. Raises ``ScanUnsupported`` before the
    first cell when the engine cannot read the file as frictionless does."""
    probe = open_table(root, resource, package)
    if isinstance(probe, str):
        raise ScanUnsupported(probe)
    batches = CsvBatches(probe.path, len(probe.fields), encoding=probe.encoding, fmt=probe.csv_format)
    try:
        for batch in batches:
            yield from batch_hits(probe.fields, batch, pattern)
    except ReadFailed as exc:
        raise ScanUnsupported(str(exc)) from exc


def batch_hits(fields: list[FieldSpec], batch: Batch, pattern: str) -> list[tuple[int, str, str, str]]:
    """The matching text cells of one batch, in row order (the header row, row 1, left out)."""
    found: list[tuple[int, int, str, str, str]] = []
    for j, (spec, col) in enumerate(zip(fields, batch.columns)):
        if _text_field(spec):
            found.extend(_column_hits(col, batch.numbers, spec, j, pattern))
    if batch.ragged:
        compiled = re.compile(pattern)
        for number, cells in batch.ragged:
            for j, (spec, cell) in enumerate(zip(fields, cells)):
                if _text_field(spec) and cell not in spec.missing_values and compiled.search(cell):
                    found.append((number, j, spec.name, spec.type, cell))
    found.sort(key=lambda x: (x[0], x[1]))
    return [(number, name, ftype, cell) for number, _j, name, ftype, cell in found if number > 1]


def _column_hits(col: pa.Array, numbers: np.ndarray, spec: FieldSpec, j: int,
                 pattern: str) -> list[tuple[int, int, str, str, str]]:
    hit = mask_of(pc.match_substring_regex(col, pattern))
    if spec.missing_values and hit.any():
        hit &= ~mask_of(pc.is_in(col, value_set=strings(spec.missing_values)))
    index = np.flatnonzero(hit)
    if not len(index):
        return []
    cells = col.take(values_of(index.tolist(), pa.int64())).to_pylist()
    return [(int(numbers[i]), j, spec.name, spec.type, c) for i, c in zip(index, cells)]
