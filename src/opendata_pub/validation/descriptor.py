"""Layer (a): the descriptor itself — Frictionless profile, resource names, safe paths, files present.

Returns findings and, for each resource whose file can be read, where it is; the data layer then
reads only those. Nothing here reads data files (it only stats them).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..findings import Finding, Layer, Location, Severity
from ..packaging.frictionless_io import descriptor_errors
from ..packaging.package import PathProblem, is_remote, iter_resource_paths, resolve_data_path

__all__ = ["ReadableResource", "check_descriptor"]


@dataclass(frozen=True, slots=True)
class ReadableResource:
    index: int
    name: str
    descriptor: Mapping[str, Any]
    paths: tuple[Path, ...]  # local files, in order (multipart resources have several)
    remote: bool = False  # an allowed remote path: not read for encoding/hash by us
    inline: bool = False  # rows given in the descriptor's ``data``


def check_descriptor(
    descriptor: Mapping[str, Any], root: Path, *, file: str, allow_remote: bool = False, skip_remote: bool = False
) -> tuple[list[Finding], list[ReadableResource]]:
    """Check the descriptor's shape and paths; return the findings and the resources whose data can be
    read. ``skip_remote``: remote paths and schemas are accepted but never fetched (an info finding says
    so) — for a package that came from elsewhere, whose links may point at any host."""
    findings: list[Finding] = []
    readable: list[ReadableResource] = []

    def add(code: str, message: str, key: str | None = None, resource: str | None = None,
            severity: Severity = Severity.ERROR, where_file: str | None = None, **params: Any) -> None:
        findings.append(Finding(code, message, severity, Location(file=where_file or file, key=key),
                                Layer.DESCRIPTOR, resource, params))

    for bad_key, text in _unencodable(descriptor, ""):
        # JSON and YAML escapes can write a lone surrogate (\\ud800); no UTF-8 file, page or graph can hold it.
        add("descriptor-invalid", f"UTF-8 で書けない文字 (対になっていないサロゲート) を含みます: {text!r}", bad_key or None)

    for note, key in descriptor_errors(descriptor):
        if "is not safe" in note:
            continue  # our own path check below reports it, with the reason and the key
        add("descriptor-invalid", f"Frictionless のプロファイルに合いません: {note}", key)

    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        if not any(f.code == "descriptor-invalid" for f in findings):
            add("descriptor-no-resources", "resources がありません (少なくとも一つのリソースが必要です)", "resources")
        return findings, readable

    seen: dict[str, int] = {}
    for i, res in enumerate(resources):
        key = f"resources[{i}]"
        if not isinstance(res, Mapping):
            continue  # reported by the profile check
        name = res.get("name")
        if isinstance(name, str):
            if name in seen:
                add("resource-name-duplicate", f"リソース名 {name!r} が resources[{seen[name]}] と重複しています",
                    f"{key}.name", name)
            seen.setdefault(name, i)
        label = name if isinstance(name, str) else f"#{i + 1}"
        if res.get("path") is None:
            if res.get("data") is None:
                add("resource-no-data", "path も data もありません", key, label)
            elif isinstance(name, str):
                readable.append(ReadableResource(i, name, res, (), inline=True))
            continue
        paths: list[Path] = []
        remote = False
        ok = True
        for j, value in enumerate(iter_resource_paths(res)):
            pkey = f"{key}.path" + (f"[{j}]" if isinstance(res.get("path"), list) else "")
            resolved = resolve_data_path(root, value, allow_remote=allow_remote or skip_remote)
            if isinstance(resolved, str) and skip_remote:
                add("remote-not-checked", f"リモートのデータは取得せず、検証しません: {value}", pkey, label,
                    Severity.INFO)
                ok = False
            elif isinstance(resolved, PathProblem):
                add(resolved.code, resolved.message, pkey, label)
                ok = False
            elif isinstance(resolved, str):
                remote = True
            elif not resolved.exists():
                add("resource-file-missing", f"ファイルがありません: {value}", pkey, label,
                    where_file=str(Path(file).parent / str(value)))
                ok = False
            elif not resolved.is_file():
                add("resource-file-missing", f"ファイルではありません: {value}", pkey, label)
                ok = False
            else:
                paths.append(resolved)
        schema = res.get("schema")
        if isinstance(schema, str):
            if is_remote(schema) and skip_remote:
                add("remote-not-checked", f"リモートのスキーマは取得せず、データを検証しません: {schema}",
                    f"{key}.schema", label, Severity.INFO)
                ok = False
            elif is_remote(schema) and not allow_remote:
                add("path-remote", f"リモートのスキーマは許可されていません: {schema}", f"{key}.schema", label)
                ok = False
            elif not is_remote(schema):
                resolved_schema = resolve_data_path(root, schema)
                if isinstance(resolved_schema, PathProblem):
                    add(resolved_schema.code, resolved_schema.message, f"{key}.schema", label)
                    ok = False
                elif isinstance(resolved_schema, Path) and not resolved_schema.is_file():
                    add("resource-file-missing", f"スキーマのファイルがありません: {schema}", f"{key}.schema", label)
                    ok = False
        if ok and isinstance(name, str):
            readable.append(ReadableResource(i, name, res, tuple(paths), remote))
    return findings, readable


def _unencodable(value: Any, key: str) -> Iterator[tuple[str, str]]:
    """(key path, text) of every key or string in ``value`` holding a lone surrogate."""
    if isinstance(value, str):
        if any(0xD800 <= ord(c) <= 0xDFFF for c in value):
            yield key, value
    elif isinstance(value, Mapping):
        for k, v in value.items():
            sub = f"{key}.{k}" if key else str(k)
            if isinstance(k, str) and any(0xD800 <= ord(c) <= 0xDFFF for c in k):
                yield key or "(root)", k
            yield from _unencodable(v, sub)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _unencodable(v, f"{key}[{i}]")


def iter_keys(descriptor: Mapping[str, Any]) -> Iterator[str]:  # pragma: no cover - debugging aid
    yield from descriptor
