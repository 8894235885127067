"""Layer (b): the files against their Table Schemas — encoding, size, hash, types, constraints, keys.

Encoding is decided here by japan.encoding (declared wins; otherwise BOM, UTF-16, strict UTF-8,
CP932, with the evidence kept) and handed to the row checks: the columnar engine
(packaging.columnar, frictionless's findings at pyarrow's speed) for the CSV files it reads as
frictionless does, frictionless itself for the rest, each such resource with an ``engine-fallback``
info finding that says why. frictionless's
English error notes are turned into Japanese messages for the common error types; the note is kept
in ``params`` so nothing is lost. A file whose header is a whole layout of the standard its schema
declares, under other names than the schema's, gets one ``standard-layout-mismatch`` finding instead
of frictionless's error in every cell.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..findings import Finding, Layer, Location, Severity
from ..japan.encoding import detect_file_encoding
from ..packaging.columnar import TableOutcome, validate_table
from ..packaging.frictionless_io import TableError, TablePackage, validate_tables
from ..packaging.stamp import file_digest, stamp_hint
from ..standards.matching import DEFAULT_MIN_COVERAGE, match_headers, read_header
from ..standards.registry import known_id
from .descriptor import ReadableResource

__all__ = ["check_data", "file_digest"]

_TABULAR_FORMATS = {"csv", "tsv", "txt", ""}

# Japanese messages for the frictionless error types users meet most; others keep frictionless's text.
_MESSAGES: Mapping[str, str] = {
    "type-error": "値 {cell!r} は列「{field}」の型に合いません",
    "constraint-error": "値 {cell!r} が列「{field}」の制約に違反しています: {note}",
    "missing-cell": "列「{field}」の値がありません (列が足りない行)",
    "extra-cell": "余分な値 {cell!r} があります (列が多すぎる行)",
    "blank-row": "空行です",
    "primary-key": "主キーが重複しているか空です: {note}",
    "foreign-key": "外部キーの参照先がありません: {note}",
    "unique-error": "列「{field}」の値 {cell!r} が重複しています",
    "blank-label": "見出しが空の列があります",
    "duplicate-label": "見出し「{cell}」が重複しています",
    "incorrect-label": "見出しがスキーマと違います: {note}",
    "missing-label": "スキーマにある列がファイルにありません: {note}",
    "extra-label": "スキーマにない列がファイルにあります: {note}",
    "hash-count": "ハッシュ値が記述子と一致しません (内容が変わっています): {note}",
    "byte-count": "バイト数が記述子と一致しません: {note}",
    "encoding-error": "文字コードで読めません: {note}",
    "source-error": "ファイルを読めません: {note}",
    "format-error": "形式を読めません: {note}",
    "scheme-error": "読み込み方式のエラー: {note}",
    "row-constraint": "行の制約に違反しています: {note}",
    "field-error": "スキーマの列定義が不正です: {note}",
    "schema-error": "スキーマが不正です: {note}",
    "resource-error": "リソースの記述が不正です: {note}",
    "package-error": "パッケージの記述が不正です: {note}",
}

_WARNINGS = {"blank-row"}

# A descriptor whose bytes/hash disagree with the file: the command that records them again says
# what to do (frictionless reports these two for the tables it reads, _digest for the other files).
_STALE = {"hash-count", "byte-count"}


def _message(err: TableError) -> str:
    template = _MESSAGES.get(err.type)
    if template is None:
        return err.message
    cell = err.cell if err.cell is None or len(str(err.cell)) <= 80 else str(err.cell)[:77] + "..."
    return template.format(cell=cell, field=err.field or "", note=err.note or err.message)


def _is_tabular(r: ReadableResource) -> bool:
    """Whether frictionless reads the file's rows: a text table with a schema, or any CSV/TSV."""
    fmt = str(r.descriptor.get("format") or r.paths[0].suffix.lstrip(".")).lower()
    return fmt in _TABULAR_FORMATS and (r.descriptor.get("schema") is not None or fmt in {"csv", "tsv"})


