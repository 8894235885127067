"""The tables of an evaluation data package, and their Frictionless resource descriptors.

``evaluation_tables(records)`` turns evaluation records into the rows of the tables of
docs/evaluation-contract.md (evaluations, programs, costs, staffing, indicators, indicator_values,
challenges, narratives, assessments) with exactly the contract's column names, a few extra columns
after them (``direction``, ``source_line`` …) and a deterministic order. ``evaluation_resources()``
gives the matching Frictionless v2 resource descriptors: typed fields with constraints, primary and
foreign keys.

Columns the contract gained later are appended at the end of their table, and the tables it gained
later (``OPTIONAL_TABLES``: staffing, assessments) are described only for records that have rows
for them, so a package built before them rebuilds with the same files plus the empty new columns.
Likewise a grade scale other than the default (``GRADES``) is written into the ``grade`` field as
Table Schema v2 ``categories``; the default scale adds nothing.

Conventions: titles and descriptions are Japanese in ``title``/``description`` and English in
``title_en``/``description_en`` (resources and fields alike, as elsewhere in opendata-pub); units
are stated in field descriptions. Row values are Python values: ``int`` for integers, ``Decimal``
for numbers, ``str`` for strings and ``None`` for an empty cell; writing CSV is the caller's job.

Pure: no I/O, no clock. The column lists here are the one place the table layout is defined.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..errors import InputError
from ..records.model import (
    GRADES,
    CostCategory,
    Direction,
    EvaluationRecord,
    IndicatorKind,
    Level,
    NarrativeKind,
    Stage,
)
from ..records.tables import EVALUATION_TABLES, OPTIONAL_TABLES, evaluation_row

__all__ = [
    "EVALUATION_TABLES",
    "OPTIONAL_TABLES",
    "cost_id",
    "evaluation_resources",
    "evaluation_tables",
    "grade_scale",
    "staffing_id",
    "table_columns",
]

# The contract's tables and the optional ones are named where records are read back from them.

_STAGE_ORDER = {s: i for i, s in enumerate(Stage)}
_CATEGORY_ORDER = {c: i for i, c in enumerate(CostCategory)}


# --------------------------------------------------------------------------------------------------
# rows


def _decimal(value: Decimal | None) -> Decimal | None:
    # Exponent forms ("1E+3") are valid Decimals but odd CSV cells: write every number plainly.
    return None if value is None else Decimal(format(value, "f"))


def cost_id(record: EvaluationRecord, program_number: int | None, fiscal_year: int, stage: Stage, category: CostCategory) -> str:
    """The key of one cost row, built from what makes it unique, e.g. ``132217-2020-513-p1-2020-settlement-total``."""
    scope = f"p{program_number}" if program_number is not None else "policy"
    return f"{record.evaluation_id}-{scope}-{fiscal_year}-{stage.value}-{category.value}"


def staffing_id(record: EvaluationRecord, program_number: int | None, fiscal_year: int, stage: Stage) -> str:
    """The key of one staffing row, as ``cost_id`` without the category, e.g. ``…-p1-2024-settlement``."""
    scope = f"p{program_number}" if program_number is not None else "policy"
    return f"{record.evaluation_id}-{scope}-{fiscal_year}-{stage.value}"


_Row = dict[str, Any]


def _program_id(record: EvaluationRecord, number: int | None) -> str | None:
    return record.program_id(number) if number is not None else None


def _evaluation_row(record: EvaluationRecord) -> list[_Row]:
    return [evaluation_row(record)]


def _program_rows(record: EvaluationRecord) -> list[_Row]:
    return [
        {
            "evaluation_id": record.evaluation_id,
            "program_id": record.program_id(program.number),
            "program_name": program.name,
            "direction_no": program.direction_no,
            "section": program.section,
            "program_no": program.number,
            "direction_name": program.direction_name,
            "department": program.department,
            "source_line": program.line,
            "program_code": program.code,
        }
        for program in sorted(record.programs, key=lambda p: p.number)
    ]


def _cost_rows(record: EvaluationRecord) -> list[_Row]:
    # Policy-level costs first, then by program, year, stage and category.
    costs = sorted(
        record.costs,
        key=lambda c: (
            c.program_no is not None,
            c.program_no or 0,
            c.fiscal_year,
            _STAGE_ORDER[c.stage],
            _CATEGORY_ORDER[c.category],
        ),
    )
    return [
        {
            "evaluation_id": record.evaluation_id,
            "program_id": _program_id(record, cost.program_no),
            "fiscal_year": cost.fiscal_year,
            "stage": cost.stage.value,
            "category": cost.category.value,
            "amount_jpy": cost.amount_jpy,
            "cost_id": cost_id(record, cost.program_no, cost.fiscal_year, cost.stage, cost.category),
            "source_line": cost.line,
        }
        for cost in costs
    ]


def _staffing_rows(record: EvaluationRecord) -> list[_Row]:
    # In the order of the costs: policy level first, then by program, year and stage.
    staffing = sorted(
        record.staffing,
        key=lambda s: (s.program_no is not None, s.program_no or 0, s.fiscal_year, _STAGE_ORDER[s.stage]),
    )
    return [
        {
            "evaluation_id": record.evaluation_id,
            "program_id": _program_id(record, row.program_no),
            "fiscal_year": row.fiscal_year,
            "stage": row.stage.value,
            "staff_count": _decimal(row.staff_count),
            "work_hours": _decimal(row.work_hours),
            "staffing_id": staffing_id(record, row.program_no, row.fiscal_year, row.stage),
            "source_line": row.line,
        }
        for row in staffing
    ]


def _indicator_rows(record: EvaluationRecord) -> list[_Row]:
    return [
        {
            "evaluation_id": record.evaluation_id,
            "indicator_id": record.indicator_id(indicator.number),
            "indicator_no": indicator.number,
            "name": indicator.name,
            "unit": indicator.unit,
            "method": indicator.method,
            "section": indicator.section,
            "direction": indicator.direction.value,
            "direction_text": indicator.direction_text,
            "description": indicator.description,
            "program_id": _program_id(record, indicator.program_no),
            "source_line": indicator.line,
            "kind": indicator.kind.value if indicator.kind else None,
            "indicator_code": indicator.code,
        }
        for indicator in sorted(record.indicators, key=lambda i: i.number)
    ]


def _indicator_value_rows(record: EvaluationRecord) -> list[_Row]:
    return [
        {
            "indicator_id": record.indicator_id(indicator.number),
            "fiscal_year": value.fiscal_year,
            "target": _decimal(value.target),
            "actual": _decimal(value.actual),
            "achievement_rate": _decimal(value.achievement_rate),
            "note": value.note,
            "evaluation_id": record.evaluation_id,
        }
        for indicator in sorted(record.indicators, key=lambda i: i.number)
        for value in sorted(indicator.values, key=lambda v: v.fiscal_year)
    ]


def _challenge_rows(record: EvaluationRecord) -> list[_Row]:
    return [
        {
            "evaluation_id": record.evaluation_id,
            "challenge_no": challenge.number,
            "challenge": challenge.challenge,
            "next_action": challenge.next_action,
            "source_line": challenge.line,
        }
        for challenge in sorted(record.challenges, key=lambda c: c.number)
    ]


def _assessment_rows(record: EvaluationRecord) -> list[_Row]:
    return [
        {
            "evaluation_id": record.evaluation_id,
            "assessment_id": f"{record.evaluation_id}-a{assessment.number}",
            "assessment_no": assessment.number,
            "criterion": assessment.criterion,
            "grade": assessment.grade,
            "reason": assessment.reason,
            "program_id": _program_id(record, assessment.program_no),
            "source_line": assessment.line,
        }
        for assessment in sorted(record.assessments, key=lambda a: a.number)
    ]


def _narrative_rows(record: EvaluationRecord) -> list[_Row]:
    # narrative_no is the print order: narratives have no number of their own.
    return [
        {
            "evaluation_id": record.evaluation_id,
            "heading": narrative.heading,
            "text": narrative.text,
            "narrative_no": number,
            "kind": narrative.kind.value,
            "section": narrative.section,
            "code": narrative.code,
            "program_id": _program_id(record, narrative.program_no),
            "source_line": narrative.line,
        }
        for number, narrative in enumerate(record.narratives, start=1)
    ]


# table → the rows one record gives it
_TABLE_ROWS: dict[str, Callable[[EvaluationRecord], list[_Row]]] = {
    "evaluations": _evaluation_row,
    "programs": _program_rows,
    "costs": _cost_rows,
    "staffing": _staffing_rows,
    "indicators": _indicator_rows,
    "indicator_values": _indicator_value_rows,
    "challenges": _challenge_rows,
    "narratives": _narrative_rows,
    "assessments": _assessment_rows,
}


def _evaluation_rows(record: EvaluationRecord) -> dict[str, list[_Row]]:
    return {name: _TABLE_ROWS[name](record) for name in EVALUATION_TABLES}


def evaluation_tables(records: Iterable[EvaluationRecord]) -> dict[str, list[dict[str, Any]]]:
    """The rows of every table for ``records``, keyed by table name, in a deterministic order.

    Evaluations are ordered by id; within one, rows follow the numbers (programs, indicators,
    challenges, assessments), the year (indicator values), the key (costs and staffing: policy level
    first) or print order (narratives). Every row of a table has the same keys, in
    ``table_columns()``'s order. All tables are keyed, the optional ones too (empty lists).
    """
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in EVALUATION_TABLES}
    for record in sorted(records, key=lambda r: r.evaluation_id):
        for name, rows in _evaluation_rows(record).items():
            out[name].extend(rows)
    return out


# --------------------------------------------------------------------------------------------------
# resource descriptors


@dataclass(frozen=True)
class _Field:
    name: str
    type: str
    title: str
    title_en: str
    description: str = ""
    description_en: str = ""
    required: bool = False
    enum: tuple[str, ...] = ()
    pattern: str | None = None
    minimum: int | None = None

    def descriptor(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "type": self.type, "title": self.title, "title_en": self.title_en}
        if self.description:
            out["description"] = self.description
        if self.description_en:
            out["description_en"] = self.description_en
        constraints: dict[str, Any] = {}
        if self.required:
            constraints["required"] = True
        if self.enum:
            constraints["enum"] = list(self.enum)
        if self.pattern:
            constraints["pattern"] = self.pattern
        if self.minimum is not None:
            constraints["minimum"] = self.minimum
        if constraints:
            out["constraints"] = constraints
        return out


def _s(name: str, title: str, title_en: str, description: str = "", description_en: str = "", **kw: Any) -> _Field:
    return _Field(name, "string", title, title_en, description, description_en, **kw)


def _i(name: str, title: str, title_en: str, description: str = "", description_en: str = "", **kw: Any) -> _Field:
    return _Field(name, "integer", title, title_en, description, description_en, **kw)


def _n(name: str, title: str, title_en: str, description: str = "", description_en: str = "", **kw: Any) -> _Field:
    return _Field(name, "number", title, title_en, description, description_en, **kw)


_EVALUATION_ID = _s("evaluation_id", "評価ID", "Evaluation ID",
                    "団体コード-年度-施策コード（例 132217-2020-513）", "municipality code-fiscal year-policy code",
                    required=True)
_FISCAL_YEAR = _i("fiscal_year", "年度", "Fiscal year", "西暦の年度（4月始まり）", "Western fiscal year (April to March)",
                  required=True, minimum=1868)
_SOURCE_LINE = _i("source_line", "元の行", "Source line", "取り込んだ評価シートの行番号", "line of the source sheet")


_STAGE = _s("stage", "段階", "Stage",
            "budget = 予算、settlement = 決算、preliminary_settlement = 決算(速報値)",
            "budget, settlement or preliminary settlement", required=True, enum=tuple(x.value for x in Stage))


def _program_ref(required: bool = False) -> _Field:
    return _s("program_id", "事業ID", "Program ID", "評価ID-p番号；施策全体の値は空", "evaluation ID-p<no>; empty at policy level",
              required=required)


_FIELDS: dict[str, tuple[_Field, ...]] = {
    "evaluations": (
        _EVALUATION_ID,
        _s("municipality_code", "全国地方公共団体コード", "Local government code",
           "6桁（検査数字付き）", "6 digits with check digit", required=True, pattern="^[0-9]{6}$"),
        _s("municipality_name", "地方公共団体名", "Municipality", required=True),
        _FISCAL_YEAR,
        _s("fiscal_year_label", "年度（表記どおり）", "Fiscal year as printed", "例 令和2年度、4年度", "e.g. 令和2年度",
           required=True),
        _s("level", "評価の単位", "Level", "policy = 施策評価、program = 事務事業評価", "policy or program evaluation",
           required=True, enum=tuple(x.value for x in Level)),
        _s("policy_code", "施策コード", "Policy code"),
        _s("policy_name", "施策名", "Policy name"),
        _s("lead_department", "主担当部", "Lead department"),
        _s("lead_section", "主担当課", "Lead section"),
        _s("grade", "評価", "Grade", "表記どおり：順調・維持・停滞、なければ空", "as printed: 順調 / 維持 / 停滞, or empty"),
        _s("grade_reason", "評価理由", "Reason for the grade"),
        _s("source_file", "元の評価シート", "Source sheet", "取り込んだファイル名", "file name of the imported sheet"),
        _s("source_layout", "様式", "Sheet layout", "kiyose・joso・koto", "kiyose, joso or koto"),
        _s("policy_area_code", "政策番号", "Policy area code", "施策の上の政策の番号（表記どおり、先頭の0を含む）",
           "number of the policy area above the policy, as printed (leading zeros kept)"),
        _s("policy_area_name", "政策名", "Policy area name", "施策の上の政策", "the policy area above the policy"),
        _s("basic_program_code", "基本事業番号", "Basic program code", "施策の下の基本事業の番号（表記どおり、先頭の0を含む）",
           "number of the basic program below the policy, as printed (leading zeros kept)"),
        _s("basic_program_name", "基本事業名", "Basic program name", "施策の下の基本事業", "the basic program below the policy"),
        _s("reform_direction", "改革改善の方向性", "Reform direction", "表記どおり（例 １　現状維持）",
           "as printed (e.g. 1 keep as is)"),
        _s("contact_team", "係名", "Team", "担当の係", "the team in charge"),
        _s("contact_manager", "課長名", "Section manager", "担当課の課長", "head of the section in charge"),
        _s("contact_person", "担当者", "Contact person"),
        _s("contact_phone", "電話番号", "Phone", "表記どおり（ハイフンを含む）", "as printed, hyphens kept"),
        _s("contact_extension", "内線", "Extension", "内線番号（表記どおり）", "internal extension, as printed"),
    ),
    "programs": (
        _EVALUATION_ID,
        _program_ref(required=True),
        _s("program_name", "事業名", "Program name", "表記どおり（誤字も含む）", "as printed, typos included", required=True),
        _i("direction_no", "施策の方向性の番号", "Policy direction number", minimum=1),
        _s("section", "担当課", "Section in charge"),
        _i("program_no", "事業番号", "Program number", "評価内の通し番号（江東は取組方針の番号）",
           "number within the evaluation", required=True, minimum=1),
        _s("direction_name", "施策の方向", "Policy direction", "事業とともに記載された施策の方向", "as printed with the program"),
        _s("department", "担当部", "Department in charge"),
        _SOURCE_LINE,
        _s("program_code", "事務事業ID", "Program code", "表記どおり（先頭の0を含む、例 0086）",
           "as printed, leading zeros kept (e.g. 0086)"),
    ),
    "costs": (
        _EVALUATION_ID,
        _program_ref(),
        _FISCAL_YEAR,
        _STAGE,
        _s("category", "区分", "Category",
           "total = 総額・トータルコスト、business = 事業費、personnel = 人件費；事業費の財源内訳："
           "national_subsidy = 国庫支出金、prefectural_subsidy = 都道府県支出金、local_bond = 地方債、"
           "other_revenue = その他（特定財源）、general_revenue = 一般財源",
           "total, business cost or personnel cost; the funding sources of the business cost: national subsidy, "
           "prefectural subsidy, local bond, other revenue, general revenue",
           required=True, enum=tuple(x.value for x in CostCategory)),
        _i("amount_jpy", "金額（円）", "Amount (JPY)", "円単位（千円表示の値×1000）",
           "in yen (a figure printed in thousand yen × 1000)", required=True),
        _s("cost_id", "費用ID", "Cost ID", "評価ID-事業(pN)または施策(policy)-年度-段階-区分",
           "evaluation ID-scope-fiscal year-stage-category", required=True),
        _SOURCE_LINE,
    ),
    "staffing": (
        _EVALUATION_ID,
        _program_ref(),
        _FISCAL_YEAR,
        _STAGE,
        _n("staff_count", "正規職員従事人数", "Regular staff", "人（0.5 人のような小数もある）",
           "persons (may be fractional, e.g. 0.5)"),
        _n("work_hours", "延べ業務時間", "Total work hours", "時間", "hours"),
        _s("staffing_id", "人員ID", "Staffing ID", "評価ID-事業(pN)または施策(policy)-年度-段階",
           "evaluation ID-scope-fiscal year-stage", required=True),
        _SOURCE_LINE,
    ),
    "indicators": (
        _EVALUATION_ID,
        _s("indicator_id", "指標ID", "Indicator ID", "評価ID-i番号", "evaluation ID-i<no>", required=True),
        _i("indicator_no", "指標番号", "Indicator number", "①=1", "circled number ① = 1", required=True, minimum=1),
        _s("name", "指標名", "Indicator name", "丸数字を除く", "without the circled number", required=True),
        _s("unit", "単位", "Unit", "表記どおり、なければ空", "as printed, or empty"),
        _s("method", "抽出方法", "Method", "抽出方法・指標の考え方", "how the figure is obtained"),
        _s("section", "担当課", "Section in charge"),
        _s("direction", "望ましい方向", "Direction",
           "higher_is_better・lower_is_better、方向性の記載がなければ unknown",
           "higher_is_better, lower_is_better, or unknown when no direction is printed",
           required=True, enum=tuple(x.value for x in Direction)),
        _s("direction_text", "方向性（表記どおり）", "Direction as printed"),
        _s("description", "説明", "Description"),
        _s("program_id", "事業ID", "Program ID", "事業の成果指標のとき、その事業", "the program whose outcome indicator this is"),
        _SOURCE_LINE,
        _s("kind", "指標の種類", "Indicator kind",
           "activity = 活動指標、target = 対象指標、outcome = 成果指標、区分の記載がなければ空",
           "activity, target or outcome indicator; empty when the sheet does not group them",
           enum=tuple(x.value for x in IndicatorKind)),
        _s("indicator_code", "指標の記号", "Indicator code", "指標とともに記載された記号（ア、カ、サ など）",
           "the label printed with the indicator (ア, カ, サ …)"),
    ),
    "indicator_values": (
        _s("indicator_id", "指標ID", "Indicator ID", required=True),
        _FISCAL_YEAR,
        _n("target", "目標値", "Target", "指標の単位", "in the indicator's unit"),
        _n("actual", "実績値", "Actual", "指標の単位", "in the indicator's unit"),
        _n("achievement_rate", "達成率（%）", "Achievement rate (%)", "百分率（87.4 は 87.4%）、記載がなければ空",
           "percent (87.4 means 87.4%), empty when not printed"),
        _s("note", "備考", "Note", "脚注・数値にできない記載（未実施、提案3 採択2 など）",
           "footnote or printed remark that is not a number"),
        _EVALUATION_ID,
    ),
    "challenges": (
        _EVALUATION_ID,
        _i("challenge_no", "課題番号", "Challenge number", "①=1", "circled number ① = 1", required=True, minimum=1),
        _s("challenge", "課題", "Challenge", required=True),
        _s("next_action", "今後の取組", "Next action"),
        _SOURCE_LINE,
    ),
    "narratives": (
        _EVALUATION_ID,
        _s("heading", "見出し", "Heading", "表記どおり", "as printed", required=True),
        _s("text", "本文", "Text", required=True),
        _i("narrative_no", "文章番号", "Narrative number", "評価内の記載順の番号", "print order within the evaluation",
           required=True, minimum=1),
        _s("kind", "種類", "Kind", "vision = 目指す姿、goal = 上位の目標、direction = 施策の方向性、text = その他",
           "vision, goal, direction or text", required=True, enum=tuple(x.value for x in NarrativeKind)),
        _s("section", "章", "Section", "見出しの上の章の見出し", "the heading above the heading"),
        _s("code", "番号", "Code", "見出しとともに記載された番号", "number printed with the block"),
        _s("program_id", "事業ID", "Program ID", "事業ごとの記載のとき、その事業", "the program the text belongs to"),
        _SOURCE_LINE,
    ),
    "assessments": (
        _EVALUATION_ID,
        _s("assessment_id", "評価項目ID", "Assessment ID", "評価ID-a番号", "evaluation ID-a<no>", required=True),
        _i("assessment_no", "評価項目番号", "Assessment number", "①=1", "circled number ① = 1", required=True, minimum=1),
        _s("criterion", "評価の観点", "Criterion", "表記どおり（例 政策体系との整合性）", "as printed", required=True),
        _s("grade", "評価", "Grade", "表記どおり（例 妥当である、向上余地がある）", "as printed"),
        _s("reason", "理由", "Reason"),
        _s("program_id", "事業ID", "Program ID", "事業についての評価のとき、その事業", "the program assessed"),
        _SOURCE_LINE,
    ),
}

_KEYS: dict[str, dict[str, Any]] = {
    "evaluations": {"primaryKey": ["evaluation_id"]},
    "programs": {"primaryKey": ["program_id"], "foreignKeys": [("evaluation_id", "evaluations", "evaluation_id")]},
    "costs": {
        "primaryKey": ["cost_id"],
        "foreignKeys": [
            ("evaluation_id", "evaluations", "evaluation_id"),
            ("program_id", "programs", "program_id"),
        ],
    },
    "indicators": {
        "primaryKey": ["indicator_id"],
        "foreignKeys": [
            ("evaluation_id", "evaluations", "evaluation_id"),
            ("program_id", "programs", "program_id"),
        ],
    },
    "indicator_values": {
        "primaryKey": ["indicator_id", "fiscal_year"],
        "foreignKeys": [
            ("indicator_id", "indicators", "indicator_id"),
            ("evaluation_id", "evaluations", "evaluation_id"),
        ],
    },
    "staffing": {
        "primaryKey": ["staffing_id"],
        "foreignKeys": [
            ("evaluation_id", "evaluations", "evaluation_id"),
            ("program_id", "programs", "program_id"),
        ],
    },
    "assessments": {
        "primaryKey": ["assessment_id"],
        "foreignKeys": [
            ("evaluation_id", "evaluations", "evaluation_id"),
            ("program_id", "programs", "program_id"),
        ],
    },
    "challenges": {
        "primaryKey": ["evaluation_id", "challenge_no"],
        "foreignKeys": [("evaluation_id", "evaluations", "evaluation_id")],
    },
    "narratives": {
        "primaryKey": ["evaluation_id", "narrative_no"],
        "foreignKeys": [
            ("evaluation_id", "evaluations", "evaluation_id"),
            ("program_id", "programs", "program_id"),
        ],
    },
}

_TITLES: dict[str, tuple[str, str, str, str]] = {
    "evaluations": ("行政評価", "Evaluations",
                    "評価シート1枚につき1行：団体、年度、施策、評価",
                    "one row per evaluation sheet: municipality, fiscal year, policy, grade"),
    "programs": ("構成事業", "Programs",
                 "評価対象の施策を構成する事業（事務事業・取組方針）",
                 "the programs of the evaluated policy"),
    "costs": ("事業費", "Costs",
              "予算・決算の金額（円）。事業IDが空の行は施策全体の金額",
              "budget and settlement amounts in yen; rows without program_id are policy totals"),
    "staffing": ("人員", "Staffing",
                 "事業ごと年度ごとの正規職員従事人数と延べ業務時間。事業IDが空の行は施策全体",
                 "staff count and total work hours per program and fiscal year; rows without program_id are the policy's"),
    "assessments": ("評価項目", "Assessments",
                    "評価の観点（妥当性・有効性・効率性など）ごとの評価（表記どおり）と理由",
                    "each criterion of the evaluation with its grade as printed and the reason"),
    "indicators": ("指標", "Indicators",
                   "まちづくり指標・成果指標など",
                   "performance indicators of the policy and its programs"),
    "indicator_values": ("指標の値", "Indicator values",
                         "指標ごと年度ごとの目標値・実績値・達成率",
                         "target, actual and achievement rate per indicator and fiscal year"),
    "challenges": ("課題", "Challenges",
                   "施策を進める上での課題と今後の取組",
                   "challenges and next actions"),
    "narratives": ("記述", "Narratives",
                   "評価シートのその他の文章（施策の方向性、分析、成果と課題、総評など）",
                   "every other text block of the sheet"),
}


def _resource(name: str) -> dict[str, Any]:
    title, title_en, description, description_en = _TITLES[name]
    keys = _KEYS[name]
    schema: dict[str, Any] = {
        "fields": [f.descriptor() for f in _FIELDS[name]],
        "primaryKey": list(keys["primaryKey"]),
    }
    foreign = keys.get("foreignKeys", [])
    if foreign:
        schema["foreignKeys"] = [
            {"fields": [local], "reference": {"resource": resource, "fields": [remote]}}
            for local, resource, remote in foreign
        ]
    return {
        "name": name,
        "type": "table",
        "path": f"data/{name}.csv",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "title": title,
        "title_en": title_en,
        "description": description,
        "description_en": description_en,
        "schema": schema,
    }


_RESOURCES = tuple(_resource(name) for name in EVALUATION_TABLES)


def grade_scale(records: Iterable[EvaluationRecord]) -> tuple[str, ...]:
    """The grade words in force for a package of ``records``, best first (``GRADES`` by default).

    One package has one scale: the ``grade`` column has one vocabulary. Records that declare
    different scales raise ``InputError`` naming two of them.
    """
    first: EvaluationRecord | None = None
    for record in sorted(records, key=lambda r: r.evaluation_id):
        if first is None:
            first = record
        elif record.grades != first.grades:
            raise InputError(
                f"評価 {first.evaluation_id} と {record.evaluation_id} で評価の段階 (grade_scale) が違います"
                f"（{' / '.join(first.grades)} と {' / '.join(record.grades)}）",
                hint="一つのパッケージの評価は同じ段階を使います。grade_scale をそろえるか、パッケージを分けてください",
            )
    return first.grades if first is not None else GRADES


def _declare_scale(resources: list[dict[str, Any]], scale: tuple[str, ...]) -> None:
    # Table Schema v2 categories say which words the column uses and in which order; no enum
    # constraint: a word outside the scale is the domain rule's finding (evaluation-grade-unknown),
    # not a data error that would hide the rest of the row.
    for resource in resources:
        if resource["name"] != "evaluations":
            continue
        for f in resource["schema"]["fields"]:
            if f["name"] == "grade":
                f["description"] = f"表記どおり：{'・'.join(scale)}（よい順）、なければ空"
                f["description_en"] = f"as printed: {' / '.join(scale)} (best first), or empty"
                f["categories"] = list(scale)
                f["categoriesOrdered"] = True


def evaluation_resources(
    records: Iterable[EvaluationRecord] | None = None, *, every_table: bool = False
) -> list[dict[str, Any]]:
    """Frictionless v2 resource descriptors of the package's tables (fresh copies, safe to modify).

    Without ``records``: the tables every evaluation package has (all but ``OPTIONAL_TABLES``) with
    the default grade scale. With ``records``: also the optional tables some record has rows for,
    and the grade scale of the records (``grade_scale``; raises ``InputError`` when they disagree).
    ``every_table`` gives all of ``EVALUATION_TABLES`` (for a template or a vocabulary test).
    """
    listed = list(records) if records is not None else []
    wanted = set(EVALUATION_TABLES) if every_table else {
        name for name in EVALUATION_TABLES
        if name not in OPTIONAL_TABLES or any(_TABLE_ROWS[name](r) for r in listed)
    }
    out = copy.deepcopy([r for r in _RESOURCES if r["name"] in wanted])
    scale = grade_scale(listed)
    if scale != GRADES:
        _declare_scale(out, scale)
    return out


def table_columns(name: str) -> list[str]:
    """The column names of table ``name`` in order (the header of its CSV)."""
    return [f.name for f in _FIELDS[name]]

