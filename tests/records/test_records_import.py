"""Layout detection, the import entry point, stable ids, and robustness on damaged sheets."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from opendata_pub.errors import InputError, UnknownLayoutError, UsageError
from opendata_pub.findings import Layer
from opendata_pub.records import detect_layout, evaluation_id, import_sheet

from .conftest import JOSO, KIYOSE, KOTO, SEEDS, VARIANT_SHEETS, import_path


@pytest.mark.parametrize(
    ("sheet", "layout"),
    [(KIYOSE, "kiyose"), (JOSO, "joso"), (KOTO, "koto")]
    + [(p, p.name.split("_")[0]) for p in VARIANT_SHEETS],
    ids=lambda x: x.name if isinstance(x, Path) else x,
)
def test_detect_by_headings(sheet: Path, layout: str) -> None:
    assert detect_layout(sheet.read_text(encoding="utf-8")) == layout


def test_detection_ignores_the_file_name(tmp_path: Path) -> None:
    misleading = tmp_path / "koto_kiyose_joso.txt"
    misleading.write_text(KIYOSE.read_text(encoding="utf-8"), encoding="utf-8")
    result = import_sheet(misleading, municipality_code="132217", municipality_name="清瀬市")
    assert result.record.source.layout == "kiyose"
    assert result.record.source.file == "koto_kiyose_joso.txt"


def test_unknown_layout_names_the_file(tmp_path: Path) -> None:
    other = tmp_path / "meibo.txt"
    other.write_text("名簿\n氏名\t住所\n山田\t東京都\n", encoding="utf-8")
    with pytest.raises(UnknownLayoutError) as info:
        import_sheet(other, municipality_code="132217", municipality_name="清瀬市")
    assert str(info.value).startswith("meibo.txt: ")
    assert "様式" in str(info.value)
    with pytest.raises(UnknownLayoutError):
        detect_layout("1. 基本情報\n評価対象年度 (令和2年度)\n", source_name="a.txt")  # one heading is not enough


def test_unreadable_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        import_sheet(tmp_path / "missing.txt", municipality_code="132217", municipality_name="清瀬市")
    assert "missing.txt" in str(info.value)
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\xff\xfe\x00\x81\x00" * 50)
    with pytest.raises(InputError):
        import_sheet(binary, municipality_code="132217", municipality_name="清瀬市")


def test_cp932_file_is_read(tmp_path: Path) -> None:
    sjis = tmp_path / "sjis.txt"
    sjis.write_bytes(KIYOSE.read_text(encoding="utf-8").replace("业", "業").replace("—", "―").encode("cp932"))
    result = import_sheet(sjis, municipality_code="132217", municipality_name="清瀬市")
    assert result.record.programs[3].name == "市報きよせ発行業"
    indicator = result.record.indicator(1)
    assert indicator is not None and indicator.values[0].target is None  # "―" is no value either


def test_text_and_path_give_the_same_record() -> None:
    from_path = import_path(KOTO).record
    from_text = import_sheet(
        KOTO.read_text(encoding="utf-8"), municipality_code="131083", municipality_name="江東区", source_name=KOTO.name
    ).record
    assert from_text == from_path
    as_str_path = import_sheet(str(KOTO), municipality_code="131083", municipality_name="江東区").record
    assert as_str_path == from_path


def test_invalid_municipality_code_is_refused() -> None:
    with pytest.raises(UsageError) as info:
        import_sheet(KIYOSE, municipality_code="132218", municipality_name="清瀬市")
    assert "検査数字" in str(info.value)


def test_layout_override_and_unknown_layout_name() -> None:
    result = import_sheet(KIYOSE, municipality_code="132217", municipality_name="清瀬市", layout="kiyose")
    assert result.record.evaluation_id == "132217-2020-513"
    with pytest.raises(UsageError):
        import_sheet(KIYOSE, municipality_code="132217", municipality_name="清瀬市", layout="tokyo")


@pytest.mark.parametrize("sheet", SEEDS, ids=lambda p: p.name)
def test_ids_are_stable_across_reimports(sheet: Path, tmp_path: Path) -> None:
    first = import_path(sheet).record
    # CRLF line endings, a BOM and another file name change nothing but the source file name
    copy = tmp_path / sheet.name
    copy.write_bytes(b"\xef\xbb\xbf" + sheet.read_text(encoding="utf-8").replace("\n", "\r\n").encode("utf-8"))
    again = import_path(copy).record
    assert again == first
    ids = [first.program_id(p.number) for p in first.programs] + [first.indicator_id(i.number) for i in first.indicators]
    assert ids == [again.program_id(p.number) for p in again.programs] + [again.indicator_id(i.number) for i in again.indicators]


def test_evaluation_ids() -> None:
    assert import_path(KIYOSE).record.evaluation_id == "132217-2020-513"
    assert import_path(KOTO).record.evaluation_id == "131083-2022-1"
    joso_id = import_path(JOSO).record.evaluation_id
    # no 施策コード: a digest of the 施策名, the same every time, different for another 施策
    assert joso_id == evaluation_id("082112", 2020, policy_code=None, policy_name="情報公開・広報・広聴")
    assert joso_id != evaluation_id("082112", 2020, policy_code=None, policy_name="市民参画")
    assert joso_id.isascii()


def test_bare_years_follow_the_sheet_not_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime

    class FarFuture(datetime.date):
        @classmethod
        def today(cls) -> FarFuture:
            return cls(2045, 1, 1)

    monkeypatch.setattr(datetime, "date", FarFuture)
    record = import_path(KOTO).record
    assert record.indicators[0].values[0].fiscal_year == 2018  # "30年度" in a 令和4 sheet


def _damaged(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    for _ in range(rng.randint(1, 8)):
        action = rng.choice(["drop", "dup", "tab", "swap", "blank", "garble"])
        if not lines:
            break
        i = rng.randrange(len(lines))
        if action == "drop":
            del lines[i]
        elif action == "dup":
            lines.insert(i, lines[i])
        elif action == "tab":
            lines[i] = lines[i] + "\t\t" if rng.random() < 0.5 else "\t" + lines[i]
        elif action == "swap" and len(lines) > 1:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif action == "blank":
            lines[i] = ""
        elif action == "garble":
            lines[i] = lines[i].replace("0", "O").replace(",", "、").replace("年度", "年")
    return "\n".join(lines)


@pytest.mark.parametrize("sheet", SEEDS + VARIANT_SHEETS, ids=lambda p: p.name)
def test_damaged_sheets_never_crash(sheet: Path) -> None:
    """Whatever a damaged sheet holds, the importer answers with a record and findings, or refuses
    the sheet with an InputError; it never fails with any other exception."""
    rng = random.Random(sheet.name)
    text = sheet.read_text(encoding="utf-8")
    layout = detect_layout(text)
    for _ in range(150):
        damaged = _damaged(text, rng)
        try:
            result = import_sheet(damaged, municipality_code="132217", municipality_name="x", layout=layout,
                                  source_name=sheet.name)
        except InputError:
            continue
        for finding in result.findings:
            assert finding.layer is Layer.IMPORT
            assert finding.where.file == sheet.name
            assert finding.code and finding.message
