"""Build the inventory of a project: its packages' descriptors plus ``inventory.yaml``.

A package's entry is read from its descriptor with the publisher's defaults applied (licence,
contact point: ``metadata.publication.effective_value``), so the 06 list and the site show what will
be published. URLs are those of the static catalog (``catalog.base_url``): the dataset's page is
``<base_url><name>/`` and a file is ``<base_url><name>/<path>``. No I/O beyond reading descriptors
and ``inventory.yaml``.

This layer sits below ``packaging``: a package is anything that looks like one (``PackageSource``,
which ``packaging.package.LocalPackage`` is); loading them from the folder is
``packaging.project.load_packages``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

from ..config import Settings
from ..metadata.licenses import find_license
from ..metadata.properties import package_properties
from ..metadata.publication import effective_value, resolve_publisher
from .model import (
    Contact,
    DatePrecision,
    Distribution,
    Inventory,
    InventoryEntry,
    ReportedCount,
    Status,
    fiscal_year_of,
)
from .yamlfile import INVENTORY_NAME, load_inventory_file

__all__ = ["PackageSource", "build_inventory", "dataset_url", "entry_from_package", "file_url"]

_PROPS = {p.key: p for p in package_properties()}


class PackageSource(Protocol):
    """What the inventory reads of a package (``packaging.package.LocalPackage``)."""

    @property
    def name(self) -> str: ...
    @property
    def descriptor_path(self) -> Path: ...
    @property
    def descriptor(self) -> Mapping[str, Any]: ...
    def resources(self) -> list[dict[str, Any]]: ...


def dataset_url(settings: Settings | None, name: str) -> str | None:
    """The static catalog's page of a package: ``<base_url><name>/`` (None without a base_url)."""
    base = settings.catalog.base_url if settings else None
    return f"{base}{quote(name)}/" if base else None


def file_url(settings: Settings | None, name: str, path: str) -> str | None:
    """The static catalog's URL of a package file (None without a base_url)."""
    page = dataset_url(settings, name)
    return page + quote(path) if page else None


def _texts(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,) if value.strip() else ()
    if isinstance(value, list):
        return tuple(str(v) for v in value if isinstance(v, (str, int)) and str(v).strip())
    return ()


def _text(value: Any) -> str | None:
    return str(value).strip() if isinstance(value, (str, int, float)) and not isinstance(value, bool) \
        and str(value).strip() else None


def _license_ids(value: Any) -> tuple[str, ...]:
    out: list[str] = []
    for lic in value if isinstance(value, list) else []:
        if not isinstance(lic, Mapping):
            continue
        known = find_license(str(lic.get("path") or "")) or find_license(str(lic.get("name") or ""))
        ident = known.id if known else _text(lic.get("path")) or _text(lic.get("name"))
        if ident and ident not in out:
            out.append(ident)
    return tuple(out)


def _format(resource: Mapping[str, Any], path: str) -> str | None:
    fmt = _text(resource.get("format"))
    if fmt:
        return fmt.upper()
    suffix = Path(path).suffix.lstrip(".")
    return suffix.upper() or None


def _effective(key: str, descriptor: Mapping[str, Any], settings: Settings | None) -> Any:
    value, _ = effective_value(_PROPS[key], descriptor, settings)
    return value


def _resource_paths(resource: Mapping[str, Any]) -> list[Any]:
    # A resource's path values (Frictionless allows a list of paths for multipart resources).
    path = resource.get("path")
    return list(path) if isinstance(path, list) else [] if path is None else [path]


def _fiscal_year(issued: str | None) -> int | None:
    try:
        return fiscal_year_of(issued) if issued else None
    except ValueError:  # a bad date is the validator's to report; the inventory just does not know
        return None


def _contact(value: Any) -> Contact | None:
    if not isinstance(value, Mapping) or not _text(value.get("name")):
        return None
    return Contact(name=str(value["name"]), email=_text(value.get("email")), url=_text(value.get("url")),
                   telephone=_text(value.get("telephone")))


def _temporal(value: Any) -> tuple[str | None, str | None] | None:
    return (_text(value.get("start")), _text(value.get("end"))) if isinstance(value, Mapping) else None


