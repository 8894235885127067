"""Writing the fill-in template: a workbook with one sheet per contract table, for municipalities
whose evaluation workbooks have no layout of their own (issue 11).

Sheets, in order: 説明 (what the workbook is and how to fill it), one sheet per table of
``columns.SHEETS`` (row 1 the Japanese title, row 2 the column name the reader goes by, row 3 the
description, data from row 4; panes frozen below the header and right of evaluation_id; a
drop-down for every fixed vocabulary), 記入例 (a filled example, never read), and the hidden marker
sheet ``_template`` that tells the importer what this workbook is. Given records, the table sheets
hold their rows, so a package can be edited in Excel and imported back unchanged (see
``columns`` for how values keep exact).

openpyxl is imported only here. The file is written atomically: an error leaves no file, or the
old one untouched.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

# openpyxl ships no type stubs (and types-openpyxl is no dependency): its names are Any here.
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.comments import Comment  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

from ...atomicfile import atomic_open
from ...errors import UsageError
from ..model import EvaluationRecord
from .columns import SHEETS, Column, Kind, Sheet, cell_text, decimal_text
from .example import EXAMPLE_RECORD
from .marker import EXAMPLE_SHEET, MARKER_SHEET, README_SHEET, TEMPLATE_FORMAT, TEMPLATE_VERSION
from .rows import Row, record_rows

__all__ = ["write_template"]

_FIRST_DATA_ROW = 4
_LAST_ROW = 1_048_576  # drop-downs reach every row a user may fill
_EXCEL_CELL_LIMIT = 32_767  # characters; Excel cuts a longer text when it opens the file
_TITLE_FILL = PatternFill("solid", fgColor="DDEBF7")
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
_NAME_FONT = Font(color="808080", size=9)
_NOTE_FONT = Font(color="595959", size=9)
_WIDE = {"text", "challenge", "next_action", "grade_reason", "reason", "description", "method", "policy_name",
         "program_name", "name", "heading", "note"}


def write_template(records: Iterable[EvaluationRecord], path: str | os.PathLike[str]) -> None:
    """Write the template workbook to ``path`` (.xlsx), its table sheets filled with ``records``.

    With no records the table sheets are empty, ready to fill. Raises ``UsageError`` for a path
    that is no .xlsx or a text too long for an Excel cell.
    """
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise UsageError(f"テンプレートは .xlsx に書きます（{target.name}）")
    book = _workbook(list(records))
    with atomic_open(target, "wb") as fh:
        book.save(fh)


def _workbook(records: list[EvaluationRecord]) -> Workbook:
    book = Workbook()
    readme = book.active
    assert readme is not None
    readme.title = README_SHEET
    _readme(readme)
    rows: dict[str, list[Row]] = {spec.name: [] for spec in SHEETS}
    for record in records:
        for name, table in record_rows(record).items():
            rows[name].extend(table)
    for spec in SHEETS:
        _table_sheet(book.create_sheet(spec.name), spec, rows[spec.name])
    _example(book.create_sheet(EXAMPLE_SHEET))
    marker = book.create_sheet(MARKER_SHEET)
    marker.append(["format", TEMPLATE_FORMAT])
    marker.append(["format_version", TEMPLATE_VERSION])
    marker.sheet_state = "hidden"
    return book


def _cell_value(value: Any, column: Column, place: str) -> str | int | None:
    if value is None:
        return None
    if column.kind is Kind.DECIMAL:
        return decimal_text(value)  # a text cell: 68.0 stays 68.0
    if column.kind is Kind.INT:
        return value if abs(value) < 2**53 else str(value)  # past 2**53 a float cell is not exact
    text = cell_text(value)
    if len(text) > _EXCEL_CELL_LIMIT:
        raise UsageError(f"{place}: {len(text):,} 文字の文字列は Excel のセル（上限 {_EXCEL_CELL_LIMIT:,} 文字）に入りません",
                         hint="文章を分けて記述シートの行を増やしてください")
    return text


def _header(sheet: Worksheet, spec: Sheet, first_row: int = 1) -> None:
    for col, column in enumerate(spec.columns, start=1):
        title = sheet.cell(first_row, col, column.title + ("（必須）" if column.required else ""))
        title.font = Font(bold=True)
        title.fill = _REQUIRED_FILL if column.required else _TITLE_FILL
        title.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.cell(first_row + 1, col, column.name).font = _NAME_FONT
        note = sheet.cell(first_row + 2, col, column.description or None)
        note.font = _NOTE_FONT
        note.alignment = Alignment(wrap_text=True, vertical="top")


def _rows(sheet: Worksheet, spec: Sheet, rows: list[Row], first_row: int) -> None:
    for r, row in enumerate(rows, start=first_row):
        for col, column in enumerate(spec.columns, start=1):
            value = _cell_value(row.get(column.name), column, f"{spec.name}!{get_column_letter(col)}{r}")
            if value is None:
                continue
            cell = sheet.cell(r, col, value)
            if column.kind is not Kind.INT:
                cell.number_format = "@"
                cell.data_type = "s"
            if "\n" in str(value):
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def _table_sheet(sheet: Worksheet, spec: Sheet, rows: list[Row]) -> None:
    _header(sheet, spec)
    for col, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(col)
        dimension = sheet.column_dimensions[letter]
        dimension.width = 48 if column.name in _WIDE else 16
        if column.kind is not Kind.INT:
            # Typed codes (082112, 0086) and decimals stay text: a number cell would drop the zeros.
            dimension.number_format = "@"
        sheet.cell(1, col).comment = Comment(f"{column.description}\n列名: {column.name}".strip(), "opendata-pub")
        if column.kind is Kind.CHOICE:
            _drop_down(sheet, column, letter)
    sheet.row_dimensions[3].height = 60
    sheet.freeze_panes = sheet.cell(_FIRST_DATA_ROW, 2)
    _rows(sheet, spec, rows, _FIRST_DATA_ROW)


def _drop_down(sheet: Worksheet, column: Column, letter: str) -> None:
    rule = DataValidation(type="list", formula1=f'"{",".join(column.choices)}"', allow_blank=True)
    rule.error = f"{' / '.join(column.choices)} のいずれかを選んでください"
    rule.errorTitle = column.title
    rule.showErrorMessage = True
    sheet.add_data_validation(rule)
    rule.add(f"{letter}{_FIRST_DATA_ROW}:{letter}{_LAST_ROW}")


def _example(sheet: Worksheet) -> None:
    sheet.cell(1, 1, "記入例（このシートは読み込まれません。各シートの書き方の例です）").font = Font(bold=True, size=14, color="C00000")
    row = 3
    rows = record_rows(EXAMPLE_RECORD)
    for spec in SHEETS:
        sheet.cell(row, 1, f"■ {spec.name} シート（{spec.title}）: {spec.description}").font = Font(bold=True)
        _header(sheet, spec, row + 1)
        _rows(sheet, spec, rows[spec.name], row + 4)
        row += 4 + len(rows[spec.name]) + 1
    for col in range(1, max(len(s.columns) for s in SHEETS) + 1):
        sheet.column_dimensions[get_column_letter(col)].width = 18


_README = (
    "行政評価 記入用テンプレート（opendata-pub）",
    "",
    "このブックは、行政評価（施策評価・事務事業評価）を公開用のデータパッケージにするための記入用の様式です。",
    "各シートが公開する表（docs/evaluation-contract.md）の一つにあたり、1行に1件を書きます。",
    "",
    "書き方",
    "・1行目は項目名、2行目は列名（読み込みに使うので変えないでください）、3行目は説明です。4行目から書きます。",
    "・（必須）の項目は必ず書きます。ほかは空のままでかまいません（空は「記載なし」です。0 とは違います）。",
    "・各行は評価ID（evaluation_id）で行政評価シートの行に結びつきます。事業は事業番号、指標の値は指標番号で結びます。",
    "・段階・区分・方向・種類などの項目は、セルのプルダウンから選びます。",
    "・指標の値と人員の数値は文字列のセルに書きます。68.0 と書けば 68.0 のまま公開されます。",
    "・コード（団体コード 082112、事務事業ID 0086 など）は先頭の 0 を含めて書きます。",
    "・〔文字列〕で始まるセルは、前後の空白などを保つために JSON で書いた文字列です。そのまま残してください。",
    "・記入例シートは読み込まれません。",
    "",
    "読み込み",
    "  opendata-pub evaluation import このファイル.xlsx -m 団体コード -p パッケージのフォルダ",
    "問題のあるセルは「シート名!B12」の形で報告されます。",
    "",
    "シート",
)


def _readme(sheet: Worksheet) -> None:
    lines = [*_README, *(f"・{s.name}（{s.title}）: {s.description}" for s in SHEETS), "",
             f"形式: {TEMPLATE_FORMAT} 第{TEMPLATE_VERSION}版"]
    for row, line in enumerate(lines, start=1):
        sheet.cell(row, 1, line or None)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 120
