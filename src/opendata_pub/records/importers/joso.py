"""Importer for the 常総市 事務事業評価 layout (総合計画上の位置付け, 目標, then 事業の説明 blocks).

Mapping (docs/evaluation-contract.md): no 施策コード and no grade; fiscal_year is the year of the
【Check】 block ("令和2年度実績の評価と分析" → 2020); 施策 → policy_name. Each 事業の説明 block is a
program (担当 → section). Inside a block the order of 【Do】/【Check】/【Action】/【Plan】 and of the
past-year rows varies, so rows are found by their labels: "令和N年度 予算額/決算額" sets the year
that the following 成果目標 / 成果実績 / 当初の成果目標 rows belong to and gives a budget/settlement
cost ("—" gives none). Indicators: first the policy-level 目標 rows (the first year column is the
measured value, later ones are targets), then one per program that prints a 成果指標 line, named
after it, unit from 単位. A program that prints figures without a 成果指標 line gets an indicator
named after the program (an INFO finding says so); its figures never go to another program.

This module must not do I/O or assume the seed's counts of programs, years or rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...errors import InputError
from ...japan.wareki import parse_fiscal_year
from ...japan.zenkaku import to_hankaku
from ..ids import evaluation_id
from ..model import (
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
from .cells import CellKind, clean_text, parse_amount, parse_measure, text_or_none
from .costheads import year_label
from .direction import infer_direction
from .problems import ProblemLog
from .sheet import Sheet, SheetLine
from .textblocks import TextBlocks
from .yearvalues import YearValues, resolve_year

__all__ = ["LAYOUT", "SIGNATURES", "read"]

LAYOUT = "joso"

SIGNATURES: tuple[re.Pattern[str], ...] = (
    re.compile(r"^事業の説明$", re.MULTILINE),
    re.compile(r"【Check】"),
    re.compile(r"【Do】"),
    re.compile(r"主要事業と関連部署"),
    re.compile(r"総合計画上の位置付け"),
)

_CHECK = re.compile(r"【\s*Check\s*】\s*(?P<year>.+?年\s*度)\s*実績")
_BLOCK_HEADING = re.compile(r"^【\s*(?:Do|Check|Action|Plan)\s*】", re.IGNORECASE)
_WESTERN_YEAR = re.compile(r"^(?P<year>[0-9]{4})\s*年(?:度)?$")
_STAGES = {"予算額": Stage.BUDGET, "予算": Stage.BUDGET, "決算額": Stage.SETTLEMENT, "決算": Stage.SETTLEMENT,
           "決算見込額": Stage.PRELIMINARY_SETTLEMENT}
_MEASURES = {"成果目標": "target", "当初の成果目標": "target", "成果実績": "actual"}
_TEXT_LABELS = ("実施内容と改善点", "実施内容", "評価", "分析", "方針", "課題", "改善点", "今後の方向性")
_PLAN_LABELS = ("施策の大綱", "施策の目的", "施策の目標", "施策", "施策の方向")
_KNOWN_HEADINGS = ("総合計画上の位置付け", "主要事業と関連部署", "目標")
_FOOTER = ("NEXT CYCLE",)


def _is_text_line(text: str) -> bool:
    """A sentence rather than a heading: long, or ending like one."""
    return len(text) > 40 or text.endswith(("。", "．", "."))


@dataclass
class _Cell:
    year: int
    field: str
    text: str
    line: int


@dataclass
class _Block:
    start: int  # the 事業の説明 line
    lines: list[SheetLine]
    name: str | None = None
    section: str | None = None
    direction_name: str | None = None
    indicator_name: str | None = None
    indicator_line: int | None = None
    unit: str | None = None
    cells: list[_Cell] = field(default_factory=list)


class _Reader:
    def __init__(self, sheet: Sheet, problems: ProblemLog) -> None:
        self.sheet = sheet
        self.problems = problems
        self.blocks = TextBlocks()
        self.fields: dict[str, str | None] = {}
        self.programs: list[Program] = []
        self.costs: list[Cost] = []
        self.indicators: list[Indicator] = []
        self.main_table: list[tuple[str | None, str, str | None, int]] = []  # (方向, 事業名, 部署, line)
        head, self.program_blocks = self._split()
        self.head = head
        self.fiscal_year, self.fiscal_year_label = self._fiscal_year()

    def _split(self) -> tuple[list[SheetLine], list[_Block]]:
        head: list[SheetLine] = []
        blocks: list[_Block] = []
        for line in self.sheet:
            if line.blank or line.first in _FOOTER:
                continue
            if len(line.texts) == 1 and line.first == "事業の説明":
                blocks.append(_Block(line.no, []))
            elif blocks:
                blocks[-1].lines.append(line)
            else:
                head.append(line)
        return head, blocks

    def _fiscal_year(self) -> tuple[int, str]:
        for line in self.sheet:
            match = _CHECK.search(line.first)
            if match:
                year = parse_fiscal_year(match.group("year"))
                if year is None:
                    raise InputError(
                        f"【Check】の年度「{match.group('year')}」を読めません", path=self.sheet.file, where=f"line {line.no}"
                    )
                return year, year_label(match.group("year"))
        for line in self.sheet:
            match = re.match(r"^(?P<year>(?:令和|平成)\s*(?:[0-9０-９]+|元)\s*年\s*度)の取組状況", line.first)
            if match and (year := parse_fiscal_year(match.group("year"))) is not None:
                self.problems.warning(
                    "fiscal-year-from-heading",
                    f"【Check】の見出しがないため、「{line.first}」の年度を評価年度にします",
                    line.no,
                )
                return year, year_label(match.group("year"))
        raise InputError("評価年度（【Check】令和N年度実績の評価と分析）が見つかりません", path=self.sheet.file)

    # -- the part before the programs ---------------------------------------------------------

    def read_head(self) -> None:
        mode: str | None = None
        heading: str | None = None
        section: str | None = None
        heading_has_text = True
        table_columns: dict[str, int] | None = None
        goal_columns: dict[str, object] | None = None
        lines = self.head
        for line in lines:
            texts = line.texts
            if len(texts) == 1 and texts[0] in _KNOWN_HEADINGS:
                mode, table_columns, goal_columns = texts[0], None, None
                heading, section, heading_has_text = None, None, True
                continue
            if mode == "総合計画上の位置付け" and any(c in _PLAN_LABELS for c in line.cells):
                self._plan_pairs(line)
                continue
            if mode == "主要事業と関連部署":
                if table_columns is None and "事業名" in line.cells:
                    table_columns = {c: i for i, c in enumerate(line.cells) if c}
                    continue
                if table_columns is not None and len(texts) >= 2:
                    self.main_table.append(
                        (
                            text_or_none(line.cell(table_columns.get("施策の方向", -1))),
                            clean_text(line.cell(table_columns["事業名"])),
                            text_or_none(line.cell(table_columns.get("部署名", table_columns.get("担当課", -1)))),
                            line.no,
                        )
                    )
                    continue
            if mode == "目標":
                if goal_columns is None and "指標名" in line.cells:
                    goal_columns = self._goal_header(line)
                    continue
                if goal_columns is not None and len(texts) >= 2:
                    self._goal_row(line, goal_columns)
                    continue
            # free text: single-cell headings and the sentences under them
            if len(texts) == 1 and not _is_text_line(texts[0]):
                # Two headings in a row: the first is the section of the second ("…への意見" > "…からの意見").
                section = heading if (heading is not None and not heading_has_text) else None
                heading, heading_has_text = texts[0], False
                mode = None
                continue
            if heading is not None:
                body = "\n".join(texts)
                if heading_has_text:
                    self.blocks.extend(body)
                else:
                    self.blocks.add(heading, body, line=line.no, section=section)
                    heading_has_text = True
                continue
            self.problems.warning("unreadable-line", f"この行を読み取れませんでした: {' / '.join(texts)[:80]}", line.no)
        directions: list[str] = []
        for direction, _, _, no in self.main_table:
            if direction and direction not in directions:
                directions.append(direction)
                self.blocks.add("施策の方向", direction, line=no, kind=NarrativeKind.DIRECTION, section="主要事業と関連部署")

    def _plan_pairs(self, line: SheetLine) -> None:
        cells = line.cells
        for i, cell in enumerate(cells):
            if cell not in _PLAN_LABELS:
                continue
            value = cells[i + 1] if i + 1 < len(cells) and cells[i + 1] not in _PLAN_LABELS else ""
            if cell == "施策":
                self.fields["policy_name"] = text_or_none(value)
            elif cell == "施策の大綱":
                self.blocks.add(cell, value, line=line.no, kind=NarrativeKind.GOAL, section="総合計画上の位置付け")
            elif cell in ("施策の目的", "施策の目標"):
                self.blocks.add(cell, value, line=line.no, kind=NarrativeKind.VISION, section="総合計画上の位置付け")
            else:
                self.blocks.add(cell, value, line=line.no, section="総合計画上の位置付け")

    def _goal_header(self, line: SheetLine) -> dict[str, object]:
        columns: dict[str, object] = {"years": []}
        years: list[tuple[int, int]] = []
        for i, cell in enumerate(line.cells):
            if cell == "指標名":
                columns["name"] = i
            elif "考え方" in cell or "説明" in cell:
                columns["method"] = i
            elif "方向" in cell:
                columns["direction"] = i
            elif "単位" in cell:
                columns["unit"] = i
            elif cell:
                year = self._year_of(cell)
                if year is None:
                    self.problems.warning("unreadable-year", f"目標の列見出し「{cell}」を年度として読めません", line.no)
                else:
                    years.append((i, year))
        columns["years"] = years
        return columns

    def _year_of(self, cell: str) -> int | None:
        match = _WESTERN_YEAR.match(to_hankaku(cell).strip())
        if match:
            return int(match.group("year"))
        return resolve_year(cell, self.fiscal_year)

    def _goal_row(self, line: SheetLine, columns: dict[str, object]) -> None:
        def col(key: str) -> str:
            index = columns.get(key)
            return line.cell(index) if isinstance(index, int) else ""

        name = text_or_none(col("name"))
        if name is None:
            self.problems.warning("indicator-without-name", "目標の行に指標名がありません", line.no)
            return
        unit = text_or_none(col("unit"))
        values = YearValues(name, reference_year=self.fiscal_year, problems=self.problems)
        years = columns["years"]
        assert isinstance(years, list)
        for k, (index, year) in enumerate(years):
            # The first year column is the measured value (現状値), every later one a target.
            field_name = "actual" if k == 0 else "target"
            values.put(year, field_name, parse_measure(line.cell(index), footnotes={}, unit=unit), line.no)
        direction_text = text_or_none(col("direction"))
        self.indicators.append(
            Indicator(
                number=len(self.indicators) + 1,
                name=name,
                unit=unit or values.printed_unit(),
                method=text_or_none(col("method")),
                direction=infer_direction(direction_text),
                direction_text=direction_text,
                values=values.values(),
                line=line.no,
            )
        )

    # -- program blocks -------------------------------------------------------------------------

    def read_block(self, block: _Block, no: int) -> None:
        block_heading: str | None = None  # the 【Do】…【Plan】 heading the texts below belong to
        year: tuple[int, str] | None = None  # the year row (令和N年度 予算額/決算額) figures belong to
        in_plan = False
        text_heading: str | None = None  # the label whose text continues on the next lines
        text_section: str | None = None
        text_open = False
        expect: str | None = None  # "indicator-name", "future-years", "future-values"
        future_years: dict[int, int] = {}
        for line in block.lines:
            texts = line.texts
            first = line.cell(0)
            if expect == "indicator-name":
                expect = None
                if len(texts) == 1 and first and first not in _MEASURES and first != "単位":
                    block.indicator_name, block.indicator_line = clean_text(first), line.no
                    continue
            elif expect == "future-years":
                expect = None
                years = {i: self._year_of(c) for i, c in line.filled}
                if years and all(y is not None for y in years.values()):
                    future_years = {i: y for i, y in years.items() if y is not None}
                    expect = "future-values"
                    continue
            elif expect == "future-values":
                expect = None
                for index, fy in future_years.items():
                    block.cells.append(_Cell(fy, "target", line.cell(index), line.no))
                continue
            if text_heading is not None and len(texts) == 1 and first and not self._is_label(first):
                if text_open:
                    self.blocks.extend(first)
                else:
                    text_open = self.blocks.add(
                        text_heading, first, line=line.no, section=text_section, program_no=no
                    )
                continue
            text_heading, text_open = None, False
            if _BLOCK_HEADING.match(first):
                block_heading, in_plan = clean_text(first), False
                continue
            if first == "総合計画上の位置付け":
                in_plan = True
                continue
            if in_plan and first in _PLAN_LABELS:
                value = text_or_none(line.after(first))
                if first == "施策の方向":
                    block.direction_name = value
                elif first == "施策" and value and self.fields.get("policy_name") and value != self.fields["policy_name"]:
                    self.problems.warning(
                        "policy-name-mismatch",
                        f"事業の施策「{value}」が冒頭の施策「{self.fields['policy_name']}」と違います",
                        line.no,
                    )
                # 施策の大綱・施策の目標 repeat the sheet's head, which is kept once.
                continue
            in_plan = False
            stage = _STAGES.get(line.cell(1))
            row_year = resolve_year(first, self.fiscal_year) if "年度" in first else None
            if row_year is not None and stage is not None:
                # A year row starts a past-year or plan record; texts after it belong to that year.
                year, block_heading = (row_year, year_label(first)), None
                self._cost(block, no, line, next((c for c in line.cells[2:] if c), ""), row_year, stage)
                continue
            if not first and line.cell(1).startswith("うち"):
                value = next((c for c in line.cells[2:] if c), "")
                if text_or_none(value) is not None:
                    label = f"{year[1]} {line.cell(1)}" if year else line.cell(1)
                    self.blocks.add(label, value, line=line.no, program_no=no)
                    self.problems.info(
                        "specific-revenue-kept-as-narrative",
                        f"「{label}」{value} は費用の表に含めず、文章として残します",
                        line.no,
                    )
                continue
            if first in _MEASURES:
                value = next((c for c in line.cells[1:] if c), "")
                if year is None:
                    if text_or_none(value) is not None:
                        self.problems.warning(
                            "value-without-year", f"{first}「{value}」の年度が分からないため取り込みません", line.no
                        )
                    continue
                block.cells.append(_Cell(year[0], _MEASURES[first], value, line.no))
                continue
            if first == "事業名":
                block.name = text_or_none(line.after(first))
                continue
            if first == "担当":
                block.section = text_or_none(line.cell(1))
                for cell in line.cells[2:]:
                    self._labelled_text(cell, line, no)
                continue
            if first == "成果指標":
                name = line.after(first)
                if name:
                    block.indicator_name, block.indicator_line = clean_text(name), line.no
                else:
                    expect = "indicator-name"
                continue
            if first == "単位":
                block.unit = text_or_none(line.after(first))
                continue
            if first == "今後の成果目標":
                expect = "future-years"
                continue
            if first.startswith("事業の目的"):
                self._labelled_text(" ".join(texts), line, no)
                continue
            if first in _TEXT_LABELS or first == "予算科目":
                yearly = first.startswith("実施内容") and year is not None
                heading = f"{year[1]} {first}" if (yearly and year is not None) else first
                section = None if yearly else block_heading
                value = "\n".join(texts[1:])
                if value:
                    self.blocks.add(heading, value, line=line.no, section=section, program_no=no)
                else:
                    text_heading, text_section = heading, section
                continue
            self.problems.warning(
                "unreadable-line",
                f"事業「{block.name or no}」のこの行を読み取れませんでした: {' / '.join(texts)[:80]}",
                line.no,
            )

    def _is_label(self, text: str) -> bool:
        return (
            text in _MEASURES
            or text in _TEXT_LABELS
            or text in _PLAN_LABELS
            or text in ("事業名", "担当", "予算科目", "成果指標", "単位", "今後の成果目標", "総合計画上の位置付け")
            or bool(_BLOCK_HEADING.match(text))
        )

    def _labelled_text(self, cell: str, line: SheetLine, no: int) -> None:
        """"事業の目的 <text>" printed in one cell: the label is the heading."""
        label, _, text = cell.partition(" ")
        if label.startswith("事業の") and text.strip():
            self.blocks.add(label, text, line=line.no, program_no=no)
        elif cell:
            self.blocks.add("事業の説明", cell, line=line.no, program_no=no)

    def _cost(self, block: _Block, no: int, line: SheetLine, value: str, year: int, stage: Stage) -> None:
        amount = parse_amount(value)
        if amount.kind is CellKind.EMPTY:
            return
        if amount.yen is None:
            self.problems.error(
                "unreadable-amount",
                f"事業「{block.name or no}」の{year}年度の{amount.problem}",
                line.no,
                cell=value,
                fiscal_year=year,
            )
            return
        self.costs.append(
            Cost(
                fiscal_year=year, stage=stage, category=CostCategory.TOTAL, amount_jpy=amount.yen, program_no=no, line=line.no
            )
        )

    def finish_block(self, block: _Block, no: int) -> None:
        table_row = next((row for row in self.main_table if row[1] == block.name), None)
        name = block.name
        if name is None:
            self.problems.warning("program-without-name", "事業の説明に事業名がありません", block.start)
            name = f"事業{no}"
        self.programs.append(
            Program(
                number=no,
                name=name,
                direction_name=block.direction_name or (table_row[0] if table_row else None),
                section=block.section or (table_row[2] if table_row else None),
                line=block.start,
            )
        )
        label = block.indicator_name or name
        values = YearValues(label, reference_year=self.fiscal_year, problems=self.problems)
        printed = False
        for cell in block.cells:
            measure = parse_measure(cell.text, footnotes={}, unit=block.unit)
            printed = printed or measure.kind is not CellKind.EMPTY
            values.put(cell.year, cell.field, measure, cell.line)
        if block.indicator_name is None and not printed:
            return
        if block.indicator_name is None:
            self.problems.info(
                "indicator-named-after-program",
                f"事業「{name}」は成果指標の名称がないまま成果目標・成果実績を載せているため、事業名を指標名にします",
                block.cells[0].line if block.cells else block.start,
                program=name,
            )
        unit = block.unit or values.printed_unit()
        if block.unit and values.printed_unit() and values.printed_unit() != block.unit:
            self.problems.warning(
                "unit-mismatch",
                f"{label}: 単位「{block.unit}」と数値についた単位「{values.printed_unit()}」が違います",
                block.indicator_line or block.start,
            )
        self.indicators.append(
            Indicator(
                number=len(self.indicators) + 1,
                name=label,
                unit=unit,
                section=self.programs[-1].section,
                program_no=no,
                values=values.values(),
                line=block.indicator_line or (block.cells[0].line if block.cells else block.start),
            )
        )

    def read(self) -> None:
        self.read_head()
        for no, block in enumerate(self.program_blocks, start=1):
            self.read_block(block, no)
            self.finish_block(block, no)
        named = {p.name for p in self.programs}
        for direction, name, section, line_no in self.main_table:
            if name in named:
                continue
            self.problems.warning(
                "program-without-description",
                f"主要事業「{name}」の事業の説明がありません。事業として名前と部署だけ取り込みます",
                line_no,
                program=name,
            )
            self.programs.append(
                Program(number=len(self.programs) + 1, name=name, direction_name=direction, section=section, line=line_no)
            )
            named.add(name)


def read(sheet: Sheet, *, municipality_code: str, municipality_name: str, problems: ProblemLog) -> EvaluationRecord:
    """The evaluation record of a 常総-layout sheet; what cannot be read goes to ``problems``."""
    reader = _Reader(sheet, problems)
    reader.read()
    policy_name = reader.fields.get("policy_name")
    if policy_name is None:
        problems.warning("missing-policy-name", "施策名（総合計画上の位置付けの「施策」）がありません", None)
    return EvaluationRecord(
        evaluation_id=evaluation_id(municipality_code, reader.fiscal_year, policy_code=None, policy_name=policy_name),
        municipality_code=municipality_code,
        municipality_name=municipality_name,
        fiscal_year=reader.fiscal_year,
        fiscal_year_label=reader.fiscal_year_label,
        level=Level.POLICY,
        source=Source(file=sheet.file, layout=LAYOUT),
        policy_name=policy_name,
        programs=tuple(reader.programs),
        costs=tuple(reader.costs),
        indicators=tuple(reader.indicators),
        narratives=reader.blocks.build(),
    )
