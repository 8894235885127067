"""Reading a filled template workbook back into evaluation records.

``read_template(sheets)`` takes the ``TableSheet`` list ``read_workbook`` gives and joins the rows of
the table sheets by evaluation_id into ``EvaluationRecord``s, in the order of the evaluations sheet
(the other sheets' rows in sheet order: that order is the record's order). Problems in cells are
Findings (layer IMPORT, code ``template-*``, located "programs!C12") and the row they are in is left
out; what makes the workbook unreadable as a template (no marker, a newer version, a table sheet or
a required column missing) is an ``InputError``.

Columns are found by their names in row 2, so a user may reorder or add columns; rows 1–3 are the
header, data start at row 4, wholly empty rows are skipped.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ...errors import InputError
from ...findings import Finding, Layer, Location, Severity
from ..model import (
    Assessment,
    Challenge,
    Contact,
    Cost,
    CostCategory,
    Direction,
    EvaluationRecord,
    Indicator,
    IndicatorKind,
    IndicatorValue,
    Level,
    Narrative,
    NarrativeKind,
    Program,
    Source,
    Staffing,
    Stage,
)
from ..workbook import CellValue, TableSheet
from .columns import SHEETS, Column, Kind, Sheet, parse_decimal, parse_text
from .marker import MARKER_SHEET, TEMPLATE_FORMAT, TEMPLATE_VERSION

__all__ = ["is_template", "read_template"]

HEADER_ROWS = 3  # titles, column names, descriptions
_NAME_ROW = 2
# The layout name of a record typed into the template rather than imported from a sheet.
TEMPLATE_LAYOUT = "template"

_INTEGER = re.compile(r"^[+-]?[0-9]+$")


def is_template(sheets: Sequence[TableSheet]) -> bool:
    """Whether ``sheets`` are a workbook written by ``write_template`` (its marker sheet is there)."""
    return any(s.name == MARKER_SHEET and s.value(1, 2) == TEMPLATE_FORMAT for s in sheets)


class _BadCell(Exception):
    pass


@dataclass
class _Row:
    sheet: TableSheet
    number: int  # the sheet's row
    columns: dict[str, int]
    values: dict[str, Any]

    def place(self, name: str) -> str:
        return self.sheet.place(self.number, self.columns.get(name, 1))


@dataclass
class _Reading:
    file: str
    findings: list[Finding] = field(default_factory=list)

    def note(self, code: str, message: str, place: str, severity: Severity = Severity.ERROR) -> None:
        self.findings.append(Finding(code=code, message=message, severity=severity,
                                     where=Location(file=self.file, key=place), layer=Layer.IMPORT))


# --------------------------------------------------------------------------------------------------
# cells


def _text(value: CellValue) -> str:
    if isinstance(value, str):
        try:
            return parse_text(value)
        except ValueError:
            raise _BadCell("〔文字列〕の後が JSON の文字列として読めません") from None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return repr(value) if isinstance(value, float) else str(value)


def _integer(value: CellValue) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _INTEGER.match(value):
        return int(value)
    raise _BadCell(f"整数を書いてください（{value!r}）")


def _decimal(value: CellValue) -> Decimal:
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))  # the shortest text of the float: 0.1 stays 0.1
    if isinstance(value, (str, Decimal)):
        try:
            return parse_decimal(str(value))
        except ValueError:
            pass
    raise _BadCell(f"数値を書いてください（{value!r}）。数値がないときは空にします")


def _value(value: CellValue, column: Column) -> Any:
    if value is None:
        return None
    if column.kind is Kind.INT:
        return _integer(value)
    if column.kind is Kind.DECIMAL:
        return _decimal(value)
    text = _text(value)
    if column.kind is Kind.CHOICE and text not in column.choices:
        raise _BadCell(f"{' / '.join(column.choices)} のいずれかを書いてください（「{text}」）")
    return text


# --------------------------------------------------------------------------------------------------
# sheets


def _column_numbers(sheet: TableSheet, spec: Sheet) -> dict[str, int]:
    header = sheet.rows[_NAME_ROW - 1] if len(sheet.rows) >= _NAME_ROW else ()
    names: dict[str, int] = {}
    for col, name in enumerate(header, start=1):
        if isinstance(name, str):
            names.setdefault(name, col)
    missing = [c.name for c in spec.columns if c.required and c.name not in names]
    if missing:
        raise InputError(f"テンプレートの {spec.name} シートに列 {', '.join(missing)} がありません",
                         path=sheet.file, where=sheet.place(_NAME_ROW, 1),
                         hint="2行目の列名は変えないでください。`opendata-pub evaluation template` で書き直せます")
    return {c.name: names[c.name] for c in spec.columns if c.name in names}


def _read_row(sheet: TableSheet, number: int, spec: Sheet, columns: dict[str, int], reading: _Reading) -> _Row | None:
    values: dict[str, Any] = {}
    ok = True
    for column in spec.columns:
        col = columns.get(column.name)
        try:
            values[column.name] = _value(sheet.value(number, col), column) if col else None
        except _BadCell as exc:
            reading.note("template-cell-invalid", f"{column.title} ({column.name}): {exc}", sheet.place(number, col or 1))
            ok = False
            continue
        if column.required and values[column.name] is None:
            reading.note("template-value-missing", f"{column.title} ({column.name}) を書いてください",
                         sheet.place(number, col or 1))
            ok = False
    return _Row(sheet, number, columns, values) if ok else None


def _read_sheet(sheet: TableSheet, spec: Sheet, reading: _Reading) -> list[_Row]:
    columns = _column_numbers(sheet, spec)
    rows = []
    for number in range(HEADER_ROWS + 1, len(sheet.rows) + 1):
        if not any(v is not None for v in sheet.rows[number - 1]):
            continue
        row = _read_row(sheet, number, spec, columns, reading)
        if row is not None:
            rows.append(row)
    return rows


# --------------------------------------------------------------------------------------------------
# records


def _source(row: _Row) -> Source:
    v = row.values
    return Source(v["source_file"] if v["source_file"] is not None else row.sheet.file,
                  v["source_layout"] if v["source_layout"] is not None else TEMPLATE_LAYOUT)


def _contact(v: dict[str, Any]) -> Contact | None:
    parts = {k: v[f"contact_{k}"] for k in ("team", "manager", "person", "phone", "extension")}
    return Contact(**parts) if any(p is not None for p in parts.values()) else None


def _record(row: _Row, children: dict[str, list[_Row]], reading: _Reading) -> EvaluationRecord:
    v = row.values
    programs = _numbered(children["programs"], "program_no", reading)
    indicators = _numbered(children["indicators"], "indicator_no", reading)
    values = _indicator_values(children["indicator_values"], {r.values["indicator_no"] for r in indicators}, reading)
    narratives = sorted(_numbered(children["narratives"], "narrative_no", reading), key=lambda r: r.values["narrative_no"])
    _check_links(children, {r.values["program_no"] for r in programs}, reading)
    return EvaluationRecord(
        evaluation_id=v["evaluation_id"], municipality_code=v["municipality_code"],
        municipality_name=v["municipality_name"], fiscal_year=v["fiscal_year"],
        fiscal_year_label=v["fiscal_year_label"], level=Level(v["level"]), source=_source(row),
        policy_code=v["policy_code"], policy_name=v["policy_name"], lead_department=v["lead_department"],
        lead_section=v["lead_section"], grade=v["grade"], grade_reason=v["grade_reason"],
        programs=tuple(_program(r.values) for r in programs),
        costs=tuple(_cost(r.values) for r in children["costs"]),
        indicators=tuple(_indicator(r.values, values.get(r.values["indicator_no"], ())) for r in indicators),
        challenges=tuple(_challenge(r.values) for r in _numbered(children["challenges"], "challenge_no", reading)),
        narratives=tuple(_narrative(r.values) for r in narratives),
        policy_area_code=v["policy_area_code"], policy_area_name=v["policy_area_name"],
        basic_program_code=v["basic_program_code"], basic_program_name=v["basic_program_name"],
        reform_direction=v["reform_direction"], contact=_contact(v),
        grade_scale=tuple(v["grade_scale"].split("\n")) if v["grade_scale"] else (),
        staffing=tuple(_staffing(r.values) for r in children["staffing"]),
        assessments=tuple(_assessment(r.values) for r in _numbered(children["assessments"], "assessment_no", reading)),
    )


def _numbered(rows: list[_Row], key: str, reading: _Reading) -> list[_Row]:
    """``rows`` without those repeating a number of the same evaluation (the number makes the id)."""
    seen: set[int] = set()
    kept = []
    for row in rows:
        number = row.values[key]
        if number in seen:
            reading.note("template-duplicate-number", f"{key} {number} が評価 {row.values['evaluation_id']} の中で重複しています",
                         row.place(key))
            continue
        seen.add(number)
        kept.append(row)
    return kept


def _indicator_values(rows: list[_Row], numbers: set[int], reading: _Reading) -> dict[int, tuple[IndicatorValue, ...]]:
    out: dict[int, list[IndicatorValue]] = {}
    for row in rows:
        v = row.values
        if v["indicator_no"] not in numbers:
            reading.note("template-unknown-indicator",
                         f"指標番号 {v['indicator_no']} の指標が指標シートにありません（評価 {v['evaluation_id']}）",
                         row.place("indicator_no"))
            continue
        years = out.setdefault(v["indicator_no"], [])
        if any(y.fiscal_year == v["fiscal_year"] for y in years):
            reading.note("template-duplicate-number", f"指標 {v['indicator_no']} の年度 {v['fiscal_year']} が重複しています",
                         row.place("fiscal_year"))
            continue
        years.append(IndicatorValue(v["fiscal_year"], v["target"], v["actual"], v["achievement_rate"], v["note"]))
    return {k: tuple(vs) for k, vs in out.items()}


def _check_links(children: dict[str, list[_Row]], programs: set[int], reading: _Reading) -> None:
    # Kept as written (the rules and the package's foreign keys judge them), but said here, where
    # the cell is known.
    for table in ("costs", "staffing", "indicators", "narratives", "assessments"):
        for row in children[table]:
            number = row.values["program_no"]
            if number is not None and number not in programs:
                reading.note("template-unknown-program",
                             f"事業番号 {number} の事業が構成事業シートにありません（評価 {row.values['evaluation_id']}）",
                             row.place("program_no"), Severity.WARNING)


def _program(v: dict[str, Any]) -> Program:
    return Program(v["program_no"], v["program_name"], v["direction_no"], v["direction_name"], v["section"],
                   v["department"], v["source_line"], v["program_code"])


def _cost(v: dict[str, Any]) -> Cost:
    return Cost(v["fiscal_year"], Stage(v["stage"]), CostCategory(v["category"]), v["amount_jpy"], v["program_no"],
                v["source_line"])


def _staffing(v: dict[str, Any]) -> Staffing:
    return Staffing(v["fiscal_year"], Stage(v["stage"]), v["staff_count"], v["work_hours"], v["program_no"],
                    v["source_line"])


def _indicator(v: dict[str, Any], values: tuple[IndicatorValue, ...]) -> Indicator:
    return Indicator(
        number=v["indicator_no"], name=v["name"], unit=v["unit"], method=v["method"], description=v["description"],
        section=v["section"], direction=Direction(v["direction"] or Direction.UNKNOWN.value),
        direction_text=v["direction_text"], program_no=v["program_no"], values=values, line=v["source_line"],
        kind=IndicatorKind(v["kind"]) if v["kind"] else None, code=v["indicator_code"],
    )


def _challenge(v: dict[str, Any]) -> Challenge:
    return Challenge(v["challenge_no"], v["challenge"], v["next_action"], v["source_line"])


def _narrative(v: dict[str, Any]) -> Narrative:
    return Narrative(v["heading"], v["text"], NarrativeKind(v["kind"] or NarrativeKind.TEXT.value), v["section"],
                     v["code"], v["program_no"], v["source_line"])


def _assessment(v: dict[str, Any]) -> Assessment:
    return Assessment(v["assessment_no"], v["criterion"], v["grade"], v["reason"], v["program_no"], v["source_line"])


# --------------------------------------------------------------------------------------------------
# the workbook


def _check_marker(sheets: Sequence[TableSheet]) -> str:
    marker = next((s for s in sheets if s.name == MARKER_SHEET), None)
    file = sheets[0].file if sheets else ""
    if marker is None or marker.value(1, 2) != TEMPLATE_FORMAT:
        raise InputError("opendata-pub の記入用テンプレートではありません", path=file,
                         hint="`opendata-pub evaluation template -o FILE.xlsx` で作ったブックに記入してください")
    version = marker.value(2, 2)
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= TEMPLATE_VERSION:
        raise InputError(f"テンプレートの版 {version!r} は読めません（このツールが読めるのは {TEMPLATE_VERSION} まで）",
                         path=file, where=marker.place(2, 2), hint="opendata-pub を新しい版に更新してください")
    return file


def read_template(sheets: Sequence[TableSheet]) -> tuple[list[EvaluationRecord], list[Finding]]:
    """The records of a filled template and the findings about its cells.

    Raises ``InputError`` when ``sheets`` are no template (``is_template``), a newer version of it,
    or lack a table sheet or a required column.
    """
    reading = _Reading(_check_marker(sheets))
    by_name = {s.name: s for s in sheets}
    tables: dict[str, list[_Row]] = {}
    for spec in SHEETS:
        sheet = by_name.get(spec.name)
        if sheet is None:
            raise InputError(f"テンプレートに {spec.name}（{spec.title}）シートがありません", path=reading.file,
                             hint="シート名は変えないでください")
        tables[spec.name] = _read_sheet(sheet, spec, reading)
    heads = _numbered_evaluations(tables.pop("evaluations"), reading)
    children: dict[str, dict[str, list[_Row]]] = {row.values["evaluation_id"]: {t: [] for t in tables} for row in heads}
    for table, rows in tables.items():
        for row in rows:
            eid = row.values["evaluation_id"]
            if eid not in children:
                reading.note("template-unknown-evaluation", f"評価ID {eid} の行が行政評価シートにありません",
                             row.place("evaluation_id"))
                continue
            children[eid][table].append(row)
    records = [_record(row, children[row.values["evaluation_id"]], reading) for row in heads]
    return records, reading.findings


def _numbered_evaluations(rows: list[_Row], reading: _Reading) -> list[_Row]:
    seen: set[str] = set()
    kept = []
    for row in rows:
        eid = row.values["evaluation_id"]
        if eid in seen:
            reading.note("template-duplicate-number", f"評価ID {eid} が行政評価シートで重複しています",
                         row.place("evaluation_id"))
            continue
        seen.add(eid)
        kept.append(row)
    return kept
