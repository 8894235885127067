"""The static catalog as a publishing target: a folder of plain files (``publish --to DIR``).

For municipalities without CKAN. The folder holds exactly the site ``site.render_site`` produces for
the packages (``index.html``, a page and the files of each dataset, ``catalog.ttl`` …), written
through the same plan/apply engine as a CKAN portal:

* ``plan`` compares every file the site should have with the folder, by sha256: per dataset create /
  update / unchanged, per file create / replace / unchanged / delete (delete only with ``--prune``).
  The catalog-level files (``index.html``, ``catalog.ttl``, ``catalog.jsonld``, ``assets/``,
  ``opendata-list/``) are one more entry, named ``(catalog)``, applied after every dataset.
* ``publish`` writes only the files that differ (an unchanged file is not touched: its mtime stays),
  each atomically (temporary file + rename); within a dataset its ``index.html`` and then its
  ``datapackage.json`` come last, and the catalog's ``index.html`` after everything else. Files to
  delete go after the writes.
* The manifest ``.opendata-pub-manifest.json`` in the folder lists every file opendata-pub wrote there,
  with its sha256, size and mtime. It makes a file *ours*: ``--prune`` deletes only files in the
  manifest whose content is still what we wrote, never a file a person put in the folder (or changed
  since). A file whose size and mtime match the manifest is not hashed again.
* Datasets on the site that are not among the packages of this run (a subset named on the command
  line, or a package refused by validation) stay on the site and in its index, re-read from their copy
  in the folder, unless ``--prune`` removes them (a refused package is never removed).
* One run at a time: a publish (and a plan) holds an exclusive lock on the folder (``folderlock``,
  the file ``.opendata-pub.lock``) from reading the manifest to writing it back, so two publishes
  into one folder never lose each other's datasets; the second waits, then fails with ``FolderBusy``.
  ``close()`` (or the end of applying a plan) lets go. A folder that did not exist when planned is
  locked when it is created; if another publish created it meanwhile, nothing is written
  (``ConflictError``). Under the lock, temporary files a killed publish left (``.NAME.XXXXXXXX.tmp``
  beside a file of the site) are removed; they are never listed, indexed or counted as ours.
* Guards: the folder may not be the project root (or above it), inside the packages folder, or overlap
  a package; a non-empty folder without a manifest is refused unless ``force`` (a typo in ``--to``
  must not spray files into a random folder).
* A saved plan records, per file, the sha256 it will write (``desired``) and the sha256 it found
  (``id``). Applied later (``publish --plan``), a package that changed since or a file that changed in
  the folder since refuses the whole plan before anything is written (``ConflictError``).

The catalog entry goes through the engine like the datasets: ``plan_packages`` asks the target for it
(``plan_catalog``) and ``apply_plan`` applies it last (``apply_catalog``, inside ``applying``), so
every way of publishing (``actions.publish``, or the engine's verbs) writes it.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

from ..atomicfile import remove_stale_temps, temp_target, write_bytes
from ..config import Settings
from ..errors import InputError, UsageError
from ..folderlock import DEFAULT_TIMEOUT, LOCK_NAME, FolderLock
from ..inputfile import UnreadableInput, parse_json, read_input_bytes
from ..inventory import INVENTORY_NAME, build_inventory
from ..packaging.package import DescriptorMemo, LocalPackage, load_package
from ..packaging.stamp import file_digest
from ..site import RESERVED_NAMES, render_site, site_names
from ..validation.cache import content_digest, toolkit_fingerprint, tree_digest
from .plan import Change, DatasetAction, DatasetPlan, Plan, ResourceAction, ResourcePlan
from .source import SourcePackage, load_source
from .target import CATALOG_ENTRY, ConflictError, PreflightError, TransferProgress

__all__ = [
    "CATALOG_ENTRY",
    "MANIFEST_NAME",
    "Manifest",
    "ManifestEntry",
    "RenderRecord",
    "StaticTarget",
]

MANIFEST_NAME = ".opendata-pub-manifest.json"
MANIFEST_VERSION = 1
# One line per file of the site: a few megabytes for a very large catalog.
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
_NOTE = ("opendata-pub がこのフォルダに書いたファイルの記録です。--prune はここにあり、内容が変わっていない"
         "ファイルだけを削除します。手で編集しないでください。")
_REFRESH = "opendata-pub plan で計画を作り直してください"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _label(size: int, sha: str) -> str:
    return f"sha256:{sha[:12]}… ({size:,} バイト)"


def _media_type(rel: str) -> str:
    guessed, _ = mimetypes.guess_type(rel)
    return guessed or "application/octet-stream"


def _safe_rel(rel: Any) -> bool:
    """A relative posix path that stays inside the folder (manifest entries are checked with it)."""
    if not isinstance(rel, str) or not rel or "\\" in rel or "\x00" in rel or rel.startswith("/"):
        return False
    parts = rel.split("/")
    return all(p not in ("", ".", "..") for p in parts) and not (len(rel) > 1 and rel[1] == ":")


def _top(rel: str) -> str | None:
    """The dataset folder a site path belongs to (None for a catalog-level file)."""
    head, sep, _ = rel.partition("/")
    return head if sep and head not in RESERVED_NAMES else None


def _write_order(rel: str) -> tuple[int, str]:
    """Data files first, then the page, the descriptor last; the catalog's index.html last of all."""
    name = PurePosixPath(rel).name
    depth = rel.count("/")
    if name == "datapackage.json" and depth == 1:
        return (2, rel)
    if name == "index.html" and depth <= 1:
        return (1, rel)
    return (0, rel)


# ---------------------------------------------------------------------------------------------
# the manifest


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    sha256: str
    size: int
    mtime_ns: int | None = None


@dataclass(frozen=True, slots=True)
class RenderRecord:
    """What the files of one dataset (or of the catalog level) were rendered from, so that a publish
    of the same input neither reads the package with frictionless nor renders it again.

    ``key`` is a sha256 over everything the files depend on except the publishers' names the pages
    show (``names``, a sha256 too; they come from every package, so they are checked once for the
    whole catalog). ``files`` are the rendered files (relative to the dataset's folder; to the site
    for the catalog level) and ``outputs`` a sha256 over their paths, sizes and sha256 as the manifest
    recorded them: a manifest entry changed since (a later write) voids the record."""

    key: str
    names: str
    files: tuple[str, ...]
    outputs: str
    package: str | None = None  # the package folder (resolved) of a dataset

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"key": self.key, "names": self.names, "outputs": self.outputs,
                               "files": list(self.files)}
        if self.package is not None:
            out["package"] = self.package
        return out

    @classmethod
    def from_json(cls, raw: Any) -> RenderRecord | None:
        """The record, or None when it is not one (a record is only a shortcut: never an error)."""
        try:
            files = tuple(str(f) for f in raw["files"])
            package = raw.get("package")
            record = cls(str(raw["key"]), str(raw["names"]), files, str(raw["outputs"]),
                         None if package is None else str(package))
        except (KeyError, TypeError, AttributeError):
            return None
        return record if all(_safe_rel(f) for f in files) else None


