"""Domain rules for resources that follow a standard dataset (opendata_pub.standards).

Which resources: a resource follows standard X when

1. its Table Schema (inline ``schema`` object) has ``"standard": "X"`` — the marker
   ``standards.schema_for_headers`` writes, next to ``"standardVersion"``; or
2. the resource itself has ``"conformsTo": "X"`` (a string or a list of strings; a URI whose last
   ``/``, ``#`` or ``:`` segment is X counts too); or, failing both,
3. its header (the schema's field names, or the keys of its rows when the schema is not inline)
   is recognised by ``standards.match_standard``.

X is a standard id such as ``jp-ods-08-aed``. A standard column is found through the field's
``standardField`` property when present, else by matching the field name against the standard's
names, aliases and prefixes — so files keep their own header names.

Rules (each code stable; findings are errors in layer "domain"):

    lgcode-check-digit                 a 全国地方公共団体コード column (any standard column whose
                                       standard name ends in 全国地方公共団体コード) holds a code with a
                                       wrong check digit, a wrong length or an unknown prefecture
    latlon-outside-japan               a point is outside Japan (lat 20–46, lon 122–154)
    latlon-swapped                     the point is in Japan once 緯度 and 経度 are swapped
    turnout-voters-exceed-electorate   投票者数 > 当日有権者数 (男, 女 or 計)
    turnout-sex-sum-mismatch           男 + 女 ≠ 計, for 投票者数 or 当日有権者数, when all three are printed
    turnout-rate-mismatch              投票率 ≠ 投票者数 ÷ 当日有権者数 × 100 by more than one unit of the
                                       printed last decimal (±0.01 for "58.31", ±0.1 for "58.3", ±1 for "58")
    standard-required-column-missing   a resource declared (1 or 2) to follow X lacks a column X requires

Empty cells are never findings here (``required`` is the data layer's). The number rules skip cells
that are not numbers (a type error in the data layer). The code rule reports every present code with a
problem, so a 5-digit code gets both the schema's pattern error (data layer) and, here, the likely
6-digit code with its check digit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ..findings import Finding, Layer, Location, Severity
from ..japan import lgcode, zenkaku
from ..standards.matching import StandardMatch, match_headers, match_standard
from ..standards.registry import known_id, list_standards, variant_ids
from .rules import PackageView, rule

__all__ = [
    "JAPAN_LAT",
    "JAPAN_LON",
    "StandardResource",
    "standard_resources",
]

JAPAN_LAT = (Decimal(20), Decimal(46))
JAPAN_LON = (Decimal(122), Decimal(154))

TURNOUT = "jp-election-turnout"
SEXES = ("男", "女", "計")


@dataclass(frozen=True, slots=True)
class StandardResource:
    """A resource of the package that follows a standard, and where its standard columns are."""

    name: str
    standard_id: str
    declared: bool  # by marker (schema.standard / conformsTo), not only by header match
    columns: Mapping[str, str]  # standard field name → the resource's field name
    missing_required: tuple[str, ...]  # in the names of the layout the resource follows
    variant: str | None = None  # the older layout it follows ("suisho"), None for the current one
    layout: str = "現行様式"  # that layout in words


def _resource_names(view: PackageView) -> list[str]:
    out = []
    for r in view.descriptor.get("resources", []) or []:
        if isinstance(r, Mapping) and isinstance(r.get("name"), str):
            out.append(r["name"])
    return out


def _declared_standard(resource: Mapping[str, Any]) -> str | None:
    schema = resource.get("schema")
    if isinstance(schema, Mapping) and isinstance(schema.get("standard"), str):
        return known_id(schema["standard"])
    conforms = resource.get("conformsTo")
    values = [conforms] if isinstance(conforms, str) else conforms if isinstance(conforms, list) else []
    for value in values:
        if not isinstance(value, str):
            continue
        tail = value.rstrip("/")
        for sep in "/#:":
            tail = tail.rsplit(sep, 1)[-1]
        if (sid := known_id(value) or known_id(tail)) is not None:
            return sid
    return None


def _declared_variant(resource: Mapping[str, Any], standard_id: str) -> tuple[str | None, ...]:
    """(variant,) when the schema names a layout of the standard it declares, () to take the best."""
    schema = resource.get("schema")
    if not isinstance(schema, Mapping) or schema.get("standard") != standard_id:
        return ()
    variant = schema.get("standardVariant")
    if variant is None:
        return (None,)
    return (variant,) if isinstance(variant, str) and variant in variant_ids(standard_id) else ()


def _headers(view: PackageView, name: str) -> list[str]:
    fields = view.fields(name)
    if fields:
        return [str(f.get("name", "")) for f in fields]
    rows = view.rows(name) if view.has(name) else []
    return [k for k in rows[0] if k != "__row__"] if rows else []


def standard_resources(view: PackageView, standards: Iterable[str] | None = None) -> list[StandardResource]:
    """The package's readable resources that follow a standard (optionally only the given ones)."""
    wanted = set(standards) if standards is not None else {s.id for s in list_standards()}
    out: list[StandardResource] = []
    by_name = {r["name"]: r for r in view.descriptor.get("resources", []) or []
               if isinstance(r, Mapping) and isinstance(r.get("name"), str)}
    for name in _resource_names(view):
        if not view.has(name):
            continue
        declared = _declared_standard(by_name[name])
        headers = _headers(view, name)
        match: StandardMatch | None
        if declared is not None:
            match = match_headers(declared, headers, *_declared_variant(by_name[name], declared))
        else:
            match = match_standard(headers)
        if match is None or match.standard_id not in wanted:
            continue
        columns: dict[str, str] = {}
        tagged = {str(f.get("standardField")): str(f.get("name")) for f in view.fields(name)
                  if isinstance(f.get("standardField"), str)} if declared else {}
        columns.update({std: header for header, std in zip(match.headers, match.standard_columns)
                        if std is not None})
        columns.update(tagged)
        missing = tuple(r for r in match.missing_required if r not in columns)
        out.append(StandardResource(name, match.standard_id, declared is not None, columns, missing,
                                    match.variant, match.layout))
    return out


