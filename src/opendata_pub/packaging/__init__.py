"""packaging: records and files -> Frictionless data packages (load_evaluations, which reads them back, lives in records.tables)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazyexports import lazy_exports

if TYPE_CHECKING:
    from ..records.tables import load_evaluations

_LAZY = {
    "load_evaluations": ("..records.tables", "load_evaluations"),
}
__getattr__, __dir__ = lazy_exports(__name__, _LAZY)

__all__ = ["load_evaluations"]
