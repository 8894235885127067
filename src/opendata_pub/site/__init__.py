"""The static open-data catalog: the whole site as ``{relative path: bytes}``.

    render_site(packages, settings, inventory=None, *, rdf=None, pages=None) -> dict[str, bytes]
    site_names(packages, settings, inventory=None) -> dict[str, str]   what pages show for publishers
    write_site(files, folder) -> list[Path]      a plain writer for tests and previews

For municipalities without CKAN: an ``index.html`` in Japanese with a filter that needs no server,
a page per dataset with downloads, the attribution a reuser must show, the Table Schema and schema.org
JSON-LD, the packages' files byte for byte, Excel-friendly copies of the CSVs and each publisher's
06 オープンデータ一覧. An evaluation package's page shows the evaluation itself (grade, indicators
with inline SVG charts, costs, programs, texts); every CSV has a preview page; a dataset known only
from the inventory has a page of its own; each package has its DCAT-AP 3 as Turtle and JSON-LD. See ``render`` for the layout. Templates, CSS and JavaScript are package data
under ``site/assets``.
"""

from __future__ import annotations

from .render import RESERVED_NAMES, render_site, site_names, write_site

__all__ = ["RESERVED_NAMES", "render_site", "site_names", "write_site"]
