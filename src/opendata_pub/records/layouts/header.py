"""Finding a layout's columns in a sheet's header row: by label, never by position.

Columns may be reordered, some missing, others added: each layout column is looked up by its label
wherever it is. A column that is not there, or is there twice, is a finding; so is a year block
that lacks a column the other blocks have. The year blocks are told apart by order: the n-th
occurrence of each block label belongs to the n-th block; a run with only some of the labels (a
全体計画 printed with the cost labels but no indicator columns) is not a year block.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ...findings import Finding, Layer, Location, Severity
from ..workbook import TableSheet
from .cellvalues import cell_text
from .layout import ColumnRef, Layout, Match
from .sheetrecord import sheet_labels

__all__ = ["ColumnMap", "detection_refs", "find_header_row", "header_score", "map_columns"]

# The header is among the first rows: a title, a filler row of the macro, a note above it.
HEADER_SEARCH_ROWS = 20


@dataclass(frozen=True)
class ColumnMap:
    """Where the layout's columns are: ``single`` by ColumnRef key, ``blocks`` one dict per year
    block (oldest first), ``labels`` the printed label of every header column."""

    header_row: int
    single: dict[str, int] = field(default_factory=dict)
    blocks: tuple[dict[str, int], ...] = ()
    labels: dict[int, str] = field(default_factory=dict)


def _header_labels(sheet: TableSheet, row: int) -> dict[int, str]:
    cells = sheet.rows[row - 1] if 0 < row <= len(sheet.rows) else ()
    return {c: text for c, v in enumerate(cells, 1) if (text := cell_text(v)) is not None}


def detection_refs(layout: Layout) -> tuple[ColumnRef, ...]:
    """The columns detection looks for: ``detect.labels``, else every column of the layout."""
    if layout.detect_labels:
        return tuple(ColumnRef(text, Match.NORMALISED, "detect.labels") for text in layout.detect_labels)
    blocks = layout.blocks.columns if layout.blocks else ()
    return (*layout.single_columns(), *blocks)


def _share(refs: Sequence[ColumnRef], labels: Sequence[str]) -> float:
    if not refs:
        return 0.0
    return sum(1 for ref in refs if any(ref.matches(label) for label in labels)) / len(refs)


def header_score(sheet: TableSheet, layout: Layout) -> tuple[float, int]:
    """(share of the detection labels found, row) for the best header row of ``sheet``; for a layout
    of one record per sheet, the share found anywhere in the sheet (row 1)."""
    refs = detection_refs(layout)
    if layout.record == "sheet":
        return _share(refs, [text for _, _, text in sheet_labels(sheet)]), 1
    rows = [layout.header_row] if layout.header_row else range(1, min(len(sheet.rows), HEADER_SEARCH_ROWS) + 1)
    best = (0.0, layout.header_row or 1)
    for row in rows:
        share = _share(refs, list(_header_labels(sheet, row).values()))
        if share > best[0]:
            best = (share, row)
    return best


def find_header_row(sheet: TableSheet, layout: Layout) -> int | None:
    """The header row: the layout's, or the first of the first rows with most of its labels."""
    share, row = header_score(sheet, layout)
    return row if share > 0 else None


def _finding(code: str, message: str, file: str, key: str, severity: Severity = Severity.WARNING,
             **params: object) -> Finding:
    return Finding(code=code, message=message, severity=severity, where=Location(file=file, key=key),
                   layer=Layer.IMPORT, params=dict(params))


# A run of block labels with fewer than this share of the fullest block's labels is not a year: a
# 全体計画 printed with the same labels as the year blocks (国庫支出金 … トータルコスト) but without
# the indicator columns would otherwise be read as the oldest year.
_BLOCK_SHARE = 0.75


def _assign_blocks(refs: Sequence[ColumnRef], found: dict[str, list[int]]) -> list[dict[str, int]]:
    """One dict per run of block labels: the n-th occurrence of the most frequent labels starts run n."""
    count = max((len(cols) for cols in found.values()), default=0)
    complete = [cols for cols in found.values() if len(cols) == count]
    starts = [min(cols[i] for cols in complete) for i in range(count)]
    blocks: list[dict[str, int]] = [{} for _ in range(count)]
    for ref in refs:
        for col in found[ref.key]:
            index = max(i for i, start in enumerate(starts) if start <= col) if col >= starts[0] else 0
            blocks[index].setdefault(ref.key, col)
    return blocks


def _block_columns(layout: Layout, labels: dict[int, str], sheet: TableSheet, header_row: int,
                   findings: list[Finding]) -> tuple[dict[str, int], ...]:
    refs = layout.blocks.columns if layout.blocks else ()
    found = {ref.key: [c for c, label in labels.items() if ref.matches(label)] for ref in refs}
    if not any(found.values()):
        if refs:
            findings.append(_finding("layout-blocks-missing", "年度ごとの列のまとまりが見つかりません",
                                     sheet.file, sheet.place(header_row, 1)))
        return ()
    runs = _assign_blocks(refs, found)
    fullest = max(len(run) for run in runs)
    blocks = [run for run in runs if len(run) >= fullest * _BLOCK_SHARE]
    for ref in refs:
        present = sum(1 for block in blocks if ref.key in block)
        if present < len(blocks):
            findings.append(_finding(
                "layout-block-column-missing",
                f"列「{ref.text}」が {len(blocks)} 年度分のうち {present} 年度分しかありません",
                sheet.file, sheet.place(header_row, 1), label=ref.text, blocks=len(blocks), layout_key=ref.key))
    return tuple(blocks)


def map_columns(sheet: TableSheet, layout: Layout, header_row: int) -> tuple[ColumnMap, list[Finding]]:
    """Every layout column located in ``header_row``, with findings for those missing or repeated."""
    findings: list[Finding] = []
    labels = _header_labels(sheet, header_row)
    blocks = _block_columns(layout, labels, sheet, header_row, findings)
    in_blocks = {c for block in blocks for c in block.values()}
    single: dict[str, int] = {}
    for ref in layout.single_columns():
        cols = [c for c, label in labels.items() if c not in in_blocks and ref.matches(label)]
        if not cols:
            findings.append(_finding("layout-column-missing", f"列「{ref.text}」が見出し行にありません",
                                     sheet.file, sheet.place(header_row, 1), label=ref.text, layout_key=ref.key))
            continue
        if len(cols) > 1:
            places = "、".join(sheet.place(header_row, c) for c in cols)
            findings.append(_finding("layout-column-repeated", f"列「{ref.text}」が複数あります ({places})。最初の列を読みます",
                                     sheet.file, sheet.place(header_row, cols[0]), label=ref.text,
                                     layout_key=ref.key))
        single[ref.key] = cols[0]
    return ColumnMap(header_row, single, blocks, labels), findings
