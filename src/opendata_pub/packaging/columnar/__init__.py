"""A columnar CSV validation engine with frictionless's findings (see engine.py), and a column-wise
search of text cells for the domain rules (scan.py)."""

from .engine import TableOutcome, validate_table
from .scan import ScanUnsupported, matching_cells

__all__ = ["ScanUnsupported", "TableOutcome", "matching_cells", "validate_table"]