def _outputs(files: Mapping[str, ManifestEntry], rels: Sequence[str]) -> str | None:
    """sha256 over the manifest's record of ``rels``; None when one is missing."""
    h = hashlib.sha256()
    for rel in sorted(rels):
        e = files.get(rel)
        if e is None:
            return None
        h.update(f"{rel}\0{e.size}\0{e.sha256}\n".encode())
    return h.hexdigest()


@dataclass(slots=True)
class Manifest:
    """What opendata-pub wrote into a site folder: relative path → sha256, size, mtime; and per dataset
    (and for the catalog level, under CATALOG_ENTRY) what its files were rendered from."""

    files: dict[str, ManifestEntry] = field(default_factory=dict)
    rendered: dict[str, RenderRecord] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path) -> Manifest | None:
        """The folder's manifest; None when there is none. InputError when it cannot be trusted."""
        raw = _read_manifest(root)
        return None if raw is None else cls.parse(raw, root / MANIFEST_NAME)

    @classmethod
    def parse(cls, raw: bytes, path: Path) -> Manifest:
        """The manifest in ``raw`` (read from ``path``). InputError when it cannot be trusted."""
        try:
            data = parse_json(raw.decode("utf-8"))
            if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
                raise ValueError(f"version {data.get('version') if isinstance(data, dict) else None!r}")
            files: dict[str, ManifestEntry] = {}
            for rel, e in (data.get("files") or {}).items():
                if not _safe_rel(rel) or rel == MANIFEST_NAME:
                    raise ValueError(f"使えないパス {rel!r}")
                sha, size, mtime = e["sha256"], e["size"], e.get("mtime_ns")
                if not (isinstance(sha, str) and len(sha) == 64 and isinstance(size, int)
                        and (mtime is None or isinstance(mtime, int))):
                    raise ValueError(f"{rel} の記録が不正です")
                files[rel] = ManifestEntry(sha, size, mtime)
        except UnreadableInput as exc:
            raise InputError(f"opendata-pub の記録 (manifest) が壊れています: {exc.problem}", path=str(path),
                             where=exc.where) from exc
        except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise InputError(f"opendata-pub の記録 (manifest) が壊れています: {exc}", path=str(path),
                             hint="フォルダの中身を確かめてください。記録を捨てて公開し直すなら、このファイルを消して --force") from exc
        rendered = data.get("rendered")
        records = {str(k): r for k, v in (rendered.items() if isinstance(rendered, dict) else ())
                   if (r := RenderRecord.from_json(v)) is not None}
        return cls(files, records)

    def to_bytes(self) -> bytes:
        """JSON with one line per file (readable, and a diff shows which files changed)."""
        lines = []
        for rel, e in sorted(self.files.items()):
            record: dict[str, Any] = {"sha256": e.sha256, "size": e.size}
            if e.mtime_ns is not None:
                record["mtime_ns"] = e.mtime_ns
            lines.append(f"  {json.dumps(rel, ensure_ascii=False)}: {json.dumps(record)}")
        head = {"generator": "opendata-pub", "version": MANIFEST_VERSION, "note": _NOTE}
        text = json.dumps(head, ensure_ascii=False, indent=1)[:-2]  # without the closing "\n}"
        body = ",\n".join(lines)
        out = text + ',\n "files": {\n' + body + ("\n" if body else "") + " }"
        if self.rendered:
            rendered = ",\n".join(f"  {json.dumps(name, ensure_ascii=False)}: "
                                  f"{json.dumps(r.to_json(), ensure_ascii=False)}"
                                  for name, r in sorted(self.rendered.items()))
            out += ',\n "rendered": {\n' + rendered + "\n }"
        return (out + "\n}\n").encode("utf-8")

    def datasets(self) -> set[str]:
        return {top for rel in self.files if (top := _top(rel)) is not None}

    def by_dataset(self) -> dict[str | None, list[str]]:
        """The files by dataset (None: the catalog level), each list sorted."""
        out: dict[str | None, list[str]] = {}
        for rel in sorted(self.files):
            out.setdefault(_top(rel), []).append(rel)
        return out


def _read_manifest(root: Path) -> bytes | None:
    """The manifest's bytes; None when there is none. A link to a device, a FIFO or a huge file is refused."""
    path = root / MANIFEST_NAME
    try:
        return read_input_bytes(path, max_bytes=MAX_MANIFEST_BYTES)
    except UnreadableInput as exc:
        if exc.missing:
            return None
        raise InputError(f"opendata-pub の記録 (manifest) を読めません: {exc.problem}", path=str(path)) from exc


# The validation cache of a publish run without opendata.yaml (validation/cache.py): ours, not site content.
_CACHE_FOLDER = ".opendata-pub"


def _ignorable(name: str) -> bool:
    """Files of ours that are not site content: the lock, the validation cache, and temporary files of
    an interrupted write."""
    return name in (LOCK_NAME, _CACHE_FOLDER) or temp_target(name) is not None


# ---------------------------------------------------------------------------------------------
# what a dataset's files are rendered from (RenderRecord)

# Bump when what a key covers changes: every record then misses once.
RECORD_FORMAT = 1
_SITE_ASSETS = Path(__file__).resolve().parent.parent / "site" / "assets"


@lru_cache(maxsize=1)
def _render_fingerprint() -> str:
    """The toolkit (code, vocabularies, library versions: validation.cache) and the site's templates,
    CSS and scripts, which the toolkit's fingerprint leaves out."""
    return _sha(f"{toolkit_fingerprint()}\0{tree_digest(_SITE_ASSETS, None)}".encode())


def _render_context(settings: Settings) -> str:
    """What of the settings and the toolkit every rendered file can depend on: the catalog (title,
    base URL, operator …), the publishers, and where the inventory is read from."""
    parts = [RECORD_FORMAT, _render_fingerprint(), repr(settings.catalog), [repr(p) for p in settings.publishers],
             str(settings.packages_path)]
    return _sha(json.dumps(parts).encode())


def _inventory_digest(settings: Settings) -> str:
    """The inventory file's bytes (the datasets without a package, the reported counts)."""
    path = settings.packages_path / INVENTORY_NAME
    try:
        return _sha(path.read_bytes())
    except FileNotFoundError:
        return "none"
    except OSError as exc:  # the render reports it; here it only must not match a readable file
        return f"unreadable {exc.errno}"


