"""``inventory.yaml``: the datasets a publisher has published or plans to, that have no package yet.

The file lives in the packages folder (``datapackages/inventory.yaml``). It is read strictly, like
``opendata.yaml``: an unknown key, a bad value, a duplicate id or key is an ``InventoryError`` naming
the file, the line and the key path (exit code 2). The format::

    datasets:
      - id: kiyose-election-turnout        # a-z0-9-_ ; unique among the entries and the packages
        title: 選挙の投票率
        publisher: "132217"               # a code of opendata.yaml's publishers
        status: published                 # published | planned
        fiscal_year: 令和2年度             # one of: issued (a day), fiscal_year, published_by
        license: PDL-1.0                  # optional; id or URL of a known licence
        category: 行財政                   # データセット_分類 of the 06 list (free text)
        themes: [GOVE]                    # EU data-theme codes
        keywords: [選挙, 投票率]
        format: CSV                       # or formats: [CSV, PDF]
        url: https://…                    # the dataset's page
        source: 清瀬市 施策評価シート 令和2年度 (5. 評価)
        note: …
    reported:                             # counts the publisher printed (optional)
      - publisher: "131083"
        indicator: オープンデータのデータセット数
        kind: cumulative                  # cumulative | new
        values: {令和元年度: 4, 令和2年度: 7}
        source: …

``published_by: 令和3年度`` says "published in that fiscal year at the latest": use it when a source
only shows that a dataset was out by then. Reads one text it is given; ``load_inventory_file`` reads
the file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import ConfigError
from ..inputfile import UnreadableInput, read_input_bytes
from ..japan.lgcode import LG_CODE_QUOTE_HINT, lg_code_problem, lg_code_type_problem
from ..japan.wareki import parse_fiscal_year
from ..metadata.licenses import find_license
from ..metadata.vocabularies import THEMES
from ..yamlio import MAX_YAML_BYTES, YamlSyntaxError, key_lines, line_of, parse_yaml
from .model import DatePrecision, InventoryEntry, ReportedCount, Status, fiscal_year_of

__all__ = ["INVENTORY_NAME", "InventoryError", "InventoryFile", "load_inventory_file", "parse_inventory"]

INVENTORY_NAME = "inventory.yaml"

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")  # the package-name rule: ids share a namespace with packages
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_FORMAT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9+.-]{0,19}$")

_TOP_KEYS = {"datasets", "reported"}
_DATASET_KEYS = {
    "id", "title", "description", "publisher", "status", "issued", "modified", "fiscal_year", "published_by",
    "license", "category", "themes", "keywords", "format", "formats", "url", "source", "note",
}
_REPORTED_KEYS = {"publisher", "indicator", "kind", "values", "source", "note"}


class InventoryError(ConfigError):
    """``inventory.yaml`` cannot be used: the message names the file, the line and the key path."""

    def __init__(self, message: str, *, path: str, key: str | None = None, line: int | None = None,
                 hint: str | None = None) -> None:
        place = ", ".join(p for p in (f"line {line}" if line else None, key) if p)
        super().__init__(message, path=path, key=place or None, hint=hint)
        self.line = line
        self.key_path = key


@dataclass(frozen=True, slots=True)
class InventoryFile:
    """What ``inventory.yaml`` holds: entries not packaged, and reported counts."""

    path: str
    entries: tuple[InventoryEntry, ...]
    reported: tuple[ReportedCount, ...]


class _Reader:
    def __init__(self, path: str, lines: Mapping[str, int], settings: Settings | None) -> None:
        self.path = path
        self.lines = lines
        self.settings = settings

    def fail(self, key: str, message: str, hint: str | None = None) -> InventoryError:
        # a key that is not written: the line of the mapping lacking it
        return InventoryError(message, path=self.path, key=key or None, line=line_of(self.lines, key), hint=hint)

    def mapping(self, value: Any, key: str, allowed: set[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, f"マッピング (key: value) が必要です ({type(value).__name__} が書かれています)")
        for k in value:
            if not isinstance(k, str) or k not in allowed:
                where = f"{key}.{k}" if key else str(k)
                raise self.fail(where, "不明なキーです", hint="使えるキー: " + ", ".join(sorted(allowed)))
        return value

    def text(self, value: Any, key: str, *, required: bool = False) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise self.fail(key, "値が必要です")
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.fail(key, f"文字列が必要です ({type(value).__name__} が書かれています)")
        return str(value).strip()

    def texts(self, value: Any, key: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail(key, "リスト ([a, b]) で書いてください")
        out: list[str] = []
        for i, v in enumerate(value):
            text = self.text(v, f"{key}[{i}]", required=True)
            assert text is not None
            if text in out:
                raise self.fail(f"{key}[{i}]", f"重複しています: {text!r}")
            out.append(text)
        return tuple(out)

    def code(self, value: Any, key: str) -> str:
        if value is not None and (problem := lg_code_type_problem(value)) is not None:
            raise self.fail(key, problem, hint=LG_CODE_QUOTE_HINT)
        text = self.text(value, key, required=True)
        assert text is not None
        problem = lg_code_problem(text)
        if problem:
            raise self.fail(key, problem)
        if self.settings is not None and self.settings.publisher(text) is None:
            raise self.fail(key, f"団体コード {text} が opendata.yaml の publishers にありません",
                            hint="opendata.yaml の publishers に code と name を登録してください")
        return text

    def day(self, value: Any, key: str) -> date | None:
        if value is None:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise self.fail(key, f"日付は YYYY-MM-DD で書いてください: {value!r}")

    def fiscal_year(self, value: Any, key: str) -> int | None:
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            if 1868 <= value <= 2200:
                return value
        elif isinstance(value, str):
            year = parse_fiscal_year(value)
            if year is not None:
                return year
        raise self.fail(key, f"年度として読めません: {value!r}",
                        hint="令和2年度、R2 または西暦の年度 (2020) で書いてください")


def _required(r: _Reader, d: Mapping[str, Any], k: str, keys: tuple[str, ...],
              empty: tuple[Any, ...] = (None, "")) -> None:
    for key in keys:
        if d.get(key) in empty:
            raise r.fail(f"{k}.{key}" if key in d else k, f"必須のキー {key} がありません")


def _entry_id(r: _Reader, value: Any, key: str) -> str:
    entry_id = r.text(value, key, required=True)
    assert entry_id is not None
    if not _ID.match(entry_id):
        raise r.fail(key, f"id は英小文字・数字・- _ で書いてください (URL に使うため): {entry_id!r}")
    return entry_id


def _status(r: _Reader, value: Any, key: str) -> Status:
    text = r.text(value, key, required=True)
    try:
        return Status(text)
    except ValueError:
        raise r.fail(key, f"published か planned を書いてください: {text!r}") from None


@dataclass(frozen=True, slots=True)
class _When:
    """An entry's dates: one of issued, fiscal_year, published_by gives the fiscal year and precision."""

    issued: date | None
    modified: date | None
    fiscal_year: int | None
    precision: DatePrecision


