"""The YAML authoring format of an evaluation record: one human-editable file per evaluation.

``dump_record`` writes a record as YAML that municipal staff can read and correct: Japanese kept as
is (``allow_unicode``), long texts as literal blocks, keys in a fixed order (the model's field order,
contract column names at the top level), empty values as empty keys, decimals as plain numbers
written exactly (68.0 stays 68.0, never a binary float). ``load_record`` reads such a file back and
names the file, the line and the key path of anything it cannot accept. YAML → record → YAML is
lossless: re-dumping a loaded file gives the same bytes. The format is described in README.md and
versioned by ``FORMAT_VERSION``.

Fields the contract gained after the format was first written (the model marks them with the
metadata ``omit_empty``: 施策体系, contact, grade_scale, staffing, assessments, a program's code, an
indicator's kind and code) are left out while empty. So a file that uses none of them is still a
version 1 file, byte for byte what this module wrote before they existed, and FORMAT_VERSION stays
1: an older reader rejects only files that use the new keys, with its "unknown key" message.

This module must not print, read files, or judge the content (sums, grades, codes): that is the
validation rules' job. It only checks that each value has the type the model needs.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

from ..errors import InputError
from ..yamlio import (
    MAX_YAML_BYTES,
    DuplicateKeyError,
    LineMap,
    YamlSyntaxError,
    dump_yaml,
    parse_yaml_with_lines,
)
from ..yamlio import ExactInt as _Int
from .model import EvaluationRecord

__all__ = ["FORMAT_NAME", "FORMAT_VERSION", "dump_record", "load_record"]

FORMAT_NAME = "opendata-pub-evaluation"
FORMAT_VERSION = 1

# Strings longer than this (or with line breaks) are written as literal blocks, which keep Japanese
# paragraphs readable and diffable line by line.
_BLOCK_THRESHOLD = 50



# --------------------------------------------------------------------------------------------------
# dumping


# Codes such as 082112 are strings to us but numbers to YAML 1.2 readers and to people: quote them.
_NUMBER_LIKE = re.compile(r"^[-+]?[0-9][0-9_.,:eE+-]*$")


# Line breaks YAML normalises (NEL, LS, PS, CR) survive only as escapes in a double-quoted scalar.
_NEEDS_ESCAPE = re.compile("[\x85\u2028\u2029\r]")


def _str_style(value: str) -> str | None:
    if _NEEDS_ESCAPE.search(value):
        return '"'
    if "\n" in value or len(value) > _BLOCK_THRESHOLD:
        return "|"
    if _NUMBER_LIKE.match(value):
        return "'"
    return None


def _omitted(f: dataclasses.Field[Any], value: Any) -> bool:
    # Only None and the empty tuple: an empty string or a 0 was printed, and is kept.
    return bool(f.metadata.get("omit_empty")) and (value is None or value == ())


def _to_plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _to_plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if not _omitted(f, getattr(value, f.name))
        }
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple):
        return [_to_plain(v) for v in value]
    return value


def dump_record(record: EvaluationRecord) -> str:
    """The YAML text of ``record`` (UTF-8 safe, ends with a newline)."""
    document: dict[str, Any] = {"format": FORMAT_NAME, "format_version": FORMAT_VERSION}
    document.update(_to_plain(record))
    # Decimals as plain numbers written exactly, empty values as empty keys; never fold a line:
    # folding Japanese text at spaces only confuses editors.
    return dump_yaml(document, str_style=_str_style, empty_null=True, width=1_000_000, indent=2)


# --------------------------------------------------------------------------------------------------
# loading


_Map = LineMap


class _Bad(Exception):
    """A value that does not fit the model, with the key path and line where it is."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.message = message


def _describe(value: Any) -> str:
    if value is None:
        return "空"
    text = repr(value) if not isinstance(value, str) else f"「{value}」"
    return text if len(text) <= 40 else text[:37] + "…"


def _convert_scalar(hint: Any, value: Any, path: str, line: int | None) -> Any:
    if isinstance(hint, type) and issubclass(hint, Enum):
        allowed = [m.value for m in hint]
        if isinstance(value, str) and value in allowed:
            return hint(value)
        raise _Bad(path, line, f"{' / '.join(allowed)} のいずれかを書いてください（{_describe(value)}）")
    if hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return int(value)
        if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
            return int(value)
        raise _Bad(path, line, f"整数を書いてください（{_describe(value)}）")
    if hint is Decimal:
        if isinstance(value, _Int):
            try:
                return Decimal(value.raw.replace("_", ""))
            except InvalidOperation:
                return Decimal(int(value))
        if isinstance(value, int) and not isinstance(value, bool):
            return Decimal(value)
        if isinstance(value, Decimal) and value.is_finite():
            return value
        if isinstance(value, str):
            try:
                number = Decimal(value.strip())
            except InvalidOperation:
                number = None
            if number is not None and number.is_finite():
                return number
        raise _Bad(path, line, f"数値を書いてください（{_describe(value)}）。数値がないときは空にします")
    if hint is str:
        if isinstance(value, str):
            return value
        # A code typed without quotes (513, 082112) would change on the way (octal, lost zeros).
        raise _Bad(path, line, f"文字列を書いてください（{_describe(value)}）。数字だけの値は '513' のように引用符で囲みます")
    raise TypeError(f"unsupported field type {hint!r}")  # a model change this module missed


def _unwrap_optional(hint: Any) -> tuple[Any, bool]:
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        return rest[0], True
    return hint, False


