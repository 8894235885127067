"""Recognise which standard a CSV header follows, and validate the file under its own header names.

Real files name their columns in many ways: the old 推奨データセット names (``住所`` for
``所在地_連結表記``, ``NO`` for ``ID``), data-model prefixes (``投票所_名称``), full-width letters and
brackets (``名称（カナ）``), half-width katakana, stray spaces and BOMs, numbered headers (``1.名称``).
``header_key`` folds all of these to one comparison key; a schema's field names, its ``aliases`` and
its ``headerPrefixes`` are folded the same way.

``match_standard(headers)`` tries every shipped standard, in each of its layouts (the current one
and the older 推奨データセット ``variants``), and returns the best ``StandardMatch`` that has all
required fields of that layout (``score`` = share of required fields found) and maps enough of the
file's columns (``coverage``), or None. Between layouts of one standard the one whose own names the
file uses (not aliases) wins, so a file in the old layout is recognised as the old layout. ``schema_for_headers`` turns a match into a Table Schema whose fields
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
from .registry import _descriptor, _descriptors, _resolve, variant_fields

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
# and at least 70 % of the file's columns must be the standard's: a 公衆トイレ一覧 has every column
# AED requires and shares its whole address block, but 64 % of its columns are not AED's
DEFAULT_MIN_COVERAGE = 0.7
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
    own: frozenset[str]  # header keys of the field names themselves (not of aliases)
    current: Mapping[str, str]  # field name → the current standard field it stands for
    prefixes: tuple[str, ...]  # header keys of headerPrefixes, longest first
    required: tuple[str, ...]


def _layouts(standard_id: str) -> tuple[str | None, ...]:
    """The layouts of a standard: the current one (None), then its variants."""
    return (None, *(str(v["id"]) for v in _descriptor(standard_id).get("variants", [])))


@cache
def _index(standard_id: str, variant: str | None = None) -> _Index:
    descriptor = _descriptor(standard_id)
    fields = variant_fields(standard_id, variant)
    keys: dict[str, str] = {}
    for f in fields:
        for name in (f["name"], *f.get("aliases", ())):
            key = header_key(name)
            other = keys.setdefault(key, f["name"])
            if other != f["name"]:
                raise ValueError(
                    f"standard {standard_id} ({variant or 'current'}): {name!r} of field {f['name']!r} folds "
                    f"to the same key as field {other!r}"
                )
    current = {f["name"]: f["standardField"] if variant else f["name"] for f in fields
               if variant is None or "standardField" in f}
    prefixes = sorted({header_key(p) for p in descriptor.get("headerPrefixes", ())}, key=len, reverse=True)
    required = tuple(f["name"] for f in fields if f.get("constraints", {}).get("required"))
    return _Index(keys, frozenset(header_key(f["name"]) for f in fields), current, tuple(prefixes), required)


def _field_for(index: _Index, header: str) -> tuple[str | None, bool]:
    """The layout's field for a header, and whether the header is the field's own name (not an alias)."""
    key = header_key(header)
    if not key:
        return None, False
    if key in index.keys:
        return index.keys[key], key in index.own
    for prefix in index.prefixes:
        if key.startswith(prefix + "_") and (rest := key[len(prefix) + 1 :]) in index.keys:
            return index.keys[rest], rest in index.own
    return None, False


@dataclass(frozen=True, slots=True)
class StandardMatch:
    """How a header lines up with one standard.

    ``columns[i]`` is the layout's field for ``headers[i]`` (None where the column is not the
    standard's): a field of the current layout, or of the older layout ``variant`` names.
    ``standard_columns[i]`` is the current standard field it stands for (the same name for the
    current layout; "所在地_連結表記" for the old "住所"; None for an old column without one).
    ``mapping`` is ``columns`` as a dict header → field (first occurrence of a header).
    """

    standard_id: str
    version: str
    title: str
    headers: tuple[str, ...]
    columns: tuple[str | None, ...]
    score: float  # share of the layout's required fields the header has
    coverage: float  # share of the file's non-blank headers that are fields of the layout
    missing_required: tuple[str, ...]
    unmatched: tuple[str, ...]  # headers that are no field of the layout (or repeat one)
    mapping: Mapping[str, str] = field(default_factory=dict)
    variant: str | None = None  # None: the current layout; else the id of an older one ("suisho")
    variant_title: str | None = None
    standard_columns: tuple[str | None, ...] = ()
    exact: int = 0  # columns named exactly as the layout names them (not by an alias)

    @property
    def matched(self) -> int:
        return sum(1 for c in self.columns if c is not None)

    @property
    def layout(self) -> str:
        """The layout in words: "現行様式" or the variant's title."""
        if self.variant is None:
            return "現行様式"
        return self.variant_title or self.variant

    def header_for(self, field_name: str) -> str | None:
        """The file's header for a standard field, or None when the file lacks it."""
        for header, column in zip(self.headers, self.columns):
            if column == field_name:
                return header
        return None


