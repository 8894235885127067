"""The YAML authoring format: lossless round trips, readable output, errors that say where."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opendata_pub.errors import InputError
from opendata_pub.records import (
    Challenge,
    Cost,
    CostCategory,
    Direction,
    EvaluationRecord,
    ImportResult,
    Indicator,
    IndicatorValue,
    Level,
    Narrative,
    NarrativeKind,
    Program,
    Source,
    Stage,
    dump_record,
    load_record,
)

from .conftest import SEEDS, VARIANT_SHEETS, import_path

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.mark.parametrize("sheet", SEEDS + VARIANT_SHEETS, ids=lambda p: p.name)
def test_round_trip_is_byte_identical(sheet: Path) -> None:
    record = import_path(sheet).record
    text = dump_record(record)
    loaded = load_record(text, source="x.yaml")
    assert loaded == record
    assert dump_record(loaded) == text


def test_output_is_readable(kiyose: ImportResult) -> None:
    text = dump_record(kiyose.record)
    assert text.startswith("format: opendata-pub-evaluation\nformat_version: 1\nevaluation_id: '132217-2020-513'\n")
    assert "municipality_name: 清瀬市" in text  # no \u escapes
    assert "\\u" not in text
    assert "    target: 68.0\n" in text  # exactly as printed
    assert "    achievement_rate: 87.4\n" in text
    assert "amount_jpy: 9679000\n" in text
    assert "grade_reason: |-\n  ●清瀬市公式ホームページは" in text  # long text as a literal block
    assert "policy_code: '513'" in text  # codes quoted
    assert "!!" not in text  # no YAML tags: plain YAML any tool can read


def test_key_order_follows_the_contract(kiyose: ImportResult) -> None:
    keys = [line.split(":")[0] for line in dump_record(kiyose.record).splitlines() if re.match(r"^[a-z_]+:", line)]
    assert keys == [
        "format", "format_version", "evaluation_id", "municipality_code", "municipality_name", "fiscal_year",
        "fiscal_year_label", "level", "source", "policy_code", "policy_name", "lead_department", "lead_section",
        "grade", "grade_reason", "programs", "costs", "indicators", "challenges", "narratives",
    ]


def test_readme_format_example_loads() -> None:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(format: opendata-pub-evaluation.*?)```", text, re.DOTALL)
    assert block is not None
    record = load_record(block.group(1), source="README.md")
    assert record.evaluation_id == "132217-2020-513"
    assert record.indicators[0].values[1].target == Decimal("68.0")
    assert record.costs[1].program_no is None


def _error(text: str) -> str:
    with pytest.raises(InputError) as info:
        load_record(text, source="513.yaml")
    return str(info.value)


def _base(kiyose: ImportResult) -> str:
    return dump_record(kiyose.record)


def test_error_bad_yaml_names_file_and_line() -> None:
    message = _error("format: opendata-pub-evaluation\nformat_version: 1\nprograms: [\n  - x: 1\n")
    assert message.startswith("513.yaml:line ")
    assert "YAMLとして読めません" in message


def test_error_unknown_key(kiyose: ImportResult) -> None:
    text = _base(kiyose).replace("  direction: unknown\n", "  direction: unknown\n  directon: up\n", 1)
    line = text.splitlines().index("  directon: up") + 1
    message = _error(text)
    assert message.startswith(f"513.yaml:line {line}: indicators[0].directon: 知らないキーです")


def test_error_word_where_a_number_belongs(kiyose: ImportResult) -> None:
    text = _base(kiyose).replace("    target: 68.0\n", "    target: 未定\n", 1)
    line = text.splitlines().index("    target: 未定") + 1
    message = _error(text)
    assert f":line {line}: indicators[0].values[1].target: 数値を書いてください（「未定」）" in message


def test_error_unquoted_code(kiyose: ImportResult) -> None:
    message = _error(_base(kiyose).replace("policy_code: '513'", "policy_code: 513"))
    assert "policy_code: 文字列を書いてください" in message and "'513'" in message


def test_error_unknown_stage(kiyose: ImportResult) -> None:
    message = _error(_base(kiyose).replace("stage: settlement", "stage: kessan", 1))
    assert "costs[0].stage: budget / settlement / preliminary_settlement のいずれか" in message


def test_error_missing_required_key(kiyose: ImportResult) -> None:
    message = _error(_base(kiyose).replace("fiscal_year: 2020\n", "", 1))
    assert "fiscal_year: 必須のキーがありません" in message


def test_error_duplicate_key_and_numbers(kiyose: ImportResult) -> None:
    assert "キー「grade」が二度書かれています" in _error(_base(kiyose).replace("grade: 維持\n", "grade: 維持\ngrade: 順調\n"))
    dup = _base(kiyose).replace("- number: 2\n  name: 文書管理事業", "- number: 1\n  name: 文書管理事業")
    assert "programs[1].number: 番号 1 が重複しています" in _error(dup)


def test_error_format_and_version(kiyose: ImportResult) -> None:
    assert "format: opendata-pub-evaluation と書かれた評価レコードではありません" in _error("a: 1\n")
    assert "format_version 2 は読めません" in _error(_base(kiyose).replace("format_version: 1", "format_version: 2"))
    assert "評価レコードのYAMLではありません" in _error("- 1\n- 2\n")


def test_hand_edits_are_accepted(kiyose: ImportResult) -> None:
    text = _base(kiyose)
    # an empty key can be deleted; a number may be quoted; a value may be cleared
    text = text.replace("lead_department: 企画部\n", "").replace("    target: 68.0\n", "    target: '68.0'\n", 1)
    record = load_record(text, source="513.yaml")
    assert record.lead_department is None
    assert record.indicators[0].values[1].target == Decimal("68.0")


# -- property: any record survives YAML --------------------------------------------------------

_text = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), min_size=0, max_size=60
)
_opt_text = st.none() | _text
_name = _text.filter(bool)
_dec = st.none() | st.decimals(allow_nan=False, allow_infinity=False, min_value=-10**9, max_value=10**9)
_year = st.integers(1990, 2040)
_small = st.integers(1, 50)
_line = st.none() | st.integers(1, 10_000)


@st.composite
def records(draw: st.DrawFn) -> EvaluationRecord:
    program_numbers = draw(st.lists(_small, unique=True, max_size=4))
    programs = tuple(
        Program(n, draw(_name), draw(st.none() | _small), draw(_opt_text), draw(_opt_text), draw(_opt_text), draw(_line))
        for n in program_numbers
    )
    costs = tuple(
        Cost(draw(_year), draw(st.sampled_from(Stage)), draw(st.sampled_from(CostCategory)),
             draw(st.integers(-10**12, 10**12)), draw(st.none() | st.sampled_from(program_numbers) if program_numbers else st.none()), draw(_line))
        for _ in range(draw(st.integers(0, 4)))
    )
    indicators = []
    for n in draw(st.lists(_small, unique=True, max_size=3)):
        years = draw(st.lists(_year, unique=True, max_size=4))
        values = tuple(IndicatorValue(y, draw(_dec), draw(_dec), draw(_dec), draw(_opt_text)) for y in sorted(years))
        indicators.append(
            Indicator(n, draw(_name), draw(_opt_text), draw(_opt_text), draw(_opt_text), draw(_opt_text),
                      draw(st.sampled_from(Direction)), draw(_opt_text), draw(st.none() | _small), values, draw(_line))
        )
    challenges = tuple(
        Challenge(n, draw(_text), draw(_opt_text), draw(_line)) for n in draw(st.lists(_small, unique=True, max_size=3))
    )
    narratives = tuple(
        Narrative(draw(_text), draw(_text), draw(st.sampled_from(NarrativeKind)), draw(_opt_text), draw(_opt_text),
                  draw(st.none() | _small), draw(_line))
        for _ in range(draw(st.integers(0, 3)))
    )
    return EvaluationRecord(
        evaluation_id=draw(_text),
        municipality_code=draw(st.from_regex(r"[0-9]{6}", fullmatch=True)),
        municipality_name=draw(_text),
        fiscal_year=draw(_year),
        fiscal_year_label=draw(_text),
        level=draw(st.sampled_from(Level)),
        source=Source(draw(_text), draw(_text)),
        policy_code=draw(st.none() | st.from_regex(r"0?[0-9]{1,4}", fullmatch=True)),
        policy_name=draw(_opt_text),
        lead_department=draw(_opt_text),
        lead_section=draw(_opt_text),
        grade=draw(st.none() | st.sampled_from(["順調", "維持", "停滞", "yes", "null", "~", "1.5"])),
        grade_reason=draw(_opt_text),
        programs=programs,
        costs=costs,
        indicators=tuple(indicators),
        challenges=challenges,
        narratives=narratives,
    )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records())
def test_property_yaml_round_trip(record: EvaluationRecord) -> None:
    text = dump_record(record)
    loaded = load_record(text, source="p.yaml")
    assert loaded == record
    assert dump_record(loaded) == text
