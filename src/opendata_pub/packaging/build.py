"""Packages built from reviewed sources: ``sources/`` in, ``data/*.csv`` + descriptor out.

A package built from sources keeps, in its own folder::

    sources/package.yaml            the package's publication metadata (edited by people)
    sources/evaluations/<id>.yaml   one reviewed evaluation record per file (the source of truth)
    sources/sheets/<file>           the original sheets, kept for provenance

``build`` turns these into the package; unchanged sources give byte-identical output. ``import``
reads sheets (a text sheet is one evaluation; a workbook or CSV one evaluation per row, read by a
declarative layout, and is kept once however many records it gave), writes the records and the original sheets into ``sources/`` and builds. Dates are
never taken from the clock at build time; an import of a new package takes the ``date`` it is
given (the CLI passes today's date unless ``--date`` says otherwise) as ``issued`` and ``modified``,
and a re-import whose data changed needs a new ``modified`` (``StaleModifiedError`` otherwise).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ..atomicfile import write_bytes, write_text
from ..config import Settings
from ..errors import InputError, UsageError
from ..findings import Finding
from ..inputfile import UnreadableInput, read_input_bytes
from ..japan.lgcode import lg_code_problem
from ..japan.municipalities import municipality_name as japan_municipality_name
from ..japan.wareki import fiscal_year_label, fiscal_year_period
from ..metadata.publication import license_entry
from ..records.importers import FileImport, ImportResult, import_file
from ..records.importers.sheet import MAX_SHEET_BYTES
from ..records.model import EvaluationRecord, Level
from ..records.yamlformat import dump_record, load_record
from ..yamlio import YamlSyntaxError, dump_yaml, parse_yaml, read_yaml_text
from .evaluation import evaluation_resources, evaluation_tables
from .package import DESCRIPTOR_NAMES
from .writer import BuildResult, build_package

__all__ = [
    "ImportOutcome",
    "build_from_sources",
    "has_sources",
    "import_evaluations",
    "package_name_for",
]

SOURCES = "sources"
PACKAGE_META = "package.yaml"
EVALUATIONS = "evaluations"
SHEETS = "sheets"

_LAYOUT_TITLES = {"kiyose": "施策評価", "joso": "事務事業評価", "koto": "施策評価"}
_NAME_OK = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    results: tuple[ImportResult, ...]
    build: BuildResult
    file_findings: tuple[Finding, ...] = ()  # about a workbook as a whole (a column missing from its header)
    layouts: tuple[str, ...] = ()  # the layout that read each file, in the order given

    @property
    def findings(self) -> list[Finding]:
        return [*self.file_findings, *(f for r in self.results for f in r.findings)]


def has_sources(package_dir: Path) -> bool:
    return (package_dir / SOURCES / PACKAGE_META).is_file()


def package_name_for(package_dir: Path, records: Sequence[EvaluationRecord]) -> str:
    """The folder name when it is a valid package name, else one derived from the first record."""
    if _NAME_OK.match(package_dir.name):
        return package_dir.name
    r = records[0]
    return f"evaluation-{r.municipality_code}-{r.fiscal_year}"


def _load_records(folder: Path) -> list[EvaluationRecord]:
    records = []
    for path in sorted(folder.glob("*.yaml")):
        records.append(load_record(read_yaml_text(path), source=str(path)))
    if not records:
        raise InputError("評価レコード (*.yaml) がありません", path=str(folder))
    ids = [r.evaluation_id for r in records]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise InputError(f"evaluation_id が重複しています: {', '.join(dupes)}", path=str(folder))
    return records


def _read_sheet_bytes(path: Path) -> bytes:
    try:
        return read_input_bytes(path, max_bytes=MAX_SHEET_BYTES)
    except UnreadableInput as exc:
        raise InputError(f"評価シートを読めません: {exc.problem}", path=str(path)) from exc


def _load_meta(path: Path) -> dict[str, Any]:
    try:
        data = parse_yaml(read_yaml_text(path))
    except YamlSyntaxError as exc:
        raise InputError(f"YAML として読めません: {exc.problem}", path=str(path), where=exc.where) from exc
    if not isinstance(data, dict):
        raise InputError("マッピング (key: value) でなければなりません", path=str(path))
    if "resources" in data:
        raise InputError("resources はここには書きません (ビルドが作ります)", path=str(path), where="resources")
    return {str(k): (v.isoformat() if isinstance(v, date) else v) for k, v in data.items()}


def _kind(record: EvaluationRecord) -> str:
    """What the record's sheet is called: 施策評価, 事務事業評価 (a row of a workbook), 行政評価."""
    if record.source.layout in _LAYOUT_TITLES:
        return _LAYOUT_TITLES[record.source.layout]
    return "事務事業評価" if record.level is Level.PROGRAM else "行政評価"


