"""CSV text as this project writes it, and cells as Excel must see them: a foundation both the
packaging layer (package files, Excel copies) and the inventory (the 06 オープンデータ一覧) use.

``csv_bytes`` is RFC 4180 CSV, quoted only where needed, LF line ends, UTF-8 without BOM; the same
rows always give the same bytes. ``formula_risk``/``neutralised`` are the one predicate for cells
Excel would run as a formula (see ``packaging.excel``). Pure: no I/O.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

__all__ = ["FORMULA_STARTS", "csv_bytes", "format_cell", "formula_risk", "neutralised"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMERIC_TYPES = frozenset({"integer", "number"})
# A plain number as Table Schema writes one by default (no group characters, no currency).
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def format_cell(value: Any) -> str:
    """A cell as text: None → empty, Decimal exactly as written (never 1E+3), dates ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, float):
        raise TypeError("floats are not written: use Decimal so that 68.0 stays 68.0")
    return str(value)


def csv_bytes(fields: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> bytes:
    """RFC 4180 CSV (quoted only where needed) with LF line ends, UTF-8 without BOM."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    # QUOTE_MINIMAL quotes only the characters of the line terminator, so a cell with a bare CR would
    # be written unquoted and split the row in every reader: such rows are written fully quoted.
    quoted = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(fields)
    for row in rows:
        cells = [format_cell(row.get(f)) for f in fields]
        (quoted if any("\r" in c for c in cells) else writer).writerow(cells)
    return buf.getvalue().encode("utf-8")


def formula_risk(cell: str, field_type: str | None = "string") -> bool:
    """True when Excel would take ``cell`` as a formula rather than show it as it is.

    ``field_type`` is the Table Schema type of its column (None: not known). A lone ``-`` or ``+``
    (a common "none" mark) is text to Excel; a valid number is kept as a number unless the column
    says it is a string.
    """
    if not cell or not cell.startswith(FORMULA_STARTS) or cell in ("-", "+"):
        return False
    if (field_type is None or field_type in _NUMERIC_TYPES) and _NUMBER.match(cell):
        return False
    return True


def neutralised(cell: str, field_type: str | None = "string") -> str:
    """``cell`` as Excel must see it: with a leading ``'`` when it would be a formula."""
    return "'" + cell if formula_risk(cell, field_type) else cell
