"""Our own sheets in each layout (tests/fixtures/sheets/variants): other counts, shifted years, 元年度,
"%" or not, a cost of 0, "未実施", empty trailing columns, names with parentheses, a total that does
not add up. Expected values are written by reading those sheets."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from opendata_pub.findings import Layer, Severity
from opendata_pub.records import (
    CostCategory,
    Direction,
    ImportResult,
    IndicatorValue,
    Stage,
)
from opendata_pub.validation.evaluation_rules import (
    check_achievement_rate,
    check_cost_breakdown,
    check_cost_sum,
)

from .conftest import VARIANTS, import_path, view_of

S, B, P = Stage.SETTLEMENT, Stage.BUDGET, Stage.PRELIMINARY_SETTLEMENT
TOTAL, BUSINESS, PERSONNEL = CostCategory.TOTAL, CostCategory.BUSINESS, CostCategory.PERSONNEL


@pytest.fixture(scope="module")
def kiyose_v() -> ImportResult:
    return import_path(VARIANTS / "kiyose_variant.txt")


@pytest.fixture(scope="module")
def joso_v() -> ImportResult:
    return import_path(VARIANTS / "joso_variant.txt")


@pytest.fixture(scope="module")
def koto_v() -> ImportResult:
    return import_path(VARIANTS / "koto_variant.txt")


# -- 清瀬 layout ---------------------------------------------------------------------------------


def test_kiyose_variant_head(kiyose_v: ImportResult) -> None:
    r = kiyose_v.record
    assert (r.evaluation_id, r.fiscal_year, r.fiscal_year_label) == ("132217-2019-321", 2019, "令和元年度")
    assert r.policy_name == "子育て支援の充実（地域とともに）"
    assert (r.lead_department, r.lead_section) == ("子ども家庭部", "子育て支援課")
    assert r.grade == "順調"
    assert r.grade_reason == "相談件数が増えた。\n利用者数が目標を上回った。"  # <li> items on their own lines
    assert [(d.code, d.text) for d in r.directions] == [
        ("1", "相談体制を充実します"), ("2", "保育の受け皿を広げます"), ("3", "地域の見守りを進めます"),
    ]
    assert r.vision is not None
    assert r.vision.text == "地域全体で子育てを支える仕組みができています。\n保護者が安心して働いています。"
    assert [(c.number, c.challenge, c.next_action) for c in r.challenges] == [(1, "保育士の確保が難しい。", "就職説明会を開く。")]


def test_kiyose_variant_programs_and_two_year_columns(kiyose_v: ImportResult) -> None:
    r = kiyose_v.record
    assert [(p.number, p.name, p.direction_no, p.section) for p in r.programs] == [
        (1, "子育て相談事業（ひろば型）", 1, "子育て支援課"),
        (2, "保育所運営事業", 2, "保育課"),
        (3, "見守り推進事業(地域連携)", 3, "子育て支援課"),
    ]
    costs = {(c.program_no, c.fiscal_year, c.stage, c.category): c.amount_jpy for c in r.costs}
    assert costs == {
        (1, 2018, S, TOTAL): 1_200_000,
        (1, 2019, S, TOTAL): 1_000_000,
        (2, 2018, S, TOTAL): 2_400_000,
        (2, 2019, S, TOTAL): 2_500_000,
        (3, 2019, S, TOTAL): 0,  # "0" is zero; its 平成30年度 "—" gives no row
        (None, 2018, S, TOTAL): 3_600_000,
        (None, 2019, S, TOTAL): 3_600_000,  # does not add up: 1,000 + 2,500 + 0 = 3,500
    }


def test_kiyose_variant_indicators(kiyose_v: ImportResult) -> None:
    ind = {i.number: i for i in kiyose_v.record.indicators}
    assert ind[1].unit == "%"  # printed after the targets ("60.0%")
    assert ind[1].values == (
        IndicatorValue(2018, actual=D("55.0")),
        IndicatorValue(2019, target=D("60.0"), actual=D("57.0"), achievement_rate=D("95.0"), note="速報値"),
        IndicatorValue(2020, target=D("62.0")),
        IndicatorValue(2021, target=D("64.0")),
    )
    assert ind[2].name == "待機児童数（4月1日現在）"
    assert ind[2].values == (
        IndicatorValue(2018, target=D(20), actual=D(25), achievement_rate=D("80.0")),  # no "%"
        IndicatorValue(2019, target=D(10), note="未実施"),
        IndicatorValue(2020, target=D(5)),
        IndicatorValue(2021, target=D(0)),
    )
    assert ind[3].values[1] == IndicatorValue(2019, target=D(1100), actual=D(1210), achievement_rate=D("100.0"))
    # "40 (30年度)" names its own year; in a 令和元年度 sheet 30年度 is 平成30 = 2018
    assert ind[4].values[0] == IndicatorValue(2018, actual=D(40), note="30年度")
    assert all(i.direction is Direction.UNKNOWN for i in ind.values())


def test_kiyose_variant_total_mismatch_is_an_error(kiyose_v: ImportResult) -> None:
    findings = list(check_cost_sum(view_of(kiyose_v.record)))
    assert len(findings) == 1
    f = findings[0]
    assert f.code == "evaluation-cost-sum-mismatch" and f.severity is Severity.ERROR and f.layer is Layer.DOMAIN
    assert f.params["fiscal_year"] == 2019
    assert (f.params["policy_total"], f.params["programs_sum"], f.params["difference"]) == (3_600_000, 3_500_000, 100_000)
    assert "3,600,000円" in f.message and "3,500,000円" in f.message
    assert f.where.file == "data/costs.csv" and f.where.field == "amount_jpy"


def test_kiyose_variant_wrong_achievement_rate(kiyose_v: ImportResult) -> None:
    findings = list(check_achievement_rate(view_of(kiyose_v.record)))
    # ③ 2019: 1,210 ÷ 1,100 = 110.0%, printed 100.0%; ② 2018 (80.0 = 20 ÷ 25, inverse) is accepted
    assert [(f.params["indicator_id"], f.params["fiscal_year"], f.params["printed"], f.params["expected"]) for f in findings] == [
        ("132217-2019-321-i3", 2019, "100.0", "110.0")
    ]


# -- 常総 layout ---------------------------------------------------------------------------------


def test_joso_variant_head_and_programs(joso_v: ImportResult) -> None:
    r = joso_v.record
    assert (r.fiscal_year, r.fiscal_year_label) == (2021, "令和3年度")
    assert r.policy_name == "交通安全（地域ぐるみ）"
    assert [(p.number, p.name, p.section, p.direction_name) for p in r.programs] == [
        (1, "交通安全教室（小学生向け）", "防災課", "交通安全意識の向上"),
        (2, "反射材配布事業", "防災課", "交通安全意識の向上"),
        (3, "カーブミラー設置事業", "道路課", "道路環境の整備"),
    ]
    opinion = next(n for n in r.narratives if n.heading == "交通安全対策審議会からの意見")
    assert opinion.section == "令和3年度の取組状況への意見"


def test_joso_variant_costs_any_block_order(joso_v: ImportResult) -> None:
    costs = {(c.program_no, c.fiscal_year, c.stage): c.amount_jpy for c in joso_v.record.costs}
    assert costs == {
        (1, 2022, B): 1_500_000,
        (1, 2021, S): 1_234_000,
        (1, 2020, S): 0,
        (1, 2019, S): 1_100_000,  # 令和元年度
        (1, 2023, B): 1_600_000,
        (2, 2021, S): 300_000,  # 令和4年度 予算額 "—" gives no row
        (3, 2021, S): 5_000_000,
    }
    assert all(c.category is TOTAL for c in joso_v.record.costs)


def test_joso_variant_indicators(joso_v: ImportResult) -> None:
    ind = {i.number: i for i in joso_v.record.indicators}
    assert sorted(ind) == [1, 2, 3, 4]  # program 3 prints no figures: no indicator
    assert (ind[1].name, ind[1].unit, ind[1].direction) == ("交通事故件数", "件", Direction.LOWER_IS_BETTER)
    assert ind[1].values == (
        IndicatorValue(2018, actual=D(320)),
        IndicatorValue(2020, target=D(300)),
        IndicatorValue(2023, target=D(250)),
    )
    assert (ind[2].unit, ind[2].direction) == ("%", Direction.HIGHER_IS_BETTER)
    assert ind[2].values[0] == IndicatorValue(2018, actual=D("80.5"))
    assert (ind[3].name, ind[3].unit, ind[3].program_no) == ("交通安全教室の参加率（小学生）", "%", 1)
    assert ind[3].values == (
        IndicatorValue(2019, actual=D(80)),
        IndicatorValue(2020, target=D(85), note="未実施"),
        IndicatorValue(2021, target=D(88), actual=D(90)),
        IndicatorValue(2022, target=D(92)),
        IndicatorValue(2023, target=D(94)),
        IndicatorValue(2024, target=D(95)),  # 今後の成果目標
        IndicatorValue(2025, target=D(96)),
    )
    assert (ind[4].name, ind[4].unit, ind[4].program_no) == ("反射材配布事業", "個", 2)
    assert ind[4].values == (IndicatorValue(2021, target=D(3000), actual=D(2500)), IndicatorValue(2022, target=D(3000)))


def test_joso_variant_specific_revenue_is_kept(joso_v: ImportResult) -> None:
    block = next(n for n in joso_v.record.narratives if n.heading == "令和4年度 うち 特定財源")
    assert (block.text, block.program_no) == ("500", 1)
    assert any(f.code == "specific-revenue-kept-as-narrative" and f.where.line == 49 for f in joso_v.findings)


# -- 江東 layout ---------------------------------------------------------------------------------


def test_koto_variant_head(koto_v: ImportResult) -> None:
    r = koto_v.record
    assert (r.evaluation_id, r.fiscal_year, r.fiscal_year_label) == ("131083-2023-3", 2023, "5年度")
    assert r.policy_name == "健康で安心して暮らせるまち（地域医療）"
    assert (r.lead_department, r.lead_section) == ("健康部", "健康推進課")
    assert [(p.number, p.name, p.section, p.department) for p in r.programs] == [
        (1, "健診の受診促進", "健康推進課", "健康部"),
        (2, "相談体制の充実", "健康推進課", "健康部"),
        (3, "救急医療体制の確保（夜間・休日）", "福祉課", "福祉部"),
    ]


def test_koto_variant_costs(koto_v: ImportResult) -> None:
    costs = {(c.program_no, c.fiscal_year, c.stage, c.category): c.amount_jpy for c in koto_v.record.costs}
    assert costs[(None, 2023, P, PERSONNEL)] == 400_000
    assert costs[(3, 2023, P, TOTAL)] == 500_000
    assert costs[(3, 2023, P, PERSONNEL)] == 150_000
    assert costs[(2, 2024, B, TOTAL)] == 0
    assert not any(c.fiscal_year == 2025 for c in koto_v.record.costs)  # empty 7年度予算 column
    assert len(koto_v.record.costs) == 4 * 9  # policy + 3 programs × 3 columns × 3 categories


def test_koto_variant_indicators(koto_v: ImportResult) -> None:
    ind = {i.number: i for i in koto_v.record.indicators}
    assert ind[1].values == (
        IndicatorValue(2020, actual=D("45.5")),  # 現状値 (2年度), printed with "%"
        IndicatorValue(2021, actual=D("47.0")),
        IndicatorValue(2022, actual=D("48.2")),
        IndicatorValue(2023, actual=D("50.1")),
    )
    assert ind[2].name == "健康相談件数（延べ）"
    assert ind[2].values == (
        IndicatorValue(2019, actual=D(1234), note="元年度"),  # "1,234 (元年度)"
        IndicatorValue(2021, note="未実施"),
        IndicatorValue(2022, actual=D(1500)),
        IndicatorValue(2023, actual=D(1650)),
    )
    assert [v.fiscal_year for v in ind[3].values] == [2020, 2021, 2023]  # "—" in 4年度


def test_koto_variant_cost_rules(koto_v: ImportResult) -> None:
    view = view_of(koto_v.record)
    sums = list(check_cost_sum(view))
    assert [(f.params["fiscal_year"], f.params["stage"], f.params["category"], f.params["policy_total"],
             f.params["programs_sum"], f.severity) for f in sums] == [
        (2023, "preliminary_settlement", "personnel", 400_000, 350_000, Severity.ERROR)
    ]
    breakdown = list(check_cost_breakdown(view))
    assert [(f.params["program_id"], f.params["total"], f.params["business"], f.params["personnel"]) for f in breakdown] == [
        ("131083-2023-3-p3", 500_000, 300_000, 150_000)
    ]
    assert breakdown[0].code == "evaluation-cost-breakdown-mismatch" and breakdown[0].severity is Severity.ERROR


def test_variants_import_without_warnings(
    kiyose_v: ImportResult, joso_v: ImportResult, koto_v: ImportResult
) -> None:
    for result in (kiyose_v, joso_v, koto_v):
        assert [f for f in result.findings if f.severity is not Severity.INFO] == []