def _sources_entries(package_dir: Path, records: Sequence[EvaluationRecord], *,
                     sheets_kept: bool = False) -> list[dict[str, str]]:
    """The descriptor's ``sources``: each sheet, with its path when the sheet is kept in sources/.

    A workbook gives many records and is one source: an entry with a path already listed is not
    repeated (entries without a path are kept as before, so existing packages build the same).
    """
    entries = []
    paths: set[str] = set()
    for r in records:
        entry = {"title": f"{r.municipality_name} {_kind(r)}シート {r.fiscal_year_label}"}
        if sheets_kept or (package_dir / SOURCES / SHEETS / r.source.file).is_file():
            entry["path"] = f"{SOURCES}/{SHEETS}/{r.source.file}"
            if entry["path"] in paths:
                continue
            paths.add(entry["path"])
        entries.append(entry)
    return entries


def build_from_sources(package_dir: str | Path, settings: Settings | None = None, *,
                       modified: str | None = None, published: bool = True) -> BuildResult:
    """Rebuild the package in ``package_dir`` from its ``sources/``.

    ``modified`` (YYYY-MM-DD) is set in sources/package.yaml too, after the build succeeded.
    ``published``: the package is on its target already; only then must changed data come with
    a new ``modified`` (StaleModifiedError otherwise)."""
    root = Path(package_dir)
    meta_path = root / SOURCES / PACKAGE_META
    if not meta_path.is_file():
        raise InputError(f"{SOURCES}/{PACKAGE_META} がありません (ソースから作ったパッケージではありません)",
                         path=str(root))
    if modified is not None:
        _check_dates(modified)
    meta = _load_meta(meta_path)
    if modified is not None:
        meta["modified"] = modified
    records = _load_records(root / SOURCES / EVALUATIONS)
    staged = {**meta}
    staged.setdefault("sources", _sources_entries(root, records))
    descriptor_name = next((n for n in DESCRIPTOR_NAMES if (root / n).is_file()), "datapackage.yaml")
    result = build_package(root, staged, evaluation_resources(records), evaluation_tables(records),
                           descriptor_name=descriptor_name, published=published)
    if modified is not None:
        _write_if_changed(meta_path, dump_yaml(meta))
    return result


def default_metadata(records: Sequence[EvaluationRecord], settings: Settings | None, *, name: str,
                     day: str) -> dict[str, Any]:
    """Starting metadata for a new evaluation package (people edit it in sources/package.yaml)."""
    first = records[0]
    years = sorted({r.fiscal_year for r in records})
    kinds = sorted({_kind(r) for r in records})
    policies = list(dict.fromkeys(r.policy_name for r in records if r.policy_name))
    label = fiscal_year_label(years[0]) if len(years) == 1 else f"{fiscal_year_label(years[0])}〜{fiscal_year_label(years[-1])}"
    title = f"{first.municipality_name} 行政評価 ({'・'.join(kinds)}) {label}"
    if len(policies) == 1:
        title = f"{first.municipality_name} {kinds[0]}「{policies[0]}」{label}"
    description = (
        f"{first.municipality_name}の行政評価 ({'・'.join(kinds)}) を表形式にしたデータです。"
        "評価、構成事業、事業費、指標と年度ごとの目標値・実績値・達成率、課題、その他の記述を収録しています。"
        "金額は円、率はパーセントです。"
    )
    start, _ = fiscal_year_period(years[0])
    _, end = fiscal_year_period(years[-1])
    meta: dict[str, Any] = {
        "name": name,
        "title": title,
        "description": description,
        "version": "1.0.0",
        # A code alone when opendata.yaml knows the publisher (it supplies name and defaults there);
        # otherwise the package must say who it is.
        "publisher": first.municipality_code if settings and settings.publisher(first.municipality_code)
        else {"code": first.municipality_code, "name": first.municipality_name},
        "keywords": ["行政評価", *kinds, *(policies[:3])],
        "themes": ["GOVE"],
        "spatial": sorted({r.municipality_code for r in records}),
        "temporal": {"start": start.isoformat(), "end": end.isoformat()},
        "accrualPeriodicity": "ANNUAL",
        "issued": day,
        "modified": day,
        "language": ["ja"],
    }
    pub = settings.publisher(first.municipality_code) if settings else None
    if pub is None or pub.license is None:
        meta["licenses"] = [license_entry("PDL-1.0")]
    return meta


