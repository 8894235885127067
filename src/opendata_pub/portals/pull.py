"""Pull a published dataset back as a package: for consumers.

The package is rebuilt from the ``datapackage.json`` stored beside the files (byte for byte), or,
for a dataset published by another tool, mapped from the CKAN metadata. Every file is streamed to
disk and checked against the sizes and sha256 the descriptor and the portal record; then the package
is validated. All of it happens in a temporary folder beside the destination, renamed into place
only when every file checked out, so an interrupted or failed pull leaves nothing half-written.

``pull_static`` does the same from a static catalog (static.py), a folder or an http(s) URL: it reads
``DATASET/datapackage.json`` and fetches the files it lists, each checked against the size and hash
in the descriptor and, when the site has one, the sha256 and size in its manifest
(``.opendata-pub-manifest.json``). The package comes back byte for byte as published there.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, urlsplit

import requests

from ..errors import InputError, NotFound, PortalRejected, UsageError
from ..findings import PackageReport
from ..packaging.package import PathProblem, iter_resource_paths, resolve_data_path
from ..progress import NullProgress, Progress
from ..site import RESERVED_NAMES
from ..validation.validator import Profile, validate_package
from .ckan import CkanTarget
from .http import CkanClient
from .mapping import descriptor_from_ckan, normalize_resource
from .multipart import CHUNK
from .source import DESCRIPTOR_RESOURCE, descriptor_json
from .static import MANIFEST_NAME, StaticTarget

__all__ = ["NotAStaticCatalog", "PullResult", "pull_dataset", "pull_static"]


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
    source: CkanTarget | StaticTarget,
    out: str | os.PathLike[str],
    *,
    force: bool = False,
    validate: bool = True,
    progress: Progress | None = None,
) -> PullResult:
    """Download ``dataset`` from ``source`` into the package folder ``out`` (see the module doc)."""
    if isinstance(source, StaticTarget):  # a static catalog folder: see pull_static
        return pull_static(dataset, source.root, out, force=force, validate=validate, progress=progress)
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

        _validate_and_install(tmp, dest, result, validate=validate)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return result


def _validate_and_install(tmp: Path, dest: Path, result: PullResult, *, validate: bool) -> None:
    """Validate the downloaded package (as a consumer would: data only), then move it into place."""
    if validate:
        result.report = validate_package(tmp, None, profile=Profile.NONE, allow_remote=True)
        result.report.path = str(dest)
    _install(tmp, dest)


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


# ---------------------------------------------------------------------------------------------
# from a static catalog (static.py): a folder or an http(s) URL


class NotAStaticCatalog(NotFound):
    """The URL does not serve ``DATASET/datapackage.json``: not a static catalog (or no such dataset)."""


def _is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


class _Site:
    """Reads files of a static catalog: ``fetch(rel, dest)`` → (size, sha256), streamed."""

    def __init__(self, site: str | os.PathLike[str], session_factory: Callable[[], requests.Session]) -> None:
        self.where = str(site)
        self.url: str | None = None
        self.root: Path | None = None
        self.client: CkanClient | None = None
        if _is_url(self.where):
            self.url = self.where.rstrip("/") + "/"
            self.client = CkanClient(self.url, token=None, session_factory=session_factory)
        else:
            self.root = Path(site).expanduser().resolve()
            if not self.root.is_dir():
                raise UsageError(f"{self.root}: 静的カタログのフォルダがありません")

    def close(self) -> None:
        if self.client is not None:
            self.client.close()

    def fetch(self, rel: str, dest: Path, on_progress: Callable[[int], None] | None = None) -> tuple[int, str]:
        """Copy the site's file ``rel`` (posix, inside the site) to ``dest``. NotFound when it has none."""
        if self.client is not None and self.url is not None:
            url = self.url + "/".join(quote(part) for part in rel.split("/"))
            try:
                return self.client.download(url, dest, on_progress=on_progress)
            except PortalRejected as exc:
                if exc.status == 404:
                    raise NotFound(f"静的カタログ {self.where} に {rel} がありません", status=404) from exc
                raise
        assert self.root is not None
        head, _, rest = rel.partition("/")
        src = resolve_data_path(self.root / head, rest) if rest else PathProblem("path-invalid", rel)
        if not isinstance(src, Path):  # never read outside the dataset's folder (links included)
            raise InputError(f"静的カタログのパスが不正です: {rel}")
        digest, size = hashlib.sha256(), 0
        try:
            with src.open("rb") as fh, dest.open("wb") as out:
                while chunk := fh.read(CHUNK):
                    out.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
                    if on_progress is not None:
                        on_progress(size)
        except FileNotFoundError as exc:
            raise NotFound(f"静的カタログ {self.where} に {rel} がありません", status=404) from exc
        except IsADirectoryError as exc:
            raise InputError(f"ファイルではありません: {src}") from exc
        return size, digest.hexdigest()

    def manifest(self, tmp: Path) -> dict[str, Any]:
        """The site's manifest (relative path → {sha256, size}); empty when it has none."""
        dest = tmp / MANIFEST_NAME
        try:
            if self.client is not None and self.url is not None:
                try:
                    self.client.download(self.url + MANIFEST_NAME, dest)
                except PortalRejected as exc:
                    if exc.status in (403, 404):  # many servers hide dotfiles: the manifest is optional
                        return {}
                    raise
            else:
                assert self.root is not None
                try:
                    shutil.copyfile(self.root / MANIFEST_NAME, dest)
                except FileNotFoundError:
                    return {}
            try:
                data = json.loads(dest.read_bytes().decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as exc:
                raise InputError(f"静的カタログの {MANIFEST_NAME} が JSON として読めません: {exc}") from exc
            files = data.get("files") if isinstance(data, dict) else None
            return dict(files) if isinstance(files, dict) else {}
        finally:
            dest.unlink(missing_ok=True)


def _declared_hash(value: Any) -> tuple[str, str] | None:
    """(algorithm, hex) of a descriptor's ``hash`` ("sha256:…", or bare hex meaning md5)."""
    if not isinstance(value, str) or not value:
        return None
    alg, sep, hexdigest = value.partition(":")
    if not sep:
        alg, hexdigest = "md5", value
    alg = alg.lower()
    return (alg, hexdigest.lower()) if alg in hashlib.algorithms_guaranteed else None


def _check_declared(rel: str, path: Path, got: tuple[int, str], size: Any, declared: Any) -> None:
    h = _declared_hash(declared)
    if h is None or h[0] == "sha256":
        _check(rel, got, size, h[1] if h else None)
        return
    _check(rel, got, size, None)
    digest = hashlib.new(h[0])
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    if digest.hexdigest() != h[1]:
        raise PortalRejected(f"{rel}: ダウンロードした内容の {h[0]} が記述子と違います",
                             hint="公開の途中かもしれません。しばらくしてから再実行してください")


def pull_static(
    dataset: str,
    site: str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    force: bool = False,
    validate: bool = True,
    progress: Progress | None = None,
    session_factory: Callable[[], requests.Session] = requests.Session,
) -> PullResult:
    """Download ``dataset`` from the static catalog ``site`` (a folder or an http(s) URL) into the
    package folder ``out``: its ``datapackage.json`` and every local file it lists, verified (see the
    module doc). ``NotAStaticCatalog`` when a URL does not serve ``DATASET/datapackage.json``."""
    progress = progress or NullProgress()
    if not dataset or "/" in dataset or "\\" in dataset or dataset.startswith(".") or dataset in RESERVED_NAMES:
        raise UsageError(f"データセット名が不正です: {dataset!r}")
    dest = Path(out)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())) and not force:
        raise UsageError(f"{dest}: すでにあります (上書きするには --force)")
    reader = _Site(site, session_factory)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".pull", dir=dest.parent))
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod(0o777 & ~umask)
    try:
        result = PullResult(path=dest, name=dataset, descriptor_from="datapackage.json")
        dp_path = tmp / DESCRIPTOR_RESOURCE
        try:
            got = reader.fetch(f"{dataset}/{DESCRIPTOR_RESOURCE}", dp_path)
        except NotFound as exc:
            where = "URL" if reader.url else "フォルダ"
            raise NotAStaticCatalog(f"データセット {dataset} は静的カタログ ({where}) {reader.where} にありません",
                                    status=404, hint="データセット名 (サイトのフォルダ名) と --from を確かめてください") from exc
        try:
            descriptor = json.loads(dp_path.read_bytes().decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as exc:
            if reader.url:
                raise NotAStaticCatalog(f"{reader.where} の {dataset}/{DESCRIPTOR_RESOURCE} が JSON ではありません",
                                        status=404) from exc
            raise InputError(f"静的カタログの datapackage.json が JSON として読めません: {exc}") from exc
        if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources", []), list):
            raise InputError(f"静的カタログの {dataset}/{DESCRIPTOR_RESOURCE} はデータパッケージの記述子ではありません")
        manifest = reader.manifest(tmp)

        def recorded(rel: str, got: tuple[int, str]) -> None:
            entry = manifest.get(rel)
            if isinstance(entry, dict):
                _check(f"{rel} (サイトの記録)", got, entry.get("size"), entry.get("sha256"))

        recorded(f"{dataset}/{DESCRIPTOR_RESOURCE}", got)
        result.files.append(DESCRIPTOR_RESOURCE)
        result.bytes += got[0]
        if isinstance(descriptor.get("name"), str):
            result.name = descriptor["name"]

        downloads: list[tuple[str, Path, Any, Any]] = []
        seen: set[str] = set()
        for i, res in enumerate(descriptor.get("resources") or []):
            if not isinstance(res, Mapping):
                continue
            paths = list(iter_resource_paths(res))
            for value in paths:
                if not isinstance(value, str) or "://" in value:
                    continue  # a link stays a link
                target = resolve_data_path(tmp, value)
                if not isinstance(target, Path):  # never write outside the package
                    problem = target.message if isinstance(target, PathProblem) else target
                    raise InputError(f"datapackage.json の resources[{i}].path: {problem}")
                rel = "/".join(p for p in PurePosixPath(value.replace("\\", "/")).parts if p not in ("", "."))
                if rel in seen:
                    continue
                seen.add(rel)
                single = len(paths) == 1  # bytes and hash describe a single file only
                downloads.append((rel, target, res.get("bytes") if single else None,
                                  res.get("hash") if single else None))

        total = sum(int(d[2]) for d in downloads if isinstance(d[2], int))
        progress.start("pull", f"{dataset} をダウンロード", total or None, unit="bytes")
        try:
            for rel, target, size, declared in downloads:
                target.parent.mkdir(parents=True, exist_ok=True)
                base = result.bytes

                def advance(n: int, base: int = base) -> None:
                    progress.advance("pull", base + n)

                got = reader.fetch(f"{dataset}/{rel}", target, on_progress=advance)
                _check_declared(rel, target, got, size, declared)
                recorded(f"{dataset}/{rel}", got)
                result.files.append(rel)
                result.bytes += got[0]
        finally:
            progress.finish("pull")

        _validate_and_install(tmp, dest, result, validate=validate)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        reader.close()
    return result
