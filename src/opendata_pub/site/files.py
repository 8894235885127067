"""The files the site copies or derives from the packages, byte for byte where they are copies.

    <package>/<path>                        each resource file as it is in the package
    <package>/excel/<file name>.csv         each single-file CSV as UTF-8 with BOM, so Excel shows Japanese
                                            (the original file name: the copy is the same file to a reader)
    <package>/datapackage.json              the descriptor, publisher defaults filled in
    opendata-list/[excel/]<code>_opendata_list.csv   each publisher's 06 オープンデータ一覧

``PackageFile`` is what the dataset page lists for each file, so the page and the copies come from
the one pass over the resources.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ..config import Settings
from ..errors import InputError, UsageError
from ..inventory.model import Inventory
from ..inventory.opendata_list import open_data_list_csv
from ..japan.encoding import detect_encoding
from ..metadata.publication import self_contained
from ..packaging.excel import excel_csv_text, schema_field_types
from ..packaging.package import LocalPackage, is_remote, iter_resource_paths, resolve_data_path
from ..packaging.writer import PROFILE_V2

__all__ = ["PackageFile", "opendata_lists", "package_files", "published_descriptor", "safe_file_name",
           "schema_of"]

# The site writes these into each package folder: a resource may not use the same names.
_GENERATED_IN_PACKAGE = ("index.html", "datapackage.json", "dataset.ttl", "dataset.jsonld")
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class PackageFile:
    """One file of a resource as the page lists it."""

    resource: str
    title: str
    description: str | None
    site_path: str | None  # path relative to the package folder (None for a remote file)
    url: str | None  # the remote URL
    size: int | None
    sha256: str | None
    format: str | None
    mediatype: str | None
    encoding: str | None
    excel_path: str | None  # relative to the package folder
    preview_path: str | None = None  # the CSV's preview page, relative to the package folder


def _relative(value: str) -> str:
    parts = [p for p in PurePosixPath(value.replace("\\", "/")).parts if p not in ("", ".")]
    return "/".join(parts)


def _is_csv(resource: Mapping[str, Any], path: str) -> bool:
    fmt = str(resource.get("format") or "").lower()
    media = str(resource.get("mediatype") or "").lower()
    return fmt == "csv" or media == "text/csv" or path.lower().endswith(".csv")


def _excel_copy(data: bytes, declared: str | None, resource: Mapping[str, Any] | None = None,
                schema: Mapping[str, Any] | None = None) -> bytes | None:
    """The CSV as UTF-8 with BOM, or None when its encoding cannot be decided.

    The same text, except that a cell Excel would run as a formula gets a leading ``'``
    (``packaging.excel``: by the column's Table Schema type, so ``-12`` in a number column stays).
    """
    decision = detect_encoding(data, declared=declared)
    if not decision.decodable or decision.encoding is None:
        return None
    text = data.decode(decision.encoding).removeprefix("\ufeff")
    text = excel_csv_text(text, types=schema_field_types(schema),
                          dialect=resource.get("dialect") if resource is not None else None)
    return _BOM + text.encode("utf-8")


def safe_file_name(name: str, index: int) -> str:
    """A resource name fit for a file name and an HTML id (the n-th resource when nothing is left)."""
    clean = "".join(c for c in name if c.isalnum() or c in "-_")
    return clean or f"resource-{index + 1}"


def schema_of(pkg: LocalPackage, res: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The resource's Table Schema, inline or from a local file; None when there is none to read."""
    schema = res.get("schema")
    if isinstance(schema, Mapping):
        return schema
    if isinstance(schema, str) and not is_remote(schema):
        resolved = resolve_data_path(pkg.root, schema)
        if isinstance(resolved, Path) and resolved.is_file():
            try:
                loaded = json.loads(resolved.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return None
            return loaded if isinstance(loaded, Mapping) else None
    return None


def _local_data(pkg: LocalPackage, i: int, value: str, resolved: Path) -> tuple[str, bytes]:
    where = str(pkg.descriptor_path)
    rel = _relative(str(value))
    if rel in _GENERATED_IN_PACKAGE or rel.startswith(("excel/", "preview/")):
        raise UsageError(f"{where}: resources[{i}].path {rel} はサイトが作るファイルと同じ名前です",
                         hint="index.html、datapackage.json、dataset.ttl、dataset.jsonld、excel/、preview/ 以外の場所に置いてください")
    try:
        return rel, resolved.read_bytes()
    except OSError as exc:
        raise InputError(f"resources[{i}] のファイルを読めません: {exc.strerror}", path=str(resolved)) from exc


def _excel_name(rel: str, name: str, i: int, files: Mapping[str, bytes]) -> str:
    """``excel/<the file's own name>``; the resource's name only when two files share a name.

    A reader who downloads both copies must recognise ``222127_aed.csv`` as the same data, so the
    copy keeps the file name the publisher chose.
    """
    own = f"excel/{PurePosixPath(rel).name}"
    if own not in files and not own.endswith("/"):
        return own
    return f"excel/{safe_file_name(name, i)}.csv"


def _resource_files(pkg: LocalPackage, i: int, res: Mapping[str, Any],
                    files: dict[str, bytes]) -> list[PackageFile]:
    """The files of resource ``i``: the copies go into ``files``, the listing is returned."""
    name = str(res.get("name") or f"resource-{i + 1}")
    title = str(res.get("title") or name)
    fmt = str(res.get("format") or "") or None
    listed: list[PackageFile] = []
    paths = list(iter_resource_paths(res))
    for value in paths:
        resolved = resolve_data_path(pkg.root, value, allow_remote=True)
        if isinstance(resolved, str):
            listed.append(PackageFile(name, title, res.get("description"), None, resolved, None, None,
                                      fmt, res.get("mediatype"), None, None))
            continue
        if not isinstance(resolved, Path):
            raise InputError(f"resources[{i}].path: {resolved.message}", path=str(pkg.descriptor_path),
                             hint="opendata-pub validate でパッケージを確かめてください")
        rel, data = _local_data(pkg, i, str(value), resolved)
        files[rel] = data
        excel = None
        # A multi-file resource is one table in parts: an Excel copy of each part would mislead.
        if len(paths) == 1 and _is_csv(res, rel):
            encoding = res.get("encoding")
            copy = _excel_copy(data, encoding if isinstance(encoding, str) else None, res, schema_of(pkg, res))
            if copy is not None:
                excel = _excel_name(rel, name, i, files)
                files[excel] = copy
        listed.append(PackageFile(name, title, res.get("description"), rel, None, len(data),
                                  hashlib.sha256(data).hexdigest(), fmt, res.get("mediatype"),
                                  res.get("encoding"), excel))
    return listed


def package_files(pkg: LocalPackage) -> tuple[dict[str, bytes], list[PackageFile]]:
    """The package's files (and Excel copies) by path in its folder, and the list the page shows."""
    files: dict[str, bytes] = {}
    listed: list[PackageFile] = []
    for i, res in enumerate(pkg.resources()):
        listed += _resource_files(pkg, i, res, files)
    return files, listed


def published_descriptor(pkg: LocalPackage, settings: Settings) -> bytes:
    """``datapackage.json``: the descriptor as written, with the publisher's defaults filled in.

    A reuser who downloads only the descriptor must still see the licence, the publisher's name and
    whom to ask (``metadata.publication.self_contained``).
    """
    descriptor = self_contained(pkg.descriptor, settings)  # validates with no opendata.yaml (issue 13)
    descriptor.setdefault("$schema", PROFILE_V2)
    ordered = {"$schema": descriptor.pop("$schema"), **descriptor}
    return (json.dumps(ordered, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def opendata_lists(inventory: Inventory, codes: Sequence[str]) -> dict[str, bytes]:
    """Each publisher's オープンデータ一覧, plain UTF-8 for programs and with BOM for Excel."""
    files: dict[str, bytes] = {}
    for code in codes:
        files[f"opendata-list/{code}_opendata_list.csv"] = open_data_list_csv(inventory, code)
        files[f"opendata-list/excel/{code}_opendata_list.csv"] = open_data_list_csv(inventory, code, bom=True)
    return files
