"""Recording ``bytes`` and ``hash`` of a package's files in its descriptor (``stamp_package``).

A package built from ``sources/`` gets both from the writer; a hand-made package (a descriptor and
its data/*.csv) gets them here: each local file's size and sha256, streamed, written into the
descriptor it already has. A YAML descriptor is edited in place (``yamlio.set_yaml_values``), so
comments, key order and quoting stay as the person wrote them; only when that is impossible (a flow
mapping ``{...}``) is the whole descriptor rewritten, and the result says so. A JSON descriptor is
written again with its own indentation and key order; new keys come after the existing ones, as in
YAML. Nothing is written when nothing changed, and nothing at all when a file is missing.

This module does not validate the descriptor (validation/ does) and never touches data files.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ..atomicfile import write_text
from ..errors import InputError, UsageError
from ..inputfile import UnreadableInput, read_input_bytes
from ..yamlio import YamlEditError, YamlPath, dump_yaml, parse_yaml, set_yaml_values
from .package import MAX_DESCRIPTOR_BYTES, PathProblem, find_descriptor, is_remote, load_descriptor, resolve_data_path

__all__ = ["StampResult", "StampedResource", "file_digest", "stamp_hint", "stamp_package"]

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def file_digest(paths: tuple[Path, ...], chunk_size: int = 1 << 20) -> tuple[str, int]:
    """sha256 (hex) and byte count of the concatenated files, streamed."""
    h = hashlib.sha256()
    size = 0
    for p in paths:
        with p.open("rb") as fh:
            while chunk := fh.read(chunk_size):
                h.update(chunk)
                size += len(chunk)
    return h.hexdigest(), size


@dataclass(frozen=True, slots=True)
class StampedResource:
    """One resource's ``bytes`` and ``hash``, as they were and as recorded."""

    index: int
    name: str
    path: str | tuple[str, ...]  # as written in the descriptor (a list for a multipart resource)
    old_bytes: Any
    new_bytes: int
    old_hash: Any
    new_hash: str  # "sha256:<hex>"

    @property
    def changed(self) -> bool:
        return self.old_bytes != self.new_bytes or self.old_hash != self.new_hash


@dataclass(frozen=True, slots=True)
class StampResult:
    """What ``stamp_package`` recorded. ``written`` is False when every value was already right
    (the descriptor is then byte-identical); ``rewritten`` is True when a YAML descriptor could not
    be edited in place and was written anew (its comments are gone: ``note`` says why)."""

    package: Path
    descriptor: Path
    resources: tuple[StampedResource, ...]
    old_modified: Any = None
    modified: str | None = None  # the modified asked for, if any
    written: bool = False
    rewritten: bool = False
    note: str | None = None

    @property
    def changed(self) -> tuple[StampedResource, ...]:
        return tuple(r for r in self.resources if r.changed)


def stamp_hint(package_dir: str | os.PathLike[str], *, stale: bool = False) -> str:
    """What to do about a missing (or, with ``stale``, a wrong) ``bytes``/``hash``, naming the
    command with ``package_dir`` as the user typed it. A package built from ``sources/`` gets its
    data/ rebuilt by that command: a stale hash there means data/ was edited by hand."""
    try:  # as the report shows paths: relative to the working directory when it can be
        shown = os.path.relpath(package_dir)
    except ValueError:  # another drive on Windows
        shown = os.fspath(package_dir)
    command = f"opendata-pub build {shlex.quote(shown)}"
    from .build import has_sources  # the evaluation build (records, importers): only needed here

    if not has_sources(Path(package_dir)):
        return f"ファイルを直したのなら `{command}` で記録し直せます" if stale else f"`{command}` で記録できます"
    if stale:
        return (f"data/ が手で編集されたようです。`{command}` は data/ を sources/ から作り直します"
                "(手での変更は消えます)。変更は sources/ に入れてから build してください")
    return f"`{command}` で sources/ から data/ と記述子を作り直すと記録されます"


def _check_day(day: str) -> None:
    try:
        ok = bool(_DAY.match(day)) and date.fromisoformat(day) is not None
    except ValueError:
        ok = False
    if not ok:
        raise UsageError(f"日付は YYYY-MM-DD で指定してください: {day}")


def _local_files(root: Path, index: int, resource: Mapping[str, Any], descriptor_path: Path) -> tuple[Path, ...] | None:
    """The files of a resource inside the package; None for a URL or inline data (nothing to record)."""
    raw = resource.get("path")
    values = raw if isinstance(raw, list) else [raw] if raw is not None else []
    if not values or any(isinstance(v, str) and is_remote(v) for v in values):
        return None
    files = []
    for v in values:
        resolved = resolve_data_path(root, v)
        if isinstance(resolved, PathProblem):
            raise InputError(f"resources[{index}].path を記録できません: {resolved.message}", path=str(descriptor_path))
        if not isinstance(resolved, Path) or not resolved.is_file():
            raise InputError("リソースのファイルがありません", path=str(root / str(v)),
                             hint=f"{descriptor_path} の resources[{index}].path を確かめてください")
        files.append(resolved)
    return tuple(files)


