"""What a table cell means as text, code, figure or year (docs/evaluation-contract.md "Values").

Cells come from ``records.workbook`` as str, int, float, date or None. Here they become the
record's values: an empty cell or a dash is no value (never 0); a number cell holding words is no
number, the words kept as a note; 全角 digits and thousands separators are read; codes keep their
leading zeros; a bare year number is read in the layout's era.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from ...japan.wareki import era_to_western, parse_date, parse_fiscal_year
from ...japan.zenkaku import parse_number
from ..workbook import CellValue

__all__ = ["ERA_NAMES", "cell_code", "cell_date", "cell_figure", "cell_text", "cell_year"]

ERA_NAMES = {"meiji": "明治", "taisho": "大正", "showa": "昭和", "heisei": "平成", "reiwa": "令和"}

# What forms print for "nothing here": a dash of any width, a long vowel mark typed as a dash.
_NOTHING = frozenset({"-", "－", "—", "―", "‐", "ー", "‒", "–", "−", "/", "／", "・"})
_SPACE = re.compile(r"\s+")
_FIRST_WESTERN_YEAR = 1868  # below this, a bare number is a year of an era


def cell_text(value: CellValue) -> str | None:
    """The cell as printed text; numbers without a spurious ".0", dates as YYYY-MM-DD."""
    if value is None or isinstance(value, bool):
        return None if value is None else ("TRUE" if value else "FALSE")
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def cell_code(value: CellValue) -> str | None:
    """A code: NFKC, without spaces ("０８６" → "086"); a number as its digits."""
    text = cell_text(value)
    if text is None:
        return None
    code = _SPACE.sub("", unicodedata.normalize("NFKC", text))
    return code or None


def cell_figure(value: CellValue) -> tuple[Decimal | None, str | None]:
    """(number, words): 12 → (12, None); "１，２００" → (1200, None); "未実施" → (None, "未実施");
    empty or a dash → (None, None)."""
    if value is None:
        return None, None
    if isinstance(value, bool) or isinstance(value, (datetime.date, datetime.datetime)):
        return None, cell_text(value)
    if isinstance(value, (int, Decimal)):
        return Decimal(value), None
    if isinstance(value, float):
        try:
            return Decimal(repr(value)), None
        except InvalidOperation:
            return None, repr(value)
    text = value.strip()
    if not text or text in _NOTHING:
        return None, None
    number = parse_number(text)
    return (number, None) if number is not None else (None, text)


def cell_year(value: CellValue, era: str | None) -> int | None:
    """A (fiscal) year: 2025, 7 read in ``era`` ("reiwa"), "令和7年度", "R7", "７"; None if none."""
    if isinstance(value, str):
        parsed = parse_fiscal_year(value)
        if parsed is not None:
            return parsed
    number, _ = cell_figure(value)
    if number is None or number != number.to_integral_value() or number < 1:
        return None
    year = int(number)
    if year >= _FIRST_WESTERN_YEAR:
        return year
    if era is None:
        return None
    return era_to_western(ERA_NAMES[era], year)


def cell_date(values: tuple[CellValue, ...], era: str | None) -> datetime.date | None:
    """A date from one cell (a date, "令和7年7月1日", "2025/7/1") or from 年, 月, 日 cells."""
    if len(values) == 1:
        value = values[0]
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        return parse_date(value) if isinstance(value, str) else None
    if len(values) != 3:
        return None
    year = cell_year(values[0], era)
    month, _ = cell_figure(values[1])
    day, _ = cell_figure(values[2])
    if year is None or month is None or day is None:
        return None
    try:
        return datetime.date(year, int(month), int(day))
    except ValueError:
        return None
