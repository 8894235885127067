"""A sheet that is one record (``record: sheet``): labels printed next to their values, anywhere.

Forms printed one per sheet put a label in one cell and its value in the next filled cell to the
right (or, when nothing is to the right, below). ``as_row`` finds each layout column's label in the
sheet and lines the values up as a one-row table — header row 1, values row 2 — so the row engine
reads it like any other; findings still name the cells where the values really are.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..workbook import CellValue, TableSheet
from .cellvalues import cell_text
from .layout import ColumnRef, Layout

__all__ = ["as_row", "sheet_labels"]

# A value further than this from its label is another field's, not this one's.
_REACH = 8


def sheet_labels(sheet: TableSheet) -> Iterator[tuple[int, int, str]]:
    """(row, column, text) of every text cell of the sheet, in reading order."""
    for r, cells in enumerate(sheet.rows, 1):
        for c, value in enumerate(cells, 1):
            if isinstance(value, str):
                yield r, c, value


def _value_of(sheet: TableSheet, row: int, col: int, labels: set[tuple[int, int]]) -> tuple[int, int] | None:
    """The cell holding the value of the label at ``row``, ``col``: right of it, else below it."""
    for c in range(col + 1, col + 1 + _REACH):
        if (row, c) in labels:
            break  # the next label: this one's value is not on its row
        if sheet.value(row, c) is not None:
            return row, c
    for r in range(row + 1, row + 1 + _REACH):
        if (r, col) in labels:
            return None
        if sheet.value(r, col) is not None:
            return r, col
    return None


def _find(refs: tuple[ColumnRef, ...], sheet: TableSheet) -> dict[str, tuple[int, int]]:
    cells = list(sheet_labels(sheet))
    found: dict[str, tuple[int, int]] = {}
    for ref in refs:
        hit = next(((r, c) for r, c, text in cells if ref.matches(text)), None)
        if hit is not None:
            found[ref.key] = hit
    return found


@dataclass(frozen=True)
class _LinedUp:
    """The one-row table: what the row engine reads, and where each value really is."""

    labels: tuple[str, ...]
    values: tuple[CellValue, ...]
    places: tuple[str, ...]


def _line_up(layout: Layout, sheet: TableSheet) -> _LinedUp:
    refs = layout.single_columns()
    found = _find(refs, sheet)
    label_cells = set(found.values())
    labels: list[str] = []
    values: list[CellValue] = []
    places: list[str] = []
    seen: set[tuple[int, int]] = set()
    for ref in refs:
        if ref.key not in found or found[ref.key] in seen:
            continue  # two layout columns with one label read one value, listed once
        r, c = found[ref.key]
        seen.add((r, c))
        at = _value_of(sheet, r, c, label_cells)
        labels.append(cell_text(sheet.value(r, c)) or ref.text)
        values.append(sheet.value(*at) if at else None)
        places.append(sheet.place(*(at or (r, c))))
    return _LinedUp(tuple(labels), tuple(values), tuple(places))


@dataclass(frozen=True)
class _Placed(TableSheet):
    """A form sheet lined up as one row: findings point at each value's real cell (``places``)."""

    places: tuple[str, ...] = ()
    elsewhere: str = ""  # the form's first cell, for anything that is not one of the values

    def place(self, row: int, col: int) -> str:
        if row == 2 and 1 <= col <= len(self.places):
            return self.places[col - 1]
        return self.elsewhere


def as_row(sheet: TableSheet, layout: Layout) -> TableSheet:
    """``sheet`` as a one-row table of the layout's fields (header row 1, values row 2)."""
    lined = _line_up(layout, sheet)
    return _Placed(sheet.file, sheet.name, (lined.labels, lined.values), (), lined.places, sheet.place(1, 1))
