"""One report over four layers: descriptor, data, publication metadata, domain rules.

``validate_package`` never raises for problems in the package: an unreadable descriptor, a missing
file or an undecodable CSV are findings, and the layers that can still run do run. It raises only
when the operation itself cannot go on (for example an I/O error on the disk between checks).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import InputError
from ..findings import Finding, Layer, Location, PackageReport, Report, Severity
from ..packaging.frictionless_io import read_rows
from ..packaging.package import LocalPackage, find_descriptor, load_descriptor
from ..progress import NullProgress, Progress
from .data import check_data
from .descriptor import ReadableResource, check_descriptor
from .metadata import check_metadata
from .rules import run_rules
from .shacl import check_shacl
from .target import TargetInfo, check_target

__all__ = ["Profile", "validate_package", "validate_packages"]

# Counting lines to size a progress bar costs a fast pass; only worth it for files this large.
_PROGRESS_MIN_BYTES = 8 * 1024 * 1024


class Profile(str, Enum):
    """Which metadata profile layer (c) checks."""

    JP = "jp"  # DCAT-AP 3 obligations + our Japanese fields (the default)
    NONE = "none"  # a foreign package's data alone: layers (a), (b) and (d) only


def display_path(path: Path) -> str:
    """A path as users should read it: relative to the working directory when inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


@dataclass
class _View:
    """PackageView over a package on disk; rows are read on first use and cached."""

    name: str
    descriptor: Mapping[str, Any]
    root: Path
    resources: dict[str, ReadableResource]
    encodings: dict[str, str]
    broken: set[str]
    _cache: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def has(self, resource: str) -> bool:
        r = self.resources.get(resource)
        return r is not None and not r.remote and resource not in self.broken and (bool(r.paths) or r.inline)

    def rows(self, resource: str) -> list[dict[str, Any]]:
        if resource not in self._cache:
            r = self.resources[resource]
            desc = dict(r.descriptor)
            if resource in self.encodings:
                desc["encoding"] = self.encodings[resource]
            self._cache[resource] = read_rows(self.root, desc)
        return self._cache[resource]

    def file(self, resource: str) -> str:
        r = self.resources[resource]
        return display_path(r.paths[0]) if r.paths else resource

    def fields(self, resource: str) -> list[Mapping[str, Any]]:
        schema = self.resources[resource].descriptor.get("schema")
        if isinstance(schema, Mapping) and isinstance(schema.get("fields"), list):
            return [f for f in schema["fields"] if isinstance(f, Mapping)]
        return []


# Data findings after which a resource's rows are not read for the domain rules: the file could not be
# read, or its schema describes another layout than the file's (its rows would be read off by column).
_UNREADABLE = frozenset({"encoding-undecodable", "encoding-mismatch", "file-empty", "source-error", "format-error",
                         "encoding-error", "scheme-error", "schema-error", "field-error", "standard-layout-mismatch"})


def _count_lines(path: Path) -> int:
    n = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            n += chunk.count(b"\n")
    return n


def validate_package(
    path: str | os.PathLike[str],
    settings: Settings | None = None,
    *,
    profile: Profile = Profile.JP,
    allow_remote: bool = False,
    progress: Progress | None = None,
    rules: bool = True,
    skip_remote: bool = False,
    target: TargetInfo | None = None,
) -> PackageReport:
    """Validate one package (its folder or descriptor file) and return its report. With ``target``,
    also what that publishing target would refuse, as far as it is known offline (validation/target.py)."""
    progress = progress or NullProgress()
    p = Path(path)
    report = PackageReport(path=display_path(p))
    try:
        descriptor_path = find_descriptor(p)
        descriptor = load_descriptor(descriptor_path)
    except InputError as exc:
        report.add([Finding("descriptor-unreadable", exc.message, Severity.ERROR,
                            Location(file=exc.path or display_path(p), key=exc.where), Layer.DESCRIPTOR)])
        report.checked.append(Layer.DESCRIPTOR.value)
        return report
    package = LocalPackage(descriptor_path.parent, descriptor_path, descriptor)
    report.name = package.name
    file = display_path(descriptor_path)

    # (a) descriptor
    findings, readable = check_descriptor(descriptor, package.root, file=file, allow_remote=allow_remote,
                                         skip_remote=skip_remote)
    report.add(findings)
    report.checked.append(Layer.DESCRIPTOR.value)

    # (b) data
    def file_of(r: ReadableResource) -> str:
        return display_path(r.paths[0]) if r.paths else f"{file}:resources[{r.index}]"

    sized: dict[str, int] = {}
    for r in readable:
        total = sum(x.stat().st_size for x in r.paths) if r.paths else 0
        if total >= _PROGRESS_MIN_BYTES:
            sized[r.name] = _count_lines(r.paths[0])
            progress.start(r.name, f"{report.name}/{r.name}", sized[r.name])

    def on_row(resource: str, row: int) -> None:
        if resource in sized and row % 1000 == 0:
            progress.advance(resource, row)

    try:
        data_findings, encodings = check_data(readable, package.root, file_of=file_of, on_row=on_row)
    finally:
        for name in sized:
            progress.finish(name)
    report.add(data_findings)
    report.checked.append(Layer.DATA.value)

    # (c) publication metadata
    if profile is Profile.JP:
        report.add(check_metadata(descriptor, settings, file=file))
        report.checked.append(Layer.METADATA.value)
    if target is not None:
        report.add(check_target(descriptor, target, file=file))

    # (d) domain rules — over resources whose files could be read at all
    if rules:
        broken = {f.resource for f in data_findings if f.resource and f.code in _UNREADABLE}
        view = _View(report.name, descriptor, package.root, {r.name: r for r in readable}, encodings, broken)
        report.add(_safe_rules(view, file))
        report.checked.append(Layer.DOMAIN.value)

    # (e) SHACL — added with the RDF work (validation/shacl.py owns this layer): the package's DCAT-AP 3
    # graph, and evaluation data, against the official DCAT-AP 3.0.1 shapes and vocab/shapes.ttl.
    if profile is Profile.JP:
        report.add(check_shacl(package, settings, file=file, encodings=encodings).findings)
        report.checked.append(Layer.SHACL.value)
    return report


def _safe_rules(view: _View, file: str) -> Iterable[Finding]:
    """Run the rules; a rule that crashes on odd data becomes a finding, not a crashed run."""
    try:
        return list(run_rules(view))
    except Exception as exc:  # noqa: BLE001 - one buggy rule must not hide the rest of the report
        if os.environ.get("OPENDATA_PUB_DEBUG"):
            raise
        return [Finding("rule-crashed", f"ドメインルールの実行中にエラーが起きました: {type(exc).__name__}: {exc}",
                        Severity.ERROR, Location(file=file), Layer.DOMAIN)]


def validate_packages(
    paths: Sequence[str | os.PathLike[str]],
    settings: Settings | None = None,
    *,
    profile: Profile = Profile.JP,
    allow_remote: bool = False,
    progress: Progress | None = None,
    target: TargetInfo | None = None,
) -> Report:
    """Validate several packages into one report (``target``: see validate_package)."""
    return Report([validate_package(p, settings, profile=profile, allow_remote=allow_remote, progress=progress,
                                    target=target)
                   for p in paths])
