"""Applying a layout to a sheet: one evaluation record per data row, with findings for the cells it
could not read.

The engine knows no municipality: everything it reads, it reads where the layout says. A cell it
cannot use becomes a Finding (layer IMPORT) that names the cell ("事務事業評価!AB12"); the value is
left empty, never guessed. Only a sheet without a header row or a 年度 column stops the import
(``InputError``): no record could be dated.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from ...errors import InputError
from ...findings import Finding, Layer, Location, Severity
from ...japan.wareki import fiscal_year_label
from ..ids import evaluation_id
from ..model import (
    Assessment,
    Contact,
    Cost,
    EvaluationRecord,
    Indicator,
    IndicatorValue,
    Narrative,
    Program,
    Source,
    Staffing,
    Stage,
)
from ..workbook import CellValue, TableSheet
from .cellvalues import cell_code, cell_date, cell_figure, cell_text, cell_year
from .header import ColumnMap, find_header_row, map_columns
from .labels import normalise_word
from .layout import BlockSpec, ColumnRef, FieldSpec, FieldType, Layout, NarrativeSpec
from .sheetrecord import as_row

__all__ = ["RowRecord", "SheetImport", "apply_layout"]

PROGRAM_NO = 1  # a row is one program: the record's only program is number 1

# record field of the layout → keyword of EvaluationRecord
_RECORD_KWARGS = {
    "policy_area.code": "policy_area_code", "policy_area.name": "policy_area_name",
    "policy.code": "policy_code", "policy.name": "policy_name",
    "basic_program.code": "basic_program_code", "basic_program.name": "basic_program_name",
    "lead_department": "lead_department", "lead_section": "lead_section",
    "reform_direction": "reform_direction", "grade": "grade", "grade_reason": "grade_reason",
}
# 部課名 printed as one text: "福祉部　福祉総務課", "福祉部福祉総務課".
_DEPARTMENT_SECTION = re.compile(r"^(?P<dept>\S+?[部局])\s*(?P<section>\S+(?:課|室|所|館|係|センター|園))$")


@dataclass(frozen=True)
class RowRecord:
    """The record read from one row and the findings about that row."""

    record: EvaluationRecord
    findings: tuple[Finding, ...]
    row: int


@dataclass(frozen=True)
class SheetImport:
    """Every record of a sheet, and the findings about the sheet as a whole (missing columns)."""

    rows: tuple[RowRecord, ...]
    findings: tuple[Finding, ...]
    header_row: int


@dataclass
class _Row:
    """One data row being read: its cells by layout column, and the findings about it."""

    sheet: TableSheet
    layout: Layout
    columns: ColumnMap
    row: int
    findings: list[Finding] = field(default_factory=list)

    def column(self, ref: ColumnRef, block: dict[str, int] | None = None) -> int | None:
        return (block if block is not None else self.columns.single).get(ref.key)

    def cell(self, ref: ColumnRef | None, block: dict[str, int] | None = None) -> CellValue:
        col = self.column(ref, block) if ref is not None else None
        return self.sheet.value(self.row, col) if col is not None else None

    def place(self, ref: ColumnRef | None, block: dict[str, int] | None = None) -> str:
        col = self.column(ref, block) if ref is not None else None
        return self.sheet.place(self.row, col or 1)

    def note(self, code: str, message: str, place: str, severity: Severity = Severity.WARNING,
             **params: Any) -> None:
        self.findings.append(Finding(code=code, message=message, severity=severity,
                                     where=Location(file=self.sheet.file, key=place), layer=Layer.IMPORT,
                                     params=params))

    def label(self, ref: ColumnRef) -> str:
        col = self.column(ref)
        return self.columns.labels.get(col, ref.text) if col is not None else ref.text


# --------------------------------------------------------------------------------------------------
# Fields


def _joined_code(row: _Row, spec: FieldSpec) -> str | None:
    parts = [cell_code(row.cell(ref)) for ref in spec.columns]
    code = "".join(p for p in parts if p) or None
    return code.zfill(spec.pad) if code and spec.pad else code


def _text(row: _Row, spec: FieldSpec) -> str | None:
    parts = [cell_text(row.cell(ref)) for ref in spec.columns]
    return "\n".join(p for p in parts if p) or None


def _year(row: _Row, spec: FieldSpec) -> int | None:
    value = row.cell(spec.columns[0])
    year = cell_year(value, spec.era)
    if year is None and value is not None:
        row.note("fiscal-year-unreadable", f"年度「{cell_text(value)}」を読めません", row.place(spec.columns[0]),
                 Severity.ERROR, value=cell_text(value))
    return year


def _date(row: _Row, spec: FieldSpec) -> str | None:
    day = cell_date(tuple(row.cell(ref) for ref in spec.columns), spec.era)
    return day.isoformat() if day else None


_FIELD_READERS: dict[FieldType, Callable[[_Row, FieldSpec], Any]] = {
    FieldType.TEXT: _text,
    FieldType.DEPARTMENT: _text,
    FieldType.NUMBER: _text,
    FieldType.CODE: _joined_code,
    FieldType.FISCAL_YEAR: _year,
    FieldType.DATE: _date,
}


def _check_word(row: _Row, word: str | None, vocabulary: tuple[str, ...], ref: ColumnRef | None,
                what: str) -> None:
    if word is None or not vocabulary:
        return
    if normalise_word(word) not in {normalise_word(w) for w in vocabulary}:
        row.note("word-not-in-vocabulary", f"{what}「{word}」は様式の語彙 ({' / '.join(vocabulary)}) にありません",
                 row.place(ref), word=word, allowed=list(vocabulary))


def _fields(row: _Row) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for spec in row.layout.fields:
        value = _FIELD_READERS[spec.type](row, spec)
        if isinstance(value, str):
            _check_word(row, value, spec.vocabulary, spec.columns[0], spec.target)
        values[spec.target] = value
    return values


def _department(printed: str | None) -> tuple[str | None, str | None]:
    """(部, 課) of a 部課名 printed as one text; (as printed, None) when it does not split."""
    if printed is None:
        return None, None
    match = _DEPARTMENT_SECTION.match(printed.strip())
    if match is None:
        return printed, None
    return match.group("dept"), match.group("section")


# --------------------------------------------------------------------------------------------------
# Year blocks


def _block_years(spec: BlockSpec, fiscal_year: int, count: int) -> Iterator[tuple[int, int, Stage]]:
    """(block index, fiscal year, stage) of every block, oldest first; the last ends the run."""
    for i in range(count):
        stage = spec.last_stage if i == count - 1 else spec.stage
        yield i, fiscal_year + spec.end_offset - (count - 1 - i), stage


def _figure(row: _Row, ref: ColumnRef, block: dict[str, int], what: str) -> Decimal | None:
    number, words = cell_figure(row.cell(ref, block))
    if words is not None:
        row.note("figure-not-a-number", f"{what}「{words}」は数値ではありません (空として読みます)",
                 row.place(ref, block), value=words)
    return number


def _costs(row: _Row, spec: BlockSpec, block: dict[str, int], year: int, stage: Stage) -> Iterator[Cost]:
    for category, ref in spec.costs:
        number = _figure(row, ref, block, ref.text)
        if number is None:
            continue
        amount = number * spec.unit_yen
        if amount != amount.to_integral_value():
            row.note("amount-fraction-of-yen", f"{ref.text} {number} は円未満の端数を含みます (円に丸めます)",
                     row.place(ref, block), value=str(number))
        yield Cost(year, stage, category, int(amount.to_integral_value()), PROGRAM_NO, row.row)


def _staffing(row: _Row, spec: BlockSpec, block: dict[str, int], year: int, stage: Stage) -> Staffing | None:
    staff = _figure(row, spec.staff_count, block, spec.staff_count.text) if spec.staff_count else None
    hours = _figure(row, spec.work_hours, block, spec.work_hours.text) if spec.work_hours else None
    if staff is None and hours is None:
        return None
    return Staffing(year, stage, staff, hours, PROGRAM_NO, row.row)


def _indicator_values(row: _Row, spec: BlockSpec, fiscal_year: int) -> dict[str, list[IndicatorValue]]:
    values: dict[str, list[IndicatorValue]] = {code: [] for code, _ in spec.indicators}
    for i, year, _ in _block_years(spec, fiscal_year, len(row.columns.blocks)):
        block = row.columns.blocks[i]
        for code, ref in spec.indicators:
            number, words = cell_figure(row.cell(ref, block))
            if number is not None or words is not None:
                values[code].append(IndicatorValue(year, note=words, **{spec.figure: number}))
    return values


def _blocks(row: _Row, fiscal_year: int) -> tuple[list[Cost], list[Staffing], dict[str, list[IndicatorValue]]]:
    spec = row.layout.blocks
    if spec is None:
        return [], [], {}
    costs: list[Cost] = []
    staffing: list[Staffing] = []
    for i, year, stage in _block_years(spec, fiscal_year, len(row.columns.blocks)):
        block = row.columns.blocks[i]
        costs.extend(_costs(row, spec, block, year, stage))
        staff = _staffing(row, spec, block, year, stage)
        if staff is not None:
            staffing.append(staff)
    return costs, staffing, _indicator_values(row, spec, fiscal_year)


# --------------------------------------------------------------------------------------------------
# Indicators, assessments, narratives


def _indicators(row: _Row, values: dict[str, list[IndicatorValue]]) -> list[Indicator]:
    indicators = []
    for spec in row.layout.indicators:
        name, unit = cell_text(row.cell(spec.name)), cell_text(row.cell(spec.unit))
        yearly = tuple(values.get(spec.code, ()))
        if name is None and unit is None and not yearly:
            continue  # the form leaves unused indicator slots empty
        if name is None:
            row.note("indicator-name-missing", f"指標{spec.code}の名称がありません (記号を名称にします)",
                     row.place(spec.name), indicator=spec.code)
        indicators.append(Indicator(number=spec.number, name=name or spec.code, unit=unit, program_no=PROGRAM_NO,
                                    values=yearly, line=row.row, kind=spec.kind, code=spec.code))
    return indicators


def _assessments(row: _Row) -> list[Assessment]:
    out = []
    for spec in row.layout.assessments:
        grade, reason = cell_text(row.cell(spec.grade)), cell_text(row.cell(spec.reason))
        if grade is None and reason is None:
            continue
        _check_word(row, grade, spec.vocabulary, spec.grade, spec.criterion)
        out.append(Assessment(spec.number, spec.criterion, grade, reason, PROGRAM_NO, row.row))
    return out


def _printed_heading(row: _Row, spec: NarrativeSpec) -> tuple[str, str | None]:
    """(heading, section): the layout's, else the printed label, its first line the section."""
    if spec.heading is not None:
        return spec.heading, spec.section
    lines = [line.strip() for line in row.label(spec.columns[0]).split("\n") if line.strip()]
    if len(lines) > 1 and spec.section is None:
        return " ".join(lines[1:]), lines[0]
    return " ".join(lines), spec.section


