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
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

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

    @property
    def first_figure_line(self) -> int:
        """The line of the block's first figure, or of its 事業の説明 heading."""
        return self.cells[0].line if self.cells else self.start


@dataclass
class _HeadState:
    """Where the reader is in the part before the programs."""

    mode: str | None = None  # the known heading (_KNOWN_HEADINGS) whose table is being read
    heading: str | None = None  # the free-text heading whose sentences follow
    section: str | None = None  # the heading printed right above ``heading``, if it had no text
    heading_has_text: bool = True
    table_columns: dict[str, int] | None = None  # 主要事業と関連部署: header → column
    goal_columns: dict[str, object] | None = None  # 目標: see _goal_header


@dataclass
class _BlockState:
    """Where the reader is in one 事業の説明 block: what the next lines belong to."""

    block: _Block
    no: int  # the program's number
    block_heading: str | None = None  # the 【Do】…【Plan】 heading the texts below belong to
    year: tuple[int, str] | None = None  # the year row (令和N年度 予算額/決算額) the rows below belong to
    in_plan: bool = False  # inside the block's 総合計画上の位置付け
    text_heading: str | None = None  # the text label whose text continues on the next lines
    text_section: str | None = None
    text_open: bool = False  # that text has begun (a narrative was added)
    awaiting: Callable[[_BlockState, SheetLine], bool] | None = None  # what the previous row announced
    future_years: dict[int, int] = field(default_factory=dict)  # 今後の成果目標: column → year


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
        state = _HeadState()
        for line in self.head:
            texts = line.texts
            if len(texts) == 1 and texts[0] in _KNOWN_HEADINGS:
                state = _HeadState(mode=texts[0])  # a known heading closes whatever was open above it
                continue
            table_line = self._HEAD_TABLES.get(state.mode or "")
            if table_line is not None and table_line(self, state, line):
                continue
            self._head_text(state, line)
        self._directions()

    def _plan_line(self, state: _HeadState, line: SheetLine) -> bool:
        """総合計画上の位置付け: label/value pairs (施策, 施策の大綱 …), several on one line."""
        if not any(c in _PLAN_LABELS for c in line.cells):
            return False
        self._plan_pairs(line)
        return True

    def _main_table_line(self, state: _HeadState, line: SheetLine) -> bool:
        """主要事業と関連部署: its header row, then one row per program (方向, 事業名, 部署)."""
        if state.table_columns is None and "事業名" in line.cells:
            state.table_columns = {c: i for i, c in enumerate(line.cells) if c}
            return True
        columns = state.table_columns
        if columns is None or len(line.texts) < 2:
            return False
        self.main_table.append(
            (
                text_or_none(line.cell(columns.get("施策の方向", -1))),
                clean_text(line.cell(columns["事業名"])),
                text_or_none(line.cell(columns.get("部署名", columns.get("担当課", -1)))),
                line.no,
            )
        )
        return True

    def _goal_line(self, state: _HeadState, line: SheetLine) -> bool:
        """目標: its header row (指標名, years …), then one indicator per row."""
        if state.goal_columns is None and "指標名" in line.cells:
            state.goal_columns = self._goal_header(line)
            return True
        if state.goal_columns is None or len(line.texts) < 2:
            return False
        self._goal_row(line, state.goal_columns)
        return True

    # the tables under the known headings; a line none of them reads is free text
    _HEAD_TABLES: ClassVar[dict[str, Callable[[_Reader, _HeadState, SheetLine], bool]]] = {
        "総合計画上の位置付け": _plan_line,
        "主要事業と関連部署": _main_table_line,
        "目標": _goal_line,
    }

    def _head_text(self, state: _HeadState, line: SheetLine) -> None:
        """Free text: single-cell headings and the sentences under them."""
        texts = line.texts
        if len(texts) == 1 and not _is_text_line(texts[0]):
            # Two headings in a row: the first is the section of the second ("…への意見" > "…からの意見").
            state.section = state.heading if (state.heading is not None and not state.heading_has_text) else None
            state.heading, state.heading_has_text, state.mode = texts[0], False, None
            return
        if state.heading is None:
            self.problems.warning("unreadable-line", f"この行を読み取れませんでした: {' / '.join(texts)[:80]}", line.no)
            return
        body = "\n".join(texts)
        if state.heading_has_text:
            self.blocks.extend(body)
        else:
            self.blocks.add(state.heading, body, line=line.no, section=state.section)
            state.heading_has_text = True

    def _directions(self) -> None:
        """The 施策の方向 of 主要事業と関連部署, each once, as direction narratives."""
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
        state = _BlockState(block, no)
        for line in block.lines:
            self._block_line(state, line)

    def _block_line(self, state: _BlockState, line: SheetLine) -> None:
        """One line of a block, tried in this order; the first reading that fits takes the line."""
        awaited, state.awaiting = state.awaiting, None
        if awaited is not None and awaited(state, line):
            return
        if self._continued_text(state, line) or self._heading_or_plan(state, line):
            return
        if self._year_row(state, line) or self._part_of_amount(state, line):
            return
        self._labelled_row(state, line)

    def _continued_text(self, state: _BlockState, line: SheetLine) -> bool:
        """A lone text under a text label printed without its text: that label's text, going on."""
        first = line.cell(0)
        if state.text_heading is not None and len(line.texts) == 1 and first and not self._is_label(first):
            if state.text_open:
                self.blocks.extend(first)
            else:
                state.text_open = self.blocks.add(
                    state.text_heading, first, line=line.no, section=state.text_section, program_no=state.no
                )
            return True
        state.text_heading, state.text_open = None, False
        return False

    def _heading_or_plan(self, state: _BlockState, line: SheetLine) -> bool:
        """A 【Do】…【Plan】 heading, or the block's own 総合計画上の位置付け and its rows."""
        first = line.cell(0)
        if _BLOCK_HEADING.match(first):
            state.block_heading, state.in_plan = clean_text(first), False
            return True
        if first == "総合計画上の位置付け":
            state.in_plan = True
            return True
        if state.in_plan and first in _PLAN_LABELS:
            self._block_plan_row(state, line)
            return True
        state.in_plan = False
        return False

    def _block_plan_row(self, state: _BlockState, line: SheetLine) -> None:
        first = line.cell(0)
        value = text_or_none(line.after(first))
        policy_name = self.fields.get("policy_name")
        if first == "施策の方向":
            state.block.direction_name = value
        elif first == "施策" and value and policy_name and value != policy_name:
            self.problems.warning(
                "policy-name-mismatch", f"事業の施策「{value}」が冒頭の施策「{policy_name}」と違います", line.no
            )
        # 施策の大綱・施策の目標 repeat the sheet's head, which is kept once.

    def _year_row(self, state: _BlockState, line: SheetLine) -> bool:
        """"令和N年度 <tab> 予算額/決算額 <tab> amount": a cost, and the year of the rows below it."""
        first = line.cell(0)
        stage = _STAGES.get(line.cell(1))
        row_year = resolve_year(first, self.fiscal_year) if "年度" in first else None
        if row_year is None or stage is None:
            return False
        # A year row starts a past-year or plan record; texts after it belong to that year.
        state.year, state.block_heading = (row_year, year_label(first)), None
        self._cost(state.block, state.no, line, next((c for c in line.cells[2:] if c), ""), row_year, stage)
        return True

    def _part_of_amount(self, state: _BlockState, line: SheetLine) -> bool:
        """"<tab> うち… <tab> amount": a part of the amount above, kept as text (a cost would count twice)."""
        if line.cell(0) or not line.cell(1).startswith("うち"):
            return False
        value = next((c for c in line.cells[2:] if c), "")
        if text_or_none(value) is not None:
            label = f"{state.year[1]} {line.cell(1)}" if state.year else line.cell(1)
            self.blocks.add(label, value, line=line.no, program_no=state.no)
            self.problems.info(
                "specific-revenue-kept-as-narrative", f"「{label}」{value} は費用の表に含めず、文章として残します", line.no
            )
        return True

    def _labelled_row(self, state: _BlockState, line: SheetLine) -> None:
        """A row named by its first cell: read by that label's handler (``_ROWS``)."""
        first = line.cell(0)
        handler = self._ROWS.get(first)
        if handler is not None:
            handler(self, state, line)
        elif first.startswith("事業の目的"):
            self._labelled_text(" ".join(line.texts), line, state.no)
        else:
            self.problems.warning(
                "unreadable-line",
                f"事業「{state.block.name or state.no}」のこの行を読み取れませんでした: {' / '.join(line.texts)[:80]}",
                line.no,
            )

    def _name_row(self, state: _BlockState, line: SheetLine) -> None:
        state.block.name = text_or_none(line.after("事業名"))

    def _section_row(self, state: _BlockState, line: SheetLine) -> None:
        """"担当 <tab> 課 <tab> 事業の目的 …": the cells after the section are texts of the block."""
        state.block.section = text_or_none(line.cell(1))
        for cell in line.cells[2:]:
            self._labelled_text(cell, line, state.no)

    def _indicator_row(self, state: _BlockState, line: SheetLine) -> None:
        name = line.after("成果指標")
        if name:
            state.block.indicator_name, state.block.indicator_line = clean_text(name), line.no
        else:
            state.awaiting = self._indicator_name_line

    def _unit_row(self, state: _BlockState, line: SheetLine) -> None:
        state.block.unit = text_or_none(line.after("単位"))

    def _future_targets_row(self, state: _BlockState, line: SheetLine) -> None:
        state.awaiting = self._future_years_line

    def _measure_row(self, state: _BlockState, line: SheetLine) -> None:
        """成果目標 / 当初の成果目標 / 成果実績 <tab> figure: a figure of the year row above."""
        first = line.cell(0)
        value = next((c for c in line.cells[1:] if c), "")
        if state.year is None:
            if text_or_none(value) is not None:
                self.problems.warning(
                    "value-without-year", f"{first}「{value}」の年度が分からないため取り込みません", line.no
                )
            return
        state.block.cells.append(_Cell(state.year[0], _MEASURES[first], value, line.no))

    def _text_row(self, state: _BlockState, line: SheetLine) -> None:
        """A text label (評価, 課題, 実施内容 …) with its text, or alone when its text is on the next lines."""
        first = line.cell(0)
        # 実施内容 is printed once per year row, so under one it is headed with that year.
        yearly = state.year[1] if state.year is not None and first.startswith("実施内容") else None
        heading = first if yearly is None else f"{yearly} {first}"
        section = state.block_heading if yearly is None else None
        value = "\n".join(line.texts[1:])
        if value:
            self.blocks.add(heading, value, line=line.no, section=section, program_no=state.no)
        else:
            state.text_heading, state.text_section = heading, section

    # label (the row's first cell) → its handler
    _ROWS: ClassVar[dict[str, Callable[[_Reader, _BlockState, SheetLine], None]]] = {
        "事業名": _name_row,
        "担当": _section_row,
        "成果指標": _indicator_row,
        "単位": _unit_row,
        "今後の成果目標": _future_targets_row,
        **dict.fromkeys(_MEASURES, _measure_row),
        **dict.fromkeys((*_TEXT_LABELS, "予算科目"), _text_row),
    }

    # Rows that say what the next line is. Each returns False when the line is not that after all;
    # the line is then read as any other.

    def _indicator_name_line(self, state: _BlockState, line: SheetLine) -> bool:
        """After an empty 成果指標: the indicator's name on a line of its own."""
        first = line.cell(0)
        if len(line.texts) == 1 and first and first not in _MEASURES and first != "単位":
            state.block.indicator_name, state.block.indicator_line = clean_text(first), line.no
            return True
        return False

    def _future_years_line(self, state: _BlockState, line: SheetLine) -> bool:
        """After 今後の成果目標: a row of years, whose targets are on the line after it."""
        years = {i: self._year_of(c) for i, c in line.filled}
        if not years or any(y is None for y in years.values()):
            return False
        state.future_years = {i: y for i, y in years.items() if y is not None}
        state.awaiting = self._future_values_line
        return True

    def _future_values_line(self, state: _BlockState, line: SheetLine) -> bool:
        for index, year in state.future_years.items():
            state.block.cells.append(_Cell(year, "target", line.cell(index), line.no))
        return True

    def _is_label(self, text: str) -> bool:
        """A text that starts a row of its own, so never continues the text above."""
        return (
            text in self._ROWS
            or text in _PLAN_LABELS
            or text == "総合計画上の位置付け"
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
        program = self._block_program(block, no)
        self.programs.append(program)
        indicator = self._block_indicator(block, program)
        if indicator is not None:
            self.indicators.append(indicator)

    def _block_program(self, block: _Block, no: int) -> Program:
        """The block's program; what the block does not print comes from its 主要事業と関連部署 row."""
        table_row = next((row for row in self.main_table if row[1] == block.name), None)
        table_direction, table_section = (table_row[0], table_row[2]) if table_row else (None, None)
        name = block.name
        if name is None:
            self.problems.warning("program-without-name", "事業の説明に事業名がありません", block.start)
            name = f"事業{no}"
        return Program(
            number=no,
            name=name,
            direction_name=block.direction_name or table_direction,
            section=block.section or table_section,
            line=block.start,
        )

    def _block_indicator(self, block: _Block, program: Program) -> Indicator | None:
        """The indicator of the block's 成果指標, or of figures printed without one (named after the program)."""
        label = block.indicator_name or program.name
        values, printed = self._block_values(block, label)
        if block.indicator_name is None:
            if not printed:
                return None
            self.problems.info(
                "indicator-named-after-program",
                f"事業「{program.name}」は成果指標の名称がないまま成果目標・成果実績を載せているため、事業名を指標名にします",
                block.first_figure_line,
                program=program.name,
            )
        printed_unit = values.printed_unit()
        if block.unit and printed_unit and printed_unit != block.unit:
            self.problems.warning(
                "unit-mismatch",
                f"{label}: 単位「{block.unit}」と数値についた単位「{printed_unit}」が違います",
                block.indicator_line or block.start,
            )
        return Indicator(
            number=len(self.indicators) + 1,
            name=label,
            unit=block.unit or printed_unit,
            section=program.section,
            program_no=program.number,
            values=values.values(),
            line=block.indicator_line or block.first_figure_line,
        )

    def _block_values(self, block: _Block, label: str) -> tuple[YearValues, bool]:
        """The block's figures by year, and whether any figure is printed at all."""
        values = YearValues(label, reference_year=self.fiscal_year, problems=self.problems)
        printed = False
        for cell in block.cells:
            measure = parse_measure(cell.text, footnotes={}, unit=block.unit)
            printed = printed or measure.kind is not CellKind.EMPTY
            values.put(cell.year, cell.field, measure, cell.line)
        return values, printed

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
