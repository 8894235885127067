"""Adopt an existing CSV as a new package (``opendata-pub new --from FILE PACKAGE_DIR``).

A municipality usually has the file already — exported from a ledger, in the old 推奨データセット
layout, in Shift_JIS. Adopting it means: the file is copied into ``data/`` byte for byte (never
re-encoded: its hash is the hash of what the municipality published), its encoding and dialect are
recorded as detected, the standard its header follows is applied in the layout it is in (the
current one or an older variant; ``--template`` names the standard when the header alone does not
say), or else the schema inferred from the data; ``bytes`` and ``hash`` are recorded, and the
package metadata gets the defaults ``new --template`` gives (publisher, licence, spatial, keywords,
theme). When the file has a 全国地方公共団体コード column with a single code that opendata.yaml
knows, that publisher is taken; an unknown single code still names the place and ``spatial``.

The package is written into a temporary folder beside the target and renamed into place at the
end, so a failure leaves nothing half-written. Validation is the caller's (``actions.new_from``).
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import Publisher, Settings
from ..errors import InputError, UsageError
from ..inventory.scaffold import check_new_folder, package_head, resource_name, settings_publisher
from ..japan.lgcode import lg_code_problem
from ..japan.municipalities import municipality_name
from ..japan.zenkaku import to_hankaku
from ..standards import StandardInfo, StandardMatch, match_headers, match_standard, standard_info
from ..standards.matching import TABLE_SCHEMA_PROFILE, schema_for_headers
from ..yamlio import dump_yaml
from .describe import Description, describe_file
from .writer import PROFILE_V2

__all__ = ["ADOPTABLE", "AdoptResult", "adopt_file"]

# What a table file may be adopted as: its format and media type, by extension.
ADOPTABLE = {
    ".csv": ("csv", "text/csv"),
    ".txt": ("csv", "text/csv"),
    ".tsv": ("tsv", "text/tab-separated-values"),
}
_SAFE_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_CODE_ROWS = 10_000  # rows read to find the single 全国地方公共団体コード of a file
_COPY_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class AdoptResult:
    """What ``adopt_file`` made: the package folder, its descriptor and how the file was read."""

    path: Path
    descriptor: dict[str, Any]
    description: Description  # encoding with evidence, dialect, the inferred schema
    match: StandardMatch | None  # the standard (and layout) applied; None: the inferred schema
    written: tuple[Path, ...]

    @property
    def standard(self) -> str | None:
        return self.match.standard_id if self.match else None

    @property
    def variant(self) -> str | None:
        return self.match.variant if self.match else None


def adopt_file(file: str | os.PathLike[str], directory: str | os.PathLike[str], settings: Settings, *,
               template: str | None = None, publisher: str | None = None) -> AdoptResult:
    """Make the new package ``directory`` from the table ``file`` (see the module doc).

    ``template`` names the standard (id, number, title or short name) instead of recognising it.
    Raises ``UsageError`` for an unknown standard or publisher, a bad or existing folder, a file
    that is no CSV/TSV; ``InputError`` for a file that cannot be read. Nothing is written then.
    """
    source, root = Path(file), Path(directory)
    named = standard_info(template) if template else None
    check_new_folder(root)
    fmt, mediatype = _table_kind(source)
    described = describe_file(source)
    match = _standard_match(described, named)
    code = _single_code(source, described, match)
    pub = _publisher(settings, publisher, code)
    info = standard_info(match.standard_id) if match else None
    data_name = _data_file_name(source, pub, code, match)
    resource = _resource(source, described, match, info, data_name, fmt, mediatype)
    place_code = code or (pub.code if pub else None)  # what the data is about, else who publishes it
    head = package_head(root.name, info, pub, title=info.title if info else _stem_title(source),
                        place=_place(pub, code), spatial=place_code)
    written = _write(root, source, data_name, head, resource)
    return AdoptResult(root, {**head, "resources": [resource]}, described, match, written)


def _table_kind(source: Path) -> tuple[str, str]:
    kind = ADOPTABLE.get(source.suffix.lower())
    if kind is None:
        hint = ("Excel のファイルは CSV (UTF-8 か Shift_JIS) で保存し直してから指定してください"
                if source.suffix.lower() in {".xlsx", ".xls", ".xlsm", ".ods"} else
                f"取り込めるのは {', '.join(sorted(ADOPTABLE))} のファイルです")
        raise UsageError(f"{source}: 表のファイル (CSV・TSV) ではありません", hint=hint)
    return kind


def _standard_match(described: Description, named: StandardInfo | None) -> StandardMatch | None:
    """The standard named (in the layout the header fits best), else the one the header follows."""
    if not described.header:
        raise InputError("見出し行がありません", path=described.path, where="line 1")
    if named is not None:
        return match_headers(named.id, described.header)
    return match_standard(described.header)


def _code_column(described: Description, match: StandardMatch | None) -> int | None:
    if match is None:
        return None
    for i, current in enumerate(match.standard_columns):
        if current == "全国地方公共団体コード":
            return i
    return None


def _rows(source: Path, described: Description) -> Iterator[list[str]]:
    encoding = described.encoding.encoding or "utf-8"
    with source.open(encoding=encoding, newline="", errors="replace") as fh:
        reader = csv.reader(fh, delimiter=described.dialect["delimiter"])
        next(reader, None)
        for n, row in enumerate(reader):
            if n >= _CODE_ROWS:
                return
            yield row


def _single_code(source: Path, described: Description, match: StandardMatch | None) -> str | None:
    """The one valid 全国地方公共団体コード the file's code column holds, or None (none, or several)."""
    column = _code_column(described, match)
    if column is None:
        return None
    codes = {to_hankaku(row[column]).strip() for row in _rows(source, described) if column < len(row)}
    codes.discard("")
    if len(codes) != 1:
        return None
    code = codes.pop()
    return code if lg_code_problem(code) is None else None


