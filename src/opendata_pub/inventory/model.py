"""The dataset inventory: every dataset a publisher has published or plans to, packaged or not.

An ``InventoryEntry`` is one dataset, whether it comes from a package in ``datapackages/`` (its
descriptor) or from ``inventory.yaml`` (a dataset published elsewhere, or planned, that has no package
yet). The ``Inventory`` holds the entries of a project plus the counts publishers *reported* in their
evaluation sheets, and answers the question municipalities report every year: how many datasets were
published in each fiscal year (年度, April to March), new and cumulative.

Dates are never taken from the clock: a fiscal year comes from ``issued`` or from what the inventory
says. An entry may know its publication only as an upper bound ("公開は遅くとも令和3年度"): such
entries count in that year, and the counts say how many of a year's new entries are only bounded.
Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any

from ..config import Contact  # the same contact point as a publisher's in opendata.yaml
from ..japan.wareki import fiscal_year_label
from ..metadata.publication import license_entry

__all__ = [
    "Contact",
    "DatePrecision",
    "Distribution",
    "FiscalYearCount",
    "Inventory",
    "InventoryEntry",
    "PublisherCounts",
    "ReportedCount",
    "Status",
    "fiscal_year_of",
]


def fiscal_year_of(value: date | str) -> int:
    """The fiscal year (年度) a day falls in: April–March, named by the year it starts in.

    ``fiscal_year_of("2021-03-31") == 2020``; a date-time string counts by its date.
    """
    if isinstance(value, str):
        text = value.strip()
        day = datetime.fromisoformat(text.replace("Z", "+00:00")).date() if "T" in text else date.fromisoformat(text)
    else:
        day = value
    return day.year if day.month >= 4 else day.year - 1


class Status(str, Enum):
    """Whether a dataset is out (公開) or only planned (公開予定)."""

    PUBLISHED = "published"
    PLANNED = "planned"

    @property
    def label(self) -> str:
        return "公開" if self is Status.PUBLISHED else "公開予定"


class DatePrecision(str, Enum):
    """How precisely an entry knows when it was (or will be) published."""

    DAY = "day"  # issued: the day is known
    FISCAL_YEAR = "fiscal-year"  # only the fiscal year is known
    BY_FISCAL_YEAR = "by-fiscal-year"  # published in this fiscal year at the latest (maybe earlier)
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Distribution:
    """One file of a dataset (a resource of its package)."""

    name: str
    path: str  # relative path inside the package ("" for a remote file)
    title: str | None = None
    description: str | None = None
    format: str | None = None  # "CSV", "PDF" … (upper case, as 06 lists write it)
    mediatype: str | None = None
    encoding: str | None = None
    bytes: int | None = None
    hash: str | None = None  # "sha256:<hex>"
    download_url: str | None = None  # absolute when the catalog has a base_url
    licenses: tuple[str, ...] = ()  # licence ids (metadata.licenses) or URIs
    standard: str | None = None  # the standard-dataset id its schema declares

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in (
            ("name", self.name), ("path", self.path), ("title", self.title), ("description", self.description),
            ("format", self.format), ("mediatype", self.mediatype), ("encoding", self.encoding),
            ("bytes", self.bytes), ("hash", self.hash), ("downloadURL", self.download_url),
            ("licenses", list(self.licenses)), ("standard", self.standard),
        ) if v not in (None, "", [])}


@dataclass(frozen=True, slots=True)
class InventoryEntry:
    """One dataset of the inventory.

    ``packaged`` entries come from a package (``id`` is its name); the others from ``inventory.yaml``
    (``origin`` says the file and line). ``fiscal_year`` is when it was published (or is planned),
    with ``date_precision`` saying how well that is known.
    """

    id: str
    title: str
    publisher: str  # 全国地方公共団体コード
    publisher_name: str | None
    status: Status
    packaged: bool
    origin: str  # "datapackages/x/datapackage.yaml" or "datapackages/inventory.yaml:line 12"
    description: str | None = None
    issued: str | None = None  # ISO date
    modified: str | None = None
    fiscal_year: int | None = None
    date_precision: DatePrecision = DatePrecision.UNKNOWN
    licenses: tuple[str, ...] = ()  # licence ids of metadata.licenses (or URIs we do not know)
    keywords: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()  # EU data-theme codes
    category: str | None = None  # データセット_分類 of the 06 list
    spatial: tuple[str, ...] = ()
    temporal: tuple[str | None, str | None] | None = None
    accrual_periodicity: str | None = None
    language: tuple[str, ...] = ()
    version: str | None = None
    url: str | None = None  # the landing page (データセット_URL)
    conforms_to: tuple[str, ...] = ()
    contact: Contact | None = None
    provenance: str | None = None
    source: str | None = None  # where we know this entry from (an evaluation sheet …)
    note: str | None = None
    formats: tuple[str, ...] = ()  # for entries without distributions: the formats they are published in
    distributions: tuple[Distribution, ...] = ()

    @property
    def fiscal_year_label(self) -> str | None:
        """「令和2年度」, 「令和3年度まで」 for an upper bound, None when unknown."""
        if self.fiscal_year is None:
            return None
        label = fiscal_year_label(self.fiscal_year)
        return f"{label}まで" if self.date_precision is DatePrecision.BY_FISCAL_YEAR else label

    def descriptor(self) -> dict[str, Any]:
        """The entry as a descriptor-shaped mapping (``datapackage.yaml`` keys, no resources).

        The hook for other layers (the RDF catalog, portals) to map an inventory entry with the same
        property table as a package; ``x-inventory`` carries what has no descriptor key.
        """
        out: dict[str, Any] = {"name": self.id, "title": self.title}
        # dct:description is mandatory in DCAT-AP: an entry written without one is described by its
        # note (what is known of it and from where), else by its title.
        description = self.description or self.note or self.title
        if description:
            out["description"] = description
        out["publisher"] = self.publisher
        if self.contact is not None:
            out["contactPoint"] = {k: v for k, v in (("name", self.contact.name), ("email", self.contact.email),
                                                     ("url", self.contact.url), ("telephone", self.contact.telephone))
                                   if v}
        if self.licenses:
            out["licenses"] = [_license_entry(x) for x in self.licenses]
        for key, value in (("keywords", list(self.keywords)), ("themes", list(self.themes)),
                           ("spatial", list(self.spatial))):
            if value:
                out[key] = value
        if self.temporal is not None:
            out["temporal"] = {k: v for k, v in zip(("start", "end"), self.temporal) if v}
        for key, scalar in (("accrualPeriodicity", self.accrual_periodicity), ("issued", self.issued),
                            ("modified", self.modified), ("version", self.version), ("homepage", self.url),
                            ("provenance", self.provenance)):
            if scalar:
                out[key] = scalar
        if self.language:
            out["language"] = list(self.language)
        if self.conforms_to:
            out["conformsTo"] = list(self.conforms_to)
        extra: dict[str, Any] = {"status": self.status.value, "packaged": self.packaged}
        if self.fiscal_year is not None:
            extra["fiscalYear"] = self.fiscal_year
            extra["datePrecision"] = self.date_precision.value
        for key, text in (("category", self.category), ("source", self.source), ("note", self.note)):
            if text:
                extra[key] = text
        if self.formats:
            extra["formats"] = list(self.formats)
        out["x-inventory"] = extra
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON shape of ``opendata-pub inventory --format json``."""
        data: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "publisher": self.publisher,
            "publisherName": self.publisher_name,
            "status": self.status.value,
            "packaged": self.packaged,
            "origin": self.origin,
            "description": self.description,
            "issued": self.issued,
            "modified": self.modified,
            "fiscalYear": self.fiscal_year,
            "fiscalYearLabel": self.fiscal_year_label,
            "datePrecision": self.date_precision.value,
            "licenses": list(self.licenses),
            "keywords": list(self.keywords),
            "themes": list(self.themes),
            "category": self.category,
            "url": self.url,
            "source": self.source,
            "note": self.note,
            "formats": list(self.all_formats()),
            "distributions": [d.to_dict() for d in self.distributions],
        }
        return data

    def all_formats(self) -> tuple[str, ...]:
        """The file formats of the dataset, in first-seen order."""
        seen: dict[str, None] = {}
        for d in self.distributions:
            if d.format:
                seen.setdefault(d.format, None)
        for f in self.formats:
            seen.setdefault(f, None)
        return tuple(seen)


