"""A local package as the publisher sees it: descriptor, files with their size and sha256, and the
``datapackage.json`` to store beside them.

The portal keeps the package's own descriptor as a resource named ``datapackage.json`` so a consumer
can rebuild the package exactly. A package written as ``datapackage.json`` is stored byte for byte;
one written as YAML is stored as the same descriptor in JSON (deterministic: the same YAML always
gives the same bytes, so an unchanged package is never re-uploaded). With the project's settings the
stored descriptor is self-contained (``metadata.publication.self_contained``: the publisher's name,
contact point and licence written in), so the package validates where there is no opendata.yaml; a
``datapackage.json`` that already says all of it is still stored byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import InputError
from ..findings import PackageReport
from ..metadata.publication import PublisherLookup, self_contained
from ..packaging.package import DescriptorMemo, LocalPackage, PathProblem, load_package, resolve_data_path
from ..packaging.stamp import file_digest

__all__ = ["DESCRIPTOR_RESOURCE", "SourceFile", "SourcePackage", "descriptor_json", "load_source"]

# The CKAN resource that holds the package descriptor. Not a valid resource name (it has a dot), so
# it can never collide with one of the package's own resources.
DESCRIPTOR_RESOURCE = "datapackage.json"

# Findings that mean the descriptor's bytes/hash cannot be trusted for a resource.
_UNTRUSTED = {"hash-count", "byte-count", "resource-file-missing", "source-error"}


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One file to publish: a local file (``path`` or generated ``data``) or a remote link (``url``)."""

    name: str  # the resource name on the portal
    filename: str  # the name the portal stores (last segment of the download URL)
    media_type: str
    path: Path | None = None
    data: bytes | None = None
    url: str | None = None
    size: int | None = None
    sha256: str | None = None  # hex

    @property
    def local(self) -> bool:
        return self.url is None


@dataclass(frozen=True, slots=True)
class SourcePackage:
    path: Path  # the package folder
    descriptor_path: Path
    descriptor: dict[str, Any]
    files: tuple[SourceFile, ...]  # in resource order; resources without a file are skipped
    datapackage: SourceFile  # the descriptor as stored on the portal
    notes: tuple[str, ...] = ()  # what will not be published as a resource, and why

    @property
    def name(self) -> str:
        name = self.descriptor.get("name")
        return name if isinstance(name, str) else self.path.name

    def resource(self, name: str) -> dict[str, Any]:
        for r in self.descriptor.get("resources") or []:
            if isinstance(r, dict) and r.get("name") == name:
                return r
        return {}