def _applies_to(*standards: str) -> Callable[[PackageView], bool]:
    """``applies=`` for a rule: some resource follows one of ``standards`` (none given: any standard)."""
    def applies(view: PackageView) -> bool:
        return bool(standard_resources(view, standards or None))
    return applies


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return str(value).strip() or None


def _decimal(value: Any) -> Decimal | None:
    """A cell as a Decimal that keeps the printed precision; None when empty or not a number."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        try:
            return Decimal(repr(value))
        except InvalidOperation:
            return None
    canonical = zenkaku.normalize_number(str(value))
    return Decimal(canonical) if canonical is not None else None


def _integer(value: Any) -> int | None:
    d = _decimal(value)
    if d is None or d != d.to_integral_value():
        return None
    return int(d)


def _finding(view: PackageView, res: str, row: Mapping[str, Any], field: str, code: str, message: str,
             params: Mapping[str, Any]) -> Finding:
    return Finding(code, message, Severity.ERROR,
                   Location(file=view.file(res), row=row.get("__row__"), field=field),
                   Layer.DOMAIN, resource=res, params=dict(params))


# --------------------------------------------------------------------------- 全国地方公共団体コード

@rule("lgcode-check-digit", applies=_applies_to())
def check_lg_codes(view: PackageView) -> Iterator[Finding]:
    """全国地方公共団体コードの検査数字・桁数・都道府県コードが正しいこと。"""
    for sr in standard_resources(view):
        code_columns = [(std, col) for std, col in sr.columns.items() if std.endswith("全国地方公共団体コード")]
        if not code_columns:
            continue
        for row in view.rows(sr.name):
            for std, col in code_columns:
                value = row.get(col)
                raw: str | None
                if isinstance(value, int) and not isinstance(value, bool):
                    raw = str(value).zfill(6)  # an integer-typed column loses the leading 0 of 01xxxx
                else:
                    raw = _text(value)
                if raw is None:
                    continue
                problem = lgcode.lg_code_problem(zenkaku.to_hankaku(raw))
                if problem is None:
                    continue
                yield _finding(view, sr.name, row, col, "lgcode-check-digit",
                               f"{std}「{raw}」が正しくありません: {problem}",
                               {"value": raw, "problem": problem, "standardField": std})


# --------------------------------------------------------------------------- 緯度・経度

def _in_japan(lat: Decimal, lon: Decimal) -> bool:
    return JAPAN_LAT[0] <= lat <= JAPAN_LAT[1] and JAPAN_LON[0] <= lon <= JAPAN_LON[1]


@rule("latlon-outside-japan", applies=_applies_to())
def check_coordinates(view: PackageView) -> Iterator[Finding]:
    """緯度・経度が日本の範囲（緯度20〜46度、経度122〜154度）にあり、入れ替わっていないこと。"""
    for sr in standard_resources(view):
        lat_col, lon_col = sr.columns.get("緯度"), sr.columns.get("経度")
        if lat_col is None or lon_col is None:
            continue
        for row in view.rows(sr.name):
            lat, lon = _decimal(row.get(lat_col)), _decimal(row.get(lon_col))
            if lat is None or lon is None or _in_japan(lat, lon):
                continue
            params = {"lat": float(lat), "lon": float(lon),
                      "latRange": [float(JAPAN_LAT[0]), float(JAPAN_LAT[1])],
                      "lonRange": [float(JAPAN_LON[0]), float(JAPAN_LON[1])]}
            if _in_japan(lon, lat):
                yield _finding(view, sr.name, row, lat_col, "latlon-swapped",
                               f"緯度と経度が入れ替わっているようです（{lat_col} {lat}、{lon_col} {lon}）。"
                               f"入れ替えると日本国内の点になります。",
                               params)
                continue
            lat_ok = JAPAN_LAT[0] <= lat <= JAPAN_LAT[1]
            yield _finding(view, sr.name, row, lon_col if lat_ok else lat_col, "latlon-outside-japan",
                           f"{lat_col} {lat}・{lon_col} {lon} は日本の範囲（緯度20〜46度、経度122〜154度）の外です。",
                           params)


# --------------------------------------------------------------------------- 投票率

def _counts(sr: StandardResource, row: Mapping[str, Any], base: str) -> dict[str, tuple[str, int]]:
    """{sex: (column, value)} of the printed integer cells of 当日有権者数 / 投票者数."""
    out = {}
    for sex in SEXES:
        col = sr.columns.get(f"{base}_{sex}")
        if col is None:
            continue
        v = _integer(row.get(col))
        if v is not None:
            out[sex] = (col, v)
    return out


@rule("turnout-voters-exceed-electorate", applies=_applies_to(TURNOUT))
def check_voters_le_electorate(view: PackageView) -> Iterator[Finding]:
    """投票者数が当日有権者数を超えないこと（男・女・計それぞれ）。"""
    for sr in standard_resources(view, [TURNOUT]):
        for row in view.rows(sr.name):
            electorate = _counts(sr, row, "当日有権者数")
            voters = _counts(sr, row, "投票者数")
            for sex in SEXES:
                if sex in voters and sex in electorate and voters[sex][1] > electorate[sex][1]:
                    (vcol, v), (_, e) = voters[sex], electorate[sex]
                    yield _finding(view, sr.name, row, vcol, "turnout-voters-exceed-electorate",
                                   f"{sex}の投票者数 {v:,} が当日有権者数 {e:,} を超えています。",
                                   {"sex": sex, "voters": v, "electorate": e, "excess": v - e})


@rule("turnout-sex-sum-mismatch", applies=_applies_to(TURNOUT))
def check_sex_sums(view: PackageView) -> Iterator[Finding]:
    """男＋女＝計であること（投票者数と当日有権者数。3つとも書かれている行だけ）。"""
    for sr in standard_resources(view, [TURNOUT]):
        for row in view.rows(sr.name):
            for base in ("当日有権者数", "投票者数"):
                c = _counts(sr, row, base)
                if not all(s in c for s in SEXES):
                    continue
                m, f, (tcol, t) = c["男"][1], c["女"][1], c["計"]
                if m + f != t:
                    yield _finding(view, sr.name, row, tcol, "turnout-sex-sum-mismatch",
                                   f"{base}の男 {m:,} と女 {f:,} の和 {m + f:,} が計 {t:,} と合いません（差 {m + f - t:+,}）。",
                                   {"kind": base, "male": m, "female": f, "total": t, "difference": m + f - t})


def _places(d: Decimal) -> int:
    exponent = d.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


@rule("turnout-rate-mismatch", applies=_applies_to(TURNOUT))
def check_turnout_rates(view: PackageView) -> Iterator[Finding]:
    """投票率が投票者数÷当日有権者数×100 と、印字された桁の1単位以内で合うこと。"""
    for sr in standard_resources(view, [TURNOUT]):
        for row in view.rows(sr.name):
            electorate = _counts(sr, row, "当日有権者数")
            voters = _counts(sr, row, "投票者数")
            for sex in SEXES:
                col = sr.columns.get(f"投票率_{sex}")
                if col is None or sex not in voters or sex not in electorate or electorate[sex][1] == 0:
                    continue
                printed = _decimal(row.get(col))
                if printed is None:
                    continue
                places = _places(printed)
                tolerance = Decimal(1).scaleb(-places)
                computed = Decimal(voters[sex][1]) * 100 / Decimal(electorate[sex][1])
                if abs(printed - computed) <= tolerance:
                    continue
                shown = computed.quantize(Decimal(1).scaleb(-(places + 2)))
                yield _finding(view, sr.name, row, col, "turnout-rate-mismatch",
                               f"{sex}の投票率 {printed}% が 投票者数 {voters[sex][1]:,} ÷ 当日有権者数 "
                               f"{electorate[sex][1]:,} × 100 = {shown}% と合いません（許容差 ±{tolerance}）。",
                               {"sex": sex, "printed": float(printed), "computed": float(shown),
                                "tolerance": float(tolerance), "decimals": places,
                                "voters": voters[sex][1], "electorate": electorate[sex][1]})


# --------------------------------------------------------------------------- required columns

def _declared_any(view: PackageView) -> bool:
    return any(sr.declared for sr in standard_resources(view))


@rule("standard-required-column-missing", applies=_declared_any)
def check_required_columns(view: PackageView) -> Iterator[Finding]:
    """標準に従うと宣言したリソースに、標準の必須列がそろっていること。"""
    for sr in standard_resources(view):
        if not sr.declared:
            continue
        layout = f"（{sr.layout}の様式）" if sr.variant else ""
        params: dict[str, Any] = {"standard": sr.standard_id}
        if sr.variant:
            params["variant"] = sr.variant
        for std in sr.missing_required:
            yield Finding("standard-required-column-missing",
                          f"標準 {sr.standard_id}{layout} の必須列「{std}」がありません。",
                          Severity.ERROR, Location(file=view.file(sr.name), field=std), Layer.DOMAIN,
                          resource=sr.name, params={**params, "column": std})
