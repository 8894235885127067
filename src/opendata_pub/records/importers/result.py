"""What importing one sheet gives: the record and the findings about what could not be read.

This module must not do anything: it is the value the importers return.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...findings import Finding, Severity
from ..model import EvaluationRecord

__all__ = ["ImportResult"]


@dataclass(frozen=True)
class ImportResult:
    """The record read from a sheet and the findings (layer IMPORT, with line numbers)."""

    record: EvaluationRecord
    findings: tuple[Finding, ...] = ()

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The findings of severity ERROR: figures that could not be read at all."""
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)
