"""The evaluation domain rules (validation/evaluation_rules.py) over PackageViews built from tables."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from opendata_pub.findings import Finding, Layer, Severity
from opendata_pub.packaging.evaluation import evaluation_tables
from opendata_pub.records import EvaluationRecord
from opendata_pub.validation import evaluation_rules as er
from opendata_pub.validation.rules import registered_rules, run_rules

from .conftest import SEEDS, TableView, import_path

CODES = {
    "evaluation-cost-sum-mismatch",
    "evaluation-cost-breakdown-mismatch",
    "evaluation-achievement-rate-mismatch",
    "evaluation-fiscal-year-label-mismatch",
    "evaluation-grade-unknown",
    "evaluation-municipality-code",
    "evaluation-reference-mismatch",
}


@pytest.fixture(scope="module")
def seed_records() -> list[EvaluationRecord]:
    return [import_path(p).record for p in SEEDS]


@pytest.fixture
def tables(seed_records: list[EvaluationRecord]) -> dict[str, list[dict[str, Any]]]:
    return copy.deepcopy(evaluation_tables(seed_records))


def _run(tables: dict[str, list[dict[str, Any]]]) -> list[Finding]:
    return [f for f in run_rules(TableView(tables)) if f.code.startswith("evaluation-")]


def test_rules_are_registered() -> None:
    assert CODES <= {r.code for r in registered_rules()}
    for r in registered_rules():
        if r.code in CODES:
            assert r.description  # the first docstring line


def test_the_seeds_pass_every_rule(tables: dict[str, list[dict[str, Any]]]) -> None:
    assert _run(tables) == []


def test_rules_do_not_apply_without_evaluations(tables: dict[str, list[dict[str, Any]]]) -> None:
    del tables["evaluations"]
    assert _run(tables) == []


def _row(tables: dict[str, list[dict[str, Any]]], table: str, **match: Any) -> dict[str, Any]:
    return next(r for r in tables[table] if all(r.get(k) == v for k, v in match.items()))


def test_policy_total_that_does_not_add_up(tables: dict[str, list[dict[str, Any]]]) -> None:
    _row(tables, "costs", program_id="132217-2020-513-p4")["amount_jpy"] = 16_938_000  # 100千円 more
    findings = _run(tables)
    assert [f.code for f in findings] == ["evaluation-cost-sum-mismatch"]
    f = findings[0]
    assert f.severity is Severity.ERROR and f.layer is Layer.DOMAIN and f.resource == "costs"
    assert f.where.file == "data/costs.csv" and f.where.field == "amount_jpy"
    policy_index = tables["costs"].index(_row(tables, "costs", evaluation_id="132217-2020-513", program_id=None))
    assert f.where.row == policy_index + 2
    assert f.params["policy_total"] == 59_084_000 and f.params["programs_sum"] == 59_184_000
    assert f.params["difference"] == -100_000
    assert "59,084,000円" in f.message and "59,184,000円" in f.message


def test_koto_policy_total_against_programs(tables: dict[str, list[dict[str, Any]]]) -> None:
    row = _row(tables, "costs", evaluation_id="131083-2022-1", program_id=None, stage="budget",
               category="business", fiscal_year=2023)
    row["amount_jpy"] = 417_425_000
    codes = sorted(f.code for f in _run(tables))
    # the policy's business cost now disagrees with its programs and with total − personnel
    assert codes == ["evaluation-cost-breakdown-mismatch", "evaluation-cost-sum-mismatch"]


def test_a_missing_program_figure_makes_a_mismatch_a_warning(tables: dict[str, list[dict[str, Any]]]) -> None:
    tables["costs"].remove(_row(tables, "costs", program_id="132217-2020-513-p3"))
    tables["costs"].append(  # p3 has a figure in another year only
        {**_row(tables, "costs", program_id="132217-2020-513-p2"), "program_id": "132217-2020-513-p3",
         "fiscal_year": 2019, "cost_id": "x"}
    )
    findings = _run(tables)
    assert [(f.code, f.severity, f.params["programs_without_amount"]) for f in findings] == [
        ("evaluation-cost-sum-mismatch", Severity.WARNING, ["132217-2020-513-p3"])
    ]


def test_breakdown_of_a_program(tables: dict[str, list[dict[str, Any]]]) -> None:
    row = _row(tables, "costs", program_id="131083-2022-1-p2", stage="budget", fiscal_year=2022, category="personnel")
    row["amount_jpy"] = 1000
    findings = [f for f in _run(tables) if f.code == "evaluation-cost-breakdown-mismatch"]
    assert [(f.params["program_id"], f.params["total"], f.params["business"], f.params["personnel"]) for f in findings] == [
        ("131083-2022-1-p2", 0, 0, 1000)
    ]


def _rate_row(tables: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    return _row(tables, "indicator_values", indicator_id="132217-2020-513-i1", fiscal_year=2020)


@pytest.mark.parametrize(
    ("printed", "ok"),
    [("87.4", True), ("87.3", True), ("87.5", True), ("87.2", False), ("87.6", False), ("87", True), ("89", False)],
)
def test_achievement_rate_tolerance(tables: dict[str, list[dict[str, Any]]], printed: str, ok: bool) -> None:
    _rate_row(tables)["achievement_rate"] = Decimal(printed)  # 59.4 ÷ 68.0 × 100 = 87.35… → 87.4
    findings = _run(tables)
    assert (findings == []) is ok
    if not ok:
        assert findings[0].code == "evaluation-achievement-rate-mismatch"
        assert findings[0].params["expected"] == "87.4" and findings[0].params["printed"] == printed
        assert findings[0].where.field == "achievement_rate"


def test_achievement_rate_direction(tables: dict[str, list[dict[str, Any]]]) -> None:
    row = _rate_row(tables)
    row["achievement_rate"] = Decimal("114.5")  # 68.0 ÷ 59.4 × 100: right only for lower_is_better
    assert [f.code for f in _run(tables)] == []  # direction unknown: either formula
    _row(tables, "indicators", indicator_id="132217-2020-513-i1")["direction"] = "higher_is_better"
    assert [f.code for f in _run(tables)] == ["evaluation-achievement-rate-mismatch"]
    _row(tables, "indicators", indicator_id="132217-2020-513-i1")["direction"] = "lower_is_better"
    assert _run(tables) == []


def test_achievement_rate_skips_empty_and_zero(tables: dict[str, list[dict[str, Any]]]) -> None:
    row = _rate_row(tables)
    row["achievement_rate"] = Decimal(1)
    row["actual"] = None
    assert _run(tables) == []
    row["actual"], row["target"] = Decimal(5), Decimal(0)
    _row(tables, "indicators", indicator_id="132217-2020-513-i1")["direction"] = "higher_is_better"
    assert _run(tables) == []


def test_fiscal_year_label(tables: dict[str, list[dict[str, Any]]]) -> None:
    kiyose = _row(tables, "evaluations", evaluation_id="132217-2020-513")
    kiyose["fiscal_year_label"] = "令和3年度"
    koto = _row(tables, "evaluations", evaluation_id="131083-2022-1")
    koto["fiscal_year_label"] = "第四期"
    found = {(f.code, f.severity) for f in _run(tables)}
    assert found == {
        ("evaluation-fiscal-year-label-mismatch", Severity.ERROR),
        ("evaluation-fiscal-year-label-unreadable", Severity.WARNING),
    }


def test_bare_label_is_read_relative_to_the_evaluated_year(tables: dict[str, list[dict[str, Any]]]) -> None:
    koto = _row(tables, "evaluations", evaluation_id="131083-2022-1")
    assert koto["fiscal_year_label"] == "4年度"
    koto["fiscal_year_label"] = "5年度"
    assert [f.params["label_year"] for f in _run(tables)] == [2023]


def test_grade(tables: dict[str, list[dict[str, Any]]]) -> None:
    _row(tables, "evaluations", evaluation_id="132217-2020-513")["grade"] = "良好"
    findings = _run(tables)
    assert [(f.code, f.params["grade"], f.where.field) for f in findings] == [("evaluation-grade-unknown", "良好", "grade")]
    assert "順調 / 維持 / 停滞" in findings[0].message


def test_municipality_code(tables: dict[str, list[dict[str, Any]]]) -> None:
    _row(tables, "evaluations", evaluation_id="132217-2020-513")["municipality_code"] = "132218"
    _row(tables, "evaluations", evaluation_id="131083-2022-1")["municipality_code"] = "13108"
    findings = {f.params["municipality_code"]: f for f in _run(tables)}
    assert {f.code for f in findings.values()} == {"evaluation-municipality-code"}
    assert "検査数字" in findings["132218"].message
    assert "131083" in findings["13108"].message  # the 6-digit code with its check digit


def test_references_across_evaluations(tables: dict[str, list[dict[str, Any]]]) -> None:
    _row(tables, "costs", program_id="131083-2022-1-p2", stage="budget", fiscal_year=2022, category="total")[
        "program_id"
    ] = "132217-2020-513-p1"
    _row(tables, "indicator_values", indicator_id="131083-2022-1-i2", fiscal_year=2020)["evaluation_id"] = "132217-2020-513"
    findings = [f for f in _run(tables) if f.code == "evaluation-reference-mismatch"]
    assert {(f.resource, f.where.field) for f in findings} == {("costs", "program_id"), ("indicator_values", "evaluation_id")}


@pytest.mark.parametrize("junk", [None, "", "abc", Decimal("NaN"), True, 1.5, [], {}])
def test_rules_never_raise_on_bad_cells(tables: dict[str, list[dict[str, Any]]], junk: Any) -> None:
    for rows in tables.values():
        for row in rows:
            for key in row:
                row[key] = junk
    list(run_rules(TableView(tables)))
    for name in ("check_cost_sum", "check_cost_breakdown", "check_achievement_rate", "check_fiscal_year_label",
                 "check_grade", "check_municipality_code", "check_references"):
        list(getattr(er, name)(TableView(tables)))
