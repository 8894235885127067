"""How a template workbook says what it is: a hidden sheet holding the format's name and version.

A sheet, not a defined name: the workbook reader (python-calamine through records/workbook.py)
gives sheets, hidden ones included, and nothing else, so the importer can recognise the template
from the same ``TableSheet`` list it reads every workbook into.
"""

from __future__ import annotations

__all__ = ["MARKER_SHEET", "README_SHEET", "EXAMPLE_SHEET", "TEMPLATE_FORMAT", "TEMPLATE_VERSION"]

TEMPLATE_FORMAT = "opendata-pub-evaluation-template"
# Raised when a sheet or column changes meaning; adding a column does not (columns are found by name).
TEMPLATE_VERSION = 1

MARKER_SHEET = "_template"  # A1 "format" B1 TEMPLATE_FORMAT; A2 "format_version" B2 TEMPLATE_VERSION
README_SHEET = "説明"
EXAMPLE_SHEET = "記入例"  # never read: its rows only show how a filled sheet looks
