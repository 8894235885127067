"""Every fact of the 江東区 seed (003_…): expected values written by reading the sheet, not the code."""

from __future__ import annotations

from decimal import Decimal as D

from opendata_pub.findings import Severity
from opendata_pub.records import (
    CostCategory,
    ImportResult,
    IndicatorValue,
    NarrativeKind,
    Stage,
)

B, P = Stage.BUDGET, Stage.PRELIMINARY_SETTLEMENT
TOTAL, BUSINESS, PERSONNEL = CostCategory.TOTAL, CostCategory.BUSINESS, CostCategory.PERSONNEL


def test_evaluation_fields(koto: ImportResult) -> None:
    r = koto.record
    assert r.evaluation_id == "131083-2022-1"
    assert r.fiscal_year == 2022  # "4年度決算(速報値)"
    assert r.fiscal_year_label == "4年度"  # as printed, no era
    assert r.policy_code == "1"
    assert r.policy_name == "開かれた区政と区民の参画・協働の実現"
    assert r.lead_department == "政策経営部"  # 政策経営部長(企画課)
    assert r.lead_section == "企画課"
    assert r.grade is None
    assert r.challenges == ()


def test_programs_are_the_policies_directions(koto: ImportResult) -> None:
    got = [(p.number, p.name, p.direction_no, p.section, p.department) for p in koto.record.programs]
    assert got == [
        (1, "開かれた区政運営による透明性の向上", 1, "広報広聴課", "政策経営部"),
        (2, "区民参画と協働の推進", 2, "企画課", "政策経営部"),
    ]
    # 主な実施事業 are not programs
    assert all("区報発行事業" not in p.name for p in koto.record.programs)


def test_costs_every_column_and_stage(koto: ImportResult) -> None:
    costs = {(c.program_no, c.fiscal_year, c.stage, c.category): c.amount_jpy for c in koto.record.costs}
    policy_and_p1 = {
        (2022, B, TOTAL): 550_407_000,
        (2022, P, TOTAL): 479_363_000,
        (2023, B, TOTAL): 607_696_000,
        (2022, B, BUSINESS): 377_921_000,
        (2022, P, BUSINESS): 329_102_000,
        (2023, B, BUSINESS): 417_424_000,
        (2022, B, PERSONNEL): 172_486_000,
        (2022, P, PERSONNEL): 150_261_000,
        (2023, B, PERSONNEL): 190_272_000,
    }
    expected: dict[tuple[int | None, int, Stage, CostCategory], int] = {}
    for (year, stage, category), amount in policy_and_p1.items():
        expected[(None, year, stage, category)] = amount
        expected[(1, year, stage, category)] = amount
        expected[(2, year, stage, category)] = 0  # 取組方針2: every cell "0千円"
    assert costs == expected  # the empty 6年度予算 column gives no row
    assert not any(c.fiscal_year == 2024 for c in koto.record.costs)