def _narrative_text(row: _Row, spec: NarrativeSpec) -> str | None:
    if spec.type is FieldType.DATE:
        day = cell_date(tuple(row.cell(ref) for ref in spec.columns), spec.era)
        return day.isoformat() if day else None
    value = row.cell(spec.columns[0])
    if spec.type is FieldType.NUMBER:
        number, words = cell_figure(value)
        if number is not None:
            return f"{number:,} {spec.unit}" if spec.unit else f"{number:,}"
        return words
    return cell_text(value)


def _narratives(row: _Row) -> list[Narrative]:
    out = []
    for spec in row.layout.narratives:
        text = _narrative_text(row, spec)
        if text is not None:
            heading, section = _printed_heading(row, spec)
            out.append(Narrative(heading, text, section=section, program_no=PROGRAM_NO, line=row.row))
    return out


# --------------------------------------------------------------------------------------------------
# Records


def _contact(values: dict[str, Any]) -> Contact | None:
    parts = {name: values.get(f"contact.{name}") for name in ("team", "manager", "person", "phone", "extension")}
    return Contact(**parts) if any(parts.values()) else None


def _record(row: _Row, municipality_code: str, municipality_name: str, grades: tuple[str, ...]
            ) -> EvaluationRecord | None:
    values = _fields(row)
    year = values.get("fiscal_year")
    if year is None:
        row.note("fiscal-year-missing", "年度がないため、この行は読みません", row.sheet.place(row.row, 1), Severity.ERROR)
        return None
    department, section = _department(values.get("department"))
    lead = {"lead_department": values.get("lead_department") or department,
            "lead_section": values.get("lead_section") or section}
    code, name = values.get("program.code"), values.get("program.name")
    program = Program(PROGRAM_NO, name or code or "", section=lead["lead_section"],
                      department=lead["lead_department"], line=row.row, code=code)
    costs, staffing, yearly = _blocks(row, year)
    kwargs: dict[str, Any] = {kw: values.get(target) for target, kw in _RECORD_KWARGS.items()}
    kwargs.update(lead)
    return EvaluationRecord(
        evaluation_id=evaluation_id(municipality_code, year, policy_code=code, policy_name=name),
        municipality_code=municipality_code, municipality_name=municipality_name, fiscal_year=year,
        fiscal_year_label=fiscal_year_label(year), level=row.layout.level,
        source=Source(row.sheet.file, row.layout.name), programs=(program,), costs=tuple(costs),
        indicators=tuple(_indicators(row, yearly)), narratives=tuple(_narratives(row)),
        contact=_contact(values), grade_scale=grades, staffing=tuple(staffing),
        assessments=tuple(_assessments(row)), **kwargs,
    )


