"""Reading a workbook (.xlsx, .xlsm) or a CSV into plain tables of typed cell values.

``read_workbook`` gives one ``TableSheet`` per worksheet (one for a CSV): the rows as tuples of
``CellValue``, the merged ranges, and the places to print in messages ("評価!B12"). It knows no
layout; the layout engine reads these tables. Values are as the file stores them:

- text is NFC, trimmed of ASCII, ideographic, no-break and zero-width spaces at both ends, its
  line breaks ("政策番号\\n十の位") kept as "\\n"; empty text is None. Text that looks like a number
  ("0086", "１２") stays text: the layout decides what a cell means;
- numbers stay numbers: Excel keeps every number as a float, so an integral one (7.0) is an ``int``;
  others stay ``float`` (the consumer makes a Decimal from ``repr``, so 0.1 stays "0.1");
- dates are ``date`` or ``datetime``; a time of day or a duration (a cell formatted [h]:mm) is
  text "HH:MM:SS", hours counted past 24; errors (#DIV/0!) and formulas with no cached value are None;
- every CSV cell is text (CSV has no types).

Trailing empty rows and trailing empty cells of a row are dropped: exports format rows down to
2000 with nothing in them, and formatting without a value is never read at all.

Hostile files end in a one-line ``InputError`` naming the file, never in a traceback or an
unbounded allocation: the zip directory is checked (sizes and compression ratios) and every sheet's
XML is streamed once to find how far its values really reach before the reader, which builds a dense
grid of the used range, is let near it (one value at XFD1048576 would otherwise ask for 500 GB).

python-calamine reads the workbooks (bench/README.md says why); it is imported only here.
"""

from __future__ import annotations

import csv
import datetime
import html
import io
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import python_calamine

from ..errors import InputError
from ..inputfile import UnreadableInput, read_input_bytes
from ..japan.encoding import detect_encoding

__all__ = [
    "MAX_WORKBOOK_BYTES",
    "WORKBOOK_SUFFIXES",
    "CellValue",
    "TableSheet",
    "column_letters",
    "read_workbook",
]

CellValue = str | int | float | Decimal | datetime.date | datetime.datetime | bool | None

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".csv")

# A municipality's evaluation export of hundreds of programs is a few MB; 50 MB leaves room.
MAX_WORKBOOK_BYTES = 50 * 1024 * 1024
# Uncompressed, all members together: the sheet XML of a 2 MB workbook is about 20 MB.
_MAX_UNCOMPRESSED = 200 * 1024 * 1024
# Sheet XML compresses 10–50 times (empty formatted rows are the most repetitive part); a larger
# member packed a hundred times over is a bomb, not a table.
_MAX_RATIO = 100
_RATIO_FROM = 1024 * 1024  # small members (styles, themes) may be packed harder and cost nothing
# The reader allocates every cell of the used range, value or not; 5 million cells (a 400 × 210
# export is 84,000) keep that allocation under a few hundred MB.
_MAX_CELLS = 5_000_000

# Spaces trimmed at both ends of a text: ASCII whitespace (line breaks included), ideographic, no-break,
# zero-width and word-joiner spaces, and a stray BOM.
_TRIM = " \t\r\n\v\f\u3000\u00a0\u200b\u200c\u200d\u2060\ufeff"

_ZIP_MAGIC = b"PK\x03\x04"
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2: an .xls, or an .xlsx encrypted with a password
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")


