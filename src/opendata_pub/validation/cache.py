"""A validation cache keyed by content: a package that has not changed is not validated again.

A report depends on the package's bytes, on the toolkit (its code, bundled shapes, vocabularies and
schemas, and the libraries that check data and shapes), on the settings of opendata.yaml that metadata
and SHACL read, on the profile and target, and on the working directory (findings show paths relative
to it). The entry of a package stores a fingerprint of all but the bytes (``context``), and for the
bytes each file of the package folder with its size, sha256 and a stat signature (size, mtime_ns,
inode). A lookup stats the files and hashes only those whose stat changed; a file whose mtime is too
close to when its stat was recorded is hashed anyway (a write in the same clock tick keeps the mtime:
git's "racily clean" problem). Anything unexpected in an entry — unreadable, another format, a report
that does not read back — is a miss: the package is validated again, never an error.

Entries live in ``<project>/.opendata-pub/cache/validation/`` (git-ignored), or, with no opendata.yaml,
under the static target's folder; one file per package (and profile/target kind), written atomically.
The module reads and writes only its cache folder; it never prints.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

from .. import __version__
from ..atomicfile import write_text
from ..cachefolder import ignore_in_git
from ..config import Portal, Settings
from ..findings import PackageReport
from .target import TargetInfo
from .validator import Profile, validate_package

__all__ = [
    "CACHE_DIR",
    "CACHE_FORMAT",
    "Lookup",
    "ValidateFn",
    "ValidationCache",
    "cached_validate",
    "content_digest",
    "default_cache_dir",
    "toolkit_fingerprint",
]

CACHE_DIR = Path(".opendata-pub") / "cache"
CACHE_FORMAT = 1  # bump when an entry's shape changes: older entries are then misses
_ENTRIES = "validation"
# A file modified this close to when its stat was recorded may change again within the same mtime
# tick (coarse kernel clocks, 2 s on FAT): such a file is hashed on every lookup, not trusted by stat.
_RACY_NS = 2_000_000_000
# The libraries whose behaviour is part of a report.
_LIBRARIES = ("frictionless", "pyshacl", "rdflib", "PyYAML")
# Bundled files that decide a report: our code, SHACL shapes, vocabularies, standard schemas.
_TOOLKIT_SUFFIXES = (".py", ".ttl", ".json", ".yaml", ".yml", ".csv", ".jsonld")


class ValidateFn(Protocol):
    def __call__(self, path: str | os.PathLike[str], settings: Settings | None = None, *,
                 profile: Profile = ..., target: TargetInfo | None = ...) -> PackageReport: ...


@lru_cache(maxsize=1)
def toolkit_fingerprint() -> str:
    """sha256 over the toolkit's version, its bundled files (code, shapes, vocabularies, schemas) and
    the versions of the libraries it validates with. Computed once per process (~1 MB read): a
    developer's edit to a rule invalidates the cache as a release would."""
    h = hashlib.sha256(f"opendata-pub {__version__}\n".encode())
    for lib in _LIBRARIES:
        try:
            h.update(f"{lib} {metadata.version(lib)}\n".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{lib} -\n".encode())
    h.update(tree_digest(TOOLKIT_ROOT).encode())
    return h.hexdigest()


TOOLKIT_ROOT = Path(__file__).resolve().parent.parent  # the opendata_pub package


def tree_digest(root: Path, suffixes: tuple[str, ...] | None = _TOOLKIT_SUFFIXES) -> str:
    """sha256 over the names and contents of the files under ``root`` that can decide a report (those
    ending in ``suffixes``; None: every file)."""
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if (suffixes is None or p.suffix in suffixes) and p.is_file()):
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def _portal(portal: Portal | None) -> Any:
    # The token is left out: it decides nothing in a report, and must not reach any file.
    if portal is None:
        return None
    return [portal.name, portal.url, portal.organization, portal.allow_insecure, sorted(portal.licenses.items())]


def _settings(settings: Settings | None) -> Any:
    """What of opendata.yaml a report can depend on: the catalog and publishers (metadata, SHACL, the
    config findings at opendata.yaml:<key>), the portals (licence maps of --target), where it is."""
    if settings is None:
        return None
    return [repr(settings.catalog), [repr(p) for p in settings.publishers],
            {name: _portal(p) for name, p in sorted(settings.portals.items())},
            str(settings.root), str(settings.path), settings.packages_dir, settings.default_target]


def _target(target: TargetInfo | None) -> Any:
    if target is None:
        return None
    return [target.name, target.kind, _portal(target.portal), _settings(target.settings)]


