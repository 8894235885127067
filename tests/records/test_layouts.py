"""Layout files: the built-in ones load, a layout written for a new workbook needs no Python, and
every mistake in a layout names the file, the line and the key."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from opendata_pub import actions
from opendata_pub.config import load_config, parse_config
from opendata_pub.errors import ConfigError, UnknownLayoutError, UsageError
from opendata_pub.records.importers import import_file, import_workbook
from opendata_pub.records.layouts import (
    BUILTIN_DIR,
    LayoutFileError,
    builtin_layout,
    builtin_names,
    load_layout,
    parse_layout,
)
from opendata_pub.records.layouts.labels import normalise_label
from opendata_pub.records.model import CostCategory, Stage

from .conftest import KIYOSE
from .workbook_factory import build_workbook, generate_programs

CODE, NAME = "132217", "清瀬市"

# A different municipality's sheet: header on row 3 under a title, 円 amounts, two year blocks with
# a target and an actual per indicator, 令和 years as text, grades A–D.
SMALL = """\
layout: small-town
title: 小さな町の事務事業評価
header: {row: 3}
fields:
  fiscal_year: 評価年度
  program.code: {column: 事業番号, pad: 3}
  program.name: 事業名
  department: 担当
vocabularies:
  grades: [A, B, C, D]
grades: grades
narratives:
  - {column: 目的, heading: 事業の目的}
indicators:
  - {code: 指標1, kind: outcome, name: 指標名}
assessments:
  - {criterion: 総合評価, grade: 評価, vocabulary: grades}
blocks:
  years: {end: fiscal_year, stage: settlement, last_stage: settlement}
  unit: 円
  costs: {total: 事業費}
  indicators: {指標1: {regex: ^実績}}
