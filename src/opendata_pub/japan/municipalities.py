"""The names of Japan's local governments by 全国地方公共団体コード: 47 prefectures, 1,741 municipalities.

No evaluation sheet prints its municipality's name next to a code, so ``evaluation import`` names a
municipality from this list when neither ``--name`` nor ``opendata.yaml`` does. The list is package
data (``resources/lgcodes/municipalities.csv``; source and licence in its NOTICE.md), read once.
"""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources

__all__ = ["municipality_name", "prefecture_name_of"]


@cache
def _table() -> dict[str, tuple[str, str]]:
    text = resources.files("opendata_pub").joinpath("resources/lgcodes/municipalities.csv").read_text(encoding="utf-8")
    return {row["code"]: (row["prefecture"], row["name"]) for row in csv.DictReader(io.StringIO(text))}


def municipality_name(code: str) -> str | None:
    """The name of the local government ``code`` (6 digits with check digit): 清瀬市 for 132217,
    東京都 for 130001; None for a code that names none."""
    entry = _table().get(code)
    return entry[1] if entry else None


def prefecture_name_of(code: str) -> str | None:
    """The prefecture the local government ``code`` lies in (東京都 for 132217), or None."""
    entry = _table().get(code)
    return entry[0] if entry else None
