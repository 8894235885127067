"""Write a package: deterministic CSV files and a descriptor that records their size and checksum.

The same inputs always give the same bytes (UTF-8, LF line ends, fixed column order, numbers
written exactly), so re-building unchanged sources rewrites nothing and re-publishing is a no-op.
Dates are never taken from the clock: ``modified`` comes from the package metadata the person
edits, and a build whose data changed while ``modified`` did not is refused with a clear error
(``StaleModifiedError``), because a consumer would otherwise see new data under an old date.
Every file is written to a temporary name and renamed, and nothing is written at all when the
build is refused.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..atomicfile import write_bytes, write_text
from ..csvtext import csv_bytes, format_cell  # re-exported: ``packaging.writer.csv_bytes`` stays
from ..errors import InputError, OpendataPubError
from ..metadata.properties import PROFILE_V2
from ..yamlio import dump_yaml
from .package import DESCRIPTOR_NAMES, load_descriptor

__all__ = ["PROFILE_V2", "BuildResult", "StaleModifiedError", "build_package", "csv_bytes", "format_cell"]

# Key order of a descriptor we write: Frictionless core first, then our publication metadata.
_KEY_ORDER = (
    "$schema", "name", "id", "title", "description", "version", "publisher", "contactPoint", "licenses",
    "keywords", "themes", "spatial", "temporal", "accrualPeriodicity", "issued", "modified", "language",
    "homepage", "conformsTo", "sources", "provenance", "contributors", "resources",
)


class StaleModifiedError(OpendataPubError):
    """The data changed but ``modified`` did not."""


@dataclass(frozen=True, slots=True)
class BuildResult:
    path: Path
    descriptor: dict[str, Any]
    written: tuple[Path, ...]  # files whose bytes changed
    unchanged: tuple[Path, ...]
    data_changed: bool


def _ordered(descriptor: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: descriptor[k] for k in _KEY_ORDER if k in descriptor}
    out.update({k: v for k, v in descriptor.items() if k not in out})
    return out


def _fingerprint(resources: Sequence[Mapping[str, Any]]) -> list[tuple[str, Any, Any]]:
    return [(str(r.get("name")), r.get("hash"), r.get("bytes")) for r in resources]


def build_package(
    directory: str | Path,
    metadata: Mapping[str, Any],
    resources: Sequence[Mapping[str, Any]],
    tables: Mapping[str, Sequence[Mapping[str, Any]]],
    *,
    descriptor_name: str = "datapackage.yaml",
    published: bool = True,
) -> BuildResult:
    """Write ``tables`` as the CSV files of ``resources`` and the descriptor into ``directory``.

    ``metadata`` holds every descriptor key but ``resources`` (it must carry ``modified`` when the
    package has data). ``resources`` are resource descriptors whose ``path`` names the CSV to
    write and whose ``schema.fields`` give the column order; ``bytes`` and ``hash`` are filled in.
    ``published``: the package is on its target already, so changed data needs a new ``modified``
    (before the first publication nobody has seen the old data under that date).
    """
    root = Path(directory)
    if descriptor_name not in DESCRIPTOR_NAMES:
        raise ValueError(descriptor_name)
    payloads: list[tuple[Path, bytes]] = []
    final_resources: list[dict[str, Any]] = []
    for res in resources:
        name = str(res["name"])
        if name not in tables:
            raise InputError(f"リソース {name} の行がありません", path=str(root))
        fields = [str(f["name"]) for f in res["schema"]["fields"]]
        data = csv_bytes(fields, tables[name])
        out = dict(res)
        out["bytes"] = len(data)
        out["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
        final_resources.append(out)
        payloads.append((root / str(res["path"]), data))

    descriptor = _ordered({"$schema": PROFILE_V2, **metadata, "resources": final_resources})
    previous_path = root / descriptor_name
    data_changed = True
    if previous_path.is_file():
        previous = load_descriptor(previous_path)
        data_changed = _fingerprint(previous.get("resources") or []) != _fingerprint(final_resources)
        same_date = previous.get("modified") and previous.get("modified") == descriptor.get("modified")
        if data_changed and published and same_date:
            raise StaleModifiedError(
                f"{previous_path}: データが変わりましたが modified ({descriptor.get('modified')}) が前回と同じです",
                hint="パッケージのメタデータ (sources/package.yaml) の modified を更新日に直すか、"
                     "--modified YYYY-MM-DD を指定してください",
            )
    if final_resources and not descriptor.get("modified"):
        raise StaleModifiedError(f"{root}: modified (最終更新日) がありません",
                                 hint="sources/package.yaml に modified: YYYY-MM-DD を書いてください")

    text = dump_yaml(descriptor) if descriptor_name.endswith((".yaml", ".yml")) else (
        json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n")
    payloads.append((previous_path, text.encode("utf-8")))
    written, unchanged = [], []
    # Data first, descriptor last: a crash in between leaves a descriptor whose hashes disagree
    # with the new data, which validate reports (hash-count), never a descriptor that lies.
    for path, data in payloads:
        if path.is_file() and path.read_bytes() == data:
            unchanged.append(path)
            continue
        if path == previous_path:
            write_text(path, data.decode("utf-8"))
        else:
            write_bytes(path, data)
        written.append(path)
    return BuildResult(root, descriptor, tuple(written), tuple(unchanged), data_changed)
