"""Render the static open-data catalog: every file of the site as ``{relative path: bytes}``.

The site, for a project without a CKAN portal, is plain files any web server (or a folder on a file
share) can serve:

    index.html                              the catalog (Japanese): every dataset, a filter by theme,
                                            keyword and publisher that works without a server, the
                                            datasets not packaged yet, counts per fiscal year, the lists
                                            (``index_page``)
    assets/style.css, assets/filter.js      local only: no CDN, no web fonts
    <package>/index.html                    the dataset page: metadata, downloads with size and
                                            SHA-256, attribution text (出典記載), Table Schema, JSON-LD
                                            (``dataset_page``)
    <package>/datapackage.json              the descriptor as JSON, publisher defaults filled in
    <package>/<path>                        each resource file, byte for byte as in the package
    <package>/excel/<resource>.csv          each CSV as UTF-8 with BOM, so Excel shows Japanese right
    opendata-list/<code>_opendata_list.csv  each publisher's 06 オープンデータ一覧 (UTF-8)
    opendata-list/excel/<code>_opendata_list.csv   the same with BOM, for Excel (all three: ``files``)
    catalog.ttl, catalog.jsonld             DCAT-AP 3 from the RDF layer (``catalog_rdf``)

The same packages, settings and inventory always give the same bytes: no clock, no file times, sorted
everything. Reading the packages' files is the only I/O; writing the files into a folder (with
plan/apply, unchanged files untouched) is the publishing engine's job (``write_site`` is a plain
helper for tests).
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any

from ..atomicfile import write_bytes
from ..config import Settings
from ..errors import InputError, UsageError
from ..inventory.collect import entry_from_package
from ..inventory.model import Inventory, InventoryEntry
from ..packaging.package import LocalPackage
from .catalog_rdf import catalog_rdf_files, dataset_rdf_files
from .context import SiteContext
from .csvtable import tables_of
from .dataset_page import dataset_page
from .evaluation_page import evaluation_section
from .files import PackageFile, opendata_lists, package_files, published_descriptor, safe_file_name, schema_of
from .html import asset
from .index_page import index_page
from .listed_page import LISTED_FOLDER, listed_page, listed_page_path
from .preview_page import preview_page

__all__ = ["RESERVED_NAMES", "render_site", "site_names", "write_site"]

# The site's own top-level names: a package may not be called one of these.
RESERVED_NAMES = frozenset({"assets", "opendata-list", LISTED_FOLDER, "index.html", "catalog.ttl", "catalog.jsonld"})


def _add(files: dict[str, bytes], path: str, data: bytes) -> None:
    if path in files and files[path] != data:
        raise UsageError(f"サイトの同じファイル {path} が二通りに作られます", hint="パッケージ名とファイルの置き場所を確認してください")
    files[path] = data


def render_site(packages: Sequence[LocalPackage], settings: Settings, inventory: Inventory | None = None, *,
                rdf: Any = None, pages: Collection[str] | None = None) -> dict[str, bytes]:
    """Every file of the static catalog as ``{relative posix path: bytes}``, sorted by path.

    ``pages``: the names of the packages whose own folders (pages, copies, RDF) to render; the
    catalog-level files are always rendered, from every package. None renders every folder. A
    package folder's bytes are the same whichever others are rendered with it (a publish renders
    only the packages that changed).

    ``inventory`` adds the datasets without a package and the reported counts (its packaged entries
    are rebuilt from ``packages``, so the two cannot disagree). ``rdf`` is an ``rdflib.Graph``, or a
    callable ``(packages, settings, *, inventory=None) -> Graph``; by default
    ``opendata_pub.rdf.catalog_graph``. Raises ``UsageError`` for a package name the site reserves or
    used twice, ``InputError`` for a resource file that cannot be read, or a text no UTF-8 file can
    hold (a lone surrogate, which a JSON or YAML escape can write; ``validate`` reports it first).
    """
    try:
        return _render_site(packages, settings, inventory, rdf=rdf, pages=pages)
    except UnicodeEncodeError as exc:
        text = exc.object if isinstance(exc.object, str) else ""
        context = text[max(0, exc.start - 30): exc.end + 30]
        raise InputError(f"UTF-8 で書けない文字 (対になっていないサロゲート) があります: {context!r}",
                         hint="opendata-pub validate で場所を確かめて直してください") from exc


def _check_names(pkgs: Sequence[LocalPackage]) -> set[str]:
    """The package names, refusing a reserved or repeated one (each names a folder of the site)."""
    seen: set[str] = set()
    for p in pkgs:
        if p.name in RESERVED_NAMES:
            raise UsageError(f"{p.descriptor_path}: パッケージ名 {p.name} はサイトが使う名前です",
                             hint="別の名前にしてください: " + ", ".join(sorted(RESERVED_NAMES)))
        if p.name in seen:
            raise UsageError(f"{p.descriptor_path}: パッケージ名 {p.name} が二つあります")
        seen.add(p.name)
    return seen


def _publisher_names(settings: Settings, entries: Sequence[InventoryEntry]) -> dict[str, str]:
    # The settings name a publisher first; an entry's own name fills in a publisher they do not list.
    names = {pub.code: pub.name for pub in settings.publishers}
    for e in entries:
        if e.publisher and e.publisher_name:
            names.setdefault(e.publisher, e.publisher_name)
    return names


def _column_words(pkg: LocalPackage) -> list[str]:
    """The column names and titles of the package's tables, for the index's search."""
    words: list[str] = []
    for res in pkg.resources():
        schema = schema_of(pkg, res)
        for f in (schema or {}).get("fields") or []:
            if isinstance(f, Mapping):
                words += [str(f[k]) for k in ("title", "name") if f.get(k) and str(f[k]) not in words]
    return words


def _package_pages(pkg: LocalPackage, entry: InventoryEntry, site: SiteContext, files: dict[str, bytes]) -> None:
    """One package's folder: its files, Excel copies, previews, RDF, descriptor and page."""
    pkg_files, listed = package_files(pkg)
    resources = pkg.resources()
    tables = tables_of(pkg_files, listed, resources)
    index = {str(r.get("name") or f"resource-{i + 1}"): i for i, r in enumerate(resources)}
    shown: list[PackageFile] = []
    for f in listed:
        if f.resource in tables:
            i = index.get(f.resource, 0)
            f = replace(f, preview_path=f"preview/{safe_file_name(f.resource, i)}.html")
            pkg_files[f.preview_path or ""] = preview_page(f, tables[f.resource], schema_of(pkg, resources[i]),
                                                           entry.title, site)
        shown.append(f)
    rdf = dataset_rdf_files(pkg, site.settings)
    for rel, data in {**pkg_files, **rdf}.items():
        _add(files, f"{pkg.name}/{rel}", data)
    _add(files, f"{pkg.name}/datapackage.json", published_descriptor(pkg, site.settings))
    _add(files, f"{pkg.name}/index.html",
         dataset_page(pkg, entry, shown, site, evaluation_section(tables), rdf_links=bool(rdf)))


