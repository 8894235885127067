"""Header labels compared the way people read them, not the way Excel stores them.

Exports of the same form differ in the spaces and line breaks inside a label ("政策番号\\n十の位",
"政策番号 十の位"), in 全角 and 半角 ("事業費計（A）", "事業費計(A)") and in the circled numbers that
number the questions ("① 政策体系との整合性"). ``normalise_label`` removes every one of these
differences, so a layout names a column once and finds it in all of them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["normalise_label", "normalise_word"]

# Circled and parenthesised numbers (①–⑳, ㉑–㊿, ❶–❿, ⑴–⒇, ⒈–⒛): NFKC would turn them into plain
# digits that then stick to the label ("1政策体系…"); they number a question, they do not name it.
_NUMBER_MARKS = re.compile("[\u2460-\u24ff\u2776-\u2793\u3251-\u325f\u32b1-\u32bf]")
# Every kind of space (NFKC has made 全角 spaces ASCII) and line break.
_SPACE = re.compile(r"\s+")
# Brackets are decoration in a label: "事業費計(A)" and "事業費計A" are the same column.
_BRACKETS = re.compile(r"[()\[\]{}<>「」『』【】〔〕〈〉《》]")
# A leading list number of a vocabulary word: "１　現状維持", "2.改善", "(3)縮小".
_LEADING_NUMBER = re.compile(r"^\d+[.．、:：)]?")


@lru_cache(maxsize=4096)  # a sheet has a few hundred labels, each compared with every layout column
def normalise_label(text: str) -> str:
    """``text`` with number marks, spaces, line breaks and brackets removed, NFKC and lower-case."""
    text = _NUMBER_MARKS.sub("", text)
    text = unicodedata.normalize("NFKC", text)
    return _BRACKETS.sub("", _SPACE.sub("", text)).lower()


def normalise_word(text: str) -> str:
    """A vocabulary word as compared: ``normalise_label`` without a leading list number."""
    return _LEADING_NUMBER.sub("", normalise_label(text))
