"""The findings of one sheet import, each pointing at the sheet's file and 1-based line.

Importers call ``problems.error/warning/info(code, message, line, **params)``; the messages are in
Japanese for the staff who fix the sheet, the codes stable English kebab-case. This module must
not decide what is a problem: the layout importers do.
"""

from __future__ import annotations

from typing import Any

from ...findings import Finding, Layer, Location, Severity

__all__ = ["ProblemLog"]


class ProblemLog:
    """Collects ``Finding``s (layer IMPORT) for the sheet ``file``."""

    def __init__(self, file: str) -> None:
        self.file = file
        self._findings: list[Finding] = []

    def add(self, severity: Severity, code: str, message: str, line: int | None, **params: Any) -> None:
        self._findings.append(
            Finding(
                code=code,
                message=message,
                severity=severity,
                where=Location(file=self.file, line=line),
                layer=Layer.IMPORT,
                params=params,
            )
        )

    def error(self, code: str, message: str, line: int | None, **params: Any) -> None:
        self.add(Severity.ERROR, code, message, line, **params)

    def warning(self, code: str, message: str, line: int | None, **params: Any) -> None:
        self.add(Severity.WARNING, code, message, line, **params)

    def info(self, code: str, message: str, line: int | None, **params: Any) -> None:
        self.add(Severity.INFO, code, message, line, **params)

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Everything logged, ordered by line (then by the order it was logged)."""
        order = {id(f): i for i, f in enumerate(self._findings)}
        return tuple(
            sorted(self._findings, key=lambda f: (f.where.line is None, f.where.line or 0, order[id(f)]))
        )
