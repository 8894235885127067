"""Pull a published dataset back as a package: for consumers.

The package is rebuilt from the ``datapackage.json`` stored beside the files (byte for byte), or,
for a dataset published by another tool, mapped from the CKAN metadata. Every file is streamed to
disk and checked against the sizes and hashes the descriptor and the portal record (md5, sha1,
sha256 and sha512 are honoured; which one verified each file is in ``PullResult.verified``, and a
file nothing records a hash for is listed as unverified, never silently accepted as checked). All of
it happens in a temporary folder beside the destination, renamed into place only when every file
checked out, so an interrupted or failed pull (SIGTERM and SIGINT included) leaves nothing
half-written; the installed package is then validated where it now lies.

``pull_static`` does the same from a static catalog (static.py), a folder or an http(s) URL: it reads
``DATASET/datapackage.json`` and fetches the files it lists, each checked against the size and hash
in the descriptor and, when the site has one, the sha256 and size in its manifest
(``.opendata-pub-manifest.json``). The package comes back byte for byte as published there.

``pull_from`` is what ``pull --from`` does with a ``PullSource`` (resolve.resolve_source): a folder,
a configured portal (its token goes with it, to its own origin only), or a URL tried as a static
catalog and then as a CKAN — both read without a token.

Whatever the source, nothing is read without a bound: a file stops at its recorded size (else at
``max_bytes``), a descriptor or manifest at ``MAX_DESCRIPTOR_BYTES``, and the whole pull at its
deadline (``timeout`` seconds). In a source folder, links and anything that is not a regular file
(a FIFO, a device) are refused.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import FrameType
from typing import Any
from urllib.parse import quote, urlsplit

import requests

from ..errors import InputError, NotFound, OpendataPubError, PortalRejected, PortalUnreachable, UsageError
from ..findings import PackageReport
from ..packaging.package import MAX_DESCRIPTOR_BYTES, PathProblem, iter_resource_paths, resolve_data_path
from ..progress import NullProgress, Progress
from ..site import RESERVED_NAMES
from ..validation.validator import Profile, validate_package
from .ckan import CkanTarget, match_resources
from .http import CkanClient, Deadline, DeadlineExceeded, LimitExceeded
from .mapping import descriptor_from_ckan, normalize_resource
from .multipart import CHUNK
from .scheming import unplace
from .source import DESCRIPTOR_RESOURCE, descriptor_json
from .static import MANIFEST_NAME, StaticTarget
from .target import PullSource

__all__ = ["DEFAULT_TIMEOUT", "HASH_ALGORITHMS", "MAX_FILE_BYTES", "NotAStaticCatalog", "PullResult", "pull_dataset",
           "pull_from", "pull_static"]

DEFAULT_TIMEOUT = 600.0  # seconds for a whole pull (a server trickling bytes cannot keep it alive)
MAX_FILE_BYTES = 10 * 1024**3  # a file whose size nothing records: the most we write
MAX_NAME_BYTES = 200  # a file name made from a portal's URL (file systems allow 255)
HASH_ALGORITHMS = ("md5", "sha1", "sha256", "sha512")
_RETRY_HINT = "公開の途中かもしれません。しばらくしてから再実行してください"


@dataclass(slots=True)
class PullResult:
    path: Path
    name: str
    descriptor_from: str  # "datapackage.json" (stored by the publisher) or "ckan" (mapped from metadata)
    files: list[str] = field(default_factory=list)  # paths inside the package
    bytes: int = 0
    report: PackageReport | None = None
    verified: dict[str, str] = field(default_factory=dict)  # path → the algorithms that verified it ("md5+sha256")

    @property
    def unverified(self) -> list[str]:
        """Files no source recorded a usable hash for: their content was not checked."""
        return [f for f in self.files if f not in self.verified]

    def to_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "name": self.name, "descriptorFrom": self.descriptor_from,
                "files": list(self.files), "bytes": self.bytes,
                "verified": dict(self.verified), "unverified": self.unverified,
                "report": self.report.to_dict() if self.report is not None else None}


# ---------------------------------------------------------------------------------------------
# what the sources record about a file, and checking it


@dataclass(frozen=True, slots=True)
class _Expect:
    """What one source records about a file: size and hash, either may be missing."""

    where: str  # "記述子", "ポータル", "サイトの記録"
    size: int | None = None
    algorithm: str | None = None
    digest: str | None = None


def _size(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


_HEX = re.compile(r"[0-9a-f]+")
_BY_LENGTH = {32: "md5", 40: "sha1", 64: "sha256", 128: "sha512"}


def _parse_hash(value: Any, algorithm: Any = None, *, bare: str | None) -> tuple[str, str] | None:
    """(algorithm, hex) of a recorded hash: "alg:hex", or bare hex whose algorithm is ``algorithm``
    (CKAN's ``hash_algorithm``), else ``bare`` (md5 in a Frictionless descriptor), else guessed from
    its length (CKAN). None when there is none, or it is not one we can check."""
    if not isinstance(value, str) or not value.strip():
        return None
    alg, sep, digest = value.strip().partition(":")
    if not sep:
        digest = alg
        given = algorithm.strip() if isinstance(algorithm, str) else ""
        alg = given or bare or _BY_LENGTH.get(len(digest.strip()), "")
    alg = alg.strip().lower().replace("-", "").replace("_", "")
    digest = digest.strip().lower()
    if alg not in HASH_ALGORITHMS or not _HEX.fullmatch(digest):
        return None
    return alg, digest


def _descriptor_expect(res: Mapping[str, Any], *, single: bool = True) -> _Expect:
    if not single:  # bytes and hash describe a single file only
        return _Expect("記述子")
    h = _parse_hash(res.get("hash"), bare="md5")
    return _Expect("記述子", _size(res.get("bytes")), *(h or (None, None)))


def _ckan_expect(remote: Mapping[str, Any]) -> _Expect:
    h = _parse_hash(remote.get("hash"), remote.get("hash_algorithm"), bare=None)
    return _Expect("ポータル", _size(normalize_resource(remote).get("size")), *(h or (None, None)))


def _manifest_expect(entry: Any) -> _Expect:
    if not isinstance(entry, Mapping):
        return _Expect("サイトの記録")
    h = _parse_hash(entry.get("sha256"), "sha256", bare=None)
    return _Expect("サイトの記録", _size(entry.get("size")), *(h or (None, None)))


def _limit(expects: list[_Expect], cap: int, cap_reason: str) -> tuple[int, str]:
    """The most bytes a download may bring: the smallest recorded size, else the cap."""
    sizes = [e.size for e in expects if e.size is not None]
    return (min(sizes), "記録されたサイズ") if sizes else (cap, cap_reason)


def _declared(expects: list[_Expect]) -> int:
    """The size a file is expected to have, for progress (0 when nothing records one)."""
    return next((e.size for e in expects if e.size is not None), 0)


def _file_hash(path: Path, algorithm: str) -> str:
    digest = hashlib.new(algorithm, usedforsecurity=False)
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _verify(rel: str, path: Path, got: tuple[int, str], expects: list[_Expect]) -> str:
    """Check the downloaded file against every source; return the algorithms that verified it
    ("" when none recorded a hash)."""
    for e in expects:
        if e.size is not None and e.size != got[0]:
            raise PortalRejected(f"{rel}: ダウンロードしたサイズ {got[0]:,} バイトが{e.where}の記録 ({e.size:,} バイト) と違います",
                                 hint=_RETRY_HINT)
    computed = {"sha256": got[1]}
    used: list[str] = []
    for e in expects:
        if e.algorithm is None:
            continue
        if e.algorithm not in computed:
            computed[e.algorithm] = _file_hash(path, e.algorithm)
        if computed[e.algorithm] != e.digest:
            raise PortalRejected(f"{rel}: ダウンロードした内容の {e.algorithm} が{e.where}の記録と違います", hint=_RETRY_HINT)
        if e.algorithm not in used:
            used.append(e.algorithm)
    return "+".join(sorted(used))


# ---------------------------------------------------------------------------------------------
# where the package goes


def _bounded_name(name: str, limit: int = MAX_NAME_BYTES) -> str:
    """``name`` cut to ``limit`` UTF-8 bytes, keeping a short extension."""
    if len(name.encode("utf-8")) <= limit:
        return name
    stem, dot, ext = name.rpartition(".")
    suffix = f".{ext}" if dot and stem and len(ext.encode("utf-8")) <= 16 else ""
    base = stem if suffix else name
    room = limit - len(suffix.encode("utf-8"))
    return base.encode("utf-8")[:room].decode("utf-8", "ignore") + suffix


def _safe_filename(url: str, fallback: str) -> str:
    """A file name from a download URL (or, without one, from ``fallback``): letters, digits and
    ``._-`` only, no leading dot, at most MAX_NAME_BYTES bytes."""

    def clean(text: str) -> str:
        return "".join(c for c in text if c.isalnum() or c in "._-").lstrip(".")

    name = clean(PurePosixPath(urlsplit(url).path).name) or clean(fallback) or "file"
    return _bounded_name(name)


def _deadline(timeout: float | None) -> Deadline | None:
    return Deadline.after(timeout) if timeout is not None and timeout > 0 else None


def _check_dest(out: str | os.PathLike[str], force: bool, *, protect: Path | None = None) -> Path:
    """The absolute destination; refuse what must not be replaced."""
    given = Path(out)
    dest = Path(os.path.abspath(given))
    real = dest.resolve()
    cwd = Path.cwd().resolve()
    if real == cwd or real in cwd.parents:
        raise UsageError(f"{given}: 今いるフォルダ (またはその親) をパッケージで置き換えることはできません",
                         hint="-o に新しいフォルダを指定してください")
    if protect is not None and (real == protect or real in protect.parents or protect in real.parents):
        raise UsageError(f"{given}: 取得元の静的カタログのフォルダと重なっています", hint="-o に別のフォルダを指定してください")
    try:
        occupied = dest.exists() and (not dest.is_dir() or any(dest.iterdir()))
    except OSError as exc:
        raise UsageError(f"{given}: 確かめられません: {exc.strerror}") from exc
    if occupied and not force:
        raise UsageError(f"{given}: すでにあります (上書きするには --force)")
    return dest


def _raise_on_signal(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


@contextmanager
def _signals_clean_up() -> Iterator[None]:
    """While a pull stages files: SIGTERM (and SIGINT, if nobody handles it) become SystemExit, so
    the staging folder is removed on the way out. Only the main thread can install handlers; only
    the default action is replaced, and it is put back afterwards."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    replaced: dict[signal.Signals, Any] = {}
    try:
        for signum in (signal.SIGTERM, signal.SIGINT):
            if signal.getsignal(signum) == signal.SIG_DFL:
                replaced[signum] = signal.signal(signum, _raise_on_signal)
        yield
    finally:
        for number, previous in replaced.items():
            signal.signal(number, previous)


@contextmanager
def _staging(dest: Path) -> Iterator[Path]:
    """A temporary folder beside ``dest``, removed unless the body renamed it into place."""
    with _signals_clean_up():
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            prefix = "." + _bounded_name(dest.name, 60) + "."
            tmp = Path(tempfile.mkdtemp(prefix=prefix, suffix=".pull", dir=dest.parent))
        except OSError as exc:
            raise UsageError(f"{dest.parent}: 作業フォルダを作れません: {exc.strerror}") from exc
        try:
            umask = os.umask(0)
            os.umask(umask)
            tmp.chmod(0o777 & ~umask)  # mkdtemp makes it private; the package should have the usual mode
            yield tmp
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise


def _package_paths(tmp: Path, values: list[tuple[int, Any]]) -> list[tuple[int, str, Path]]:
    """(index, relative posix path, path in ``tmp``) for each local resource path, refusing any that
    leaves the package, names no file (``.``), is the descriptor itself, or is a folder of another."""
    out: list[tuple[int, str, Path]] = []
    seen: dict[str, str] = {DESCRIPTOR_RESOURCE.casefold(): DESCRIPTOR_RESOURCE}
    for i, value in values:
        target = resolve_data_path(tmp, value)
        if not isinstance(target, Path):  # never write outside the package
            problem = target.message if isinstance(target, PathProblem) else target
            raise InputError(f"datapackage.json の resources[{i}].path: {problem}")
        parts = [p for p in PurePosixPath(str(value).replace("\\", "/")).parts if p not in ("", ".")]
        rel = "/".join(parts)
        where = f"datapackage.json の resources[{i}].path"
        if not rel:
            raise InputError(f"{where}: ファイルを指していません: {value!r}")
        if rel.casefold() == DESCRIPTOR_RESOURCE.casefold():
            raise InputError(f"{where}: {rel} は記述子そのものの名前です (検証した記述子を置き換えてしまいます)")
        if any(len(p.encode("utf-8")) > 255 for p in parts):
            raise InputError(f"{where}: ファイル名が長すぎます (255 バイトまで)")
        key = rel.casefold()  # one file on a case-insensitive file system
        if key in seen:
            if seen[key] == rel:
                continue  # the same file listed twice: fetched once
            raise InputError(f"{where}: {rel} と {seen[key]} は大文字小文字だけが違います")
        seen[key] = rel
        out.append((i, rel, tmp.joinpath(*parts)))
    keys = set(seen)
    for i, rel, _ in out:
        folders = rel.casefold().split("/")[:-1]
        for n in range(1, len(folders) + 1):
            if "/".join(folders[:n]) in keys:
                raise InputError(f"datapackage.json の resources[{i}].path: {rel} はほかのファイルをフォルダとして使います")
    return out


def _write_error(rel: str, exc: OSError) -> InputError:
    return InputError(f"{rel}: 書き込めません: {exc.strerror or exc}")


def _validate(result: PullResult, where: Path, validate: bool) -> None:
    """Validate the installed package as a consumer would (data only): findings name where it lies.
    Remote links and schemas are never fetched: they may point at any host, unbounded."""
    if validate:
        result.report = validate_package(where, None, profile=Profile.NONE, skip_remote=True)
        result.report.path = str(where)


def _install(tmp: Path, dest: Path) -> None:
    """Put the finished package in place with renames (the old one removed only afterwards)."""
    old = None
    if dest.exists() or dest.is_symlink():
        old = Path(tempfile.mkdtemp(prefix=f".{_bounded_name(dest.name, 60)}.", suffix=".old", dir=dest.parent))
        old.rmdir()
        os.replace(dest, old)
    try:
        os.replace(tmp, dest)
    except BaseException:
        if old is not None:
            os.replace(old, dest)
        raise
    if old is not None:
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink(missing_ok=True)


# ---------------------------------------------------------------------------------------------
# from a CKAN portal


def pull_dataset(
    dataset: str,
    source: CkanTarget | StaticTarget,
    out: str | os.PathLike[str],
    *,
    force: bool = False,
    validate: bool = True,
    progress: Progress | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    max_bytes: int = MAX_FILE_BYTES,
    deadline: Deadline | None = None,
) -> PullResult:
    """Download ``dataset`` from ``source`` into the package folder ``out`` (see the module doc).
    ``timeout``: seconds for the whole pull (None: no limit); ``deadline`` (instead): one shared
    with other steps. ``max_bytes``: the most written for a file whose size nothing records."""
    deadline = deadline or _deadline(timeout)
    if isinstance(source, StaticTarget):  # a static catalog folder: see pull_static
        return pull_static(dataset, source.root, out, force=force, validate=validate, progress=progress,
                           max_bytes=max_bytes, deadline=deadline)
    progress = progress or NullProgress()
    given = Path(out)
    dest = _check_dest(out, force)
    client = source.client
    with client.time_limit(deadline):
        pkg = source.show(dataset)
        if pkg is None:
            raise NotFound(f"データセット {dataset} はポータル {client.url} にありません", status=404)
        resources = [r for r in pkg.get("resources") or [] if isinstance(r, Mapping)]
        # by the package's resource name: the kept one first (CKAN's name is the title people read)
        by_name: dict[str, Mapping[str, Any]] = dict(match_resources([dict(r) for r in resources])[0])

        with _staging(dest) as tmp:
            result = PullResult(path=given, name=str(pkg.get("name")), descriptor_from="datapackage.json")
            stored = by_name.get(DESCRIPTOR_RESOURCE)
            if stored is not None and stored.get("url"):
                downloads = _stored_descriptor(client, stored, by_name, tmp, result)
            else:
                result.descriptor_from = "ckan"
                downloads = _derived_descriptor(pkg, resources, tmp)
            _download_all(client, downloads, result, progress, f"{dataset} をダウンロード", max_bytes)
            _install(tmp, dest)
    _validate(result, given, validate)
    return result


@dataclass(frozen=True, slots=True)
class _CkanDownload:
    """One file to fetch from a CKAN portal: where it goes in the package, and what records it."""

    rel: str  # the path in the package
    remote: Mapping[str, Any]  # the portal's resource
    target: Path  # where it is written (in the staging folder)
    expects: list[_Expect]


def _stored_descriptor(client: CkanClient, stored: Mapping[str, Any], by_name: Mapping[str, Mapping[str, Any]],
                       tmp: Path, result: PullResult) -> list[_CkanDownload]:
    """Fetch the portal's datapackage.json into ``tmp``; return the files it lists (each must be a
    resource on the portal)."""
    dp_path = tmp / DESCRIPTOR_RESOURCE
    expects = [_ckan_expect(stored)]
    limit, reason = _limit(expects, MAX_DESCRIPTOR_BYTES, "記述子の上限")
    got = client.download(str(stored["url"]), dp_path, limit=limit, limit_reason=reason)
    verified = _verify(DESCRIPTOR_RESOURCE, dp_path, got, expects)
    try:
        descriptor = json.loads(dp_path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"ポータルの datapackage.json が JSON として読めません: {exc}") from exc
    if not isinstance(descriptor, dict):
        raise InputError("ポータルの datapackage.json がマッピングではありません")
    result.files.append(DESCRIPTOR_RESOURCE)
    if verified:
        result.verified[DESCRIPTOR_RESOURCE] = verified
    result.bytes += got[0]
    raw = descriptor.get("resources")
    listed = [(i, res) for i, res in enumerate(raw if isinstance(raw, list) else [])
              if isinstance(res, Mapping) and isinstance(res.get("path"), str) and "://" not in res["path"]]
    # inline data, links and lists of paths have nothing (single) to download
    by_index = dict(listed)
    downloads: list[_CkanDownload] = []
    for i, rel, target in _package_paths(tmp, [(i, r["path"]) for i, r in listed]):
        res = by_index[i]
        remote = by_name.get(str(res.get("name")))
        if remote is None or not remote.get("url"):
            raise PortalRejected(f"リソース {res.get('name')} がポータルのデータセットにありません",
                                 hint=_RETRY_HINT)
        downloads.append(_CkanDownload(rel, remote, target, [_descriptor_expect(res), _ckan_expect(remote)]))
    return downloads


def _derived_descriptor(pkg: Mapping[str, Any], resources: list[Mapping[str, Any]], tmp: Path
                        ) -> list[_CkanDownload]:
    """No datapackage.json on the portal: write one mapped from the dataset into ``tmp``; return
    the uploaded files to fetch (links stay links). A scheming portal's fields count as the extras
    they stand for (scheming.unplace)."""
    descriptor = descriptor_from_ckan(unplace(pkg))
    used: set[str] = set()
    names: set[str] = set()
    downloads: list[_CkanDownload] = []
    for res, remote in zip(descriptor["resources"], resources, strict=False):
        url = str(remote.get("url") or "")
        filename = _safe_filename(url, str(res.get("name") or "file"))
        _name_resource(res, filename, names)
        if remote.get("url_type") != "upload":
            if url:
                res["path"] = url  # a link stays a link
            continue
        filename = _unused_filename(filename, used)
        res["path"] = f"data/{filename}"
        downloads.append(_CkanDownload(res["path"], remote, tmp / "data" / filename, [_ckan_expect(remote)]))
    (tmp / DESCRIPTOR_RESOURCE).write_bytes(descriptor_json(descriptor))
    return downloads


def _name_resource(res: dict[str, Any], filename: str, names: set[str]) -> None:
    """CKAN names are free text; a Frictionless name is not: derive one, keep CKAN's as title."""
    slug = re.sub(r"[^a-z0-9._-]+", "-", PurePosixPath(filename).stem.lower()).strip("-") or "file"
    while slug in names:
        slug += "-2"
    names.add(slug)
    if res.get("name") and res["name"] != slug:
        res.setdefault("title", res["name"])
    res["name"] = slug


def _unused_filename(filename: str, used: set[str]) -> str:
    """``filename``, numbered if ``data/filename`` is taken (one file on a case-insensitive file
    system); recorded in ``used``."""
    stem, dot, ext = filename.rpartition(".")
    n = 1
    while f"data/{filename}".casefold() in used:
        n += 1
        filename = _bounded_name(f"{stem}-{n}.{ext}" if dot and stem else f"{filename}-{n}")
    used.add(f"data/{filename}".casefold())
    return filename


def _download_all(client: CkanClient, downloads: list[_CkanDownload], result: PullResult, progress: Progress,
                  label: str, max_bytes: int) -> None:
    """Fetch each file, checked against what records it, counting into ``result``."""
    total = sum(_declared(d.expects) for d in downloads)
    progress.start("pull", label, total or None, unit="bytes")
    try:
        for d in downloads:
            base = result.bytes

            def advance(n: int, base: int = base) -> None:
                progress.advance("pull", base + n)

            limit, reason = _limit(d.expects, max_bytes, "ファイルの上限")
            try:
                d.target.parent.mkdir(parents=True, exist_ok=True)
                got = client.download(str(d.remote["url"]), d.target, on_progress=advance, limit=limit,
                                      limit_reason=reason)
            except requests.RequestException:
                raise
            except OSError as exc:
                raise _write_error(d.rel, exc) from exc
            verified = _verify(d.rel, d.target, got, d.expects)
            result.files.append(d.rel)
            if verified:
                result.verified[d.rel] = verified
            result.bytes += got[0]
    finally:
        progress.finish("pull")


# ---------------------------------------------------------------------------------------------
# from a static catalog (static.py): a folder or an http(s) URL


class NotAStaticCatalog(NotFound):
    """The URL does not serve ``DATASET/datapackage.json``: not a static catalog (or no such dataset)."""


def _is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # opening a FIFO must not wait for a writer
_O_BINARY = getattr(os, "O_BINARY", 0)


class _Site:
    """Reads files of a static catalog: ``fetch(rel, dest)`` → (size, sha256), streamed and bounded."""

    def __init__(self, site: str | os.PathLike[str], session_factory: Callable[[], requests.Session],
                 deadline: Deadline | None) -> None:
        self.where = str(site)
        self.url: str | None = None
        self.root: Path | None = None
        self.client: CkanClient | None = None
        self.deadline = deadline
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

    def time_limit(self) -> Any:
        return self.client.time_limit(self.deadline) if self.client is not None else nullcontext()

    def fetch(self, rel: str, dest: Path, *, limit: int, limit_reason: str,
              on_progress: Callable[[int], None] | None = None) -> tuple[int, str]:
        """Copy the site's file ``rel`` (posix, inside the site) to ``dest``. NotFound when it has none."""
        if self.client is not None and self.url is not None:
            url = self.url + "/".join(quote(part) for part in rel.split("/"))
            try:
                return self.client.download(url, dest, on_progress=on_progress, limit=limit, limit_reason=limit_reason)
            except PortalRejected as exc:
                if exc.status == 404:
                    raise NotFound(f"静的カタログ {self.where} に {rel} がありません", status=404) from exc
                raise
        fd, path = self._open(rel, limit, limit_reason)
        digest, size = hashlib.sha256(), 0
        with os.fdopen(fd, "rb") as fh, dest.open("wb") as out:
            while chunk := fh.read(CHUNK):
                size += len(chunk)
                if size > limit:  # the file grew since it was measured
                    raise LimitExceeded(f"{limit_reason} ({limit:,} バイト) を超えたため中止しました: {path}")
                if self.deadline is not None:
                    self.deadline.check(str(path))
                out.write(chunk)
                digest.update(chunk)
                if on_progress is not None:
                    on_progress(size)
        return size, digest.hexdigest()

    def _open(self, rel: str, limit: int, limit_reason: str) -> tuple[int, Path]:
        """Open the regular file ``rel`` under the site root: every step checked with lstat (no link
        is followed, not even one that stays inside), the file opened without following a link and
        without waiting (a FIFO), and checked again on the open descriptor."""
        assert self.root is not None
        parts = rel.split("/")
        if any(p in ("", ".", "..") or "\\" in p or "\x00" in p for p in parts):
            raise InputError(f"静的カタログのパスが不正です: {rel}")
        path = self.root
        info = None
        for i, part in enumerate(parts):
            path = path / part
            try:
                info = os.lstat(path)
            except FileNotFoundError as exc:
                raise NotFound(f"静的カタログ {self.where} に {rel} がありません", status=404) from exc
            except OSError as exc:
                raise InputError(f"読めません: {exc.strerror}", path=str(path)) from exc
            if stat.S_ISLNK(info.st_mode):
                raise InputError("静的カタログの中のリンクはたどりません", path=str(path))
            if i < len(parts) - 1 and not stat.S_ISDIR(info.st_mode):
                raise NotFound(f"静的カタログ {self.where} に {rel} がありません", status=404)
        assert info is not None
        if not stat.S_ISREG(info.st_mode):
            raise InputError("通常のファイルではありません (フォルダ・FIFO・デバイスなどは取得しません)", path=str(path))
        if info.st_size > limit:
            raise LimitExceeded(f"{limit_reason} ({limit:,} バイト) を超えています ({info.st_size:,} バイト): {path}")
        try:
            fd = os.open(path, os.O_RDONLY | _O_NOFOLLOW | _O_NONBLOCK | _O_BINARY)
        except OSError as exc:
            raise InputError(f"読めません: {exc.strerror}", path=str(path)) from exc
        now = os.fstat(fd)
        if not stat.S_ISREG(now.st_mode) or (now.st_dev, now.st_ino) != (info.st_dev, info.st_ino):
            os.close(fd)
            raise InputError("読んでいる間に置き換えられました", path=str(path))
        if _O_NONBLOCK:
            os.set_blocking(fd, True)
        return fd, path

    def manifest(self, tmp: Path) -> dict[str, Any]:
        """The site's manifest (relative path → {sha256, size}); empty when it has none."""
        dest = tmp / MANIFEST_NAME
        try:
            try:
                self.fetch(MANIFEST_NAME, dest, limit=MAX_DESCRIPTOR_BYTES, limit_reason=f"{MANIFEST_NAME} の上限")
            except NotFound:
                return {}
            except PortalRejected as exc:
                if exc.status == 403:  # many servers hide dotfiles: the manifest is optional
                    return {}
                raise
            try:
                data = json.loads(dest.read_bytes().decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as exc:
                raise InputError(f"静的カタログの {MANIFEST_NAME} が JSON として読めません: {exc}") from exc
            files = data.get("files") if isinstance(data, dict) else None
            return dict(files) if isinstance(files, dict) else {}
        finally:
            dest.unlink(missing_ok=True)


def pull_static(
    dataset: str,
    site: str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    force: bool = False,
    validate: bool = True,
    progress: Progress | None = None,
    session_factory: Callable[[], requests.Session] = requests.Session,
    timeout: float | None = DEFAULT_TIMEOUT,
    max_bytes: int = MAX_FILE_BYTES,
    deadline: Deadline | None = None,
) -> PullResult:
    """Download ``dataset`` from the static catalog ``site`` (a folder or an http(s) URL) into the
    package folder ``out``: its ``datapackage.json`` and every local file it lists, verified (see the
    module doc). ``NotAStaticCatalog`` when a URL does not serve ``DATASET/datapackage.json``.
    ``timeout``, ``max_bytes`` and ``deadline`` as for ``pull_dataset``."""
    deadline = deadline or _deadline(timeout)
    progress = progress or NullProgress()
    if not dataset or "/" in dataset or "\\" in dataset or dataset.startswith(".") or dataset in RESERVED_NAMES:
        raise UsageError(f"データセット名が不正です: {dataset!r}")
    given = Path(out)
    reader = _Site(site, session_factory, deadline)
    try:
        dest = _check_dest(out, force, protect=reader.root)
        with reader.time_limit(), _staging(dest) as tmp:
            result = _fetch_static(dataset, reader, tmp, given, progress, max_bytes)
            _install(tmp, dest)
    finally:
        reader.close()
    _validate(result, given, validate)
    return result


def _fetch_static(dataset: str, reader: _Site, tmp: Path, given: Path, progress: Progress,
                  max_bytes: int) -> PullResult:
    result = PullResult(path=given, name=dataset, descriptor_from="datapackage.json")
    dp_path = tmp / DESCRIPTOR_RESOURCE
    try:
        got = reader.fetch(f"{dataset}/{DESCRIPTOR_RESOURCE}", dp_path, limit=MAX_DESCRIPTOR_BYTES,
                           limit_reason="記述子の上限")
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

    dp_verified = _verify(DESCRIPTOR_RESOURCE, dp_path, got, [_manifest_expect(manifest.get(f"{dataset}/{DESCRIPTOR_RESOURCE}"))])
    result.files.append(DESCRIPTOR_RESOURCE)
    if dp_verified:
        result.verified[DESCRIPTOR_RESOURCE] = dp_verified
    result.bytes += got[0]
    if isinstance(descriptor.get("name"), str):
        result.name = descriptor["name"]

    values: list[tuple[int, Any]] = []
    resources: dict[int, tuple[Mapping[str, Any], bool]] = {}
    for i, res in enumerate(descriptor.get("resources") or []):
        if not isinstance(res, Mapping):
            continue
        paths = list(iter_resource_paths(res))
        resources[i] = (res, len(paths) == 1)
        values.extend((i, v) for v in paths if not (isinstance(v, str) and "://" in v))  # a link stays a link
    downloads: list[tuple[str, Path, list[_Expect]]] = []
    for i, rel, target in _package_paths(tmp, values):
        res, single = resources[i]
        downloads.append((rel, target, [_descriptor_expect(res, single=single),
                                        _manifest_expect(manifest.get(f"{dataset}/{rel}"))]))

    total = sum(_declared(d[2]) for d in downloads)
    progress.start("pull", f"{dataset} をダウンロード", total or None, unit="bytes")
    try:
        for rel, target, expects in downloads:
            base = result.bytes

            def advance(n: int, base: int = base) -> None:
                progress.advance("pull", base + n)

            limit, reason = _limit(expects, max_bytes, "ファイルの上限")
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                got = reader.fetch(f"{dataset}/{rel}", target, on_progress=advance, limit=limit, limit_reason=reason)
            except requests.RequestException:
                raise
            except OSError as exc:
                raise _write_error(rel, exc) from exc
            verified = _verify(rel, target, got, expects)
            result.files.append(rel)
            if verified:
                result.verified[rel] = verified
            result.bytes += got[0]
    finally:
        progress.finish("pull")
    return result


# ---------------------------------------------------------------------------------------------
# pull --from: any source


@contextmanager
def ckan_instead(location: str, missing: OpendataPubError, session_factory: Callable[[], requests.Session],
                 deadline: Deadline | None, *, hint: str | None) -> Iterator[CkanTarget]:
    """A URL that serves no static catalog (``missing`` says so), as a CKAN without a token: its
    ``status_show`` is asked first, so a URL that is neither says what was looked for (``hint``)."""
    target = CkanTarget(location, token=None, session_factory=session_factory)
    try:
        with target.client.time_limit(deadline):
            try:
                target.status()
            except DeadlineExceeded:
                raise
            except PortalUnreachable as exc:
                raise NotFound(f"{missing.message} (CKAN でもありません: {exc.message})", status=404,
                               hint=hint) from exc
        yield target
    finally:
        target.close()


def pull_from(
    dataset: str,
    source: PullSource,
    out: str | os.PathLike[str],
    *,
    force: bool = False,
    validate: bool = True,
    progress: Progress | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    max_bytes: int = MAX_FILE_BYTES,
    session_factory: Callable[[], requests.Session] = requests.Session,
) -> PullResult:
    """Pull ``dataset`` from ``source`` (resolve.resolve_source) into ``out``. A URL that is not a
    configured portal is tried as a static catalog, then as a CKAN; neither attempt sends a token.
    ``timeout`` bounds both attempts together."""
    deadline = _deadline(timeout)
    common: dict[str, Any] = dict(force=force, validate=validate, progress=progress, max_bytes=max_bytes,
                                  deadline=deadline)
    if source.kind == "folder":
        return pull_static(dataset, source.location, out, **common)
    if source.kind == "url":
        try:
            return pull_static(dataset, source.location, out, session_factory=session_factory, **common)
        except NotAStaticCatalog as missing:
            with ckan_instead(source.location, missing, session_factory, deadline, hint=missing.hint) as target:
                return pull_dataset(dataset, target, out, **common)
    target = CkanTarget(source.location, token=source.token, allow_insecure=source.allow_insecure,
                        session_factory=session_factory)
    try:
        return pull_dataset(dataset, target, out, **common)
    finally:
        target.close()