def _is_record_row(sheet: TableSheet, layout: Layout, columns: ColumnMap, row: int) -> bool:
    """A data row: one of the layout's ``require`` fields has a value (empty formatted rows do not)."""
    for spec in layout.fields:
        if spec.target in layout.require:
            for ref in spec.columns:
                col = columns.single.get(ref.key)
                if col is not None and sheet.value(row, col) is not None:
                    return True
    return False


def _header(sheet: TableSheet, layout: Layout) -> tuple[ColumnMap, list[Finding]]:
    header_row = find_header_row(sheet, layout)
    if header_row is None:
        raise InputError(f"様式「{layout.name}」の見出し行が見つかりません", path=sheet.file,
                         where=f"シート {sheet.name}" if sheet.name else None,
                         hint="--layout で別の様式を指定するか、様式ファイルの列名を確かめてください")
    columns, findings = map_columns(sheet, layout, header_row)
    year_refs = [ref for spec in layout.fields if spec.target == "fiscal_year" for ref in spec.columns]
    if not any(ref.key in columns.single for ref in year_refs):
        raise InputError(f"年度の列「{year_refs[0].text}」が見出し行 ({header_row} 行目) にありません",
                         path=sheet.file, where=sheet.place(header_row, 1),
                         hint="様式ファイルの fields.fiscal_year を見出しに合わせてください")
    return columns, findings


