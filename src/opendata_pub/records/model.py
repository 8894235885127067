"""The evaluation record: one 行政評価 sheet (施策評価・事務事業評価) as frozen, typed values.

A record holds what the sheet printed and nothing it did not: amounts in yen (``int``, a 千円 figure
× 1000), indicator figures as ``Decimal`` (never ``float``: 68.0 stays 68.0), an empty value as
``None`` (never 0). Every text block of the sheet that is not a typed field is a ``Narrative``, so
nothing printed is lost. Ids follow docs/evaluation-contract.md and are derived from stored numbers
(``program_id``, ``indicator_id``) so they stay stable across re-imports of the same sheet.

This module must not import anything of ours, do I/O, or parse sheets: it is the bottom layer that
importers, the YAML format and the table builder share.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

__all__ = [
    "GRADES",
    "Assessment",
    "Challenge",
    "Contact",
    "Cost",
    "CostCategory",
    "Direction",
    "FUNDING_SOURCES",
    "EvaluationRecord",
    "Indicator",
    "IndicatorKind",
    "IndicatorValue",
    "Level",
    "Narrative",
    "NarrativeKind",
    "Program",
    "Source",
    "Staffing",
    "Stage",
]

# The grades a 施策評価 prints (清瀬: ※順調 / 維持 / 停滞): the default scale. A record whose layout or
# publisher declares another scale carries it in ``EvaluationRecord.grade_scale``; words outside the
# scale in force are kept but flagged by a rule.
GRADES: tuple[str, ...] = ("順調", "維持", "停滞")


class Level(str, Enum):
    """What one evaluation evaluates: a 施策 with its programs, or one 事務事業."""

    POLICY = "policy"
    PROGRAM = "program"


class Stage(str, Enum):
    """Which figure of the budget cycle an amount is."""

    BUDGET = "budget"  # 予算額
    SETTLEMENT = "settlement"  # 決算額
    PRELIMINARY_SETTLEMENT = "preliminary_settlement"  # 決算(速報値)


class CostCategory(str, Enum):
    """Which part of the cost an amount is (江東 prints total, business and personnel; 清瀬・常総 only
    totals). The funding sources split the business cost by where the money comes from, as the
    事務事業評価 forms print them (国庫支出金 + 都道府県支出金 + 地方債 + その他 + 一般財源 = 事業費)."""

    TOTAL = "total"  # 決算額, 予算額, トータルコスト
    BUSINESS = "business"  # 事業費
    PERSONNEL = "personnel"  # 人件費
    NATIONAL_SUBSIDY = "national_subsidy"  # 国庫支出金
    PREFECTURAL_SUBSIDY = "prefectural_subsidy"  # 都道府県支出金
    LOCAL_BOND = "local_bond"  # 地方債
    OTHER_REVENUE = "other_revenue"  # その他 (other specific revenue: fees, funds …)
    GENERAL_REVENUE = "general_revenue"  # 一般財源


# The categories that together make up the business cost, in print order.
FUNDING_SOURCES: tuple[CostCategory, ...] = (
    CostCategory.NATIONAL_SUBSIDY,
    CostCategory.PREFECTURAL_SUBSIDY,
    CostCategory.LOCAL_BOND,
    CostCategory.OTHER_REVENUE,
    CostCategory.GENERAL_REVENUE,
)


class Direction(str, Enum):
    """Whether an indicator improves upward. ``UNKNOWN`` unless the sheet prints a 方向性."""

    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"
    UNKNOWN = "unknown"


class IndicatorKind(str, Enum):
    """What an indicator measures, as the 事務事業評価 forms group them (活動/対象/成果指標)."""

    ACTIVITY = "activity"  # 活動指標: what the program did (回数, 件数)
    TARGET = "target"  # 対象指標: how many it is for (人数, 世帯数)
    OUTCOME = "outcome"  # 成果指標: what changed for them


class NarrativeKind(str, Enum):
    """What role a printed text block plays; all of them go to the narratives table."""

    VISION = "vision"  # 10年後の姿, 取組目標, 施策の目的: where the 施策 wants to be
    GOAL = "goal"  # the plan levels above the 施策: 将来像, まちづくりの基本目標, 施策の大綱
    DIRECTION = "direction"  # one 施策の方向性 (code = its printed number, if any)
    TEXT = "text"  # every other block: 分析, 成果と課題, 総評, 今後の方向性, 意見 …


@dataclass(frozen=True)
class Source:
    """Where a record came from: the sheet's file name (no directory) and the layout that read it."""

    file: str
    layout: str