def _names_digest(names: Mapping[str, str]) -> str:
    return _sha(json.dumps(sorted(names.items())).encode())


def _folder_of(path: str | os.PathLike[str]) -> Path:
    """The package folder of ``path`` (a folder or a descriptor file), as ``load_package`` finds it."""
    p = Path(path)
    return p if p.is_dir() else p.parent


# ---------------------------------------------------------------------------------------------
# the target


class StaticTarget:
    """Publishes packages as a static catalog into one folder (see the module doc)."""

    kind = "folder"

    def __init__(self, folder: str | os.PathLike[str], *, settings: Settings, force: bool = False,
                 rdf: Any = None, lock_timeout: float = DEFAULT_TIMEOUT) -> None:
        self.root = Path(folder).expanduser().resolve()
        self.settings = settings
        self.force = force
        self._folder_lock = FolderLock(self.root, what="公開 (publish/plan)", timeout=lock_timeout)
        self._planned_absent = False  # the folder did not exist when the manifest was read
        self._race: str | None = None  # another publish created the folder after our plan
        self._rdf = rdf  # as render_site's ``rdf``: None = opendata_pub.rdf.catalog_graph
        self._lock = threading.Lock()
        self._manifest: Manifest | None = None
        self._manifest_loaded = False
        self._saved_manifest: bytes | None = None  # the manifest's bytes in the folder as we last saw them
        self._sources: list[SourcePackage] | None = None
        self._render_key: Any = None
        self._keep_also: set[str] = set()  # datasets kept even with --prune (refused by validation)
        self._site: dict[str, bytes] = {}
        self._published: set[str] = set()  # datasets rendered from this run's packages
        self._kept: set[str] = set()  # datasets on the site kept from their copy in the folder
        self._kept_notes: list[str] = []
        self._disk: dict[str, tuple[int, str] | None] = {}  # relative path → (size, sha256) now
        self._adopt: dict[str, ManifestEntry] = {}  # unchanged files to (re)record in the manifest
        self._frozen = False  # a saved plan is being applied: the render is fixed
        self._wrote = False  # this apply wrote or deleted something
        # The fast path (RenderRecord): what this run rendered, and what it planned from records.
        self._context: str | None = None  # _render_context of the settings; None: no records kept
        self._contents: dict[Path, str] = {}  # resolved package folder → content signature
        self._quick: dict[str, DatasetPlan] = {}  # datasets planned from their record, not rendered
        self._memo: DescriptorMemo | None = None  # parsed descriptors kept between runs (plan_unchanged)
        self._recorded: dict[str, tuple[int, str]] = {}  # their files (and the catalog's): size, sha256
        self._demoted: set[str] = set()  # quick datasets rendered after all (the publishers' names changed)
        self._rendered_keys: dict[str, tuple[str, str]] = {}  # dataset rendered now → key, package folder
        self._names: str | None = None  # the publishers' names digest of this run's pages
        self._catalog_key: str | None = None
        self._catalog_quick: RenderRecord | None = None  # the catalog level is as recorded: not rendered
        self._full = False  # render every package (a saved plan is checked against a full render)
        self._site_sha: dict[str, str] = {}
        self._index: dict[str | None, list[str]] | None = None  # the manifest's files by dataset

    def is_published(self, name: str) -> bool:
        """Whether the folder's manifest lists files of dataset ``name`` (read without the lock:
        a question asked before a build, not part of a publish)."""
        manifest = Manifest.load(self.root) if self.root.is_dir() else None
        return manifest is not None and name in manifest.datasets()

    def __repr__(self) -> str:
        return f"StaticTarget({str(self.root)!r})"

    # -- identity ---------------------------------------------------------------------------------
    def describe(self) -> dict[str, Any]:
        return {"kind": self.kind, "url": self.root.as_uri(), "path": str(self.root)}

    def label(self) -> str:
        return f"静的カタログ {self.root}"

    def close(self) -> None:
        self.unlock()

    def unlock(self) -> None:
        """Let go of the folder; a later plan on this target reads the manifest afresh."""
        with self._lock:
            if self._folder_lock.held:
                self._folder_lock.release()
                self._manifest_loaded = False

    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST_NAME

    # -- guards -----------------------------------------------------------------------------------
    def check_folder(self, sources: Sequence[SourcePackage] = ()) -> None:
        """Refuse a folder the site must not be written to (module doc); read its manifest."""
        root = self.root
        if root.exists() and not root.is_dir():
            raise UsageError(f"{root}: フォルダではありません", hint="静的カタログを置くフォルダを --to に指定してください")
        project = self.settings.root.resolve()
        if root == project or root in project.parents:
            raise UsageError(f"{root}: プロジェクトのフォルダ (またはその上) には静的カタログを書けません",
                             hint="--to site/ のように、サイト専用のフォルダを指定してください")
        packages = self.settings.packages_path.resolve()
        if root == packages or packages in root.parents:
            raise UsageError(f"{root}: パッケージのフォルダ {packages} の中には静的カタログを書けません",
                             hint="--to site/ のように、パッケージの外のフォルダを指定してください")
        for s in sources:
            self._check_overlap(s.path.resolve())
        if not self._manifest_loaded:
            if root.is_dir() and not self._folder_lock.held:
                self._lock_folder()
            self._planned_absent = not root.is_dir()
            try:
                raw = _read_manifest(root)
                self._manifest = None if raw is None else Manifest.parse(raw, self.manifest_path)
                self._saved_manifest = raw if self._manifest is not None else None
            except InputError:
                if not self.force:
                    raise
                self._manifest = None  # --force: nothing in the folder counts as ours
                self._saved_manifest = None
            self._manifest_loaded = True
            self._index = None
        if self._manifest is None and self._occupied() and not self.force:
            raise self._not_ours()

    def _check_overlap(self, pkg: Path) -> None:
        root = self.root
        if root == pkg or pkg in root.parents or root in pkg.parents:
            raise UsageError(f"{root}: パッケージ {pkg} と重なるフォルダには静的カタログを書けません",
                             hint="パッケージの外の、サイト専用のフォルダを指定してください")

    def _lock_folder(self) -> None:
        """Take the folder's lock (held from here to the manifest written back, module doc).

        A folder that holds files but no manifest is not ours, and a mistyped --to gets no lock file
        there, unless our lock file is in it: then another publish is writing the folder's first
        manifest right now, and we wait for it and look again."""
        if self.force or self.manifest_path.exists() or not self._occupied():
            self._folder_lock.acquire()
            return
        # Another publish may have written the manifest and let go of its lock between our two looks
        # (the manifest first, the files second): look at the manifest once more before refusing.
        if not self._folder_lock.path.exists() and not self.manifest_path.exists():
            raise self._not_ours()
        self._folder_lock.acquire()
        if not self.manifest_path.exists() and self._occupied():
            self._folder_lock.release()  # what is left of a publish that died before its manifest
            raise self._not_ours()

    def _occupied(self) -> bool:
        """The folder holds something besides our lock and temporary files."""
        return self.root.is_dir() and any(not _ignorable(p.name) for p in self.root.iterdir())

    def _not_ours(self) -> UsageError:
        root = self.root
        return UsageError(
            f"{root}: 空でないフォルダに opendata-pub の記録 ({MANIFEST_NAME}) がありません。書き込みません",
            hint="公開先のフォルダ (--to) が正しいか確かめてください。このフォルダに公開してよいなら --force")

    def _owned(self, rel: str) -> ManifestEntry | None:
        return self._manifest.files.get(rel) if self._manifest is not None else None

    # -- the folder now ---------------------------------------------------------------------------
    def _path(self, rel: str) -> Path:
        """The file of ``rel`` in the folder, refused when a link would lead it outside."""
        if not _safe_rel(rel):
            raise UsageError(f"サイトのファイルの場所が不正です: {rel!r}")
        path = self.root.joinpath(*rel.split("/"))
        parent = Path(os.path.realpath(path.parent))
        if parent != self.root and self.root not in parent.parents:
            raise UsageError(f"{path}: フォルダの外を指すリンクの先には書けません")
        return path

    def _current(self, rel: str, *, fresh: bool = False, trust_manifest: bool = True) -> tuple[int, str] | None:
        """(size, sha256) of the file in the folder, None when there is none. A size and mtime that
        match the manifest take its sha256 instead of reading the file."""
        if not fresh and rel in self._disk:
            return self._disk[rel]
        path = self._path(rel)
        try:
            st = path.stat()
        except FileNotFoundError:
            self._disk[rel] = None
            return None
        except NotADirectoryError:
            raise UsageError(f"{path}: 途中にファイルがあるため書けません") from None
        if not path.is_file():
            raise UsageError(f"{path}: ファイルではありません (フォルダがあります)",
                             hint="サイトのファイルと同じ名前のフォルダを移してください")
        owned = self._owned(rel)
        if trust_manifest and owned is not None and owned.size == st.st_size and owned.mtime_ns == st.st_mtime_ns:
            state = (owned.size, owned.sha256)
        else:
            try:
                sha, size = file_digest((path,))
            except OSError as exc:
                raise InputError(f"読めません: {exc.strerror}", path=str(path)) from exc
            state = (size, sha)
            self._adopt[rel] = ManifestEntry(sha, size, st.st_mtime_ns)  # see finish()
        self._disk[rel] = state
        return state

    # -- rendering --------------------------------------------------------------------------------
    def _render(self, prune: bool) -> None:
        """The site for this run's packages plus the datasets kept on the site: the folders of the
        packages planned from ``sources`` (not of those planned from their record, nor of kept ones,
        whose files are not written) and the catalog level, unless that is as recorded too."""
        sources = self._sources or []
        on_site = self._manifest.datasets() if self._manifest is not None else set()
        names = {s.name for s in sources} | set(self._quick)
        keep = (set() if prune else on_site - names) | (self._keep_also & on_site - names)
        key = (tuple(sorted((s.name, str(s.path)) for s in sources)), tuple(sorted(keep)), tuple(sorted(self._quick)))
        if key == self._render_key:
            return
        kept, notes = self._kept_copies(keep)
        keys = self._source_keys(sources)
        self._catalog_key = self._catalog_key_of(keys, kept)
        record = self._manifest.rendered.get(CATALOG_ENTRY) if self._manifest is not None else None
        if record is not None and not sources and self._quick_catalog(record):
            self._site, self._site_sha, self._names = {}, {}, record.names
            self._catalog_quick, self._demoted, self._rendered_keys = record, set(), {}
        else:
            self._render_all(sources, kept, keys)
        self._published = names
        self._kept = {p.name for p in kept}
        self._kept_notes = notes
        self._render_key = key

    def _kept_copies(self, keep: set[str]) -> tuple[list[LocalPackage], list[str]]:
        """The kept datasets' packages as copied into the folder, and notes on those left out."""
        kept: list[LocalPackage] = []
        notes: list[str] = []
        for name in sorted(keep):
            try:
                copy = load_package(self.root / name)
            except InputError as exc:
                notes.append(f"データセット {name} はサイトにありますが、その datapackage.json を読めないため一覧から外れます"
                             f" ({exc.message})")
                continue
            if copy.name != name:
                notes.append(f"データセット {name} のサイトの datapackage.json の名前が {copy.name} のため一覧から外れます")
                continue
            kept.append(copy)
        return kept, notes

    def _render_all(self, sources: Sequence[SourcePackage], kept: list[LocalPackage],
                    keys: Mapping[str, str]) -> None:
        """Render the catalog level from every package, and the folders of ``sources`` and of the
        quick datasets whose pages would now show other publishers' names."""
        packages = [LocalPackage(root=s.path, descriptor_path=s.descriptor_path, descriptor=s.descriptor)
                    for s in sources]
        packages += [load_package(self._quick[n].package, memo=self._memo) for n in sorted(self._quick)]
        everything = packages + kept
        inventory = build_inventory(self.settings, everything)
        self._names = _names_digest(site_names(everything, self.settings, inventory))
        records = self._manifest.rendered if self._manifest is not None else {}
        self._demoted = {n for n in self._quick if records[n].names != self._names}
        pages = {s.name for s in sources} | self._demoted
        self._site = render_site(everything, self.settings, inventory, rdf=self._rdf, pages=pages)
        self._site_sha = {}
        self._catalog_quick = None
        self._rendered_keys = {s.name: (keys[s.name], str(s.path.resolve())) for s in sources if s.name in keys}
        for n in self._demoted:
            self._rendered_keys[n] = (records[n].key, records[n].package or "")

    def _source_keys(self, sources: Sequence[SourcePackage]) -> dict[str, str]:
        """Each source's key (its content signature under this run's settings and toolkit), taken
        before it is rendered: a package changed meanwhile is then rendered again next time."""
        if self._rdf is not None:
            return {}
        if self._context is None:
            self._context = _render_context(self.settings)
        out: dict[str, str] = {}
        for s in sources:
            folder = s.path.resolve()
            digest = self._contents.get(folder) or content_digest(folder)
            if digest is not None:
                self._contents[folder] = digest
                out[s.name] = _sha(f"{self._context}\0{digest}".encode())
        return out

    def _catalog_key_of(self, keys: Mapping[str, str], kept: Sequence[LocalPackage]) -> str | None:
        """The catalog level's key: the settings and toolkit, the inventory file, every listed
        dataset's key, and the files of the kept datasets as they are in the folder."""
        if self._context is None or self._rdf is not None:
            return None
        listed = dict(keys)
        records = self._manifest.rendered if self._manifest is not None else {}
        for name in self._quick:
            listed[name] = records[name].key
        if self._sources is not None and any(s.name not in listed for s in self._sources):
            return None
        index = self._files_by_dataset()
        copies = [[p.name, [[rel, self._current(rel)] for rel in index.get(p.name, ())]] for p in kept]
        parts = [self._context, _inventory_digest(self.settings), sorted(listed.items()), copies]
        return _sha(json.dumps(parts).encode())

    def _quick_catalog(self, record: RenderRecord) -> bool:
        """Whether the catalog level is as recorded: same key, every quick dataset rendered with the
        recorded publishers' names, its files in the folder as written."""
        if self._full or self._catalog_key is None or record.key != self._catalog_key or self._manifest is None:
            return False
        if any(self._manifest.rendered[n].names != record.names for n in self._quick):
            return False
        return self._as_recorded(list(record.files), record.outputs)

    def _as_recorded(self, files: list[str], outputs: str) -> bool:
        """The files are in the manifest as the record says, and in the folder as the manifest says."""
        assert self._manifest is not None
        if not files or _outputs(self._manifest.files, files) != outputs:
            return False
        for rel in files:
            e = self._manifest.files[rel]
            if self._current(rel) != (e.size, e.sha256):
                return False
        for rel in files:
            e = self._manifest.files[rel]
            self._recorded[rel] = (e.size, e.sha256)
        return True

    def _files_by_dataset(self) -> dict[str | None, list[str]]:
        """The manifest's files by dataset, computed once per plan (a lookup per dataset would cost
        the whole manifest each time: quadratic in a catalog of thousands)."""
        if self._index is None:
            self._index = self._manifest.by_dataset() if self._manifest is not None else {}
        return self._index

    def _want(self, rel: str) -> tuple[int, str] | None:
        """(size, sha256) this run's site has for ``rel``: rendered, or as recorded."""
        data = self._site.get(rel)
        if data is None:
            return self._recorded.get(rel)
        sha = self._site_sha.get(rel)
        if sha is None:
            sha = self._site_sha[rel] = _sha(data)
        return len(data), sha

    @property
    def files(self) -> Mapping[str, bytes]:
        """The rendered site (after ``plan``)."""
        return self._site

    # -- Target protocol --------------------------------------------------------------------------
    def preflight(self, sources: Sequence[SourcePackage]) -> None:
        """The folder may take the site; package names make folder names."""
        self.check_folder(sources)
        problems = []
        seen: dict[str, str] = {name: d.package for name, d in self._quick.items()}
        for s in sources:
            if s.name in seen:
                problems.append(f"データセット名 {s.name} が二つのパッケージで使われています ({seen[s.name]}, {s.path})")
            seen[s.name] = str(s.path)
            if not _safe_rel(s.name) or "/" in s.name or s.name.startswith("."):
                problems.append(f"{s.name}: パッケージ名はフォルダ名になるため、/ を含めたり . で始めたりできません")
            elif s.name in RESERVED_NAMES or s.name == CATALOG_ENTRY:
                problems.append(f"{s.name}: サイトが使う名前です (別の名前にしてください)")
        if problems:
            raise PreflightError(problems, hint="パッケージの name を直してから再実行してください")
        if self._frozen:
            if any(s.name not in self._published for s in sources):
                raise UsageError("計画にないパッケージです")
            return
        self._sources = list(sources)
        self._keep_also = set()
        self._render_key = None

    def plan_unchanged(self, packages: Sequence[tuple[str | os.PathLike[str], str | None]], *, prune: bool,
                       memo: DescriptorMemo | None = None) -> dict[str, DatasetPlan]:
        """The plans of the packages whose dataset needs no render, by ``str(path)``; the engine asks
        before reading any package for publishing (the others go through ``plan_dataset``).

        ``packages`` are (path, content signature: ``ValidationCache.content_of``, or None to hash
        the package here). A package is unchanged when the manifest's RenderRecord for its folder has
        the same key (content, settings, toolkit) and its files are in the folder as recorded; its
        plan is then made from the manifest alone, and its descriptor is read only if the catalog
        level is rendered (through ``memo``, when given). Starts a new plan: what an earlier one
        decided is forgotten."""
        self.check_folder()
        self._memo = memo
        self._quick, self._recorded, self._contents, self._render_key = {}, {}, {}, None
        self._full, self._demoted, self._rendered_keys, self._catalog_quick = False, set(), {}, None
        if self._rdf is not None:  # a graph given by the caller cannot be keyed: render everything
            return {}
        self._context = _render_context(self.settings)
        records = self._manifest.rendered if self._manifest is not None else {}
        by_folder: dict[str, list[str]] = {}
        for name, rec in records.items():
            if rec.package is not None:
                by_folder.setdefault(rec.package, []).append(name)
        out: dict[str, DatasetPlan] = {}
        for path, content in packages:
            folder = _folder_of(path)
            resolved = folder.resolve()
            self._check_overlap(resolved)
            digest = content if content is not None else content_digest(resolved)
            if digest is None:
                continue
            self._contents[resolved] = digest
            key = _sha(f"{self._context}\0{digest}".encode())
            found = [n for n in by_folder.get(str(resolved), ()) if records[n].key == key]
            if len(found) == 1 and found[0] not in self._quick:
                plan = self._quick_plan(found[0], records[found[0]], folder, prune)
                if plan is not None:
                    self._quick[found[0]] = out[str(path)] = plan
        return out

    def _quick_plan(self, name: str, record: RenderRecord, folder: Path, prune: bool) -> DatasetPlan | None:
        """A dataset's plan from its record, when its files are in the folder as recorded."""
        files = [f"{name}/{f}" for f in record.files]
        if not self._as_recorded(files, record.outputs):
            return None
        return self._dataset_plan(name, str(folder), sorted(files, key=_write_order), prune, source=None)

    def plan_dataset(self, source: SourcePackage, *, prune: bool) -> DatasetPlan:
        if self._sources is None or all(s.path != source.path for s in self._sources):
            self.preflight([*(self._sources or []), source])
        self._render(prune)
        produced = sorted((rel for rel in self._site if _top(rel) == source.name), key=_write_order)
        return self._dataset_plan(source.name, str(source.path), produced, prune, source=source)

    def _dataset_plan(self, name: str, package: str, produced: list[str], prune: bool, *,
                      source: SourcePackage | None) -> DatasetPlan:
        plan = DatasetPlan(name=name, package=package, action=DatasetAction.UNCHANGED, source=source)
        plan.resources = [self._file_plan(rel) for rel in produced]
        plan.resources += self._stale(name, set(produced), prune)
        plan.order = produced
        plan.desired = {"folder": name, "files": len(produced),
                        "bytes": sum(w[0] for r in produced if (w := self._want(r)) is not None)}
        _settle(plan, new=self._owned_any(name) is None)
        return plan

    def apply_dataset(self, plan: DatasetPlan, source: SourcePackage, *, progress: TransferProgress
                      ) -> dict[str, str]:
        if not plan.has_changes:
            return {}
        return self._apply(plan, progress)

    # -- planning helpers -------------------------------------------------------------------------
    def _owned_any(self, name: str) -> str | None:
        """A file of dataset ``name`` in the manifest, if it has one."""
        return next(iter(self._files_by_dataset().get(name, ())), None)

    def _file_plan(self, rel: str) -> ResourcePlan:
        want = self._want(rel)
        assert want is not None
        size, sha = want
        desired = {"path": rel, "mediaType": _media_type(rel), "size": size, "sha256": sha}
        now = self._current(rel)
        if now is None:
            return ResourcePlan(rel, ResourceAction.CREATE, desired=desired,
                                changes=[Change("file", None, _label(size, sha))])
        rp = ResourcePlan(rel, ResourceAction.UNCHANGED, remote_id=f"sha256:{now[1]}", desired=desired)
        if now != (size, sha):
            rp.action = ResourceAction.REPLACE
            rp.changes = [Change("file", _label(*now), _label(size, sha))]
            owned = self._owned(rel)
            if owned is None:
                rp.note = "opendata-pub が書いたファイルではありません (上書きします)"
            elif (owned.size, owned.sha256) != now:
                rp.note = "opendata-pub が書いた後に変更されています (上書きします)"
        return rp

    def _stale(self, dataset: str | None, produced: set[str], prune: bool) -> list[ResourcePlan]:
        """Files in the manifest that the site no longer has: deleted with --prune (when still ours)."""
        if self._manifest is None:
            return []
        out = []
        for rel in self._files_by_dataset().get(dataset, ()):
            owned = self._manifest.files[rel]
            if rel in produced:
                continue
            now = self._current(rel)
            if now is None:
                continue  # already gone: only the manifest remembers it
            rid = f"sha256:{now[1]}"
            if (owned.size, owned.sha256) != now:
                out.append(ResourcePlan(rel, ResourceAction.KEEP, remote_id=rid,
                                        note="サイトにはもう不要ですが、opendata-pub が書いた後に変更されているため削除しません"))
            elif prune:
                out.append(ResourcePlan(rel, ResourceAction.DELETE, remote_id=rid, note="サイトにはもう不要です",
                                        changes=[Change("file", _label(*now), None)]))
            else:
                out.append(ResourcePlan(rel, ResourceAction.KEEP, remote_id=rid, note="サイトにはもう不要です (--prune で削除)"))
        return out

    def _foreign(self) -> list[str]:
        """Files in the folder that opendata-pub did not write and the site does not have."""
        if not self.root.is_dir():
            return []
        out = []
        owned = self._manifest.files if self._manifest is not None else {}
        for folder, dirs, files in os.walk(self.root):
            rel_dir = Path(folder).relative_to(self.root).as_posix()
            prefix = "" if rel_dir == "." else rel_dir + "/"
            for d in [d for d in dirs if d.startswith(".")]:
                if not (prefix == "" and d == _CACHE_FOLDER):
                    out.append(prefix + d + "/")  # .git and the like: not looked into
                dirs.remove(d)
            dirs.sort()
            for f in sorted(files):
                rel = prefix + f
                # the manifest, the lock, and temporary files of an interrupted write (removed under the lock)
                ours = rel == MANIFEST_NAME or _ignorable(f)
                if not ours and rel not in owned and rel not in self._site:
                    out.append(rel)
        return out

    def plan_catalog(self, plan: Plan) -> DatasetPlan:
        """Target.plan_catalog: the catalog-level entry (below); when it keeps a package refused by
        validation on the site, the pages may differ, so the datasets of ``plan`` are planned again."""
        key = self._render_key
        entry = self._catalog_entry(plan)
        if self._render_key != key:
            plan.datasets = [self.plan_dataset(d.source, prune=plan.prune) if d.source is not None else d
                             for d in plan.datasets]
        if self._demoted:  # planned from their record, but their pages now show other names
            plan.datasets = [self._dataset_plan(d.name, d.package, sorted(
                (rel for rel in self._site if _top(rel) == d.name), key=_write_order), plan.prune, source=None)
                if d.source is None and d.name in self._demoted and self._quick.get(d.name) is d else d
                for d in plan.datasets]
        return entry

    def _catalog_entry(self, plan: Plan) -> DatasetPlan:
        """The catalog-level entry: index.html, catalog.ttl/jsonld, assets/, opendata-list/, and (with
        --prune) the files of datasets no longer on the site."""
        prune = plan.prune
        if self._sources is None:  # every package refused: the engine never called preflight
            self.preflight([])
        on_site = self._manifest.datasets() if self._manifest is not None else set()
        refused = {d.name for d in plan.refused} & on_site
        self._keep_also = refused
        self._render(prune)
        if self._catalog_quick is not None:
            produced = sorted(self._catalog_quick.files, key=_write_order)
        else:
            produced = sorted((rel for rel in self._site if _top(rel) is None), key=_write_order)
        entry = DatasetPlan(name=CATALOG_ENTRY, package=str(self.root), action=DatasetAction.UNCHANGED)
        entry.resources = [self._file_plan(rel) for rel in produced]
        entry.resources += self._stale(None, set(produced), prune)
        dropped = sorted(on_site - self._published - self._kept) if prune else []
        for name in dropped:
            entry.resources += self._stale(name, set(), True)
        entry.order = produced
        listed = sorted(self._published | self._kept)
        entry.desired = {"kind": "catalog", "folder": str(self.root), "datasets": listed, "kept": sorted(self._kept)}
        for name in sorted(self._kept):
            why = "検証でエラーがあるため今回は公開しません" if name in refused else "今回公開するパッケージにありません"
            entry.notes.append(f"データセット {name}: {why}。サイトにある前の版をそのまま残し、一覧にも載せます"
                               + ("" if name in refused else " (--prune で削除)"))
        for name in dropped:
            entry.notes.append(f"データセット {name}: パッケージにないため、サイトから削除します (--prune)")
        entry.notes += self._kept_notes
        foreign = self._foreign()
        if foreign:
            shown = ", ".join(foreign[:5]) + (f" ほか {len(foreign) - 5} 件" if len(foreign) > 5 else "")
            entry.notes.append(f"opendata-pub が書いていないファイル {len(foreign)} 件はそのままにします ({shown})。"
                               "--prune で削除するのは、opendata-pub が書いて記録 "
                               f"({MANIFEST_NAME}) にあるファイルだけです")
        elif prune:
            entry.notes.append(f"--prune で削除するのは、opendata-pub が書いて記録 ({MANIFEST_NAME}) にあり、"
                               "内容が変わっていないファイルだけです")
        _settle(entry, new=self._manifest is None)
        return entry

    # -- saved plans ------------------------------------------------------------------------------
    def prepare(self, plan: Plan) -> None:
        """Before a saved plan is applied: render the site as it was planned (the same packages, the
        same kept datasets) and refuse the whole plan when a package or a file in the folder changed
        since. Nothing is written here."""
        catalog = _catalog_of(plan)
        entries = [d for d in plan.datasets if d is not catalog and d.action is not DatasetAction.REFUSED]
        self._sources = [load_source(d.package, settings=self.settings) for d in entries]
        self.check_folder(self._sources)
        self._render_key = None
        self._quick, self._recorded, self._full = {}, {}, True
        self._context = None if self._rdf is not None else _render_context(self.settings)
        kept = set(catalog.desired.get("kept") or [])
        self._keep_also = kept
        self._render(plan.prune)
        if self._kept != kept:
            raise ConflictError("サイトに残すデータセットが計画の後で変わりました", hint=_REFRESH)
        problems: list[str] = []
        for d in [*entries, catalog]:
            planned = {r.name for r in d.resources if r.desired is not None}
            now = {rel for rel in self._site if _top(rel) == (None if d is catalog else d.name)}
            if planned != now:
                problems.append(f"{d.name}: サイトのファイルの構成が計画と違います")
                continue
            problems += self._check(d, strict=d.has_changes)
        if problems:
            raise ConflictError("計画の後で変わったものがあるため、何も書いていません: " + " / ".join(problems[:10])
                                + (f" ほか {len(problems) - 10} 件" if len(problems) > 10 else ""), hint=_REFRESH)
        self._frozen = True

    def release(self) -> None:
        self._frozen = False

    def _check(self, d: DatasetPlan, *, strict: bool) -> list[str]:
        """What differs from the plan: the rendered bytes (the package changed) or, for the files to
        write or delete, the folder (changed since the plan). Reads the folder afresh."""
        problems = []
        for rp in d.resources:
            if rp.desired is not None:
                planned = self._want(rp.name)
                if planned is None or planned[1] != rp.desired.get("sha256"):
                    problems.append(f"{rp.name}: パッケージが計画の後で変わりました")
                    continue
            if rp.action is ResourceAction.KEEP or (not strict and rp.action is ResourceAction.UNCHANGED):
                continue
            now = self._current(rp.name, fresh=True, trust_manifest=rp.action is ResourceAction.UNCHANGED)
            found = f"sha256:{now[1]}" if now is not None else None
            want = f"sha256:{rp.desired['sha256']}" if rp.desired is not None else None
            if rp.action is ResourceAction.CREATE:
                ok = found in (None, want)
            elif rp.action is ResourceAction.DELETE:
                ok = found in (None, rp.remote_id)
            else:  # REPLACE, UNCHANGED
                ok = found in (rp.remote_id, want) and found is not None
            if not ok:
                problems.append(f"フォルダのファイル {rp.name} が計画の後で変わりました")
        return problems

    # -- apply ------------------------------------------------------------------------------------
    def _begin(self) -> None:
        """Before the first write: the folder and its manifest exist, so an interrupted first publish
        still leaves a folder that is known to be ours."""
        with self._lock:
            if self._manifest is None:
                self._manifest = Manifest()
            if self._saved_manifest is None:
                self.root.mkdir(parents=True, exist_ok=True)
                self._save_locked()
            self._wrote = True

    def _save_locked(self) -> None:
        assert self._manifest is not None
        data = self._manifest.to_bytes()
        if data != self._saved_manifest:
            write_bytes(self.manifest_path, data)
            self._saved_manifest = data

    def _hold(self) -> None:
        """Before a dataset's writes: hold the folder's lock. A folder that did not exist at plan time
        has no lock yet: create it and lock it now, and write nothing if another publish made it
        meanwhile (our plan did not see its datasets; the index would lose them)."""
        with self._lock:
            if self._race is not None:
                raise ConflictError(self._race, hint="もう一度 publish してください (今度は両方が載ります)")
            if self._folder_lock.held:
                return
            self.root.mkdir(parents=True, exist_ok=True)
            self._folder_lock.acquire()
            if self._planned_absent and (self.manifest_path.exists() or self._occupied()):
                self._race = (f"{self.root}: 計画の後で別の公開がこのフォルダを作りました。"
                              "両方の公開が一覧から互いを消さないよう、何も書いていません")
                raise ConflictError(self._race, hint="もう一度 publish してください (今度は両方が載ります)")

    def _apply(self, d: DatasetPlan, progress: TransferProgress | None) -> dict[str, str]:
        self._hold()
        problems = self._check(d, strict=True)
        if problems:
            raise ConflictError(" / ".join(problems[:5]) + " — 上書きしません", hint=_REFRESH)
        writes, records, deletes = self._sort_work(d)
        if writes or records or deletes:
            self._begin()
        assert self._manifest is not None or not (writes or records or deletes)
        for rp in writes + records:
            self._store(d, rp, write=rp in writes, progress=progress)
        for rp in deletes:
            self._delete(rp)
        if writes or records or deletes:
            with self._lock:
                self._save_locked()
        return {rp.name: f"sha256:{rp.desired['sha256']}" for rp in d.resources if rp.desired is not None}

    def _sort_work(self, d: DatasetPlan) -> tuple[list[ResourcePlan], list[ResourcePlan], list[ResourcePlan]]:
        """What applying ``d`` still needs: files to write, files already as planned (a re-run after
        a crash) only to record, and files to delete."""
        writes: list[ResourcePlan] = []
        records: list[ResourcePlan] = []
        deletes: list[ResourcePlan] = []
        for rp in d.resources:
            if rp.action in (ResourceAction.CREATE, ResourceAction.REPLACE) and rp.desired is not None:
                want = (int(rp.desired["size"]), str(rp.desired["sha256"]))
                owned = self._owned(rp.name)
                if self._current(rp.name) != want:
                    writes.append(rp)
                elif owned is None or (owned.size, owned.sha256) != want:
                    records.append(rp)  # already as planned (a re-run after a crash): only recorded
            elif rp.action is ResourceAction.DELETE and (
                    self._current(rp.name) is not None or self._owned(rp.name) is not None):
                deletes.append(rp)
        return writes, records, deletes

    def _store(self, d: DatasetPlan, rp: ResourcePlan, *, write: bool, progress: TransferProgress | None) -> None:
        """Write one planned file (unless ``write`` is false: it is already there) and record it."""
        path = self._path(rp.name)
        if write:
            data = self._site[rp.name]
            write_bytes(path, data)
            if progress is not None:
                progress.sent(f"{d.name}/{rp.name}", len(data))
        st = path.stat()
        assert self._manifest is not None and rp.desired is not None
        with self._lock:
            self._manifest.files[rp.name] = ManifestEntry(rp.desired["sha256"], rp.desired["size"], st.st_mtime_ns)
            self._index = None
        self._disk[rp.name] = (rp.desired["size"], rp.desired["sha256"])

    def _delete(self, rp: ResourcePlan) -> None:
        path = self._path(rp.name)
        path.unlink(missing_ok=True)
        self._disk[rp.name] = None
        assert self._manifest is not None
        with self._lock:
            self._manifest.files.pop(rp.name, None)
            self._index = None
        self._remove_empty(path.parent)

    def _remove_empty(self, folder: Path) -> None:
        while folder != self.root and self.root in folder.parents:
            try:
                folder.rmdir()
            except OSError:
                return  # not empty (or gone): leave it
            folder = folder.parent

    def apply_catalog(self, entry: DatasetPlan, *, progress: TransferProgress) -> dict[str, str]:
        """Target.apply_catalog: write the catalog's files (the engine calls it after every dataset)."""
        if not entry.has_changes:
            return {}
        return self._apply(entry, progress)

    @contextmanager
    def applying(self, plan: Plan, *, saved: bool) -> Iterator[None]:
        """Target.applying: a saved plan is checked first (``prepare``); after the last write the
        manifest is brought up to date and stale temporary files go; the folder is let go in any case."""
        _catalog_of(plan)  # a folder's plan always has its catalog entry
        try:
            if saved:
                self.prepare(plan)
            yield
            self.finish()
            self.remove_stale_temps()
        finally:
            self.release()
            self.unlock()  # the manifest is written back: the next publish may start

    def finish(self) -> None:
        """After a publish: record unchanged files the manifest lacked (a folder taken over with
        --force) and forget files that are gone. A publish that wrote nothing rewrites the manifest
        only for that, not merely to refresh the mtimes it caches (a touched or copied site is hashed
        again until the next real change)."""
        with self._lock:
            if self._manifest is None:
                return
            owners_changed = False
            for rel, entry in ({} if self._frozen else self._adopt).items():
                if rel in self._site and self._disk.get(rel) == (entry.size, entry.sha256) \
                        and _sha(self._site[rel]) == entry.sha256:
                    old = self._manifest.files.get(rel)
                    owners_changed |= old is None or (old.sha256, old.size) != (entry.sha256, entry.size)
                    self._manifest.files[rel] = entry
            for rel in [r for r in self._manifest.files if r not in self._site and not self._frozen]:
                if self._disk.get(rel, ()) is None:
                    del self._manifest.files[rel]
                    owners_changed = True
            self._index = None
            # A record only refreshed (the same files under another key: a subset published, a
            # dataset kept) is no reason to rewrite the manifest; a missing one is.
            owners_changed |= self._update_records()
            if self._wrote or owners_changed:
                self._save_locked()

    def _update_records(self) -> bool:
        """A RenderRecord for each dataset (and the catalog level) rendered in this run whose files
        are now in the folder and the manifest as rendered; records of datasets gone from the site are
        dropped. Whether a record was added or dropped (a record replaced is saved with the next write)."""
        assert self._manifest is not None
        manifest, changed = self._manifest, False
        index = self._files_by_dataset()
        for name in [n for n in manifest.rendered if n != CATALOG_ENTRY and n not in index]:
            del manifest.rendered[name]
            changed = True
        if self._names is None:
            return changed
        rendered: dict[str | None, list[str]] = {}
        for rel in self._site:
            rendered.setdefault(_top(rel), []).append(rel)
        todo: list[tuple[str, str, str | None]] = [(n, key, pkg) for n, (key, pkg) in self._rendered_keys.items()]
        if self._catalog_key is not None and self._catalog_quick is None:
            todo.append((CATALOG_ENTRY, self._catalog_key, None))
        for name, key, package in todo:
            files = rendered.get(None if name == CATALOG_ENTRY else name, [])
            record = self._record(name, key, package, files)
            if record is not None and manifest.rendered.get(name) != record:
                changed |= name not in manifest.rendered
                manifest.rendered[name] = record
        return changed

    def _record(self, name: str, key: str, package: str | None, files: list[str]) -> RenderRecord | None:
        """The record of ``files`` as rendered, when the folder and the manifest hold them so."""
        assert self._manifest is not None and self._names is not None
        for rel in files:
            want, owned = self._want(rel), self._manifest.files.get(rel)
            if owned is None or self._disk.get(rel) != want or (owned.size, owned.sha256) != want:
                return None
        outputs = _outputs(self._manifest.files, files)
        if not files or outputs is None:
            return None
        prefix = "" if name == CATALOG_ENTRY else name + "/"
        return RenderRecord(key, self._names, tuple(sorted(rel[len(prefix):] for rel in files)), outputs, package)

    def remove_stale_temps(self) -> list[Path]:
        """Temporary files a killed publish left beside the site's files (``atomicfile``), removed.

        Only with the lock held (no other publish can be writing them now), only beside a file the
        site has or the manifest lists, and only names of our own temporary files."""
        if not self._folder_lock.held or not self.root.is_dir():
            return []
        names = {*self._site, MANIFEST_NAME, *(self._manifest.files if self._manifest is not None else ())}
        by_folder: dict[str, set[str]] = {}
        for rel in names:
            folder, _, name = rel.rpartition("/")
            by_folder.setdefault(folder, set()).add(name)
        removed: list[Path] = []
        for folder, files in sorted(by_folder.items()):
            where = self._path(f"{folder}/x" if folder else "x").parent  # refuses a link out of the site
            removed += remove_stale_temps(where, files)
        return removed


def _settle(plan: DatasetPlan, *, new: bool) -> None:
    """The entry's action from its files'."""
    acts = {r.action for r in plan.resources}
    if acts and acts == {ResourceAction.CREATE} and new:
        plan.action = DatasetAction.CREATE
    elif acts & {ResourceAction.CREATE, ResourceAction.REPLACE, ResourceAction.DELETE}:
        plan.action = DatasetAction.UPDATE
    else:
        plan.action = DatasetAction.UNCHANGED


def _catalog_of(plan: Plan) -> DatasetPlan:
    found = [d for d in plan.datasets if d.name == CATALOG_ENTRY]
    if len(found) != 1:
        raise UsageError("静的カタログの計画ではありません (カタログの項目がありません)",
                         hint="opendata-pub plan --to フォルダ -o で計画を作ってください")
    return found[0]