def apply_layout(sheet: TableSheet, layout: Layout, *, municipality_code: str, municipality_name: str,
                 grades: tuple[str, ...] = ()) -> SheetImport:
    """Every record ``layout`` reads from ``sheet``. ``grades`` (the publisher's scale) overrides the
    layout's. Two rows with one evaluation id keep the first; the second is an error finding.
    A layout of one record per sheet reads the sheet lined up as one row (``sheetrecord``)."""
    if layout.record == "sheet":
        sheet, layout = as_row(sheet, layout), replace(layout, header_row=1, skip_rows=0)
    columns, findings = _header(sheet, layout)
    scale = grades or layout.grades
    rows: list[RowRecord] = []
    seen: dict[str, int] = {}
    for r in range(columns.header_row + 1 + layout.skip_rows, len(sheet.rows) + 1):
        if not _is_record_row(sheet, layout, columns, r):
            continue
        row = _Row(sheet, layout, columns, r)
        record = _record(row, municipality_code, municipality_name, scale)
        if record is not None and record.evaluation_id in seen:
            row.note("evaluation-id-repeated", f"{seen[record.evaluation_id]} 行目と同じ評価 ({record.evaluation_id}) です。"
                     "この行は読みません", sheet.place(r, 1), Severity.ERROR, evaluation_id=record.evaluation_id)
            record = None
        if record is None:
            findings.extend(row.findings)
            continue
        seen[record.evaluation_id] = r
        rows.append(RowRecord(record, tuple(row.findings), r))
    return SheetImport(tuple(rows), tuple(findings), columns.header_row)