"""


def _small_workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["令和6年度 事務事業評価一覧"])
    ws.append([])
    ws.append(["事業番号", "事業名", "評価年度", "担当", "目的", "指標名", "事業費", "実績(件)", "事業費", "実績(件)",
               "評価"])
    ws.append([7, "防災訓練", "令和6年度", "総務部防災課", "地域の防災力を高める", "参加者数", 120000, "３０", 150000,
               "—", "B"])
    ws.append([8, "広報誌", "令和6年度", "企画課", None, None, None, None, 90000, 12, "E"])
    book.save(path)
    return path


def test_a_layout_written_for_another_workbook_reads_it(tmp_path: Path) -> None:
    layout_path = tmp_path / "small.yaml"
    layout_path.write_text(SMALL, encoding="utf-8")
    workbook = _small_workbook(tmp_path / "town.xlsx")
    result = import_workbook(workbook, municipality_code=CODE, municipality_name=NAME, layout=str(layout_path))
    assert result.layout == "small-town"
    first, second = (r.record for r in result.results)
    assert first.evaluation_id == f"{CODE}-2024-007" and first.programs[0].code == "007"
    assert (first.lead_department, first.lead_section) == ("総務部", "防災課")
    assert (second.lead_department, second.lead_section) == ("企画課", None)  # kept as printed
    assert {(c.fiscal_year, c.stage, c.category, c.amount_jpy) for c in first.costs} == {
        (2023, Stage.SETTLEMENT, CostCategory.TOTAL, 120000), (2024, Stage.SETTLEMENT, CostCategory.TOTAL, 150000)}
    (indicator,) = first.indicators
    assert [(v.fiscal_year, v.actual) for v in indicator.values] == [(2023, Decimal(30))]  # "—" is no value
    assert first.grade_scale == ("A", "B", "C", "D")
    assert [n.heading for n in first.narratives] == ["事業の目的"]
    # row 5: figures without an indicator name, and grade E outside A–D
    assert [f.code for f in result.results[1].findings] == ["indicator-name-missing", "word-not-in-vocabulary"]


def test_layout_by_name_and_by_path_and_detection(tmp_path: Path) -> None:
    built = build_workbook(tmp_path / "w.xlsx", generate_programs(2))
    assert "gyosei-keiei-jimu-jigyo" in builtin_names()
    by_name = import_file(built.path, municipality_code=CODE, municipality_name=NAME, layout="gyosei-keiei-jimu-jigyo")
    assert load_layout("gyosei-keiei-jimu-jigyo") is builtin_layout("gyosei-keiei-jimu-jigyo")
    copy = tmp_path / "mine.yaml"
    copy.write_text((BUILTIN_DIR / "gyosei-keiei-jimu-jigyo.yaml").read_text(encoding="utf-8").replace(
        "layout: gyosei-keiei-jimu-jigyo", "layout: my-copy"), encoding="utf-8")
    by_path = import_file(built.path, municipality_code=CODE, municipality_name=NAME, layout=str(copy))
    detected = import_file(built.path, municipality_code=CODE, municipality_name=NAME)
    assert (by_name.layout, by_path.layout, detected.layout) == ("gyosei-keiei-jimu-jigyo", "my-copy",
                                                                  "gyosei-keiei-jimu-jigyo")
    assert [r.record.costs for r in by_path.results] == [r.record.costs for r in detected.results]
    # a text layout name still reads text sheets
    text_sheet = import_file(KIYOSE, municipality_code=CODE, municipality_name=NAME, layout="kiyose")
    assert text_sheet.layout == "kiyose"
    with pytest.raises(UsageError, match="nonexistent"):
        import_file(built.path, municipality_code=CODE, municipality_name=NAME, layout="nonexistent")


@pytest.mark.parametrize(("mutation", "key", "words"), [
    (("title: 小さな町の事務事業評価", "colour: red"), "colour", "不明なキー"),
    (("program.name: 事業名", "program.nam: 事業名"), "fields.program.nam", "項目「program.nam」"),
    (("indicators: {指標1: {regex: ^実績}}", "indicators: {指標1: {regex: '^実績('}}"),
     "blocks.indicators.指標1.regex", "正規表現"),
    (("stage: settlement, last", "stage: settled, last"), "blocks.years.stage", "settled"),
    (("unit: 円", "unit: ドル"), "blocks.unit", "ドル"),
    (("vocabulary: grades}", "vocabulary: grade}"), "assessments[0].vocabulary", "語彙「grade」"),
    (("header: {row: 3}", "header: {row: -1}"), "header.row", "整数"),
    (("kind: outcome", "kind: result"), "indicators[0].kind", "result"),
    (("  - {column: 目的, heading: 事業の目的}", "  - {heading: 事業の目的}"), "narratives[0]", "column"),
])
def test_layout_errors_name_file_line_and_key(mutation: tuple[str, str], key: str, words: str) -> None:
    old, new = mutation
    assert old in SMALL
    text = SMALL.replace(old, new)
    line = next(n for n, content in enumerate(text.splitlines(), 1) if new in content)  # the edited line
    with pytest.raises(LayoutFileError) as info:
        parse_layout(text, file="layouts/town.yaml")
    message = str(info.value)
    assert message.startswith(f"layouts/town.yaml:line {line}: {key}:"), message
    assert words in message + (info.value.hint or "")


def test_yaml_syntax_errors_are_located() -> None:
    with pytest.raises(LayoutFileError) as info:
        parse_layout("layout: x\nfields: [\n", file="bad.yaml")
    assert str(info.value).startswith("bad.yaml:") and "line" in str(info.value)


def test_labels_compare_as_people_read_them() -> None:
    same = ["政策番号\n十の位", "政策番号　十の位", " 政策番号 十の位", "政策番号十の位"]
    assert len({normalise_label(s) for s in same}) == 1
    assert normalise_label("① 政策体系との整合性\n評価") == normalise_label("政策体系との整合性 評価")
    assert normalise_label("人件費計\n(B)") == normalise_label("人件費計（Ｂ）")
    assert normalise_label("国庫支出金") != normalise_label("全体計画\n国庫支出金")


def test_publisher_evaluation_settings_are_checked_with_lines(tmp_path: Path) -> None:
    (tmp_path / "layouts").mkdir()
    (tmp_path / "layouts/town.yaml").write_text(SMALL, encoding="utf-8")
    good = {"publishers": [{"code": CODE, "name": NAME,
                            "evaluation": {"layout": "layouts/town.yaml", "grades": ["A", "B"]}}]}
    settings = parse_config(good, path=str(tmp_path / "opendata.yaml"), root=tmp_path)
    evaluation = settings.publishers[0].evaluation
    assert evaluation is not None and evaluation.layout == "layouts/town.yaml" and evaluation.grades == ("A", "B")
    text = textwrap.dedent(f"""\
        publishers:
          - code: "{CODE}"
            name: {NAME}
            evaluation:
              layout: layouts/missing.yaml
        """)
    (tmp_path / "opendata.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "opendata.yaml")
    assert "publishers[0].evaluation.layout" in str(info.value) and "line 5" in str(info.value)
    bad = {"publishers": [{"code": CODE, "name": NAME, "evaluation": {"grades": "A"}}]}
    with pytest.raises(ConfigError, match="grades"):
        parse_config(bad, path=str(tmp_path / "opendata.yaml"), root=tmp_path)


def test_publisher_grades_become_the_scale_of_text_sheets_too() -> None:
    plain = import_file(KIYOSE, municipality_code=CODE, municipality_name=NAME)
    assert plain.results[0].record.grade_scale == ()
    own = import_file(KIYOSE, municipality_code=CODE, municipality_name=NAME, grades=("A", "B", "C"))
    assert own.results[0].record.grade_scale == ("A", "B", "C")


def test_the_publishers_layout_in_opendata_yaml_is_used_without_layout(tmp_path: Path) -> None:
    (tmp_path / "layouts").mkdir()
    (tmp_path / "layouts/town.yaml").write_text(SMALL, encoding="utf-8")
    workbook = _small_workbook(tmp_path / "town.xlsx")
    with pytest.raises(UnknownLayoutError):  # no built-in layout fits this sheet
        import_file(workbook, municipality_code=CODE, municipality_name=NAME)
    (tmp_path / "opendata.yaml").write_text(textwrap.dedent(f"""\
        publishers:
          - code: "{CODE}"
            name: {NAME}
            evaluation: {{layout: layouts/town.yaml, grades: [A, B, C, D, E]}}
        """), encoding="utf-8")
    settings = load_config(tmp_path / "opendata.yaml")
    outcome = actions.import_evaluations([workbook], package_dir=tmp_path / "pkg", municipality_code=CODE,
                                         settings=settings, day="2026-01-05")
    assert outcome.layouts == ("small-town",)
    assert all(r.record.grade_scale == ("A", "B", "C", "D", "E") for r in outcome.results)


PER_SHEET = """\
layout: one-per-sheet
record: sheet
fields:
  fiscal_year: 年度
  program.code: 事業番号
  program.name: 事業名
  department: 担当課