def _municipality_name(municipality_code: str, municipality_name: str | None, settings: Settings | None) -> str:
    """The name to record: given, else the configured publisher's (no sheet prints it)."""
    problem = lg_code_problem(municipality_code)
    if problem:
        raise UsageError(f"--municipality {municipality_code}: {problem}")
    pub = settings.publisher(municipality_code) if settings else None
    # the official list last: a publisher's own spelling in opendata.yaml wins
    name = municipality_name or (pub.name if pub else None) or japan_municipality_name(municipality_code)
    if not name:
        raise UsageError(f"団体コード {municipality_code} の名称がわかりません: --name で指定してください",
                         hint="opendata.yaml の publishers に登録すると --name は不要です")
    return name


def _check_dates(*days: str | None) -> None:
    for d in days:
        if d is not None:
            try:
                date.fromisoformat(d)
            except ValueError as exc:
                raise UsageError(f"日付は YYYY-MM-DD で指定してください: {d}") from exc


def _evaluation_settings(settings: Settings | None, municipality_code: str, layout: str | None
                         ) -> tuple[str | None, Path | None, tuple[str, ...]]:
    """(layout, folder a layout path is relative to, grades): ``--layout`` first, then the publisher's
    ``evaluation`` settings in opendata.yaml."""
    pub = settings.publisher(municipality_code) if settings else None
    config = pub.evaluation if pub is not None else None
    base = settings.root if settings is not None else None
    if layout is not None:
        return layout, None, config.grades if config else ()
    return (config.layout, base, config.grades) if config else (None, None, ())


def _import_sheets(sheets: Sequence[str | Path], *, municipality_code: str, name: str, layout: str | None,
                   settings: Settings | None) -> list[tuple[Path, FileImport]]:
    """Every file read; two sheets (or rows) of one evaluation would overwrite each other's record."""
    chosen, base, grades = _evaluation_settings(settings, municipality_code, layout)
    imports = [(Path(s), import_file(Path(s), municipality_code=municipality_code, municipality_name=name,
                                     layout=chosen, layout_base=base, grades=grades)) for s in sheets]
    ids = [r.record.evaluation_id for _, imp in imports for r in imp.results]
    if len(set(ids)) != len(ids):
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        raise UsageError(f"同じ評価 (evaluation_id) のシートが複数あります: {', '.join(repeated)}")
    return imports


def _import_meta(root: Path, records: Sequence[EvaluationRecord], settings: Settings | None, *,
                 day: str, modified: str | None) -> dict[str, Any]:
    """The package metadata: the existing sources/package.yaml (with a new modified), else a default."""
    meta_path = root / SOURCES / PACKAGE_META
    if not meta_path.is_file():
        return default_metadata(records, settings, name=package_name_for(root, records), day=modified or day)
    meta = _load_meta(meta_path)
    if modified:
        meta["modified"] = modified
    return meta


def _merged_records(root: Path, records: Sequence[EvaluationRecord]) -> list[EvaluationRecord]:
    """The package's records after the import: the imported ones replace those with their ids."""
    folder = root / SOURCES / EVALUATIONS
    ids = {r.evaluation_id for r in records}
    existing: list[EvaluationRecord] = []
    if folder.is_dir() and any(folder.glob("*.yaml")):
        existing = [r for r in _load_records(folder) if r.evaluation_id not in ids]
    return sorted([*existing, *records], key=lambda r: r.evaluation_id)