@dataclass
class _DataRun:
    """What one ``check_data`` call collects, resource by resource, before frictionless reads the tables."""

    file_of: Callable[[ReadableResource], str]
    on_decided: Callable[[str, str], None] | None
    root: Path
    findings: list[Finding] = field(default_factory=list)
    encodings: dict[str, str] = field(default_factory=dict)
    tabular: list[Mapping[str, Any]] = field(default_factory=list)  # resource descriptors for frictionless
    text_patterns: Sequence[str] = ()
    profile: Mapping[str, Any] = field(default_factory=dict)  # the package's $schema: v1 or v2 rules
    limit_errors: int = 1000  # a resource's row checks stop there, as frictionless's do
    text_hits: dict[str, dict[str, list[tuple[int, str, str, str]]]] = field(default_factory=dict)

    def add(self, code: str, message: str, r: ReadableResource, severity: Severity = Severity.ERROR,
            where: Location | None = None, **params: Any) -> None:
        self.findings.append(Finding(code, message, severity, where or Location(file=self.file_of(r)), Layer.DATA,
                                     r.name, params, hint=self._hint(code, r)))

    def _hint(self, code: str, r: ReadableResource | None = None) -> str | None:
        if code == "standard-layout-mismatch" and r is not None:
            return (f"`opendata-pub new --from {self.file_of(r)} <新しいフォルダ>` で、このファイルの見出しのまま"
                    "標準のスキーマを当てたパッケージを作れます")
        return stamp_hint(self.root, stale=True) if code in _STALE else None

    def resource(self, r: ReadableResource) -> None:
        if r.remote:
            return
        if r.inline:
            if isinstance(r.descriptor.get("data"), list):
                self.tabular.append(r.descriptor)
            return
        if not r.paths:
            return
        if all(p.stat().st_size == 0 for p in r.paths):
            self.add("file-empty", "ファイルが空です (0 バイト)", r)
            return
        self._local_file(r)

    def _local_file(self, r: ReadableResource) -> None:
        is_tabular = _is_tabular(r)
        declared = r.descriptor.get("encoding") if isinstance(r.descriptor.get("encoding"), str) else None
        resolved = dict(r.descriptor)
        if is_tabular or declared:
            encoding = self._encoding(r, declared, is_tabular)
            if encoding is None:  # unreadable: frictionless would only repeat it row by row
                return
            resolved["encoding"] = encoding
        if is_tabular and not self._layout_mismatch(r, resolved.get("encoding")):
            self.tabular.append(resolved)
        else:
            # frictionless only checks bytes/hash of tabular resources it reads; check the others here.
            self._digest(r)

    def _layout_mismatch(self, r: ReadableResource, encoding: str | None) -> bool:
        """A file in a whole layout of the standard its schema declares, under other column names
        than the schema's (the old 推奨 list pasted into a package made for the current one): one
        finding that says so and how to fix it, instead of a type error in every cell. True when found.
        """
        schema = r.descriptor.get("schema")
        if not isinstance(schema, Mapping) or not isinstance(schema.get("standard"), str) \
                or known_id(schema["standard"]) is None or str(r.descriptor.get("format", "csv")).lower() != "csv":
            return False
        names = [str(f.get("name", "")) for f in schema.get("fields", []) if isinstance(f, Mapping)]
        try:
            header = read_header(r.paths[0], encoding=encoding or "utf-8")
        except (OSError, UnicodeError, csv.Error):
            return False  # frictionless reports what is wrong with the file
        if header == names:
            return False
        found = match_headers(schema["standard"], header)
        if found.score < 1 or found.coverage < DEFAULT_MIN_COVERAGE:
            return False  # not a layout of the standard: frictionless's label errors say what differs
        declared = schema.get("standardVariant")
        said = "" if found.variant == declared else f"（スキーマは{'現行様式' if declared is None else declared}）"
        self.add("standard-layout-mismatch",
                 f"ファイルの見出しは標準「{found.title}」の{found.layout}ですが、スキーマの列名と違います{said}。"
                 "行の検査は、スキーマをファイルに合わせてから行います", r,
                 standard=found.standard_id, variant=found.variant, header=header[:60], schemaFields=names[:60])
        return True

    def _encoding(self, r: ReadableResource, declared: str | None, is_tabular: bool) -> str | None:
        """The file's encoding, decided and recorded; None (with a finding) when it cannot be read."""
        decision = detect_file_encoding(r.paths[0], declared=declared)
        evidence = decision.to_dict()
        if decision.encoding is None:
            self.add("encoding-undecodable",
                     f"文字コードを判定できません: {decision.detail}", r,
                     where=Location(file=self.file_of(r), offset=decision.error_offset), **evidence)
            return None
        if decision.error_offset is not None:
            self.add("encoding-mismatch",
                     f"宣言された文字コード {declared} で読めません: {decision.detail}", r,
                     where=Location(file=self.file_of(r), offset=decision.error_offset), **evidence)
            return None
        if declared is None and is_tabular:
            self.add("encoding-detected", f"文字コードを {decision.encoding} と判定しました: {decision.detail}", r,
                     Severity.INFO, **evidence)
        self.encodings[r.name] = decision.encoding
        if self.on_decided:
            self.on_decided(r.name, decision.encoding)
        return decision.encoding

    def _digest(self, r: ReadableResource) -> None:
        digest, size = file_digest(r.paths)
        expected_bytes = r.descriptor.get("bytes")
        if isinstance(expected_bytes, int) and expected_bytes != size:
            self.add("byte-count", f"バイト数が記述子と一致しません: 記述子 {expected_bytes:,}、実際 {size:,}", r,
                     expected=expected_bytes, actual=size)
        expected_hash = r.descriptor.get("hash")
        # Only a sha256 can be compared with what we computed; other algorithms are left alone.
        if isinstance(expected_hash, str) and expected_hash.removeprefix("sha256:") != digest \
                and expected_hash.startswith("sha256:"):
            self.add("hash-count", "ハッシュ値が記述子と一致しません (内容が変わっています)", r,
                     expected=expected_hash, actual=f"sha256:{digest}")

    def tables(self, resources: list[ReadableResource], root: Path,
               on_bytes: Callable[[str, int], None] | None) -> None:
        """Each table's row-by-row findings, at its own resource: the columnar engine where it reads
        the file as frictionless does, frictionless itself (with an info finding saying so) elsewhere."""
        if not self.tabular:
            return
        by_name = {r.name: r for r in resources}
        package = {**self.profile, "resources": self.tabular}
        tables = TablePackage(root, package)
        left: list[str] = []
        for desc in self.tabular:
            name = str(desc.get("name"))
            r = by_name.get(name) or next(iter(by_name.values()))
            outcome = self._columnar(root, desc, tables, on_bytes)
            if outcome.fallback is None:
                self._table_errors(outcome.errors, by_name)
                if outcome.text_hits:
                    self.text_hits[name] = outcome.text_hits
                continue
            left.append(name)
            self.add("engine-fallback", f"高速エンジンの対象外のため frictionless で行を検査しました: {outcome.fallback}", r,
                     Severity.INFO, reason=outcome.fallback)
        if left:
            self._table_errors(validate_tables(root, package, only=left, limit_errors=self.limit_errors), by_name)

    def _columnar(self, root: Path, desc: Mapping[str, Any], tables: TablePackage,
                  on_bytes: Callable[[str, int], None] | None) -> TableOutcome:
        if not isinstance(desc.get("path"), str):
            return TableOutcome(fallback="ファイルでない (インラインデータ、または複数ファイル) リソース")
        name = str(desc.get("name"))
        return validate_table(root, desc, tables=tables, text_patterns=self.text_patterns,
                              limit_errors=self.limit_errors,
                              on_bytes=(lambda n: on_bytes(name, n)) if on_bytes else None)

    def _table_errors(self, errors: list[TableError], by_name: Mapping[str, ReadableResource]) -> None:
        for err in errors:
            r = by_name.get(err.resource) or next(iter(by_name.values()))
            severity = Severity.WARNING if err.type in _WARNINGS else Severity.ERROR
            params: dict[str, Any] = {"note": err.note} if err.note else {}
            if err.cell is not None:
                params["cell"] = err.cell
            self.findings.append(Finding(err.type, _message(err), severity,
                                         Location(file=self.file_of(r), row=err.row, field=err.field),
                                         Layer.DATA, r.name, params, hint=self._hint(err.type)))

def check_data(
    resources: list[ReadableResource],
    root: Path,
    *,
    file_of: Callable[[ReadableResource], str],
    on_bytes: Callable[[str, int], None] | None = None,
    on_decided: Callable[[str, str], None] | None = None,
    text_patterns: Sequence[str] = (),
    profile: str | None = None,
    limit_errors: int = 1000,
) -> tuple[list[Finding], dict[str, str], dict[str, dict[str, list[tuple[int, str, str, str]]]]]:
    """Check each readable resource's files; return findings, the encodings decided per resource, and
    per resource read to its end by the columnar engine the text cells each of ``text_patterns``
    matches (the domain rules' pre-filters, found in the same pass). ``profile``: the package's
    ``$schema`` (Data Package v1 or v2 rules for the tables). ``limit_errors``: row findings per resource
    (frictionless's limit, 1000 by default)."""
    run = _DataRun(file_of, on_decided, root, text_patterns=text_patterns,
                   profile={"$schema": profile} if profile else {}, limit_errors=limit_errors)
    for r in resources:
        run.resource(r)
    run.tables(resources, root, on_bytes)
    return run.findings, run.encodings, run.text_hits
