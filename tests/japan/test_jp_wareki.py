"""Era years, fiscal years and dates. Expected values are calendar facts written out by hand."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opendata_pub.japan import (
    ERAS,
    bare_fiscal_year,
    era_to_western,
    fiscal_year_label,
    fiscal_year_period,
    parse_bare_fiscal_year,
    parse_date,
    parse_fiscal_year,
)

# The facts the tests rely on, independent of the module: (name, letter, first day, 元年 = year).
ERA_FACTS = [
    ("明治", "M", date(1868, 1, 25), 1868),
    ("大正", "T", date(1912, 7, 30), 1912),
    ("昭和", "S", date(1926, 12, 25), 1926),
    ("平成", "H", date(1989, 1, 8), 1989),
    ("令和", "R", date(2019, 5, 1), 2019),
]


def test_eras_table() -> None:
    for name, letter, _, first_year in ERA_FACTS:
        assert ERAS[name] == first_year
        assert ERAS[letter] == first_year
    assert ERAS["令和"] + 2 - 1 == 2020  # 令和N = 2018 + N
    with pytest.raises(TypeError):
        ERAS["X"] = 1  # type: ignore[index]


@pytest.mark.parametrize(
    ("era", "year", "western"),
    [
        ("令和", 1, 2019), ("令和", 2, 2020), ("R", 6, 2024), ("r", 2, 2020),
        ("平成", 1, 1989), ("平成", 30, 2018), ("平成", 31, 2019), ("H", 12, 2000),
        ("昭和", 1, 1926), ("昭和", 64, 1989), ("S", 45, 1970),
        ("大正", 1, 1912), ("大正", 15, 1926), ("T", 12, 1923),
        ("明治", 1, 1868), ("明治", 45, 1912), ("M", 33, 1900),
    ],
)
def test_era_to_western(era: str, year: int, western: int) -> None:
    assert era_to_western(era, year) == western


@pytest.mark.parametrize(("era", "year"), [("X", 1), ("", 1), ("令和", 0), ("平成", -1), ("西暦", 2)])
def test_era_to_western_rejects(era: str, year: int) -> None:
    with pytest.raises(ValueError):
        era_to_western(era, year)


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("令和2年度", 2020), ("令和２年度", 2020), ("R2年度", 2020), ("R2", 2020), ("r2", 2020),
        ("Ｒ２年度", 2020), ("R02年度", 2020), ("令和元年度", 2019), ("令和 2 年度", 2020),
        ("平成30年度", 2018), ("H30年度", 2018), ("H30", 2018), ("平成元年度", 1989),
        ("2020年度", 2020), ("２０２０年度", 2020), ("2020 年度", 2020),
        ("( 令和2 年度)", 2020), ("（令和2年度）", 2020), ("【令和2年度】", 2020), ("  令和2年度  ", 2020),
        ("\u337b30年度", 2018), ("\u32ff2年度", 2020),  # ㍻30年度, ㋿2年度
        # fiscal years that straddle a change of era are named in both
        ("平成31年度", 2019), ("昭和63年度", 1988), ("昭和元年度", 1926), ("大正15年度", 1926),
        ("大正元年度", 1912), ("明治45年度", 1912), ("明治元年度", 1868),
    ],
)
def test_parse_fiscal_year(text: str, year: int) -> None:
    assert parse_fiscal_year(text) == year


@pytest.mark.parametrize(
    "text",
    [
        "2年度", "元年度", "令和2年", "2020年", "2020", "令和", "令和年度", "令和0年度", "R0",
        "昭和64年度",  # the fiscal year 1989 began on 1989-04-01, in 平成
        "平成32年度",  # 平成 ended 2019-04-30
        "令和100年度", "令和2年度予算", "X2年度", "", "   ", "abc", "(令和2年度", "0000年度",
    ],
)
def test_parse_fiscal_year_rejects(text: str) -> None:
    assert parse_fiscal_year(text) is None


@pytest.mark.parametrize(
    ("n", "reference", "year"),
    [
        (30, 2022, 2018), (2, 2022, 2020), (1, 2022, 2019), (4, 2022, 2022),
        (19, 2022, 2037),  # 令和4 + 15: still 令和
        (20, 2022, 2008),  # 令和4 + 16: 平成20
        (31, 2022, 2019),  # 平成31
        (16, 2019, 2034), (17, 2019, 2005),
        (25, 2030, 2043),  # 令和12 + 13: 令和
    ],
)
def test_bare_fiscal_year(n: int, reference: int, year: int) -> None:
    assert bare_fiscal_year(n, reference) == year


@pytest.mark.parametrize(("n", "reference"), [(0, 2022), (-1, 2022), (32, 2022), (45, 2022)])
def test_bare_fiscal_year_rejects(n: int, reference: int) -> None:
    with pytest.raises(ValueError):
        bare_fiscal_year(n, reference)


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("4年度", 2022), ("元年度", 2019), ("30年度", 2018), ("３０年度", 2018), ("２年度", 2020),
        ("（4年度）", 2022), ("4 年度", 2022), ("19年度", 2037), ("20年度", 2008),
    ],
)
def test_parse_bare_fiscal_year(text: str, year: int) -> None:
    assert parse_bare_fiscal_year(text, 2022) == year


@pytest.mark.parametrize("text", ["令和4年度", "4年", "4", "40年度", "0年度", "年度", "四年度", "2022年度"])
def test_parse_bare_fiscal_year_rejects(text: str) -> None:
    assert parse_bare_fiscal_year(text, 2022) is None


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("令和2年4月1日", date(2020, 4, 1)), ("令和元年5月1日", date(2019, 5, 1)),
        ("R2.4.1", date(2020, 4, 1)), ("R02.04.01", date(2020, 4, 1)), ("H30/4/1", date(2018, 4, 1)),
        ("H30-4-1", date(2018, 4, 1)), ("平成31年4月30日", date(2019, 4, 30)),
        ("2020/4/1", date(2020, 4, 1)), ("2020-04-01", date(2020, 4, 1)), ("2020.4.1", date(2020, 4, 1)),
        ("2020年4月1日", date(2020, 4, 1)), ("２０２０年４月１日", date(2020, 4, 1)),
        ("令和２年４月１日", date(2020, 4, 1)), ("Ｒ２．４．１", date(2020, 4, 1)), ("２０２０／０４／０１", date(2020, 4, 1)),
        ("令和 2 年 4 月 1 日", date(2020, 4, 1)), (" 2020/4/1 ", date(2020, 4, 1)),
        ("昭和64年1月7日", date(1989, 1, 7)), ("平成元年1月8日", date(1989, 1, 8)),
        ("大正15年12月24日", date(1926, 12, 24)), ("昭和元年12月25日", date(1926, 12, 25)),
        ("明治45年7月29日", date(1912, 7, 29)), ("大正元年7月30日", date(1912, 7, 30)),
        ("明治6年1月1日", date(1873, 1, 1)), ("2020/2/29", date(2020, 2, 29)),
        ("\u337b31年4月30日", date(2019, 4, 30)),
    ],
)
def test_parse_date(text: str, day: date) -> None:
    assert parse_date(text) == day


@pytest.mark.parametrize(
    "text",
    [
        "平成31年5月1日",  # already 令和
        "令和元年4月30日",  # still 平成
        "昭和64年1月8日", "平成元年1月7日", "大正元年7月29日", "明治45年7月30日",
        "明治5年12月3日",  # no such Gregorian day: Japan switched calendars that day
        "2020/2/30", "2019/2/29", "令和2年2月30日", "令和2年13月1日", "令和0年4月1日",
        "2020/4-1", "R2.4/1", "2020/04/01 10:00", "2020年4月", "令和2年", "4月1日", "20/4/1", "abc", "",
    ],
)
def test_parse_date_rejects(text: str) -> None:
    assert parse_date(text) is None


def test_fiscal_year_period() -> None:
    assert fiscal_year_period(2020) == (date(2020, 4, 1), date(2021, 3, 31))
    assert fiscal_year_period(2019) == (date(2019, 4, 1), date(2020, 3, 31))


@pytest.mark.parametrize(
    ("year", "label"),
    [
        (2019, "令和元年度"), (2020, "令和2年度"), (2024, "令和6年度"), (2018, "平成30年度"),
        (1989, "平成元年度"), (1988, "昭和63年度"), (1926, "昭和元年度"), (1925, "大正14年度"),
        (1912, "大正元年度"), (1911, "明治44年度"), (1868, "明治元年度"),
    ],
)
def test_fiscal_year_label(year: int, label: str) -> None:
    assert fiscal_year_label(year) == label


def test_fiscal_year_label_before_meiji() -> None:
    with pytest.raises(ValueError):
        fiscal_year_label(1867)


@pytest.mark.parametrize("year", range(1989, 2031))
def test_fiscal_year_label_is_inverse_of_parse(year: int) -> None:
    assert parse_fiscal_year(fiscal_year_label(year)) == year


@given(st.integers(min_value=1868, max_value=2100))  # 令和82: era numbers have two digits
def test_fiscal_year_label_round_trips(year: int) -> None:
    label = fiscal_year_label(year)
    assert label.endswith("年度")
    assert parse_fiscal_year(label) == year
    full_width = label.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    assert parse_fiscal_year(full_width) == year


def _era_of(day: date) -> tuple[str, str, int]:
    for name, letter, first_day, first_year in reversed(ERA_FACTS):
        if day >= first_day:
            return name, letter, day.year - first_year + 1
    raise AssertionError(day)


@given(st.dates(min_value=date(1873, 1, 1), max_value=date(2100, 12, 31)))
def test_parse_date_round_trips_every_format(day: date) -> None:
    name, letter, n = _era_of(day)
    y = "元" if n == 1 else str(n)
    for text in (
        f"{day.year}/{day.month}/{day.day}", day.isoformat(), f"{day.year}年{day.month}月{day.day}日",
        f"{name}{y}年{day.month}月{day.day}日", f"{letter}{n}.{day.month}.{day.day}",
    ):
        assert parse_date(text) == day, text
