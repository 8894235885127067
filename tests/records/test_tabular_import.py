"""The built-in 事務事業評価 layout on workbooks in the shape of the row-per-program export (issue 11).

Every value is checked against what the factory wrote, computed here independently of the engine:
千円 × 1000, 全角 digits read, words kept as notes, empty blocks giving no rows (never 0).
"""

from __future__ import annotations

import datetime
import random
import unicodedata
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from opendata_pub import actions
from opendata_pub.errors import UnknownLayoutError
from opendata_pub.findings import Severity
from opendata_pub.records.importers import import_workbook
from opendata_pub.records.model import CostCategory, EvaluationRecord, IndicatorKind, Level, Stage
from opendata_pub.records.workbook import column_letters

from .workbook_factory import (
    CRITERIA,
    FILLER,
    INDICATOR_LETTERS,
    build_workbook,
    columns,
    generate_programs,
    write_csv,
)

CODE, NAME = "132217", "清瀬市"
LAYOUT = "gyosei-keiei-jimu-jigyo"
COST_KEYS = {
    "国庫支出金": CostCategory.NATIONAL_SUBSIDY, "都道府県支出金": CostCategory.PREFECTURAL_SUBSIDY,
    "地方債": CostCategory.LOCAL_BOND, "その他": CostCategory.OTHER_REVENUE, "一般財源": CostCategory.GENERAL_REVENUE,
    "事業費計\n(A)": CostCategory.BUSINESS, "人件費計\n(B)": CostCategory.PERSONNEL,
    "トータルコスト\n(A)＋(B)": CostCategory.TOTAL,
}
KINDS = {**dict.fromkeys("アイウ", IndicatorKind.ACTIVITY), **dict.fromkeys("カキク", IndicatorKind.TARGET),
         **dict.fromkeys("サシス", IndicatorKind.OUTCOME)}
# factory key → (section, heading) the narrative must carry, as printed
NARRATIVES = {
    "law": (None, "根拠法令"), "period": (None, "事業期間"), "category": (None, "事務事業区分"),
    "summary": (None, "概要"), "account": ("予算科目", "会計"), "kan": ("予算科目", "款"),
    "means_last": ("①手段", "前年度実績"), "means_this": ("①手段", "今年度計画"), "target": (None, "②対象"),
    "intent": (None, "③意図"), "result": (None, "④結果"), "q1": (None, "①開始のきっかけ"),
    "q2": (None, "②状況の変化"), "q3": (None, "③関係者の意見"), "expect_outcome": ("期待成果", "成果"),
    "expect_cost": ("期待成果", "コスト"), "issues": (None, "課題と解決策"),
    "chief_direction": ("課長等意見", "今後の方向性"), "chief_summary": ("課長等意見", "全体総括"),
}


def _nfkc(value: Any) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip()


def _printed(value: Any) -> str:
    return unicodedata.normalize("NFC", str(value)).strip(" \u3000")


def _figure(value: Any) -> tuple[Decimal | None, str | None]:
    if isinstance(value, str):
        digits = _nfkc(value)
        return (Decimal(digits), None) if digits.isdigit() else (None, value)
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value), None


def _expected_costs(p: Mapping[str, Any], years: int, fy: int) -> set[tuple[int, Stage, CostCategory, int]]:
    out = set()
    for n in range(1, years + 1):
        stage = Stage.BUDGET if n == years else Stage.SETTLEMENT
        for label, category in COST_KEYS.items():
            if f"y{n}:{label}" in p:
                out.add((fy - years + n, stage, category, p[f"y{n}:{label}"] * 1000))
    return out


def _expected_values(p: Mapping[str, Any], letter: str, years: int, fy: int) -> list[tuple[Any, ...]]:
    out = []
    for n in range(1, years + 1):
        if f"y{n}:{letter}" in p:
            number, note = _figure(p[f"y{n}:{letter}"])
            out.append((fy - years + n, number, note))
    return out