def _when(r: _Reader, d: Mapping[str, Any], k: str, status: Status) -> _When:
    issued = r.day(d.get("issued"), f"{k}.issued")
    modified = r.day(d.get("modified"), f"{k}.modified")
    fiscal_year = r.fiscal_year(d.get("fiscal_year"), f"{k}.fiscal_year")
    published_by = r.fiscal_year(d.get("published_by"), f"{k}.published_by")
    given = [name for name, v in (("issued", issued), ("fiscal_year", fiscal_year), ("published_by", published_by))
             if v is not None]
    if len(given) > 1:
        raise r.fail(f"{k}.{given[1]}", f"{' と '.join(given)} は一つだけ書いてください (わかる精度のものを一つ)")
    if status is Status.PLANNED and (issued is not None or published_by is not None):
        raise r.fail(f"{k}.{given[0]}", "公開予定 (planned) のデータセットには fiscal_year (予定年度) だけを書けます")
    if issued is not None and modified is not None and modified < issued:
        raise r.fail(f"{k}.modified", f"最終更新日 {modified} が公開日 {issued} より前です")
    if issued is not None:
        return _When(issued, modified, fiscal_year_of(issued), DatePrecision.DAY)
    if fiscal_year is not None:
        return _When(None, modified, fiscal_year, DatePrecision.FISCAL_YEAR)
    if published_by is not None:
        return _When(None, modified, published_by, DatePrecision.BY_FISCAL_YEAR)
    return _When(None, modified, None, DatePrecision.UNKNOWN)


