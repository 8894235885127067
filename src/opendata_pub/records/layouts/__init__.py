"""Declarative layouts: where each contract field is found in a tabular sheet (.xlsx, .xlsm, .csv).

A layout is a YAML file (README "Evaluation layouts" documents every key); applying it to a sheet
gives one evaluation record per data row with the findings about cells it could not read. Layouts
that ship with the package are in ``builtin/``; ``detect_layout`` recognises a sheet's layout among
them by its header labels, ``load_layout`` takes a built-in name or a layout file's path.

    layout.py      the layout model           layoutfile.py  YAML → Layout, located errors
    labels.py      label normalisation        header.py      labels → columns, year blocks
    cellvalues.py  cells → text/code/figures  tabular.py     layout × sheet → records + findings
    sheetrecord.py a sheet that is one record (labels beside values) lined up as one row

This package must not print; it reads only layout files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ...errors import InputError, UsageError
from ...inputfile import UnreadableInput, read_input_bytes
from ...yamlio import MAX_YAML_BYTES
from ..workbook import TableSheet
from .header import header_score
from .layout import Layout
from .layoutfile import LayoutFileError, parse_layout
from .tabular import RowRecord, SheetImport, apply_layout

__all__ = [
    "BUILTIN_DIR",
    "Detection",
    "Layout",
    "LayoutFileError",
    "RowRecord",
    "SheetImport",
    "apply_layout",
    "builtin_layout",
    "builtin_names",
    "detect_layout",
    "load_layout",
    "matching_sheets",
    "parse_layout",
]

BUILTIN_DIR = Path(__file__).resolve().parent / "builtin"


def builtin_names() -> tuple[str, ...]:
    """The names of the layouts that ship with the package, sorted."""
    return tuple(sorted(p.stem for p in BUILTIN_DIR.glob("*.yaml")))


@cache
def builtin_layout(name: str) -> Layout:
    """The built-in layout ``name``; ``UsageError`` when there is none."""
    path = BUILTIN_DIR / f"{name}.yaml"
    if name not in builtin_names():
        raise UsageError(f"組み込みの様式「{name}」はありません",
                         hint=f"組み込みの様式: {', '.join(builtin_names())}。様式ファイルのパスも指定できます")
    return parse_layout(path.read_text(encoding="utf-8"), file=f"builtin:{path.name}")


def load_layout(name_or_path: str | os.PathLike[str], *, base: Path | None = None) -> Layout:
    """A built-in layout by name, else the layout file at the path (relative to ``base``).

    Raises ``UsageError`` for neither, ``LayoutFileError`` (an ``InputError``) for a file with errors.
    """
    text = os.fspath(name_or_path)
    if text in builtin_names():
        return builtin_layout(text)
    path = Path(text)
    if base is not None and not path.is_absolute():
        path = base / path
    if not path.exists():
        raise UsageError(f"様式「{text}」は組み込みの様式名でも、ある様式ファイルでもありません",
                         hint=f"組み込みの様式: {', '.join(builtin_names())}")
    try:
        raw = read_input_bytes(path, max_bytes=MAX_YAML_BYTES)
    except UnreadableInput as exc:
        raise InputError(f"様式ファイルを読めません: {exc.problem}", path=str(path)) from exc
    try:
        content = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LayoutFileError("UTF-8 ではありません", path=str(path), where=f"byte {exc.start}") from exc
    return parse_layout(content, file=str(path))


@dataclass(frozen=True)
class Detection:
    """The layout a sheet was recognised in: the share of its labels found in the header row."""

    layout: Layout
    sheet: TableSheet
    share: float
    header_row: int


def matching_sheets(sheets: list[TableSheet], layout: Layout) -> list[TableSheet]:
    """The sheets whose labels reach ``layout``'s detection share, in workbook order."""
    return [s for s in sheets if header_score(s, layout)[0] >= layout.min_share]


def detect_layout(sheets: list[TableSheet], layouts: tuple[Layout, ...] | None = None) -> Detection | None:
    """The (sheet, layout) pair whose header holds the largest share of the layout's detection labels,
    if that share reaches the layout's ``min_share``; None when no sheet is in any of ``layouts``
    (default: the built-in ones)."""
    candidates = layouts if layouts is not None else tuple(builtin_layout(n) for n in builtin_names())
    best: Detection | None = None
    for layout in candidates:
        for sheet in sheets:
            share, row = header_score(sheet, layout)
            if share >= layout.min_share and (best is None or share > best.share):
                best = Detection(layout, sheet, share, row)
    return best