def _measure(root: Path, descriptor: Mapping[str, Any], descriptor_path: Path) -> tuple[StampedResource, ...]:
    resources = descriptor.get("resources")
    out = []
    for i, res in enumerate(resources if isinstance(resources, list) else []):
        if not isinstance(res, Mapping):
            continue
        files = _local_files(root, i, res, descriptor_path)
        if files is None:
            continue
        digest, size = file_digest(files)
        path = res["path"]
        out.append(StampedResource(i, str(res.get("name") or i), tuple(path) if isinstance(path, list) else path,
                                   res.get("bytes"), size, res.get("hash"), f"sha256:{digest}"))
    return tuple(out)


def stamp_package(package_dir: str | os.PathLike[str], *, modified: str | None = None) -> StampResult:
    """Record each local file's ``bytes`` and ``hash`` (and ``modified``, YYYY-MM-DD, when given) in
    the descriptor of the package at ``package_dir`` (module doc).

    ``InputError`` for a missing file or a path outside the package (nothing is written then),
    ``UsageError`` for a malformed ``modified``."""
    if modified is not None:
        _check_day(modified)
    descriptor_path = find_descriptor(Path(package_dir))
    root = descriptor_path.parent
    descriptor = load_descriptor(descriptor_path)
    stamped = _measure(root, descriptor, descriptor_path)
    values: dict[YamlPath, Any] = {}
    for r in stamped:
        if r.old_bytes != r.new_bytes or type(r.old_bytes) is not int:
            values[("resources", r.index, "bytes")] = r.new_bytes
        if r.old_hash != r.new_hash:
            values[("resources", r.index, "hash")] = r.new_hash
    old_modified = descriptor.get("modified")
    if modified is not None and old_modified != modified:
        values[("modified",)] = modified
    result = StampResult(Path(package_dir), descriptor_path, stamped, old_modified, modified)
    if not values:
        return result
    written = _write(descriptor_path, descriptor, values)
    return StampResult(result.package, descriptor_path, stamped, old_modified, modified, True,
                       rewritten=written is not None, note=written)


def _read_text(path: Path) -> tuple[str, bool]:
    """The descriptor's text and whether it starts with a BOM (kept when writing back)."""
    try:
        raw = read_input_bytes(path, max_bytes=MAX_DESCRIPTOR_BYTES)
    except UnreadableInput as exc:
        raise InputError(f"記述子を読めません: {exc.problem}", path=str(path)) from exc
    bom = raw.startswith(codecs.BOM_UTF8)
    return raw.decode("utf-8-sig"), bom


def _write(path: Path, descriptor: dict[str, Any], values: Mapping[YamlPath, Any]) -> str | None:
    """Write ``values`` into the descriptor file; returns why it was rewritten whole, or None."""
    text, bom = _read_text(path)
    note = None
    if path.suffix.lower() == ".json":
        new = _json_text(text, _with_values(descriptor, values))
    else:
        try:
            new = set_yaml_values(text, _dated(text, values))
        except YamlEditError as exc:
            # Losing comments is better than leaving the package without bytes/hash; say so.
            note = f"その場で編集できないため記述子全体を書き直しました (コメントは消えます): {exc}"
            new = dump_yaml(_with_values(descriptor, values))
    write_text(path, ("\ufeff" if bom else "") + new)
    return note


def _dated(text: str, values: Mapping[YamlPath, Any]) -> Mapping[YamlPath, Any]:
    """``modified`` written as a plain YAML date (``2026-12-05``) unless the file quotes it now:
    the descriptor keeps the style its author chose."""
    day = values.get(("modified",))
    if day is None:
        return values
    current = parse_yaml(text).get("modified")
    if isinstance(current, str):
        return values
    return {**values, ("modified",): date.fromisoformat(day)}


def _with_values(descriptor: dict[str, Any], values: Mapping[YamlPath, Any]) -> dict[str, Any]:
    """A copy of ``descriptor`` with ``values`` set; a new key goes after the existing ones."""
    out: dict[str, Any] = json.loads(json.dumps(descriptor))
    for path, value in values.items():
        target: Any = out
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
    return out


def _json_text(old: str, data: Mapping[str, Any]) -> str:
    """``data`` as JSON in the style of ``old``: its indentation, its escaping of non-ASCII text, its
    final line break."""
    first_indented = re.search(r"\n([ \t]+)\S", old)
    indent: str | None = first_indented.group(1) if first_indented else None
    if indent is None and "\n" in old.strip():
        indent = ""
    ascii_only = old.isascii() and "\\u" in old
    text = json.dumps(data, ensure_ascii=ascii_only, indent=indent)
    return text + "\n" if old.endswith("\n") else text
