"""Full-width to half-width, and number cells as Japanese sheets write them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opendata_pub.japan import normalize_number, parse_number, to_hankaku


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ＡＢＣ１２３", "ABC123"), ("ａｂｃ", "abc"), ("！＂＃", '!"#'), ("～", "~"), ("－", "-"),
        ("，．％", ",.%"), ("　", " "), ("令和２年度", "令和2年度"),
        ("アイウ", "アイウ"), ("ｱｲｳ", "ｱｲｳ"), ("がー", "がー"), ("①㈱髙", "①㈱髙"),  # untouched
        ("", ""), ("abc 123", "abc 123"),
    ],
)
def test_to_hankaku(text: str, expected: str) -> None:
    assert to_hankaku(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234", "1234"), ("１２３４", "1234"), ("1,234", "1234"), ("１，２３４", "1234"),
        ("1,234,567.89", "1234567.89"), ("12,345", "12345"), ("87.4%", "87.4"), ("８７．４％", "87.4"),
        ("87.4 %", "87.4"), ("△12", "-12"), ("▲12", "-12"), ("－12", "-12"), ("−12", "-12"),
        ("-12", "-12"), ("△ 1,234", "-1234"), ("▲１，２３４．５", "-1234.5"), (" 12 ", "12"),
        ("　１２　", "12"), ("+5", "5"), ("＋5", "5"), ("007", "7"), ("0", "0"), ("-0", "0"), ("△0.0", "0.0"),
        ("0.50", "0.50"), (".5", "0.5"), ("-12%", "-12"), ("100％", "100"),
    ],
)
def test_normalize_number(text: str, expected: str) -> None:
    assert normalize_number(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "", " ", "abc", "12a", "1,2", "1,2345", "12,34", ",123", "1,234,", "1.2.3", "--1", "△-1", "△",
        "%", "-", "1e3", "一二三", "12-", "1 234", "5.", "１２円", "(12)", "12%%", "N/A", "－", "0x10",
    ],
)
def test_normalize_number_rejects(text: str) -> None:
    assert normalize_number(text) is None


def test_parse_number() -> None:
    assert parse_number("△1,234.5") == Decimal("-1234.5")
    assert parse_number("８７．４％") == Decimal("87.4")
    assert parse_number("x") is None


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_every_formatted_integer_comes_back(n: int) -> None:
    plain = str(n)
    grouped = f"{n:,}"
    triangle = ("△" + f"{-n:,}") if n < 0 else grouped
    full_width = to_full_width(grouped)
    for text in (plain, grouped, triangle, full_width):
        assert parse_number(text) == Decimal(n), text


def to_full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
