"""Reading a layout file (YAML) into a ``Layout``, refusing every mistake with its file, line and key.

The format is documented in README ("Evaluation layouts"); ``builtin/`` holds the layouts that ship
with the package. A layout is checked completely when it is read — unknown keys, wrong types, bad
regular expressions, unknown fields, stages, units and vocabularies — so that applying it to a sheet
can only find problems in the sheet, never in the layout.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ...errors import InputError
from ...yamlio import YamlSyntaxError, key_lines, line_of, parse_yaml
from ..model import CostCategory, IndicatorKind, Level, Stage
from .layout import (
    RECORD_FIELDS,
    AssessmentSpec,
    BlockSpec,
    ColumnRef,
    FieldSpec,
    FieldType,
    IndicatorSpec,
    Layout,
    Match,
    NarrativeSpec,
)

__all__ = ["LayoutFileError", "parse_layout"]

# 千円 figures are the rule in 行政評価; yen per printed unit.
UNITS_YEN = {"円": 1, "千円": 1000, "万円": 10_000, "百万円": 1_000_000}
ERAS = ("meiji", "taisho", "showa", "heisei", "reiwa")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_FIGURES = ("actual", "target", "achievement_rate")

_TOP_KEYS = {"layout", "title", "description", "level", "record", "header", "require", "detect", "vocabularies",
             "grades", "fields", "narratives", "indicators", "assessments", "blocks"}


class LayoutFileError(InputError):
    """A layout file that cannot be used: the message names its file, line and key."""


@dataclass
class _Reader:
    """Walks the parsed layout with its key lines; every check that fails raises LayoutFileError."""

    file: str
    lines: Mapping[str, int]
    vocabularies: dict[str, tuple[str, ...]]

    def fail(self, key: str, message: str, hint: str | None = None) -> LayoutFileError:
        line = line_of(self.lines, key)
        where = f"line {line}: {key}" if line else key
        return LayoutFileError(message, path=self.file, where=where, hint=hint)

    def line(self, key: str) -> int | None:
        return line_of(self.lines, key)

    def mapping(self, value: Any, key: str, allowed: set[str] | None = None) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, f"マッピング (key: value) が必要です ({type(value).__name__} が書かれています)")
        if allowed is not None:
            for k in value:
                if k not in allowed:
                    raise self.fail(f"{key}.{k}" if key else str(k), "不明なキーです",
                                    hint=f"使えるキー: {', '.join(sorted(allowed))}")
        return value

    def text(self, value: Any, key: str) -> str:
        if isinstance(value, bool) or not isinstance(value, (str, int)) or str(value).strip() == "":
            raise self.fail(key, "文字列が必要です")
        return str(value).strip()

    def texts(self, value: Any, key: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not value:
            raise self.fail(key, "文字列のリストが必要です")
        return tuple(self.text(v, f"{key}[{i}]") for i, v in enumerate(value))

    def choice(self, value: Any, key: str, choices: Mapping[str, Any] | tuple[str, ...]) -> Any:
        text = self.text(value, key)
        if text not in choices:
            raise self.fail(key, f"「{text}」は使えません", hint=f"使える値: {', '.join(choices)}")
        return choices[text] if isinstance(choices, Mapping) else text

    def integer(self, value: Any, key: str, minimum: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.fail(key, f"{minimum} 以上の整数が必要です")
        return int(value)

    def column(self, value: Any, key: str) -> ColumnRef:
        """A column reference: a label (compared normalised), or {label|exact|regex: TEXT}."""
        if isinstance(value, str):
            return ColumnRef(self.text(value, key), Match.NORMALISED, key, self.line(key))
        m = self.mapping(value, key, {"label", "exact", "regex"})
        if len(m) != 1:
            raise self.fail(key, "label・exact・regex のどれか一つを書いてください")
        kind, raw = next(iter(m.items()))
        text = self.text(raw, f"{key}.{kind}")
        if kind != "regex":
            return ColumnRef(text, Match.EXACT if kind == "exact" else Match.NORMALISED, key, self.line(key))
        try:
            pattern = re.compile(text)
        except re.error as exc:
            raise self.fail(f"{key}.regex", f"正規表現として不正です: {exc}") from exc
        return ColumnRef(text, Match.REGEX, key, self.line(key), pattern)

    def optional_column(self, m: Mapping[str, Any], name: str, key: str) -> ColumnRef | None:
        return self.column(m[name], f"{key}.{name}") if m.get(name) is not None else None

    def vocabulary(self, value: Any, key: str) -> tuple[str, ...]:
        """An inline list of words, or the name of an entry of ``vocabularies``."""
        if isinstance(value, list):
            return self.texts(value, key)
        name = self.text(value, key)
        if name not in self.vocabularies:
            raise self.fail(key, f"語彙「{name}」は vocabularies にありません",
                            hint=f"定義済み: {', '.join(self.vocabularies) or 'なし'}")
        return self.vocabularies[name]


# --------------------------------------------------------------------------------------------------
# Sections


def _columns_of(r: _Reader, m: Mapping[str, Any], key: str) -> tuple[ColumnRef, ...]:
    if ("column" in m) == ("columns" in m):
        raise r.fail(key, "column か columns のどちらか一つを書いてください")
    if "column" in m:
        return (r.column(m["column"], f"{key}.column"),)
    raw = m["columns"]
    if not isinstance(raw, list) or not raw:
        raise r.fail(f"{key}.columns", "列のリストが必要です")
    return tuple(r.column(v, f"{key}.columns[{i}]") for i, v in enumerate(raw))


def _field(r: _Reader, target: Any, raw: Any) -> FieldSpec:
    key = f"fields.{target}"
    if target not in RECORD_FIELDS:
        raise r.fail(key, f"項目「{target}」はありません", hint=f"使える項目: {', '.join(RECORD_FIELDS)}")
    m = {"column": raw} if not isinstance(raw, dict) or set(raw) <= {"label", "exact", "regex"} else raw
    r.mapping(m, key, {"column", "columns", "type", "era", "pad", "vocabulary"})
    type_ = r.choice(m["type"], f"{key}.type", {t.value: t for t in FieldType}) if "type" in m \
        else RECORD_FIELDS[target]
    return FieldSpec(
        target=target, columns=_columns_of(r, m, key), type=type_,
        era=r.choice(m["era"], f"{key}.era", ERAS) if "era" in m else None,
        pad=r.integer(m["pad"], f"{key}.pad", 1) if "pad" in m else None,
        vocabulary=r.vocabulary(m["vocabulary"], f"{key}.vocabulary") if "vocabulary" in m else (),
        key=key, line=r.line(key),
    )


def _narrative(r: _Reader, raw: Any, key: str) -> NarrativeSpec:
    m = {"column": raw} if isinstance(raw, str) else r.mapping(
        raw, key, {"column", "columns", "heading", "section", "type", "era", "unit"})
    type_ = r.choice(m["type"], f"{key}.type", {t.value: t for t in (FieldType.TEXT, FieldType.DATE,
                                                                      FieldType.NUMBER)}) \
        if "type" in m else FieldType.TEXT
    columns = _columns_of(r, m, key)
    if len(columns) > 1 and type_ is not FieldType.DATE:
        raise r.fail(f"{key}.columns", "複数の列をまとめられるのは type: date (年・月・日) だけです")
    return NarrativeSpec(
        columns=columns, type=type_,
        heading=r.text(m["heading"], f"{key}.heading") if "heading" in m else None,
        section=r.text(m["section"], f"{key}.section") if "section" in m else None,
        era=r.choice(m["era"], f"{key}.era", ERAS) if "era" in m else None,
        unit=r.text(m["unit"], f"{key}.unit") if "unit" in m else None,
        key=key, line=r.line(key),
    )


def _indicator(r: _Reader, raw: Any, key: str, number: int) -> IndicatorSpec:
    m = r.mapping(raw, key, {"code", "kind", "name", "unit"})
    if "code" not in m:
        raise r.fail(f"{key}.code", "code (ア・カ・サ などの記号) が必要です")
    kind = r.choice(m["kind"], f"{key}.kind", {k.value: k for k in IndicatorKind}) if "kind" in m else None
    return IndicatorSpec(number=number, code=r.text(m["code"], f"{key}.code"), kind=kind,
                         name=r.optional_column(m, "name", key), unit=r.optional_column(m, "unit", key),
                         key=key, line=r.line(key))


def _assessment(r: _Reader, raw: Any, key: str, number: int) -> AssessmentSpec:
    m = r.mapping(raw, key, {"criterion", "grade", "reason", "vocabulary"})
    if "criterion" not in m:
        raise r.fail(f"{key}.criterion", "criterion (評価の観点の名前) が必要です")
    if m.get("grade") is None and m.get("reason") is None:
        raise r.fail(key, "grade か reason の列が必要です")
    return AssessmentSpec(
        number=number, criterion=r.text(m["criterion"], f"{key}.criterion"),
        grade=r.optional_column(m, "grade", key), reason=r.optional_column(m, "reason", key),
        vocabulary=r.vocabulary(m["vocabulary"], f"{key}.vocabulary") if "vocabulary" in m else (),
        key=key, line=r.line(key),
    )


def _listed(r: _Reader, value: Any, key: str, item: Callable[[Any, str, int], Any]) -> tuple[Any, ...]:
    if not isinstance(value, list):
        raise r.fail(key, "リストが必要です")
    return tuple(item(v, f"{key}[{i}]", i + 1) for i, v in enumerate(value))


def _block_years(r: _Reader, value: Any) -> dict[str, Any]:
    key = "blocks.years"
    m = r.mapping(value, key, {"end", "offset", "stage", "last_stage"})
    if m.get("end", "fiscal_year") != "fiscal_year":
        raise r.fail(f"{key}.end", "end に書けるのは fiscal_year (記録の年度) だけです")
    stages = {s.value: s for s in Stage}
    offset = m.get("offset", 0)
    if isinstance(offset, bool) or not isinstance(offset, int):
        raise r.fail(f"{key}.offset", "整数が必要です")
    return {
        "end_offset": offset,
        "stage": r.choice(m["stage"], f"{key}.stage", stages) if "stage" in m else Stage.SETTLEMENT,
        "last_stage": r.choice(m["last_stage"], f"{key}.last_stage", stages) if "last_stage" in m
        else Stage.BUDGET,
    }


def _blocks(r: _Reader, value: Any, indicator_codes: set[str]) -> BlockSpec:
    key = "blocks"
    m = r.mapping(value, key, {"years", "unit", "costs", "staffing", "indicators", "figure"})
    categories = {c.value: c for c in CostCategory}
    costs = tuple((r.choice(cat, f"{key}.costs.{cat}", categories), r.column(col, f"{key}.costs.{cat}"))
                  for cat, col in r.mapping(m.get("costs", {}), f"{key}.costs").items())
    staffing = r.mapping(m.get("staffing", {}), f"{key}.staffing", {"staff_count", "work_hours"})
    indicators = []
    for code, col in r.mapping(m.get("indicators", {}), f"{key}.indicators").items():
        if str(code) not in indicator_codes:
            raise r.fail(f"{key}.indicators.{code}", f"指標「{code}」は indicators に定義されていません")
        indicators.append((str(code), r.column(col, f"{key}.indicators.{code}")))
    if not costs and not staffing and not indicators:
        raise r.fail(key, "costs・staffing・indicators のどれかが必要です")
    return BlockSpec(
        costs=costs,
        staff_count=r.optional_column(staffing, "staff_count", f"{key}.staffing"),
        work_hours=r.optional_column(staffing, "work_hours", f"{key}.staffing"),
        indicators=tuple(indicators),
        figure=r.choice(m["figure"], f"{key}.figure", _FIGURES) if "figure" in m else "actual",
        unit_yen=r.choice(m["unit"], f"{key}.unit", UNITS_YEN) if "unit" in m else 1000,
        **_block_years(r, m.get("years", {})),
        key=key, line=r.line(key),
    )


def _header(r: _Reader, value: Any) -> tuple[int | None, int]:
    m = r.mapping(value, "header", {"row", "skip_after"})
    row = m.get("row", "auto")
    header_row = None if row == "auto" else r.integer(row, "header.row", 1)
    return header_row, r.integer(m.get("skip_after", 0), "header.skip_after", 0)


def _detect(r: _Reader, value: Any) -> tuple[tuple[str, ...], float]:
    m = r.mapping(value, "detect", {"labels", "min_share"})
    share = m.get("min_share", 0.8)
    if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 < share <= 1:
        raise r.fail("detect.min_share", "0 より大きく 1 以下の数が必要です")
    labels = r.texts(m["labels"], "detect.labels") if "labels" in m else ()
    return labels, float(share)


def _vocabularies(r: _Reader, value: Any) -> dict[str, tuple[str, ...]]:
    m = r.mapping(value, "vocabularies")
    return {str(name): r.texts(words, f"vocabularies.{name}") for name, words in m.items()}


def _build(r: _Reader, data: dict[str, Any], file: str) -> Layout:
    for required in ("layout", "fields"):
        if required not in data:
            raise r.fail(required, f"{required} が必要です")
    name = r.text(data["layout"], "layout")
    if not _NAME.match(name):
        raise r.fail("layout", f"様式名「{name}」には英小文字・数字・- _ だけが使えます")
    record = r.choice(data.get("record", "row"), "record", ("row", "sheet"))
    if record == "sheet" and "blocks" in data:
        raise r.fail("blocks", "record: sheet の様式には blocks (年度ごとの列のまとまり) は書けません")
    header_row, skip = _header(r, data.get("header", {}))
    fields = tuple(_field(r, t, v) for t, v in r.mapping(data["fields"], "fields").items())
    if not any(f.target == "fiscal_year" for f in fields):
        raise r.fail("fields", "fields.fiscal_year (年度の列) が必要です")
    indicators = _listed(r, data.get("indicators", []), "indicators", lambda v, k, n: _indicator(r, v, k, n))
    require = r.texts(data["require"], "require") if "require" in data else ("program.code", "program.name")
    for i, target in enumerate(require):
        if target not in RECORD_FIELDS:
            raise r.fail(f"require[{i}]", f"項目「{target}」はありません")
    labels, share = _detect(r, data.get("detect", {}))
    return Layout(
        name=name, title=r.text(data.get("title", name), "title"),
        level=r.choice(data.get("level", "program"), "level", {lv.value: lv for lv in Level}),
        file=file, record=record, header_row=header_row, skip_rows=skip, require=require, fields=fields,
        narratives=_listed(r, data.get("narratives", []), "narratives", lambda v, k, n: _narrative(r, v, k)),
        indicators=indicators,
        assessments=_listed(r, data.get("assessments", []), "assessments",
                            lambda v, k, n: _assessment(r, v, k, n)),
        blocks=_blocks(r, data["blocks"], {i.code for i in indicators}) if "blocks" in data else None,
        grades=r.vocabulary(data["grades"], "grades") if "grades" in data else (),
        detect_labels=labels, min_share=share,
    )


def parse_layout(text: str, *, file: str) -> Layout:
    """The layout written in ``text``; ``file`` is the name messages give it.

    Raises ``LayoutFileError`` (an ``InputError``) naming the file, the line and the key.
    """
    try:
        data = parse_yaml(text)
        lines = key_lines(text)
    except YamlSyntaxError as exc:
        raise LayoutFileError(f"YAML として読めません: {exc.problem}", path=file, where=exc.where) from exc
    r = _Reader(file, lines, {})
    r.mapping(data, "", _TOP_KEYS)
    r.vocabularies.update(_vocabularies(r, data.get("vocabularies", {})))
    return _build(r, data, file)
