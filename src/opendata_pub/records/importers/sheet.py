"""A sheet as the importers see it: numbered lines of tab-separated, trimmed, NFC cells.

The seeds are text extracted from PDFs: one table row per line, cells separated by tabs, with
stray trailing tabs, separator rows of dashes and blank lines. ``Sheet`` keeps the 1-based line
numbers so every Finding can point at the line a person sees in an editor. This module must not
interpret cells (that is ``cells``) or know any layout.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ...errors import InputError
from ...inputfile import UnreadableInput, read_input_bytes
from ...japan.encoding import detect_encoding

__all__ = ["MAX_SHEET_BYTES", "Sheet", "SheetLine", "read_sheet"]

# A sheet is the text of a few PDF pages (kilobytes); anything near this is not a sheet.
MAX_SHEET_BYTES = 16 * 1024 * 1024

_NEWLINE = re.compile(r"\r\n|\r|\n")
_SEPARATOR = re.compile(r"-{2,}|ー{2,}|―{2,}")
# Trimmed like a person would: ASCII and ideographic spaces, no-break spaces, zero-width spaces.
_TRIM = " \t\u3000\u00a0\u200b\ufeff"


@dataclass(frozen=True)
class SheetLine:
    """One line: its 1-based number and its cells (trimmed; trailing empty cells dropped)."""

    no: int
    cells: tuple[str, ...]

    def cell(self, index: int) -> str:
        """The cell at ``index`` (0-based), or "" past the end."""
        return self.cells[index] if 0 <= index < len(self.cells) else ""

    @property
    def filled(self) -> list[tuple[int, str]]:
        """(index, text) of every non-empty cell."""
        return [(i, c) for i, c in enumerate(self.cells) if c]

    @property
    def texts(self) -> list[str]:
        """The non-empty cells."""
        return [c for c in self.cells if c]

    @property
    def blank(self) -> bool:
        """True for an empty line or a separator row of dashes."""
        return all(not c or _SEPARATOR.fullmatch(c) for c in self.cells)

    @property
    def first(self) -> str:
        """The first non-empty cell, or ""."""
        return next((c for c in self.cells if c), "")

    def index_of(self, text: str, start: int = 0) -> int | None:
        """The index of the first cell equal to ``text`` at or after ``start``, or None."""
        for i in range(start, len(self.cells)):
            if self.cells[i] == text:
                return i
        return None

    def after(self, label: str) -> str:
        """The first non-empty cell after the cell equal to ``label`` ("" if none)."""
        at = self.index_of(label)
        if at is None:
            return ""
        return next((c for c in self.cells[at + 1 :] if c), "")


@dataclass(frozen=True)
class Sheet:
    """The lines of one sheet and the file name findings should show."""

    file: str
    lines: tuple[SheetLine, ...]

    def __iter__(self) -> Iterator[SheetLine]:
        return iter(self.lines)

    @property
    def text(self) -> str:
        """All cells, for structure detection (one line per sheet line, cells joined by tabs)."""
        return "\n".join("\t".join(line.cells) for line in self.lines)

    @classmethod
    def from_text(cls, text: str, *, file: str) -> Sheet:
        """Split ``text`` into numbered lines and trimmed NFC cells."""
        text = unicodedata.normalize("NFC", text.lstrip("\ufeff"))
        lines = []
        for no, raw in enumerate(_NEWLINE.split(text), start=1):
            cells = [c.strip(_TRIM) for c in raw.split("\t")]
            while cells and not cells[-1]:
                cells.pop()
            lines.append(SheetLine(no, tuple(cells)))
        return cls(file, tuple(lines))


def read_sheet(source: str | os.PathLike[str], *, source_name: str | None = None) -> Sheet:
    """A ``Sheet`` from a file path or from the sheet's text itself.

    A ``Path`` (or any ``os.PathLike``) is read as a file, and so is a ``str`` without a line break
    or tab (a real sheet always has both); any other ``str`` is the text. The encoding is decided
    by ``japan.encoding`` (UTF-8, CP932 …); an unreadable file raises ``InputError``.
    """
    if isinstance(source, str) and ("\n" in source or "\t" in source):
        return Sheet.from_text(source, file=source_name or "<sheet>")
    path = Path(source)
    try:
        data = read_input_bytes(path, max_bytes=MAX_SHEET_BYTES)  # never /dev/zero, a FIFO or a folder
    except UnreadableInput as exc:
        raise InputError(f"評価シートを読めません: {exc.problem}", path=str(path)) from exc
    decision = detect_encoding(data)
    if not decision.decodable or decision.encoding is None:
        raise InputError(f"文字コードを判定できない: {decision.detail}", path=str(path),
                         where=f"byte {decision.error_offset}" if decision.error_offset is not None else None,
                         hint="UTF-8 (BOMなしでもよい) で保存し直してください")
    return Sheet.from_text(data.decode(decision.encoding), file=source_name or path.name)
