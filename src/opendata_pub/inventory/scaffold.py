"""Scaffold a new package from a standard-dataset schema (``opendata-pub new``).

The package is ready to fill: a ``datapackage.yaml`` whose metadata comes from ``opendata.yaml`` (the
publisher, its licence, ``spatial`` = its code, ``language: [ja]``, a theme for the standard) and a
title and description that are true as written ("清瀬市 AED設置箇所一覧") but meant to be edited; the
standard's Table Schema inline, under the standard's own column names, marked ``"standard": "<id>"``
(what ``validation.standard_rules`` looks for); and a header-only CSV in ``data/``. ``bytes`` and
``hash`` are not recorded: the file is about to be filled, and a recorded checksum would make the first
edit an error (the validator warns that they are missing instead). No dates are written: ``issued`` and ``modified`` are the person's to set
when the data is real (the validator warns until then). An existing folder is never touched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..atomicfile import write_bytes, write_text
from ..config import Publisher, Settings
from ..csvtext import csv_bytes
from ..errors import UsageError
from ..japan.lgcode import lg_code_problem
from ..metadata.properties import PROFILE_V2
from ..metadata.publication import license_entry
from ..standards import StandardInfo, load_standard, schema_for_headers, standard_info
from ..yamlio import dump_yaml

__all__ = ["STANDARD_THEMES", "ScaffoldResult", "check_new_folder", "package_head", "resource_name",
           "scaffold_package", "settings_publisher"]

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")

# EU data theme of each shipped standard (a default the person may change).
STANDARD_THEMES = {
    "jp-ods-01-public-facility": "REGI",
    "jp-ods-03-evacuation-space": "JUST",  # EU theme "Justice, legal system and public safety"
    "jp-ods-06-open-data-list": "GOVE",
    "jp-ods-08-aed": "HEAL",
    "jp-ods-17-school-district": "EDUC",
    "jp-ods-27-polling-place": "GOVE",
    "jp-election-turnout": "GOVE",
}


@dataclass(frozen=True, slots=True)
class ScaffoldResult:
    path: Path  # the package folder
    standard: str  # the standard id
    descriptor: dict[str, Any]
    written: tuple[Path, ...]


def resource_name(standard_id: str) -> str:
    """jp-ods-08-aed → aed, jp-election-turnout → election-turnout."""
    name = re.sub(r"^jp-(ods-[0-9]+-)?", "", standard_id)
    return name if _NAME.match(name) else "data"


def settings_publisher(settings: Settings, code: str | None) -> Publisher | None:
    """The publisher ``code`` names (a usage error when opendata.yaml lacks it), else the default one:
    the catalog's operator, or the only publisher there is."""
    if code is not None:
        problem = lg_code_problem(code)
        if problem:
            raise UsageError(f"--publisher {code}: {problem}")
        pub = settings.publisher(code)
        if pub is None:
            raise UsageError(f"団体コード {code} が opendata.yaml の publishers にありません",
                             hint="opendata.yaml の publishers に登録してから指定してください")
        return pub
    if settings.catalog.operator and settings.publisher(settings.catalog.operator):
        return settings.publisher(settings.catalog.operator)
    return settings.publishers[0] if len(settings.publishers) == 1 else None


def check_new_folder(root: Path) -> None:
    """A new package's folder: a name usable as the package name, and not there yet."""
    if not _NAME.match(root.name):
        raise UsageError(f"{root}: フォルダ名がパッケージ名に使えません: {root.name!r}",
                         hint="英小文字・数字・- _ だけの名前にしてください (URL と CKAN で使うため)。例: kiyose-aed")
    if root.exists():
        raise UsageError(f"{root}: すでにあります (上書きしません)", hint="別のフォルダ名を指定してください")


def package_head(name: str, info: StandardInfo | None, pub: Publisher | None, *, title: str,
                 place: str | None = None, spatial: str | None = None) -> dict[str, Any]:
    """The package-level metadata of a new package, true as written and meant to be edited:
    "<place> <title>", the publisher with its licence, keywords and theme of the standard, spatial,
    language. ``place``/``spatial`` default to the publisher's name and code."""
    place = place or (pub.name if pub else "○○市")
    kind = ""
    if info is not None:
        kind = f"自治体標準オープンデータセット {info.number}「{info.title}」" if info.number else f"「{info.title}」"
    about = f"{kind}の項目に沿って作成したデータです。" if kind else ""
    descriptor: dict[str, Any] = {"$schema": PROFILE_V2, "name": name, "title": f"{place} {title}",
                                  "description": f"{place}の{title}。{about}"}
    if pub is not None:
        descriptor["publisher"] = pub.code
        if pub.license:
            descriptor["licenses"] = [license_entry(pub.license)]
    if info is not None:
        descriptor["keywords"] = [info.title, "自治体標準オープンデータセット"] if info.number else [info.title]
        if info.id in STANDARD_THEMES:
            descriptor["themes"] = [STANDARD_THEMES[info.id]]
    else:
        descriptor["keywords"] = [title]
    if spatial or pub is not None:
        descriptor["spatial"] = [spatial or pub.code]  # type: ignore[union-attr]
    descriptor["language"] = ["ja"]
    return descriptor


def scaffold_package(directory: str | Path, template: str, settings: Settings, *,
                     publisher: str | None = None) -> ScaffoldResult:
    """Write a new package for standard ``template`` (id, number "08", title or short name "AED") into
    ``directory``.

    The folder name becomes the package name (lowercase a-z0-9-_). Raises ``UsageError`` for an
    unknown standard, a bad name, an unknown publisher or an existing folder (nothing is written).
    """
    root = Path(directory)
    info = standard_info(template)  # UsageError naming the known standards
    check_new_folder(root)
    pub = settings_publisher(settings, publisher)
    standard = load_standard(info.id)
    headers = [f["name"] for f in standard["fields"]]
    schema = schema_for_headers(headers, info.id)

    resource = resource_name(info.id)
    file_name = f"{pub.code}_{resource}.csv" if pub else f"{resource}.csv"
    data = csv_bytes(headers, [])
    descriptor = package_head(root.name, info, pub, title=info.title)
    descriptor["resources"] = [{
        "name": resource,
        "path": f"data/{file_name}",
        "title": info.title,
        "description": f"{info.title}（1行が1件）。列は標準のスキーマ {info.id} {info.version} のとおり。",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": schema,
    }]
    csv_path = root / "data" / file_name
    descriptor_path = root / "datapackage.yaml"
    write_bytes(csv_path, data)
    write_text(descriptor_path, dump_yaml(descriptor))
    return ScaffoldResult(root, info.id, descriptor, (descriptor_path, csv_path))