def _publisher(settings: Settings, explicit: str | None, code: str | None) -> Publisher | None:
    if explicit is None and code is not None and settings.publisher(code) is not None:
        return settings.publisher(code)
    return settings_publisher(settings, explicit)


def _place(pub: Publisher | None, code: str | None) -> str | None:
    if pub is not None and (code is None or code == pub.code):
        return pub.name
    return municipality_name(code) if code else None


def _data_file_name(source: Path, pub: Publisher | None, code: str | None, match: StandardMatch | None) -> str:
    """The file's own name when it is safe in a URL everywhere; else <code>_<resource> like the
    national file-naming convention (222127_aed.csv)."""
    if _SAFE_FILE_NAME.match(source.name):
        return source.name
    base = resource_name(match.standard_id) if match else "data"
    prefix = pub.code if pub else code
    return f"{prefix}_{base}{source.suffix.lower()}" if prefix else f"{base}{source.suffix.lower()}"


def _stem_title(source: Path) -> str:
    return source.stem.strip() or "データ"


def _resource_name_for(source: Path, match: StandardMatch | None) -> str:
    if match is not None:
        return resource_name(match.standard_id)
    slug = re.sub(r"[^a-z0-9_-]+", "-", source.stem.lower()).strip("-_")
    return slug[:100] if slug and slug[0].isalnum() else "data"


def _schema(described: Description, match: StandardMatch | None) -> dict[str, Any]:
    if match is not None:
        return schema_for_headers(described.header, match)
    inferred = dict(described.schema)
    inferred.pop("$schema", None)
    return {"$schema": TABLE_SCHEMA_PROFILE, "missingValues": [""], **inferred}


def _resource(source: Path, described: Description, match: StandardMatch | None, info: StandardInfo | None,
              data_name: str, fmt: str, mediatype: str) -> dict[str, Any]:
    title = info.title if info else _stem_title(source)
    layout = ""
    if match is not None and info is not None:
        layout = f"列は標準 {info.id} {info.version} の{match.layout}のとおり。"
    resource: dict[str, Any] = {
        "name": _resource_name_for(source, match),
        "path": f"data/{data_name}",
        "title": title,
        "description": f"{title}（元のファイル: {source.name}）。{layout}",
        "format": fmt,
        "mediatype": mediatype,
        "encoding": described.encoding.encoding,
    }
    if described.dialect["delimiter"] != ("\t" if fmt == "tsv" else ","):
        resource["dialect"] = {"delimiter": described.dialect["delimiter"]}
    resource["schema"] = _schema(described, match)
    return resource


def _copy_with_digest(source: Path, target: Path) -> tuple[int, str]:
    """Copy ``source`` to ``target`` byte for byte; its size and sha256 as read while copying."""
    digest = hashlib.sha256()
    size = 0
    try:
        with source.open("rb") as src, target.open("xb") as dst:
            while chunk := src.read(_COPY_CHUNK):
                digest.update(chunk)
                dst.write(chunk)
                size += len(chunk)
    except OSError as exc:
        raise InputError(f"ファイルを写せません: {exc.strerror or exc}", path=str(source)) from exc
    return size, digest.hexdigest()


def _write(root: Path, source: Path, data_name: str, head: dict[str, Any],
           resource: dict[str, Any]) -> tuple[Path, ...]:
    """Write the package into a temporary folder beside ``root``, then rename it into place."""
    try:
        root.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{root.name}.", dir=root.parent))
    except OSError as exc:
        raise InputError(f"フォルダを作れません: {exc.strerror or exc}", path=str(root.parent)) from exc
    try:
        (staging / "data").mkdir()
        size, digest = _copy_with_digest(source, staging / "data" / data_name)
        resource["bytes"] = size
        resource["hash"] = f"sha256:{digest}"
        head.setdefault("$schema", PROFILE_V2)
        text = dump_yaml({**head, "resources": [resource]})
        (staging / "datapackage.yaml").write_text(text, encoding="utf-8", newline="\n")
        os.rename(staging, root)  # fails when root appeared meanwhile: never merge into another folder
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise InputError(f"パッケージを書けません: {exc.strerror or exc}", path=str(root)) from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return (root / "datapackage.yaml", root / "data" / data_name)
