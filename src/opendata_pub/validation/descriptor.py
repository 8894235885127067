"""Layer (a): the descriptor itself — Frictionless profile, resource names, safe paths, files present.

Returns findings and, for each resource whose file can be read, where it is; the data layer then
reads only those. Nothing here reads data files (it only stats them).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
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


@dataclass
class _DescriptorRun:
    """What one ``check_descriptor`` call collects as it goes through the descriptor."""

    root: Path
    file: str
    allow_remote: bool
    skip_remote: bool
    findings: list[Finding] = field(default_factory=list)
    readable: list[ReadableResource] = field(default_factory=list)
    seen: dict[str, int] = field(default_factory=dict)  # resource name → index of its first use

    def add(self, code: str, message: str, key: str | None = None, resource: str | None = None,
            severity: Severity = Severity.ERROR, where_file: str | None = None, **params: Any) -> None:
        self.findings.append(Finding(code, message, severity, Location(file=where_file or self.file, key=key),
                                     Layer.DESCRIPTOR, resource, params))

    def whole(self, descriptor: Mapping[str, Any]) -> None:
        """The descriptor as a whole: writable as UTF-8, and Frictionless's profile."""
        for bad_key, text in _unencodable(descriptor, ""):
            # JSON and YAML escapes can write a lone surrogate (\\ud800); no UTF-8 file, page or graph can hold it.
            self.add("descriptor-invalid", f"UTF-8 で書けない文字 (対になっていないサロゲート) を含みます: {text!r}",
                     bad_key or None)
        for note, key in descriptor_errors(descriptor):
            if "is not safe" in note:
                continue  # our own path check reports it, with the reason and the key
            self.add("descriptor-invalid", f"Frictionless のプロファイルに合いません: {note}", key)

    def resource(self, i: int, res: Mapping[str, Any]) -> None:
        key = f"resources[{i}]"
        name = res.get("name")
        if isinstance(name, str):
            self._unique(i, key, name)
        label = name if isinstance(name, str) else f"#{i + 1}"
        if res.get("path") is None:
            if res.get("data") is None:
                self.add("resource-no-data", "path も data もありません", key, label)
            elif isinstance(name, str):
                self.readable.append(ReadableResource(i, name, res, (), inline=True))
            return
        paths, remote, ok = self._paths(key, label, res)
        schema = res.get("schema")
        # The schema is checked (and may report) even when a path failed; either keeps the data unread.
        if isinstance(schema, str) and not self._schema(f"{key}.schema", label, schema):
            ok = False
        if ok and isinstance(name, str):
            self.readable.append(ReadableResource(i, name, res, tuple(paths), remote))

    def _unique(self, i: int, key: str, name: str) -> None:
        if name in self.seen:
            self.add("resource-name-duplicate", f"リソース名 {name!r} が resources[{self.seen[name]}] と重複しています",
                     f"{key}.name", name)
        self.seen.setdefault(name, i)

    def _paths(self, key: str, label: str, res: Mapping[str, Any]) -> tuple[list[Path], bool, bool]:
        """The resource's local files, whether any path is remote, and whether every path can be read.

        Every path is checked, so that each problem is reported, not only the first."""
        paths: list[Path] = []
        remote = False
        ok = True
        for j, value in enumerate(iter_resource_paths(res)):
            pkey = f"{key}.path" + (f"[{j}]" if isinstance(res.get("path"), list) else "")
            resolved = self._path(pkey, label, value)
            ok = ok and resolved is not None
            remote = remote or isinstance(resolved, str)
            if isinstance(resolved, Path):
                paths.append(resolved)
        return paths, remote, ok

    def _path(self, pkey: str, label: str, value: Any) -> Path | str | None:
        """A local file, or an allowed remote URL, to read; None (with a finding) when it cannot be read."""
        resolved = resolve_data_path(self.root, value, allow_remote=self.allow_remote or self.skip_remote)
        if isinstance(resolved, str) and self.skip_remote:
            self.add("remote-not-checked", f"リモートのデータは取得せず、検証しません: {value}", pkey, label,
                     Severity.INFO)
            return None
        if isinstance(resolved, PathProblem):
            self.add(resolved.code, resolved.message, pkey, label)
            return None
        if isinstance(resolved, str):
            return resolved
        if not resolved.exists():
            self.add("resource-file-missing", f"ファイルがありません: {value}", pkey, label,
                     where_file=str(Path(self.file).parent / str(value)))
            return None
        if not resolved.is_file():
            self.add("resource-file-missing", f"ファイルではありません: {value}", pkey, label)
            return None
        return resolved

    def _schema(self, skey: str, label: str, schema: str) -> bool:
        """Whether a schema given by path or URL can be used to read the data (False: a finding says why)."""
        if is_remote(schema) and self.skip_remote:
            self.add("remote-not-checked", f"リモートのスキーマは取得せず、データを検証しません: {schema}",
                     skey, label, Severity.INFO)
            return False
        if is_remote(schema) and not self.allow_remote:
            self.add("path-remote", f"リモートのスキーマは許可されていません: {schema}", skey, label)
            return False
        if is_remote(schema):
            return True
        resolved_schema = resolve_data_path(self.root, schema)
        if isinstance(resolved_schema, PathProblem):
            self.add(resolved_schema.code, resolved_schema.message, skey, label)
            return False
        if isinstance(resolved_schema, Path) and not resolved_schema.is_file():
            self.add("resource-file-missing", f"スキーマのファイルがありません: {schema}", skey, label)
            return False
        return True


def check_descriptor(
    descriptor: Mapping[str, Any], root: Path, *, file: str, allow_remote: bool = False, skip_remote: bool = False
) -> tuple[list[Finding], list[ReadableResource]]:
    """Check the descriptor's shape and paths; return the findings and the resources whose data can be
    read. ``skip_remote``: remote paths and schemas are accepted but never fetched (an info finding says
    so) — for a package that came from elsewhere, whose links may point at any host."""
    run = _DescriptorRun(root, file, allow_remote, skip_remote)
    run.whole(descriptor)
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        if not any(f.code == "descriptor-invalid" for f in run.findings):
            run.add("descriptor-no-resources", "resources がありません (少なくとも一つのリソースが必要です)", "resources")
        return run.findings, run.readable
    for i, res in enumerate(resources):
        if isinstance(res, Mapping):  # anything else is reported by the profile check
            run.resource(i, res)
    return run.findings, run.readable


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
