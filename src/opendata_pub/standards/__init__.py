"""Standard-dataset schemas (自治体標準オープンデータセット and our own) and header matching.

    list_standards() -> list[StandardInfo]          every shipped schema
    load_standard("jp-ods-08-aed" | "08" | 8 | "AED設置箇所一覧") -> dict   its Table Schema descriptor
    match_standard(headers) -> StandardMatch | None  which standard a CSV header follows
    schema_for_headers(headers, standard=None) -> dict   a schema named by the file's own headers
    rename_to_standard(headers, match=None) -> list[str] the headers renamed to standard field names

Schemas live in ``standards/schemas/<id>.json`` (package data). See ``registry`` for the properties
we add to Table Schema, and ``validation.standard_rules`` for how a resource says it follows one.
"""

from __future__ import annotations

from .matching import (
    StandardMatch,
    header_key,
    match_headers,
    match_standard,
    rank_standards,
    read_header,
    rename_to_standard,
    schema_for_headers,
)
from .registry import (
    SourceRef,
    StandardInfo,
    list_standards,
    load_standard,
    standard_info,
)

__all__ = [
    "SourceRef",
    "StandardInfo",
    "StandardMatch",
    "header_key",
    "list_standards",
    "load_standard",
    "match_headers",
    "match_standard",
    "rank_standards",
    "read_header",
    "rename_to_standard",
    "schema_for_headers",
    "standard_info",
]
