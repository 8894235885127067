"""Importer for the 江東区 施策評価 layout ("計画の実現に向けて N", sections "1 施策目標" … "4 一次評価").

Mapping (docs/evaluation-contract.md): 計画の実現に向けて N → policy_code N; fiscal_year is the year
of the "N年度決算(速報値)" column, fiscal_year_label that label as printed ("4年度"); 主管部長(課)
→ lead_department/lead_section ("政策経営部長(企画課)" → 政策経営部, 企画課). 取組方針 N → program N
(direction_no N, section = its 主管 課); 主な実施事業 are not programs but text. 施策コストの状況 →
policy-level costs, 取組コストの状況 → that program's costs, トータルコスト/事業費/人件費 →
total/business/personnel, "N年度予算" → budget, "N年度決算(速報値)" → preliminary_settlement; an empty
cell gives no row. 現状・取組状況 ①… → indicators (項目担当課 → section) whose year values are actuals.

This module must not do I/O or assume the seed's counts of programs, indicators or year columns.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from ...errors import InputError
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
from .cells import (
    CellKind,
    circled_number,
    clean_text,
    parse_amount,
    parse_measure,
    split_head_and_section,
    text_or_none,
)
from .costheads import CostHead, parse_cost_head
from .footnotes import collect_footnotes
from .problems import ProblemLog
from .sheet import Sheet, SheetLine
from .textblocks import TextBlocks
from .yearvalues import YearValues, resolve_year

__all__ = ["LAYOUT", "SIGNATURES", "read"]

LAYOUT = "koto"

SIGNATURES: tuple[re.Pattern[str], ...] = (
    re.compile(r"計画の実現に向けて"),
    re.compile(r"施策コストの状況"),
    re.compile(r"取組コストの状況"),
    re.compile(r"取組方針の実施状況"),
    re.compile(r"現状・取組状況"),
)

_POLICY = re.compile(r"^計画の実現に向けて\s*(?P<code>[0-9A-Za-z\-]+)$")
_SECTION = re.compile(r"^(?P<no>[0-9]{1,2})\s+(?P<title>\S.*)$")
_PROGRAM = re.compile(r"^取組方針\s*(?P<no>[0-9]+)$")
_CATEGORIES = {"トータルコスト": CostCategory.TOTAL, "総コスト": CostCategory.TOTAL, "事業費": CostCategory.BUSINESS,
               "人件費": CostCategory.PERSONNEL}
_PAREN_YEAR = re.compile(r"[(]\s*(?P<year>[^()]*年\s*度)\s*[)]")
_LEAD = "主管部長(課)"
_RELATED = "関係部長(課)"
_PROGRAM_TEXT_LABELS = ("主な取組", "取組内容", "主な実施事業")


def _is_text_line(text: str) -> bool:
    return len(text) > 40 or text.endswith(("。", "．", ".", "</p>", "</ul>", "</li>"))


def _label(text: str) -> str:
    """A label compared in half-width form: "主管部長（課）" is "主管部長(課)"."""
    return to_hankaku(text).replace(" ", "")


@dataclass
class _ProgramDraft:
    no: int
    name: str | None
    line: int
    section: str | None = None
    department: str | None = None


@dataclass
class _ReadState:
    """Where the reader is: the section and 取組方針 a line belongs to, and the text that may go on."""

    section: str | None = None
    program: _ProgramDraft | None = None
    heading: str | None = None  # the label or lone heading whose text follows
    text_open: bool = False  # that text has begun: a line that is only text continues it

    @property
    def program_no(self) -> int | None:
        return self.program.no if self.program else None


class _Reader:
    def __init__(self, sheet: Sheet, problems: ProblemLog) -> None:
        self.sheet = sheet
        self.problems = problems
        self.footnotes, self.footnote_lines = collect_footnotes(sheet)
        self.blocks = TextBlocks()
        self.fields: dict[str, str | None] = {}
        self.programs: dict[int, _ProgramDraft] = {}
        self.costs: list[Cost] = []
        self.indicators: list[Indicator] = []
        self.fiscal_year, self.fiscal_year_label = self._fiscal_year()

    def _fiscal_year(self) -> tuple[int, str]:
        settlement: tuple[CostHead, int] | None = None
        for line in self.sheet:
            for cell in line.cells:
                head = parse_cost_head(cell, None) if "年度" in cell else None
                if head is None:
                    continue
                if head.stage is Stage.PRELIMINARY_SETTLEMENT:
                    return head.fiscal_year, head.year_label
                if head.stage is Stage.SETTLEMENT and settlement is None:
                    settlement = (head, line.no)
        if settlement is not None:
            head, line_no = settlement
            self.problems.warning(
                "fiscal-year-from-settlement",
                f"「決算(速報値)」の列がないため、決算の列の年度（{head.year_label}）を評価年度にします",
                line_no,
            )
            return head.fiscal_year, head.year_label
        raise InputError("評価年度（「N年度決算(速報値)」の列）が見つかりません", path=self.sheet.file)

    # -- reading, section by section -----------------------------------------------------------

    def read(self) -> None:
        lines = [line for line in self.sheet if not line.blank and line.no not in self.footnote_lines]
        state = _ReadState()
        i = 0
        while i < len(lines):
            line = lines[i]
            i += 1
            if self._structure_line(state, line):
                continue
            table = self._TABLES.get(line.first) if len(line.texts) == 1 else None
            if table is not None:
                i = table(self, state, lines, i)  # a table reads its own rows
            else:
                self._text_line(state, line)

    def _structure_line(self, state: _ReadState, line: SheetLine) -> bool:
        """A section title, 計画の実現に向けて N, 取組方針 N or a 主管/関係部長 line; False for anything else."""
        first = to_hankaku(line.first)
        section = _SECTION.match(first) if len(line.texts) == 1 else None
        if section:
            state.section, state.program = clean_text(section.group("title")), None
        elif policy := _POLICY.match(first):
            self._policy(line, policy.group("code"), state.section)
        elif program := _PROGRAM.match(first):
            state.program = self._program(line, int(program.group("no")), state.section)
        elif any(_label(c) in (_LEAD, _RELATED) for c in line.cells):
            self._leads(line, state.program, state.section)
        else:
            return False
        state.heading, state.text_open = None, False  # no text goes on across these lines
        return True

    def _policy_costs(self, state: _ReadState, lines: list[SheetLine], i: int) -> int:
        state.heading, state.text_open = None, False
        return self._costs(lines, i, None, "施策コストの状況")

    def _program_costs(self, state: _ReadState, lines: list[SheetLine], i: int) -> int:
        state.heading, state.text_open = None, False
        return self._costs(lines, i, state.program, "取組コストの状況")

    def _status(self, state: _ReadState, lines: list[SheetLine], i: int) -> int:
        i = self._indicators(lines, i, state.section)
        # The lines after the table go on under 現状・取組状況.
        state.heading, state.text_open = "現状・取組状況", True
        return i

    # a table's title (a line of its own) → its reader, which returns the index of the line after it
    _TABLES: ClassVar[dict[str, Callable[[_Reader, _ReadState, list[SheetLine], int], int]]] = {
        "施策コストの状況": _policy_costs,
        "取組コストの状況": _program_costs,
        "現状・取組状況": _status,
    }

    def _text_line(self, state: _ReadState, line: SheetLine) -> None:
        texts, first = line.texts, line.first
        if len(texts) >= 2 and line.cell(0):
            # label <tab> text: 主な取組, 取組内容, 総評, 今後の方向性, 分析 …
            section = "現状・取組状況" if state.heading == "現状・取組状況" else state.section
            self.blocks.add(first, "\n".join(texts[1:]), line=line.no, section=section, program_no=state.program_no)
            state.heading, state.text_open = first, True
        elif not line.cell(0) and state.text_open:
            # "\t②…": the text of the label above goes on
            self.blocks.extend("\n".join(texts))
        elif len(texts) == 1 and not _is_text_line(first):
            state.heading, state.text_open = first, False  # a heading whose text follows: 取組目標, 成果と課題 …
        else:
            self._body_text(state, line)

    def _body_text(self, state: _ReadState, line: SheetLine) -> None:
        """Text without a label of its own: under the heading above, or the description of a 取組方針."""
        body = "\n".join(line.texts)
        if state.heading is not None and not state.text_open:
            kind = NarrativeKind.VISION if state.heading == "取組目標" else NarrativeKind.TEXT
            self.blocks.add(
                state.heading, body, line=line.no, kind=kind, section=state.section, program_no=state.program_no
            )
            state.text_open = True
        elif state.heading is not None:
            self.blocks.extend(body)
        elif state.program is not None:
            # The description under "取組方針N …" (section 3) has no label of its own.
            state.heading, state.text_open = f"取組方針{state.program.no}", True
            self.blocks.add(state.heading, body, line=line.no, section=state.section, program_no=state.program_no)
        else:
            self.problems.warning(
                "unreadable-line", f"この行を読み取れませんでした: {' / '.join(line.texts)[:80]}", line.no
            )

    def _policy(self, line: SheetLine, code: str, section: str | None) -> None:
        """"計画の実現に向けて N <tab> 施策名 <tab> 主管部長(課) …": the policy's code, name and leads."""
        self.fields["policy_code"] = code
        rest = [c for c in line.cells[1:] if c and _label(c) not in (_LEAD, _RELATED)]
        if rest and line.index_of(rest[0]) == (line.index_of(line.first) or 0) + 1:
            self.fields["policy_name"] = clean_text(rest[0])
        self._leads(line, None, section)

    def _program(self, line: SheetLine, no: int, section: str | None) -> _ProgramDraft:
        name = text_or_none(line.cell((line.index_of(line.first) or 0) + 1))
        draft = self.programs.get(no)
        if draft is None:
            draft = self.programs[no] = _ProgramDraft(no, name, line.no)
        elif name and draft.name and name != draft.name:
            self.problems.warning(
                "program-name-mismatch",
                f"取組方針{no}の名前が「{draft.name}」と「{name}」で違います。先の名前を使います",
                line.no,
                first=draft.name,
                second=name,
            )
        elif name and not draft.name:
            draft.name = name
        self._leads(line, draft, section)
        return draft

    def _leads(self, line: SheetLine, program: _ProgramDraft | None, section: str | None) -> None:
        for i, cell in enumerate(line.cells):
            label = _label(cell)
            if label not in (_LEAD, _RELATED):
                continue
            value = next((c for c in line.cells[i + 1 :] if c and _label(c) not in (_LEAD, _RELATED)), "")
            if label == _LEAD:
                department, lead_section = split_head_and_section(value)
                if program is None:
                    self.fields["lead_department"], self.fields["lead_section"] = department, lead_section
                else:
                    program.department, program.section = department, lead_section
            else:
                self.blocks.add(
                    _RELATED, value, line=line.no, section=section, program_no=program.no if program else None
                )

    def _costs(self, lines: list[SheetLine], i: int, program: _ProgramDraft | None, title: str) -> int:
        """Read the cost table after ``title``; returns the index of the first line after it."""
        if i >= len(lines) or not any(c == "種別" for c in lines[i].cells):
            self.problems.warning("table-not-found", f"「{title}」の表（種別の見出し行）が見つかりません", lines[i - 1].no)
            return i
        columns = self._cost_columns(lines[i], title)
        i += 1
        while i < len(lines):
            line = lines[i]
            at = next((j for j, c in enumerate(line.cells) if c in _CATEGORIES), None)
            if at is None:
                break
            for k, cell in enumerate(line.cells[at + 1 :], start=1):
                self._cost_cell(line, at, columns.get(k), cell, program, title)
            i += 1
        return i

    def _cost_columns(self, header: SheetLine, title: str) -> dict[int, CostHead]:
        """The header "種別 <tab> 4年度予算 <tab> 4年度決算(速報値) …": column (counted from 種別) → year and stage."""
        base = header.index_of("種別") or 0
        columns: dict[int, CostHead] = {}
        for k, cell in enumerate(header.cells[base + 1 :], start=1):
            if not cell:
                continue
            head = parse_cost_head(cell, self.fiscal_year)
            if head is None:
                self.problems.warning(
                    "unreadable-cost-heading",
                    f"「{title}」の列見出し「{cell}」の年度・区分を読めないため、この列の金額は取り込みません",
                    header.no,
                    heading=cell,
                )
                continue
            columns[k] = head
        return columns

    def _cost_cell(
        self, line: SheetLine, at: int, head: CostHead | None, cell: str, program: _ProgramDraft | None, title: str
    ) -> None:
        """One amount of the row whose category (トータルコスト, 事業費, 人件費) is at ``at``."""
        if head is None:
            if cell:
                self.problems.warning(
                    "extra-values", f"「{title}」の見出しのない列の値「{cell}」は取り込みません", line.no, cell=cell
                )
            return
        amount = parse_amount(cell)
        if amount.kind is CellKind.EMPTY:
            return
        if amount.yen is None:
            self.problems.error(
                "unreadable-amount",
                f"「{title}」{line.cells[at]}の{head.year_label}の{amount.problem}",
                line.no,
                cell=cell,
                fiscal_year=head.fiscal_year,
            )
            return
        self.costs.append(
            Cost(
                fiscal_year=head.fiscal_year,
                stage=head.stage,
                category=_CATEGORIES[line.cells[at]],
                amount_jpy=amount.yen,
                program_no=program.no if program else None,
                line=line.no,
            )
        )

    def _indicators(self, lines: list[SheetLine], i: int, section: str | None) -> int:
        """Read the 現状・取組状況 table; returns the index of the first line after it."""
        if i >= len(lines) or "項目" not in lines[i].cells:
            self.problems.warning("table-not-found", "現状・取組状況の表（項目の見出し行）が見つかりません", lines[i - 1].no)
            return i
        columns, years = self._indicator_columns(lines[i])
        i += 1
        while i < len(lines):
            line = lines[i]
            circled = circled_number(line.cell(columns.get("name", 0)))
            if circled is None:
                break
            self.indicators.append(self._indicator(line, circled, columns, years))
            i += 1
        return i

    def _indicator_columns(self, header: SheetLine) -> tuple[dict[str, int], dict[int, int]]:
        """The header "項目 <tab> 単位 <tab> 項目担当課 <tab> 2年度 (令和2年度) …": named columns, and column → year."""
        columns: dict[str, int] = {}
        years: dict[int, int] = {}
        for k, cell in enumerate(header.cells):
            if cell == "項目":
                columns["name"] = k
            elif cell == "単位":
                columns["unit"] = k
            elif "担当" in cell:
                columns["section"] = k
            elif "年度" in cell:
                inner = _PAREN_YEAR.search(to_hankaku(cell))
                year = resolve_year(inner.group("year") if inner else cell, self.fiscal_year)
                if year is None:
                    self.problems.warning("unreadable-year", f"列見出し「{cell}」を年度として読めません", header.no)
                else:
                    years[k] = year
        return columns, years

    def _indicator(
        self, line: SheetLine, circled: tuple[int, str], columns: dict[str, int], years: dict[int, int]
    ) -> Indicator:
        """A row "①name <tab> unit <tab> section <tab> values …"; the values are actuals."""
        no, name = circled
        unit = text_or_none(line.cell(columns["unit"])) if "unit" in columns else None
        values = YearValues(name, reference_year=self.fiscal_year, problems=self.problems)
        for k, year in years.items():
            values.put(year, "actual", parse_measure(line.cell(k), footnotes=self.footnotes, unit=unit), line.no)
        known = set(years) | set(columns.values())
        for k, cell in line.filled:
            if k not in known:
                self.problems.warning("extra-values", f"{name}: 見出しのない列の値「{cell}」は取り込みません", line.no, cell=cell)
        return Indicator(
            number=no,
            name=clean_text(name),
            unit=unit or values.printed_unit(),
            section=text_or_none(line.cell(columns["section"])) if "section" in columns else None,
            values=values.values(),
            line=line.no,
        )

    def build_programs(self) -> tuple[Program, ...]:
        out = []
        for no in sorted(self.programs):
            draft = self.programs[no]
            if draft.name is None:
                self.problems.warning("program-without-name", f"取組方針{no}の名前がありません", draft.line)
            out.append(
                Program(
                    number=no,
                    name=draft.name or f"取組方針{no}",
                    direction_no=no,
                    section=draft.section,
                    department=draft.department,
                    line=draft.line,
                )
            )
        return tuple(out)


def read(sheet: Sheet, *, municipality_code: str, municipality_name: str, problems: ProblemLog) -> EvaluationRecord:
    """The evaluation record of a 江東-layout sheet; what cannot be read goes to ``problems``."""
    reader = _Reader(sheet, problems)
    reader.read()
    policy_code = reader.fields.get("policy_code")
    policy_name = reader.fields.get("policy_name")
    if policy_code is None:
        problems.warning("missing-policy-code", "「計画の実現に向けて N」の番号がありません", None)
    programs = reader.build_programs()
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
        programs=programs,
        costs=tuple(reader.costs),
        indicators=tuple(reader.indicators),
        narratives=reader.blocks.build(),
    )

