"""Evaluation records: 行政評価 sheets (施策評価・事務事業評価) as reviewable, typed data.

The flow: ``import_sheet`` reads a sheet (text extracted from a PDF) into an ``EvaluationRecord``
plus Findings for what it could not read; ``dump_record`` writes the record as a YAML file staff
review and correct; ``load_record`` reads it back (losslessly); ``opendata_pub.packaging.evaluation``
turns records into the package tables. See docs/evaluation-contract.md and README.md ("The YAML authoring format").

This package must not print, write files, or import anything of ours above it (only ``japan``,
``errors`` and ``findings``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazyexports import lazy_exports

if TYPE_CHECKING:
    from .ids import evaluation_id
    from .importers import LAYOUTS, ImportResult, detect_layout, import_sheet
    from .model import (
        FUNDING_SOURCES,
        GRADES,
        Assessment,
        Challenge,
        Contact,
        Cost,
        CostCategory,
        Direction,
        EvaluationRecord,
        Indicator,
        IndicatorKind,
        IndicatorValue,
        Level,
        Narrative,
        NarrativeKind,
        Program,
        Source,
        Staffing,
        Stage,
    )
    from .tables import load_evaluations
    from .yamlformat import FORMAT_NAME, FORMAT_VERSION, dump_record, load_record

_LAZY = {
    "evaluation_id": (".ids", "evaluation_id"),
    "LAYOUTS": (".importers", "LAYOUTS"),
    "ImportResult": (".importers", "ImportResult"),
    "detect_layout": (".importers", "detect_layout"),
    "import_sheet": (".importers", "import_sheet"),
    "FUNDING_SOURCES": (".model", "FUNDING_SOURCES"),
    "GRADES": (".model", "GRADES"),
    "Assessment": (".model", "Assessment"),
    "Challenge": (".model", "Challenge"),
    "Contact": (".model", "Contact"),
    "Cost": (".model", "Cost"),
    "CostCategory": (".model", "CostCategory"),
    "Direction": (".model", "Direction"),
    "EvaluationRecord": (".model", "EvaluationRecord"),
    "Indicator": (".model", "Indicator"),
    "IndicatorKind": (".model", "IndicatorKind"),
    "IndicatorValue": (".model", "IndicatorValue"),
    "Level": (".model", "Level"),
    "Narrative": (".model", "Narrative"),
    "NarrativeKind": (".model", "NarrativeKind"),
    "Program": (".model", "Program"),
    "Source": (".model", "Source"),
    "Staffing": (".model", "Staffing"),
    "Stage": (".model", "Stage"),
    "load_evaluations": (".tables", "load_evaluations"),
    "FORMAT_NAME": (".yamlformat", "FORMAT_NAME"),
    "FORMAT_VERSION": (".yamlformat", "FORMAT_VERSION"),
    "dump_record": (".yamlformat", "dump_record"),
    "load_record": (".yamlformat", "load_record"),
    "Record": (".model", "EvaluationRecord"),
}
__getattr__, __dir__ = lazy_exports(__name__, _LAZY)


__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "FUNDING_SOURCES",
    "GRADES",
    "LAYOUTS",
    "Assessment",
    "Challenge",
    "Contact",
    "Cost",
    "CostCategory",
    "Direction",
    "EvaluationRecord",
    "ImportResult",
    "Indicator",
    "IndicatorKind",
    "IndicatorValue",
    "Level",
    "Narrative",
    "NarrativeKind",
    "Program",
    "Record",
    "Source",
    "Staffing",
    "Stage",
    "detect_layout",
    "dump_record",
    "evaluation_id",
    "import_sheet",
    "load_evaluations",
    "load_record",
]
