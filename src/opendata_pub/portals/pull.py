"""Pull a published dataset back as a package: for consumers.

The package is rebuilt from the ``datapackage.json`` stored beside the files (byte for byte), or,
for a dataset published by another tool, mapped from the CKAN metadata. Every file is streamed to
disk and checked against the sizes and sha256 the descriptor and the portal record; then the package
is validated. All of it happens in a temporary folder beside the destination, renamed into place
only when every file checked out, so an interrupted or failed pull leaves nothing half-written.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from ..errors import InputError, NotFound, PortalRejected, UsageError
from ..findings import PackageReport
from ..packaging.package import PathProblem, resolve_data_path
from ..progress import NullProgress, Progress
from ..validation.validator import Profile, validate_package
from .ckan import CkanTarget
from .mapping import descriptor_from_ckan, normalize_resource
from .source import DESCRIPTOR_RESOURCE, descriptor_json

__all__ = ["PullResult", "pull_dataset"]


@dataclass(slots=True)
class PullResult:
    path: Path
    name: str
    descriptor_from: str  # "datapackage.json" (stored by the publisher) or "ckan" (mapped from metadata)
    files: list[str] = field(default_factory=list)  # paths inside the package
    bytes: int = 0
    report: PackageReport | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "name": self.name, "descriptorFrom": self.descriptor_from,
                "files": list(self.files), "bytes": self.bytes,
                "report": self.report.to_dict() if self.report is not None else None}


def _safe_filename(url: str, fallback: str) -> str:
    name = PurePosixPath(urlsplit(url).path).name
    keep = "".join(c for c in name if c.isalnum() or c in "._-")
    return keep.lstrip(".") or fallback


def _check(what: str, got: tuple[int, str], size: Any, sha: str | None) -> None:
    if isinstance(size, int) and not isinstance(size, bool) and size != got[0]:
        raise PortalRejected(f"{what}: ダウンロードしたサイズ {got[0]:,} バイトが記録 ({size:,} バイト) と違います",
                             hint="公開の途中かもしれません。しばらくしてから再実行してください")
    if sha and sha != got[1]:
        raise PortalRejected(f"{what}: ダウンロードした内容の sha256 が記録と違います",
                             hint="公開の途中かもしれません。しばらくしてから再実行してください")


def pull_dataset(
    dataset: str,
    source: CkanTarget,
    out: str | os.PathLike[str],
    *,
    force: bool = False,
    validate: bool = True,
    progress: Progress | None = None,
) -> PullResult:
    """Download ``dataset`` from ``source`` into the package folder ``out`` (see the module doc)."""
    progress = progress or NullProgress()
    dest = Path(out)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())) and not force:
        raise UsageError(f"{dest}: すでにあります (上書きするには --force)")
    pkg = source.show(dataset)
    if pkg is None:
        raise NotFound(f"データセット {dataset} はポータル {source.client.url} にありません", status=404)
    resources = [r for r in pkg.get("resources") or [] if isinstance(r, Mapping)]
    by_name: dict[str, Mapping[str, Any]] = {}
    for r in resources:
        by_name.setdefault(str(r.get("name") or ""), r)

    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".pull", dir=dest.parent))
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod(0o777 & ~umask)  # mkdtemp makes it private; the package should have the usual mode
    try:
        result = PullResult(path=dest, name=str(pkg.get("name")), descriptor_from="datapackage.json")
        stored = by_name.get(DESCRIPTOR_RESOURCE)
        downloads: list[tuple[str, Mapping[str, Any], Path, Any, str | None]] = []
        if stored is not None and stored.get("url"):
            dp_path = tmp / DESCRIPTOR_RESOURCE
            got = source.client.download(str(stored["url"]), dp_path)
            n = normalize_resource(stored)
            _check(DESCRIPTOR_RESOURCE, got, n.get("size"), n.get("hash"))
            try:
                descriptor = json.loads(dp_path.read_bytes().decode("utf-8-sig"))
            except (UnicodeDecodeError, ValueError) as exc:
                raise InputError(f"ポータルの datapackage.json が JSON として読めません: {exc}") from exc
            if not isinstance(descriptor, dict):
                raise InputError("ポータルの datapackage.json がマッピングではありません")
            result.files.append(DESCRIPTOR_RESOURCE)
            result.bytes += got[0]
            for i, res in enumerate(descriptor.get("resources") or []):
                if not isinstance(res, Mapping) or not isinstance(res.get("path"), str) or "://" in res["path"]:
                    continue  # inline data, or a link: nothing to download
                remote = by_name.get(str(res.get("name")))
                if remote is None or not remote.get("url"):
                    raise PortalRejected(f"リソース {res.get('name')} がポータルのデータセットにありません",
                                         hint="公開の途中かもしれません。しばらくしてから再実行してください")
                target = resolve_data_path(tmp, res["path"])
                if not isinstance(target, Path):  # never write outside the package
                    problem = target.message if isinstance(target, PathProblem) else target
                    raise InputError(f"datapackage.json の resources[{i}].path: {problem}")
                declared = str(res.get("hash") or "")
                sha = declared.removeprefix("sha256:") if declared.startswith("sha256:") else None
                downloads.append((str(res["path"]), remote, target, res.get("bytes"), sha))
        else:
            result.descriptor_from = "ckan"
            descriptor = descriptor_from_ckan(pkg)
            used: set[str] = set()
            names: set[str] = set()
            for res, remote in zip(descriptor["resources"], resources):
                url = str(remote.get("url") or "")
                upload = remote.get("url_type") == "upload"
                filename = _safe_filename(url, str(res.get("name") or "file"))
                # CKAN names are free text; a Frictionless name is not: derive one, keep CKAN's as title
                slug = re.sub(r"[^a-z0-9._-]+", "-", PurePosixPath(filename).stem.lower()).strip("-") or "file"
                while slug in names:
                    slug += "-2"
                names.add(slug)
                if res.get("name") and res["name"] != slug:
                    res.setdefault("title", res["name"])
                res["name"] = slug
                if not upload:
                    if url:
                        res["path"] = url  # a link stays a link
                    continue
                while f"data/{filename}" in used:
                    filename = "_" + filename
                used.add(f"data/{filename}")
                res["path"] = f"data/{filename}"
                n = normalize_resource(remote)
                downloads.append((res["path"], remote, tmp / "data" / filename, n.get("size"), None))
            (tmp / DESCRIPTOR_RESOURCE).write_bytes(descriptor_json(descriptor))

        total = sum(int(d[3]) for d in downloads if isinstance(d[3], int))
        progress.start("pull", f"{dataset} をダウンロード", total or None, unit="bytes")
        try:
            for rel, remote, target, size, sha in downloads:
                target.parent.mkdir(parents=True, exist_ok=True)
                base = result.bytes

                def advance(n: int, base: int = base) -> None:
                    progress.advance("pull", base + n)

                got = source.client.download(str(remote["url"]), target, on_progress=advance)
                n = normalize_resource(remote)
                _check(rel, got, size, sha)
                _check(rel, got, n.get("size"), n.get("hash"))
                result.files.append(rel)
                result.bytes += got[0]
        finally:
            progress.finish("pull")

        if validate:
            result.report = validate_package(tmp, None, profile=Profile.NONE, allow_remote=True)
            result.report.path = str(dest)
        _install(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return result


def _install(tmp: Path, dest: Path) -> None:
    """Put the finished package in place with renames (the old one removed only afterwards)."""
    old = None
    if dest.exists():
        old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
        os.replace(dest, old)
    try:
        os.replace(tmp, dest)
    except BaseException:
        if old is not None:
            os.replace(old, dest)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