def _kept_files(imports: Sequence[tuple[Path, FileImport]]) -> dict[str, Path]:
    """Each file read, by the name it is kept under in sources/sheets/ (a workbook once)."""
    return {imp.results[0].record.source.file: path for path, imp in imports if imp.results}


def _check_kept_sheets(root: Path, kept: dict[str, Path]) -> None:
    """A kept sheet is provenance: another sheet of the same file name must not replace it."""
    for file, path in kept.items():
        sheet_target = root / SOURCES / SHEETS / file
        if sheet_target.exists() and _read_sheet_bytes(sheet_target) != _read_sheet_bytes(path):
            raise UsageError(f"{sheet_target}: 同じ名前の別のシートがすでにあります")


def _write_if_changed(path: Path, text: str) -> None:
    # Unchanged sources keep their bytes and mtime, so a re-run of the same import writes nothing.
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        write_text(path, text)


def _write_sources(root: Path, kept: dict[str, Path], records: Sequence[EvaluationRecord],
                   meta: dict[str, Any]) -> None:
    """The sheets (kept once, never replaced), the records and package.yaml into sources/."""
    for file, path in kept.items():
        target = root / SOURCES / SHEETS / file
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            write_bytes(target, _read_sheet_bytes(path))
    for r in records:
        _write_if_changed(root / SOURCES / EVALUATIONS / f"{r.evaluation_id}.yaml", dump_record(r))
    _write_if_changed(root / SOURCES / PACKAGE_META, dump_yaml(meta))


def import_evaluations(
    sheets: Sequence[str | Path],
    *,
    package_dir: str | Path,
    municipality_code: str,
    municipality_name: str | None = None,
    layout: str | None = None,
    settings: Settings | None = None,
    day: str,
    modified: str | None = None,
    published: bool = True,
) -> ImportOutcome:
    """Import sheets into ``package_dir``: records and sheets into sources/, then build.

    The municipality's name comes from ``opendata.yaml``'s publishers when the code is there,
    otherwise ``municipality_name`` is required (no sheet prints it). ``layout`` (a text layout,
    a built-in layout's name or a layout file) skips detection; without it the publisher's
    ``evaluation.layout`` applies, then detection. ``day`` (YYYY-MM-DD) is the
    issued/modified date of a new package; ``modified`` overrides modified of an existing one.
    ``published`` as for ``build_from_sources``.
    """
    if not sheets:
        raise UsageError("評価シートを一つ以上指定してください")
    name = _municipality_name(municipality_code, municipality_name, settings)
    _check_dates(day, modified)
    root = Path(package_dir)
    imports = _import_sheets(sheets, municipality_code=municipality_code, name=name, layout=layout,
                             settings=settings)
    results = [r for _, imp in imports for r in imp.results]
    if not results:
        raise InputError("評価が一件も読めませんでした", path=", ".join(str(s) for s in sheets),
                         hint="データ行の事務事業ID・事務事業名が空でないか確かめてください")
    records = [r.record for r in results]
    kept = _kept_files(imports)

    # Everything is read and checked before anything is written.
    meta = _import_meta(root, records, settings, day=day, modified=modified)
    all_records = _merged_records(root, records)
    _check_kept_sheets(root, kept)

    # Build first: it refuses (StaleModifiedError) before writing anything, so a refused import
    # leaves sources/ untouched. The sources are written after, and a re-run converges.
    descriptor_name = next((n for n in DESCRIPTOR_NAMES if (root / n).is_file()), "datapackage.yaml")
    staged = {"sources": _sources_entries(root, all_records, sheets_kept=True), **meta}
    result = build_package(root, staged, evaluation_resources(all_records), evaluation_tables(all_records),
                           descriptor_name=descriptor_name, published=published)
    _write_sources(root, kept, records, meta)
    return ImportOutcome(tuple(results), result, tuple(f for _, imp in imports for f in imp.findings),
                         tuple(imp.layout for _, imp in imports))
