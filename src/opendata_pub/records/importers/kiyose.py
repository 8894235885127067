"""Importer for the 清瀬市 施策評価シート layout (sections "1. 基本情報" … "7. 施策を進める上での課題").

Mapping (docs/evaluation-contract.md): 評価対象年度 → fiscal_year; 施策コード/施策名, 主担当部/主担当課;
構成事業の状況 → one program per row with its 決算額 (千円) as a settlement/total cost, 総事業費 → a
policy-level cost; まちづくり指標 → one indicator per ①②③ with 目標値/実績値/達成率 per year column and
※ footnotes as notes; 評価 → grade and reason; 施策を進める上での課題 → challenges. Every other text
block becomes a narrative. Sections are found by their titles, not their numbers, and tables by
their headings, so sheets with more or fewer programs, indicators, years and challenges read the same.

This module must not do I/O or assume the seed's counts of rows or columns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ...errors import InputError
from ...japan.wareki import parse_fiscal_year
from ...japan.zenkaku import to_hankaku
from ..ids import evaluation_id
from ..model import (
    Challenge,
    Cost,
    CostCategory,
    EvaluationRecord,
    Indicator,
    Level,
    NarrativeKind,
    Program,
    Source,
    Stage,
)
from .cells import (
    CellKind,
    circled_number,
    clean_text,
    is_empty_mark,
    parse_amount,
    parse_int,
    parse_measure,
    text_or_none,
)
from .costheads import parse_cost_head, year_label
from .direction import infer_direction
from .footnotes import collect_footnotes
from .problems import ProblemLog
from .sheet import Sheet, SheetLine
from .textblocks import TextBlocks
from .yearvalues import YearValues, resolve_year

__all__ = ["LAYOUT", "SIGNATURES", "read"]

LAYOUT = "kiyose"

# Headings only this layout prints; detection needs most of them.
SIGNATURES: tuple[re.Pattern[str], ...] = (
    re.compile(r"評価対象年度"),
    re.compile(r"構成事業の状況"),
    re.compile(r"まちづくり指標"),
    re.compile(r"施策を進める上での課題"),
    re.compile(r"^\s*施策コード\t", re.MULTILINE),
)

_SECTION = re.compile(r"^(?P<no>[0-9]{1,2})\s*[.．]\s*(?P<title>\S.*)$")
_UNIT = re.compile(r"単位\s*[:：]\s*(?P<unit>百万円|千円|円)")
_GOAL_LABELS = ("将来像", "まちづくりの基本目標", "基本目標", "政策")
_FIELD_LABELS = {"施策コード": "policy_code", "施策名": "policy_name", "主担当部": "lead_department", "主担当課": "lead_section"}
_INFO_LABELS = {"名称": "name", "説明": "description", "抽出方法": "method", "単位": "unit", "方向性": "direction"}
_MEASURE_LABELS = {"目標値": "target", "目標": "target", "実績値": "actual", "実績": "actual", "達成率": "achievement_rate"}
_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-]*$")


@dataclass
class _Section:
    title: str | None
    line: int
    lines: list[SheetLine] = field(default_factory=list)


@dataclass
class _ChallengeDraft:
    no: int
    line: int
    challenge: list[str] = field(default_factory=list)
    next_action: list[str] = field(default_factory=list)


@dataclass
class _ProgramTable:
    """構成事業の状況 as read so far: the unit of its amounts and, once its header is read, its columns."""

    unit_yen: int = 1000
    has_header: bool = False
    columns: dict[str, int] = field(default_factory=dict)  # "name", "direction", "section" → index
    amount_columns: list[tuple[int, int, str]] = field(default_factory=list)  # (index, fiscal year, stage)


@dataclass
class _IndicatorDraft:
    no: int
    line: int
    info: dict[str, str | None] = field(default_factory=dict)
    values: YearValues | None = None


def _sections(sheet: Sheet, skip: set[int]) -> list[_Section]:
    sections = [_Section(None, 1)]
    for line in sheet:
        if line.no in skip:
            continue
        texts = line.texts
        match = _SECTION.match(to_hankaku(texts[0])) if len(texts) == 1 else None
        if match:
            sections.append(_Section(clean_text(match.group("title")), line.no))
        elif not line.blank:
            sections[-1].lines.append(line)
    return sections


class _Reader:
    def __init__(self, sheet: Sheet, problems: ProblemLog) -> None:
        self.sheet = sheet
        self.problems = problems
        self.footnotes, footnote_lines = collect_footnotes(sheet)
        self.sections = _sections(sheet, footnote_lines)
        self.fields: dict[str, str | None] = {}
        self.blocks = TextBlocks()
        self.programs: list[Program] = []
        self.costs: list[Cost] = []
        self.indicators: list[Indicator] = []
        self.challenges: list[Challenge] = []
        self.grade: str | None = None
        self.grade_reason: str | None = None
        self.grade_heading = "評価※"
        self.fiscal_year, self.fiscal_year_label = self._fiscal_year()

    # -- fiscal year ---------------------------------------------------------------------------

    def _fiscal_year(self) -> tuple[int, str]:
        for line in self.sheet:
            joined = " ".join(line.texts)
            if "評価対象年度" not in joined:
                continue
            printed = joined.split("評価対象年度", 1)[1]
            year = parse_fiscal_year(printed)
            if year is not None:
                return year, year_label(printed)
            raise InputError(
                f"評価対象年度「{printed.strip()}」を年度として読めません",
                path=self.sheet.file,
                where=f"line {line.no}",
            )
        for section in self.sections:
            match = re.search(r"((?:令和|平成)\s*(?:[0-9０-９]+|元)\s*年\s*度)", section.title or "")
            if section.title and section.title.startswith("評価") and match:
                year = parse_fiscal_year(match.group(1))
                if year is not None:
                    self.problems.warning(
                        "fiscal-year-from-heading",
                        f"評価対象年度がないため、見出し「{section.title}」の年度を評価年度にします",
                        section.line,
                    )
                    return year, year_label(match.group(1))
        raise InputError("評価対象年度が見つかりません", path=self.sheet.file)

    # -- sections ------------------------------------------------------------------------------

    def read(self) -> None:
        for section in self.sections:
            title = section.title or ""
            if section.title is None:
                self._generic(section)
            elif title.startswith("基本情報"):
                self._basic(section)
            elif title.startswith("施策の方向"):
                self._directions(section)
            elif "構成事業" in title:
                self._programs(section)
            elif "指標" in title:
                self._indicators(section)
            elif title.startswith("評価"):
                self._grade(section)
            elif "課題" in title:
                self._challenges(section)
            else:
                self._generic(section)

    def _unreadable(self, line: SheetLine, section: _Section) -> None:
        self.problems.warning(
            "unreadable-line",
            f"「{section.title or '冒頭'}」のこの行を読み取れませんでした: {' / '.join(line.texts)[:80]}",
            line.no,
        )

    def _generic(self, section: _Section, lines: Sequence[SheetLine] | None = None) -> None:
        """Label/text rows become narratives; a lone text continues the block above it."""
        previous: int | None = None
        for line in section.lines if lines is None else lines:
            texts = line.texts
            if len(texts) >= 2:
                self.blocks.add(texts[0], "\n".join(texts[1:]), line=line.no, section=section.title)
                previous = line.no
            elif previous is not None and previous == line.no - 1:
                self.blocks.extend(texts[0])
                previous = line.no
            elif section.title is not None:
                self.blocks.add(section.title, texts[0], line=line.no, section=section.title)
                previous = line.no
            else:
                self._unreadable(line, section)

    def _basic(self, section: _Section) -> None:
        rest = []
        for line in section.lines:
            if "評価対象年度" in " ".join(line.texts):
                continue  # read by _fiscal_year
            if line.first in _GOAL_LABELS:
                self._goal(line, section)
            elif not self._field_cells(line):
                rest.append(line)
        self._generic(section, rest)

    def _goal(self, line: SheetLine, section: _Section) -> None:
        """"将来像 <tab> 5 <tab> text": a goal narrative, its number (if printed) as the code."""
        label = line.first
        start = line.index_of(label) or 0
        after = [c for c in line.cells[start + 1 :] if c]
        code = after[0] if after and _CODE.match(to_hankaku(after[0])) else None
        text = "\n".join(after[1:] if code is not None else after)
        added = self.blocks.add(label, text, line=line.no, kind=NarrativeKind.GOAL, section=section.title, code=code)
        if not added and code is not None:
            # only a number is printed ("将来像 5"): keep it as the block's text
            self.blocks.add(label, code, line=line.no, kind=NarrativeKind.GOAL, section=section.title)

    def _field_cells(self, line: SheetLine) -> bool:
        """"施策コード <tab> 1-1 <tab> 施策名 <tab> …": the fields a line prints; False if none."""
        found = False
        for i, cell in enumerate(line.cells):
            key = _FIELD_LABELS.get(cell)
            if key is None:
                continue
            found = True
            value = next((c for c in line.cells[i + 1 :] if c and c not in _FIELD_LABELS), "")
            self.fields[key] = text_or_none(value)
        return found

    def _directions(self, section: _Section) -> None:
        in_directions = False
        rest = []
        for line in section.lines:
            texts = line.texts
            first = line.cell(0)
            if first in ("10年後の姿", "目指す姿", "将来の姿") and len(texts) >= 2:
                self.blocks.add(first, "\n".join(texts[1:]), line=line.no, kind=NarrativeKind.VISION, section=section.title)
                in_directions = False
            elif first.startswith("施策の方向") or (in_directions and not first):
                in_directions = True
                body = texts[1:] if first else texts
                code = body[0] if body and parse_int(body[0]) is not None else None
                text = "\n".join(body[1:] if code is not None else body)
                heading = first or "施策の方向性"
                if not self.blocks.add(heading, text, line=line.no, kind=NarrativeKind.DIRECTION, section=section.title, code=code):
                    self._unreadable(line, section)
            else:
                in_directions = False
                rest.append(line)
        self._generic(section, rest)

    def _programs(self, section: _Section) -> None:
        table = _ProgramTable()
        for line in section.lines:
            unit = _UNIT.search(to_hankaku(" ".join(line.texts)).replace(" ", ""))
            if unit and len(line.texts) == 1:
                table.unit_yen = {"円": 1, "千円": 1000, "百万円": 1_000_000}[unit.group("unit")]
            elif not table.has_header and any("事業名" in c for c in line.cells):
                self._program_header(table, line)
            elif not table.has_header:
                self._generic(section, [line])
            else:
                self._program_row(table, line, section)
        if not table.has_header:
            self.problems.warning("table-not-found", "構成事業の表（事務事業名の見出し行）が見つかりません", section.line)

    def _program_header(self, table: _ProgramTable, line: SheetLine) -> None:
        """The header row: which column is the name, the direction, the section, and each year's amount."""
        table.has_header = True
        for i, cell in enumerate(line.cells):
            head = parse_cost_head(cell, self.fiscal_year)
            if head is not None:
                table.amount_columns.append((i, head.fiscal_year, head.stage.value))
            elif "事業名" in cell:
                table.columns["name"] = i
            elif "方向" in cell:
                table.columns["direction"] = i
            elif "担当" in cell or "所管" in cell:
                table.columns["section"] = i
            elif "年度" in cell and cell:
                self.problems.warning(
                    "unreadable-cost-heading",
                    f"構成事業の列見出し「{cell}」の年度・区分を読めないため、この列の金額は取り込みません",
                    line.no,
                    heading=cell,
                )

    def _program_row(self, table: _ProgramTable, line: SheetLine, section: _Section) -> None:
        """A program and its amounts, or the 総事業費 row, whose amounts are the policy's."""
        name_cell = line.cell(table.columns.get("name", 0))
        is_total = line.first.startswith(("総事業費", "合計", "施策の合計")) or name_cell.startswith("総事業費")
        program_no: int | None = None
        if not is_total:
            if not name_cell:
                self._unreadable(line, section)
                return
            program_no = len(self.programs) + 1
            self.programs.append(self._program(line, table.columns, program_no, name_cell))
        for index, year, stage in table.amount_columns:
            self._cost(line, line.cell(index), year, stage, program_no, table.unit_yen, name_cell or line.first)

    def _program(self, line: SheetLine, columns: dict[str, int], no: int, name: str) -> Program:
        direction_cell = line.cell(columns["direction"]) if "direction" in columns else ""
        direction_no = parse_int(direction_cell) if direction_cell else None
        if direction_cell and direction_no is None and not is_empty_mark(direction_cell):
            self.problems.warning(
                "unreadable-direction-no",
                f"事業「{name}」の施策の方向性「{direction_cell}」を番号として読めません",
                line.no,
                cell=direction_cell,
            )
        return Program(
            number=no,
            name=clean_text(name),
            direction_no=direction_no,
            section=text_or_none(line.cell(columns["section"])) if "section" in columns else None,
            line=line.no,
        )

    def _cost(
        self, line: SheetLine, cell: str, year: int, stage: str, program_no: int | None, unit_yen: int, what: str
    ) -> None:
        amount = parse_amount(cell, unit_yen=unit_yen)
        if amount.kind is CellKind.EMPTY:
            return
        if amount.yen is None:
            self.problems.error(
                "unreadable-amount",
                f"「{what}」の{year}年度の{amount.problem or '金額を読めません'}",
                line.no,
                cell=cell,
                fiscal_year=year,
            )
            return
        self.costs.append(
            Cost(
                fiscal_year=year,
                stage=Stage(stage),
                category=CostCategory.TOTAL,
                amount_jpy=amount.yen,
                program_no=program_no,
                line=line.no,
            )
        )

    def _indicators(self, section: _Section) -> None:
        years: list[int] | None = None
        drafts: list[_IndicatorDraft] = []
        for line in section.lines:
            circled = circled_number(line.cell(0))
            if circled is None and not drafts:
                # Before the first ①: the header row of years, or text.
                header = self._year_header(line)
                if header is not None:
                    years = header
                else:
                    self._generic(section, [line])
                continue
            if circled is not None:
                drafts.append(_IndicatorDraft(circled[0], line.no))
                if circled[1]:
                    drafts[-1].info.setdefault("name", circled[1])
            self._indicator_line(drafts[-1], line, years, start=0 if circled is None else 1)
        for draft in drafts:
            self.indicators.append(self._indicator(draft))

    def _indicator_line(self, draft: _IndicatorDraft, line: SheetLine, years: list[int] | None, start: int) -> None:
        """A line of an indicator: labelled facts (名称, 単位 …), then maybe a measure label and its values."""
        measure_at = next((i for i, c in enumerate(line.cells) if c in _MEASURE_LABELS), None)
        stop = measure_at if measure_at is not None else len(line.cells)
        for i in range(start, stop):
            key = _INFO_LABELS.get(line.cells[i])
            if key is None:
                continue
            value = next((c for c in line.cells[i + 1 : stop] if c and c not in _INFO_LABELS), "")
            draft.info[key] = text_or_none(value)
        if measure_at is None:
            return
        if years is None:
            self.problems.error("table-not-found", "まちづくり指標の年度の見出し行が見つかりません", line.no)
            return
        self._indicator_values(draft, line, measure_at, years)

    def _indicator_values(self, draft: _IndicatorDraft, line: SheetLine, measure_at: int, years: list[int]) -> None:
        """"目標値 <tab> v1 <tab> v2 …": one value per year column of the header."""
        label = draft.info.get("name") or f"指標{draft.no}"
        if draft.values is None:
            draft.values = YearValues(label, reference_year=self.fiscal_year, problems=self.problems)
        field_name = _MEASURE_LABELS[line.cells[measure_at]]
        for k, cell in enumerate(line.cells[measure_at + 1 :]):
            if k >= len(years):
                if cell:
                    self.problems.warning(
                        "extra-values", f"{label}: 年度の見出しのない列の値「{cell}」は取り込みません", line.no, cell=cell
                    )
                continue
            measure = parse_measure(cell, footnotes=self.footnotes, unit=draft.info.get("unit"))
            draft.values.put(years[k], field_name, measure, line.no)

    def _indicator(self, draft: _IndicatorDraft) -> Indicator:
        values = draft.values
        name: str | None = draft.info.get("name")
        if not name:
            self.problems.warning("indicator-without-name", f"指標{draft.no}の名称がありません", draft.line)
        direction_text = draft.info.get("direction")
        return Indicator(
            number=draft.no,
            name=name or f"指標{draft.no}",
            unit=draft.info.get("unit") or (values.printed_unit() if values else None),
            method=draft.info.get("method"),
            description=draft.info.get("description"),
            direction=infer_direction(direction_text),
            direction_text=direction_text,
            values=values.values() if values else (),
            line=draft.line,
        )

    def _year_header(self, line: SheetLine) -> list[int] | None:
        years = []
        for cell in line.cells:
            if not cell or "年度" not in cell:
                continue
            year = resolve_year(cell, self.fiscal_year)
            if year is None:
                return None
            years.append(year)
        return years or None

    def _grade(self, section: _Section) -> None:
        columns: dict[str, int] | None = None
        legend_open = False  # a ※ legend whose text goes on
        rest = []
        for line in section.lines:
            if columns is None and "評価理由" in line.cells:
                columns = self._grade_columns(line)
                continue
            if line.first.startswith("※"):
                legend_open = self.blocks.add(self.grade_heading, line.first, line=line.no, section=section.title)
                continue
            if legend_open and len(line.texts) == 1 and line.first == line.cell(0):
                self.blocks.extend(line.first)
                continue
            legend_open = False
            if columns is not None and "grade" in columns and line.cell(columns["grade"]):
                self._grade_row(line, columns, section)
                continue
            rest.append(line)
        self._generic(section, rest)

    def _grade_columns(self, line: SheetLine) -> dict[str, int]:
        """The header row (評価, 評価理由, 評価基準); the 評価 heading as printed heads the legend."""
        columns = {"reason": line.cells.index("評価理由")}
        for i, cell in enumerate(line.cells):
            if cell.startswith("評価基準"):
                columns["criterion"] = i
            elif cell.startswith("評価") and cell != "評価理由":
                columns["grade"] = i
                self.grade_heading = cell
        return columns

    def _grade_row(self, line: SheetLine, columns: dict[str, int], section: _Section) -> None:
        """A grade and its reason; a second grade is kept as text, not lost."""
        grade = text_or_none(line.cell(columns["grade"]))
        reason = text_or_none(line.cell(columns["reason"]))
        criterion = line.cell(columns["criterion"]) if "criterion" in columns else ""
        if self.grade is None:
            self.grade, self.grade_reason = grade, reason
            if criterion:
                self.blocks.add("評価基準", criterion, line=line.no, section=section.title)
            return
        self.problems.warning(
            "extra-grade",
            f"評価が二つ以上あります。最初の「{self.grade}」を評価とし、「{grade}」は文章として残します",
            line.no,
        )
        self.blocks.add(criterion or "評価", f"{grade or ''}\n{reason or ''}", line=line.no, section=section.title)

    def _challenges(self, section: _Section) -> None:
        drafts: list[_ChallengeDraft] = []
        rest = []
        for line in section.lines:
            circled = circled_number(line.cell(0))
            texts = line.texts
            if circled is not None:
                body = texts[1:]
                drafts.append(_ChallengeDraft(circled[0], line.no))
                # "① 施策を進める上での課題 <text>": the label is the form's, the text the challenge.
                drafts[-1].challenge.extend(body[1:] if len(body) >= 2 else body)
                if not body:
                    self._unreadable(line, section)
                continue
            if drafts and not line.cell(0):
                label, body = (texts[0], texts[1:]) if len(texts) >= 2 else ("", texts)
                if any(word in label for word in ("取組", "対応", "今後")):
                    drafts[-1].next_action.extend(body)
                else:
                    drafts[-1].challenge.extend(body)
                continue
            rest.append(line)
        for d in drafts:
            challenge = text_or_none("\n".join(d.challenge))
            if challenge is None:
                continue
            self.challenges.append(
                Challenge(
                    number=d.no,
                    challenge=challenge,
                    next_action=text_or_none("\n".join(d.next_action)),
                    line=d.line,
                )
            )
        self._generic(section, rest)

