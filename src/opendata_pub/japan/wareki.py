"""Japanese era years (和暦), fiscal years (年度) and dates as municipal sheets write them.

Pure: no I/O, and never reads the clock; a caller that needs "now" passes a reference year.

Decisions worth knowing:

* A date must lie inside its era: 平成31年4月30日 is accepted, 平成31年5月1日 (already 令和) and
  令和元年4月30日 (still 平成) are rejected (None), as are impossible dates such as 2月30日.
* 明治 dates before 明治6年1月1日 (1873-01-01) are rejected: until then Japan used the lunisolar
  calendar, so year arithmetic would give the wrong Gregorian day.
* A fiscal year (4月–翌3月) is accepted in an era when the fiscal year and the era overlap, so
  平成31年度 and 令和元年度 are both 2019, while 昭和64年度 and 平成32年度 do not exist (None).
* ``fiscal_year_label`` names a fiscal year by the era in force at its end: 2019 is 令和元年度.
* A fiscal-year label needs 年度 or no suffix at all ("R2"): "令和2年" is a calendar year.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from opendata_pub.japan.zenkaku import to_hankaku

__all__ = [
    "ERAS",
    "bare_fiscal_year",
    "era_to_western",
    "fiscal_year_label",
    "fiscal_year_period",
    "parse_bare_fiscal_year",
    "parse_date",
    "parse_fiscal_year",
]


@dataclass(frozen=True, slots=True)
class _Era:
    name: str
    letter: str
    ligature: str  # the one-character square form (㍻), which some systems emit
    first_year: int  # Western year of 元年
    first_day: date  # first Gregorian day that dates in this era may name
    last_day: date | None


_ERA_LIST = (
    # 明治 began in 1868 (retroactive to the year's start) but its dates are Gregorian only from 1873.
    _Era("明治", "M", "\u337e", 1868, date(1873, 1, 1), date(1912, 7, 29)),
    _Era("大正", "T", "\u337d", 1912, date(1912, 7, 30), date(1926, 12, 24)),
    _Era("昭和", "S", "\u337c", 1926, date(1926, 12, 25), date(1989, 1, 7)),
    _Era("平成", "H", "\u337b", 1989, date(1989, 1, 8), date(2019, 4, 30)),
    _Era("令和", "R", "\u32ff", 2019, date(2019, 5, 1), None),
)

# For fiscal-year overlap: when each era began, as a day, including 明治's retroactive start.
_ERA_START = {
    "明治": date(1868, 1, 1),
    "大正": date(1912, 7, 30),
    "昭和": date(1926, 12, 25),
    "平成": date(1989, 1, 8),
    "令和": date(2019, 5, 1),
}

_BY_KEY: dict[str, _Era] = {}
for _each in _ERA_LIST:
    _BY_KEY[_each.name] = _each
    _BY_KEY[_each.letter] = _each
    _BY_KEY[_each.ligature] = _each

ERAS: Mapping[str, int] = MappingProxyType(
    {key: era.first_year for era in _ERA_LIST for key in (era.name, era.letter)}
)

_ERA_PATTERN = "明治|大正|昭和|平成|令和|[MTSHRmtshr\u337b-\u337e\u32ff]"
_YEAR = r"[0-9]{1,2}|元"

_FISCAL_ERA = re.compile(rf"(?P<era>{_ERA_PATTERN})\s*(?P<year>{_YEAR})\s*(?:年\s*度)?")
_FISCAL_WESTERN = re.compile(r"(?P<year>[0-9]{4})\s*年\s*度")
_FISCAL_BARE = re.compile(rf"(?P<year>{_YEAR})\s*年\s*度")
_DATE_ERA_KANJI = re.compile(
    rf"(?P<era>{_ERA_PATTERN})\s*(?P<year>{_YEAR})\s*年\s*(?P<month>[0-9]{{1,2}})\s*月\s*(?P<day>[0-9]{{1,2}})\s*日"
)
_DATE_ERA_SHORT = re.compile(
    rf"(?P<era>{_ERA_PATTERN})\s*(?P<year>{_YEAR})(?P<sep>[./-])(?P<month>[0-9]{{1,2}})(?P=sep)(?P<day>[0-9]{{1,2}})"
)
_DATE_WESTERN_KANJI = re.compile(
    r"(?P<year>[0-9]{4})\s*年\s*(?P<month>[0-9]{1,2})\s*月\s*(?P<day>[0-9]{1,2})\s*日"
)
_DATE_WESTERN_SHORT = re.compile(r"(?P<year>[0-9]{4})(?P<sep>[./-])(?P<month>[0-9]{1,2})(?P=sep)(?P<day>[0-9]{1,2})")

_BRACKETS = {"(": ")", "[": "]", "【": "】", "〔": "〕", "「": "」"}

# Contract rule for a bare "N年度": 令和N unless N is this far above the reference year's 令和 number.
_BARE_REIWA_MARGIN = 15


def _era(key: str) -> _Era:
    era = _BY_KEY.get(key.strip().upper() if len(key.strip()) == 1 else key.strip())
    if era is None:
        raise ValueError(f"unknown era: {key!r}")
    return era


def _clean(text: str) -> str:
    """Half-width, trimmed, and without one pair of enclosing brackets: "( 令和2 年度)" -> "令和2 年度"."""
    s = to_hankaku(text).strip()
    if len(s) >= 2 and _BRACKETS.get(s[0]) == s[-1]:
        s = s[1:-1].strip()
    return s


def _year_number(token: str) -> int:
    return 1 if token == "元" else int(token)


def era_to_western(era: str, year_in_era: int) -> int:
    """Western year of ``year_in_era`` of ``era`` (name or letter): 令和2 -> 2020.

    Plain arithmetic: whether the era lasted that long is the caller's concern (see ``parse_date``).
    Raises ``ValueError`` for an unknown era or a year below 1.
    """
    if year_in_era < 1:
        raise ValueError(f"year in era must be 1 or more, got {year_in_era}")
    return _era(era).first_year + year_in_era - 1


def fiscal_year_period(year: int) -> tuple[date, date]:
    """First and last day of fiscal year ``year``: April 1 to March 31 of the next year."""
    return date(year, 4, 1), date(year + 1, 3, 31)


def _fiscal_year_in_era(era: _Era, year: int) -> bool:
    first, last = fiscal_year_period(year)
    return first <= (era.last_day or last) and _ERA_START[era.name] <= last


def parse_fiscal_year(text: str) -> int | None:
    """Western fiscal year of a label such as 令和2年度, R2, 令和元年度, H30年度, ２０２０年度; else None.

    A bare "2年度" without an era returns None: see ``parse_bare_fiscal_year``.
    """
    s = _clean(text)
    match = _FISCAL_WESTERN.fullmatch(s)
    if match:
        return int(match.group("year")) or None
    match = _FISCAL_ERA.fullmatch(s)
    if match is None:
        return None
    era = _era(match.group("era"))
    number = _year_number(match.group("year"))
    if number < 1:
        return None
    year = era.first_year + number - 1
    return year if _fiscal_year_in_era(era, year) else None


def bare_fiscal_year(n: int, reference_year: int) -> int:
    """Western year of a bare "N年度" in a sheet of the 令和 era made around ``reference_year``.

    令和N (2018+N), unless N is more than 15 above the reference year's 令和 number: then 平成N
    (1988+N). Reference 2022 (令和4): 2 -> 2020, 30 -> 2018. Raises ``ValueError`` for N below 1
    or for a 平成 reading that 平成 never reached (N above 31).
    """
    if n < 1:
        raise ValueError(f"fiscal year number must be 1 or more, got {n}")
    reiwa_now = reference_year - 2018
    if n > reiwa_now + _BARE_REIWA_MARGIN:
        if n > 31:
            raise ValueError(f"{n}年度 is neither 令和 (reference {reference_year}) nor 平成")
        return 1988 + n
    return 2018 + n


def parse_bare_fiscal_year(text: str, reference_year: int) -> int | None:
    """``bare_fiscal_year`` for a label such as "4年度", "元年度", "３０年度"; None if not such a label."""
    match = _FISCAL_BARE.fullmatch(_clean(text))
    if match is None:
        return None
    try:
        return bare_fiscal_year(_year_number(match.group("year")), reference_year)
    except ValueError:
        return None


def _make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str) -> date | None:
    """The date a cell names (令和2年4月1日, R2.4.1, H30/4/1, 2020-04-01, 2020年4月1日 …), or None.

    Full-width digits are accepted. Impossible dates and era dates outside their era give None.
    """
    s = _clean(text)
    for pattern in (_DATE_WESTERN_SHORT, _DATE_WESTERN_KANJI):
        match = pattern.fullmatch(s)
        if match:
            return _make_date(int(match.group("year")), int(match.group("month")), int(match.group("day")))
    for pattern in (_DATE_ERA_KANJI, _DATE_ERA_SHORT):
        match = pattern.fullmatch(s)
        if match:
            era = _era(match.group("era"))
            number = _year_number(match.group("year"))
            if number < 1:
                return None
            day = _make_date(era.first_year + number - 1, int(match.group("month")), int(match.group("day")))
            if day is None or day < era.first_day or (era.last_day is not None and day > era.last_day):
                return None
            return day
    return None


def fiscal_year_label(year: int) -> str:
    """Label of fiscal year ``year`` in the era in force at its end: 2018 -> 平成30年度, 2019 -> 令和元年度.

    Raises ``ValueError`` before 1868 (明治元年).
    """
    _, last = fiscal_year_period(year)
    for era in reversed(_ERA_LIST):
        if _ERA_START[era.name] <= last and year >= era.first_year:
            number = year - era.first_year + 1
            return f"{era.name}{'元' if number == 1 else number}年度"
    raise ValueError(f"no era for fiscal year {year}")
