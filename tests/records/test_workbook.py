"""records.workbook: typed cells from .xlsx and CSV, merged ranges, and hostile files."""

from __future__ import annotations

import datetime
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from opendata_pub.errors import InputError
from opendata_pub.records.workbook import (
    WORKBOOK_SUFFIXES,
    TableSheet,
    column_letters,
    read_workbook,
)

from .workbook_factory import (
    FILLER,
    FIRST_PROGRAM_ROW,
    HEADER_ROW,
    BuiltWorkbook,
    build_workbook,
    columns,
    generate_programs,
    write_csv,
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuiltWorkbook:
    path = tmp_path_factory.mktemp("workbook") / "jimujigyo.xlsx"
    return build_workbook(path, generate_programs(8), merge_filler=True)


@pytest.fixture(scope="module")
def sheet(built: BuiltWorkbook) -> TableSheet:
    sheets = read_workbook(built.path)
    assert len(sheets) == 1
    return sheets[0]


def test_every_cell_is_the_truth(built: BuiltWorkbook, sheet: TableSheet) -> None:
    width = len(built.header)
    assert width == 204
    wrong = [(sheet.place(r, c), sheet.value(r, c), built.at(r, c))
             for r in range(1, len(built.truth) + 1) for c in range(1, width + 1) if sheet.value(r, c) != built.at(r, c)]
    assert wrong == []
    assert sheet.file == "jimujigyo.xlsx" and sheet.name == built.sheet


def test_trailing_formatted_rows_and_empty_cells_are_dropped(built: BuiltWorkbook, sheet: TableSheet) -> None:
    assert len(sheet.rows) == FIRST_PROGRAM_ROW - 1 + 8  # not 2000
    assert all(row[-1] is not None for row in sheet.rows if row)
    assert sheet.value(2000, 1) is None and sheet.value(3, 999) is None and sheet.value(0, 1) is None


def test_formatted_rows_cost_little(tmp_path: Path, built: BuiltWorkbook) -> None:
    plain = build_workbook(tmp_path / "plain.xlsx", generate_programs(8), merge_filler=True, formatted_to=0)
    start = time.perf_counter()
    formatted = read_workbook(built.path)[0]  # formatted down to row 2000
    assert time.perf_counter() - start < 5  # about 0.5 s: a pattern scan skips the formatted cells
    assert formatted.rows == read_workbook(plain.path)[0].rows


def test_header_labels_keep_their_line_breaks(sheet: TableSheet) -> None:
    header = sheet.rows[HEADER_ROW - 1]
    assert header[:5] == ("No.", "作成\n年", "作成\n月", "作成\n日", "年度")
    assert "政策番号\n十の位" in header
    assert header.count("トータルコスト\n(A)＋(B)") == 6  # one per year block, no year in the label
    assert header == tuple(label for _, label in columns())


def test_codes_and_text_numbers_stay_text(sheet: TableSheet) -> None:
    header = sheet.rows[HEADER_ROW - 1]
    row = FIRST_PROGRAM_ROW
    assert sheet.value(row, header.index("事務事業ID") + 1) == "0087"  # leading zero kept
    assert sheet.value(row, header.index("政策番号\n十の位") + 1) == "０"  # 全角, as typed
    assert sheet.value(row, header.index("年度") + 1) == 7  # a number: int, not 7.0
    assert sheet.value(row, header.index("基本事業名") + 1) == "支え合いの仕組みづくり"  # 全角 space trimmed
    assert sheet.value(row, header.index("予算科目\n会計") + 1) == "一般会計\n(01)"  # two lines in a cell


def test_merged_ranges_and_filled(built: BuiltWorkbook, sheet: TableSheet) -> None:
    assert set(sheet.merged) == set(built.merged) and len(sheet.merged) == 6
    first_row, first_col, _, last_col = built.merged[0]
    assert sheet.value(first_row, first_col) == FILLER
    assert sheet.value(first_row, last_col) is None  # Excel keeps the value in the top-left cell only
    assert sheet.filled(first_row, last_col) == FILLER
    assert sheet.filled(FIRST_PROGRAM_ROW, last_col) == sheet.value(FIRST_PROGRAM_ROW, last_col)


def test_place_and_letters(sheet: TableSheet) -> None:
    assert [column_letters(n) for n in (1, 26, 27, 204, 16384)] == ["A", "Z", "AA", "GV", "XFD"]
    assert sheet.place(12, 2) == "事務事業評価!B12"
    assert TableSheet("a.csv", "", ()).place(12, 2) == "行 12 列 B"
    assert WORKBOOK_SUFFIXES == (".xlsx", ".xlsm", ".csv")


def test_types_of_single_cells(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "型"
    ws.append([datetime.date(2025, 4, 1), datetime.datetime(2025, 4, 1, 9, 30), True, 0.1, 7.0, 2**60 * 1.0])
    ws.append(["\u200b ｶﾞ\u00a0", "", "  ", "ｶ\u3099", None, datetime.time(9, 30)])
    ws.append([datetime.timedelta(hours=30)])
    path = tmp_path / "types.xlsm"  # same format as .xlsx; only the macros differ
    book.save(path)
    rows = read_workbook(path)[0].rows
    assert rows[0] == (datetime.date(2025, 4, 1), datetime.datetime(2025, 4, 1, 9, 30), True, 0.1, 7, 2.0**60)
    assert type(rows[0][4]) is int and type(rows[0][3]) is float
    assert rows[1] == ("ｶﾞ", None, None, "ｶ\u3099", None, "09:30:00")  # 半角 kana: nothing to compose
    assert rows[2] == ("30:00:00",)


def test_nfc(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["か\u3099"])  # decomposed が
    book.save(tmp_path / "nfc.xlsx")
    assert read_workbook(tmp_path / "nfc.xlsx")[0].rows == (("が",),)


@pytest.mark.parametrize("encoding", ["cp932", "utf-8-sig", "utf-8"])
def test_csv_gives_the_same_rows_in_any_encoding(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / f"jimujigyo-{encoding}.csv"
    truth = write_csv(path, generate_programs(4), encoding=encoding)
    sheet = read_workbook(path)[0]
    assert sheet.name == "" and sheet.file == path.name and sheet.merged == ()
    width = max(len(row) for row in truth)
    assert [tuple(sheet.value(r, c) for c in range(1, width + 1)) for r in range(1, len(truth) + 1)] == list(truth)
    assert sheet.value(FIRST_PROGRAM_ROW, 6) == "0087" and sheet.value(FIRST_PROGRAM_ROW, 5) == "7"  # text
    assert sheet.rows[HEADER_ROW - 1][8] == "政策番号\n十の位"


def test_csv_in_cp932_and_utf8_sig_agree(tmp_path: Path) -> None:
    programs = generate_programs(3)
    write_csv(tmp_path / "a.csv", programs, encoding="cp932")
    write_csv(tmp_path / "b.csv", programs, encoding="utf-8-sig")
    assert read_workbook(tmp_path / "a.csv")[0].rows == read_workbook(tmp_path / "b.csv")[0].rows


# --------------------------------------------------------------------------------------------------
# Files that cannot be read: one line naming the file, never a traceback


def _refused(path: Path, *words: str) -> InputError:
    with pytest.raises(InputError) as caught:
        read_workbook(path)
    message = str(caught.value)
    assert "\n" not in message and path.name in message, message
    for word in words:
        assert word in message or word in (caught.value.hint or ""), message
    return caught.value


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "text.xlsx"
    path.write_text("No.,事業名\n1,x\n", encoding="utf-8")
    _refused(path, "zip")


def test_truncated_workbook(tmp_path: Path, built: BuiltWorkbook) -> None:
    path = tmp_path / "cut.xlsx"
    path.write_bytes(built.path.read_bytes()[:50_000])
    _refused(path, "読めません")


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    _refused(_zip(tmp_path / "other.xlsx", {"hello.txt": b"hello"}), "読めません")


def test_xls_suffix_and_xls_content(tmp_path: Path) -> None:
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    _refused(old, ".xls", ".xlsx")
    renamed = tmp_path / "renamed.xlsx"
    renamed.write_bytes(old.read_bytes())
    _refused(renamed, ".xls", ".xlsx")


def test_password_protected(tmp_path: Path) -> None:
    # An encrypted .xlsx is an OLE2 file holding the streams EncryptionInfo and EncryptedPackage.
    path = tmp_path / "locked.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "EncryptionInfo".encode("utf-16-le") + bytes(100))
    _refused(path, "パスワード")


def test_zip_bomb_by_ratio(tmp_path: Path) -> None:
    sheet = b'<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>' + b" " * (60 << 20) + b"</t></is></c></row>"
    _refused(_zip(tmp_path / "bomb.xlsx", {"xl/worksheets/sheet1.xml": sheet}), "圧縮率")


def test_zip_bomb_by_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from opendata_pub.records import workbook

    monkeypatch.setattr(workbook, "_MAX_UNCOMPRESSED", 1 << 20)  # the real limit is 200 MB
    _refused(_zip(tmp_path / "big.xlsx", {"xl/worksheets/sheet1.xml": bytes(range(256)) * 8192}), "大きすぎます")


def test_one_far_cell_does_not_allocate_the_sheet(tmp_path: Path) -> None:
    # The reader builds a dense grid of the used range: A1 and XFD1048576 would ask for 500 GB and abort
    # the process. The extent is found first.
    book = openpyxl.Workbook()
    book.active["A1"] = "x"
    book.active["XFD1048576"] = "y"
    path = tmp_path / "far.xlsx"
    book.save(path)
    assert _refused(path, "広すぎます").where == "シート Sheet"


def test_far_cell_without_references_is_found_by_the_walk(tmp_path: Path) -> None:
    sheet = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             b'<sheetData><row r="1048576">' + b"<c/>" * 16000 + b'<c t="inlineStr"><is><t>y</t></is></c></row>'
             b"</sheetData></worksheet>")
    book = openpyxl.Workbook()
    path = tmp_path / "walk.xlsx"
    book.save(path)
    with zipfile.ZipFile(path) as src:
        members = {i.filename: src.read(i) for i in src.infolist()}
    members["xl/worksheets/sheet1.xml"] = sheet
    _refused(_zip(tmp_path / "walk2.xlsx", members), "広すぎます")


def test_other_suffix_and_missing_file(tmp_path: Path) -> None:
    _refused(tmp_path / "sheet.ods", ".xlsx")
    _refused(tmp_path / "missing.xlsx", "ファイルがありません")


def test_csv_in_no_encoding(tmp_path: Path) -> None:
    path = tmp_path / "binary.csv"
    path.write_bytes(b"a,b\r\n\x80\xfd\xff\r\n")  # neither UTF-8 nor CP932
    _refused(path, "文字コード")



def test_directory_that_lies_about_a_size(tmp_path: Path, built: BuiltWorkbook) -> None:
    # The central directory says 100 bytes for the shared strings; the data holds more.
    path = _zip(tmp_path / "liar.xlsx", {"xl/sharedStrings.xml": b"<sst>" + b"x" * 5000 + b"</sst>"})
    data = bytearray(path.read_bytes())
    central = data.rindex(b"PK\x01\x02")
    data[central + 24:central + 28] = (100).to_bytes(4, "little")  # uncompressed size
    path.write_bytes(bytes(data))
    _refused(path, "読めません")


def test_chart_sheets_are_skipped(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active["A1"] = "x"
    book.create_chartsheet("グラフ")
    book.save(tmp_path / "chart.xlsx")
    assert [s.name for s in read_workbook(tmp_path / "chart.xlsx")] == ["Sheet"]
