"""Issue 11: the contract grows (funding sources, staffing, assessments, indicator kinds, 施策体系,
contact, grade scales) without changing a byte of what was there before."""

from __future__ import annotations

import copy
import csv
import dataclasses
import warnings
from decimal import Decimal
from pathlib import Path
from typing import Any

import frictionless
import pytest

from opendata_pub.errors import InputError
from opendata_pub.findings import Layer, Severity
from opendata_pub.packaging.evaluation import (
    EVALUATION_TABLES,
    OPTIONAL_TABLES,
    evaluation_resources,
    evaluation_tables,
    grade_scale,
    table_columns,
)
from opendata_pub.packaging.writer import build_package
from opendata_pub.records import (
    FUNDING_SOURCES,
    GRADES,
    Assessment,
    Contact,
    Cost,
    CostCategory,
    EvaluationRecord,
    Indicator,
    IndicatorKind,
    IndicatorValue,
    Level,
    Program,
    Source,
    Staffing,
    Stage,
    dump_record,
    evaluation_id,
    load_record,
)
from opendata_pub.validation.rules import run_rules
from opendata_pub.validation.validator import validate_package

from .conftest import TableView

ROOT = Path(__file__).resolve().parents[2]
REPOSITORY_YAML = sorted((ROOT / "datapackages").glob("*/sources/evaluations/*.yaml"))
NEW_KEYS = ("policy_area_code", "contact", "grade_scale", "staffing", "assessments", "kind:", "code:")

# The new tables' contract columns (docs/evaluation-contract.md), and the columns appended to the old ones.
CONTRACT = {
    "staffing": ["evaluation_id", "program_id", "fiscal_year", "stage", "staff_count", "work_hours", "staffing_id"],
    "assessments": ["evaluation_id", "assessment_id", "assessment_no", "criterion", "grade", "reason", "program_id"],
}
APPENDED = {
    "evaluations": ["policy_area_code", "policy_area_name", "basic_program_code", "basic_program_name",
                    "reform_direction", "contact_team", "contact_manager", "contact_person", "contact_phone",
                    "contact_extension"],
    "programs": ["program_code"],
    "indicators": ["kind", "indicator_code"],
}

EID = evaluation_id("132217", 2024, policy_code="0203", policy_name="子育て支援の充実", program_code="0086")

# 千円 figures of one year block: 国庫, 都道府県, 地方債, その他, 一般財源 → 事業費
FUNDING_2024 = (1_200, 300, 0, 50, 2_450)


def _costs(year: int, funding: tuple[int, ...], business: int | None = None) -> tuple[Cost, ...]:
    amounts = dict(zip(FUNDING_SOURCES, funding))
    business = sum(funding) if business is None else business
    personnel = 8_000
    rows = [Cost(year, Stage.SETTLEMENT, c, a * 1000, program_no=1) for c, a in amounts.items()]
    rows += [
        Cost(year, Stage.SETTLEMENT, CostCategory.BUSINESS, business * 1000, program_no=1),
        Cost(year, Stage.SETTLEMENT, CostCategory.PERSONNEL, personnel * 1000, program_no=1),
        Cost(year, Stage.SETTLEMENT, CostCategory.TOTAL, (business + personnel) * 1000, program_no=1),
    ]
    return tuple(rows)


