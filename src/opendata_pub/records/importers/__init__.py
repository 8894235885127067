"""Importing 行政評価 sheets (text extracted from PDFs, tab-separated) into evaluation records.

``detect_layout`` recognises a layout by the headings a sheet prints (never by its file name);
``import_sheet`` reads a sheet in that layout and returns the record together with the Findings
(layer IMPORT, with line numbers) for everything it could not read. A sheet in no known layout
raises ``UnknownLayoutError``; a file that cannot be read raises ``InputError``.

Layouts: ``kiyose`` (清瀬市 施策評価シート), ``joso`` (常総市 事務事業評価), ``koto`` (江東区 施策評価).
This package must not print or write files.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from types import MappingProxyType

from ...errors import UnknownLayoutError, UsageError
from ...japan.lgcode import lg_code_problem
from ..model import EvaluationRecord
from . import joso, kiyose, koto
from .problems import ProblemLog
from .result import ImportResult
from .sheet import Sheet, read_sheet

__all__ = ["LAYOUTS", "ImportResult", "detect_layout", "import_sheet"]

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
    problem = lg_code_problem(municipality_code)
    if problem is not None:
        # The code goes into every id; a wrong one would have to be fixed in every file later.
        raise UsageError(problem, hint="6桁の全国地方公共団体コード（検査数字付き）を指定してください")
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