def test_five_indicators(koto: ImportResult) -> None:
    ind = {i.number: i for i in koto.record.indicators}
    assert [(n, i.name, i.unit, i.section) for n, i in sorted(ind.items())] == [
        (1, "1日当たりの区ホームページアクセス件数", "件", "広報広聴課"),
        (2, "オープンデータのデータセット数", None, "情報システム課"),  # 単位 "—"
        (3, "区長への手紙取扱件数", "件", "広報広聴課"),
        (4, "公募による区民参加を行っている審議会・協議会の割合", "%", "企画課"),
        (5, "協働事業の提案数及び採択数", "件", "地域振興課"),
    ]
    # "17,087 (30年度)" in the 現状値 (元年度) column belongs to 平成30年度 = 2018
    assert ind[1].values == (
        IndicatorValue(2018, actual=D(17087), note="30年度"),
        IndicatorValue(2020, actual=D(31207)),
        IndicatorValue(2021, actual=D(40542)),
        IndicatorValue(2022, actual=D(34067)),
    )
    assert ind[2].values == (
        IndicatorValue(2019, actual=D(4)),
        IndicatorValue(2020, actual=D(7)),
        IndicatorValue(2021, actual=D(8)),
        IndicatorValue(2022, actual=D(16)),
    )
    assert ind[3].values == (
        IndicatorValue(2018, actual=D(2060), note="30年度"),
        IndicatorValue(2020, actual=D(4866)),
        IndicatorValue(2021, actual=D(6189)),
        IndicatorValue(2022, actual=D(8417)),
    )
    assert ind[4].values == (
        IndicatorValue(2018, actual=D("20.6"), note="30年度"),
        IndicatorValue(2020, actual=D("25.3")),
        IndicatorValue(2021, actual=D("20.8")),
        IndicatorValue(2022, actual=D("20.3")),
    )
    # Two numbers in a cell are never one number; a word is a note with an empty number.
    assert ind[5].values == (
        IndicatorValue(2019, note="提案3 採択2"),
        IndicatorValue(2020, note="未実施"),
        IndicatorValue(2021, note="提案2 採択0"),
        IndicatorValue(2022, note="提案0"),
    )
    for i in ind.values():
        assert all(v.target is None and v.achievement_rate is None for v in i.values)  # no targets printed


def test_two_numbers_and_words_are_reported(koto: ImportResult) -> None:
    codes = [(f.code, f.where.line, f.params.get("cell")) for f in koto.findings]
    assert ("multiple-numbers-kept-as-note", 16, "提案3 採択2") in codes
    assert ("value-kept-as-note", 16, "未実施") in codes
    assert all(f.severity is Severity.INFO for f in koto.findings)


def test_narratives(koto: ImportResult) -> None:
    n = koto.record.narratives
    by = {(x.heading, x.program_no): x for x in n}
    vision = koto.record.vision
    assert vision is not None and vision.heading == "取組目標"
    assert vision.text.startswith("区民が必要とする情報を分かりやすく公開し")
    assert by[("関係部長(課)", None)].text == (
        "政策経営部長(広報広聴課、情報システム課)、総務部長(総務課、経理課)、地域振興部長(地域振興課)"
    )
    analysis = by[("分析", None)]
    assert analysis.section == "現状・取組状況"
    assert [line[0] for line in analysis.text.split("\n")] == ["①", "②", "③", "④", "⑤"]
    reference = by[("《参考》施策を取り巻く状況(社会状況/国・都の動向)", None)]
    assert len(reference.text.split("\n")) == 3 and reference.text.startswith("◆令和3年に")
    assert by[("主な取組", 1)].text == "区政に関する情報発信・公開及びオープンデータの拡充"
    assert by[("主な実施事業", 1)].text == "区報発行事業、CATV放送番組制作事業"
    assert ("主な実施事業", 2) not in by  # "—"
    assert by[("主な取組", 2)].text == "協働を推進するための環境整備"
    assert by[("取組内容", 2)].text.startswith("◆協働して地域課題を解決していく")
    assert by[("関係部長(課)", 1)].text == "政策経営部長(情報システム課)、総務部長(総務課)"
    assert by[("関係部長(課)", 2)].text == "地域振興部長(地域振興課)"
    assert by[("取組方針1", 1)].text.startswith("区政に関する情報を、多様な媒体を活用し")
    assert by[("取組方針2", 2)].text.startswith("各分野の計画や方針策定")
    # <p>…</p> <p>…</p> becomes one paragraph per line
    assert len(by[("成果と課題", 1)].text.split("\n")) == 5
    assert len(by[("成果と課題", 2)].text.split("\n")) == 2
    assert "<" not in by[("総評", None)].text
    assert by[("総評", None)].text.startswith("◆新型コロナウイルス感染症の影響を受けてはいるものの")
    assert by[("今後の方向性", None)].section == "一次評価《主管部長による評価》"
    assert all(x.kind in (NarrativeKind.TEXT, NarrativeKind.VISION) for x in n)
    assert all("<p>" not in x.text and "<ul" not in x.text for x in n)
