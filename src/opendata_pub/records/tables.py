"""Evaluation records read back from the tables of an evaluation package: the inverse of
``packaging.evaluation``, which writes them.

``load_evaluations(package)`` reads the CSV tables of docs/evaluation-contract.md (typed as their
Table Schemas say: ``integer`` → int, ``number`` → Decimal as written, other types → the text;
an empty cell → None) and rebuilds one ``EvaluationRecord`` per row of ``evaluations``. It reads the
descriptor and the CSV files itself (the csv module, bounded reads), so it stays in ``records``,
below ``packaging``. ``records_from_tables(tables, grade_scale=…)`` does
the same from rows already read (dicts by column name), so it is pure.

Every field of a record has a column, so nothing is guessed, with two exceptions the tables cannot
hold and that are rebuilt by convention:

- the order of ``costs`` and ``staffing`` in the record (the tables sort them by key): they are put
  back in print order, by ``source_line`` and then in the table's order, which is the order the
  importers give; a hand-edited YAML with another order reads back in this order;
- ``grade_scale``: read from the ``categories`` of the ``grade`` field; a record that declared the
  default scale (順調 / 維持 / 停滞) explicitly reads back with none declared (the build writes none).

Numbers are the cells as written (``Decimal("68.0")`` stays 68.0), empty cells are None. Only the
tables are read: ``sources/`` of the package is not looked at.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..inputfile import UnreadableInput, read_input_bytes
from ..yamlio import YamlSyntaxError, parse_yaml
from .model import (
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

__all__ = ["EVALUATION_TABLES", "OPTIONAL_TABLES", "evaluation_row", "load_evaluations", "records_from_tables"]

# Every table of the contract, in the order of the descriptor's resources.
EVALUATION_TABLES: tuple[str, ...] = (
    "evaluations",
    "programs",
    "costs",
    "staffing",
    "indicators",
    "indicator_values",
    "challenges",
    "narratives",
    "assessments",
)

# Tables a package has only when some record has rows for them (the 事務事業評価 workbooks print
# them; the three seed layouts do not, and their packages must not gain empty files).
OPTIONAL_TABLES: tuple[str, ...] = ("staffing", "assessments")

# A table of one package is at most this big (the contract's tables are kilobytes to megabytes).
MAX_TABLE_BYTES = 256 * 1024 * 1024
_DESCRIPTORS = ("datapackage.json", "datapackage.yaml", "datapackage.yml")

_Row = Mapping[str, Any]


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _req_str(row: _Row, column: str, table: str) -> str:
    value = row.get(column)
    if value is None:
        raise InputError(f"{table} の {column} が空です（{row.get('__row__', '?')} 行目）")
    return str(value)


def _req_int(row: _Row, column: str, table: str) -> int:
    value = _int(row.get(column))
    if value is None:
        raise InputError(f"{table} の {column} が空です（{row.get('__row__', '?')} 行目）")
    return value


class _Numbers:
    """program_id / indicator_id → the number the record stores (the ids are derived from them)."""

    def __init__(self, evaluation_id: str) -> None:
        self.evaluation_id = evaluation_id

    def number(self, ref: Any, letter: str) -> int | None:
        if ref is None:
            return None
        prefix = f"{self.evaluation_id}-{letter}"
        text = str(ref)
        if not text.startswith(prefix) or not text[len(prefix):].isdigit():
            raise InputError(f"{ref} は評価 {self.evaluation_id} の ID ではありません")
        return int(text[len(prefix):])


def _program(row: _Row, ids: _Numbers) -> Program:
    return Program(
        number=_req_int(row, "program_no", "programs"),
        name=_req_str(row, "program_name", "programs"),
        direction_no=_int(row.get("direction_no")),
        direction_name=_str(row.get("direction_name")),
        section=_str(row.get("section")),
        department=_str(row.get("department")),
        line=_int(row.get("source_line")),
        code=_str(row.get("program_code")),
    )


def _by_line(rows: Sequence[_Row]) -> list[_Row]:
    # The importers give costs and staffing in print order; the table sorts them by key. Sorting
    # the table's rows by sheet line (stable) restores the print order; rows without one keep theirs.
    return sorted(rows, key=lambda r: (r.get("source_line") is None, r.get("source_line") or 0))


def _cost(row: _Row, ids: _Numbers) -> Cost:
    return Cost(
        fiscal_year=_req_int(row, "fiscal_year", "costs"),
        stage=Stage(_req_str(row, "stage", "costs")),
        category=CostCategory(_req_str(row, "category", "costs")),
        amount_jpy=_req_int(row, "amount_jpy", "costs"),
        program_no=ids.number(row.get("program_id"), "p"),
        line=_int(row.get("source_line")),
    )


def _staffing(row: _Row, ids: _Numbers) -> Staffing:
    return Staffing(
        fiscal_year=_req_int(row, "fiscal_year", "staffing"),
        stage=Stage(_req_str(row, "stage", "staffing")),
        staff_count=_dec(row.get("staff_count")),
        work_hours=_dec(row.get("work_hours")),
        program_no=ids.number(row.get("program_id"), "p"),
        line=_int(row.get("source_line")),
    )


def _value(row: _Row) -> IndicatorValue:
    return IndicatorValue(
        fiscal_year=_req_int(row, "fiscal_year", "indicator_values"),
        target=_dec(row.get("target")),
        actual=_dec(row.get("actual")),
        achievement_rate=_dec(row.get("achievement_rate")),
        note=_str(row.get("note")),
    )


def _indicator(row: _Row, ids: _Numbers, values: Mapping[str, list[_Row]]) -> Indicator:
    kind = _str(row.get("kind"))
    rows = sorted(values.get(str(row.get("indicator_id")), []), key=lambda v: int(v["fiscal_year"]))
    return Indicator(
        number=_req_int(row, "indicator_no", "indicators"),
        name=_req_str(row, "name", "indicators"),
        unit=_str(row.get("unit")),
        method=_str(row.get("method")),
        description=_str(row.get("description")),
        section=_str(row.get("section")),
        direction=Direction(row.get("direction") or Direction.UNKNOWN.value),
        direction_text=_str(row.get("direction_text")),
        program_no=ids.number(row.get("program_id"), "p"),
        values=tuple(_value(v) for v in rows),
        line=_int(row.get("source_line")),
        kind=IndicatorKind(kind) if kind else None,
        code=_str(row.get("indicator_code")),
    )


def _challenge(row: _Row, ids: _Numbers) -> Challenge:
    return Challenge(
        number=_req_int(row, "challenge_no", "challenges"),
        challenge=_req_str(row, "challenge", "challenges"),
        next_action=_str(row.get("next_action")),
        line=_int(row.get("source_line")),
    )


def _assessment(row: _Row, ids: _Numbers) -> Assessment:
    return Assessment(
        number=_req_int(row, "assessment_no", "assessments"),
        criterion=_req_str(row, "criterion", "assessments"),
        grade=_str(row.get("grade")),
        reason=_str(row.get("reason")),
        program_no=ids.number(row.get("program_id"), "p"),
        line=_int(row.get("source_line")),
    )


def _narrative(row: _Row, ids: _Numbers) -> Narrative:
    return Narrative(
        heading=_req_str(row, "heading", "narratives"),
        text=_req_str(row, "text", "narratives"),
        kind=NarrativeKind(row.get("kind") or NarrativeKind.TEXT.value),
        section=_str(row.get("section")),
        code=_str(row.get("code")),
        program_no=ids.number(row.get("program_id"), "p"),
        line=_int(row.get("source_line")),
    )


def _contact(row: _Row) -> Contact | None:
    contact = Contact(
        team=_str(row.get("contact_team")),
        manager=_str(row.get("contact_manager")),
        person=_str(row.get("contact_person")),
        phone=_str(row.get("contact_phone")),
        extension=_str(row.get("contact_extension")),
    )
    return None if contact == Contact() else contact


def _items(rows: Iterable[_Row], build: Callable[[_Row, _Numbers], Any], ids: _Numbers,
           order: Callable[[_Row], Any] | None = None) -> tuple[Any, ...]:
    listed = list(rows)
    if order is not None:
        listed.sort(key=order)
    return tuple(build(r, ids) for r in listed)


def _number_of(column: str) -> Callable[[_Row], Any]:
    return lambda r: int(r[column]) if r.get(column) is not None else 0


def _record(row: _Row, tables: Mapping[str, Mapping[str, list[_Row]]], values: Mapping[str, list[_Row]],
            grade_scale: tuple[str, ...]) -> EvaluationRecord:
    eid = _req_str(row, "evaluation_id", "evaluations")
    ids = _Numbers(eid)

    def rows(name: str) -> list[_Row]:
        return tables[name].get(eid, [])

    return EvaluationRecord(
        evaluation_id=eid,
        municipality_code=_req_str(row, "municipality_code", "evaluations"),
        municipality_name=_req_str(row, "municipality_name", "evaluations"),
        fiscal_year=_req_int(row, "fiscal_year", "evaluations"),
        fiscal_year_label=_req_str(row, "fiscal_year_label", "evaluations"),
        level=Level(_req_str(row, "level", "evaluations")),
        source=Source(file=str(row.get("source_file") or ""), layout=str(row.get("source_layout") or "")),
        policy_code=_str(row.get("policy_code")),
        policy_name=_str(row.get("policy_name")),
        lead_department=_str(row.get("lead_department")),
        lead_section=_str(row.get("lead_section")),
        grade=_str(row.get("grade")),
        grade_reason=_str(row.get("grade_reason")),
        programs=_items(rows("programs"), _program, ids, _number_of("program_no")),
        costs=_items(_by_line(rows("costs")), _cost, ids),
        indicators=tuple(_indicator(r, ids, values) for r in sorted(rows("indicators"), key=_number_of("indicator_no"))),
        challenges=_items(rows("challenges"), _challenge, ids, _number_of("challenge_no")),
        narratives=_items(rows("narratives"), _narrative, ids, _number_of("narrative_no")),
        policy_area_code=_str(row.get("policy_area_code")),
        policy_area_name=_str(row.get("policy_area_name")),
        basic_program_code=_str(row.get("basic_program_code")),
        basic_program_name=_str(row.get("basic_program_name")),
        reform_direction=_str(row.get("reform_direction")),
        contact=_contact(row),
        grade_scale=grade_scale,
        staffing=_items(_by_line(rows("staffing")), _staffing, ids),
        assessments=_items(rows("assessments"), _assessment, ids, _number_of("assessment_no")),
    )


def _grouped(rows: Iterable[_Row], key: str) -> dict[str, list[_Row]]:
    out: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        out[str(row.get(key))].append(row)
    return out


def records_from_tables(tables: Mapping[str, Sequence[Mapping[str, Any]]], *,
                        grade_scale: Sequence[str] = ()) -> list[EvaluationRecord]:
    """Evaluation records from the typed rows of the contract's tables (keyed by table name).

    A missing optional table (staffing, assessments) counts as empty; ``grade_scale`` is the scale
    the package declares (empty: the default). Records come in the order of the ``evaluations`` rows.
    Raises ``InputError`` for a required cell left empty or an id that does not belong to its evaluation.
    """
    missing = [n for n in EVALUATION_TABLES if n not in tables and n not in OPTIONAL_TABLES]
    if missing:
        raise InputError(f"評価のパッケージではありません（表 {', '.join(missing)} がありません）")
    grouped = {name: _grouped(tables.get(name, ()), "evaluation_id") for name in EVALUATION_TABLES}
    values = _grouped(tables.get("indicator_values", ()), "indicator_id")
    scale = tuple(grade_scale)
    try:
        return [_record(row, grouped, values, scale) for row in tables["evaluations"]]
    except ValueError as exc:  # an enum word the contract does not know
        raise InputError(f"評価の表に知らない値があります: {exc}") from exc


def _declared_scale(resource: Mapping[str, Any]) -> tuple[str, ...]:
    schema = resource.get("schema")
    fields = schema.get("fields") if isinstance(schema, Mapping) else None
    for f in fields if isinstance(fields, list) else []:
        if isinstance(f, Mapping) and f.get("name") == "grade" and isinstance(f.get("categories"), list):
            return tuple(str(c.get("value") if isinstance(c, Mapping) else c) for c in f["categories"])
    return ()


def evaluation_row(record: EvaluationRecord) -> dict[str, Any]:
    """The ``evaluations`` row of ``record`` by column name: the one place these columns are taken
    from a record (the package tables and the fill-in template both write it)."""
    contact = record.contact
    return {
        "evaluation_id": record.evaluation_id,
        "municipality_code": record.municipality_code,
        "municipality_name": record.municipality_name,
        "fiscal_year": record.fiscal_year,
        "fiscal_year_label": record.fiscal_year_label,
        "level": record.level.value,
        "policy_code": record.policy_code,
        "policy_name": record.policy_name,
        "lead_department": record.lead_department,
        "lead_section": record.lead_section,
        "grade": record.grade,
        "grade_reason": record.grade_reason,
        "source_file": record.source.file,
        "source_layout": record.source.layout,
        "policy_area_code": record.policy_area_code,
        "policy_area_name": record.policy_area_name,
        "basic_program_code": record.basic_program_code,
        "basic_program_name": record.basic_program_name,
        "reform_direction": record.reform_direction,
        "contact_team": contact.team if contact else None,
        "contact_manager": contact.manager if contact else None,
        "contact_person": contact.person if contact else None,
        "contact_phone": contact.phone if contact else None,
        "contact_extension": contact.extension if contact else None,
    }


def _read_bytes(path: Path, what: str) -> bytes:
    try:
        return read_input_bytes(path, max_bytes=MAX_TABLE_BYTES)
    except UnreadableInput as exc:
        raise InputError(f"{what}を読めません: {exc.problem}", path=str(path)) from exc


def _descriptor(package: Path) -> tuple[Path, dict[str, Any]]:
    """The package's root folder and its descriptor (JSON or YAML)."""
    path = package if package.is_file() else next((package / n for n in _DESCRIPTORS if (package / n).is_file()), None)
    if path is None:
        raise InputError("datapackage.json も datapackage.yaml もありません", path=str(package))
    text = _read_bytes(path, "記述子").decode("utf-8", errors="replace")
    try:
        data = json.loads(text) if path.suffix == ".json" else parse_yaml(text)
    except (ValueError, YamlSyntaxError) as exc:
        raise InputError(f"記述子を読めません: {exc}", path=str(path)) from exc
    if not isinstance(data, dict):
        raise InputError("記述子がオブジェクトではありません", path=str(path))
    return path.parent, data


