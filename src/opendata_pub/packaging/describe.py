"""Describe a delimited file the way Japanese municipal files need: encoding with its evidence,
dialect, and a Table Schema that never loses leading zeros.

frictionless infers the dialect and the first-cut types; we then correct the types it gets wrong for
Japanese public data: a column of codes (団体コード, 郵便番号, 電話番号, 法人番号, ID …) is a string
even when every value is digits, because ``082112`` as an integer is ``82112`` — a different
municipality. Reads the file (streamed for the encoding; a sample of rows for inference).
"""

from __future__ import annotations

import csv
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..japan.encoding import EncodingDecision, detect_file_encoding
from ..standards import match_standard, schema_for_headers, standard_info
from .frictionless_io import infer_table

__all__ = ["Description", "describe_file"]

# Column names that hold identifiers, not quantities (matched after NFKC, case-insensitive).
_CODE_NAME = re.compile(
    r"(コード|ｺｰﾄﾞ|番号|郵便|電話|ＴＥＬ|tel|fax|ファックス|ファクス|ＩＤ|(^|[_\s])id($|[_\s])|^no$|法人番号|"
    r"code|zip|postal|phone|郵便番号|〒|内線)",
    re.IGNORECASE,
)
_LEADING_ZERO = re.compile(r"^[+-]?0\d")
_PHONE_LIKE = re.compile(r"^\(?\d{2,5}\)?[-‐－ー]\d{1,4}[-‐－ー]\d{3,4}$")
_SAMPLE_ROWS = 10_000


@dataclass
class Description:
    path: str
    encoding: EncodingDecision
    dialect: dict[str, Any]
    schema: dict[str, Any]
    rows_sampled: int
    notes: list[str] = field(default_factory=list)
    standard: dict[str, Any] | None = None  # the standard dataset the header matches, if any
    header: list[str] = field(default_factory=list)  # the first row, as read

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path,
            "encoding": self.encoding.to_dict(),
            "dialect": self.dialect,
            "schema": self.schema,
            "rowsSampled": self.rows_sampled,
            "notes": list(self.notes),
            "header": list(self.header),
        }
        if self.standard is not None:
            out["standard"] = self.standard
        return out