@dataclass(frozen=True)
class TableSheet:
    """One sheet as a table of values; ``rows[0]`` is row 1, positions are 1-based in every method."""

    file: str  # file name shown in messages (no directory)
    name: str  # sheet name ("" for a CSV)
    rows: tuple[tuple[CellValue, ...], ...]
    merged: tuple[tuple[int, int, int, int], ...] = ()  # (first_row, first_col, last_row, last_col), inclusive

    def value(self, row: int, col: int) -> CellValue:
        """The value at ``row``, ``col`` (1-based), None outside the table."""
        if row < 1 or col < 1 or row > len(self.rows):
            return None
        cells = self.rows[row - 1]
        return cells[col - 1] if col <= len(cells) else None

    def filled(self, row: int, col: int) -> CellValue:
        """The value, or for a cell inside a merged range the value of the range's top-left cell.

        Excel keeps a merged range's value in its top-left cell only; the others read as empty.
        """
        for first_row, first_col, last_row, last_col in self.merged:
            if first_row <= row <= last_row and first_col <= col <= last_col:
                return self.value(first_row, first_col)
        return self.value(row, col)

    def place(self, row: int, col: int) -> str:
        """Where a cell is, for messages: "評価!B12", or "行 12 列 B" in a CSV (which has no sheet)."""
        if not self.name:
            return f"行 {row} 列 {column_letters(col)}"
        return f"{self.name}!{column_letters(col)}{row}"


def column_letters(col: int) -> str:
    """The A1-notation letters of a 1-based column: 1 → "A", 28 → "AB"."""
    letters = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def read_workbook(path: str | os.PathLike[str], *, max_bytes: int = MAX_WORKBOOK_BYTES) -> list[TableSheet]:
    """Every sheet of the workbook or CSV at ``path``, in the workbook's order.

    Raises ``InputError`` (naming the file, and the sheet where there is one) for a file that cannot
    be read: missing, too large, an .xls, password-protected, corrupt, not a workbook, a zip bomb.
    """
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix == ".xls":
        raise InputError("古い Excel 形式 (.xls) は読めません", path=str(file),
                         hint="Excel で開き「Excel ブック (*.xlsx)」として保存し直してください")
    if suffix not in WORKBOOK_SUFFIXES:
        raise InputError(f"表として読めるのは {', '.join(WORKBOOK_SUFFIXES)} のファイルです", path=str(file))
    try:
        data = read_input_bytes(file, max_bytes=max_bytes)  # never /dev/zero, a FIFO or a folder
    except UnreadableInput as exc:
        raise InputError(f"表を読めません: {exc.problem}", path=str(file)) from exc
    if suffix == ".csv":
        return [_read_csv(data, file)]
    return _read_excel(data, file)


# --------------------------------------------------------------------------------------------------
# Cell values


def _text(value: str) -> str | None:
    # Windows line ends come from CSV and from cells pasted into Excel; a label has one kind of break.
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n")).strip(_TRIM)
    return text or None


def _clock(seconds: float) -> str:
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def _cell(value: Any) -> CellValue:
    """A value as calamine gives it, made a ``CellValue`` by the rules in the module docstring."""
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, float):
        # Excel has no integers: 7 is stored as 7.0. Past 2**53 a float is no longer an exact integer.
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if isinstance(value, (bool, int, datetime.date)):  # datetime is a date
        return value
    if isinstance(value, datetime.time):
        return _clock(value.hour * 3600 + value.minute * 60 + value.second)
    if isinstance(value, datetime.timedelta):
        return _clock(value.total_seconds())
    return None


def _trimmed_row(cells: Sequence[CellValue]) -> tuple[CellValue, ...]:
    end = len(cells)
    while end and cells[end - 1] is None:
        end -= 1
    return tuple(cells[:end])


def _trimmed_rows(rows: list[tuple[CellValue, ...]]) -> tuple[tuple[CellValue, ...], ...]:
    end = len(rows)
    while end and not rows[end - 1]:
        end -= 1
    return tuple(rows[:end])


# --------------------------------------------------------------------------------------------------
# CSV