def _entries(pkgs: Sequence[LocalPackage], settings: Settings, inventory: Inventory | None
             ) -> tuple[list[InventoryEntry], list[InventoryEntry], dict[str, str]]:
    """The packages' entries (in the order of ``pkgs``), the inventory's other entries, and the
    publishers' names every page shows."""
    seen = _check_names(pkgs)
    packaged = [entry_from_package(p, settings) for p in pkgs]
    others = [e for e in (inventory.unpackaged() if inventory else ()) if e.id not in seen]
    return packaged, others, _publisher_names(settings, (*packaged, *others))


def site_names(packages: Sequence[LocalPackage], settings: Settings, inventory: Inventory | None = None
               ) -> dict[str, str]:
    """Publisher code → name, as every page of ``render_site(packages, settings, inventory)`` shows
    them: a package folder's bytes depend on the other packages only through these."""
    return _entries(sorted(packages, key=lambda p: p.name), settings, inventory)[2]


def _render_site(packages: Sequence[LocalPackage], settings: Settings, inventory: Inventory | None = None, *,
                 rdf: Any = None, pages: Collection[str] | None = None) -> dict[str, bytes]:
    pkgs = sorted(packages, key=lambda p: p.name)
    packaged, others, names = _entries(pkgs, settings, inventory)
    full = Inventory(tuple(packaged) + tuple(others), inventory.reported if inventory else (), names)
    site = SiteContext(settings, names)

    files: dict[str, bytes] = {}
    _add(files, "assets/style.css", asset("style.css"))
    _add(files, "assets/filter.js", asset("filter.js"))
    for pkg, entry in zip(pkgs, packaged):
        if pages is None or pkg.name in pages:
            _package_pages(pkg, entry, site, files)
    pages = {e.id: path for e in others if (path := listed_page_path(e)) is not None}
    for e in others:
        if e.id in pages:
            _add(files, pages[e.id], listed_page(e, site))
    codes = [c for c in full.publishers() if c and any(e.publisher == c for e in full.entries)]
    derived = {**opendata_lists(full, codes), **catalog_rdf_files(rdf, pkgs, settings, full)}
    for path, data in derived.items():
        _add(files, path, data)
    columns = {p.name: _column_words(p) for p in pkgs}
    _add(files, "index.html", index_page(full, codes, site, pages=pages, columns=columns))
    return dict(sorted(files.items()))


def write_site(files: Mapping[str, bytes], folder: str | os.PathLike[str]) -> list[Path]:
    """Write a rendered site into ``folder`` (each file atomically); return the paths written.

    A plain helper for tests and previews: it rewrites every file and removes nothing. Publishing
    with plan/apply (unchanged files untouched, ``--prune``) is the publishing engine's job.
    """
    root = Path(folder)
    written = []
    for rel, data in sorted(files.items()):
        parts = PurePosixPath(rel).parts
        if not parts or PurePosixPath(rel).is_absolute() or ".." in parts:
            raise UsageError(f"サイトのファイルの場所が不正です: {rel!r}")
        target = root.joinpath(*parts)
        write_bytes(target, data)
        written.append(target)
    return written