def context_key(settings: Settings | None, *, profile: Profile, target: TargetInfo | None) -> str:
    """Everything but the package's bytes a report depends on, as one sha256."""
    parts = [CACHE_FORMAT, toolkit_fingerprint(), _settings(settings), profile.value, _target(target), os.getcwd()]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, default=str).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class _FileSig:
    size: int
    mtime_ns: int
    inode: int
    sha256: str

    def stat_matches(self, st: os.stat_result, checked_ns: int) -> bool:
        return (st.st_size, st.st_mtime_ns, st.st_ino) == (self.size, self.mtime_ns, self.inode) and (
            st.st_mtime_ns < checked_ns - _RACY_NS)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _files(folder: Path) -> dict[str, os.stat_result]:
    """Every regular file under the package folder (links followed), by POSIX path relative to it.
    The whole folder, not only the resources' files: schemas, dialects and sources are files a
    report may read, and listing them costs only a stat each."""
    out: dict[str, os.stat_result] = {}
    for dirpath, dirs, names in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d not in (".opendata-pub", ".git", "__pycache__"))
        base = Path(dirpath)
        for name in names:
            path = base / name
            with contextlib.suppress(OSError):
                st = path.stat()
                if os.path.isfile(path):
                    out[path.relative_to(folder).as_posix()] = st
    return out


def _signatures(folder: Path, stats: Mapping[str, os.stat_result], known: Mapping[str, _FileSig],
                checked_ns: int) -> dict[str, _FileSig] | None:
    """Each file's signature, hashing only files whose stat does not match ``known``; None when a
    file vanished meanwhile."""
    out: dict[str, _FileSig] = {}
    for rel, st in stats.items():
        old = known.get(rel)
        if old is not None and old.stat_matches(st, checked_ns):
            out[rel] = old
            continue
        try:
            sha = _sha256(folder / rel)
        except OSError:
            return None
        out[rel] = _FileSig(st.st_size, st.st_mtime_ns, st.st_ino, sha)
    return out