narratives:
  - 目的
assessments:
  - {criterion: 総合評価, grade: 評価}
"""


def test_a_record_per_sheet_reads_labels_beside_and_above_values(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    for index, (code, name, grade) in enumerate((("012", "防災訓練", "A"), ("013", "広報誌", "B"))):
        ws = book.active if index == 0 else book.create_sheet()
        ws.title = name
        ws.append(["事務事業評価シート"])
        ws.append(["年度", "令和6年度", None, "事業番号", code])
        ws.append(["事業名", None, name])
        ws.append(["担当課", "総務部防災課"])
        ws.append(["目的"])
        ws.append([f"{name}で地域を守る"])
        ws.append(["評価", grade])
    book.create_sheet("メモ").append(["関係ない表"])
    path = tmp_path / "sheets.xlsx"
    book.save(path)
    layout = tmp_path / "per-sheet.yaml"
    layout.write_text(PER_SHEET, encoding="utf-8")
    result = import_workbook(path, municipality_code=CODE, municipality_name=NAME, layout=str(layout))
    records = [r.record for r in result.results]
    assert [(r.evaluation_id, r.programs[0].name, r.lead_department, r.lead_section) for r in records] == [
        (f"{CODE}-2024-012", "防災訓練", "総務部", "防災課"), (f"{CODE}-2024-013", "広報誌", "総務部", "防災課")]
    assert [r.narratives[0].text for r in records] == ["防災訓練で地域を守る", "広報誌で地域を守る"]
    assert [r.assessments[0].grade for r in records] == ["A", "B"]
    assert result.findings == () and all(r.findings == () for r in result.results)
    # a finding names the cell where the value really is
    layout.write_text(PER_SHEET.replace("grade: 評価}", "grade: 評価, vocabulary: [A]}"), encoding="utf-8")
    again = import_workbook(path, municipality_code=CODE, municipality_name=NAME, layout=str(layout))
    (finding,) = again.results[1].findings
    assert finding.code == "word-not-in-vocabulary" and finding.where.key == "広報誌!B7"
    with pytest.raises(LayoutFileError, match="blocks"):
        parse_layout(PER_SHEET + "blocks:\n  costs: {total: 事業費}\n", file="x.yaml")


def test_a_text_sheet_saved_as_csv_still_reads_as_a_text_sheet(tmp_path: Path) -> None:
    copy = tmp_path / "kiyose.csv"
    copy.write_bytes(KIYOSE.read_bytes())
    result = import_file(copy, municipality_code=CODE, municipality_name=NAME)
    assert result.layout == "kiyose" and len(result.results) == 1
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(UnknownLayoutError, match="other.csv"):
        import_file(other, municipality_code=CODE, municipality_name=NAME)
