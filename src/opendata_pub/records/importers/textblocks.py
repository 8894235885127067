"""Collecting a sheet's text blocks (narratives) in print order, so that nothing printed is lost.

A block is a heading as printed and its text; a text that continues on the next lines of the sheet
is appended with a line break. Empty texts and dashes are not blocks. This module must not know
any layout: importers decide what a heading is.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Narrative, NarrativeKind
from .cells import clean_text, text_or_none

__all__ = ["TextBlocks"]


@dataclass
class _Draft:
    heading: str
    parts: list[str]
    kind: NarrativeKind
    section: str | None
    code: str | None
    program_no: int | None
    line: int


class TextBlocks:
    """An ordered, growable list of narratives."""

    def __init__(self) -> None:
        self._drafts: list[_Draft] = []

    def add(
        self,
        heading: str,
        text: str,
        *,
        line: int,
        kind: NarrativeKind = NarrativeKind.TEXT,
        section: str | None = None,
        code: str | None = None,
        program_no: int | None = None,
    ) -> bool:
        """Add a block; returns False (and adds nothing) when ``text`` prints no value."""
        cleaned = text_or_none(text)
        if cleaned is None:
            return False
        self._drafts.append(
            _Draft(clean_text(heading), [cleaned], kind, section, code, program_no, line)
        )
        return True

    def extend(self, text: str) -> bool:
        """Append ``text`` to the last block as a new line; False when there is no block yet."""
        cleaned = text_or_none(text)
        if cleaned is None:
            return True
        if not self._drafts:
            return False
        self._drafts[-1].parts.append(cleaned)
        return True

    @property
    def last_heading(self) -> str | None:
        return self._drafts[-1].heading if self._drafts else None

    def build(self) -> tuple[Narrative, ...]:
        """The narratives in print order (by line; blocks of one line in the order they were added)."""
        drafts = sorted(self._drafts, key=lambda d: d.line)
        return tuple(
            Narrative(
                heading=d.heading,
                text="\n".join(d.parts),
                kind=d.kind,
                section=d.section,
                code=d.code,
                program_no=d.program_no,
                line=d.line,
            )
            for d in drafts
        )