# Fields added to the contract after version 1 of the YAML format carry this metadata: they are left
# out of a record's YAML while empty, so the files written before them stay byte for byte the same.
OPTIONAL = {"omit_empty": True}


@dataclass(frozen=True)
class Contact:
    """Who answers for an evaluation, as the form prints it (部課名 are the record's lead_*)."""

    team: str | None = None  # 係名
    manager: str | None = None  # 課長名
    person: str | None = None  # 担当者
    phone: str | None = None  # 電話 (as printed, hyphens kept)
    extension: str | None = None  # 内線


@dataclass(frozen=True)
class Program:
    """One program (事務事業 or 取組方針) of the evaluated 施策, numbered from 1 in print order."""

    number: int  # 1, 2 … in print order (江東: the 取組方針 number)
    name: str  # as printed, typos included
    direction_no: int | None = None  # the 施策の方向性 number printed with it
    direction_name: str | None = None  # the 施策の方向 text printed with it (常総)
    section: str | None = None  # 担当課 / 主管課
    department: str | None = None  # the 部 printed with it (江東: 主管部長(課) → 政策経営部)
    line: int | None = None  # sheet line it was read from
    code: str | None = field(default=None, metadata=OPTIONAL)  # 事務事業ID as printed ('0086': zeros kept)


@dataclass(frozen=True)
class Cost:
    """One printed amount. ``program_no`` is None for a policy-level amount (施策の合計, 施策コスト)."""

    fiscal_year: int
    stage: Stage
    category: CostCategory
    amount_jpy: int  # yen; a 千円 figure × 1000
    program_no: int | None = None
    line: int | None = None


@dataclass(frozen=True)
class Staffing:
    """The staff time one program (or the policy) took in one fiscal year, as printed."""

    fiscal_year: int
    stage: Stage
    staff_count: Decimal | None = None  # 正規職員従事人数 (人; may be fractional: 0.5)
    work_hours: Decimal | None = None  # 延べ業務時間 (時間)
    program_no: int | None = None
    line: int | None = None


@dataclass(frozen=True)
class IndicatorValue:
    """The figures of one indicator for one fiscal year, each empty when not printed."""

    fiscal_year: int
    target: Decimal | None = None
    actual: Decimal | None = None
    achievement_rate: Decimal | None = None  # percent, 87.4 for 87.4%
    note: str | None = None  # footnote text or other printed remark


@dataclass(frozen=True)
class Indicator:
    """One indicator (まちづくり指標, 現状・取組状況, 目標, 成果指標) and its yearly values."""

    number: int  # ① = 1; numbered in print order where the sheet prints no number
    name: str  # without the circled number
    unit: str | None = None
    method: str | None = None  # 抽出方法 / 指標の考え方
    description: str | None = None  # 説明
    section: str | None = None  # 項目担当課 / the program's 担当
    direction: Direction = Direction.UNKNOWN
    direction_text: str | None = None  # the 方向性 as printed, when printed
    program_no: int | None = None  # the program whose 成果指標 this is; None for a policy indicator
    values: tuple[IndicatorValue, ...] = ()  # ordered by fiscal year, one per year
    line: int | None = None
    kind: IndicatorKind | None = field(default=None, metadata=OPTIONAL)  # 活動/対象/成果指標
    code: str | None = field(default=None, metadata=OPTIONAL)  # the label printed with it: ア, カ, サ


