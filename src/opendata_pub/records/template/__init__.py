"""The fill-in template: a workbook with one sheet per contract table, for municipalities whose
evaluation workbooks have no layout (issue 11).

``write_template(records, path)`` writes it (empty, or filled with records to edit);
``is_template(sheets)`` recognises it among the sheets ``read_workbook`` gives, by its hidden marker
sheet; ``read_template(sheets)`` turns it back into records and findings. YAML → template →
records → YAML gives the same bytes (``columns`` says how values keep exact).

Like the rest of ``records``: no printing; files are written only by ``write_template``, atomically.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .marker import TEMPLATE_FORMAT, TEMPLATE_VERSION
from .reader import is_template, read_template
from .sources import load_records

if TYPE_CHECKING:
    from .writer import write_template


def __getattr__(name: str) -> Any:
    # openpyxl takes about 0.13 s to import: only writing a template loads it, not every start of
    # the CLI or every import of records (reading a template needs only the workbook reader).
    if name == "write_template":
        from .writer import write_template

        return write_template
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = ["TEMPLATE_FORMAT", "TEMPLATE_VERSION", "is_template", "load_records", "read_template", "write_template"]
