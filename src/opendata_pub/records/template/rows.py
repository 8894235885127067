"""A record as the rows of the template's sheets: one dict per row, keyed by column name.

Rows keep the record's own order (programs, costs, narratives … as the YAML lists them), not the
package's sorted order: reading the rows back in sheet order rebuilds the same tuples, so the YAML
comes out byte for byte the same. Values are Python values (str, int, Decimal, an enum's value,
None); the writer turns them into cells.
"""

from __future__ import annotations

from typing import Any

from ..model import EvaluationRecord
from ..tables import evaluation_row

__all__ = ["Row", "record_rows"]

Row = dict[str, Any]


def _evaluation(record: EvaluationRecord) -> Row:
    # the package's columns, plus the declared grade words (the package keeps them in its schema)
    return {**evaluation_row(record),
            "grade_scale": "\n".join(record.grade_scale) if record.grade_scale else None}


def _children(record: EvaluationRecord) -> dict[str, list[Row]]:
    eid = record.evaluation_id
    return {
        "programs": [
            {"evaluation_id": eid, "program_no": p.number, "program_name": p.name, "direction_no": p.direction_no,
             "section": p.section, "direction_name": p.direction_name, "department": p.department,
             "source_line": p.line, "program_code": p.code}
            for p in record.programs
        ],
        "costs": [
            {"evaluation_id": eid, "program_no": c.program_no, "fiscal_year": c.fiscal_year, "stage": c.stage.value,
             "category": c.category.value, "amount_jpy": c.amount_jpy, "source_line": c.line}
            for c in record.costs
        ],
        "staffing": [
            {"evaluation_id": eid, "program_no": s.program_no, "fiscal_year": s.fiscal_year, "stage": s.stage.value,
             "staff_count": s.staff_count, "work_hours": s.work_hours, "source_line": s.line}
            for s in record.staffing
        ],
        "indicators": [
            {"evaluation_id": eid, "indicator_no": i.number, "name": i.name, "unit": i.unit, "method": i.method,
             "section": i.section, "direction": i.direction.value, "direction_text": i.direction_text,
             "description": i.description, "program_no": i.program_no, "source_line": i.line,
             "kind": i.kind.value if i.kind else None, "indicator_code": i.code}
            for i in record.indicators
        ],
        "indicator_values": [
            {"evaluation_id": eid, "indicator_no": i.number, "fiscal_year": v.fiscal_year, "target": v.target,
             "actual": v.actual, "achievement_rate": v.achievement_rate, "note": v.note}
            for i in record.indicators
            for v in i.values
        ],
        "challenges": [
            {"evaluation_id": eid, "challenge_no": c.number, "challenge": c.challenge, "next_action": c.next_action,
             "source_line": c.line}
            for c in record.challenges
        ],
        "narratives": [
            {"evaluation_id": eid, "narrative_no": no, "kind": n.kind.value, "section": n.section,
             "heading": n.heading, "code": n.code, "text": n.text, "program_no": n.program_no, "source_line": n.line}
            for no, n in enumerate(record.narratives, start=1)
        ],
        "assessments": [
            {"evaluation_id": eid, "assessment_no": a.number, "criterion": a.criterion, "grade": a.grade,
             "reason": a.reason, "program_no": a.program_no, "source_line": a.line}
            for a in record.assessments
        ],
    }


def record_rows(record: EvaluationRecord) -> dict[str, list[Row]]:
    """The rows ``record`` gives each sheet, keyed by sheet (table) name, in the record's order."""
    return {"evaluations": [_evaluation(record)], **_children(record)}