def _licenses(r: _Reader, value: Any, key: str) -> tuple[str, ...]:
    text = r.text(value, key)
    if text is None:
        return ()
    lic = find_license(text)
    if lic is None:
        raise r.fail(key, f"知らないライセンスです: {text!r}",
                     hint="PDL-1.0, CC-BY-4.0, CC0-1.0 などの ID か、その URL を書いてください")
    return (lic.id,)


def _themes(r: _Reader, value: Any, key: str) -> tuple[str, ...]:
    themes = r.texts(value, key)
    for j, theme in enumerate(themes):
        if theme not in THEMES:
            raise r.fail(f"{key}[{j}]", f"EU data-theme のコードではありません: {theme!r}",
                         hint="使えるもの: " + ", ".join(THEMES))
    return themes


def _url(r: _Reader, value: Any, key: str) -> str | None:
    url = r.text(value, key)
    if url is not None and not _URL.match(url):
        raise r.fail(key, f"http(s) の URL が必要です: {url!r}")
    return url


def _formats(r: _Reader, d: Mapping[str, Any], k: str) -> tuple[str, ...]:
    """``format: CSV`` or ``formats: [CSV, PDF]`` (not both), upper-cased."""
    if "format" in d and "formats" in d:
        raise r.fail(f"{k}.formats", "format と formats は一つだけ書いてください")
    if "formats" in d:
        formats = r.texts(d["formats"], f"{k}.formats")
        keys = [f"{k}.formats[{j}]" for j in range(len(formats))]
    else:
        formats = tuple(x for x in (r.text(d.get("format"), f"{k}.format"),) if x)
        keys = [f"{k}.format"] * len(formats)
    for fmt, key in zip(formats, keys):
        if not _FORMAT.match(fmt):
            raise r.fail(key, f"ファイル形式は CSV, PDF, XLSX のように書いてください: {fmt!r}")
    return tuple(f.upper() for f in formats)


# The optional free-text fields of an entry, read as they are.
_FREE_TEXTS = ("description", "category", "source", "note")


def _entry(r: _Reader, raw: Any, i: int) -> InventoryEntry:
    k = f"datasets[{i}]"
    d = r.mapping(raw, k, _DATASET_KEYS)
    _required(r, d, k, ("id", "title", "publisher", "status"))
    entry_id = _entry_id(r, d["id"], f"{k}.id")
    status = _status(r, d["status"], f"{k}.status")
    publisher = r.code(d["publisher"], f"{k}.publisher")
    when = _when(r, d, k, status)
    licenses = _licenses(r, d.get("license"), f"{k}.license")
    themes = _themes(r, d.get("themes"), f"{k}.themes")
    url = _url(r, d.get("url"), f"{k}.url")
    formats = _formats(r, d, k)
    pub = r.settings.publisher(publisher) if r.settings is not None else None
    title = r.text(d["title"], f"{k}.title", required=True) or ""
    texts = {name: r.text(d.get(name), f"{k}.{name}") for name in _FREE_TEXTS}
    return InventoryEntry(
        id=entry_id,
        title=title,
        publisher=publisher,
        publisher_name=pub.name if pub else None,
        status=status,
        packaged=False,
        origin=f"{r.path}:line {r.lines.get(k, 0)}",
        description=texts["description"],
        issued=when.issued.isoformat() if when.issued else None,
        modified=when.modified.isoformat() if when.modified else None,
        fiscal_year=when.fiscal_year,
        date_precision=when.precision,
        licenses=licenses,
        keywords=r.texts(d.get("keywords"), f"{k}.keywords"),
        themes=themes,
        category=texts["category"],
        spatial=(publisher,),
        url=url,
        source=texts["source"],
        note=texts["note"],
        formats=formats,
    )


