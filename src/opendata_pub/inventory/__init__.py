"""The dataset inventory: what each publisher has published (or plans to), packaged or not.

    build_inventory(settings, packages, *, inventory_path=None) -> Inventory
        the packages (``packaging.project.load_packages(settings)``: every one in the packages folder)
        plus ``inventory.yaml`` (datasets without a package)
    Inventory.counts() -> tuple[PublisherCounts, ...]
        datasets published per fiscal year (年度), new and cumulative, with the reported figures
    open_data_list_csv(inventory, publisher=None, *, bom=False) -> bytes
        the 06 オープンデータ一覧 CSV (columns of the jp-ods-06-open-data-list standard schema)
    load_inventory_file(path, *, settings=None) / parse_inventory(text, ...)
        strict reading of ``inventory.yaml`` (InventoryError names file, line and key)
    scaffold_package(directory, template, settings, *, publisher=None) -> ScaffoldResult
        a new package from a standard schema (``opendata-pub new``)

``InventoryEntry.descriptor()`` gives an entry in the shape of a package descriptor: the hook for the
RDF catalog (``opendata_pub.rdf``) and portals to treat datasets without a package like packages.
"""

from __future__ import annotations

from .collect import PackageSource, build_inventory, dataset_url, entry_from_package, file_url
from .model import (
    Contact,
    DatePrecision,
    Distribution,
    FiscalYearCount,
    Inventory,
    InventoryEntry,
    PublisherCounts,
    ReportedCount,
    Status,
    fiscal_year_of,
)
from .opendata_list import OPEN_DATA_LIST_STANDARD, open_data_list_columns, open_data_list_csv, open_data_list_rows
from .scaffold import STANDARD_THEMES, ScaffoldResult, scaffold_package
from .yamlfile import INVENTORY_NAME, InventoryError, InventoryFile, load_inventory_file, parse_inventory

__all__ = [
    "INVENTORY_NAME",
    "OPEN_DATA_LIST_STANDARD",
    "STANDARD_THEMES",
    "Contact",
    "DatePrecision",
    "Distribution",
    "FiscalYearCount",
    "Inventory",
    "InventoryEntry",
    "InventoryError",
    "InventoryFile",
    "PackageSource",
    "PublisherCounts",
    "ReportedCount",
    "ScaffoldResult",
    "Status",
    "build_inventory",
    "dataset_url",
    "entry_from_package",
    "file_url",
    "fiscal_year_of",
    "load_inventory_file",
    "open_data_list_columns",
    "open_data_list_csv",
    "open_data_list_rows",
    "parse_inventory",
    "scaffold_package",
]
