"""Reading a cost column heading: "令和2年度決算額", "4年度予算", "4年度決算(速報値)".

Each heading names a fiscal year and a stage of the budget cycle. This module must not read
amounts or know any layout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...japan.zenkaku import to_hankaku
from ..model import Stage
from .yearvalues import resolve_year

__all__ = ["CostHead", "parse_cost_head", "year_label"]

_HEAD = re.compile(
    r"^(?P<year>(?:令和|平成|R|H)?\s*(?:[0-9]{1,4}|元)\s*年\s*度)\s*"
    r"(?P<stage>決算\s*[(]\s*速報値?\s*[)]|決算見込額?|決算額?|(?:当初|補正後|最終)?予算額?)\s*"
    r"(?:[(]\s*(?:千円|円|百万円)\s*[)])?$"
)


@dataclass(frozen=True)
class CostHead:
    """A cost column: its fiscal year, the year as printed (spaces removed) and its stage."""

    fiscal_year: int
    year_label: str
    stage: Stage


def year_label(text: str) -> str:
    """A printed year label with spaces and enclosing brackets removed: "( 令和2 年度)" → "令和2年度"."""
    label = re.sub(r"\s+", "", text.strip())
    while len(label) >= 2 and label[0] in "(（[【" and label[-1] in ")）]】":
        label = label[1:-1]
    return label


def parse_cost_head(text: str, reference_year: int | None) -> CostHead | None:
    """The cost column named by ``text``, or None when it is not one.

    ``reference_year`` is the evaluated fiscal year for bare "N年度" labels; when it is not known yet
    (it is being read from this very heading), a bare year is read as 令和N.
    """
    match = _HEAD.match(to_hankaku(text).strip())
    if match is None:
        return None
    label = year_label(match.group("year"))
    if reference_year is None:
        bare = re.fullmatch(r"(元|[0-9]{1,2})年度", label)
        year = (2018 + (1 if bare.group(1) == "元" else int(bare.group(1)))) if bare else resolve_year(label, 2019)
    else:
        year = resolve_year(label, reference_year)
    if year is None:
        return None
    stage_text = match.group("stage")
    if "速報" in stage_text or "見込" in stage_text:
        stage = Stage.PRELIMINARY_SETTLEMENT
    elif stage_text.startswith("決算"):
        stage = Stage.SETTLEMENT
    else:
        stage = Stage.BUDGET
    # The label as printed (full-width digits included), only without spaces: "4年度", "令和2年度".
    printed = re.sub(r"\s+", "", text)
    return CostHead(year, printed[: printed.index("度") + 1], stage)
