"""Recognise which standard a CSV header follows, and validate the file under its own header names.

Real files name their columns in many ways: the old 推奨データセット names (``住所`` for
``所在地_連結表記``, ``NO`` for ``ID``), data-model prefixes (``投票所_名称``), full-width letters and
brackets (``名称（カナ）``), half-width katakana, stray spaces and BOMs, numbered headers (``1.名称``).
``header_key`` folds all of these to one comparison key; a schema's field names, its ``aliases`` and
its ``headerPrefixes`` are folded the same way.

``match_standard(headers)`` tries every shipped standard and returns the best ``StandardMatch`` that
has all required fields (``score`` = share of required fields found) and maps enough of the file's
columns (``coverage``), or None. ``schema_for_headers`` turns a match into a Table Schema whose fields
are the file's own headers, in the file's order, each carrying the standard field's type, constraints,
title and description and a ``standardField`` property naming the standard field — so frictionless can
validate the file as it is, and domain rules can find a standard column by its standard name.
"""

from __future__ import annotations

import copy
import csv
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import UsageError
from .registry import _descriptor, _descriptors, _resolve

__all__ = [
    "DEFAULT_MIN_COVERAGE",
    "DEFAULT_MIN_FIELDS",
    "DEFAULT_MIN_SCORE",
    "StandardMatch",
    "header_key",
    "match_headers",
    "match_standard",
    "rank_standards",
    "read_header",
    "rename_to_standard",
    "schema_for_headers",
]

TABLE_SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"

DEFAULT_MIN_SCORE = 1.0  # every required field of the standard must be there
DEFAULT_MIN_COVERAGE = 0.6  # and at least 60 % of the file's columns must be the standard's
DEFAULT_MIN_FIELDS = 3  # and at least three columns must map at all

# katakana → hiragana, so ナマエ / なまえ / ﾅﾏｴ (NFKC makes it ナマエ) compare equal
_KATA_TO_HIRA = str.maketrans({chr(c): chr(c - 0x60) for c in range(0x30A1, 0x30F7)})
_NUMBERED = re.compile(r"^[0-9]+[.)](?=\D)")
_SPACE = re.compile(r"\s+")
_UNDERSCORES = re.compile(r"_+")


def header_key(text: str) -> str:
    """The comparison key of a header: width, case, kana, spacing and bracket variants folded away.

    ``"名称（カナ）"``, ``"名称_カナ"``, ``" 名称＿ｶﾅ"`` and ``"名称_かな"`` all give ``"名称_かな"``;
    ``"建物名等(方書)"`` gives ``"建物名等_方書"``; a leading ``"3."`` numbering is dropped.
    """
    s = unicodedata.normalize("NFKC", text.replace("\ufeff", ""))
    s = _SPACE.sub("", s).strip("\"'")
    s = _NUMBERED.sub("", s)
    s = s.translate(_KATA_TO_HIRA).casefold()
    for opening in "([{【〔":
        s = s.replace(opening, "_")
    for closing in ")]}】〕":
        s = s.replace(closing, "")
    return _UNDERSCORES.sub("_", s).strip("_")


@dataclass(frozen=True, slots=True)
class _Index:
    keys: Mapping[str, str]  # header key → field name
    prefixes: tuple[str, ...]  # header keys of headerPrefixes, longest first
    required: tuple[str, ...]


@cache
def _index(standard_id: str) -> _Index:
    descriptor = _descriptor(standard_id)
    keys: dict[str, str] = {}
    for f in descriptor.get("fields", []):
        for name in (f["name"], *f.get("aliases", ())):
            key = header_key(name)
            other = keys.setdefault(key, f["name"])
            if other != f["name"]:
                raise ValueError(
                    f"standard {standard_id}: {name!r} of field {f['name']!r} folds to the same key as field {other!r}"
                )
    prefixes = sorted({header_key(p) for p in descriptor.get("headerPrefixes", ())}, key=len, reverse=True)
    required = tuple(
        f["name"] for f in descriptor.get("fields", []) if f.get("constraints", {}).get("required")
    )
    return _Index(keys, tuple(prefixes), required)


def _field_for(index: _Index, header: str) -> str | None:
    key = header_key(header)
    if not key:
        return None
    if key in index.keys:
        return index.keys[key]
    for prefix in index.prefixes:
        if key.startswith(prefix + "_") and (rest := key[len(prefix) + 1 :]) in index.keys:
            return index.keys[rest]
    return None


@dataclass(frozen=True, slots=True)
class StandardMatch:
    """How a header lines up with one standard.

    ``columns[i]`` is the standard field for ``headers[i]`` (None where the column is not the
    standard's); ``mapping`` is the same as a dict header → field (first occurrence of a header).
    """

    standard_id: str
    version: str
    title: str
    headers: tuple[str, ...]
    columns: tuple[str | None, ...]
    score: float  # share of the standard's required fields the header has
    coverage: float  # share of the file's non-blank headers that are standard fields
    missing_required: tuple[str, ...]
    unmatched: tuple[str, ...]  # headers that are no field of the standard (or repeat one)
    mapping: Mapping[str, str] = field(default_factory=dict)

    @property
    def matched(self) -> int:
        return sum(1 for c in self.columns if c is not None)

    def header_for(self, field_name: str) -> str | None:
        """The file's header for a standard field, or None when the file lacks it."""
        for header, column in zip(self.headers, self.columns):
            if column == field_name:
                return header
        return None


