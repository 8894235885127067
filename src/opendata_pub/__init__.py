"""opendata-pub: publish Japanese municipal open data as validated Frictionless data packages.

For consumers, the Python API (the same verbs as the command line, in ``actions``)::

    list_datasets(source, *, query=None, publisher=None) -> list[DatasetSummary]
    pull(dataset, source=None, out=None, ...) -> PullResult
    open_package(path_or_url) -> OpenedPackage      .tables, .table(name).rows(), .to_pandas()
    load_evaluations(package) -> list[EvaluationRecord]   the evaluation records of a package

They are imported on first use, so ``import opendata_pub`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .actions import list_datasets, open_package, pull
    from .packaging.opened import OpenedPackage, Table
    from .portals.listing import DatasetSummary
    from .portals.pull import PullResult
    from .records.tables import load_evaluations

__all__ = ["DatasetSummary", "OpenedPackage", "PullResult", "Table", "__version__", "list_datasets",
           "load_evaluations", "open_package", "pull"]

_LAZY = {
    "list_datasets": "actions", "open_package": "actions", "pull": "actions",
    "OpenedPackage": "packaging.opened", "Table": "packaging.opened",
    "DatasetSummary": "portals.listing", "PullResult": "portals.pull",
    "load_evaluations": "records.tables",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'opendata_pub' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