_BEST = "*"  # match_headers(variant=_BEST): the layout the header fits best


def match_headers(standard: str | int, headers: Sequence[str], variant: str | None = _BEST) -> StandardMatch:
    """Score ``headers`` against one standard (by id, number, title or short name). Never returns None.

    ``variant`` picks the layout: None for the current one, a variant id ("suisho") for an older
    one; by default the layout whose own column names the file uses most (see ``_layout_rank``).
    """
    sid = _resolve(standard)
    if variant == _BEST:
        return max(_all_layouts(sid, headers), key=_layout_rank)
    return _match_layout(sid, headers, variant)


def _all_layouts(sid: str, headers: Sequence[str]) -> list[StandardMatch]:
    return [_match_layout(sid, headers, v) for v in _layouts(sid)]


def _layout_rank(m: StandardMatch) -> tuple[int, float, float, int, bool]:
    # A file says which generation it is by the names it uses: "NO,名称,住所,設置位置" is the old list
    # lacking its 名称_カナ even though the current layout's aliases would take all four. At a tie
    # the current layout.
    return (m.exact, m.score, m.coverage, m.matched, m.variant is None)


def _match_layout(sid: str, headers: Sequence[str], variant: str | None) -> StandardMatch:
    index = _index(sid, variant)
    descriptor = _descriptor(sid)
    columns: list[str | None] = []
    seen: set[str] = set()
    mapping: dict[str, str] = {}
    unmatched: list[str] = []
    blank = exact = 0
    for header in headers:
        name, own = _field_for(index, header)
        if not header_key(header):
            blank += 1
        if name is None or name in seen:
            columns.append(None)
            if header_key(header):
                unmatched.append(header)
            continue
        seen.add(name)
        exact += own
        columns.append(name)
        mapping.setdefault(header, name)
    found = [r for r in index.required if r in seen]
    nonblank = len(headers) - blank
    titles = {str(v["id"]): str(v.get("title", v["id"])) for v in descriptor.get("variants", [])}
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
        variant=variant,
        variant_title=titles.get(variant) if variant else None,
        standard_columns=tuple(index.current.get(c) if c else None for c in columns),
        exact=exact,
    )


def rank_standards(headers: Sequence[str], standards: Iterable[str] | None = None) -> list[StandardMatch]:
    """Every standard (or those given) scored against ``headers`` in its best layout, best first."""
    ids = list(standards) if standards is not None else sorted(_descriptors())
    matches = [match_headers(s, headers) for s in ids]
    return sorted(matches, key=_standard_rank, reverse=True)


def _standard_rank(m: StandardMatch) -> tuple[float, float, int, int]:
    return (m.score, m.coverage, m.matched, m.exact)