def _typed(kind: str, text: str) -> Any:
    if text == "":
        return None
    if kind == "integer":
        return int(text)
    if kind == "number":
        return Decimal(text)
    return text


def _read_table(root: Path, resource: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The rows of one CSV resource, typed by its schema's field types."""
    path = root / str(resource.get("path"))
    if Path(str(resource.get("path"))).is_absolute() or ".." in Path(str(resource.get("path"))).parts:
        raise InputError("表のパスがパッケージの外を指しています", path=str(path))
    fields = resource.get("schema", {}).get("fields", [])
    kinds = {str(f.get("name")): str(f.get("type", "string")) for f in fields if isinstance(f, Mapping)}
    text = _read_bytes(path, "表").decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        return [{k: _typed(kinds.get(k, "string"), v or "") for k, v in row.items() if k is not None}
                for row in reader]
    except (ValueError, ArithmeticError) as exc:
        raise InputError(f"表の値が型に合いません: {exc}", path=str(path), where=f"line {reader.line_num}") from exc


def load_evaluations(package: str | os.PathLike[str]) -> list[EvaluationRecord]:
    """The evaluation records of the package at ``package`` (its folder or its descriptor file).

    Read from the package's CSV tables (docs/evaluation-contract.md), typed by their Table Schemas;
    ``records.dump_record`` of each gives the YAML the package was built from. Raises ``InputError``
    when the package is not an evaluation package or a table cannot be read.
    """
    root, descriptor = _descriptor(Path(package))
    resources = {str(r.get("name")): r for r in descriptor.get("resources", []) if isinstance(r, Mapping)}
    if "evaluations" not in resources:
        raise InputError("評価のパッケージではありません (evaluations の表がありません)", path=str(root))
    tables = {name: _read_table(root, resources[name]) for name in EVALUATION_TABLES if name in resources}
    try:
        return records_from_tables(tables, grade_scale=_declared_scale(resources["evaluations"]))
    except InputError as exc:
        raise InputError(str(exc), path=str(root)) from exc