def descriptor_json(descriptor: Mapping[str, Any]) -> bytes:
    """A descriptor as the JSON we store: UTF-8, indented, key order kept, final newline."""
    return (json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _media_type(resource: Mapping[str, Any], filename: str) -> str:
    value = resource.get("mediatype")
    if isinstance(value, str) and "/" in value:
        return value
    guessed, _ = mimetypes.guess_type(filename)
    return guessed or "application/octet-stream"


def load_source(path: str | os.PathLike[str], *, report: PackageReport | None = None,
                settings: PublisherLookup | None = None, memo: DescriptorMemo | None = None) -> SourcePackage:
    """Read a package for publishing. Sizes and checksums come from the files themselves, except
    where ``report`` (a validation of this package just now) confirmed the descriptor's values.
    ``settings``: the publishers whose name, contact and licence the stored descriptor carries;
    ``memo``: parsed descriptors kept between runs (``packaging.package.load_descriptor``)."""
    pkg = load_package(path, memo=memo)
    trusted: set[str] = set()
    if report is not None and "data" in report.checked:
        flagged = {f.resource for f in report.findings if f.code in _UNTRUSTED}
        trusted = {str(r.get("name")) for r in pkg.resources()} - {x for x in flagged if x}
    files: list[SourceFile] = []
    notes: list[str] = []
    seen: set[str] = set()
    for index, res in enumerate(pkg.resources()):
        name = _resource_name(pkg, res, index, seen)
        file = _resource_file(pkg, res, index, name, trusted=name in trusted)
        if file is None:
            notes.append(f"リソース {name} はファイルを持たない (data) ため datapackage.json の中だけで公開します")
        else:
            files.append(file)
    dp = _descriptor_file(pkg, settings)
    return SourcePackage(path=pkg.root, descriptor_path=pkg.descriptor_path, descriptor=pkg.descriptor,
                         files=tuple(files), datapackage=dp, notes=tuple(notes))


def _resource_name(pkg: LocalPackage, res: Mapping[str, Any], index: int, seen: set[str]) -> str:
    """The resource's name, which must be set and unique (added to ``seen``)."""
    name = res.get("name")
    if not isinstance(name, str) or not name:
        raise InputError("名前 (name) のないリソースは公開できません", path=str(pkg.descriptor_path),
                         where=f"resources[{index}]")
    if name in seen:
        raise InputError(f"リソース名 {name} が重複しています", path=str(pkg.descriptor_path),
                         where=f"resources[{index}].name")
    seen.add(name)
    return name


def _resource_file(pkg: LocalPackage, res: Mapping[str, Any], index: int, name: str, *,
                   trusted: bool) -> SourceFile | None:
    """The file a resource publishes: a local file, a remote link, or None (inline data)."""
    value = res.get("path")
    if value is None:
        return None
    if isinstance(value, list):
        raise InputError(f"リソース {name} は複数のファイルからなるため CKAN に公開できません",
                         path=str(pkg.descriptor_path), where=f"resources[{index}].path",
                         hint="一つのファイルにまとめるか、ファイルごとにリソースを分けてください")
    target = resolve_data_path(pkg.root, value, allow_remote=True)
    if isinstance(target, PathProblem):
        raise InputError(target.message, path=str(pkg.descriptor_path), where=f"resources[{index}].path")
    declared_hash = res.get("hash") if isinstance(res.get("hash"), str) else None
    declared_bytes = res.get("bytes") if isinstance(res.get("bytes"), int) else None
    if isinstance(target, str):  # a remote URL: published as a link, never downloaded
        sha = declared_hash.removeprefix("sha256:") if declared_hash and declared_hash.startswith("sha256:") else None
        return SourceFile(name=name, filename=PurePosixPath(target.split("?")[0]).name or name,
                          media_type=_media_type(res, target), url=target, size=declared_bytes, sha256=sha)
    if not target.is_file():
        raise InputError(f"リソース {name} のファイルがありません", path=str(target))
    if trusted and declared_hash and declared_hash.startswith("sha256:") and declared_bytes is not None:
        size, sha = declared_bytes, declared_hash.removeprefix("sha256:")
    else:
        try:
            sha, size = file_digest((target,))
        except OSError as exc:
            raise InputError(f"読めません: {exc.strerror}", path=str(target)) from exc
    return SourceFile(name=name, filename=target.name, media_type=_media_type(res, target.name),
                      path=target, size=size, sha256=sha)


def _descriptor_file(pkg: LocalPackage, settings: PublisherLookup | None) -> SourceFile:
    """datapackage.json as a resource: the file itself (when nothing needs writing into it), or one
    generated from the descriptor made self-contained."""
    published = self_contained(pkg.descriptor, settings)
    if pkg.descriptor_path.name == DESCRIPTOR_RESOURCE and published == pkg.descriptor:
        sha, size = file_digest((pkg.descriptor_path,))
        return SourceFile(name=DESCRIPTOR_RESOURCE, filename=DESCRIPTOR_RESOURCE, media_type="application/json",
                          path=pkg.descriptor_path, size=size, sha256=sha)
    try:
        data = descriptor_json(published)
    except UnicodeEncodeError as exc:  # a lone surrogate a JSON or YAML escape wrote
        text = exc.object if isinstance(exc.object, str) else ""
        raise InputError(f"UTF-8 で書けない文字 (対になっていないサロゲート) があります: "
                         f"{text[max(0, exc.start - 30): exc.end + 30]!r}", path=str(pkg.descriptor_path),
                         hint="opendata-pub validate で場所を確かめて直してください") from exc
    return SourceFile(name=DESCRIPTOR_RESOURCE, filename=DESCRIPTOR_RESOURCE, media_type="application/json",
                      data=data, size=len(data), sha256=hashlib.sha256(data).hexdigest())