def check_record(record: EvaluationRecord, p: Mapping[str, Any], *, years: int = 6, fy: int = 2025) -> None:
    """Every value of ``record`` equals what the factory wrote for program ``p``."""
    assert record.level is Level.PROGRAM and record.fiscal_year == fy and record.fiscal_year_label == "令和7年度"
    assert record.evaluation_id == f"{CODE}-{fy}-{p['program_id']}"
    (program,) = record.programs
    assert (program.code, program.name) == (p["program_id"], _printed(p["program_name"]))
    assert record.policy_area_code == _nfkc(p["policy_10"]) + _nfkc(p["policy_1"])
    assert record.policy_code == f"{p['measure_10']}{p['measure_1']}"
    assert record.basic_program_code == p["basic_10"] + p["basic_1"]
    assert (record.policy_area_name, record.policy_name) == (p["policy_name"], p["measure_name"])
    assert record.basic_program_name == _printed(p["basic_name"])
    assert (record.lead_department, record.lead_section) == ("福祉部", "福祉総務課")
    assert record.contact is not None
    assert (record.contact.manager, record.contact.team, record.contact.person) == (p["manager"], p["section"], p["staff"])
    assert (record.contact.phone, record.contact.extension) == (p["phone"], p["extension"])
    assert record.reform_direction == p["direction"]
    costs = {(c.fiscal_year, c.stage, c.category, c.amount_jpy) for c in record.costs}
    assert costs == _expected_costs(p, years, fy) and len(record.costs) == len(costs)
    staffing = {(s.fiscal_year, s.staff_count, s.work_hours) for s in record.staffing}
    assert staffing == {(fy - years + n, Decimal(repr(p[f"y{n}:正規職員従事人数"])), Decimal(p[f"y{n}:延べ業務時間"]))
                        for n in range(1, years + 1) if f"y{n}:延べ業務時間" in p}
    letters = [x for x in INDICATOR_LETTERS if f"def:{x}:名称" in p]
    assert [i.code for i in record.indicators] == letters
    for ind in record.indicators:
        assert ind.number == INDICATOR_LETTERS.index(ind.code) + 1 and ind.kind is KINDS[ind.code]
        assert (ind.name, ind.unit) == (p[f"def:{ind.code}:名称"], p[f"def:{ind.code}:単位"])
        assert [(v.fiscal_year, v.actual, v.note) for v in ind.values] == _expected_values(p, ind.code, years, fy)
        assert all(v.target is None and v.achievement_rate is None for v in ind.values)
    assert [(a.number, a.criterion, a.grade, a.reason) for a in record.assessments] == [
        (i, name.split(" ", 1)[1], p[f"grade{i}"], p[f"reason{i}"]) for i, (name, _) in enumerate(CRITERIA, 1)]
    texts = {(n.section, n.heading): n.text for n in record.narratives}
    for key, place in NARRATIVES.items():
        assert texts[place] == _printed(p[key]), key
    assert texts[(None, "作成日")] == datetime.date(p["created_year"], p["created_month"], p["created_day"]).isoformat()
    assert texts[("全体計画", "国庫支出金")] == f"{p['plan:国庫支出金']:,} 千円"
    assert texts[("全体計画", "延べ業務時間")] == f"{p['plan:延べ業務時間']:,} 時間"


def test_factory_workbook_imports_with_every_value_as_written(tmp_path: Path) -> None:
    programs = generate_programs(9)
    built = build_workbook(tmp_path / "jimu.xlsx", programs)
    # the workbook has what the test is about: empty blocks, text numbers, words, a missing indicator
    assert any(not any(k.startswith("y2:") for k in p) for p in programs)
    assert any(isinstance(v, str) and v.strip("０１２３４５６７８９") == "" for p in programs for v in p.values())
    assert any("def:ア:名称" not in p for p in programs)
    result = import_workbook(built.path, municipality_code=CODE, municipality_name=NAME)
    assert result.layout == LAYOUT and result.findings == ()
    assert len(result.results) == len(programs)
    for r, p in zip(result.results, programs):
        assert r.findings == ()
        check_record(r.record, p)
        assert r.record.source.file == "jimu.xlsx" and r.record.source.layout == LAYOUT


def test_imported_package_validates_clean_and_keeps_the_workbook_once(tmp_path: Path) -> None:
    built = build_workbook(tmp_path / "jimu.xlsx", generate_programs(5))
    package = tmp_path / "pkg"
    outcome = actions.import_evaluations([built.path], package_dir=package, municipality_code=CODE,
                                         municipality_name=NAME, day="2026-01-05")
    assert len(outcome.results) == 5 and outcome.layouts == (LAYOUT,)
    assert sorted(p.name for p in (package / "sources/sheets").iterdir()) == ["jimu.xlsx"]
    assert len(list((package / "sources/evaluations").glob("*.yaml"))) == 5
    descriptor = (package / "datapackage.yaml").read_text(encoding="utf-8")
    assert descriptor.count("sources/sheets/jimu.xlsx") == 1
    report = actions.validate([package])
    assert [f.code for p in report.packages for f in p.findings] == []
    # the reviewed sources rebuild the same package
    assert actions.build([package])[0][1].written == ()