def _read_csv(data: bytes, file: Path) -> TableSheet:
    decision = detect_encoding(data)
    if not decision.decodable or decision.encoding is None:
        raise InputError(f"文字コードを判定できません: {decision.detail}", path=str(file),
                         where=f"byte {decision.error_offset}" if decision.error_offset is not None else None,
                         hint="UTF-8 か Shift_JIS (CP932) で保存し直してください")
    text = data.decode(decision.encoding)
    try:
        rows = [_trimmed_row([_text(c) for c in raw]) for raw in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise InputError(f"CSV として読めません: {exc}", path=str(file)) from exc
    return TableSheet(file.name, "", _trimmed_rows(rows))


# --------------------------------------------------------------------------------------------------
# Excel


def _read_excel(data: bytes, file: Path) -> list[TableSheet]:
    if data.startswith(_CFB_MAGIC):
        if _ENCRYPTED_MARK in data:
            raise InputError("パスワードで保護されたブックは読めません", path=str(file),
                             hint="Excel でパスワードを解除して保存し直してください")
        raise InputError("古い Excel 形式 (.xls) のファイルです", path=str(file),
                         hint="Excel で開き「Excel ブック (*.xlsx)」として保存し直してください")
    if not data.startswith(_ZIP_MAGIC):
        raise InputError("Excel ブック (.xlsx) ではありません (zip 形式でない)", path=str(file))
    _check_archive(data, file)
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError as exc:
        raise InputError("パスワードで保護されたブックは読めません", path=str(file)) from exc
    except (python_calamine.CalamineError, ValueError, OSError) as exc:
        raise InputError(f"Excel ブックとして読めません: {_first_line(exc)}", path=str(file)) from exc
    try:
        # Chart and dialog sheets hold no table; hidden worksheets are read like the others.
        names = [m.name for m in book.sheets_metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet]
        return [_read_sheet(book, name, file) for name in names]
    finally:
        book.close()


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _read_sheet(book: Any, name: str, file: Path) -> TableSheet:
    where = f"シート {name}"
    try:
        sheet = book.get_sheet_by_name(name)
        grid = sheet.to_python(skip_empty_area=False)
        ranges = sheet.merged_cell_ranges or []
    except (python_calamine.CalamineError, ValueError, OSError) as exc:
        raise InputError(f"シートを読めません: {_first_line(exc)}", path=str(file), where=where) from exc
    rows = _trimmed_rows([_trimmed_row([_cell(v) for v in raw]) for raw in grid])
    merged = tuple((r0 + 1, c0 + 1, r1 + 1, c1 + 1) for (r0, c0), (r1, c1) in ranges)
    return TableSheet(file.name, name, rows, merged)


def _check_archive(data: bytes, file: Path) -> None:
    """Refuse a zip whose members would unpack to too much, before anything unpacks them.

    The directory's sizes are checked first (cheap); then every member is streamed once, which
    holds each to the size the directory claims (zipfile stops there and checks the CRC, so a
    directory that lies ends here, not in the reader), and each sheet's values are measured.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            _check_sizes(members, file)
            names = _sheet_names(archive)
            for info in members:
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    _check_extent(archive, info, file, names.get(info.filename, info.filename))
                else:
                    _check_member(archive, info)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError) as exc:
        raise InputError(f"Excel ブックとして読めません (壊れた zip): {_first_line(exc)}", path=str(file)) from exc


_ATTRIBUTE = re.compile(rb'([\w:]+)="([^"]*)"')
_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)>")
_RELATIONSHIP_TAG = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)>")
_SMALL = 1 << 20  # workbook.xml and its relationships are a few kB


def _attributes(text: bytes) -> dict[str, str]:
    return {k.decode().rpartition(":")[2]: html.unescape(v.decode("utf-8", "replace")) for k, v in _ATTRIBUTE.findall(text)}


def _small_member(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return b""
    return archive.read(info) if info.file_size <= _SMALL else b""


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Member path → sheet name, so that a refusal names the sheet the user knows ("xl/worksheets/
    sheet1.xml" → "評価"). Best effort: a member missing from it is named by its path."""
    targets = {}
    for match in _RELATIONSHIP_TAG.finditer(_small_member(archive, "xl/_rels/workbook.xml.rels")):
        attributes = _attributes(match.group(1))
        target = attributes.get("Target", "")
        targets[attributes.get("Id", "")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    names = {}
    for match in _SHEET_TAG.finditer(_small_member(archive, "xl/workbook.xml")):
        attributes = _attributes(match.group(1))
        if attributes.get("id") in targets:
            names[targets[attributes["id"]]] = attributes.get("name", "")
    return names


def _check_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    with archive.open(info) as stream:
        while stream.read(1 << 20):
            pass


def _check_sizes(members: list[zipfile.ZipInfo], file: Path) -> None:
    total = sum(info.file_size for info in members)
    if total > _MAX_UNCOMPRESSED:
        raise InputError(f"展開すると大きすぎます ({total:,} バイト、上限 {_MAX_UNCOMPRESSED:,} バイト)",
                         path=str(file))
    for info in members:
        if info.file_size > _RATIO_FROM and info.file_size > _MAX_RATIO * max(info.compress_size, 1):
            raise InputError(f"圧縮率が異常です ({info.filename}: {info.compress_size:,} → {info.file_size:,} バイト)",
                             path=str(file))


# A cell with a value (or a formula) is a start tag not closed by "/>"; formatting alone is "<c … />".
# Excel, LibreOffice and openpyxl write ``<c r="B12" …>`` with the reference first and no "/" among
# the attributes: two plain patterns (no backtracking across tags) find the cells with a value. Any
# other cell tag (no reference, the reference later, a namespace prefix, a "/" inside) sends the
# sheet through the slower walk over every tag, which places cells as the reader does.
_VALUED = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>/]*>')
_UNUSUAL = re.compile(rb'<c(?:>|\s(?!r=))|<c r="[A-Z]{1,3}\d+"[^>/]*/[^>]|<\w+:c[\s>]')
_TAG = re.compile(rb"<(?:\w+:)?(row|c)\b([^>]*)>")
_REF = re.compile(rb'\br="([A-Z]{1,3})?(\d+)"')


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    """``stream`` in pieces of about 1 MiB that each end before a "<", so no tag is cut in two."""
    tail = b""
    while chunk := stream.read(1 << 20):
        buffer = tail + chunk
        cut = buffer.rfind(b"<")
        cut = len(buffer) if cut == -1 else cut
        yield buffer[:cut]
        tail = buffer[cut:]
    yield tail


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number


def _extent_by_reference(chunks: Iterator[bytes]) -> tuple[int, int] | None:
    """(last row, last column) holding a value, or None when a cell has no reference."""
    max_row = max_col = 0
    for chunk in chunks:
        if _UNUSUAL.search(chunk):
            return None
        found = _VALUED.findall(chunk)
        if found:  # a few hundred distinct column letters, however many cells
            max_row = max(max_row, max(int(row) for _, row in found))
            max_col = max(max_col, max(_column_number(letters) for letters in {letters for letters, _ in found}))
    return max_row, max_col


def _extent_by_walk(chunks: Iterator[bytes]) -> tuple[int, int]:
    """(last row, last column) holding a value, placing rows and cells without ``r`` after the previous."""
    row = col = max_row = max_col = 0
    for chunk in chunks:
        for match in _TAG.finditer(chunk):
            name, attributes = match.groups()
            ref = _REF.search(attributes)
            if name == b"row":
                row, col = (int(ref.group(2)) if ref else row + 1), 0
                continue
            col = _column_number(ref.group(1)) if ref and ref.group(1) else col + 1
            row = int(ref.group(2)) if ref else row
            if not attributes.endswith(b"/"):
                max_row, max_col = max(max_row, row), max(max_col, col)
    return max_row, max_col


def _check_extent(archive: zipfile.ZipFile, info: zipfile.ZipInfo, file: Path, sheet: str) -> None:
    """Refuse a sheet whose values span more than ``_MAX_CELLS`` cells of the reader's dense grid."""
    with archive.open(info) as stream:
        extent = _extent_by_reference(_chunks(stream))
    if extent is None:
        with archive.open(info) as stream:
            extent = _extent_by_walk(_chunks(stream))
    max_row, max_col = extent
    if max_row * max_col > _MAX_CELLS:
        raise InputError(f"値のある範囲が広すぎます ({max_row:,} 行 × {max_col:,} 列、上限 {_MAX_CELLS:,} セル)",
                         path=str(file), where=f"シート {sheet}")
