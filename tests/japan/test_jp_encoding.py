"""Encoding detection on real 焼津市 CSVs and on generated edge cases.

Expected offsets come from the fixtures' bytes or from the standard library's own strict
decoders, never from the code under test.
"""

from __future__ import annotations

import hashlib
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opendata_pub.errors import InputError
from opendata_pub.japan import (
    EncodingDecision,
    detect_encoding,
    detect_file_encoding,
    normalize_codec_name,
    read_text,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "jp-csv"

# (file, sha256 of the published bytes, encoding, rule, words in the header line)
REAL = [
    ("yaizu_nouen_shift_jis.csv", "5a0756829db7be4e7d24f1cd80616a96f4a8d991a2bcce70b58d7e08ec6828a8",
     "cp932", "cp932", ("農園名", "緯度", "経度")),
    ("yaizu_yakumo_map_cp932.csv", "8462241a5958d9394474cc7377e99cb3ccace1640ee7b05542495dcc1bd1385e",
     "cp932", "cp932", ("名称", "緯度", "経度")),
    ("yaizu_tourism_meals_utf8_bom.csv", "4a2f6b1c81663ed8f653207e90c8baa731e1b17030af97a75d4f982efe97f6f3",
     "utf-8-sig", "bom", ("名称", "緯度", "経度")),
    ("yaizu_aed_utf8.csv", "5aac06a0264642ec34eb43a6df656ea554fdaf801edd4849378d7570070e513c",
     "utf-8", "utf-8", ("名称", "緯度", "経度")),
]
REAL_IDS = [r[0] for r in REAL]

# A line with what breaks naive readers: NEC specials, 一 and U+3000 (NUL bytes in UTF-16), kana.
JP_LINE = "222127,一丁目　１番,①㈱髙,ｶﾅ,静岡県焼津市,34.866918\r\n"


def _utf8_error_at(data: bytes) -> int:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    raise AssertionError("expected invalid UTF-8")


def _cp932_error_at(data: bytes) -> int:
    try:
        data.decode("cp932")
    except UnicodeDecodeError as exc:
        return exc.start
    raise AssertionError("expected invalid CP932")


def _write(tmp_path: Path, data: bytes, name: str = "f.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- the real files -------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "sha256"), [(r[0], r[1]) for r in REAL], ids=REAL_IDS)
def test_fixture_bytes_are_the_published_ones(name: str, sha256: str) -> None:
    assert hashlib.sha256((FIXTURES / name).read_bytes()).hexdigest() == sha256


def test_attribution_is_kept_with_the_fixtures() -> None:
    text = (FIXTURES / "ATTRIBUTION.md").read_text(encoding="utf-8")
    for needle in ("焼津市", "出典：焼津市オープンデータ", "PDL1.0", *REAL_IDS):
        assert needle in text


@pytest.mark.parametrize(("name", "sha256", "encoding", "rule", "words"), REAL, ids=REAL_IDS)
@pytest.mark.parametrize("chunk_size", [1 << 20, 4096, 7, 3, 2, 1])
def test_real_files(name: str, sha256: str, encoding: str, rule: str, words: tuple[str, ...], chunk_size: int) -> None:
    path = FIXTURES / name
    decision = detect_file_encoding(path, chunk_size=chunk_size)
    assert (decision.encoding, decision.rule) == (encoding, rule)
    assert decision.error_offset is None
    assert decision.decodable
    assert decision.detail


@pytest.mark.parametrize(("name", "sha256", "encoding", "rule", "words"), REAL, ids=REAL_IDS)
def test_real_files_read_text(name: str, sha256: str, encoding: str, rule: str, words: tuple[str, ...]) -> None:
    path = FIXTURES / name
    data = path.read_bytes()
    text, decision = read_text(path)
    assert decision == detect_file_encoding(path) == detect_encoding(data)
    assert text == data.decode(encoding)
    header = text.splitlines()[0]
    assert not header.startswith("\ufeff")
    for word in words:
        assert word in header.split(",")


def test_shift_jis_file_is_cp932_with_utf8_evidence() -> None:
    data = (FIXTURES / "yaizu_nouen_shift_jis.csv").read_bytes()
    data.decode("shift_jis")  # really plain Shift_JIS as published
    decision = detect_encoding(data)
    assert decision.encoding == "cp932" and decision.rule == "cp932"
    assert decision.utf8_error_offset == _utf8_error_at(data) == 7  # "ID,ID2," then 0x94
    assert "7" in decision.detail and "CP932" in decision.detail


def test_cp932_only_file() -> None:
    data = (FIXTURES / "yaizu_yakumo_map_cp932.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("shift_jis")  # it holds a character plain Shift_JIS lacks (①)
    decision = detect_encoding(data)
    assert decision.encoding == "cp932" and decision.rule == "cp932"
    assert decision.utf8_error_offset == _utf8_error_at(data)
    text, _ = read_text(FIXTURES / "yaizu_yakumo_map_cp932.csv")
    assert "①" in text


def test_utf8_bom_file() -> None:
    data = (FIXTURES / "yaizu_tourism_meals_utf8_bom.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    decision = detect_encoding(data)
    assert decision.to_dict() == {"encoding": "utf-8-sig", "rule": "bom", "detail": decision.detail}


def test_declared_utf8_on_bom_file_still_strips_the_bom() -> None:
    text, decision = read_text(FIXTURES / "yaizu_tourism_meals_utf8_bom.csv", declared="UTF-8")
    assert decision.rule == "declared" and decision.encoding == "utf-8-sig"
    assert text.startswith("都道府県コード")


# --- declared ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Shift_JIS", "cp932"), ("shift_jis", "cp932"), ("SJIS", "cp932"), ("sjis", "cp932"),
        ("shift-jis", "cp932"), ("MS932", "cp932"), ("Windows-31J", "cp932"), ("cp932", "cp932"),
        ("x-sjis", "cp932"), (" Shift_JIS ", "cp932"),
        ("UTF8", "utf-8"), ("utf_8", "utf-8"), ("UTF-8", "utf-8"), ("utf-8-sig", "utf-8-sig"),
        ("UTF-16LE", "utf-16-le"), ("utf-16be", "utf-16-be"), ("UTF-16", "utf-16"),
        ("EUC-JP", "euc_jp"), ("no-such-codec", "no-such-codec"),
    ],
)
def test_normalize_codec_name(name: str, expected: str) -> None:
    assert normalize_codec_name(name) == expected


def test_declared_encoding_wins() -> None:
    data = "東京都,千代田区\n".encode("euc_jp")
    # Without the declaration the rules would never pick EUC-JP.
    assert detect_encoding(data).encoding != "euc_jp"
    decision = detect_encoding(data, declared="EUC-JP")
    assert decision.to_dict() == {
        "encoding": "euc_jp", "rule": "declared", "declared": "EUC-JP", "detail": decision.detail,
    }


def test_declared_shift_jis_reads_as_cp932(tmp_path: Path) -> None:
    original = "①㈱髙,テスト\r\n"
    path = _write(tmp_path, original.encode("cp932"))
    text, decision = read_text(path, declared="Shift_JIS")
    assert (decision.encoding, decision.rule, decision.declared) == ("cp932", "declared", "Shift_JIS")
    assert text == original


def test_declared_wrong_encoding_gives_offset(tmp_path: Path) -> None:
    data = (FIXTURES / "yaizu_aed_utf8.csv").read_bytes()
    expected = _cp932_error_at(data)
    decision = detect_encoding(data, declared="Shift_JIS")
    assert decision.rule == "declared" and decision.encoding == "cp932"
    assert decision.error_offset == expected
    assert not decision.decodable
    assert str(expected) in decision.detail and "utf-8" in decision.detail  # says what it looks like
    path = _write(tmp_path, data)
    with pytest.raises(InputError) as info:
        read_text(path, declared="Shift_JIS")
    assert str(path) in str(info.value) and f"byte {expected}" in str(info.value)


def test_declared_unknown_codec_is_undecodable() -> None:
    decision = detect_encoding(b"abc", declared="klingon-8")
    assert decision.encoding is None and decision.rule == "declared" and not decision.decodable
    assert "klingon-8" in decision.detail


def test_declared_binary_codec_is_refused() -> None:
    assert detect_encoding(b"YWJj", declared="base64").encoding is None


# --- BOMs and UTF-16 --------------------------------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(tmp_path: Path, codec: str) -> None:
    original = "名称,緯度\r\n" + JP_LINE * 3
    bom = b"\xff\xfe" if codec == "utf-16-le" else b"\xfe\xff"
    path = _write(tmp_path, bom + original.encode(codec))
    for chunk_size in (1, 3, 4096):
        decision = detect_file_encoding(path, chunk_size=chunk_size)
        assert (decision.encoding, decision.rule, decision.error_offset) == ("utf-16", "bom", None)
    text, _ = read_text(path)
    assert text == original


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(tmp_path: Path, codec: str) -> None:
    original = "名称,緯度\r\n" + JP_LINE * 3 + "𠮷野家\r\n"  # 𠮷 is a surrogate pair
    path = _write(tmp_path, original.encode(codec))
    for chunk_size in (1, 3, 4096):
        decision = detect_file_encoding(path, chunk_size=chunk_size)
        assert (decision.encoding, decision.rule, decision.error_offset) == (codec, "utf-16-nul", None)
    text, _ = read_text(path)
    assert text == original


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_mostly_japanese(codec: str) -> None:
    # Long Japanese fields with only commas and newlines in ASCII, and many 一 and U+3000,
    # which put NULs on the "wrong" side.
    original = ("説明一一一　一　文章が長い行です" * 10 + ",一丁目\r\n") * 20
    assert detect_encoding(original.encode(codec)).encoding == codec


def test_utf16_bom_then_broken_keeps_encoding_with_offset() -> None:
    data = b"\xff\xfe" + "ab".encode("utf-16-le") + b"\x00\xd8" + "c".encode("utf-16-le")  # lone surrogate
    decision = detect_encoding(data)
    assert (decision.encoding, decision.rule, decision.error_offset) == ("utf-16", "bom", 6)
    assert not decision.decodable


def test_utf8_bom_then_broken_keeps_encoding_with_offset(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + "名称,".encode() + "緯度".encode("cp932")
    expected = 3 + _utf8_error_at(data[3:])
    decision = detect_encoding(data)
    assert (decision.encoding, decision.rule, decision.error_offset) == ("utf-8-sig", "bom", expected)
    with pytest.raises(InputError, match=f"byte {expected}"):
        read_text(_write(tmp_path, data))


@pytest.mark.parametrize("lines", [2, 2000], ids=["in-sample", "after-sample"])
def test_utf16_without_bom_broken_is_undecodable_at_the_bad_unit(tmp_path: Path, lines: int) -> None:
    good = ("名称,緯度\r\n" + JP_LINE * lines).encode("utf-16-le")
    data = good + b"\x00\xdc" + "x\r\n".encode("utf-16-le")  # lone low surrogate
    decision = detect_file_encoding(_write(tmp_path, data), chunk_size=4999)
    assert (decision.encoding, decision.rule, decision.error_offset) == (None, "undecodable", len(good))
    assert "UTF-16LE" in decision.detail


# --- NUL bytes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "offset"),
    [
        ("名称,緯度\n".encode() + b"\x00" + b"x,y\n", 14),  # one stray NUL in a UTF-8 file
        (b"a,b\r\n" * 3 + b"\x00" * 1000, 15),  # zero padding after a crash
        (b"\x00", 0),
    ],
    ids=["stray-nul", "zero-padding", "one-nul"],
)
def test_nul_bytes_that_are_not_utf16_are_undecodable(data: bytes, offset: int) -> None:
    assert data.index(b"\x00") == offset
    decision = detect_encoding(data)
    assert (decision.encoding, decision.rule, decision.error_offset) == (None, "undecodable", offset)
    assert "NUL" in decision.detail


def test_binary_file_is_undecodable() -> None:
    xlsx = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + bytes(range(256)) * 4
    decision = detect_encoding(xlsx)
    assert decision.encoding is None and decision.rule == "undecodable"
    assert decision.error_offset is not None


def test_nul_after_the_sample_is_found(tmp_path: Path) -> None:
    head = (JP_LINE * 4000).encode("utf-8")  # well past the 64 KiB sample
    data = head + b"\x00tail\n"
    decision = detect_file_encoding(_write(tmp_path, data), chunk_size=10_000)
    assert (decision.encoding, decision.rule, decision.error_offset) == (None, "undecodable", len(head))
    assert decision.utf8_error_offset == len(head)
    assert "NUL" in decision.detail


def test_utf16_nul_character_after_the_sample_is_undecodable(tmp_path: Path) -> None:
    head = (JP_LINE * 2000).encode("utf-16-le")
    data = head + b"\x00\x00" + "x\r\n".encode("utf-16-le")
    decision = detect_file_encoding(_write(tmp_path, data), chunk_size=9_999)
    assert (decision.encoding, decision.error_offset) == (None, len(head))


# --- UTF-8, CP932, undecodable ---------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    path = _write(tmp_path, b"")
    decision = detect_file_encoding(path)
    assert (decision.encoding, decision.rule, decision.error_offset) == ("utf-8", "utf-8", None)
    assert read_text(path) == ("", decision)


def test_pure_ascii_is_utf8() -> None:
    as_dict = detect_encoding(b"a,b\r\n1,2\r\n").to_dict()
    assert as_dict.pop("detail")
    assert as_dict == {"encoding": "utf-8", "rule": "utf-8"}


def test_bytes_valid_in_both_utf8_and_cp932_are_utf8() -> None:
    # ﾃｱ in CP932 is 0xC3 0xB1, which is also UTF-8 for ñ: the fixed order says UTF-8 first.
    data = "ﾃｱ".encode("cp932")
    assert data.decode("utf-8") == "ñ"
    assert detect_encoding(data).encoding == "utf-8"


def test_nec_specials_round_trip_through_cp932(tmp_path: Path) -> None:
    original = "①㈱髙,ﾃｽﾄ,№\r\n"
    data = original.encode("cp932")
    with pytest.raises(UnicodeDecodeError):
        data.decode("shift_jis")
    text, decision = read_text(_write(tmp_path, data))
    assert decision.encoding == "cp932" and decision.rule == "cp932"
    assert decision.utf8_error_offset == _utf8_error_at(data) == 0
    assert text == original


@pytest.mark.parametrize(
    ("data", "utf8_at", "cp932_at"),
    [
        (b"ID,\xff\xfe\xfd,x\r\n", 3, 3),  # bytes no Japanese encoding uses
        (b"\x80", 0, 0),  # undefined in CP932 although Python's cp932 maps it to U+0080
        ("名称,".encode("cp932") + b"\xa0,x", 0, 5),  # 0xA0 alone: undefined, Python says U+F8F0
        (b"OK," + "あ".encode() + b"\xfd", 6, 5),  # 0x82 0xFD is no CP932 pair
        ("名称".encode("cp932") + b"\x81", 0, 4),  # lead byte cut off at the end
    ],
    ids=["ff-fe-fd", "0x80", "0xa0", "bad-trail", "truncated"],
)
def test_undecodable(tmp_path: Path, data: bytes, utf8_at: int, cp932_at: int) -> None:
    decision = detect_encoding(data)
    assert decision == EncodingDecision(
        None, "undecodable", utf8_error_offset=utf8_at, error_offset=cp932_at, detail=decision.detail
    )
    assert decision.to_dict()["error_offset"] == cp932_at
    path = _write(tmp_path, data)
    assert detect_file_encoding(path, chunk_size=1) == decision
    with pytest.raises(InputError) as info:
        read_text(path)
    assert str(path) in str(info.value) and f"byte {cp932_at}" in str(info.value)


def test_cp932_error_offsets_match_the_standard_library() -> None:
    data = (JP_LINE * 3).encode("cp932") + b"\x85\x40" + b"rest"  # 0x8540 is an unassigned pair
    decision = detect_encoding(data)
    assert decision.error_offset == _cp932_error_at(data)


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nothing.csv"):
        detect_file_encoding(tmp_path / "nothing.csv")
    with pytest.raises(InputError, match="nothing.csv"):
        read_text(tmp_path / "nothing.csv")


# --- chunk boundaries ------------------------------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-8", "cp932"])
def test_multibyte_character_split_at_every_chunk_boundary(tmp_path: Path, codec: str) -> None:
    original = "a" + "名称①髙" * 3 + "z"
    data = original.encode(codec)
    path = _write(tmp_path, data)
    # chunk sizes 1..len cover every split position inside every character, including "exactly
    # one byte into a character" (chunk_size 2 for UTF-8 名 at offset 1).
    for chunk_size in range(1, len(data) + 1):
        decision = detect_file_encoding(path, chunk_size=chunk_size)
        assert decision.encoding == codec, chunk_size
        assert decision.error_offset is None, chunk_size
    assert read_text(path)[0] == original


@pytest.mark.parametrize("chunk_size", range(1, 14))
def test_error_offset_is_exact_across_chunk_boundaries(tmp_path: Path, chunk_size: int) -> None:
    valid = "名称,緯度,①".encode("cp932")  # 12 bytes
    data = valid + b"\x82\xfd" + b"tail"
    path = _write(tmp_path, data)
    decision = detect_file_encoding(path, chunk_size=chunk_size)
    assert decision.error_offset == _cp932_error_at(data) == len(valid)
    assert decision.utf8_error_offset == _utf8_error_at(data)

    utf8 = "名称,緯度".encode() + b"\xe7\x84" + b"x"  # truncated 3-byte sequence
    decision = detect_file_encoding(_write(tmp_path, utf8, "u.csv"), chunk_size=chunk_size)
    assert decision.utf8_error_offset == _utf8_error_at(utf8)


@pytest.mark.parametrize("chunk_size", range(1, 9))
def test_undefined_cp932_byte_offset_across_chunk_boundaries(tmp_path: Path, chunk_size: int) -> None:
    valid = "ｱ名,ｲ".encode("cp932")  # 1 + 2 + 1 + 1 bytes: mixes one- and two-byte characters
    data = valid + b"\xa0" + "後".encode("cp932")
    decision = detect_file_encoding(_write(tmp_path, data), chunk_size=chunk_size)
    assert decision.error_offset == len(valid) == 5


# --- properties -------------------------------------------------------------------------------

# No half-width kana here: their CP932 bytes can also be valid UTF-8 (see the ﾃｱ test above).

_JP_TEXT = st.text(
    alphabet=st.sampled_from(list("abcXYZ019,.-\r\n\"' 　あいうアイウ一丁目名称緯度経度焼津①㈱髙№～")),
    max_size=200,
)


@settings(max_examples=150, deadline=None)
@given(text=_JP_TEXT, chunk_size=st.integers(min_value=1, max_value=64))
def test_round_trip_utf8_and_cp932(tmp_path_factory: pytest.TempPathFactory, text: str, chunk_size: int) -> None:
    folder = tmp_path_factory.mktemp("rt")
    for codec in ("utf-8", "cp932"):
        data = text.encode(codec)
        path = _write(folder, data)
        decision = detect_file_encoding(path, chunk_size=chunk_size)
        # ASCII-only text is UTF-8 whatever it was written as.
        assert decision.encoding == ("utf-8" if text.isascii() else codec)
        assert data.decode(decision.encoding) == text


# --- memory and volume (asserts correctness and flat memory, never time) ---------------------


def test_large_file_streams_with_flat_memory(tmp_path: Path) -> None:
    line = JP_LINE.encode("cp932")
    path = tmp_path / "big.csv"
    with path.open("wb") as fh:
        block = line * 1000
        for _ in range(160):  # about 8 MB
            fh.write(block)
    size = path.stat().st_size
    chunk = 64 * 1024
    tracemalloc.start()
    try:
        decision = detect_file_encoding(path, chunk_size=chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert decision.encoding == "cp932" and decision.rule == "cp932"
    # A few chunks' worth (the 64 KiB sample, one chunk, its decoded text), never the file.
    assert peak < 1024 * 1024 < size
