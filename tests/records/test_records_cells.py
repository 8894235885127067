"""The contract's value rules, cell by cell (records/importers/cells.py and friends)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from opendata_pub.records import Direction, Stage
from opendata_pub.records.importers.cells import (
    CellKind,
    circled_number,
    clean_text,
    parse_amount,
    parse_measure,
    split_head_and_section,
    text_or_none,
)
from opendata_pub.records.importers.costheads import parse_cost_head, year_label
from opendata_pub.records.importers.direction import infer_direction
from opendata_pub.records.importers.yearvalues import resolve_year

NOTES = {"1": "平成29年度実績値", "2": "速報値"}


@pytest.mark.parametrize("cell", ["", "—", "-", "―", " — ", "－"])
def test_dashes_and_empty_are_no_value(cell: str) -> None:
    assert parse_measure(cell, footnotes=NOTES).kind is CellKind.EMPTY
    assert parse_amount(cell).kind is CellKind.EMPTY
    assert text_or_none(cell) is None


@pytest.mark.parametrize(
    ("cell", "value", "notes", "own_year"),
    [
        ("0", D(0), (), None),
        ("68.0", D("68.0"), (), None),
        ("440,000", D(440000), (), None),
        ("87.4%", D("87.4"), (), None),
        ("87.4", D("87.4"), (), None),
        ("87.4％", D("87.4"), (), None),
        ("62.7(※1)", D("62.7"), ("平成29年度実績値",), None),
        ("701,907（※2）", D(701907), ("速報値",), None),
        ("17,087 (30年度)", D(17087), ("30年度",), "30年度"),
        ("1,234 (元年度)", D(1234), ("元年度",), "元年度"),
        ("5,000 人", D(5000), (), None),
        ("0 %", D(0), (), None),
        ("△12", D(-12), (), None),
        ("１２．５", D("12.5"), (), None),
    ],
)
def test_numbers(cell: str, value: D, notes: tuple[str, ...], own_year: str | None) -> None:
    m = parse_measure(cell, footnotes=NOTES)
    assert (m.kind, m.value, m.notes, m.own_year) == (CellKind.NUMBER, value, notes, own_year)


@pytest.mark.parametrize(
    ("cell", "kind", "note"),
    [
        ("未実施", CellKind.TEXT, "未実施"),
        ("提案0", CellKind.TEXT, "提案0"),
        ("提案3 採択2", CellKind.NUMBERS, "提案3 採択2"),
        ("1,2", CellKind.NUMBERS, "1,2"),
        ("未実施 %", CellKind.TEXT, "未実施"),
    ],
)
def test_words_and_two_numbers_are_never_a_number(cell: str, kind: CellKind, note: str) -> None:
    m = parse_measure(cell, footnotes=NOTES)
    assert (m.kind, m.value, m.notes[0]) == (kind, None, note)


def test_unit_only_cells_are_empty() -> None:
    assert parse_measure("%", footnotes={}).kind is CellKind.EMPTY
    assert parse_measure("人", footnotes={}, unit="人").kind is CellKind.EMPTY
    assert parse_measure("— 人", footnotes={}).kind is CellKind.EMPTY
    assert parse_measure("— %", footnotes={}).kind is CellKind.EMPTY


def test_unknown_footnote_is_kept_as_its_mark() -> None:
    m = parse_measure("5(※9)", footnotes=NOTES)
    assert (m.value, m.notes, m.unknown_footnotes) == (D(5), ("※9",), ("※9",))


@pytest.mark.parametrize(
    ("cell", "yen"),
    [("9,679", 9_679_000), ("94", 94_000), ("0", 0), ("0千円", 0), ("550,407千円", 550_407_000), ("12円", 12),
     ("1.5", 1500)],
)
def test_amounts_in_yen(cell: str, yen: int) -> None:
    amount = parse_amount(cell)
    assert (amount.kind, amount.yen) == (CellKind.NUMBER, yen)


def test_amount_problems() -> None:
    assert parse_amount("未定").kind is CellKind.TEXT
    assert parse_amount("1,000 2,000").kind is CellKind.NUMBERS
    assert parse_amount("0.0001").yen is None  # not whole yen
    assert parse_amount("5", unit_yen=1).yen == 5


def test_clean_text() -> None:
    assert clean_text("<p>A。</p> <p>B。</p>") == "A。\nB。"
    assert clean_text('<ul style="list-style-type: none"><li>◆a</li><li>◆b</li></ul>') == "◆a\n◆b"
    assert clean_text('<ul style="list-style-type: none">◆a◆b') == "◆a◆b"
    assert clean_text("  ｶ\u0301 a < b  ") == "ｶ\u0301 a < b"  # no tag: kept as printed
    assert clean_text("e\u0301") == "\u00e9"  # NFC
    assert clean_text("<p>R&amp;D</p>") == "R&D"
    assert clean_text("R&amp;D") == "R&amp;D"


def test_circled_numbers() -> None:
    assert circled_number("①") == (1, "")
    assert circled_number("⑤協働事業の提案数及び採択数") == (5, "協働事業の提案数及び採択数")
    assert circled_number("⑳x") == (20, "x")
    assert circled_number("㉑") == (21, "")
    assert circled_number("1") is None and circled_number("") is None


def test_head_and_section() -> None:
    assert split_head_and_section("政策経営部長(企画課)") == ("政策経営部", "企画課")
    assert split_head_and_section("政策経営部長（広報広聴課）") == ("政策経営部", "広報広聴課")
    assert split_head_and_section("健康部長") == ("健康部", None)


def test_years() -> None:
    assert resolve_year("令和元年度", 2020) == 2019
    assert resolve_year("令和2年度", 2020) == 2020
    assert resolve_year("平成30年度", 2020) == 2018
    assert resolve_year("30年度", 2022) == 2018  # more than 15 above 令和4: 平成30
    assert resolve_year("4年度", 2022) == 2022
    assert resolve_year("元年度", 2022) == 2019
    assert resolve_year("19年度", 2022) == 2037  # 19 is not more than 4 + 15: 令和19
    assert resolve_year("20年度", 2022) == 2008  # 20 is: 平成20
    assert year_label("( 令和2 年度)") == "令和2年度"


def test_cost_heads() -> None:
    assert parse_cost_head("4年度予算", 2022) == parse_cost_head("4年度予算", None)
    head = parse_cost_head("4年度決算(速報値)", None)
    assert head is not None and (head.fiscal_year, head.year_label, head.stage) == (2022, "4年度", Stage.PRELIMINARY_SETTLEMENT)
    head = parse_cost_head("令和2年度決算額", 2020)
    assert head is not None and (head.fiscal_year, head.year_label, head.stage) == (2020, "令和2年度", Stage.SETTLEMENT)
    head = parse_cost_head("令和 元 年度 予算額", 2020)
    assert head is not None and (head.fiscal_year, head.stage) == (2019, Stage.BUDGET)
    assert parse_cost_head("種別", 2020) is None
    assert parse_cost_head("令和2年度", 2020) is None


def test_direction_only_from_printed_text() -> None:
    assert infer_direction("割合の5%上昇を目指す。") is Direction.HIGHER_IS_BETTER
    assert infer_direction("件数の減少を目指す。") is Direction.LOWER_IS_BETTER
    assert infer_direction("現状を維持する") is Direction.UNKNOWN
    assert infer_direction("増加と減少") is Direction.UNKNOWN
    assert infer_direction(None) is Direction.UNKNOWN
