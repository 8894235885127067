"""The 06 オープンデータ一覧 CSV of the inventory (自治体標準オープンデータセット 06).

Columns are those of the ``jp-ods-06-open-data-list`` standard schema (its current layout, the 45
columns SHIRASAGI writes), by name and in its order; the old 推奨データセット layout is a variant of
the schema and never written. One row per file (配布物), repeating データセット_ID across a dataset's
rows; ファイル_ID is the file's name in its package, データセット_作成者 the publisher's name. An
entry without files (a dataset in ``inventory.yaml``) has one row with the file columns empty but
its formats, licence and status. Lists inside a cell (keywords, languages) are joined with ``;``.

UTF-8 without BOM, LF line ends, quoted only where needed (``csvtext.csv_bytes``): the same
inventory always gives the same bytes. The site also ships a copy with a BOM for Excel.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..csvtext import csv_bytes, neutralised
from ..metadata.licenses import find_license
from ..metadata.vocabularies import FREQUENCIES
from ..standards import load_standard, standard_info
from ..standards.registry import known_id
from .model import DatePrecision, Inventory, InventoryEntry, Status

__all__ = ["OPEN_DATA_LIST_STANDARD", "open_data_list_columns", "open_data_list_csv", "open_data_list_rows"]

OPEN_DATA_LIST_STANDARD = "jp-ods-06-open-data-list"

_SEP = ";"


def open_data_list_columns() -> list[str]:
    """The column names of the 06 list we write: the standard's fields (current layout), in order."""
    return [f["name"] for f in load_standard(OPEN_DATA_LIST_STANDARD)["fields"]]


def _license_title(value: str) -> str:
    lic = find_license(value)
    return lic.title if lic else value


def _license_uri(value: str) -> str:
    lic = find_license(value)
    return lic.uri if lic else value


def _standard_title(sid: str | None) -> str:
    if not sid:
        return ""
    if known_id(sid) is None:  # a marker naming a standard we do not ship: show the id itself
        return sid
    info = standard_info(sid)
    return f"自治体標準オープンデータセット {info.title}" if info.number else info.title


def _note(entry: InventoryEntry) -> str:
    # データセット_公開日 holds a day only; what is known of a date less precise goes here, in words
    parts = []
    label = entry.fiscal_year_label
    if label and entry.status is Status.PLANNED:
        parts.append(f"公開予定: {label}")
    elif label and entry.date_precision is DatePrecision.FISCAL_YEAR:
        parts.append(f"公開: {label}（公開日は不明）")
    elif label and entry.date_precision is DatePrecision.BY_FISCAL_YEAR:
        parts.append(f"公開: {label}（遅くともこの年度。正確な年度は不明）")
    if entry.note:
        parts.append(entry.note)
    if entry.source:
        parts.append(f"情報源: {entry.source}")
    return " ".join(parts)


def _dataset_cells(entry: InventoryEntry, names: dict[str, str]) -> dict[str, Any]:
    contact = entry.contact
    temporal = ""
    if entry.temporal is not None:
        start, end = entry.temporal
        temporal = f"{start or ''}/{end or ''}"
    standards = [s for s in (_standard_title(d.standard) for d in entry.distributions) if s]
    publisher_name = entry.publisher_name or names.get(entry.publisher, "")
    return {
        "データセット_ID": entry.id,
        "全国地方公共団体コード": entry.publisher,
        "地方公共団体名": publisher_name,
        "データセット_タイトル": entry.title,
        "データセット_概要": entry.description,
        "データセット_キーワード": _SEP.join(entry.keywords),
        "データセット_分類": entry.category or "",
        "データセット_公開日": (entry.issued or "")[:10],
        "データセット_最終更新日": (entry.modified or "")[:10],
        "データセット_バージョン": entry.version,
        "データセット_言語": _SEP.join(entry.language),
        "データセット_URL": entry.url,
        "データセット_更新頻度": FREQUENCIES.get((entry.accrual_periodicity or "").upper(), entry.accrual_periodicity),
        "データセット_準拠する標準": _SEP.join(dict.fromkeys(standards)) or _SEP.join(entry.conforms_to),
        "データセット_来歴情報": entry.provenance,
        "データセット_対象地域": _SEP.join(names.get(c, c) for c in entry.spatial),
        "データセット_対象期間": temporal,
        "データセット_作成者": publisher_name,
        "データセット_連絡先名称": contact.name if contact else None,
        "データセット_連絡先メールアドレス": contact.email if contact else None,
        "データセット_連絡先電話番号": contact.telephone if contact else None,
        "データセット_連絡先FormURL": contact.url if contact else None,
        "データセット_備考": _note(entry),
        "ファイル_ステータス": entry.status.label,
    }


def open_data_list_rows(inventory: Inventory, publisher: str | None = None) -> list[dict[str, Any]]:
    """The rows of the 06 list (column name → cell), for one publisher or all."""
    entries: Iterable[InventoryEntry] = inventory.entries
    if publisher is not None:
        entries = [e for e in entries if e.publisher == publisher]
    names = dict(inventory.publisher_names)
    rows: list[dict[str, Any]] = []
    for entry in entries:
        base = _dataset_cells(entry, names)
        if not entry.distributions:
            row = dict(base)
            row["ファイル_形式"] = _SEP.join(entry.formats)
            row["ファイル_ライセンス"] = _SEP.join(_license_title(x) for x in entry.licenses)
            row["ファイル_利用規約"] = _SEP.join(_license_uri(x) for x in entry.licenses)
            row["ファイル_公開日"] = (entry.issued or "")[:10]
            rows.append(row)
            continue
        for d in entry.distributions:
            row = dict(base)
            row.update({
                "ファイル_ID": d.name,
                "ファイル_タイトル": d.title or d.name,
                "ファイル_アクセスURL": entry.url,
                "ファイル_ダウンロードURL": d.download_url,
                "ファイル_説明": d.description,
                "ファイル_形式": d.format,
                "ファイル_ライセンス": _SEP.join(_license_title(x) for x in d.licenses),
                "ファイル_サイズ": str(d.bytes) if d.bytes is not None else "",
                "ファイル_公開日": (entry.issued or "")[:10],
                "ファイル_最終更新日": (entry.modified or "")[:10],
                "ファイル_利用規約": _SEP.join(_license_uri(x) for x in d.licenses),
                "ファイル_言語": _SEP.join(entry.language),
                "ファイル_準拠する標準": _standard_title(d.standard),
                # files of a static catalog are downloads, not an API
                "ファイル_API対応有無": "無",
            })
            rows.append(row)
    return rows


def open_data_list_csv(inventory: Inventory, publisher: str | None = None, *, bom: bool = False) -> bytes:
    """The 06 オープンデータ一覧 CSV (UTF-8; with ``bom`` the Excel copy).

    The Excel copy also puts a ``'`` before a cell Excel would run as a formula (a contact
    telephone ``+81-42-492-5111`` would become −5564; ``packaging.excel``), by the standard's column
    types. The plain list keeps every value as it is: it is data for programs.
    """
    rows = open_data_list_rows(inventory, publisher)
    if bom:
        types = {f["name"]: str(f.get("type") or "string") for f in load_standard(OPEN_DATA_LIST_STANDARD)["fields"]}
        rows = [{k: neutralised(v, types.get(k)) if isinstance(v, str) else v for k, v in row.items()} for row in rows]
        return b"\xef\xbb\xbf" + csv_bytes(open_data_list_columns(), rows)  # (the column names are ours)
    return csv_bytes(open_data_list_columns(), rows)