@dataclass(frozen=True)
class Challenge:
    """One 施策を進める上での課題 and what is planned about it."""

    number: int  # ① = 1
    challenge: str
    next_action: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Assessment:
    """One criterion of the evaluation (妥当性・有効性・効率性 …): the grade word as printed and why."""

    number: int  # ① = 1
    criterion: str  # 政策体系との整合性, 公共関与の妥当性 …
    grade: str | None = None  # as printed: 結びついている, 妥当である, 向上余地がある …
    reason: str | None = None
    program_no: int | None = None
    line: int | None = None


@dataclass(frozen=True)
class Narrative:
    """A printed text block: ``heading`` as printed next to it, ``section`` the heading above that."""

    heading: str
    text: str
    kind: NarrativeKind = NarrativeKind.TEXT
    section: str | None = None
    code: str | None = None  # a number printed with the block (将来像 5, 施策の方向性 1)
    program_no: int | None = None  # set when the block belongs to one program
    line: int | None = None


@dataclass(frozen=True)
class EvaluationRecord:
    """One evaluation sheet: one 施策 of one municipality for one fiscal year."""

    evaluation_id: str
    municipality_code: str  # 全国地方公共団体コード, 6 digits with check digit
    municipality_name: str
    fiscal_year: int  # the Western fiscal year evaluated
    fiscal_year_label: str  # as printed, spaces removed: 令和2年度, 4年度
    level: Level
    source: Source
    policy_code: str | None = None
    policy_name: str | None = None
    lead_department: str | None = None
    lead_section: str | None = None
    grade: str | None = None  # as printed; see GRADES
    grade_reason: str | None = None
    programs: tuple[Program, ...] = ()
    costs: tuple[Cost, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    challenges: tuple[Challenge, ...] = ()
    narratives: tuple[Narrative, ...] = field(default=())
    # the 施策体系 around the evaluated 施策 (政策 above it, 基本事業 below it)
    policy_area_code: str | None = field(default=None, metadata=OPTIONAL)  # 政策番号
    policy_area_name: str | None = field(default=None, metadata=OPTIONAL)  # 政策名
    basic_program_code: str | None = field(default=None, metadata=OPTIONAL)  # 基本事業番号
    basic_program_name: str | None = field(default=None, metadata=OPTIONAL)  # 基本事業名
    reform_direction: str | None = field(default=None, metadata=OPTIONAL)  # 改革改善の方向性, as printed
    contact: Contact | None = field(default=None, metadata=OPTIONAL)
    # the grade words in force, best first; empty: GRADES (the three seed layouts)
    grade_scale: tuple[str, ...] = field(default=(), metadata=OPTIONAL)
    staffing: tuple[Staffing, ...] = field(default=(), metadata=OPTIONAL)
    assessments: tuple[Assessment, ...] = field(default=(), metadata=OPTIONAL)

    def program_id(self, number: int) -> str:
        """The stable id of program ``number`` of this evaluation, e.g. ``132217-2020-513-p1``."""
        return f"{self.evaluation_id}-p{number}"

    def indicator_id(self, number: int) -> str:
        """The stable id of indicator ``number`` of this evaluation, e.g. ``132217-2020-513-i2``."""
        return f"{self.evaluation_id}-i{number}"

    @property
    def grades(self) -> tuple[str, ...]:
        """The grade scale in force: the declared one, else ``GRADES``."""
        return self.grade_scale or GRADES

    @property
    def vision(self) -> Narrative | None:
        """The 施策's vision block (10年後の姿, 取組目標, 施策の目的), if printed."""
        return next((n for n in self.narratives if n.kind is NarrativeKind.VISION), None)

    @property
    def directions(self) -> tuple[Narrative, ...]:
        """The 施策の方向性 blocks in print order."""
        return tuple(n for n in self.narratives if n.kind is NarrativeKind.DIRECTION)

    def program(self, number: int) -> Program | None:
        """Program ``number``, or None."""
        return next((p for p in self.programs if p.number == number), None)

    def indicator(self, number: int) -> Indicator | None:
        """Indicator ``number``, or None."""
        return next((i for i in self.indicators if i.number == number), None)
