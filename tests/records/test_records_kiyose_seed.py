"""Every fact of the 清瀬市 seed (000_…): expected values written by reading the sheet, not the code."""

from __future__ import annotations

from decimal import Decimal as D

from opendata_pub.findings import Severity
from opendata_pub.records import (
    CostCategory,
    Direction,
    ImportResult,
    IndicatorValue,
    Level,
    NarrativeKind,
    Stage,
)


def test_evaluation_fields(kiyose: ImportResult) -> None:
    r = kiyose.record
    assert r.evaluation_id == "132217-2020-513"
    assert r.municipality_code == "132217"
    assert r.municipality_name == "清瀬市"
    assert r.fiscal_year == 2020
    assert r.fiscal_year_label == "令和2年度"  # printed "( 令和2 年度)"
    assert r.level is Level.POLICY
    assert r.policy_code == "513"
    assert r.policy_name == "行政情報の積極的な公開・共有"
    assert r.lead_department == "企画部"
    assert r.lead_section == "秘書広報課"
    assert r.source.file == "000_1877d05501bf3ae7.txt"
    assert r.source.layout == "kiyose"


def test_grade_and_reason(kiyose: ImportResult) -> None:
    r = kiyose.record
    assert r.grade == "維持"
    assert r.grade_reason == (
        "●清瀬市公式ホームページは、リニューアルから5年が経過し、利用者のニーズやアクセシビリティへの対応、"
        "災害等緊急時の継続的運用などが求められてきた。これらの様々な課題を解消するとともに、利用者全てが情報に"
        "たどり着きやすく親しみやすいホームページを目指し、リニューアルを実施し、市の重点施策である子育て支援や"
        "高齢者支援に関する特設サイトを設け、さらにはスマートフォンでの視認性なども追及した。これにより、令和3年度"
        "全国広報コンクールにおいて入賞を果たした。\n"
        "●オープンデータについては、令和2年度新たに、選挙の投票率や小中学校の通学区域情報など10項目を公開した。"
        "これまでにすでに38項目を公開している。"
    )
    assert "<p>" not in r.grade_reason


def test_programs_as_printed(kiyose: ImportResult) -> None:
    programs = [(p.number, p.name, p.direction_no, p.section, p.line) for p in kiyose.record.programs]
    assert programs == [
        (1, "議会事務局運営事業", 2, "議会事務局", 23),
        (2, "文書管理事業", 1, "総務課", 24),
        (3, "情報公開事業", 1, "総務課", 25),
        (4, "市報きよせ発行业", 2, "秘書広報課", 26),  # the sheet's typo (业) is kept
        (5, "ホームページ等運営事業", 2, "秘書広報課", 27),
    ]
    assert kiyose.record.program_id(1) == "132217-2020-513-p1"


def test_costs_in_yen(kiyose: ImportResult) -> None:
    costs = {(c.program_no, c.fiscal_year, c.stage, c.category): c.amount_jpy for c in kiyose.record.costs}
    settlement, total = Stage.SETTLEMENT, CostCategory.TOTAL
    assert costs == {
        (1, 2020, settlement, total): 9_679_000,
        (2, 2020, settlement, total): 8_482_000,
        (3, 2020, settlement, total): 94_000,
        (4, 2020, settlement, total): 16_838_000,
        (5, 2020, settlement, total): 23_991_000,
        (None, 2020, settlement, total): 59_084_000,  # 総事業費(施策の合計)
    }
    # 9,679 + 8,482 + 94 + 16,838 + 23,991 = 59,084 千円
    assert 9_679_000 + 8_482_000 + 94_000 + 16_838_000 + 23_991_000 == 59_084_000


def test_indicator_definitions(kiyose: ImportResult) -> None:
    ind = {i.number: i for i in kiyose.record.indicators}
    assert sorted(ind) == [1, 2, 3]
    assert ind[1].name == "市政への関心度"
    assert ind[1].description is None  # 説明 —
    assert ind[1].method == "市政世論調査(平成29、令和2、5、8年度実施)"
    assert ind[2].name == "市のホームページへの年間アクセス件数"
    assert ind[2].description == "システム上のカウンターによるアクセス件数抽出"
    assert ind[2].method == "所管課統計"
    assert ind[3].name == "市政情報は適切に分かりやすく提供されていると思う人の割合"
    assert ind[3].description is None
    assert ind[3].method == "市政世論調査(平成29、令和2、5、8年度実施)"
    for i in ind.values():
        assert i.unit is None  # no unit is printed
        assert i.direction is Direction.UNKNOWN  # no 方向性 is printed
        assert i.program_no is None
    assert kiyose.record.indicator_id(2) == "132217-2020-513-i2"