def _standard(resource: Mapping[str, Any]) -> str | None:
    schema = resource.get("schema")
    standard = schema.get("standard") if isinstance(schema, Mapping) else None
    return standard if isinstance(standard, str) else None


def _distribution(res: Mapping[str, Any], settings: Settings | None, package_name: str,
                  package_licenses: tuple[str, ...]) -> Distribution:
    paths = [p for p in _resource_paths(res) if isinstance(p, str)]
    path = paths[0] if paths else ""
    remote = "://" in path
    return Distribution(
        name=str(res.get("name") or ""),
        path="" if remote else path,
        title=_text(res.get("title")),
        description=_text(res.get("description")),
        format=_format(res, path),
        mediatype=_text(res.get("mediatype")),
        encoding=_text(res.get("encoding")),
        bytes=res.get("bytes") if isinstance(res.get("bytes"), int) else None,
        hash=_text(res.get("hash")),
        download_url=path if remote else file_url(settings, package_name, path),
        licenses=_license_ids(res.get("licenses")) or package_licenses,
        standard=_standard(res),
    )


def _source(value: Any) -> str | None:
    titles = [s.get("title") for s in value or [] if isinstance(s, Mapping) and s.get("title")]
    return "; ".join(str(t) for t in titles) or None


def entry_from_package(package: PackageSource, settings: Settings | None) -> InventoryEntry:
    """The inventory entry of a package (published: a package in the folder is what the catalog shows)."""
    d = package.descriptor
    agent = resolve_publisher(d.get("publisher"), settings)
    issued = _text(d.get("issued"))
    year = _fiscal_year(issued)
    package_licenses = _license_ids(_effective("licenses", d, settings))
    distributions = tuple(_distribution(res, settings, package.name, package_licenses)
                          for res in package.resources())
    return InventoryEntry(
        id=package.name,
        title=_text(d.get("title")) or package.name,
        publisher=(agent.code if agent and agent.code else "") or "",
        publisher_name=agent.name if agent else None,
        status=Status.PUBLISHED,
        packaged=True,
        origin=str(package.descriptor_path),
        description=_text(d.get("description")),
        issued=issued,
        modified=_text(d.get("modified")),
        fiscal_year=year,
        date_precision=DatePrecision.DAY if year is not None else DatePrecision.UNKNOWN,
        licenses=package_licenses,
        keywords=_texts(d.get("keywords")),
        themes=tuple(t.rsplit("/", 1)[-1] for t in _texts(d.get("themes"))),
        spatial=_texts(d.get("spatial")),
        temporal=_temporal(d.get("temporal")),
        accrual_periodicity=_text(d.get("accrualPeriodicity")),
        language=_texts(d.get("language")),
        version=_text(d.get("version")),
        url=_text(d.get("homepage")) or dataset_url(settings, package.name),
        conforms_to=_texts(d.get("conformsTo")),
        contact=_contact(_effective("contactPoint", d, settings)),
        provenance=_text(d.get("provenance")),
        source=_source(d.get("sources")),
        distributions=distributions,
    )


def build_inventory(settings: Settings, packages: Iterable[PackageSource], *,
                    inventory_path: str | Path | None = None) -> Inventory:
    """The project's inventory: ``packages`` and ``inventory.yaml``.

    ``packages`` are usually all in the packages folder: ``packaging.project.load_packages(settings)``.

    ``inventory_path`` defaults to ``<packages folder>/inventory.yaml``; a missing default file is an
    empty inventory, a missing explicit one an error.
    """
    pkgs = list(packages)
    entries = [entry_from_package(p, settings) for p in sorted(pkgs, key=lambda p: p.name)]
    path = Path(inventory_path) if inventory_path is not None else settings.packages_path / INVENTORY_NAME
    reported: tuple[ReportedCount, ...] = ()
    # Anything by that name is read (and refused if it is a FIFO, a device or a folder), never skipped.
    if inventory_path is not None or path.exists() or path.is_symlink():
        loaded = load_inventory_file(path, settings=settings, reserved_ids={e.id for e in entries})
        entries.extend(loaded.entries)
        reported = loaded.reported
    names = {p.code: p.name for p in settings.publishers}
    for e in entries:
        if e.publisher and e.publisher_name and e.publisher not in names:
            names[e.publisher] = e.publisher_name
    return Inventory(tuple(entries), reported, names)
