"""Every fact of the 常総市 seed (001_…): expected values written by reading the sheet, not the code."""

from __future__ import annotations

from decimal import Decimal as D

from opendata_pub.findings import Layer, Severity
from opendata_pub.records import (
    Direction,
    ImportResult,
    IndicatorValue,
    Level,
    NarrativeKind,
)


def test_evaluation_fields(joso: ImportResult) -> None:
    r = joso.record
    assert r.fiscal_year == 2020  # 【Check】令和2年度実績の評価と分析
    assert r.fiscal_year_label == "令和2年度"
    assert r.level is Level.POLICY
    assert r.policy_code is None  # no 施策コード
    assert r.policy_name == "情報公開・広報・広聴"
    assert r.grade is None and r.grade_reason is None
    assert r.lead_department is None and r.lead_section is None
    assert r.evaluation_id.startswith("082112-2020-n")
    assert r.source.layout == "joso"


def test_programs(joso: ImportResult) -> None:
    got = [(p.number, p.name, p.section, p.direction_no, p.direction_name) for p in joso.record.programs]
    assert got == [
        (1, "情報公開・個人情報保護制度の運用", "総務課", None, "情報公開の適正運用"),
        (2, "情報発信機能・情報媒体の充実", "秘書課", None, "広報・広聴の充実"),
    ]


def test_budget_and_settlement_rows(joso: ImportResult) -> None:
    # Every 予算額/決算額 of the seed is "—" or empty: no value, so no cost row (never 0).
    assert joso.record.costs == ()


def test_policy_level_target_indicator(joso: ImportResult) -> None:
    ind = joso.record.indicator(1)
    assert ind is not None
    assert ind.name == "広報・広聴活動に対する市民満足度"
    assert ind.method == "2017年実施の市民意識調査による「満足」，「やや満足」の割合"
    assert ind.direction_text == "後期基本計画策定のための市民意識調査による「満足」，「やや満足」の割合の5%上昇を目指す。"
    assert ind.direction is Direction.HIGHER_IS_BETTER  # "上昇を目指す" is printed
    assert ind.unit == "%"
    assert ind.program_no is None
    assert ind.values == (
        IndicatorValue(2017, actual=D("35.8")),
        IndicatorValue(2022, target=D("40.8")),
    )


def test_program_1_figures_without_indicator_name(joso: ImportResult) -> None:
    # Program 1 prints 成果目標/成果実績 (0 %) but no 成果指標 line: an indicator named after it.
    ind = joso.record.indicator(2)
    assert ind is not None
    assert ind.name == "情報公開・個人情報保護制度の運用"
    assert ind.program_no == 1
    assert ind.section == "総務課"
    assert ind.unit == "%"
    assert ind.values == (
        IndicatorValue(2019, actual=D(0)),  # 令和元年度 成果実績 0 %, 当初の成果目標 — %
        IndicatorValue(2020, actual=D(0)),  # 令和2年度 成果実績 0 %, 当初の成果目標 — %
        IndicatorValue(2021, target=D(0)),  # 令和3年度 成果目標 0 %
    )
    info = [f for f in joso.findings if f.code == "indicator-named-after-program"]
    assert len(info) == 1 and info[0].severity is Severity.INFO and info[0].where.line == 47


def test_program_2_outcome_indicator(joso: ImportResult) -> None:
    ind = joso.record.indicator(3)
    assert ind is not None
    assert ind.name == "常総市LINE公式アカウントの友だち登録者数"
    assert ind.unit == "人"
    assert ind.program_no == 2
    assert ind.section == "秘書課"
    assert ind.direction is Direction.UNKNOWN
    assert ind.values == (
        IndicatorValue(2020, target=D(5000), actual=D(3000)),  # 成果実績 3,000 人, 当初の成果目標 5,000 人
        IndicatorValue(2021, target=D(5000)),  # 令和3年度 成果目標 5,000 人
    )
    assert [i.number for i in joso.record.indicators] == [1, 2, 3]


def test_narratives(joso: ImportResult) -> None:
    n = joso.record.narratives
    by = {(x.heading, x.program_no): x for x in n}
    assert by[("施策の大綱", None)].text == "市民参画の推進"
    assert by[("施策の大綱", None)].kind is NarrativeKind.GOAL
    vision = joso.record.vision
    assert vision is not None and (vision.heading, vision.text) == ("施策の目的", "参画と協働の仕組みをつくり，活動の輪を広げる")
    assert [d.text for d in joso.record.directions] == ["情報公開の適正運用", "広報・広聴の充実"]
    opinion = by[("行政改革懇談会（市民）からの意見", None)]
    assert opinion.section == "令和2年度の取組状況への意見"
    assert opinion.text == (
        "近年，非常に力を入れているように感じる。特にLINEでの情報発信は効果的である。試行錯誤を続け，"
        "さらに利便性を向上させていただきたい。"
    )
    assert by[("事業の目的", 1)].text == (
        "「市民の知る権利」及び「市の説明責任」を明らかにするとともに、個人情報の開示請求権を保障し、"
        "開かれた市政の実現を目指す。"
    )
    assert by[("事業の目的", 2)].text == "市の施策や各種事業，市民生活に必要な情報をいち早く提供する。"
    assert by[("評価", 1)].text.startswith("情報公開請求18件、個人情報開示請求50件に対し")
    assert by[("評価", 1)].section == "【Check】令和2年度実績の評価と分析"
    assert by[("分析", 1)].text.startswith("不服申立てがなされなかったことは")
    assert by[("評価", 2)].text.startswith("市公式SNS（Twitter・Facebook）の新たな情報発信のツールとして")
    assert by[("分析", 2)].text.endswith("メニューの追加や内容の見直し等により利用の促進を図る。")
    assert by[("令和3年度 実施内容と改善点", 1)].text.startswith("情報公開請求及び個人情報開示請求があった場合に")
    assert by[("令和2年度 実施内容と改善点", 1)].text == (
        "情報公開請求18件、個人情報開示請求50件に対し、不服申立て件数はいずれも0件であった。"
    )
    assert by[("令和3年度 実施内容と改善点", 2)].text.startswith("新型コロナワクチン接種予約")
    assert by[("令和2年度 実施内容と改善点", 2)].text == (
        "令和2年6月1日から市公式LINEを開設し，主に新型コロナウイルス感染症関連情報について情報発信を行った。"
        " 広報紙でPR活動を行うとともに，8月より発信情報に防災行政無線の放送内容や子育て情報を追加し普及促進を図ったが，"
        "成果目標を下回った。"
    )
    assert not any(x.heading == "NEXT CYCLE" or x.text == "NEXT CYCLE" for x in n)


def test_findings_are_import_layer_with_lines(joso: ImportResult) -> None:
    assert all(f.layer is Layer.IMPORT and f.where.file == "001_c75840063dde7d0e.txt" for f in joso.findings)
    assert all(f.where.line is not None for f in joso.findings)
    assert [f for f in joso.findings if f.severity is not Severity.INFO] == []
