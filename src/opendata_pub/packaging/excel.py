"""The Excel copies of CSV files: cells Excel would run as a formula made plain text.

Excel takes a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or CR before one) as a
formula: a telephone number ``+81-42-492-5111`` becomes the number −5564, and a crafted cell can
run a command (CSV injection, OWASP). The Excel copies the site ships (``excel/*.csv``, the 06
オープンデータ一覧) therefore put a single quote before such a cell, as OWASP advises; a valid number
in a numeric column (``-12``, ``-1.5`` in an ``integer``/``number`` field) stays a number. The
original CSV files are never changed: they are the data, byte for byte.

``formula_risk`` is the one predicate: the copies use it, and ``validate`` warns with it
(``csv-formula-injection``) about cells of data that will be published. Pure: no I/O.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

from ..csvtext import FORMULA_STARTS, formula_risk, neutralised  # the one predicate lives below both layers

__all__ = ["FORMULA_STARTS", "excel_csv_text", "formula_risk", "neutralised", "schema_field_types"]

def schema_field_types(schema: Any) -> list[str | None]:
    """The type of each column of a Table Schema, in order (``string`` when a field names none)."""
    fields = schema.get("fields") if isinstance(schema, Mapping) else None
    if not isinstance(fields, list):
        return []
    return [str(f.get("type") or "string") if isinstance(f, Mapping) else None for f in fields]


def excel_csv_text(text: str, *, types: Sequence[str | None] = (), dialect: Any = None) -> str:
    """``text`` (a whole CSV) with every risky cell neutralised; unchanged when none is.

    ``types`` are the columns' Table Schema types by position (unknown beyond them); the header
    row, when the dialect has one, is text. Only a file that needs it is rewritten (with its own
    delimiter, quote character and line ends), so a clean file's copy is its text exactly.
    """
    d = dialect if isinstance(dialect, Mapping) else {}
    delimiter = str(d.get("delimiter") or ",")
    quotechar = str(d.get("quoteChar") or '"')
    header_rows = 1 if d.get("header", True) is not False else 0
    if isinstance(d.get("headerRows"), list):
        header_rows = len(d["headerRows"])
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar=quotechar))
    except csv.Error:
        rows = []  # not CSV as declared: nothing to neutralise by column; the copy stays as is

    def fixed(i: int, row: list[str]) -> list[str]:
        if i < header_rows:
            return [neutralised(c) for c in row]
        return [neutralised(c, types[j] if j < len(types) else None) for j, c in enumerate(row)]

    out = [fixed(i, row) for i, row in enumerate(rows)]
    if out == rows:
        return text
    end = "\r\n" if "\r\n" in text else "\n"
    return "".join(delimiter.join(_quoted(c, delimiter, quotechar) for c in row) + end for row in out)


def _quoted(cell: str, delimiter: str, quotechar: str) -> str:
    # By hand: the csv module leaves a field with a bare CR unquoted when lines end in LF, and a
    # reader then splits the row there.
    if any(c in cell for c in (delimiter, quotechar, "\r", "\n")):
        return quotechar + cell.replace(quotechar, quotechar * 2) + quotechar
    return cell
