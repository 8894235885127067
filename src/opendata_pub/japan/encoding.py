"""Decide which text encoding a Japanese municipal file is in, by fixed rules, with evidence.

The rules, in order (the first that applies decides; nothing is ever guessed beyond them):

1. ``declared``   an encoding the publisher declared wins. Shift_JIS and its aliases are read as
                  CP932, the superset every Windows-made "Shift_JIS" file really is. When the
                  declared encoding cannot decode the file, the decision keeps it but carries the
                  ``error_offset`` of the first bad byte.
2. ``bom``        a UTF-8 BOM means ``utf-8-sig``; a UTF-16 BOM (either order) means ``utf-16``.
                  A file that breaks its own BOM keeps the encoding and gets an ``error_offset``.
3. ``utf-16-nul`` no BOM, but NUL bytes where ASCII in UTF-16 puts them, and the first 64 KiB
                  decode as clean, plausible text in one byte order (the one the NULs point to
                  is tried first): ``utf-16-le`` or ``utf-16-be``. Then the whole file must decode.
4. ``utf-8``      the whole file is strict UTF-8 (an empty file is UTF-8).
5. ``cp932``      the whole file is strict CP932; ``utf8_error_offset`` says where UTF-8 failed.
6. ``undecodable`` none of the above; ``encoding`` is None and ``error_offset`` says where.

A NUL byte counts as an error in every byte-oriented encoding (and U+0000 in UTF-16): it never
belongs in a CSV and it is the usual sign of a binary file or a file padded by a crash. So do the
single bytes 0x80, 0xA0 and 0xFD-0xFF in CP932, which Python decodes but Microsoft's table leaves
undefined. Bytes that are valid UTF-8 and valid CP932 alike are UTF-8 (rule 4 comes first).
Windows-1252, EUC-JP and the like are never guessed; they are used only when declared.

Files are streamed in chunks through C incremental decoders, so memory stays flat whatever the
file size. Only ``read_text`` loads a whole file. Nothing here prints.
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from opendata_pub.errors import InputError

__all__ = [
    "EncodingDecision",
    "detect_encoding",
    "detect_file_encoding",
    "normalize_codec_name",
    "read_text",
]

# The BOM and UTF-16 parity rules look only at the start of the file; 64 KiB is plenty of lines.
_SAMPLE_SIZE = 1 << 16
_CHUNK_SIZE = 1 << 20

_LABEL = {"utf-16-le": "UTF-16LE", "utf-16-be": "UTF-16BE"}

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_LE_BOM = b"\xff\xfe"
_UTF16_BE_BOM = b"\xfe\xff"

# Names people write for what is, in practice, CP932. Python's own "shift_jis" is the strict JIS
# X 0208 table and fails on ① ㈱ 髙 and the other NEC/IBM extensions every Windows file may hold.
_CODEC_ALIASES = {
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "shiftjis": "cp932",
    "sjis": "cp932",
    "s-jis": "cp932",
    "s_jis": "cp932",
    "x-sjis": "cp932",
    "x-ms-cp932": "cp932",
    "csshiftjis": "cp932",
    "ms_kanji": "cp932",
    "ms-kanji": "cp932",
    "ms932": "cp932",
    "windows-31j": "cp932",
    "cswindows31j": "cp932",
    "cp932": "cp932",
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "utf_8": "utf-8",
    "utf8-sig": "utf-8-sig",
    "utf-8-sig": "utf-8-sig",
    "utf_8_sig": "utf-8-sig",
    "utf-8-bom": "utf-8-sig",
    "utf-8 bom": "utf-8-sig",
    "utf16": "utf-16",
    "utf-16": "utf-16",
    "utf16le": "utf-16-le",
    "utf-16le": "utf-16-le",
    "utf16be": "utf-16-be",
    "utf-16be": "utf-16-be",
}

# What a Japanese file may contain: ASCII, Latin-1, Greek and Cyrillic (both in JIS X 0208),
# general symbols (① ※ ─ ■), CJK, kana, Hangul, full-width forms, and anything beyond the BMP.
# Used only to tell UTF-16LE from UTF-16BE: read in the wrong order, most characters fall outside.
_PLAUSIBLE = re.compile(
    "[\t\n\r\x20-\x7e\xa0-\xff\u0370-\u04ff\u2000-\u2bff\u2e80-\u2fdf\u3000-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00010000-\U0010ffff]+"
)

# Python's cp932 decodes the single bytes 0x80, 0xA0 and 0xFD-0xFF, which Microsoft's CP932
# table leaves undefined, to U+0080 and U+F8F0-U+F8F3. They are not text: count them as errors.
_CP932_UNDEFINED = "\x80\uf8f0\uf8f1\uf8f2\uf8f3"

# Characters that real text in a CSV never contains; finding them after a trial UTF-16 decode
# means the NUL bytes came from binary data, not from ASCII in UTF-16.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class EncodingDecision:
    """Which encoding a file is in, which rule decided it, and the evidence.

    ``encoding`` is a codec name for ``open()``, or None when the file cannot be decoded at all.
    When ``error_offset`` is set together with ``encoding`` (a declared encoding or a BOM that the
    bytes contradict), the encoding is known but the file still cannot be decoded cleanly: use
    ``decodable`` rather than testing ``encoding`` alone.
    """

    encoding: str | None
    rule: str
    utf8_error_offset: int | None = None
    error_offset: int | None = None
    declared: str | None = None
    detail: str = ""

    @property
    def decodable(self) -> bool:
        """True when the whole file decodes cleanly with ``encoding`` (the only case to go on reading)."""
        return self.encoding is not None and self.error_offset is None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"encoding": self.encoding, "rule": self.rule}
        for name in ("utf8_error_offset", "error_offset", "declared", "detail"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out


def _cp932_undefined(text: str) -> int:
    """Index of the first character decoded from an undefined CP932 byte, or -1."""
    # Five str.find calls run at memory speed; one regex character class would halve throughput.
    hits = [i for i in map(text.find, _CP932_UNDEFINED) if i >= 0]
    return min(hits) if hits else -1


def normalize_codec_name(name: str) -> str:
    """Return the codec name we use for ``name``: Shift_JIS and its aliases become ``cp932``.

    Unknown names come back stripped and lower-cased (the caller finds out they are unknown when
    decoding), so this never raises.
    """
    key = name.strip().lower()
    if key in _CODEC_ALIASES:
        return _CODEC_ALIASES[key]
    try:
        canonical = codecs.lookup(key).name
    except LookupError:
        return key
    return _CODEC_ALIASES.get(canonical, canonical)


# A source yields the file's bytes from offset 0 each time it is called: the UTF-8 and CP932
# rules need two passes over a file, and only when UTF-8 fails.
_Source = Callable[[], Generator[bytes, None, None]]


@dataclass(frozen=True, slots=True)
class _Failure:
    offset: int
    bad: bytes
    nul: bool = False

    def describe(self) -> str:
        if self.nul:
            return f"NULバイト (オフセット {self.offset})"
        shown = " ".join(f"0x{b:02X}" for b in self.bad[:4]) or "途中で終わるバイト列"
        return f"不正なバイト {shown} (オフセット {self.offset})"


def _scan(source: _Source, codec: str, *, skip: int = 0, nul: str = "byte") -> _Failure | None:
    """Decode the whole source strictly with ``codec``, from byte ``skip``; return the first failure.

    ``nul`` is "byte" to treat a 0x00 byte as a failure (byte-oriented codecs), "utf16" to treat a
    decoded U+0000 as one (``codec`` must then be utf-16-le or utf-16-be), "" for neither.
    """
    cp932 = codec == "cp932"
    decoder = codecs.getincrementaldecoder(codec)("strict")
    pos = 0  # absolute offset of the first byte of `chunk`
    chunks = source()
    try:
        for chunk in chunks:
            if pos < skip:
                cut = min(skip - pos, len(chunk))
                chunk = chunk[cut:]
                pos += cut
                if not chunk:
                    continue
            at_nul = chunk.find(b"\x00") if nul == "byte" else -1
            fed = chunk if at_nul < 0 else chunk[:at_nul]
            pending = len(decoder.getstate()[0]) if nul == "utf16" or cp932 else 0
            try:
                # final=True before a NUL: an incomplete sequence just before it is the real error.
                text = decoder.decode(fed, at_nul >= 0)
            except UnicodeDecodeError as exc:
                # The decoders report positions in (bytes they held back + this chunk).
                start = pos + len(fed) - len(exc.object) + exc.start
                return _Failure(start, bytes(exc.object[exc.start:exc.end]))
            if cp932 and (at := _cp932_undefined(text)) >= 0:
                # Every CP932 character is one byte (ASCII, half-width kana) or two.
                size = sum(1 if c < "\x80" or "\uff61" <= c <= "\uff9f" else 2 for c in text[:at])
                return _Failure(pos - pending + size, text[at].encode("cp932"))
            if at_nul >= 0:
                return _Failure(pos + at_nul, b"\x00", nul=True)
            if nul == "utf16" and "\x00" in text:
                index = text.index("\x00")
                # Each code unit is 2 bytes; characters beyond the BMP took two units.
                units = index + sum(1 for c in text[:index] if ord(c) > 0xFFFF)
                return _Failure(pos - pending + 2 * units, b"\x00\x00", nul=True)
            pos += len(chunk)
        try:
            decoder.decode(b"", True)
        except UnicodeDecodeError as exc:
            return _Failure(pos - len(exc.object) + exc.start, bytes(exc.object[exc.start:exc.end]))
        return None
    finally:
        chunks.close()


def _nul_mode(codec: str) -> str:
    if codec in ("utf-16-le", "utf-16-be"):
        return "utf16"
    if codec.startswith(("utf-16", "utf-32", "utf_16", "utf_32")):
        return ""
    return "byte"


def _utf16_by_nuls(sample: bytes) -> tuple[str | None, str, int | None]:
    """Say whether a BOM-less sample with NUL bytes is UTF-16 and in which byte order, and why.

    The third value is the offset that breaks a sample whose NULs clearly say UTF-16.
    """
    nul_even = sample[0::2].count(0)
    nul_odd = sample[1::2].count(0)
    counts = f"偶数オフセット {nul_even} 個、奇数オフセット {nul_odd} 個"
    even = sample[: len(sample) - len(sample) % 2]
    units = len(even) // 2
    nuls = nul_even + nul_odd
    # ASCII in UTF-16 puts a NUL in every such unit, and CSV needs commas and newlines. One
    # stray NUL in a UTF-8 file is no evidence, unless the file is a single ASCII character.
    if not units or nuls * 64 < units or (nuls < 2 and nuls != units):
        return None, f"NULバイトが少ない ({counts})", None
    # Where the NULs are says which byte order to try first (ASCII "A" is 41 00 in LE). The
    # decoded text has the last word: 一 (U+4E00) and U+3000 put their NULs on the other side,
    # and text read in the wrong order is full of characters no Japanese file contains.
    order = ("utf-16-le", "utf-16-be") if nul_odd >= nul_even else ("utf-16-be", "utf-16-le")
    best: tuple[int, str, int] | None = None
    problem, problem_at = "", None
    for codec in order:
        decoder = codecs.getincrementaldecoder(codec)("strict")
        try:
            text = decoder.decode(even, False)
        except UnicodeDecodeError as exc:
            if not problem:
                problem, problem_at = f"{_LABEL[codec]}としてオフセット {exc.start} で不正", exc.start
            continue
        bad = _NOT_TEXT.search(text)
        if bad:
            at = 2 * (bad.start() + sum(1 for c in text[: bad.start()] if ord(c) > 0xFFFF))
            if not problem:
                problem, problem_at = f"{_LABEL[codec]}で読むとオフセット {at} が制御文字", at
            continue
        implausible = len(_PLAUSIBLE.sub("", text))
        if best is None or implausible < best[0]:
            best = (implausible, codec, len(text))
    if best is None:
        # NULs nearly all on one side are UTF-16 that is broken; balanced ones (zero padding,
        # binary data) are no text at all, and the first NUL is the place to show.
        lopsided = max(nul_even, nul_odd) >= 4 * min(nul_even, nul_odd)
        return None, f"{problem} ({counts})", problem_at if lopsided else None
    implausible, codec, length = best
    if implausible * 8 > length:
        return None, f"UTF-16として読むと日本語の文書にない文字が多い ({counts})", None
    return codec, counts, None


def _detect(sample: bytes, source: _Source, declared: str | None) -> EncodingDecision:
    if declared is not None and declared.strip():
        return _detect_declared(sample, source, declared)

    if sample.startswith(_UTF8_BOM):
        fail = _scan(source, "utf-8", skip=3)
        return _strong("utf-8-sig", "bom", "UTF-8のBOMあり", fail)
    for bom, codec in ((_UTF16_LE_BOM, "utf-16-le"), (_UTF16_BE_BOM, "utf-16-be")):
        if sample.startswith(bom):
            fail = _scan(source, codec, skip=2, nul="utf16")
            return _strong("utf-16", "bom", f"{_LABEL[codec]}のBOMあり", fail)

    if b"\x00" in sample:
        codec16, why, broken_at = _utf16_by_nuls(sample)
        if codec16 is None:
            if broken_at is not None:
                return EncodingDecision(None, "undecodable", error_offset=broken_at, detail=f"NULバイトの位置はUTF-16らしいが{why}")
            first_nul = sample.index(b"\x00")
            return EncodingDecision(
                None, "undecodable", error_offset=first_nul, detail=f"NULバイト (オフセット {first_nul}) を含み、UTF-16でもない: {why}"
            )
        fail = _scan(source, codec16, nul="utf16")
        if fail is None:
            return EncodingDecision(codec16, "utf-16-nul", detail=f"BOMなし、NULバイトの位置 ({why}) から{_LABEL[codec16]}と判定")
        return EncodingDecision(
            None, "undecodable", error_offset=fail.offset,
            detail=f"NULバイトの位置はUTF-16らしいが{_LABEL[codec16]}として{fail.describe()}",
        )

    utf8_fail = _scan(source, "utf-8")
    if utf8_fail is None:
        return EncodingDecision("utf-8", "utf-8", detail="全体がUTF-8として正しい" if sample else "空のファイル")
    if utf8_fail.nul:
        # UTF-8 was fine up to the NUL; blaming CP932 at some earlier UTF-8 kanji would mislead.
        return EncodingDecision(
            None, "undecodable", utf8_error_offset=utf8_fail.offset, error_offset=utf8_fail.offset,
            detail=f"UTF-8として読めるが{utf8_fail.describe()}を含む",
        )
    cp932_fail = _scan(source, "cp932")
    if cp932_fail is None:
        return EncodingDecision(
            "cp932", "cp932", utf8_error_offset=utf8_fail.offset,
            detail=f"UTF-8として{utf8_fail.describe()} のためCP932と判定",
        )
    return EncodingDecision(
        None, "undecodable", utf8_error_offset=utf8_fail.offset, error_offset=cp932_fail.offset,
        detail=f"UTF-8として{utf8_fail.describe()}、CP932として{cp932_fail.describe()}",
    )


def _strong(encoding: str, rule: str, evidence: str, fail: _Failure | None) -> EncodingDecision:
    if fail is None:
        return EncodingDecision(encoding, rule, detail=evidence)
    return EncodingDecision(encoding, rule, error_offset=fail.offset, detail=f"{evidence}だが{fail.describe()}")


def _detect_declared(sample: bytes, source: _Source, declared: str) -> EncodingDecision:
    codec = normalize_codec_name(declared)
    named = codec if codec == declared.strip().lower() else f"{codec} ({declared.strip()})"
    try:
        info = codecs.lookup(codec)
    except LookupError:
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):
        return EncodingDecision(
            None, "declared", declared=declared, detail=f"宣言された文字コード {declared.strip()} は扱えない文字コード名",
        )

    # A BOM that agrees with the declaration is stripped by the codec we hand back, so the first
    # header name never starts with U+FEFF. The scan starts after the BOM.
    encoding, scan_codec, skip = codec, codec, 0
    bom_note = ""
    if codec in ("utf-8", "utf-8-sig") and sample.startswith(_UTF8_BOM):
        encoding, scan_codec, skip = "utf-8-sig", "utf-8", 3
    elif codec in ("utf-16", "utf-16-le") and sample.startswith(_UTF16_LE_BOM):
        encoding, scan_codec, skip = "utf-16", "utf-16-le", 2
    elif codec in ("utf-16", "utf-16-be") and sample.startswith(_UTF16_BE_BOM):
        encoding, scan_codec, skip = "utf-16", "utf-16-be", 2
    elif codec == "utf-8-sig":
        scan_codec = "utf-8"
    elif sample.startswith(_UTF8_BOM):
        bom_note = "、ただしUTF-8のBOMあり"
    elif sample.startswith((_UTF16_LE_BOM, _UTF16_BE_BOM)) and not codec.startswith("utf-16"):
        bom_note = "、ただしUTF-16のBOMあり"

    fail = _scan(source, scan_codec, skip=skip, nul=_nul_mode(scan_codec))
    if fail is None:
        return EncodingDecision(encoding, "declared", declared=declared, detail=f"宣言された文字コード {named} で読める{bom_note}")
    # Say what the bytes look like instead, so the publisher can fix the declaration.
    guess = _detect(sample, source, None)
    hint = f"自動判定では {guess.encoding}" if guess.decodable else "自動判定でも読めない"
    return EncodingDecision(
        encoding, "declared", error_offset=fail.offset, declared=declared,
        detail=f"宣言された文字コード {named} では{fail.describe()} のため読めない{bom_note}。{hint}",
    )


def detect_encoding(data: bytes, *, declared: str | None = None) -> EncodingDecision:
    """Decide the encoding of ``data`` (a whole file's bytes) by the module's fixed rules."""
    whole = bytes(data)

    def source() -> Generator[bytes, None, None]:
        # Slices, not one piece: the decoded text of a whole file would be several times its size.
        for start in range(0, len(whole), _CHUNK_SIZE):
            yield whole[start : start + _CHUNK_SIZE]

    return _detect(whole[:_SAMPLE_SIZE], source, declared)


def detect_file_encoding(
    path: str | os.PathLike[str], *, declared: str | None = None, chunk_size: int = _CHUNK_SIZE
) -> EncodingDecision:
    """Decide the encoding of the file at ``path``, streaming it ``chunk_size`` bytes at a time.

    Raises ``InputError`` when the file cannot be opened or read.
    """
    if chunk_size < 1:
        raise ValueError("chunk_size must be positive")
    name = os.fspath(path)
    try:
        with open(name, "rb") as fh:
            sample = fh.read(_SAMPLE_SIZE)

        def source() -> Generator[bytes, None, None]:
            with open(name, "rb") as fh:
                while chunk := fh.read(chunk_size):
                    yield chunk

        return _detect(sample, source, declared)
    except OSError as exc:
        raise InputError(f"ファイルを読めない: {exc.strerror or exc}", path=str(name)) from exc


def read_text(path: str | os.PathLike[str], *, declared: str | None = None) -> tuple[str, EncodingDecision]:
    """Read the whole file at ``path`` as text, with the decision that chose its encoding.

    Newlines are returned as they are in the file (no translation), as the csv module wants.
    Raises ``InputError`` naming the file and the byte when it cannot be decoded.
    """
    name = os.fspath(path)
    try:
        data = Path(name).read_bytes()
    except OSError as exc:
        raise InputError(f"ファイルを読めない: {exc.strerror or exc}", path=str(name)) from exc
    decision = detect_encoding(data, declared=declared)
    if not decision.decodable or decision.encoding is None:
        where = f"byte {decision.error_offset}" if decision.error_offset is not None else None
        raise InputError(
            f"文字コードを判定できない: {decision.detail}",
            path=str(name),
            where=where,
            hint="UTF-8 (BOMなしでもよい) で保存し直すか、正しい文字コードを宣言してください",
        )
    return data.decode(decision.encoding), decision
