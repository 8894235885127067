"""A CSV file of a package read back as a table: the header and the rows, as text.

The evaluation page and the preview pages both show what is in the CSV files the site copies, so
they read the very bytes the site publishes (never a second read of the package folder). The text
is decoded as ``japan.encoding`` decides (the declared encoding first), so a CP932 file previews
as well as a UTF-8 one; None when the encoding cannot be decided, and the page then says so.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..japan.encoding import detect_encoding

__all__ = ["CsvTable", "read_csv_table", "tables_of"]


@dataclass(frozen=True, slots=True)
class CsvTable:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def records(self) -> list[dict[str, str]]:
        """The rows as ``{column: text}``; a short row reads as empty cells."""
        return [{name: (row[i] if i < len(row) else "") for i, name in enumerate(self.header)} for row in self.rows]


def _dialect(dialect: Any) -> dict[str, Any]:
    # Only the Table Dialect keys csv can honour; the rest keep csv's defaults.
    if not isinstance(dialect, Mapping):
        return {}
    out: dict[str, Any] = {}
    if isinstance(dialect.get("delimiter"), str) and len(dialect["delimiter"]) == 1:
        out["delimiter"] = dialect["delimiter"]
    if isinstance(dialect.get("quoteChar"), str) and len(dialect["quoteChar"]) == 1:
        out["quotechar"] = dialect["quoteChar"]
    return out


def read_csv_table(data: bytes, encoding: str | None = None, dialect: Any = None) -> CsvTable | None:
    """The CSV's header and rows, or None when its encoding cannot be decided or it is not CSV."""
    decision = detect_encoding(data, declared=encoding)
    if not decision.decodable or decision.encoding is None:
        return None
    text = data.decode(decision.encoding).removeprefix("\ufeff")
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), **_dialect(dialect)))
    except csv.Error:
        return None
    rows = [r for r in rows if r]
    if not rows:
        return CsvTable((), ())
    return CsvTable(tuple(rows[0]), tuple(tuple(r) for r in rows[1:]))


def tables_of(files: Mapping[str, bytes], listed: Sequence[Any], resources: Sequence[Mapping[str, Any]]) -> dict[
        str, CsvTable]:
    """The readable single-file CSV resources of a package by resource name (``listed``: PackageFile)."""
    by_name = {str(r.get("name")): r for r in resources}
    out: dict[str, CsvTable] = {}
    for f in listed:
        if f.site_path is None or f.excel_path is None or f.site_path not in files:
            continue  # only single-file local CSVs (the ones with an Excel copy) are one whole table
        res = by_name.get(f.resource, {})
        table = read_csv_table(files[f.site_path], f.encoding, res.get("dialect"))
        if table is not None:
            out[f.resource] = table
    return out