def read(sheet: Sheet, *, municipality_code: str, municipality_name: str, problems: ProblemLog) -> EvaluationRecord:
    """The evaluation record of a 清瀬-layout sheet; what cannot be read goes to ``problems``."""
    reader = _Reader(sheet, problems)
    reader.read()
    policy_code = reader.fields.get("policy_code")
    policy_name = reader.fields.get("policy_name")
    if policy_code is None:
        problems.warning("missing-policy-code", "施策コードがありません", None)
    return EvaluationRecord(
        evaluation_id=evaluation_id(
            municipality_code, reader.fiscal_year, policy_code=policy_code, policy_name=policy_name
        ),
        municipality_code=municipality_code,
        municipality_name=municipality_name,
        fiscal_year=reader.fiscal_year,
        fiscal_year_label=reader.fiscal_year_label,
        level=Level.POLICY,
        source=Source(file=sheet.file, layout=LAYOUT),
        policy_code=policy_code,
        policy_name=policy_name,
        lead_department=reader.fields.get("lead_department"),
        lead_section=reader.fields.get("lead_section"),
        grade=reader.grade,
        grade_reason=reader.grade_reason,
        programs=tuple(reader.programs),
        costs=tuple(reader.costs),
        indicators=tuple(reader.indicators),
        challenges=tuple(reader.challenges),
        narratives=reader.blocks.build(),
    )