def _license_entry(value: str) -> dict[str, str]:
    return license_entry(value) if "://" not in value else {"path": value}


@dataclass(frozen=True, slots=True)
class ReportedCount:
    """A count a publisher printed (an evaluation indicator), kept next to what the inventory counts."""

    publisher: str
    indicator: str
    kind: str  # "cumulative" (データセット数) or "new" (新たに公開した数)
    values: Mapping[int, int]  # fiscal year → count
    source: str | None = None
    note: str | None = None
    origin: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"publisher": self.publisher, "indicator": self.indicator, "kind": self.kind,
                "values": {str(k): v for k, v in sorted(self.values.items())},
                "source": self.source, "note": self.note}


@dataclass(frozen=True, slots=True)
class FiscalYearCount:
    """Datasets of one publisher published in one fiscal year (new) and by its end (cumulative).

    ``new_bounded`` of the ``new`` entries are dated only "by this year at the latest": they may have
    been published earlier, so earlier cumulative figures are lower bounds. ``reported_*`` are the
    figures the publisher printed for that year (None when it printed none).
    """

    fiscal_year: int
    new: int
    cumulative: int
    new_bounded: int = 0
    reported_new: int | None = None
    reported_cumulative: int | None = None

    @property
    def label(self) -> str:
        return fiscal_year_label(self.fiscal_year)

    def to_dict(self) -> dict[str, Any]:
        return {"fiscalYear": self.fiscal_year, "label": self.label, "new": self.new,
                "cumulative": self.cumulative, "newBounded": self.new_bounded,
                "reportedNew": self.reported_new, "reportedCumulative": self.reported_cumulative}