def _reported(r: _Reader, raw: Any, i: int) -> ReportedCount:
    k = f"reported[{i}]"
    d = r.mapping(raw, k, _REPORTED_KEYS)
    _required(r, d, k, ("publisher", "indicator", "kind", "values"), empty=(None, "", {}))
    kind = r.text(d["kind"], f"{k}.kind", required=True)
    if kind not in ("cumulative", "new"):
        raise r.fail(f"{k}.kind", f"cumulative (累計) か new (新規) を書いてください: {kind!r}")
    raw_values = d["values"]
    if not isinstance(raw_values, dict):
        raise r.fail(f"{k}.values", "{令和2年度: 7, 令和3年度: 8} のように年度と件数で書いてください")
    values: dict[int, int] = {}
    for label, count in raw_values.items():
        vk = f"{k}.values.{label}"
        year = r.fiscal_year(label, vk)
        assert year is not None
        if year in values:
            raise r.fail(vk, f"同じ年度が二度書かれています: {label!r}")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise r.fail(vk, f"件数は 0 以上の整数で書いてください: {count!r}")
        values[year] = count
    return ReportedCount(
        publisher=r.code(d["publisher"], f"{k}.publisher"),
        indicator=r.text(d["indicator"], f"{k}.indicator", required=True) or "",
        kind=kind,
        values=dict(sorted(values.items())),
        source=r.text(d.get("source"), f"{k}.source"),
        note=r.text(d.get("note"), f"{k}.note"),
        origin=f"{r.path}:line {r.lines.get(k, 0)}",
    )


def parse_inventory(text: str, *, path: str = INVENTORY_NAME, settings: Settings | None = None,
                    reserved_ids: frozenset[str] | set[str] = frozenset()) -> InventoryFile:
    """Check ``inventory.yaml``'s text. With ``settings``, publishers must be configured there.

    ``reserved_ids`` are names already taken (the packages'): an entry may not reuse one.
    """
    try:
        data = parse_yaml(text)  # an impossible date (2021-02-30) is a YamlSyntaxError with its line
        lines = key_lines(text)
    except YamlSyntaxError as exc:
        raise InventoryError(f"YAML として読めません: {exc.problem}", path=path, line=exc.line) from exc
    r = _Reader(path, lines, settings)
    if data is None:
        return InventoryFile(path, (), ())
    top = r.mapping(data, "", _TOP_KEYS)
    raw_entries = top.get("datasets") or []
    if not isinstance(raw_entries, list):
        raise r.fail("datasets", "データセットのリストが必要です")
    entries: list[InventoryEntry] = []
    for i, raw in enumerate(raw_entries):
        entry = _entry(r, raw, i)
        if any(e.id == entry.id for e in entries):
            raise r.fail(f"datasets[{i}].id", f"id {entry.id} が重複しています")
        if entry.id in reserved_ids:
            raise r.fail(f"datasets[{i}].id", f"id {entry.id} はデータパッケージの名前と同じです",
                         hint="パッケージになったデータセットは inventory.yaml から消してください")
        entries.append(entry)
    raw_reported = top.get("reported") or []
    if not isinstance(raw_reported, list):
        raise r.fail("reported", "リストが必要です")
    reported = tuple(_reported(r, raw, i) for i, raw in enumerate(raw_reported))
    return InventoryFile(path, tuple(entries), reported)


def load_inventory_file(path: str | Path, *, settings: Settings | None = None,
                        reserved_ids: frozenset[str] | set[str] = frozenset()) -> InventoryFile:
    """Read and check ``inventory.yaml``."""
    p = Path(path)
    try:
        raw = read_input_bytes(p, max_bytes=MAX_YAML_BYTES)
    except UnreadableInput as exc:
        raise InventoryError(f"読めません: {exc.problem}", path=str(p)) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InventoryError(f"UTF-8 ではありません (byte {exc.start})", path=str(p),
                             hint="inventory.yaml は UTF-8 で保存してください") from exc
    return parse_inventory(text, path=str(p), settings=settings, reserved_ids=reserved_ids)