def _convert_tuple(hint: Any, value: Any, where: str, value_line: int | None) -> tuple[Any, ...]:
    """A list of dataclass items (programs, costs …) or of scalars (grade_scale)."""
    item_cls = typing.get_args(hint)[0]
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _Bad(where, value_line, f"リスト（- で始まる項目）を書いてください（{_describe(value)}）")
    item_lines = getattr(value, "item_lines", [value_line] * len(value))
    items = []
    for i, item in enumerate(value):
        item_where = f"{where}[{i}]"
        if isinstance(item_cls, type) and dataclasses.is_dataclass(item_cls):
            items.append(_convert(item_cls, item, item_where, item_lines[i]))
        elif item is None:
            raise _Bad(item_where, item_lines[i], "空にできません")
        else:
            items.append(_convert_scalar(item_cls, item, item_where, item_lines[i]))
    return tuple(items)


def _convert(cls: type, data: Any, path: str, line: int | None) -> Any:
    """Build dataclass ``cls`` from a loaded mapping, checking every key and type."""
    if not isinstance(data, Mapping):
        raise _Bad(path or "(文書)", line, f"キーと値の組（マッピング）を書いてください（{_describe(data)}）")
    key_lines: Mapping[Any, int] = getattr(data, "key_lines", {})
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    for key in data:
        if key not in names:
            where = f"{path}.{key}" if path else str(key)
            known = "、".join(names)
            raise _Bad(where, key_lines.get(key, line), f"知らないキーです（使えるキー: {known}）")
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        where = f"{path}.{f.name}" if path else f.name
        if f.name not in data:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise _Bad(where, line, "必須のキーがありません")
            continue
        value = data[f.name]
        value_line = key_lines.get(f.name, line)
        hint, optional = _unwrap_optional(hints[f.name])
        if typing.get_origin(hint) is tuple:
            kwargs[f.name] = _convert_tuple(hint, value, where, value_line)
        elif value is None and optional:
            kwargs[f.name] = None  # an empty key: also for a nested record such as contact
        elif dataclasses.is_dataclass(hint):
            assert isinstance(hint, type)
            kwargs[f.name] = _convert(hint, value, where, value_line)
        elif value is None:
            if not optional:
                raise _Bad(where, value_line, "空にできません")
            kwargs[f.name] = None
        else:
            kwargs[f.name] = _convert_scalar(hint, value, where, value_line)
    return cls(**kwargs)


def _check_unique(record: EvaluationRecord, data: Mapping[str, Any]) -> None:
    # Numbers make the ids; two programs with one number would give two rows with one key.
    numbered: tuple[tuple[str, list[int]], ...] = (
        ("programs", [p.number for p in record.programs]),
        ("indicators", [i.number for i in record.indicators]),
        ("challenges", [c.number for c in record.challenges]),
        ("assessments", [a.number for a in record.assessments]),
    )
    for name, numbers in numbered:
        seen: set[int] = set()
        lines = getattr(data.get(name), "item_lines", [])
        for i, no in enumerate(numbers):
            if no in seen:
                raise _Bad(f"{name}[{i}].number", lines[i] if i < len(lines) else None, f"番号 {no} が重複しています")
            seen.add(no)
    lines = getattr(data.get("indicators"), "item_lines", [])
    for i, indicator in enumerate(record.indicators):
        years: set[int] = set()
        for j, value in enumerate(indicator.values):
            if value.fiscal_year in years:
                raise _Bad(
                    f"indicators[{i}].values[{j}].fiscal_year",
                    lines[i] if i < len(lines) else None,
                    f"年度 {value.fiscal_year} が重複しています",
                )
            years.add(value.fiscal_year)


def load_record(text: str, *, source: str) -> EvaluationRecord:
    """Read one evaluation record from YAML ``text``; ``source`` names the file in errors.

    Raises ``InputError`` (with the line, and the key path in the message) for YAML that does not
    parse or for a value that does not fit: an unknown key, a missing required key, a word where a
    number belongs, an unknown stage/category/direction, a duplicate number.
    """
    if len(text) > MAX_YAML_BYTES:
        raise InputError(f"YAML が大きすぎます ({len(text):,} 文字、上限 {MAX_YAML_BYTES:,})", path=source)
    try:
        data = parse_yaml_with_lines(text)  # strict and safe: no Python objects
    except DuplicateKeyError as exc:
        raise InputError(f"キー「{exc.key}」が二度書かれています", path=source, where=f"line {exc.line}") from None
    except YamlSyntaxError as exc:
        raise InputError(f"YAMLとして読めません: {exc.problem}", path=source, where=exc.where) from None
    if not isinstance(data, Mapping):
        raise InputError("評価レコードのYAMLではありません（先頭がキーと値の組ではありません）", path=source)
    key_lines: Mapping[Any, int] = getattr(data, "key_lines", {})
    fmt = data.get("format")
    if fmt != FORMAT_NAME:
        raise InputError(
            f"format: {FORMAT_NAME} と書かれた評価レコードではありません（{_describe(fmt)}）",
            path=source,
            where=f"line {key_lines.get('format', 1)}",
        )
    version = data.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= FORMAT_VERSION:
        raise InputError(
            f"format_version {_describe(version)} は読めません（このツールが読めるのは {FORMAT_VERSION} まで）",
            path=source,
            where=f"line {key_lines.get('format_version', 1)}",
            hint="opendata-pub を新しい版に更新してください",
        )
    body = _Map({k: v for k, v in data.items() if k not in ("format", "format_version")})
    body.line = getattr(data, "line", 1)
    body.key_lines = dict(key_lines)
    try:
        record = _convert(EvaluationRecord, body, "", body.line)
        _check_unique(record, body)
    except _Bad as exc:
        where = f"line {exc.line}" if exc.line is not None else None
        raise InputError(f"{exc.path}: {exc.message}", path=source, where=where) from None
    assert isinstance(record, EvaluationRecord)
    return record

