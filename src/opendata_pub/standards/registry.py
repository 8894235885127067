"""The registry of standard-dataset schemas shipped under ``standards/schemas/*.json``.

Each file is a Frictionless v2 Table Schema with a few top-level properties of our own:

    id               stable id, e.g. ``jp-ods-08-aed``; what resources point to (see validation.standard_rules)
    version          semver of *our* schema file (not of the national definition)
    standardNumber   the number the national definition books use ("08"), absent for our own schemas
    provisional      true when the column list was reconstructed from secondary sources because the
                     official definition could not be read; ``description`` and ``sources`` say from what
    official         false for every schema here: none is a copy of an official file
    sources          [{title, path?}] where the definition came from
    headerPrefixes   prefixes real files put before column names ("投票所_名称"), stripped when matching

and per field: ``aliases`` (legacy or variant header names), ``obligation`` (required / recommended /
optional, the ◎/○ of the definition books as far as known) and ``legacy`` (a column only the old
推奨データセット layout has).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from ..errors import UsageError

__all__ = ["SourceRef", "StandardInfo", "known_id", "list_standards", "load_standard", "standard_info"]

_PACKAGE = "opendata_pub.standards"
_DIRECTORY = "schemas"


@dataclass(frozen=True, slots=True)
class SourceRef:
    """One source a schema was built from: a title and, where there is one, a URL or repository path."""

    title: str
    path: str | None = None


@dataclass(frozen=True, slots=True)
class StandardInfo:
    """What ``list_standards()`` tells about one schema without handing out the descriptor."""

    id: str
    version: str
    title: str
    number: str | None  # "08" for 自治体標準オープンデータセット 08; None for our own schemas
    provisional: bool
    official: bool
    sources: tuple[SourceRef, ...]
    fields: tuple[str, ...]  # field names, in order
    required: tuple[str, ...]  # names of fields with constraints.required


@lru_cache(maxsize=1)
def _descriptors() -> dict[str, dict[str, Any]]:
    """Every shipped schema by id, read once."""
    out: dict[str, dict[str, Any]] = {}
    folder = resources.files(_PACKAGE).joinpath(_DIRECTORY)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json"):
            continue
        descriptor = json.loads(entry.read_text(encoding="utf-8"))
        sid = descriptor.get("id")
        if not isinstance(sid, str) or not sid:
            raise ValueError(f"standard schema {entry.name} has no id")
        if sid in out:
            raise ValueError(f"standard schema id {sid!r} used twice")
        if entry.name != f"{sid}.json":
            raise ValueError(f"standard schema {entry.name} should be named {sid}.json")
        out[sid] = descriptor
    return out


def _info(descriptor: Mapping[str, Any]) -> StandardInfo:
    fields = descriptor.get("fields", [])
    return StandardInfo(
        id=descriptor["id"],
        version=str(descriptor.get("version", "")),
        title=str(descriptor.get("title", "")),
        number=descriptor.get("standardNumber"),
        provisional=bool(descriptor.get("provisional", False)),
        official=bool(descriptor.get("official", False)),
        sources=tuple(
            SourceRef(str(s.get("title", "")), s.get("path")) for s in descriptor.get("sources", [])
        ),
        fields=tuple(f["name"] for f in fields),
        required=tuple(f["name"] for f in fields if f.get("constraints", {}).get("required")),
    )


def list_standards() -> list[StandardInfo]:
    """Every standard schema we ship, ordered by id."""
    return [_info(d) for _, d in sorted(_descriptors().items())]


def _resolve(id_or_number: str | int) -> str:
    table = _descriptors()
    if isinstance(id_or_number, int) and not isinstance(id_or_number, bool):
        key = f"{id_or_number:02d}"
    elif isinstance(id_or_number, str):
        key = id_or_number.strip()
    else:
        raise UsageError(f"standard must be an id, a number or a title, not {type(id_or_number).__name__}")
    if key in table:
        return key
    folded = key.casefold()
    for sid, d in table.items():
        number = d.get("standardNumber")
        if number is not None and key.isdigit() and int(key) == int(number):
            return sid
        if folded in {sid.casefold(), str(d.get("title", "")).casefold()}:
            return sid
    known = ", ".join(sorted(table))
    raise UsageError(f"unknown standard {id_or_number!r}", hint=f"known standards: {known}")


def load_standard(id_or_number: str | int) -> dict[str, Any]:
    """The Table Schema descriptor of a standard, by id (``jp-ods-08-aed``), number (``"08"``, ``8``) or title.

    Returns a fresh copy each call: callers may change it. Raises ``UsageError`` for an unknown standard.
    """
    return copy.deepcopy(_descriptors()[_resolve(id_or_number)])


def standard_info(id_or_number: str | int) -> StandardInfo:
    """``StandardInfo`` of one standard (same look-up as ``load_standard``)."""
    return _info(_descriptors()[_resolve(id_or_number)])


def known_id(value: str) -> str | None:
    """``value`` if it is the id of a shipped standard, else None (no look-up by number or title)."""
    return value if value in _descriptors() else None


def _descriptor(sid: str) -> Mapping[str, Any]:
    """The cached descriptor itself (read-only use inside this package)."""
    return _descriptors()[sid]