def workbook_record(**changes: Any) -> EvaluationRecord:
    """One row of a row-per-program 事務事業評価 workbook, every new field used."""
    record = EvaluationRecord(
        evaluation_id=EID,
        municipality_code="132217",
        municipality_name="清瀬市",
        fiscal_year=2024,
        fiscal_year_label="令和6年度",
        level=Level.PROGRAM,
        source=Source("jimu_jigyo_r6.xlsx", "row-program"),
        policy_code="0203",
        policy_name="子育て支援の充実",
        lead_department="子ども家庭部",
        lead_section="子育て支援課",
        grade="B",
        programs=(Program(1, "児童館運営事業", section="子育て支援課", line=3, code="0086"),),
        costs=_costs(2023, (1_000, 300, 0, 0, 2_200)) + _costs(2024, FUNDING_2024),
        indicators=(
            Indicator(1, "開館日数", unit="日", program_no=1, kind=IndicatorKind.ACTIVITY, code="ア",
                      values=(IndicatorValue(2023, actual=Decimal("290")), IndicatorValue(2024, actual=Decimal("292")))),
            Indicator(2, "18歳未満人口", unit="人", program_no=1, kind=IndicatorKind.TARGET, code="カ",
                      values=(IndicatorValue(2024, actual=Decimal("11200")),)),
            Indicator(3, "利用者満足度", unit="%", program_no=1, kind=IndicatorKind.OUTCOME, code="サ",
                      values=(IndicatorValue(2024, actual=Decimal("87.50")),)),
        ),
        policy_area_code="02",
        policy_area_name="子どもが健やかに育つまち",
        basic_program_code="020301",
        basic_program_name="子どもの居場所づくり",
        reform_direction="１　現状維持",
        contact=Contact(team="児童館係", manager="清瀬 太郎", person="野塩 花子", phone="042-492-5111", extension="0123"),
        grade_scale=("A", "B", "C", "D"),
        staffing=(
            Staffing(2024, Stage.SETTLEMENT, Decimal("1.5"), Decimal("2400"), program_no=1, line=3),
            Staffing(2023, Stage.SETTLEMENT, Decimal("0.5"), None, program_no=1, line=3),
        ),
        assessments=(
            Assessment(1, "政策体系との整合性", "結びついている", "施策の目的に直結する", program_no=1, line=3),
            Assessment(2, "公共関与の妥当性", "妥当である", None, program_no=1, line=3),
            Assessment(4, "成果の向上余地", "向上余地がある", "開館時間の延長", program_no=1, line=3),
        ),
    )
    return _replace(record, **changes)


def _replace(record: EvaluationRecord, **changes: Any) -> EvaluationRecord:
    return dataclasses.replace(record, **changes)


# --------------------------------------------------------------------------------------------------
# YAML


def test_every_new_field_round_trips_byte_identical() -> None:
    record = workbook_record()
    text = dump_record(record)
    for key in NEW_KEYS:
        assert key in text, key
    assert "code: '0086'" in text and "basic_program_code: '020301'" in text  # zeros kept, quoted
    assert "kind: activity" in text and "category: national_subsidy" in text
    loaded = load_record(text, source="row.yaml")
    assert loaded == record
    assert dump_record(loaded) == text
    assert loaded.contact == record.contact and loaded.grades == ("A", "B", "C", "D")