def _sample(path: Path, encoding: str, delimiter: str, limit: int) -> tuple[list[str], list[list[str]]]:
    with path.open("r", encoding=encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            return [], []
        except csv.Error as exc:
            raise InputError(f"CSV として読めません: {exc}", path=str(path), where="line 1") from exc
        rows = []
        try:
            for row in reader:
                rows.append(row)
                if len(rows) >= limit:
                    break
        except csv.Error as exc:
            raise InputError(f"CSV として読めません: {exc}", path=str(path),
                             where=f"line {reader.line_num}") from exc
    return header, rows


def _is_code_column(name: str, values: list[str]) -> str | None:
    """Why a column inferred as a number must stay a string, or None."""
    present = [v.strip() for v in values if v.strip()]
    if any(_LEADING_ZERO.match(v) for v in present):
        return "先頭が 0 の値がある"
    if any(_PHONE_LIKE.match(v) for v in present):
        return "電話番号の形の値がある"
    if _CODE_NAME.search(unicodedata.normalize("NFKC", name)):
        return "列名がコード・番号を表す"
    return None


def _encoding(p: Path, declared_encoding: str | None) -> tuple[EncodingDecision, str]:
    """The file's encoding decision and encoding; a missing, empty or undecodable file cannot be described."""
    if not p.is_file():
        raise InputError("ファイルがありません", path=str(p))
    if p.stat().st_size == 0:
        raise InputError("ファイルが空です (0 バイト)", path=str(p))
    decision = detect_file_encoding(p, declared=declared_encoding)
    if decision.encoding is None or decision.error_offset is not None:
        raise InputError(f"文字コードを判定できません: {decision.detail}", path=str(p),
                         where=f"byte {decision.error_offset}" if decision.error_offset is not None else None)
    return decision, decision.encoding


def _dialect(inferred: dict[str, Any], p: Path) -> dict[str, Any]:
    """Our dialect from frictionless's: the delimiter (by extension when it found none) and header rows."""
    dialect = dict(inferred.get("dialect") or {})
    csv_control: dict[str, Any] = next((c for c in dialect.get("controls", []) if c.get("type") == "csv"), {})
    delimiter = csv_control.get("delimiter", "\t" if p.suffix.lower() in {".tsv", ".tab"} else ",")
    dialect_out = {"delimiter": delimiter, "header": dialect.get("header", True)}
    if dialect.get("headerRows"):
        dialect_out["headerRows"] = dialect["headerRows"]
    return dialect_out


def _has_fullwidth_numbers(values: list[str]) -> bool:
    return any(
        unicodedata.normalize("NFKC", v) != v and re.fullmatch(r"[０-９，．－]+", v.strip()) for v in values if v
    )


def _correct_field(inferred: dict[str, Any], values: list[str], notes: list[str]) -> dict[str, Any]:
    """One field with the type frictionless got wrong corrected; what was done (or should be) goes to notes."""
    f = dict(inferred)
    # A code column of digits must stay a string: 082112 as an integer is another municipality.
    if f.get("type") in {"integer", "number", "year"}:
        reason = _is_code_column(str(f.get("name", "")), values)
        if reason:
            f["type"] = "string"
            notes.append(f"列「{f.get('name')}」は数値ではなく文字列として扱います ({reason})")
    if f.get("type") == "string" and _has_fullwidth_numbers(values):
        notes.append(f"列「{f.get('name')}」に全角数字の値があります (数値として扱うには半角に直してください)")
    return f


def _header_notes(header: list[str]) -> list[str]:
    notes = []
    if len(header) != len(set(header)):
        dupes = sorted({h for h in header if header.count(h) > 1})
        notes.append(f"見出しが重複しています: {', '.join(dupes)}")
    if any(not h.strip() for h in header):
        notes.append("見出しが空の列があります")
    return notes


def _standard(header: list[str]) -> dict[str, Any] | None:
    """The standard dataset the header matches, with its schema under the file's own header names."""
    match = match_standard(header) if header else None
    if match is None:
        return None
    info = standard_info(match.standard_id)
    return {
        "id": match.standard_id,
        "version": match.version,
        "title": match.title,
        # which layout: None for the current one, else the older one ("suisho": 旧推奨データセット)
        "variant": {"id": match.variant, "title": match.layout} if match.variant else None,
        "provisional": info.provisional,
        "score": round(match.score, 3),
        "coverage": round(match.coverage, 3),
        "mapping": dict(match.mapping),
        "unmatched": list(match.unmatched),
        # the standard's schema under the file's own header names: validate the file against it as is
        "schema": schema_for_headers(header, match),
    }


def describe_file(path: str | os.PathLike[str], *, declared_encoding: str | None = None) -> Description:
    """Describe the delimited file at ``path``; raises InputError when it cannot be read at all."""
    p = Path(path)
    decision, encoding = _encoding(p, declared_encoding)
    try:
        inferred = infer_table(p, encoding=encoding)
    except InputError as exc:
        raise InputError(f"表として読めません: {exc}", path=str(p)) from exc
    dialect = _dialect(inferred, p)
    schema = dict(inferred.get("schema") or {"fields": []})
    # frictionless infers from its own sample; the corrections look at ours, read with its delimiter.
    header, rows = _sample(p, encoding, dialect["delimiter"], _SAMPLE_ROWS)
    notes: list[str] = []
    schema["fields"] = [_correct_field(f, [r[i] for r in rows if i < len(r)], notes)
                        for i, f in enumerate(schema.get("fields", []))]
    notes += _header_notes(header)
    return Description(
        standard=_standard(header),
        header=header,
        path=str(p),
        encoding=decision,
        dialect=dialect,
        schema=schema,
        rows_sampled=len(rows),
        notes=notes,
    )
