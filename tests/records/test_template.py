"""The fill-in template (issue 11 item 6): its structure, the exact round trip YAML → workbook → YAML,
and the located findings for bad cells."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from opendata_pub.errors import InputError, UsageError
from opendata_pub.findings import Severity
from opendata_pub.packaging.evaluation import EVALUATION_TABLES, evaluation_resources
from opendata_pub.records import (
    Contact,
    Cost,
    CostCategory,
    EvaluationRecord,
    IndicatorValue,
    Narrative,
    Stage,
    dump_record,
    load_record,
)
from opendata_pub.records.template import (
    TEMPLATE_FORMAT,
    is_template,
    load_records,
    read_template,
    write_template,
)
from opendata_pub.records.template.columns import ESCAPE, SHEETS
from opendata_pub.records.template.example import EXAMPLE_RECORD
from opendata_pub.records.workbook import read_workbook

ROOT = Path(__file__).resolve().parents[2]
PACKAGE_RECORDS = sorted(ROOT.glob("datapackages/*/sources/evaluations/*.yaml"))


def _round_trip(records: list[EvaluationRecord], path: Path) -> tuple[list[EvaluationRecord], list]:
    write_template(records, path)
    return read_template(read_workbook(path))


# --------------------------------------------------------------------------------------------------
# the round trip


def test_the_three_packages_survive_byte_for_byte(tmp_path: Path) -> None:
    assert len(PACKAGE_RECORDS) == 3
    texts = [p.read_text(encoding="utf-8") for p in PACKAGE_RECORDS]
    records = [load_record(t, source=str(p)) for t, p in zip(texts, PACKAGE_RECORDS, strict=True)]
    back, findings = _round_trip(records, tmp_path / "t.xlsx")
    assert findings == []
    assert [dump_record(r) for r in back] == texts


def test_each_package_alone_survives(tmp_path: Path) -> None:
    for path in PACKAGE_RECORDS:
        text = path.read_text(encoding="utf-8")
        back, findings = _round_trip([load_record(text, source=str(path))], tmp_path / f"{path.stem}.xlsx")
        assert findings == [] and len(back) == 1
        assert dump_record(back[0]) == text


def _awkward() -> EvaluationRecord:
    # Every value the workbook reader would change if written plainly, and the decimals a number
    # cell would not keep.
    values = (
        IndicatorValue(2020, Decimal("68.0"), Decimal("1E+3"), Decimal("-0.50"), note=""),
        IndicatorValue(2021, None, Decimal("0.1"), None, note="  前後に空白  "),
    )
    indicator = dataclasses.replace(EXAMPLE_RECORD.indicators[0], values=values, unit="=A1", method="行1\n行2\n")
    return dataclasses.replace(
        EXAMPLE_RECORD,
        policy_name="",
        grade_reason="制御\x01文字",
        lead_department="ﾃｽﾄ\u0065\u0301",  # e + combining acute: NFC would compose it
        lead_section=ESCAPE + "そのまま",
        costs=(Cost(2020, Stage.BUDGET, CostCategory.TOTAL, 2**60, line=3),),
        indicators=(indicator, EXAMPLE_RECORD.indicators[1]),
        narratives=(Narrative("見出し", "\u3000全角空白で始まる本文"), *EXAMPLE_RECORD.narratives),
        grade_scale=("A", "B", "C"),
        contact=Contact(extension="0123"),
    )


def test_awkward_values_survive(tmp_path: Path) -> None:
    record = _awkward()
    back, findings = _round_trip([record], tmp_path / "t.xlsx")
    assert findings == []
    assert back == [record]
    assert dump_record(back[0]) == dump_record(record)


def test_the_example_record_survives_and_the_example_sheet_is_not_read(tmp_path: Path) -> None:
    assert _round_trip([EXAMPLE_RECORD], tmp_path / "a.xlsx") == ([EXAMPLE_RECORD], [])
    assert _round_trip([], tmp_path / "b.xlsx") == ([], [])


def test_record_order_is_kept(tmp_path: Path) -> None:
    second = dataclasses.replace(EXAMPLE_RECORD, evaluation_id="999999-2024-001")
    back, _ = _round_trip([EXAMPLE_RECORD, second], tmp_path / "t.xlsx")
    assert [r.evaluation_id for r in back] == [EXAMPLE_RECORD.evaluation_id, second.evaluation_id]


# --------------------------------------------------------------------------------------------------
# structure


def test_structure(tmp_path: Path) -> None:
    write_template([EXAMPLE_RECORD], tmp_path / "t.xlsx")
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    assert book.sheetnames == ["説明", *EVALUATION_TABLES, "記入例", "_template"]
    assert book["_template"].sheet_state == "hidden"
    assert [book["_template"]["B1"].value, book["_template"]["B2"].value] == [TEMPLATE_FORMAT, 1]
    sheet = book["evaluations"]
    assert sheet["A1"].value == "評価ID（必須）" and sheet["A2"].value == "evaluation_id"
    assert "団体コード" in sheet["A3"].value and "evaluation_id" in sheet["A1"].comment.text
    assert sheet.freeze_panes == "B4"
    assert sheet["A4"].value == EXAMPLE_RECORD.evaluation_id
    choices = {dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert '"policy,program"' in choices
    values = book["indicator_values"]
    assert values["F5"].value == "133.3" and values["F5"].data_type == "s"  # decimals are text cells


def test_every_fixed_vocabulary_has_a_drop_down(tmp_path: Path) -> None:
    write_template([], tmp_path / "t.xlsx")
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    for spec in SHEETS:
        formulas = {dv.formula1 for dv in book[spec.name].data_validations.dataValidation}
        for column in spec.columns:
            if column.choices:
                assert f'"{",".join(column.choices)}"' in formulas, (spec.name, column.name)
    assert {c.name for s in SHEETS for c in s.columns if c.choices} == {"level", "stage", "category", "direction",
                                                                         "kind"}


def test_columns_and_titles_follow_the_contract() -> None:
    derived = {"program_id": "program_no", "indicator_id": "indicator_no", "cost_id": None, "staffing_id": None,
               "assessment_id": None}
    for resource in evaluation_resources(every_table=True):
        spec = next(s for s in SHEETS if s.name == resource["name"])
        assert spec.title == resource["title"]
        names = {c.name: c for c in spec.columns}
        for f in resource["schema"]["fields"]:
            name = derived.get(f["name"], f["name"]) if f["name"] in derived else f["name"]
            if name is None:
                continue
            assert name in names, (spec.name, f["name"])
            if name == f["name"]:
                assert names[name].title == f["title"], (spec.name, name)


def test_is_template(tmp_path: Path) -> None:
    write_template([], tmp_path / "t.xlsx")
    assert is_template(read_workbook(tmp_path / "t.xlsx"))
    book = openpyxl.Workbook()
    book.active.append(["evaluation_id"])
    book.save(tmp_path / "other.xlsx")
    other = read_workbook(tmp_path / "other.xlsx")
    assert not is_template(other)
    with pytest.raises(InputError, match="テンプレートではありません"):
        read_template(other)


def test_write_refuses_other_suffixes_and_writes_nothing_on_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        write_template([], tmp_path / "t.xls")
    target = tmp_path / "t.xlsx"
    target.write_bytes(b"old")
    too_long = dataclasses.replace(EXAMPLE_RECORD, grade_reason="あ" * 40_000)
    with pytest.raises(UsageError, match="evaluations!L4"):
        write_template([too_long], target)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["t.xlsx"]


# --------------------------------------------------------------------------------------------------
# reading what people typed


def _edited(tmp_path: Path, edit: Callable[[openpyxl.Workbook], None]) -> Path:
    path = tmp_path / "t.xlsx"
    write_template([EXAMPLE_RECORD], path)
    book = openpyxl.load_workbook(path)
    edit(book)
    book.save(path)
    return path


def test_bad_cells_are_located_findings(tmp_path: Path) -> None:
    def edit(book: openpyxl.Workbook) -> None:
        book["costs"]["C4"] = "令和6"  # fiscal_year
        book["costs"]["D5"] = "予算"  # stage
        book["programs"]["C5"] = None  # program_name (required)
        book["indicator_values"].append([EXAMPLE_RECORD.evaluation_id, 9, 2024, "1"])
        book["challenges"].append(["999999-2024-999", 1, "どこにも属さない"])
        book["indicators"].append([EXAMPLE_RECORD.evaluation_id, 1, "重複"])
        book["staffing"]["E4"] = "1.5人"

    records, findings = read_template(read_workbook(_edited(tmp_path, edit)))
    where = {(f.code, f.where.key) for f in findings}
    assert ("template-cell-invalid", "costs!C4") in where
    assert ("template-cell-invalid", "costs!D5") in where
    assert ("template-value-missing", "programs!C5") in where
    assert ("template-unknown-indicator", "indicator_values!B7") in where
    assert ("template-unknown-evaluation", "challenges!A5") in where
    assert ("template-duplicate-number", "indicators!B6") in where
    assert ("template-cell-invalid", "staffing!E4") in where
    assert all(f.where.file == "t.xlsx" for f in findings)
    # program 2 lost its row: what refers to it is kept, with a warning
    assert {f.code for f in findings if f.severity is not Severity.ERROR} == {"template-unknown-program"}
    # The rows with bad cells are left out, the rest of the record is read.
    (record,) = records
    assert len(record.costs) == len(EXAMPLE_RECORD.costs) - 2
    assert [p.number for p in record.programs] == [1]
    assert record.staffing == ()


def test_numbers_typed_as_numbers_are_read(tmp_path: Path) -> None:
    def edit(book: openpyxl.Workbook) -> None:
        sheet = book["indicator_values"]
        sheet["D4"], sheet["E4"] = 0.1, 12  # number cells, as a person types them
        sheet["C4"] = "2023"  # an integer typed as text

    (record,), findings = read_template(read_workbook(_edited(tmp_path, edit)))
    assert findings == []
    assert record.indicators[0].values[0] == IndicatorValue(2023, Decimal("0.1"), Decimal("12"))


def test_hand_filled_defaults(tmp_path: Path) -> None:
    def edit(book: openpyxl.Workbook) -> None:
        book["evaluations"]["M4"] = None  # source_file
        book["evaluations"]["N4"] = None  # source_layout
        book["indicators"]["G4"] = None  # direction
        book["narratives"]["C4"] = None  # kind

    (record,), findings = read_template(read_workbook(_edited(tmp_path, edit)))
    assert findings == []
    assert (record.source.file, record.source.layout) == ("t.xlsx", "template")
    assert record.indicators[0].direction.value == "unknown"
    assert record.narratives[0].kind.value == "text"


def test_unreadable_templates_are_input_errors(tmp_path: Path) -> None:
    path = _edited(tmp_path, lambda book: book["programs"].cell(2, 3, "renamed"))
    with pytest.raises(InputError, match="program_name") as info:
        read_template(read_workbook(path))
    assert info.value.where == "programs!A2"

    newer = _edited(tmp_path, lambda book: book["_template"].cell(2, 2, 99))
    with pytest.raises(InputError, match="版"):
        read_template(read_workbook(newer))

    def drop(book: openpyxl.Workbook) -> None:
        del book["narratives"]

    with pytest.raises(InputError, match="narratives"):
        read_template(read_workbook(_edited(tmp_path, drop)))


def test_unknown_program_is_a_warning_and_kept(tmp_path: Path) -> None:
    (record,), findings = read_template(read_workbook(
        _edited(tmp_path, lambda book: book["costs"].cell(5, 2, 7))))
    assert [(f.code, f.severity, f.where.key) for f in findings] == [
        ("template-unknown-program", Severity.WARNING, "costs!B5")]
    assert record.costs[1].program_no == 7


# --------------------------------------------------------------------------------------------------
# records to pre-fill with


def test_load_records_from_packages_folders_and_files(tmp_path: Path) -> None:
    package = PACKAGE_RECORDS[0].parents[2]
    assert [r.evaluation_id for r in load_records([package])] == [PACKAGE_RECORDS[0].stem]
    assert len(load_records([p.parent for p in PACKAGE_RECORDS])) == 3
    with pytest.raises(InputError, match="にもあります"):
        load_records([PACKAGE_RECORDS[0], package])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="ありません"):
        load_records([tmp_path / "empty"])


def test_importing_the_cli_does_not_load_openpyxl() -> None:
    # openpyxl is only for writing a template: start-up and reading workbooks go without it
    import subprocess
    import sys

    code = "import sys, opendata_pub.cli, opendata_pub.records; print('openpyxl' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
