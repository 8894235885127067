"""Gathering one indicator's figures year by year, as the cells of a sheet give them.

Cells arrive one at a time (a target here, an actual there, a rate in another row); this collects
them per fiscal year, moves a value printed with its own year ("17,087 (30年度)") to that year,
keeps every printed remark in ``note``, and reports a cell that cannot be a figure or a year that
gets two different figures. It must not know any layout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ...japan.wareki import parse_bare_fiscal_year, parse_fiscal_year
from ..model import IndicatorValue
from .cells import CellKind, Measure
from .problems import ProblemLog

__all__ = ["FIELDS", "YearValues", "resolve_year"]

FIELDS = ("target", "actual", "achievement_rate")
_FIELD_JA = {"target": "目標値", "actual": "実績値", "achievement_rate": "達成率"}


def resolve_year(label: str, reference_year: int) -> int | None:
    """The fiscal year of a printed year label: 令和2年度, 元年度, 30年度 (contract rule), 2017年度."""
    year = parse_fiscal_year(label)
    if year is None:
        year = parse_bare_fiscal_year(label, reference_year)
    return year


@dataclass
class _Year:
    figures: dict[str, Decimal] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


class YearValues:
    """The values of one indicator (``name``, for messages), filled cell by cell."""

    def __init__(self, name: str, *, reference_year: int, problems: ProblemLog) -> None:
        self.name = name
        self.reference_year = reference_year
        self.problems = problems
        self.units: list[str] = []  # units printed after numbers, to infer an unprinted 単位
        self._years: dict[int, _Year] = {}

    def put(self, year: int, field_name: str, measure: Measure, line: int) -> None:
        """Record the cell ``measure`` as ``field_name`` ("target", "actual", "achievement_rate") of ``year``."""
        if measure.kind is CellKind.EMPTY and not measure.notes:
            return
        for ref in measure.unknown_footnotes:
            self.problems.warning(
                "unknown-footnote",
                f"{self.name}: 脚注{ref}の本文が見つからないため、備考には「{ref}」とだけ書きます",
                line,
                footnote=ref,
            )
        if measure.own_year is not None:
            own = resolve_year(measure.own_year, self.reference_year)
            if own is None:
                self.problems.warning(
                    "unreadable-year",
                    f"{self.name}: 「{measure.raw}」の年度「{measure.own_year}」を読めないため、列の年度のままにします",
                    line,
                    cell=measure.raw,
                )
            else:
                year = own
        slot = self._years.setdefault(year, _Year())
        for note in measure.notes:
            if note not in slot.notes:
                slot.notes.append(note)
        if measure.kind is CellKind.NUMBERS:
            self.problems.info(
                "multiple-numbers-kept-as-note",
                f"{self.name} {year}年度の{_FIELD_JA[field_name]}「{measure.raw}」は数値が複数あるため、"
                "数値にせず備考に残します",
                line,
                cell=measure.raw,
                fiscal_year=year,
            )
            return
        if measure.kind is CellKind.TEXT:
            self.problems.info(
                "value-kept-as-note",
                f"{self.name} {year}年度の{_FIELD_JA[field_name]}「{measure.raw}」は数値ではないため、備考に残します",
                line,
                cell=measure.raw,
                fiscal_year=year,
            )
            return
        if measure.value is None:
            return
        if measure.unit and field_name != "achievement_rate":
            self.units.append(measure.unit)
        previous = slot.figures.get(field_name)
        if previous is not None and previous != measure.value:
            self.problems.warning(
                "duplicate-value",
                f"{self.name} {year}年度の{_FIELD_JA[field_name]}が二つあります（{previous} と {measure.value}）。"
                f"先の {previous} を使います",
                line,
                fiscal_year=year,
                first=str(previous),
                second=str(measure.value),
            )
            return
        slot.figures[field_name] = measure.value

    def values(self) -> tuple[IndicatorValue, ...]:
        """One ``IndicatorValue`` per year that has a figure or a note, by year."""
        out = []
        for year in sorted(self._years):
            slot = self._years[year]
            if not slot.figures and not slot.notes:
                continue
            out.append(
                IndicatorValue(
                    fiscal_year=year,
                    target=slot.figures.get("target"),
                    actual=slot.figures.get("actual"),
                    achievement_rate=slot.figures.get("achievement_rate"),
                    note="; ".join(slot.notes) or None,
                )
            )
        return tuple(out)

    def printed_unit(self) -> str | None:
        """The unit printed after the figures, when every figure that prints one agrees."""
        units = set(self.units)
        return units.pop() if len(units) == 1 else None