def _write_table(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.append([FILLER] * len(header))
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    book.save(path)
    return path


def _variant(path: Path, programs: Sequence[Mapping[str, Any]], years: int, *, shuffle: bool = False,
             extra: int = 0, relabel: Mapping[str, str] | None = None) -> Path:
    cols = list(columns(years))
    if shuffle:
        # reorder everything outside the year blocks, which must stay in year order
        identity = [c for c in cols if not c[0].startswith("y")]
        random.Random(3).shuffle(identity)
        cols = identity[:20] + [c for c in cols if c[0].startswith("y")] + identity[20:]
    cols += [(f"extra{n}", f"追加列{n}") for n in range(extra)]
    header = [(relabel or {}).get(label, label) for _, label in cols]
    return _write_table(path, header, [[p.get(key) for key, _ in cols] for p in programs])


@pytest.mark.parametrize("years", [5, 7])
def test_variants_are_detected_and_read(tmp_path: Path, years: int) -> None:
    programs = generate_programs(4, years=years)
    relabel = {"事務事業ID": "事務事業 ID", "政策番号\n十の位": "政策番号\u3000十の位", "人件費計\n(B)": "人件費計（Ｂ）",
               "① 政策体系との整合性\n評価": "①政策体系との\n整合性　評価"}
    path = _variant(tmp_path / "v.xlsx", programs, years, shuffle=True, extra=3, relabel=relabel)
    result = import_workbook(path, municipality_code=CODE, municipality_name=NAME)
    assert result.layout == LAYOUT and result.findings == ()
    for r, p in zip(result.results, programs, strict=True):
        check_record(r.record, p, years=years)


def test_plan_labels_without_their_prefix_are_not_a_year(tmp_path: Path) -> None:
    # A real export may print 全体計画's ten labels exactly like the year blocks' (国庫支出金 …), with
    # no prefix: that run has no indicator columns, so it is the plan, not the oldest year.
    programs = generate_programs(4)
    relabel = {label: label.split("\n", 1)[1] for _, label in columns(6) if label.startswith("全体計画\n")}
    assert len(relabel) == 10
    path = _variant(tmp_path / "plain.xlsx", programs, 6, relabel=relabel)
    result = import_workbook(path, municipality_code=CODE, municipality_name=NAME)
    assert result.layout == LAYOUT and result.findings == ()
    for r, p in zip(result.results, programs, strict=True):
        check_record(r.record, p)  # the six years exactly, and the plan figures as its narratives


def test_cp932_csv_export_reads_like_the_workbook(tmp_path: Path) -> None:
    programs = generate_programs(4)
    path = tmp_path / "export.csv"
    write_csv(path, programs)
    result = import_workbook(path, municipality_code=CODE, municipality_name=NAME)
    assert result.layout == LAYOUT and result.findings == ()
    for r, p in zip(result.results, programs, strict=True):
        check_record(r.record, p)


def test_missing_and_broken_columns_are_findings_not_crashes(tmp_path: Path) -> None:
    programs = generate_programs(3)
    cols = [c for c in columns(6) if c[0] not in {"phone", "y3:地方債"}]
    rows = [[p.get(key) for key, _ in cols] for p in programs]
    cost_col = next(i for i, (key, _) in enumerate(cols) if key == "y2:国庫支出金")
    rows[1][cost_col] = "不明"
    path = _write_table(tmp_path / "broken.xlsx", [label for _, label in cols], rows)
    result = import_workbook(path, municipality_code=CODE, municipality_name=NAME)
    codes = sorted(f.code for f in result.findings)
    assert codes == ["layout-block-column-missing", "layout-column-missing"]
    assert all(f.severity is Severity.WARNING for f in result.findings)
    assert len(result.results) == 3
    (word,) = result.results[1].findings
    assert word.code == "figure-not-a-number" and "不明" in word.message and word.where.key == f"Sheet!{column_letters(cost_col + 1)}4"
    record = result.results[1].record
    assert not any(c.fiscal_year == 2021 and c.category is CostCategory.NATIONAL_SUBSIDY for c in record.costs)
    assert record.contact is not None and record.contact.phone is None


def test_unknown_words_are_findings_and_the_grade_scale_is_the_layouts(tmp_path: Path) -> None:
    programs = generate_programs(2)
    programs[0]["grade2"] = "たぶん妥当"
    built = build_workbook(tmp_path / "w.xlsx", programs)
    result = import_workbook(built.path, municipality_code=CODE, municipality_name=NAME)
    (finding,) = result.results[0].findings
    assert finding.code == "word-not-in-vocabulary" and "たぶん妥当" in finding.message
    assert result.results[0].record.assessments[1].grade == "たぶん妥当"  # kept as printed
    assert "妥当である" in result.results[0].record.grade_scale
    own = import_workbook(built.path, municipality_code=CODE, municipality_name=NAME, grades=("A", "B"))
    assert own.results[0].record.grade_scale == ("A", "B")


def test_a_sheet_in_no_layout_is_refused_with_the_file_named(tmp_path: Path) -> None:
    path = _write_table(tmp_path / "other.xlsx", ["名前", "住所"], [["a", "b"]])
    with pytest.raises(UnknownLayoutError) as info:
        import_workbook(path, municipality_code=CODE, municipality_name=NAME)
    assert "other.xlsx" in str(info.value)


def test_repeated_program_ids_keep_the_first_row(tmp_path: Path) -> None:
    programs = generate_programs(3)
    programs[2]["program_id"] = programs[0]["program_id"]
    built = build_workbook(tmp_path / "w.xlsx", programs)
    result = import_workbook(built.path, municipality_code=CODE, municipality_name=NAME)
    assert len(result.results) == 2
    assert [f.code for f in result.findings] == ["evaluation-id-repeated"]
    assert result.findings[0].severity is Severity.ERROR
