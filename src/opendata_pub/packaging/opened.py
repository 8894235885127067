"""A data package opened for reading: what ``opendata_pub.open_package`` returns to a consumer.

``OpenedPackage`` holds the descriptor of a local package folder (or descriptor file) and one
``Table`` per tabular resource. A table's rows come back typed as its Table Schema says —
``integer`` → int, ``number`` → Decimal, ``date`` → date, ``datetime`` → datetime, ``boolean`` →
bool — with missing values (and cells that do not fit their type) as None; frictionless reads them
(frictionless_io.read_rows). ``to_pandas()`` needs pandas (``pip install 'opendata-pub[pandas]'``).

Reads local files only: fetching a package from a URL is the portals layer's (``actions.open_package``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from .frictionless_io import read_rows
from .package import PathProblem, find_descriptor, load_descriptor, resolve_data_path

if TYPE_CHECKING:  # pandas is optional (and untyped without pandas-stubs): never imported at run time
    import pandas  # type: ignore[import-untyped,import-not-found,unused-ignore]

__all__ = ["OpenedPackage", "Table", "open_local_package"]

_ROW_NUMBER = "__row__"  # read_rows' own key, not a column


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as exc:
        raise ImportError("to_pandas() には pandas が必要です: pip install 'opendata-pub[pandas]'") from exc
    return pandas


@dataclass(frozen=True, slots=True)
class Table:
    """One tabular resource of an opened package."""

    name: str
    title: str
    path: Path
    resource: Mapping[str, Any] = field(repr=False)
    root: Path = field(repr=False)

    @property
    def fields(self) -> list[str]:
        """Column names, in the Table Schema's order."""
        schema = self.resource.get("schema")
        found = schema.get("fields") if isinstance(schema, Mapping) else None
        return [str(f.get("name")) for f in found or [] if isinstance(f, Mapping)]

    def rows(self) -> list[dict[str, Any]]:
        """Every row as a dict by column name, typed as the Table Schema says; missing values None."""
        return [{k: v for k, v in row.items() if k != _ROW_NUMBER} for row in read_rows(self.root, self.resource)]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.rows())

    def to_pandas(self) -> pandas.DataFrame:
        """The table as a pandas DataFrame (columns in schema order). ImportError without pandas."""
        pd = _pandas()
        return pd.DataFrame.from_records(self.rows(), columns=self.fields or None)


@dataclass(slots=True)
class OpenedPackage:
    """A package read back: its metadata and its tables. ``keep`` holds whatever must live as long as
    the package does (the temporary folder a URL was fetched into); ``close()`` lets it go."""

    path: Path  # the package folder
    descriptor: dict[str, Any] = field(repr=False)
    tables: list[Table] = field(default_factory=list)
    keep: Any = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return str(self.descriptor.get("name") or self.path.name)

    @property
    def title(self) -> str:
        return str(self.descriptor.get("title") or self.name)

    @property
    def resources(self) -> list[dict[str, Any]]:
        """The descriptor's resources, as written (tabular or not)."""
        return [r for r in self.descriptor.get("resources") or [] if isinstance(r, dict)]

    def table(self, name: str | None = None) -> Table:
        """The table called ``name``; without a name, the package's only table."""
        if name is None:
            if len(self.tables) != 1:
                raise InputError(f"表が {len(self.tables)} 個あります。名前で指定してください: "
                                 + ", ".join(t.name for t in self.tables))
            return self.tables[0]
        for t in self.tables:
            if t.name == name:
                return t
        raise InputError(f"表 {name} はパッケージ {self.name} にありません",
                         hint="表の名前: " + ", ".join(t.name for t in self.tables))

    def to_pandas(self, name: str | None = None) -> pandas.DataFrame:
        """The table ``name`` (else the only one) as a pandas DataFrame."""
        return self.table(name).to_pandas()

    def close(self) -> None:
        cleanup = getattr(self.keep, "cleanup", None)
        if callable(cleanup):
            cleanup()
        self.keep = None

    def __enter__(self) -> OpenedPackage:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _is_table(resource: Mapping[str, Any]) -> bool:
    return isinstance(resource.get("schema"), Mapping) or resource.get("profile") == "tabular-data-resource" \
        or str(resource.get("format", "")).lower() in ("csv", "tsv")


def open_local_package(path: str | os.PathLike[str], *, keep: Any = None) -> OpenedPackage:
    """Open the package at ``path`` (its folder, or its descriptor file). Remote resources are not
    tables here: only files inside the package are read."""
    descriptor_path = find_descriptor(Path(path).expanduser())
    descriptor = load_descriptor(descriptor_path)
    root = descriptor_path.parent
    package = OpenedPackage(path=root, descriptor=descriptor, keep=keep)
    for i, res in enumerate(package.resources, start=1):
        if not _is_table(res) or isinstance(res.get("path"), list):
            continue
        where = resolve_data_path(root, res.get("path"))
        if isinstance(where, (PathProblem, str)):
            continue
        name = str(res.get("name") or f"resource{i}")
        package.tables.append(Table(name=name, title=str(res.get("title") or name), path=where, resource=res, root=root))
    return package
