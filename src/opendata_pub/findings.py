"""Findings and reports: problems in the user's data, as values.

A ``Finding`` says what is wrong (a stable kebab-case ``code`` users can filter on, a message in
Japanese for the people who fix the data, ``params`` with the figures for programs), how bad it is,
where, and, when there is one, a ``hint`` saying what to do (the command that fixes it). A
``Report`` gathers the findings of one run, grouped by package. Nothing here does I/O.

The JSON shape of ``Report.to_dict()`` is documented in README.md ("validate --format json") and
is versioned by ``REPORT_VERSION``: fields are only ever added within a version.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

__all__ = [
    "REPORT_VERSION",
    "Finding",
    "Layer",
    "Location",
    "PackageReport",
    "Report",
    "Severity",
]

REPORT_VERSION = 1


class Severity(str, Enum):
    """How bad a finding is. Only errors make a run fail (exit code 1)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Layer(str, Enum):
    """Which check produced a finding; the report is one report over all four layers."""

    DESCRIPTOR = "descriptor"  # the datapackage descriptor itself (Frictionless profile, paths)
    DATA = "data"  # the files against their Table Schemas, encodings
    METADATA = "metadata"  # the publication metadata profile (DCAT-AP 3 + Japanese fields)
    DOMAIN = "domain"  # domain rules from the registry (evaluation sums, codes, turnout …)
    SHACL = "shacl"  # SHACL shapes over the package's RDF
    IMPORT = "import"  # what an importer could not read in a source sheet


@dataclass(frozen=True, slots=True)
class Location:
    """Where a finding is: a file and, as far as known, a line, a row, a field or a key path."""

    file: str = ""
    line: int | None = None  # 1-based line of a text file (sheets, YAML)
    row: int | None = None  # 1-based row of a table, the header being row 1 (as frictionless counts)
    field: str | None = None  # column name
    key: str | None = None  # dotted key path in a descriptor or config, e.g. "resources[2].path"
    offset: int | None = None  # byte offset, for encoding problems

    def __str__(self) -> str:
        parts = []
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.field is not None:
            parts.append(f"field {self.field}")
        if self.key is not None:
            parts.append(self.key)
        if self.offset is not None:
            parts.append(f"byte {self.offset}")
        place = ", ".join(parts)
        if self.file and place:
            return f"{self.file}:{place}"
        return self.file or place

    def to_dict(self) -> dict[str, Any]:
        return {
            name: value
            for name in ("file", "line", "row", "field", "key", "offset")
            if (value := getattr(self, name)) not in (None, "")
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Location:
        """The inverse of ``to_dict`` (TypeError/ValueError for a value of the wrong kind)."""
        return cls(file=str(data.get("file", "")), line=_optional_int(data.get("line")),
                   row=_optional_int(data.get("row")), field=_optional_str(data.get("field")),
                   key=_optional_str(data.get("key")), offset=_optional_int(data.get("offset")))


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in the user's data or metadata."""

    code: str
    message: str
    severity: Severity = Severity.ERROR
    where: Location = field(default_factory=Location)
    layer: Layer = Layer.DATA
    resource: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    hint: str | None = None  # what to do about it, e.g. the command that fixes it

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity.value,
            "layer": self.layer.value,
            "message": self.message,
            "where": self.where.to_dict(),
        }
        if self.resource is not None:
            out["resource"] = self.resource
        if self.params:
            out["params"] = dict(self.params)
        if self.hint is not None:
            out["hint"] = self.hint
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        """The inverse of ``to_dict`` (KeyError/TypeError/ValueError for what it cannot have written)."""
        params = data.get("params", {})
        if not isinstance(params, Mapping):
            raise TypeError(f"params: {params!r}")
        return cls(str(data["code"]), str(data["message"]), Severity(data["severity"]),
                   Location.from_dict(data.get("where") or {}), Layer(data["layer"]),
                   _optional_str(data.get("resource")), dict(params), _optional_str(data.get("hint")))

    def __str__(self) -> str:
        where = str(self.where)
        return f"{where}: {self.severity.value} [{self.code}] {self.message}" if where else (
            f"{self.severity.value} [{self.code}] {self.message}"
        )


def _optional_int(value: Any) -> int | None:
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise TypeError(f"not an integer: {value!r}")
    return value


def _optional_str(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"not a string: {value!r}")
    return value


def _with_severity(findings: Iterable[Finding], severity: Severity) -> list[Finding]:
    return [f for f in findings if f.severity is severity]


@dataclass(slots=True)
class PackageReport:
    """The findings for one package (``name`` may be empty when the descriptor could not be read)."""

    path: str
    name: str = ""
    findings: list[Finding] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)  # layers that ran, in order

    def add(self, findings: Iterable[Finding]) -> None:
        self.findings.extend(findings)

    @property
    def errors(self) -> list[Finding]:
        return _with_severity(self.findings, Severity.ERROR)

    @property
    def warnings(self) -> list[Finding]:
        return _with_severity(self.findings, Severity.WARNING)

    @property
    def valid(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "path": self.path,
            "valid": self.valid,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "layers": list(self.checked),
            "findings": [f.to_dict() for f in self.findings],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PackageReport:
        """The inverse of ``to_dict`` (the counts and ``valid`` it writes are derived, so not read)."""
        return cls(path=str(data["path"]), name=str(data.get("name", "")),
                   findings=[Finding.from_dict(f) for f in data.get("findings", [])],
                   checked=[str(x) for x in data.get("layers", [])])


@dataclass(slots=True)
class Report:
    """The one report of a run: every package, every layer."""

    packages: list[PackageReport] = field(default_factory=list)

    def __iter__(self) -> Iterator[PackageReport]:
        return iter(self.packages)

    @property
    def findings(self) -> list[Finding]:
        return [f for p in self.packages for f in p.findings]

    @property
    def errors(self) -> list[Finding]:
        return _with_severity(self.findings, Severity.ERROR)

    @property
    def warnings(self) -> list[Finding]:
        return _with_severity(self.findings, Severity.WARNING)

    @property
    def valid(self) -> bool:
        return not self.errors

    def codes(self) -> set[str]:
        return {f.code for f in self.findings}

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": REPORT_VERSION,
            "valid": self.valid,
            "summary": {
                "packages": len(self.packages),
                "errors": len(self.errors),
                "warnings": len(self.warnings),
                "infos": sum(1 for f in self.findings if f.severity is Severity.INFO),
            },
            "packages": [p.to_dict() for p in self.packages],
        }
