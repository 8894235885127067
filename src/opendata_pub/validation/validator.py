"""One report over four layers: descriptor, data, publication metadata, domain rules.

``validate_package`` never raises for problems in the package: an unreadable descriptor, a missing
file or an undecodable CSV are findings, and the layers that can still run do run. It raises only
when the operation itself cannot go on (for example an I/O error on the disk between checks).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import Settings
from ..errors import InputError
from ..findings import Finding, Layer, Location, PackageReport, Report, Severity
from ..packaging.columnar import ScanUnsupported, matching_cells
from ..packaging.frictionless_io import read_rows
from ..packaging.package import LocalPackage, find_descriptor, load_descriptor
from ..progress import NullProgress, Progress
from .data import check_data
from .descriptor import ReadableResource, check_descriptor
from .rules import row_text_cells, run_rules, text_patterns

if TYPE_CHECKING:
    from .target import TargetInfo

__all__ = ["Profile", "validate_package", "validate_packages"]

# Smaller files are read before a progress bar would be drawn.
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
    text_hits: Mapping[str, Mapping[str, list[tuple[int, str, str, str]]]] = field(default_factory=dict)
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

    def text_cells(self, resource: str, pattern: str) -> Iterator[tuple[int | None, str, str, str]]:
        """See PackageView: found in the data layer's pass, else column-wise with the columnar
        engine, else over the cached rows."""
        if pattern in self.text_hits.get(resource, {}):
            yield from self.text_hits[resource][pattern]
            return
        desc = dict(self.resources[resource].descriptor)
        if resource in self.encodings:
            desc["encoding"] = self.encodings[resource]
        schema = desc.get("schema")
        if isinstance(schema, Mapping) and "foreignKeys" in schema:  # keys were checked in the data layer
            desc["schema"] = {k: v for k, v in schema.items() if k != "foreignKeys"}
        if resource in self._cache or not isinstance(desc.get("path"), str):
            yield from row_text_cells(self, resource, pattern)
            return
        found = matching_cells(self.root, desc, pattern)
        try:
            first = next(found, None)
        except ScanUnsupported:
            yield from row_text_cells(self, resource, pattern)
            return
        if first is not None:
            yield first
            yield from found


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
    limit_errors: int = 1000,
) -> PackageReport:
    """Validate one package (its folder or descriptor file) and return its report. With ``target``,
    also what that publishing target would refuse, as far as it is known offline (validation/target.py).
    ``limit_errors``: row findings per resource, after which its rows are not checked further."""
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
    data_findings, encodings, text_hits = _data_layer(readable, package.root, descriptor, file, report.name,
                                                      progress, rules, limit_errors)
    report.add(data_findings)
    report.checked.append(Layer.DATA.value)

    # (c) publication metadata. The metadata, target and SHACL layers are imported where they run:
    # rdflib and pyshacl cost 0.3 s to import, which `--profile none` (a foreign package's data) never needs.
    if profile is Profile.JP:
        from .metadata import check_metadata

        report.add(check_metadata(descriptor, settings, file=file))
        report.checked.append(Layer.METADATA.value)
    if target is not None:
        from .target import check_target

        report.add(check_target(descriptor, target, file=file))

    # (d) domain rules — over resources whose files could be read at all
    if rules:
        broken = {f.resource for f in data_findings if f.resource and f.code in _UNREADABLE}
        view = _View(report.name, descriptor, package.root, {r.name: r for r in readable}, encodings, broken,
                     text_hits)
        report.add(_safe_rules(view, file))
        report.checked.append(Layer.DOMAIN.value)

    # (e) SHACL — added with the RDF work (validation/shacl.py owns this layer): the package's DCAT-AP 3
    # graph, and evaluation data, against the official DCAT-AP 3.0.1 shapes and vocab/shapes.ttl.
    if profile is Profile.JP:
        from .shacl import check_shacl

        report.add(check_shacl(package, settings, file=file, encodings=encodings).findings)
        report.checked.append(Layer.SHACL.value)
    return report


def _data_layer(readable: list[ReadableResource], root: Path, descriptor: Mapping[str, Any], file: str,
                name: str, progress: Progress, rules: bool, limit_errors: int
                ) -> tuple[list[Finding], dict[str, str], dict[str, dict[str, list[tuple[int, str, str, str]]]]]:
    """Layer (b), with a progress bar in bytes for each file large enough to wait for."""
    def file_of(r: ReadableResource) -> str:
        return display_path(r.paths[0]) if r.paths else f"{file}:resources[{r.index}]"

    sized: set[str] = set()
    for r in readable:
        total = sum(x.stat().st_size for x in r.paths) if r.paths and not r.remote else 0
        if total >= _PROGRESS_MIN_BYTES:
            sized.add(r.name)
            progress.start(r.name, f"{name}/{r.name}", total, unit="bytes")

    def on_bytes(resource: str, done: int) -> None:
        if resource in sized:
            progress.advance(resource, done)

    try:
        return check_data(readable, root, file_of=file_of, on_bytes=on_bytes,
                          text_patterns=text_patterns() if rules else (), profile=_profile_url(descriptor),
                          limit_errors=limit_errors)
    finally:
        for resource in sized:
            progress.finish(resource)


def _profile_url(descriptor: Mapping[str, Any]) -> str | None:
    value = descriptor.get("$schema")
    return value if isinstance(value, str) else None


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
    jobs: int = 1,
    limit_errors: int = 1000,
    on_report: Callable[[int, PackageReport], None] | None = None,
) -> Report:
    """Validate several packages into one report (``target``: see validate_package), ``jobs`` at a
    time in worker processes (validation is mostly Python: threads would wait on one another).
    ``on_report(i, report)`` is called as each package's report arrives, in order (a caller that keeps
    reports keeps those done when a long run is interrupted)."""
    progress = progress or NullProgress()
    options: dict[str, Any] = {"profile": profile, "allow_remote": allow_remote, "target": target,
                               "limit_errors": limit_errors}
    arrived = on_report or _ignore
    if len(paths) < 2:
        reports = [validate_package(p, settings, progress=progress, **options) for p in paths]
        for i, report in enumerate(reports):
            arrived(i, report)
        return Report(reports)
    progress.start("packages", "パッケージ", len(paths), unit="packages")
    if jobs <= 1:
        return _one_by_one(paths, settings, progress, options, arrived)
    # spawn, not fork: the parent may hold the columnar engine's threads, which a fork would copy mid-work.
    context = multiprocessing.get_context("spawn")
    try:
        with ProcessPoolExecutor(max_workers=min(jobs, len(paths)), mp_context=context) as pool:
            futures = [pool.submit(validate_package, p, settings, **options) for p in paths]
            reports = []
            for done, future in enumerate(futures, start=1):
                reports.append(future.result())
                arrived(done - 1, reports[-1])
                progress.advance("packages", done)
    finally:
        progress.finish("packages")
    return Report(reports)


def _ignore(i: int, report: PackageReport) -> None:
    pass


def _one_by_one(paths: Sequence[str | os.PathLike[str]], settings: Settings | None, progress: Progress,
                options: dict[str, Any], arrived: Callable[[int, PackageReport], None]) -> Report:
    """validate_packages in this process: each package's resources with their byte bars, under the bar
    of packages (started by the caller)."""
    reports = []
    try:
        for done, p in enumerate(paths, start=1):
            reports.append(validate_package(p, settings, progress=progress, **options))
            arrived(done - 1, reports[-1])
            progress.advance("packages", done)
    finally:
        progress.finish("packages")
    return Report(reports)
