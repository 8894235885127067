"""The registry of standard-dataset schemas shipped under ``standards/schemas/*.json``.

Each file is a Frictionless v2 Table Schema with a few top-level properties of our own:

    id               stable id, e.g. ``jp-ods-08-aed``; what resources point to (see validation.standard_rules)
    version          semver of *our* schema file (not of the national definition)
    standardNumber   the number the national definition books use ("08"), absent for our own schemas
    provisional      true when the column list was reconstructed from secondary sources because the
                     official definition could not be read; ``description`` and ``sources`` say from what
    official         false for every schema here: none is a copy of an official file
    sources          [{id, title, path?, kind}] where the definition came from; fields cite them by id
    shortNames       what people call the standard ("AED", "投票所"): ``new --template AED`` finds it
    headerPrefixes   prefixes real files put before column names ("投票所_名称"), stripped when matching
    variants         older layouts of the same standard (the 推奨データセット lists before 2024), each
                     {id, title, description, sources, fields}; a file in such a layout is recognised
                     as that variant and validated against it (``variant_fields``)

and per field: ``aliases`` (other spellings real files use for the same column in the same layout),
``obligation`` (required / recommended / optional, the ◎/○ of the definition books as far as known),
``sources`` (ids of the sources that give the column) and ``sourceNote`` (where they disagree). A
variant's field may name its current counterpart with ``field`` ("住所" → "所在地_連結表記") and
inherits that field's type, format, title, description and constraints except ``required``, which
the variant states for itself.
"""

from __future__ import annotations

import copy
import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from ..errors import UsageError

__all__ = [
    "SourceRef",
    "StandardInfo",
    "VariantInfo",
    "known_id",
    "list_standards",
    "load_standard",
    "standard_info",
    "variant_fields",
    "variant_ids",
]

_PACKAGE = "opendata_pub.standards"
_DIRECTORY = "schemas"


@dataclass(frozen=True, slots=True)
class SourceRef:
    """One source a schema was built from: a title and, where there is one, a URL or repository path."""

    title: str
    path: str | None = None
    id: str | None = None  # what fields cite in their ``sources``
    kind: str | None = None  # official / official-excerpt / vendor-implementation / transcription / …


@dataclass(frozen=True, slots=True)
class VariantInfo:
    """An older layout of a standard (the 推奨データセット list a file may still follow)."""

    id: str  # "suisho"
    title: str  # "旧推奨データセット"
    description: str
    fields: tuple[str, ...]
    required: tuple[str, ...]


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
    short_names: tuple[str, ...] = ()  # "AED", "投票所"
    variants: tuple[VariantInfo, ...] = ()  # older layouts, e.g. the 推奨データセット list


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
        _check_variants(sid, descriptor)
        out[sid] = descriptor
    return out


def _check_variants(sid: str, descriptor: Mapping[str, Any]) -> None:
    """A variant must have a unique id and name only current fields as its counterparts."""
    current = {f["name"] for f in descriptor.get("fields", [])}
    seen: set[str] = set()
    for variant in descriptor.get("variants", []):
        vid = variant.get("id")
        if not isinstance(vid, str) or not vid or vid in seen:
            raise ValueError(f"standard {sid}: variant id {vid!r} missing or used twice")
        seen.add(vid)
        for f in variant.get("fields", []):
            if "field" in f and f["field"] not in current:
                raise ValueError(f"standard {sid} variant {vid}: {f['name']!r} names unknown field {f['field']!r}")


def _required(fields: list[dict[str, Any]]) -> tuple[str, ...]:
    return tuple(f["name"] for f in fields if f.get("constraints", {}).get("required"))


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
            SourceRef(str(s.get("title", "")), s.get("path"), s.get("id"), s.get("kind"))
            for s in descriptor.get("sources", [])
        ),
        fields=tuple(f["name"] for f in fields),
        required=_required(fields),
        short_names=tuple(str(n) for n in descriptor.get("shortNames", [])),
        variants=tuple(_variant_info(descriptor, v) for v in descriptor.get("variants", [])),
    )