@dataclass(frozen=True, slots=True)
class PublisherCounts:
    """The per-fiscal-year counts of one publisher."""

    publisher: str
    publisher_name: str | None
    years: tuple[FiscalYearCount, ...]
    undated: int  # published, but when is unknown (not in any year's figures)
    planned: int

    def to_dict(self) -> dict[str, Any]:
        return {"publisher": self.publisher, "publisherName": self.publisher_name,
                "years": [y.to_dict() for y in self.years], "undated": self.undated, "planned": self.planned}


@dataclass(frozen=True, slots=True)
class Inventory:
    """The datasets of a project: packaged ones first (by name), then ``inventory.yaml``'s in file order."""

    entries: tuple[InventoryEntry, ...] = ()
    reported: tuple[ReportedCount, ...] = ()
    publisher_names: Mapping[str, str] = field(default_factory=dict)

    def publishers(self) -> tuple[str, ...]:
        """Publisher codes with an entry or a reported count, sorted."""
        return tuple(sorted({e.publisher for e in self.entries} | {r.publisher for r in self.reported}))

    def for_publisher(self, code: str) -> Inventory:
        return Inventory(tuple(e for e in self.entries if e.publisher == code),
                         tuple(r for r in self.reported if r.publisher == code), self.publisher_names)

    def packaged(self) -> tuple[InventoryEntry, ...]:
        return tuple(e for e in self.entries if e.packaged)

    def unpackaged(self) -> tuple[InventoryEntry, ...]:
        return tuple(e for e in self.entries if not e.packaged)

    def get(self, entry_id: str) -> InventoryEntry | None:
        return next((e for e in self.entries if e.id == entry_id), None)

    def counts(self) -> tuple[PublisherCounts, ...]:
        """Per publisher: datasets published in each fiscal year, new and cumulative."""
        return tuple(_publisher_counts(code, self.publisher_names.get(code), self.entries, self.reported)
                     for code in self.publishers())

    def to_dict(self) -> dict[str, Any]:
        return {"version": 1, "entries": [e.to_dict() for e in self.entries],
                "counts": [c.to_dict() for c in self.counts()],
                "reported": [r.to_dict() for r in self.reported]}


def _publisher_counts(code: str, name: str | None, entries: Iterable[InventoryEntry],
                      reported: Iterable[ReportedCount]) -> PublisherCounts:
    mine = [e for e in entries if e.publisher == code]
    published = [e for e in mine if e.status is Status.PUBLISHED]
    dated = [e for e in published if e.fiscal_year is not None]
    rep_new: dict[int, int] = {}
    rep_cum: dict[int, int] = {}
    for r in reported:
        if r.publisher == code:
            (rep_cum if r.kind == "cumulative" else rep_new).update(r.values)
    years = {e.fiscal_year for e in dated if e.fiscal_year is not None} | set(rep_new) | set(rep_cum)
    rows: list[FiscalYearCount] = []
    if years:
        cumulative = 0
        for year in range(min(years), max(years) + 1):
            new = [e for e in dated if e.fiscal_year == year]
            cumulative += len(new)
            rows.append(FiscalYearCount(
                fiscal_year=year, new=len(new), cumulative=cumulative,
                new_bounded=sum(1 for e in new if e.date_precision is DatePrecision.BY_FISCAL_YEAR),
                reported_new=rep_new.get(year), reported_cumulative=rep_cum.get(year),
            ))
    return PublisherCounts(code, name, tuple(rows), undated=len(published) - len(dated),
                           planned=sum(1 for e in mine if e.status is Status.PLANNED))
