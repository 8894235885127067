"""What a publish will do, as a value: per dataset create / update / unchanged, per resource create /
replace the file / update metadata / unchanged / delete, with field-level differences.

A plan can be saved (``plan -o PLAN.json``) and applied later (``publish --plan``). It records,
for each dataset, the portal's ``metadata_modified`` when it was planned (a dataset changed on the
portal since is refused rather than overwritten) and, for each file, its size and sha256 (a package
changed on disk since is refused too). It never holds a secret: the target is recorded by URL and
organization only.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import Any

from ..atomicfile import write_text
from ..errors import InputError
from ..inputfile import UnreadableInput, parse_json, read_input_bytes
from .source import SourcePackage

__all__ = ["PLAN_VERSION", "Change", "DatasetAction", "DatasetPlan", "Plan", "PlannedFile", "ResourceAction",
           "ResourcePlan"]

PLAN_VERSION = 1
# A plan lists every file of every dataset: megabytes for a large catalog, never this much.
MAX_PLAN_BYTES = 64 * 1024 * 1024


class DatasetAction(str, Enum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    REFUSED = "refused"  # will not be published: validation errors, or the name is taken elsewhere


class ResourceAction(str, Enum):
    CREATE = "create"
    REPLACE = "replace"  # the file differs: upload it (metadata changes go with it)
    UPDATE = "update"  # metadata only: no file is sent
    UNCHANGED = "unchanged"
    DELETE = "delete"  # on the portal, not in the package, and --prune given
    KEEP = "keep"  # on the portal, not in the package: left alone (no --prune)


@dataclass(frozen=True, slots=True)
class Change:
    field: str
    before: Any
    after: Any

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "before": self.before, "after": self.after}


@dataclass(frozen=True, slots=True)
class PlannedFile:
    """A file as planned: what to upload, and what it must still be when it is uploaded."""

    filename: str
    media_type: str
    size: int | None
    sha256: str | None
    path: str | None = None  # local file (None: generated from the descriptor, or a remote link)
    url: str | None = None  # remote link: published as a URL, never uploaded
    generated: bool = False  # datapackage.json made from a YAML descriptor

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in (("filename", self.filename), ("mediaType", self.media_type), ("size", self.size),
                                  ("sha256", self.sha256), ("path", self.path), ("url", self.url),
                                  ("generated", self.generated or None)) if v is not None}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> PlannedFile:
        return cls(filename=d["filename"], media_type=d.get("mediaType", "application/octet-stream"),
                   size=d.get("size"), sha256=d.get("sha256"), path=d.get("path"), url=d.get("url"),
                   generated=bool(d.get("generated")))


@dataclass(slots=True)
class ResourcePlan:
    name: str
    action: ResourceAction
    changes: list[Change] = field(default_factory=list)
    remote_id: str | None = None
    desired: dict[str, Any] | None = None  # the resource in normal form (mapping.py); None for delete/keep
    file: PlannedFile | None = None
    note: str | None = None

    @property
    def uploads(self) -> bool:
        return self.action in (ResourceAction.CREATE, ResourceAction.REPLACE) and self.file is not None \
            and self.file.url is None

    @property
    def upload_bytes(self) -> int:
        return (self.file.size or 0) if self.uploads and self.file else 0

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "action": self.action.value}
        if self.remote_id:
            out["id"] = self.remote_id
        if self.changes:
            out["changes"] = [c.to_dict() for c in self.changes]
        if self.desired is not None:
            out["desired"] = self.desired
        if self.file is not None:
            out["file"] = self.file.to_dict()
        if self.note:
            out["note"] = self.note
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ResourcePlan:
        return cls(name=d["name"], action=ResourceAction(d["action"]),
                   changes=[Change(c["field"], c.get("before"), c.get("after")) for c in d.get("changes", [])],
                   remote_id=d.get("id"), desired=d.get("desired"),
                   file=PlannedFile.from_dict(d["file"]) if d.get("file") else None, note=d.get("note"))


@dataclass(slots=True)
class DatasetPlan:
    name: str
    package: str  # the package folder
    action: DatasetAction
    desired: dict[str, Any] = field(default_factory=dict)  # dataset fields in normal form
    changes: list[Change] = field(default_factory=list)
    resources: list[ResourcePlan] = field(default_factory=list)
    order: list[str] = field(default_factory=list)  # resource names in the order wanted on the portal
    reorder: bool = False
    remote_id: str | None = None
    metadata_modified: str | None = None  # the portal's version of the dataset when planned
    reason: str | None = None  # why refused
    notes: list[str] = field(default_factory=list)
    source: SourcePackage | None = field(default=None, repr=False, compare=False)  # not saved

    @property
    def has_changes(self) -> bool:
        return self.action in (DatasetAction.CREATE, DatasetAction.UPDATE)

    @property
    def upload_bytes(self) -> int:
        return sum(r.upload_bytes for r in self.resources) if self.has_changes else 0

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "package": self.package, "action": self.action.value}
        for key, value in (("id", self.remote_id), ("metadata_modified", self.metadata_modified),
                           ("reason", self.reason)):
            if value:
                out[key] = value
        out["changes"] = [c.to_dict() for c in self.changes]
        out["resources"] = [r.to_dict() for r in self.resources]
        out["order"] = list(self.order)
        out["reorder"] = self.reorder
        out["desired"] = self.desired
        out["uploadBytes"] = self.upload_bytes
        if self.notes:
            out["notes"] = list(self.notes)
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> DatasetPlan:
        return cls(name=d["name"], package=d["package"], action=DatasetAction(d["action"]),
                   desired=dict(d.get("desired") or {}),
                   changes=[Change(c["field"], c.get("before"), c.get("after")) for c in d.get("changes", [])],
                   resources=[ResourcePlan.from_dict(r) for r in d.get("resources", [])],
                   order=list(d.get("order", [])), reorder=bool(d.get("reorder")), remote_id=d.get("id"),
                   metadata_modified=d.get("metadata_modified"), reason=d.get("reason"),
                   notes=list(d.get("notes", [])))


@dataclass(slots=True)
class Plan:
    target: dict[str, Any]  # e.g. {"kind": "ckan", "url": …, "organization": …}: never a token
    datasets: list[DatasetPlan]
    prune: bool = False
    created: str = field(default_factory=lambda: datetime.now(timezone.utc).replace(microsecond=0).isoformat())

    @property
    def has_changes(self) -> bool:
        return any(d.has_changes for d in self.datasets)

    @property
    def refused(self) -> list[DatasetPlan]:
        return [d for d in self.datasets if d.action is DatasetAction.REFUSED]

    @property
    def upload_bytes(self) -> int:
        return sum(d.upload_bytes for d in self.datasets)

    def counts(self) -> dict[str, int]:
        out = {a.value: 0 for a in DatasetAction}
        for d in self.datasets:
            out[d.action.value] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"version": PLAN_VERSION, "created": self.created, "target": dict(self.target), "prune": self.prune,
                "hasChanges": self.has_changes, "summary": self.counts(), "uploadBytes": self.upload_bytes,
                "datasets": [d.to_dict() for d in self.datasets]}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Plan:
        if d.get("version") != PLAN_VERSION:
            raise InputError(f"この版の計画ファイルは読めません (version {d.get('version')!r}、読めるのは {PLAN_VERSION})")
        return cls(target=dict(d["target"]), datasets=[DatasetPlan.from_dict(x) for x in d["datasets"]],
                   prune=bool(d.get("prune")), created=str(d.get("created", "")))

    def save(self, path: str | os.PathLike[str]) -> None:
        write_text(path, json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n")

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Plan:
        p = Path(path)
        try:
            raw = read_input_bytes(p, max_bytes=MAX_PLAN_BYTES)  # a regular file: never a FIFO or a device
        except UnreadableInput as exc:
            raise InputError(f"計画ファイルを読めません: {exc.problem}", path=str(p)) from exc
        try:
            data = parse_json(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise InputError("計画ファイルが UTF-8 ではありません", path=str(p), where=f"byte {exc.start}") from exc
        except UnreadableInput as exc:
            raise InputError(f"計画ファイルが読めません: {exc.problem}", path=str(p), where=exc.where) from exc
        if not isinstance(data, dict):
            raise InputError("計画ファイルの形が正しくありません (JSON のオブジェクトではありません)", path=str(p),
                             hint="opendata-pub plan -o で作り直してください")
        try:
            return cls.from_dict(data)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise InputError(f"計画ファイルの形が正しくありません: {exc}", path=str(p),
                             hint="opendata-pub plan -o で作り直してください") from exc