def test_indicator_1_values(kiyose: ImportResult) -> None:
    ind = kiyose.record.indicator(1)
    assert ind is not None
    assert ind.values == (
        IndicatorValue(2019, target=None, actual=D("62.7"), achievement_rate=None, note="平成29年度実績値"),
        IndicatorValue(2020, target=D("68.0"), actual=D("59.4"), achievement_rate=D("87.4")),
        IndicatorValue(2021, target=D("68.0")),
        IndicatorValue(2023, target=D("68.0")),
        IndicatorValue(2025, target=D("74.0")),
    )
    assert str(ind.values[1].target) == "68.0"  # precision as printed


def test_indicator_2_values(kiyose: ImportResult) -> None:
    ind = kiyose.record.indicator(2)
    assert ind is not None
    assert ind.values == (
        IndicatorValue(2019, target=D(440000), actual=D(339480), achievement_rate=D("77.2")),
        IndicatorValue(
            2020,
            target=D(450000),
            actual=D(701907),
            achievement_rate=D("156.0"),
            note="新型コロナウイルス感染症拡大の影響による増と推測される",
        ),
        IndicatorValue(2021, target=D(460000)),
        IndicatorValue(2023, target=D(480000)),
        IndicatorValue(2025, target=D(500000)),
    )


def test_indicator_3_values(kiyose: ImportResult) -> None:
    ind = kiyose.record.indicator(3)
    assert ind is not None
    assert ind.values == (
        IndicatorValue(2019, actual=D("43.7"), note="平成29年度実績値"),
        IndicatorValue(2020, target=D("50.0"), actual=D("41.6"), achievement_rate=D("83.2")),
        IndicatorValue(2021, target=D("50.0")),
        IndicatorValue(2023, target=D("55.0")),
        IndicatorValue(2025, target=D("60.0")),
    )


def test_challenges_and_next_actions(kiyose: ImportResult) -> None:
    got = [(c.number, c.challenge, c.next_action) for c in kiyose.record.challenges]
    assert got == [
        (
            1,
            "多様な情報発信チャンネルを駆使し、市政情報を正確に、広く浸透させていく必要がある。",
            "Facebook、Twitter、Instagram等のSNSに加えて、LINEなど新たな情報発信チャンネルを検討する。",
        ),
        (
            2,
            ("市議会の情報を発信する手段として、現在は市議会だよりとホームページが主体となっているところであるが、"
            "全体的に関心が薄れている傾向がある。これらは幅広い年齢層をターゲットとした広報手段として一定の効果が"
            "期待できるため今後も引き続き継続していく一方で、議会活動をより身近に感じていただけるよう、会議の様子を"
            "インターネットで配信する環境を整える。"),
            ("令和3年清瀬市議会第2回定例会より、本会議等の映像配信を開始し、録画映像をインターネットを通じて"
            "視聴できるようにするが、これを推進する。"),
        ),
        (
            3,
            ("全庁的な個人情報の管理及び運営、特に個人情報の情報公開の規定が変更される可能性があるため、"
            "規定内容が明らかになった段階で早急に運用準備に着手していきたい。"),
            "個人情報保護法の改正等の情報収集を行う。",
        ),
    ]


def test_narratives_by_heading(kiyose: ImportResult) -> None:
    by = {(n.heading, n.code): n for n in kiyose.record.narratives}
    assert by[("将来像", "5")].text == "都市格が高いまち(「しくみづくり」の分野)"
    assert by[("将来像", "5")].kind is NarrativeKind.GOAL
    assert by[("まちづくりの基本目標", "51")].text == "市民が主体となったまちづくり"
    vision = kiyose.record.vision
    assert vision is not None and vision.heading == "10年後の姿"
    assert vision.text == (
        "市が市政に関する情報を積極的に提供し、共有することで、行政運営の透明性が高まっています。"
        "また、市民は必要な情報を適時入手でき、市民の市政に対する理解や関心が高まっています。"
    )
    directions = [(n.code, n.text) for n in kiyose.record.directions]
    assert directions == [("1", "行政情報をより便利に利用できる環境を整えます"), ("2", "市政情報をわかりやすく提供します")]
    assert by[("令和2年度からの変更点", None)].section == "施策を取り巻く環境"
    assert by[("令和2年度からの変更点", None)].text == (
        "新型コロナウイルス感染症の収束の見通しが立たないなか、市民の不安を解消するため、"
        "正確な情報を迅速に発信する必要性が増している。"
    )
    assert by[("評価基準", None)].text == "投入財源・成果(「3. 構成事業の状況」「4. まちづくり指標」)に対する評価"
    legend = by[("評価※", None)].text.split("\n")
    assert [line[:2] for line in legend] == ["※順", "維持", "停滞"]
    assert legend[2] == "停滞「10年後の達成に向け」、「構成事業の状況」や「まちづくり指標」の進捗が遅れている"
    # print order
    assert [n.line for n in kiyose.record.narratives] == sorted(n.line or 0 for n in kiyose.record.narratives)


def test_no_errors_or_warnings(kiyose: ImportResult) -> None:
    assert [f for f in kiyose.findings if f.severity is not Severity.INFO] == []
