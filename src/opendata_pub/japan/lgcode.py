"""全国地方公共団体コード (JIS X 0402 local government codes): check digit, validity, prefecture.

Pure: no I/O. Codes are checked as given: the caller turns full-width digits into ASCII first
(``zenkaku.to_hankaku``), so that a report can say the cell was written in full-width.

The check digit (検査数字) of the 5-digit code abcde: s = 6a + 5b + 4c + 3d + 2e; the digit is the
last digit of 11 - (s mod 11). So remainder 0 gives 1 (11) and remainder 1 gives 0 (10); checked
against real codes 新宿区 131041 (remainder 0) and 渋谷区 131130 (remainder 1).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

__all__ = [
    "PREFECTURES",
    "check_digit",
    "is_valid_lg_code",
    "LG_CODE_QUOTE_HINT",
    "lg_code_problem",
    "lg_code_type_problem",
    "prefecture_of",
    "with_check_digit",
]

PREFECTURES: Mapping[str, str] = MappingProxyType({
    "01": "北海道", "02": "青森県", "03": "岩手県", "04": "宮城県", "05": "秋田県",
    "06": "山形県", "07": "福島県", "08": "茨城県", "09": "栃木県", "10": "群馬県",
    "11": "埼玉県", "12": "千葉県", "13": "東京都", "14": "神奈川県", "15": "新潟県",
    "16": "富山県", "17": "石川県", "18": "福井県", "19": "山梨県", "20": "長野県",
    "21": "岐阜県", "22": "静岡県", "23": "愛知県", "24": "三重県", "25": "滋賀県",
    "26": "京都府", "27": "大阪府", "28": "兵庫県", "29": "奈良県", "30": "和歌山県",
    "31": "鳥取県", "32": "島根県", "33": "岡山県", "34": "広島県", "35": "山口県",
    "36": "徳島県", "37": "香川県", "38": "愛媛県", "39": "高知県", "40": "福岡県",
    "41": "佐賀県", "42": "長崎県", "43": "熊本県", "44": "大分県", "45": "宮崎県",
    "46": "鹿児島県", "47": "沖縄県",
})

_WEIGHTS = (6, 5, 4, 3, 2)
# ASCII only: str.isdigit() would let full-width and other scripts' digits through.
_DIGITS = re.compile(r"[0-9]+")


def check_digit(code5: str) -> int:
    """The check digit of a 5-digit code: ``check_digit("13221") == 7`` (清瀬市 132217).

    Raises ``ValueError`` unless ``code5`` is exactly 5 ASCII digits.
    """
    if len(code5) != 5 or not _DIGITS.fullmatch(code5):
        raise ValueError(f"a 5-digit code is needed, got {code5!r}")
    total = sum(int(d) * w for d, w in zip(code5, _WEIGHTS))
    return (11 - total % 11) % 10


def with_check_digit(code5: str) -> str:
    """The 6-digit code: ``with_check_digit("22212") == "222127"``."""
    return f"{code5}{check_digit(code5)}"


def lg_code_problem(code: str) -> str | None:
    """None when ``code`` is a valid 6-digit code, otherwise a one-line reason in Japanese."""
    if not _DIGITS.fullmatch(code):
        return f"地方公共団体コード {code!r} は半角数字だけではない"
    if len(code) == 5 and code[:2] in PREFECTURES:
        return f"地方公共団体コード {code} は5桁で検査数字がない (6桁なら {with_check_digit(code)})"
    if len(code) != 6:
        return f"地方公共団体コード {code} は6桁ではない ({len(code)}桁)"
    if code[:2] not in PREFECTURES:
        return f"地方公共団体コード {code} の都道府県コード {code[:2]} は 01〜47 の範囲外"
    expected = check_digit(code[:5])
    if int(code[5]) != expected:
        return f"地方公共団体コード {code} の検査数字が違う: {code[:5]} の検査数字は {expected} (末尾が {code[5]})"
    return None


LG_CODE_QUOTE_HINT = "先頭の 0 が失われないよう引用符で囲みます"


def lg_code_type_problem(value: object) -> str | None:
    """None when ``value`` is text; otherwise a one-line reason in Japanese that a code read from YAML
    or JSON must be written as a string.

    A code is text: unquoted, YAML reads ``132217`` as a number, ``013221`` as the octal 5777 and
    ``true`` as a boolean. A six-digit number is suggested back quoted (``"132217"``); nothing else is
    (a shorter one has lost its leading 0 or was octal, a boolean was never a code).
    """
    if isinstance(value, str):
        return None
    if isinstance(value, bool):
        return f"団体コードは文字列で書いてください ({str(value).lower()} は真偽値として読まれます。例: \"132217\")"
    if isinstance(value, int) and 100_000 <= value <= 999_999:
        return f"団体コードは文字列で書いてください (例: \"{value}\")"
    if isinstance(value, (int, float)):
        return f"団体コードは文字列で書いてください (数 {value} として読まれ、先頭の 0 などが失われます)"
    return f"団体コードは文字列で書いてください ({type(value).__name__} が書かれています)"


def is_valid_lg_code(code: str) -> bool:
    """True for exactly 6 ASCII digits, prefecture 01–47, with the right check digit."""
    return lg_code_problem(code) is None


def prefecture_of(code: str) -> str | None:
    """The prefecture named by the first two digits of a 2-, 5- or 6-digit code (check digit not checked)."""
    if len(code) not in (2, 5, 6) or not _DIGITS.fullmatch(code):
        return None
    return PREFECTURES.get(code[:2])