def _digest(files: Mapping[str, _FileSig]) -> str:
    """One sha256 over the package folder's content: each file's path, size and sha256 (no stat)."""
    h = hashlib.sha256()
    for rel in sorted(files):
        h.update(f"{rel}\0{files[rel].size}\0{files[rel].sha256}\n".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def content_digest(path: str | os.PathLike[str]) -> str | None:
    """The content signature of a package folder (or of the folder of a descriptor) as the cache
    computes it: every file hashed. None when a file vanished while it was read. A ``ValidationCache``
    that looked the package up has it already (``contents``), from stat signatures."""
    package = Path(path).resolve()
    folder = package if package.is_dir() else package.parent
    now = _signatures(folder, _files(folder), {}, 0)
    return None if now is None else _digest(now)


def _content_same(now: Mapping[str, _FileSig], stored: Mapping[str, _FileSig]) -> bool:
    return now.keys() == stored.keys() and all(now[k].sha256 == stored[k].sha256 and now[k].size == stored[k].size
                                               for k in now)


@dataclass(slots=True)
class _Entry:
    context: str
    checked_ns: int
    files: dict[str, _FileSig]
    report: PackageReport

    def to_json(self) -> str:
        return json.dumps({
            "format": CACHE_FORMAT, "context": self.context, "checked_ns": self.checked_ns,
            "files": {k: [v.size, v.mtime_ns, v.inode, v.sha256] for k, v in sorted(self.files.items())},
            "report": self.report.to_dict(),
        }, ensure_ascii=True, separators=(",", ":"))  # ASCII: a lone surrogate in a message stays writable

    @classmethod
    def from_json(cls, text: str) -> _Entry | None:
        try:
            raw = json.loads(text)
            if not isinstance(raw, dict) or raw.get("format") != CACHE_FORMAT:
                return None
            files = {str(k): _FileSig(int(v[0]), int(v[1]), int(v[2]), str(v[3])) for k, v in raw["files"].items()}
            return cls(str(raw["context"]), int(raw["checked_ns"]), files, PackageReport.from_dict(raw["report"]))
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            return None  # a corrupt or foreign entry: validate again


def _round_trips(report: PackageReport) -> bool:
    """Only a report that reads back equal is stored (params with tuples or other non-JSON values
    would come back changed)."""
    try:
        return PackageReport.from_dict(json.loads(json.dumps(report.to_dict(), ensure_ascii=False))) == report
    except (TypeError, ValueError):
        return False


@dataclass(frozen=True, slots=True)
class Lookup:
    """One package looked up in the cache: its ``report`` on a hit (None on a miss), and what the
    lookup saw of the package (``files``: None when a file could not be read) for ``store``."""

    report: PackageReport | None
    entry_path: Path
    context: str
    checked_ns: int
    files: dict[str, _FileSig] | None


class ValidationCache:
    """The entries of one cache folder. ``hits`` and ``misses`` count lookups (for tests and benches).

    ``contents`` keeps, per package folder looked up, the content signature of what the lookup saw
    (``content_digest``'s value, computed from the stat signatures): a static catalog keys its
    rendered pages by it without hashing the package again."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        self.hits = 0
        self.misses = 0
        self.contents: dict[Path, str] = {}

    def content_of(self, path: str | os.PathLike[str]) -> str | None:
        """The content signature the last lookup of ``path`` saw; None when it was not looked up."""
        package = Path(path).resolve()
        return self.contents.get(package if package.is_dir() else package.parent)

    def _entry_path(self, package: Path, profile: Profile, target: TargetInfo | None) -> Path:
        name = json.dumps([str(package), profile.value, target.kind if target else None])
        return self.folder / _ENTRIES / f"{hashlib.sha256(name.encode()).hexdigest()}.json"

    def _read(self, path: Path) -> _Entry | None:
        try:
            return _Entry.from_json(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            return None

    def _write(self, path: Path, entry: _Entry) -> None:
        # A cache that cannot be written (read-only project, full disk) only costs time next run.
        with contextlib.suppress(OSError, ValueError):
            write_text(path, entry.to_json())
            ignore_in_git(self.folder)

    def lookup(self, path: str | os.PathLike[str], settings: Settings | None, *, profile: Profile = Profile.JP,
               target: TargetInfo | None = None) -> Lookup:
        """The package's cached report when nothing it depends on changed (``Lookup.report``), else what
        ``store`` needs to keep the report of a validation made after this lookup."""
        package = Path(path).resolve()
        folder = package if package.is_dir() else package.parent
        context = context_key(settings, profile=profile, target=target)
        entry_path = self._entry_path(package, profile, target)
        checked_ns = time.time_ns()
        stats = _files(folder)
        entry = self._read(entry_path)
        known = entry.files if entry is not None and entry.context == context else {}
        now = _signatures(folder, stats, known, entry.checked_ns if entry is not None else 0)
        if now is not None:
            self.contents[folder] = _digest(now)
        else:
            self.contents.pop(folder, None)
        if entry is not None and entry.context == context and now is not None and _content_same(now, entry.files):
            self.hits += 1
            if any(now[k] is not entry.files[k] for k in now):  # re-hashed: record the new stats
                self._write(entry_path, _Entry(context, checked_ns, now, entry.report))
            return Lookup(entry.report, entry_path, context, checked_ns, now)
        self.misses += 1
        return Lookup(None, entry_path, context, checked_ns, now)

    def store(self, lookup: Lookup, report: PackageReport) -> None:
        """Keep ``report``, made by validating after ``lookup``, for the content that lookup hashed.

        Hashed before validating: a file changed during validation makes the stored sums stale, and
        the next lookup a miss — never a hit on content that was not validated. (This is why a
        caller that validates elsewhere, in worker processes, stores through the lookup it made
        first rather than hashing again afterwards.)"""
        if lookup.files is not None and _round_trips(report):
            self._write(lookup.entry_path, _Entry(lookup.context, lookup.checked_ns, lookup.files, report))

    def validate(self, path: str | os.PathLike[str], settings: Settings | None, *, profile: Profile = Profile.JP,
                 target: TargetInfo | None = None, validate: ValidateFn = validate_package) -> PackageReport:
        """The package's report: from the cache when nothing it depends on changed, else ``validate``'s
        (then stored)."""
        found = self.lookup(path, settings, profile=profile, target=target)
        if found.report is not None:
            return found.report
        report = validate(path, settings, profile=profile, target=target)
        self.store(found, report)
        return report


def default_cache_dir(settings: Settings | None, target_folder: str | os.PathLike[str] | None = None) -> Path | None:
    """``<project>/.opendata-pub/cache`` when there is an opendata.yaml; else the user's cache folder
    (``$XDG_CACHE_HOME/opendata-pub``, default ``~/.cache/opendata-pub``), never the target's folder: a
    static catalog is served as it is, and the reports name local paths. None when there is no home.
    (``target_folder`` is accepted for callers that pass it; it does not decide the place.)"""
    if settings is not None and settings.path is not None:
        return settings.root / CACHE_DIR
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no home directory to resolve
            return None
    return Path(base) / "opendata-pub" / "validation"


def cached_validate(path: str | os.PathLike[str], settings: Settings | None, *, profile: Profile = Profile.JP,
                    target: TargetInfo | None = None, validate: ValidateFn = validate_package,
                    cache_dir: str | os.PathLike[str] | None = None) -> PackageReport:
    """``validate_package`` through the cache in ``cache_dir`` (default: ``default_cache_dir``); with no
    cache folder, simply ``validate``."""
    folder = cache_dir if cache_dir is not None else default_cache_dir(settings)
    if folder is None:
        return validate(path, settings, profile=profile, target=target)
    return ValidationCache(folder).validate(path, settings, profile=profile, target=target, validate=validate)
