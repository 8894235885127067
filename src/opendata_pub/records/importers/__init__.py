"""Importing 行政評価 sheets (text extracted from PDFs, tab-separated) into evaluation records.

``detect_layout`` recognises a layout by the headings a sheet prints (never by its file name);
``import_sheet`` reads a sheet in that layout and returns the record together with the Findings
(layer IMPORT, with line numbers) for everything it could not read. A sheet in no known layout
raises ``UnknownLayoutError``; a file that cannot be read raises ``InputError``.

Layouts: ``kiyose`` (清瀬市 施策評価シート), ``joso`` (常総市 事務事業評価), ``koto`` (江東区 施策評価).

Workbooks (.xlsx, .xlsm) and CSV files go to ``import_workbook`` instead: a declarative layout
(``records.layouts``: a built-in one recognised by the header labels, or one named by ``--layout``
as a built-in name or a file path) reads one record per data row. ``import_file`` dispatches by the
file's suffix. This package must not print or write files.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType

from ...errors import UnknownLayoutError, UsageError
from ...findings import Finding, Layer, Location, Severity
from ...japan.lgcode import lg_code_problem
from ..layouts import Layout, apply_layout, builtin_names, load_layout, matching_sheets
from ..layouts import detect_layout as detect_table_layout
from ..model import EvaluationRecord
from ..template import TEMPLATE_FORMAT, is_template, read_template
from ..workbook import WORKBOOK_SUFFIXES, TableSheet, read_workbook
from . import joso, kiyose, koto
from .problems import ProblemLog
from .result import ImportResult
from .sheet import Sheet, read_sheet

__all__ = ["LAYOUTS", "FileImport", "ImportResult", "detect_layout", "import_file", "import_sheet",
           "import_workbook", "is_workbook"]

_Reader = Callable[..., EvaluationRecord]

_MODULES = (kiyose, joso, koto)

# layout name → the headings it prints
LAYOUTS: Mapping[str, tuple[re.Pattern[str], ...]] = MappingProxyType({m.LAYOUT: m.SIGNATURES for m in _MODULES})
_READERS: Mapping[str, _Reader] = MappingProxyType({m.LAYOUT: m.read for m in _MODULES})

# A layout is recognised when at least this many of its headings are printed and no other layout
# matches as many: one heading could be shared by chance, three cannot.
_MIN_SIGNATURES = 3


def _scores(text: str) -> dict[str, int]:
    return {name: sum(1 for p in patterns if p.search(text)) for name, patterns in LAYOUTS.items()}


def detect_layout(text: str, *, source_name: str = "<sheet>") -> str:
    """The layout of the sheet ``text`` ("kiyose", "joso" or "koto") from the headings it prints.

    Raises ``UnknownLayoutError`` naming ``source_name`` when no layout (or more than one) fits.
    """
    sheet_text = Sheet.from_text(text, file=source_name).text
    scores = _scores(sheet_text)
    best = max(scores.values())
    winners = [name for name, score in scores.items() if score == best]
    if best < _MIN_SIGNATURES or len(winners) != 1:
        found = "、".join(f"{name} {score}/{len(LAYOUTS[name])}" for name, score in scores.items())
        raise UnknownLayoutError(
            "知っているどの様式（清瀬・常総・江東）の評価シートでもありません",
            path=source_name,
            hint=f"見出しの一致数: {found}。様式の見出しを含むテキストか確かめてください",
        )
    return winners[0]


def _check_code(municipality_code: str) -> None:
    problem = lg_code_problem(municipality_code)
    if problem is not None:
        # The code goes into every id; a wrong one would have to be fixed in every file later.
        raise UsageError(problem, hint="6桁の全国地方公共団体コード（検査数字付き）を指定してください")


def import_sheet(
    path_or_text: str | os.PathLike[str],
    *,
    municipality_code: str,
    municipality_name: str,
    layout: str | None = None,
    source_name: str | None = None,
) -> ImportResult:
    """Read one evaluation sheet into an ``ImportResult`` (record + findings).

    ``path_or_text`` is a file path (``Path``, or a ``str`` without line breaks or tabs) or the
    sheet's text. ``source_name`` is the file name findings and the record's source show (default:
    the path's file name). ``layout`` skips detection; an unknown name raises ``UsageError``.
    The municipality is the caller's: the sheets do not print their 地方公共団体コード; a code
    that is not a valid 6-digit code with check digit raises ``UsageError``.
    """
    _check_code(municipality_code)
    sheet = read_sheet(path_or_text, source_name=source_name)
    if layout is None:
        layout = detect_layout(sheet.text, source_name=sheet.file)
    elif layout not in _READERS:
        raise UsageError(f"様式「{layout}」はありません（{' / '.join(_READERS)} のいずれか）")
    problems = ProblemLog(sheet.file)
    record = _READERS[layout](
        sheet, municipality_code=municipality_code, municipality_name=municipality_name, problems=problems
    )
    return ImportResult(record, problems.findings)


# --------------------------------------------------------------------------------------------------
# Workbooks and CSV: declarative layouts


@dataclass(frozen=True)
class FileImport:
    """What one file gave: a record per evaluation, the findings about the file as a whole (columns
    missing from its header), and the layout that read it."""

    results: tuple[ImportResult, ...]
    findings: tuple[Finding, ...]
    layout: str


def is_workbook(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is read as a table (.xlsx, .xlsm, .csv) rather than as a text sheet."""
    return Path(path).suffix.lower() in WORKBOOK_SUFFIXES


def _table_layout(sheets: list[TableSheet], layout: str | Layout | None, base: Path | None,
                  file: str) -> tuple[TableSheet, Layout]:
    if layout is not None:
        chosen = layout if isinstance(layout, Layout) else load_layout(layout, base=base)
        detected = detect_table_layout(sheets, (chosen,))
        # A layout given by name reads the sheet that fits it best, even below the detection share.
        return (detected.sheet if detected else sheets[0]), chosen
    detection = detect_table_layout(sheets)
    if detection is None:
        raise UnknownLayoutError(
            "見出し行が組み込みのどの様式にも合いません",
            path=file,
            hint=f"組み込みの様式: {', '.join(builtin_names())}。合わなければ様式ファイルを書いて --layout で指定してください",
        )
    return detection.sheet, detection.layout


def import_workbook(
    path: str | os.PathLike[str],
    *,
    municipality_code: str,
    municipality_name: str,
    layout: str | Layout | None = None,
    layout_base: Path | None = None,
    grades: tuple[str, ...] = (),
) -> FileImport:
    """Every evaluation of the workbook or CSV at ``path``, one per data row.

    ``layout`` is a ``Layout``, a built-in layout's name or a layout file's path (relative to
    ``layout_base``); None recognises a built-in layout by the header labels (``UnknownLayoutError``
    when none fits). ``grades`` (the publisher's grade words) replace the layout's scale.
    """
    _check_code(municipality_code)
    sheets = [s for s in read_workbook(path) if s.rows]
    file = Path(path).name
    if not sheets:
        raise UnknownLayoutError("値のあるシートがありません", path=file)
    if is_template(sheets):  # the fill-in template carries its records, codes and layout in its sheets
        return _template_import(sheets, municipality_code, file)
    sheet, chosen = _table_layout(sheets, layout, layout_base, file)
    # One record per sheet: every sheet in the layout is a record; one per row: the best sheet only.
    targets = (matching_sheets(sheets, chosen) or [sheet]) if chosen.record == "sheet" else [sheet]
    results: list[ImportResult] = []
    findings: list[Finding] = []
    for target in targets:
        read = apply_layout(target, chosen, municipality_code=municipality_code,
                            municipality_name=municipality_name, grades=grades)
        results.extend(ImportResult(r.record, r.findings) for r in read.rows)
        findings.extend(read.findings)
    return FileImport(tuple(results), tuple(findings), chosen.name)


def import_file(
    path: str | os.PathLike[str],
    *,
    municipality_code: str,
    municipality_name: str,
    layout: str | None = None,
    layout_base: Path | None = None,
    grades: tuple[str, ...] = (),
) -> FileImport:
    """A text sheet (one record) or a workbook/CSV (a record per row), by the file's suffix.

    A ``layout`` that names a text-sheet layout (kiyose, joso, koto) reads the file as a text sheet.
    ``grades`` (the publisher's grade words) become every record's grade scale, text sheets included.
    """
    if layout in _READERS or (layout is None and not is_workbook(path)):
        one = import_sheet(path, municipality_code=municipality_code, municipality_name=municipality_name,
                           layout=layout)
        if grades:
            one = ImportResult(replace(one.record, grade_scale=grades), one.findings)
        return FileImport((one,), (), one.record.source.layout)
    try:
        return import_workbook(path, municipality_code=municipality_code, municipality_name=municipality_name,
                               layout=layout, layout_base=layout_base, grades=grades)
    except UnknownLayoutError:
        # A CSV may also be a text sheet saved with another suffix: the text layouts get their turn.
        if layout is not None or Path(path).suffix.lower() != ".csv":
            raise
        try:
            return import_file(path, municipality_code=municipality_code, municipality_name=municipality_name,
                               layout=_text_layout_of(path), grades=grades)
        except UnknownLayoutError:
            pass
        raise


def _text_layout_of(path: str | os.PathLike[str]) -> str:
    return detect_layout(read_sheet(path).text, source_name=Path(path).name)


def _template_import(sheets: list[TableSheet], municipality_code: str, file: str) -> FileImport:
    """The records of a fill-in template, as written there; a record of another municipality than
    ``--municipality`` is imported as written, with a warning (the template, not the option, says whose
    evaluation it is)."""
    records, findings = read_template(sheets)
    others = sorted({r.municipality_code for r in records} - {municipality_code})
    if others:
        findings = [*findings, Finding(
            code="template-municipality-differs", severity=Severity.WARNING, layer=Layer.IMPORT,
            message=f"テンプレートの団体コード {', '.join(others)} が --municipality {municipality_code} と違います"
                    "（テンプレートの値のまま取り込みました）",
            where=Location(file=file))]
    return FileImport(tuple(ImportResult(r) for r in records), tuple(findings), TEMPLATE_FORMAT)

