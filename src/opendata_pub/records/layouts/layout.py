"""The layout model: where each contract field is found in a table, as a layout file declares it.

A ``Layout`` is pure data (``layoutfile`` reads it from YAML, ``tabular`` applies it to a sheet).
Every part remembers the key path and line of the file it came from, so a problem found while
applying it can name the layout's line as well as the cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from ..model import CostCategory, IndicatorKind, Level, Stage
from .labels import normalise_label

__all__ = [
    "AssessmentSpec",
    "BlockSpec",
    "ColumnRef",
    "FieldSpec",
    "FieldType",
    "IndicatorSpec",
    "Layout",
    "Match",
    "NarrativeSpec",
    "RECORD_FIELDS",
]


class Match(str, Enum):
    """How a column's header label is compared with the label the layout writes."""

    NORMALISED = "normalised"  # labels.normalise_label on both sides (the default)
    EXACT = "exact"  # as the reader gives it (trimmed, NFC, line breaks as "\n")
    REGEX = "regex"  # re.search over the normalised label


class FieldType(str, Enum):
    """How a field's cell (or cells) become a value."""

    TEXT = "text"  # as printed (line breaks kept)
    CODE = "code"  # NFKC, no spaces; several columns are joined ("十の位" + "一の位" → "12")
    FISCAL_YEAR = "fiscal_year"  # 7 (in the layout's era), 2025, "令和7年度"
    DATE = "date"  # one date cell, or 年/月/日 in three columns
    NUMBER = "number"  # a figure, kept as printed in a narrative
    DEPARTMENT = "department"  # 部課名: "福祉部　福祉総務課" → 部 and 課


@dataclass(frozen=True)
class ColumnRef:
    """One column, found by its header label."""

    text: str
    match: Match = Match.NORMALISED
    key: str = ""  # layout key path, for messages
    line: int | None = None
    _pattern: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    def matches(self, label: str) -> bool:
        """Whether the header ``label`` (as the reader gives it) is this column."""
        if self.match is Match.EXACT:
            return label == self.text
        if self.match is Match.REGEX:
            assert self._pattern is not None  # compiled by the loader
            return self._pattern.search(normalise_label(label)) is not None
        return normalise_label(label) == normalise_label(self.text)


# record field → the type it takes when the layout does not say
RECORD_FIELDS: dict[str, FieldType] = {
    "fiscal_year": FieldType.FISCAL_YEAR,
    "program.code": FieldType.CODE,
    "program.name": FieldType.TEXT,
    "policy_area.code": FieldType.CODE,
    "policy_area.name": FieldType.TEXT,
    "policy.code": FieldType.CODE,
    "policy.name": FieldType.TEXT,
    "basic_program.code": FieldType.CODE,
    "basic_program.name": FieldType.TEXT,
    "department": FieldType.DEPARTMENT,
    "lead_department": FieldType.TEXT,
    "lead_section": FieldType.TEXT,
    "contact.team": FieldType.TEXT,
    "contact.manager": FieldType.TEXT,
    "contact.person": FieldType.TEXT,
    "contact.phone": FieldType.TEXT,
    "contact.extension": FieldType.CODE,
    "reform_direction": FieldType.TEXT,
    "grade": FieldType.TEXT,
    "grade_reason": FieldType.TEXT,
}


@dataclass(frozen=True)
class FieldSpec:
    """A record field read from one column, or from several joined (codes) or combined (dates)."""

    target: str
    columns: tuple[ColumnRef, ...]
    type: FieldType
    era: str | None = None  # the era of a bare year number: "reiwa" → 7 is 令和7
    pad: int | None = None  # left-pad a code with zeros to this width (a code Excel made a number)
    vocabulary: tuple[str, ...] = ()  # the words allowed; others are kept with a finding
    key: str = ""
    line: int | None = None


@dataclass(frozen=True)
class NarrativeSpec:
    """A text column kept as a narrative under its printed heading (or the layout's)."""

    columns: tuple[ColumnRef, ...]
    heading: str | None = None  # None: the printed label (its last lines; the first line is the section)
    section: str | None = None
    type: FieldType = FieldType.TEXT
    era: str | None = None
    unit: str | None = None  # written after a figure: "1,234 千円"
    key: str = ""
    line: int | None = None


@dataclass(frozen=True)
class IndicatorSpec:
    """An indicator whose name and unit are columns, with per-year figures in the blocks."""

    number: int
    code: str  # ア, カ, サ: also the block column its figures are in (``BlockSpec.indicators``)
    kind: IndicatorKind | None
    name: ColumnRef | None
    unit: ColumnRef | None
    key: str = ""
    line: int | None = None


@dataclass(frozen=True)
class AssessmentSpec:
    """One criterion: a grade column and a reason column."""

    number: int
    criterion: str
    grade: ColumnRef | None
    reason: ColumnRef | None
    vocabulary: tuple[str, ...] = ()
    key: str = ""
    line: int | None = None


@dataclass(frozen=True)
class BlockSpec:
    """Column blocks repeated once per fiscal year with the same labels and no year in them.

    The blocks run over consecutive fiscal years, oldest first, the last one being the record's
    fiscal year plus ``end_offset``. The last block is ``last_stage``, the others ``stage``.
    """

    costs: tuple[tuple[CostCategory, ColumnRef], ...] = ()
    staff_count: ColumnRef | None = None
    work_hours: ColumnRef | None = None
    indicators: tuple[tuple[str, ColumnRef], ...] = ()  # indicator code → its figure column
    figure: str = "actual"  # which IndicatorValue figure the column holds: actual | target | achievement_rate
    unit_yen: int = 1000  # yen per printed unit: 千円 → 1000
    stage: Stage = Stage.SETTLEMENT
    last_stage: Stage = Stage.BUDGET
    end_offset: int = 0
    key: str = "blocks"
    line: int | None = None

    @property
    def columns(self) -> tuple[ColumnRef, ...]:
        """Every column of one block, in the order the layout declares them."""
        staff = tuple(c for c in (self.staff_count, self.work_hours) if c is not None)
        return (*(c for _, c in self.costs), *staff, *(c for _, c in self.indicators))


@dataclass(frozen=True)
class Layout:
    """A whole layout file."""

    name: str
    title: str
    level: Level
    file: str  # where it was read from ("builtin:<name>" for a built-in)
    record: str = "row"  # "row": a record per data row; "sheet": a record per sheet (labels next to values)
    header_row: int | None = None  # None: found among the first rows by its labels
    skip_rows: int = 0  # rows after the header that are not data (a units row)
    require: tuple[str, ...] = ("program.code", "program.name")  # a row with none of these is not a record
    fields: tuple[FieldSpec, ...] = ()
    narratives: tuple[NarrativeSpec, ...] = ()
    indicators: tuple[IndicatorSpec, ...] = ()
    assessments: tuple[AssessmentSpec, ...] = ()
    blocks: BlockSpec | None = None
    grades: tuple[str, ...] = ()  # the grade scale the records carry
    detect_labels: tuple[str, ...] = ()  # detection: the labels looked for (empty: every single column's)
    min_share: float = 0.8  # detection: the share of those labels a header must have

    def single_columns(self) -> tuple[ColumnRef, ...]:
        """Every column outside the blocks, in layout order."""
        refs: list[ColumnRef] = []
        for f in self.fields:
            refs.extend(f.columns)
        for n in self.narratives:
            refs.extend(n.columns)
        for i in self.indicators:
            refs.extend(c for c in (i.name, i.unit) if c is not None)
        for a in self.assessments:
            refs.extend(c for c in (a.grade, a.reason) if c is not None)
        return tuple(refs)