def match_standard(
    headers: Sequence[str],
    *,
    standards: Iterable[str] | None = None,
    min_score: float = DEFAULT_MIN_SCORE,
    min_coverage: float = DEFAULT_MIN_COVERAGE,
    min_fields: int = DEFAULT_MIN_FIELDS,
) -> StandardMatch | None:
    """The standard ``headers`` follow, in the layout they follow, or None.

    A layout of a standard is a candidate when its score (share of its required fields present) is
    at least ``min_score``, at least ``min_coverage`` of the file's columns are its fields and at
    least ``min_fields`` columns map. The best standard by (score, coverage, mapped columns) wins;
    among its candidate layouts, the one whose own names the file uses most.
    """
    ids = list(standards) if standards is not None else sorted(_descriptors())
    passing = [m for sid in ids for m in _all_layouts(sid, headers)
               if m.score >= min_score and m.coverage >= min_coverage and m.matched >= min_fields]
    if not passing:
        return None
    best = max(passing, key=_standard_rank).standard_id
    return max((m for m in passing if m.standard_id == best), key=_layout_rank)


def rename_to_standard(headers: Sequence[str], match: StandardMatch | None = None) -> list[str]:
    """The headers with every standard column renamed to its current standard field name (others kept).

    A column of an older layout is renamed to its current counterpart ("住所" → "所在地_連結表記");
    an old column without one keeps the old layout's own spelling."""
    m = match if match is not None else match_standard(headers)
    if m is None:
        return list(headers)
    if tuple(headers) != m.headers:
        m = match_headers(m.standard_id, headers, m.variant)
    return [current or column or header
            for header, column, current in zip(headers, m.columns, m.standard_columns)]


def schema_for_headers(headers: Sequence[str], standard: str | int | StandardMatch | None = None) -> dict[str, Any]:
    """A Table Schema descriptor for a file with these headers, following ``standard``.

    Fields are the file's headers in the file's order. A column of the standard gets the field's
    type, format, constraints, title and description from the layout the file follows (the current
    one or an older variant), and ``standardField`` naming the current standard field it stands for;
    any other column is a plain string field. The schema carries ``standard`` (the id),
    ``standardVersion`` and, for an older layout, ``standardVariant``: the marker
    ``validation.standard_rules`` looks for. Standard fields the file lacks are not added
    (``StandardMatch.missing_required`` says which required ones are missing).
    ``standard`` may be an id / number / title, a ``StandardMatch``, or None to recognise it from the
    headers (``UsageError`` when no standard matches).
    """
    if isinstance(standard, StandardMatch):
        m = standard if standard.headers == tuple(headers) else match_headers(
            standard.standard_id, headers, standard.variant)
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
    by_name = {f["name"]: f for f in variant_fields(m.standard_id, m.variant)}
    fields = [_field_for_header(m, header, column, current, by_name)
              for header, column, current in zip(headers, m.columns, m.standard_columns or m.columns)]
    layout = "" if m.variant is None else f"（{m.layout}の様式）"
    out: dict[str, Any] = {
        "$schema": TABLE_SCHEMA_PROFILE,
        "title": m.title,
        "description": (
            f"標準「{m.title}」（{m.standard_id} {m.version}）{layout}の列を、このファイルの見出しのまま並べたスキーマ。"
        ),
        "standard": m.standard_id,
        "standardVersion": m.version,
    }
    if m.variant is not None:
        out["standardVariant"] = m.variant
    out["missingValues"] = list(descriptor.get("missingValues", [""]))
    out["fields"] = fields
    return out


# kept in the standard's own file, not copied into every package's schema
_STANDARD_ONLY = ("aliases", "sources", "sourceNote", "obligation", "standardField")


def _field_for_header(m: StandardMatch, header: str, column: str | None, current: str | None,
                      by_name: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    if column is None:
        return {"name": header, "type": "string", "description": f"標準「{m.title}」にない列。"}
    f = {k: copy.deepcopy(v) for k, v in by_name[column].items() if k not in _STANDARD_ONLY}
    f["name"] = header
    if current is not None:
        f["standardField"] = current
    return f


def read_header(path: str | Path, *, encoding: str = "utf-8") -> list[str]:
    """The first row of a CSV file (a UTF-8 BOM is dropped). Empty list for an empty file."""
    enc = "utf-8-sig" if encoding.replace("_", "-").lower() in {"utf-8", "utf8"} else encoding
    with open(path, encoding=enc, newline="") as handle:
        return next(csv.reader(handle), [])