@pytest.mark.parametrize("path", REPOSITORY_YAML, ids=lambda p: p.parent.parent.parent.name)
def test_repository_yaml_redumps_byte_identical(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    record = load_record(text, source=str(path))
    assert dump_record(record) == text
    assert record.grades == GRADES and not record.staffing and record.contact is None


def test_there_are_three_repository_records() -> None:
    assert len(REPOSITORY_YAML) == 3


def test_empty_new_keys_load_as_empty() -> None:
    text = dump_record(_replace(workbook_record(), contact=None, grade_scale=(), staffing=(), assessments=()))
    assert "contact" not in text and "grade_scale" not in text
    text += "contact:\ngrade_scale:\nstaffing:\n"
    loaded = load_record(text, source="x.yaml")
    assert loaded.contact is None and loaded.grade_scale == () and loaded.staffing == ()


@pytest.mark.parametrize(
    ("addition", "where"),
    [
        ("grade_scale:\n- A\n- 2\n", "grade_scale[1]"),
        ("grade_scale:\n- A\n-\n", "grade_scale[1]"),
        ("contact:\n  fax: '1'\n", "contact.fax"),
        ("contact: 担当\n", "contact"),
    ],
)
def test_bad_new_values_are_located(addition: str, where: str) -> None:
    base = dump_record(_replace(workbook_record(), contact=None, grade_scale=()))
    with pytest.raises(InputError) as info:
        load_record(base + addition, source="x.yaml")
    assert where in str(info.value)


def test_duplicate_assessment_numbers_are_refused() -> None:
    record = workbook_record()
    twice = _replace(record, assessments=record.assessments + (Assessment(1, "重複", "A"),))
    with pytest.raises(InputError, match="assessments"):
        load_record(dump_record(twice), source="x.yaml")


def test_program_evaluations_are_named_by_their_program_code() -> None:
    assert EID == "132217-2024-0086"
    same_policy = evaluation_id("132217", 2024, policy_code="0203", policy_name="x", program_code="0087")
    assert same_policy != EID
    # a policy-level id is as before
    assert evaluation_id("082112", 2020, policy_code=None, policy_name="情報公開・広報・広聴") == "082112-2020-na3f2cea5"


# --------------------------------------------------------------------------------------------------
# tables


def test_tables_of_a_workbook_row() -> None:
    tables = evaluation_tables([workbook_record()])
    assert tuple(tables) == EVALUATION_TABLES
    for name, columns in {**CONTRACT}.items():
        assert table_columns(name)[: len(columns)] == columns
    for name, columns in APPENDED.items():
        assert table_columns(name)[-len(columns):] == columns
    evaluation = tables["evaluations"][0]
    assert evaluation["contact_extension"] == "0123" and evaluation["policy_area_code"] == "02"
    assert evaluation["reform_direction"] == "１　現状維持"
    assert tables["programs"][0]["program_code"] == "0086"
    assert [(r["kind"], r["indicator_code"]) for r in tables["indicators"]] == [
        ("activity", "ア"), ("target", "カ"), ("outcome", "サ")]
    staffing = tables["staffing"]
    assert [(r["fiscal_year"], r["staff_count"], r["work_hours"]) for r in staffing] == [
        (2023, Decimal("0.5"), None), (2024, Decimal("1.5"), Decimal("2400"))]
    assert staffing[1]["staffing_id"] == "132217-2024-0086-p1-2024-settlement"
    assert staffing[1]["program_id"] == "132217-2024-0086-p1"
    assessments = tables["assessments"]
    assert [r["assessment_id"] for r in assessments] == [f"{EID}-a1", f"{EID}-a2", f"{EID}-a4"]
    assert assessments[2]["grade"] == "向上余地がある" and assessments[1]["reason"] is None
    categories = [r["category"] for r in tables["costs"] if r["fiscal_year"] == 2024]
    assert categories == ["total", "business", "personnel", "national_subsidy", "prefectural_subsidy",
                          "local_bond", "other_revenue", "general_revenue"]
    for name, rows in tables.items():
        for row in rows:
            assert list(row) == table_columns(name)


def test_optional_tables_only_when_some_record_has_rows() -> None:
    assert {r["name"] for r in evaluation_resources()} == set(EVALUATION_TABLES) - set(OPTIONAL_TABLES)
    plain = _replace(workbook_record(), staffing=(), assessments=(), grade_scale=())
    assert {r["name"] for r in evaluation_resources([plain])} == set(EVALUATION_TABLES) - set(OPTIONAL_TABLES)
    only_staffing = _replace(plain, staffing=workbook_record().staffing)
    assert "staffing" in {r["name"] for r in evaluation_resources([only_staffing])}
    assert "assessments" not in {r["name"] for r in evaluation_resources([only_staffing])}
    assert [r["name"] for r in evaluation_resources(every_table=True)] == list(EVALUATION_TABLES)
    for resource in evaluation_resources(every_table=True):
        schema = frictionless.Schema.from_descriptor(resource["schema"])
        assert [f.name for f in schema.fields] == table_columns(resource["name"])


def _grade_field(resources: list[dict[str, Any]]) -> dict[str, Any]:
    evaluations = next(r for r in resources if r["name"] == "evaluations")
    return next(f for f in evaluations["schema"]["fields"] if f["name"] == "grade")


def test_grade_scale_becomes_ordered_categories() -> None:
    field = _grade_field(evaluation_resources([workbook_record()]))
    assert field["categories"] == ["A", "B", "C", "D"] and field["categoriesOrdered"] is True
    assert "constraints" not in field  # a word outside the scale is a domain finding, not a data error
    default = _grade_field(evaluation_resources([_replace(workbook_record(), grade_scale=GRADES)]))
    assert default == _grade_field(evaluation_resources())


def test_records_of_one_package_share_one_scale() -> None:
    other = _replace(workbook_record(), evaluation_id="132217-2024-0087", grade_scale=("達成", "概ね達成", "未達成"))
    with pytest.raises(InputError) as info:
        grade_scale([other, workbook_record()])
    assert "132217-2024-0086" in str(info.value) and "132217-2024-0087" in str(info.value)
    default = _replace(workbook_record(), evaluation_id="132217-2024-0088", grade_scale=())
    with pytest.raises(InputError):
        evaluation_resources([default, workbook_record()])
    assert grade_scale([]) == GRADES


# --------------------------------------------------------------------------------------------------
# a whole package: built, validated


METADATA: dict[str, Any] = {
    "name": "kiyose-jimu-jigyo-hyoka-2024",
    "title": "清瀬市 事務事業評価 (令和6年度)",
    "description": "事務事業評価シートの内容",
    "publisher": "132217",
    "keywords": ["行政評価", "事務事業評価"],
    "themes": ["GOVE"],
    "spatial": ["132217"],
    "temporal": {"start": "2024-04-01", "end": "2025-03-31"},
    "accrualPeriodicity": "ANNUAL",
    "issued": "2025-10-01",
    "modified": "2025-10-01",
    "language": ["ja"],
}


def _build(root: Path, *records: EvaluationRecord) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        build_package(root, copy.deepcopy(METADATA), evaluation_resources(records), evaluation_tables(records))
    return root


def test_a_package_with_a_custom_scale_validates_clean(tmp_path: Path) -> None:
    root = _build(tmp_path / "pkg", workbook_record())
    assert (root / "data" / "staffing.csv").is_file() and (root / "data" / "assessments.csv").is_file()
    with (root / "data" / "programs.csv").open(encoding="utf-8") as fh:
        assert next(csv.DictReader(fh))["program_code"] == "0086"
    report = validate_package(root)
    # the metadata layer judges METADATA (a bare test publisher), not the contract
    ours = [f for f in report.findings if f.layer in (Layer.DESCRIPTOR, Layer.DATA, Layer.DOMAIN)]
    assert ours == [], [f.message for f in ours]


def test_a_grade_outside_the_scale_is_flagged(tmp_path: Path) -> None:
    root = _build(tmp_path / "pkg", workbook_record(grade="順調"))
    findings = [f for f in validate_package(root).findings if f.code == "evaluation-grade-unknown"]
    assert len(findings) == 1
    assert "A / B / C / D" in findings[0].message and findings[0].params["allowed"] == ["A", "B", "C", "D"]


def test_the_default_scale_still_applies_without_categories() -> None:
    view = TableView(evaluation_tables([_replace(workbook_record(), grade_scale=())]))
    findings = [f for f in _rules(view) if f.code == "evaluation-grade-unknown"]
    assert len(findings) == 1 and "順調 / 維持 / 停滞" in findings[0].message


# --------------------------------------------------------------------------------------------------
# the funding rule


def _rules(view: TableView) -> list[Any]:
    return [f for f in run_rules(view) if f.code.startswith("evaluation-")]


def _default_scale(**changes: Any) -> EvaluationRecord:
    # TableView describes the tables with the default scale: give the record a grade of it
    return workbook_record(grade="維持", grade_scale=(), **changes)


def _funding(record: EvaluationRecord) -> list[Any]:
    return [f for f in _rules(TableView(evaluation_tables([record]))) if f.code == "evaluation-funding-sum-mismatch"]


def test_funding_sources_that_add_up_pass() -> None:
    assert _rules(TableView(evaluation_tables([_default_scale()]))) == []


def test_funding_sources_that_do_not_add_up_are_an_error() -> None:
    record = _default_scale()
    costs = tuple(c for c in record.costs if c.fiscal_year != 2024) + _costs(2024, FUNDING_2024, business=4_100)
    findings = _funding(_replace(record, costs=costs))
    assert len(findings) == 1
    f = findings[0]
    assert f.severity is Severity.ERROR and f.params["business"] == 4_100_000
    assert f.params["funding_sum"] == 4_000_000 and f.params["difference"] == 100_000
    assert "国庫支出金 1,200,000円" in f.message and f.where.field == "amount_jpy"


def test_some_funding_sources_missing() -> None:
    record = _default_scale()

    def without_bond(business: int) -> tuple[Cost, ...]:
        costs = _costs(2024, FUNDING_2024, business=business)
        return tuple(c for c in costs if c.category is not CostCategory.LOCAL_BOND)

    keep = tuple(c for c in record.costs if c.fiscal_year != 2024)
    # the printed ones are less than business: the missing one may hold the rest
    assert _funding(_replace(record, costs=keep + without_bond(4_500))) == []
    # already more than business: cannot be right, but a source is missing: a warning
    findings = _funding(_replace(record, costs=keep + without_bond(3_900)))
    assert [f.severity for f in findings] == [Severity.WARNING]
    assert "地方債" in findings[0].message and findings[0].params["funding_missing"] == ["local_bond"]


def test_funding_without_business_is_not_checked() -> None:
    record = _default_scale()
    costs = tuple(c for c in record.costs if c.category is not CostCategory.BUSINESS)
    assert _funding(_replace(record, costs=costs)) == []