def match_headers(standard: str | int, headers: Sequence[str]) -> StandardMatch:
    """Score ``headers`` against one standard (by id, number or title). Never returns None."""
    sid = _resolve(standard)
    index = _index(sid)
    descriptor = _descriptor(sid)
    columns: list[str | None] = []
    seen: set[str] = set()
    mapping: dict[str, str] = {}
    unmatched: list[str] = []
    blank = 0
    for header in headers:
        name = _field_for(index, header)
        if not header_key(header):
            blank += 1
        if name is None or name in seen:
            columns.append(None)
            if header_key(header):
                unmatched.append(header)
            continue
        seen.add(name)
        columns.append(name)
        mapping.setdefault(header, name)
    found = [r for r in index.required if r in seen]
    nonblank = len(headers) - blank
    return StandardMatch(
        standard_id=sid,
        version=str(descriptor.get("version", "")),
        title=str(descriptor.get("title", "")),
        headers=tuple(headers),
        columns=tuple(columns),
        score=len(found) / len(index.required) if index.required else 1.0,
        coverage=len(seen) / nonblank if nonblank else 0.0,
        missing_required=tuple(r for r in index.required if r not in seen),
        unmatched=tuple(unmatched),
        mapping=mapping,
    )


def rank_standards(headers: Sequence[str], standards: Iterable[str] | None = None) -> list[StandardMatch]:
    """Every standard (or those given) scored against ``headers``, best first — for diagnostics."""
    ids = list(standards) if standards is not None else sorted(_descriptors())
    matches = [match_headers(s, headers) for s in ids]
    return sorted(matches, key=lambda m: (m.score, m.coverage, m.matched), reverse=True)


def match_standard(
    headers: Sequence[str],
    *,
    standards: Iterable[str] | None = None,
    min_score: float = DEFAULT_MIN_SCORE,
    min_coverage: float = DEFAULT_MIN_COVERAGE,
    min_fields: int = DEFAULT_MIN_FIELDS,
) -> StandardMatch | None:
    """The standard ``headers`` follow, or None.

    A standard is a candidate when its score (share of its required fields present) is at least
    ``min_score``, at least ``min_coverage`` of the file's columns are its fields and at least
    ``min_fields`` columns map; the best candidate by (score, coverage, mapped columns) wins.
    """
    for m in rank_standards(headers, standards):
        if m.score >= min_score and m.coverage >= min_coverage and m.matched >= min_fields:
            return m
    return None


def rename_to_standard(headers: Sequence[str], match: StandardMatch | None = None) -> list[str]:
    """The headers with every standard column renamed to its standard field name (others kept)."""
    m = match if match is not None else match_standard(headers)
    if m is None:
        return list(headers)
    if tuple(headers) != m.headers:
        m = match_headers(m.standard_id, headers)
    return [column if column is not None else header for header, column in zip(headers, m.columns)]


def schema_for_headers(headers: Sequence[str], standard: str | int | StandardMatch | None = None) -> dict[str, Any]:
    """A Table Schema descriptor for a file with these headers, following ``standard``.

    Fields are the file's headers in the file's order. A column of the standard gets the standard
    field's type, format, constraints, title and description, and ``standardField`` naming it; any
    other column is a plain string field. The schema carries ``standard`` (the id) and
    ``standardVersion``: the marker ``validation.standard_rules`` looks for. Standard fields the file
    lacks are not added (``StandardMatch.missing_required`` says which required ones are missing).
    ``standard`` may be an id / number / title, a ``StandardMatch``, or None to recognise it from the
    headers (``UsageError`` when no standard matches).
    """
    if isinstance(standard, StandardMatch):
        m = standard if standard.headers == tuple(headers) else match_headers(standard.standard_id, headers)
    elif standard is None:
        found = match_standard(headers)
        if found is None:
            raise UsageError(
                "the header matches no standard dataset",
                hint="name the standard explicitly, e.g. schema_for_headers(headers, 'jp-ods-08-aed')",
            )
        m = found
    else:
        m = match_headers(standard, headers)
    descriptor = _descriptor(m.standard_id)
    by_name = {f["name"]: f for f in descriptor.get("fields", [])}
    fields: list[dict[str, Any]] = []
    for header, column in zip(headers, m.columns):
        if column is None:
            fields.append(
                {"name": header, "type": "string", "description": f"標準「{m.title}」にない列。"}
            )
            continue
        f = copy.deepcopy(dict(by_name[column]))
        f.pop("aliases", None)
        f["name"] = header
        f["standardField"] = column
        fields.append(f)
    return {
        "$schema": TABLE_SCHEMA_PROFILE,
        "title": m.title,
        "description": (
            f"標準「{m.title}」（{m.standard_id} {m.version}）の列を、このファイルの見出しのまま並べたスキーマ。"
        ),
        "standard": m.standard_id,
        "standardVersion": m.version,
        "missingValues": list(descriptor.get("missingValues", [""])),
        "fields": fields,
    }


def read_header(path: str | Path, *, encoding: str = "utf-8") -> list[str]:
    """The first row of a CSV file (a UTF-8 BOM is dropped). Empty list for an empty file."""
    enc = "utf-8-sig" if encoding.replace("_", "-").lower() in {"utf-8", "utf8"} else encoding
    with open(path, encoding=enc, newline="") as handle:
        return next(csv.reader(handle), [])