def _variant_info(descriptor: Mapping[str, Any], variant: Mapping[str, Any]) -> VariantInfo:
    fields = _resolved_variant(descriptor, str(variant["id"]))
    return VariantInfo(
        id=str(variant["id"]),
        title=str(variant.get("title", variant["id"])),
        description=str(variant.get("description", "")),
        fields=tuple(f["name"] for f in fields),
        required=_required(fields),
    )


# what a variant field does not inherit from its current counterpart
_OWN = ("aliases", "sources", "sourceNote", "obligation")


def _resolved_variant(descriptor: Mapping[str, Any], variant_id: str) -> list[dict[str, Any]]:
    """The fields of one variant, each completed from its current counterpart (see the module doc)."""
    variant = next((v for v in descriptor.get("variants", []) if v.get("id") == variant_id), None)
    if variant is None:
        known = ", ".join(str(v.get("id")) for v in descriptor.get("variants", [])) or "(なし)"
        raise UsageError(f"標準 {descriptor.get('id')} に様式 {variant_id!r} はありません",
                         hint=f"ある様式: {known}")
    current = {f["name"]: f for f in descriptor.get("fields", [])}
    out: list[dict[str, Any]] = []
    for own in variant.get("fields", []):
        base = current.get(own.get("field", ""), {})
        f = {k: copy.deepcopy(v) for k, v in base.items() if k not in _OWN}
        constraints = {k: v for k, v in base.get("constraints", {}).items() if k != "required"}
        constraints.update(own.get("constraints", {}))
        f.update({k: copy.deepcopy(v) for k, v in own.items() if k not in {"field", "constraints"}})
        f["constraints"] = constraints
        if not constraints:
            del f["constraints"]
        if "field" in own:
            f["standardField"] = own["field"]
        out.append(f)
    return out


def variant_ids(id_or_number: str | int) -> tuple[str, ...]:
    """The ids of a standard's older layouts ("suisho"), in file order."""
    return tuple(str(v["id"]) for v in _descriptors()[_resolve(id_or_number)].get("variants", []))


def variant_fields(id_or_number: str | int, variant: str | None) -> list[dict[str, Any]]:
    """The field descriptors of a standard's layout: the current one (``variant=None``) or an older one.

    A variant's fields are completed from their current counterparts and carry ``standardField``
    naming it, so a rule written for the current names finds the old column.
    """
    descriptor = _descriptors()[_resolve(id_or_number)]
    if variant is None:
        return copy.deepcopy(list(descriptor.get("fields", [])))
    return _resolved_variant(descriptor, variant)


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
    folded = _fold(key)
    for sid, d in table.items():
        number = d.get("standardNumber")
        if number is not None and folded.isdigit() and int(folded) == int(number):
            return sid
        names = (sid, str(d.get("title", "")), *d.get("shortNames", ()))
        if folded in {_fold(n) for n in names}:
            return sid
    raise UsageError(f"標準データセット {id_or_number!r} が見つかりません",
                     hint=f"番号・id・名称・略称で指定できます: {_known(table)}")


def _fold(text: str) -> str:
    """Width, case and spacing folded away: "ＡＥＤ", "aed " and "AED" name the same standard."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def _known(table: Mapping[str, Mapping[str, Any]]) -> str:
    """Each standard as the person may name it: "08 AED設置箇所一覧 (jp-ods-08-aed; AED)"."""
    out = []
    for sid, d in sorted(table.items(), key=lambda kv: (str(kv[1].get("standardNumber", "99")), kv[0])):
        number = d.get("standardNumber")
        short = "; ".join(str(n) for n in d.get("shortNames", ())[:2])
        out.append(f"{number + ' ' if number else ''}{d.get('title', '')} ({sid}{'; ' + short if short else ''})")
    return ", ".join(out)


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
