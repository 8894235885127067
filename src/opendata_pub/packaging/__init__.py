"""packaging: records and files -> Frictionless data packages (load_evaluations, which reads them back, lives in records.tables)."""

from __future__ import annotations

from ..records.tables import load_evaluations

__all__ = ["load_evaluations"]
