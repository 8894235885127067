"""Footnotes a sheet prints under a table ("※1 平成29年度実績値"), so cells can cite them.

This module must not read cells: it only finds the footnote lines and their texts.
"""

from __future__ import annotations

import re

from ...japan.zenkaku import to_hankaku
from .cells import clean_text
from .sheet import Sheet

__all__ = ["collect_footnotes"]

_FOOTNOTE = re.compile(r"^※\s*(?P<ref>[0-9０-９]+)\s*(?P<text>.*)$")


def collect_footnotes(sheet: Sheet) -> tuple[dict[str, str], set[int]]:
    """({"1": "平成29年度実績値", …}, the line numbers of those footnote lines)."""
    notes: dict[str, str] = {}
    lines: set[int] = set()
    for line in sheet:
        texts = line.texts
        if len(texts) > 2:
            continue
        match = _FOOTNOTE.match(" ".join(texts))
        if match:
            notes[to_hankaku(match.group("ref"))] = clean_text(match.group("text"))
            lines.add(line.no)
    return notes, lines
