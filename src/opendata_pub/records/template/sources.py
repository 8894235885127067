"""The records to pre-fill a template with: YAML record files, or the packages that hold them.

``evaluation template --from`` takes what people have at hand: a package folder (its
sources/evaluations/*.yaml), a folder of record files, or record files themselves.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ...errors import InputError
from ...yamlio import read_yaml_text
from ..model import EvaluationRecord
from ..yamlformat import load_record

__all__ = ["load_records"]

_PACKAGE_RECORDS = Path("sources") / "evaluations"


def _files(path: Path) -> list[Path]:
    if not path.is_dir():
        return [path]
    folder = path / _PACKAGE_RECORDS if (path / _PACKAGE_RECORDS).is_dir() else path
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise InputError("評価レコード (*.yaml) がありません", path=str(folder))
    return files


def _read(path: Path) -> EvaluationRecord:
    return load_record(read_yaml_text(path), source=str(path))


def load_records(paths: Sequence[str | os.PathLike[str]]) -> list[EvaluationRecord]:
    """The records of ``paths`` in the order given (a folder's files by name).

    Raises ``InputError`` for a file that is no record, a folder without records, or an
    evaluation_id given twice (the template's sheets join rows by it).
    """
    records: list[EvaluationRecord] = []
    seen: dict[str, Path] = {}
    for given in paths:
        for path in _files(Path(given)):
            record = _read(path)
            if record.evaluation_id in seen:
                raise InputError(f"evaluation_id {record.evaluation_id} は {seen[record.evaluation_id]} にもあります",
                                 path=str(path), hint="同じ評価は一度だけ指定してください")
            seen[record.evaluation_id] = path
            records.append(record)
    return records
