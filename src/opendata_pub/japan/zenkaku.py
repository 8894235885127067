"""Full-width (全角) to half-width (半角) for the ASCII range, and numbers as Japanese sheets write them.

Pure: no I/O. Kana are never touched: half-width katakana and NFKC's other changes are the
publisher's business, not a reader's.
"""

from __future__ import annotations

import re
from decimal import Decimal

__all__ = ["normalize_number", "parse_number", "to_hankaku"]

# U+FF01..U+FF5E are full-width forms of U+0021..U+007E, at a fixed distance; U+3000 is the
# ideographic space.
_HANKAKU = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_HANKAKU[0x3000] = 0x20

# △ and ▲ are how Japanese accounts and statistics write a negative number; U+2212 is the
# mathematical minus that word processors substitute for "-".
_MINUS = frozenset("-\u2212△▲")

# Thousands separators only in groups of three: "1,2" is a list or a European decimal, not 12.
_NUMBER = re.compile(r"(?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(?:\.(?P<frac>[0-9]+))?")


def to_hankaku(text: str) -> str:
    """Return ``text`` with full-width ASCII (！ to ～) and the ideographic space made half-width."""
    return text.translate(_HANKAKU)


def normalize_number(text: str) -> str | None:
    """Return the canonical decimal string of a number cell ("1234", "-12", "87.4"), or None.

    Accepts full-width digits, thousands separators in groups of three (, and ，), surrounding
    spaces, a leading + or minus (-, －, −, △, ▲) and a trailing % or ％ (dropped: the value is
    returned as written, not divided by 100). Leading zeros of the integer part are dropped; the
    digits after the point are kept as written, since they state the precision.
    """
    s = to_hankaku(text).strip()
    negative = False
    if s[:1] in _MINUS:
        negative = True
        s = s[1:].lstrip()
    elif s[:1] == "+":
        s = s[1:].lstrip()
    if s.endswith("%"):
        s = s[:-1].rstrip()
    match = _NUMBER.fullmatch(s)
    if match is None:
        return None
    integer, fraction = match.group("int").replace(",", ""), match.group("frac")
    if not integer and fraction is None:
        return None
    integer = integer.lstrip("0") or "0"
    canonical = integer if fraction is None else f"{integer}.{fraction}"
    if negative and canonical.strip("0.") != "":
        canonical = "-" + canonical
    return canonical


def parse_number(text: str) -> Decimal | None:
    """``normalize_number`` as a ``Decimal`` (None when the cell is not a number)."""
    canonical = normalize_number(text)
    return None if canonical is None else Decimal(canonical)
