"""The record the template's 記入例 sheet shows: a small 施策評価 touching every sheet.

Made up (団体コード 999999 is no municipality), so nobody mistakes it for published data.
"""

from __future__ import annotations

from decimal import Decimal

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

__all__ = ["EXAMPLE_RECORD"]

_ID = "999999-2024-101"

EXAMPLE_RECORD = EvaluationRecord(
    evaluation_id=_ID,
    municipality_code="999999",
    municipality_name="例示市",
    fiscal_year=2024,
    fiscal_year_label="令和6年度",
    level=Level.POLICY,
    source=Source("令和6年度施策評価.xlsx", "template"),
    policy_code="101",
    policy_name="子育て支援の充実",
    lead_department="こども家庭部",
    lead_section="子育て支援課",
    grade="順調",
    grade_reason="待機児童数が目標を下回った。",
    programs=(
        Program(1, "保育所運営事業", direction_no=1, section="保育課", code="0086"),
        Program(2, "子育て相談事業", direction_no=2, section="子育て支援課"),
    ),
    costs=(
        Cost(2024, Stage.SETTLEMENT, CostCategory.TOTAL, 152_300_000),
        Cost(2024, Stage.SETTLEMENT, CostCategory.BUSINESS, 120_000_000, program_no=1),
        Cost(2024, Stage.SETTLEMENT, CostCategory.GENERAL_REVENUE, 80_000_000, program_no=1),
        Cost(2024, Stage.BUDGET, CostCategory.TOTAL, 32_300_000, program_no=2),
    ),
    indicators=(
        Indicator(1, "待機児童数", unit="人", direction=Direction.LOWER_IS_BETTER, direction_text="↓",
                  values=(IndicatorValue(2023, Decimal("10"), Decimal("12")),
                          IndicatorValue(2024, Decimal("8"), Decimal("6"), Decimal("133.3"))),
                  kind=IndicatorKind.OUTCOME),
        Indicator(2, "相談件数", unit="件", program_no=2, kind=IndicatorKind.ACTIVITY, code="ア",
                  values=(IndicatorValue(2024, None, Decimal("68.0"), note="速報値"),)),
    ),
    challenges=(Challenge(1, "保育士の確保が難しい。", next_action="処遇改善を続ける。"),),
    narratives=(
        Narrative("10年後の姿", "安心して子どもを産み育てられるまち。", NarrativeKind.VISION),
        Narrative("施策の方向性", "保育の受け皿を広げる。", NarrativeKind.DIRECTION, section="施策の方向性", code="1"),
        Narrative("総評", "おおむね順調に進んでいる。"),
    ),
    contact=Contact(team="支援係", person="例示 太郎", phone="000-000-0000"),
    staffing=(Staffing(2024, Stage.SETTLEMENT, Decimal("1.5"), Decimal("2400"), program_no=2),),
    assessments=(Assessment(1, "有効性", grade="向上余地がある", reason="相談の周知が足りない。", program_no=2),),
)
