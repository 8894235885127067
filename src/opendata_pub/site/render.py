"""Render the static open-data catalog: every file of the site as ``{relative path: bytes}``.

The site, for a project without a CKAN portal, is plain files any web server (or a folder on a file
share) can serve:

    index.html                              the catalog (Japanese): every dataset, a filter by theme,
                                            keyword and publisher that works without a server, the
                                            datasets not packaged yet, counts per fiscal year, the lists
    assets/style.css, assets/filter.js      local only: no CDN, no web fonts
    <package>/index.html                    the dataset page: metadata, downloads with size and
                                            SHA-256, attribution text (出典記載), Table Schema, JSON-LD
    <package>/datapackage.json              the descriptor as JSON, publisher defaults filled in
    <package>/<path>                        each resource file, byte for byte as in the package
    <package>/excel/<resource>.csv          each CSV as UTF-8 with BOM, so Excel shows Japanese right
    opendata-list/<code>_opendata_list.csv  each publisher's 06 オープンデータ一覧 (UTF-8)
    opendata-list/excel/<code>_opendata_list.csv   the same with BOM, for Excel
    catalog.ttl, catalog.jsonld             DCAT-AP 3, when the RDF layer (``opendata_pub.rdf``) is there

The same packages, settings and inventory always give the same bytes: no clock, no file times, sorted
everything. Reading the packages' files is the only I/O; writing the files into a folder (with
plan/apply, unchanged files untouched) is the publishing engine's job (``write_site`` is a plain
helper for tests).
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import json
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ..atomicfile import write_bytes
from ..config import Settings
from ..errors import InputError, UsageError
from ..inventory.collect import dataset_url, entry_from_package
from ..inventory.model import Inventory, InventoryEntry, PublisherCounts, Status
from ..inventory.opendata_list import open_data_list_csv
from ..japan.encoding import detect_encoding
from ..metadata.licenses import find_license
from ..metadata.properties import package_properties
from ..metadata.publication import effective_value
from ..metadata.vocabularies import FREQUENCIES, THEMES
from ..packaging.excel import excel_csv_text, schema_field_types
from ..packaging.package import LocalPackage, is_remote, iter_resource_paths, resolve_data_path
from ..packaging.writer import PROFILE_V2
from ..standards.registry import known_id, standard_info
from .html import asset, attrs, esc, href, json_ld_script, page, paragraphs
from .jsonld import catalog_json_ld, dataset_json_ld

__all__ = ["RESERVED_NAMES", "render_site", "write_site"]

RESERVED_NAMES = frozenset({"assets", "opendata-list", "index.html", "catalog.ttl", "catalog.jsonld"})
_GENERATED_IN_PACKAGE = ("index.html", "datapackage.json")
_BOM = b"\xef\xbb\xbf"
_WEB_URL = re.compile(r"^https?://[^\s]+$", re.IGNORECASE)
_PROPS = {p.key: p for p in package_properties()}
_LANGUAGE_NAMES = {"ja": "日本語", "en": "英語", "zh": "中国語", "ko": "韓国語", "pt": "ポルトガル語",
                   "es": "スペイン語", "vi": "ベトナム語", "tl": "タガログ語", "ne": "ネパール語",
                   "fr": "フランス語", "de": "ドイツ語"}
_TYPE_NAMES = {"string": "文字列", "integer": "整数", "number": "数値", "boolean": "真偽値", "date": "日付",
               "time": "時刻", "datetime": "日時", "year": "年", "yearmonth": "年月", "duration": "期間",
               "geopoint": "地点", "geojson": "GeoJSON", "object": "オブジェクト", "array": "配列", "any": "任意"}

RdfSource = Callable[..., Any]


@dataclass(frozen=True, slots=True)
class _Site:
    settings: Settings
    names: Mapping[str, str]  # publisher code → name

    @property
    def title(self) -> str:
        return self.settings.catalog.title

    def publisher_name(self, code: str | None) -> str:
        return self.names.get(code or "", code or "") or "（提供者不明）"

    def footer(self) -> str:
        cat = self.settings.catalog
        lines = [f"<p>{esc(cat.title)}"]
        if cat.operator:
            lines[0] += f"（運営: {esc(self.publisher_name(cat.operator))}）"
        lines[0] += "</p>"
        if cat.homepage:
            lines.append(f"<p>{_link(cat.homepage)}</p>")
        lines.append("<p>データの利用条件と出典の記載方法は、各データセットのページにあります。"
                     "このサイトは opendata-pub が作成した静的なファイルだけでできています。</p>")
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# small formatting helpers


def _size(n: int | None) -> str:
    if n is None:
        return "—"
    if n < 1024:
        return f"{n:,} バイト"
    for unit, factor in (("KB", 1024), ("MB", 1024 ** 2), ("GB", 1024 ** 3)):
        if n < factor * 1024 or unit == "GB":
            return f"{n / factor:,.1f} {unit}（{n:,} バイト）"
    return f"{n:,} バイト"  # pragma: no cover - unreachable


def _link(url: str | None, text: str | None = None) -> str:
    """A link out, only for http(s) URLs: descriptor text never becomes a ``javascript:`` href."""
    label = esc(text if text is not None else url or "")
    if url and _WEB_URL.match(url):
        return f'<a href="{esc(url)}">{label}</a>'
    return label


def _encoding_label(encoding: str) -> str:
    key = encoding.strip().lower().replace("_", "-")
    if key in ("utf-8", "utf8"):
        return "UTF-8"
    if key in ("utf-8-sig",):
        return "UTF-8 BOM付き"
    if key in ("shift-jis", "sjis", "cp932", "windows-31j", "ms932"):
        return "Shift_JIS"
    return encoding


def _license_link(value: str) -> str:
    lic = find_license(value)
    if lic is None:
        return _link(value)
    return _link(lic.uri, lic.title)


def _attribution(entry: InventoryEntry, license_id: str, site: _Site) -> str | None:
    lic = find_license(license_id)
    if lic is None:
        return None
    template = lic.attribution
    url = entry.url or dataset_url(site.settings, entry.id)
    if not url:
        template = template.replace("（{url}）", "")
    return template.format(publisher=entry.publisher_name or site.publisher_name(entry.publisher),
                           title=entry.title, url=url or "")


def _tags(entry: InventoryEntry) -> str:
    items = [f'<li class="tag theme">{esc(THEMES.get(t, t))}</li>' for t in entry.themes]
    items += [f'<li class="tag">{esc(k)}</li>' for k in entry.keywords]
    if entry.status is Status.PLANNED:
        items.insert(0, '<li class="tag status-planned">公開予定</li>')
    return f'<ul class="tags" aria-label="分類とキーワード">{"".join(items)}</ul>' if items else ""


def _filter_attrs(entry: InventoryEntry) -> str:
    return attrs({"data-item": True, "data-themes": " ".join(entry.themes),
                  "data-keywords": json.dumps(list(entry.keywords), ensure_ascii=False),
                  "data-publisher": entry.publisher})


def _when(entry: InventoryEntry) -> str:
    if entry.issued:
        return entry.issued[:10]
    label = entry.fiscal_year_label
    if label is None:
        return "—"
    if entry.status is Status.PLANNED:
        return f"{label}（予定）"
    return label


def _scroller(label: str, *, group: str | None = None, extra: str | None = None) -> str:
    """The wrapper that lets a wide table scroll sideways on a phone.

    A scrolling region must be reachable by keyboard and named (WCAG 2.1.1): tabindex, role, label.
    """
    return "<div" + attrs({"class": "table-scroll" + (f" {extra}" if extra else ""), "role": "region",
                           "aria-label": label, "tabindex": "0", "data-group": group}) + ">"


def _clip(text: str | None, limit: int = 140) -> str:
    if not text:
        return ""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# ---------------------------------------------------------------------------------------------
# package files


@dataclass(frozen=True, slots=True)
class _File:
    """One file of a resource as the page lists it."""

    resource: str
    title: str
    description: str | None
    site_path: str | None  # path relative to the package folder (None for a remote file)
    url: str | None  # the remote URL
    size: int | None
    sha256: str | None
    format: str | None
    mediatype: str | None
    encoding: str | None
    excel_path: str | None  # relative to the package folder


def _relative(value: str) -> str:
    parts = [p for p in PurePosixPath(value.replace("\\", "/")).parts if p not in ("", ".")]
    return "/".join(parts)


def _is_csv(resource: Mapping[str, Any], path: str) -> bool:
    fmt = str(resource.get("format") or "").lower()
    media = str(resource.get("mediatype") or "").lower()
    return fmt == "csv" or media == "text/csv" or path.lower().endswith(".csv")


def _excel_copy(data: bytes, declared: str | None, resource: Mapping[str, Any] | None = None,
                schema: Mapping[str, Any] | None = None) -> bytes | None:
    """The CSV as UTF-8 with BOM, or None when its encoding cannot be decided.

    The same text, except that a cell Excel would run as a formula gets a leading ``'``
    (``packaging.excel``: by the column's Table Schema type, so ``-12`` in a number column stays).
    """
    decision = detect_encoding(data, declared=declared)
    if not decision.decodable or decision.encoding is None:
        return None
    text = data.decode(decision.encoding).removeprefix("\ufeff")
    text = excel_csv_text(text, types=schema_field_types(schema),
                          dialect=resource.get("dialect") if resource is not None else None)
    return _BOM + text.encode("utf-8")


def _safe_file_name(name: str, index: int) -> str:
    clean = "".join(c for c in name if c.isalnum() or c in "-_")
    return clean or f"resource-{index + 1}"


def _package_files(pkg: LocalPackage, entry: InventoryEntry) -> tuple[dict[str, bytes], list[_File]]:
    files: dict[str, bytes] = {}
    listed: list[_File] = []
    where = str(pkg.descriptor_path)
    for i, res in enumerate(pkg.resources()):
        name = str(res.get("name") or f"resource-{i + 1}")
        title = str(res.get("title") or name)
        paths = list(iter_resource_paths(res))
        for value in paths:
            resolved = resolve_data_path(pkg.root, value, allow_remote=True)
            if isinstance(resolved, str):
                listed.append(_File(name, title, res.get("description"), None, resolved, None, None,
                                    str(res.get("format") or "") or None, res.get("mediatype"), None, None))
                continue
            if not isinstance(resolved, Path):
                raise InputError(f"resources[{i}].path: {resolved.message}", path=where,
                                 hint="opendata-pub validate でパッケージを確かめてください")
            rel = _relative(str(value))
            if rel in _GENERATED_IN_PACKAGE or rel.startswith("excel/"):
                raise UsageError(f"{where}: resources[{i}].path {rel} はサイトが作るファイルと同じ名前です",
                                 hint="index.html、datapackage.json、excel/ 以外の場所に置いてください")
            try:
                data = resolved.read_bytes()
            except OSError as exc:
                raise InputError(f"resources[{i}] のファイルを読めません: {exc.strerror}", path=str(resolved)) from exc
            files[rel] = data
            excel = None
            if len(paths) == 1 and _is_csv(res, rel):
                copy = _excel_copy(data, res.get("encoding") if isinstance(res.get("encoding"), str) else None,
                                   res, _schema_of(pkg, res))
                if copy is not None:
                    excel = f"excel/{_safe_file_name(name, i)}.csv"
                    files[excel] = copy
            listed.append(_File(name, title, res.get("description"), rel, None, len(data),
                                hashlib.sha256(data).hexdigest(), str(res.get("format") or "") or None,
                                res.get("mediatype"), res.get("encoding"), excel))
    return files, listed


def _published_descriptor(pkg: LocalPackage, settings: Settings) -> bytes:
    """``datapackage.json``: the descriptor as written, with the publisher's defaults filled in.

    A reuser who downloads only the descriptor must still see the licence and whom to ask.
    """
    descriptor = dict(pkg.descriptor)
    descriptor.setdefault("$schema", PROFILE_V2)
    for key in ("licenses", "contactPoint"):
        value, origin = effective_value(_PROPS[key], descriptor, settings)
        if origin is not None and value not in (None, "", [], {}):
            descriptor[key] = value
    ordered = {"$schema": descriptor.pop("$schema"), **descriptor}
    return (json.dumps(ordered, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# ---------------------------------------------------------------------------------------------
# dataset page


def _constraints(field: Mapping[str, Any]) -> str:
    c = field.get("constraints") if isinstance(field.get("constraints"), Mapping) else {}
    assert isinstance(c, Mapping)
    out = []
    if c.get("required"):
        out.append("必須")
    if c.get("unique"):
        out.append("重複なし")
    if "enum" in c and isinstance(c["enum"], list):
        out.append("値: " + " / ".join(str(v) for v in c["enum"]))
    for key, label in (("minimum", "最小値"), ("maximum", "最大値"), ("minLength", "最小文字数"),
                       ("maxLength", "最大文字数")):
        if key in c:
            out.append(f"{label} {c[key]}")
    if "pattern" in c:
        out.append(f"パターン <code>{esc(c['pattern'])}</code>")
    return "<br>".join(x if x.startswith("パターン") else esc(x) for x in out) or "—"


def _schema_of(pkg: LocalPackage, res: Mapping[str, Any]) -> Mapping[str, Any] | None:
    schema = res.get("schema")
    if isinstance(schema, Mapping):
        return schema
    if isinstance(schema, str) and not is_remote(schema):
        resolved = resolve_data_path(pkg.root, schema)
        if isinstance(resolved, Path) and resolved.is_file():
            try:
                loaded = json.loads(resolved.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return None
            return loaded if isinstance(loaded, Mapping) else None
    return None


def _standard_line(schema: Mapping[str, Any]) -> str:
    sid = schema.get("standard")
    if not isinstance(sid, str) or known_id(sid) is None:
        return ""
    info = standard_info(sid)
    kind = f"自治体標準オープンデータセット {info.number}「{info.title}」" if info.number else f"「{info.title}」"
    note = "（暫定スキーマ）" if info.provisional else ""
    return f'<p>この表は{esc(kind)}のスキーマ <code>{esc(sid)}</code> {esc(info.version)}{esc(note)} に沿っています。</p>\n'


def _schema_section(pkg: LocalPackage) -> str:
    blocks = []
    for i, res in enumerate(pkg.resources()):
        schema = _schema_of(pkg, res)
        if schema is None or not isinstance(schema.get("fields"), list):
            continue
        name = str(res.get("name") or f"resource-{i + 1}")
        title = str(res.get("title") or name)
        rows = []
        for f in schema["fields"]:
            if not isinstance(f, Mapping):
                continue
            ftype = str(f.get("type") or "string")
            type_html = f"{esc(_TYPE_NAMES.get(ftype, ftype))} <code>{esc(ftype)}</code>"
            if f.get("format") and f.get("format") != "default":
                type_html += f'<br><span class="small">形式 {esc(f["format"])}</span>'
            rows.append(
                f'<tr><th scope="row"><code>{esc(f.get("name"))}</code></th><td>{esc(f.get("title") or "")}</td>'
                f"<td>{type_html}</td><td>{_constraints(f)}</td><td>{esc(f.get('description') or '')}</td></tr>"
            )
        keys = []
        pk = schema.get("primaryKey")
        if pk:
            keys.append("主キー: " + "、".join(esc(k) for k in (pk if isinstance(pk, list) else [pk])))
        for fk in schema.get("foreignKeys") or []:
            if isinstance(fk, Mapping) and isinstance(fk.get("reference"), Mapping):
                ref = fk["reference"]
                fields = fk.get("fields")
                keys.append(f"外部キー: {esc(', '.join(fields) if isinstance(fields, list) else fields)} → "
                            f"{esc(ref.get('resource') or name)} の "
                            f"{esc(', '.join(ref['fields']) if isinstance(ref.get('fields'), list) else ref.get('fields'))}")
        blocks.append(
            f'<h3 id="schema-{esc(_safe_file_name(name, i))}">{esc(title)}（<code>{esc(name)}</code>）</h3>\n'
            + _standard_line(schema)
            + _scroller(f"{title} の項目") + '<table class="schema">\n'
            f"<caption>{esc(title)} の項目（{len(rows)} 列）</caption>\n"
            '<thead><tr><th scope="col">列名</th><th scope="col">表示名</th><th scope="col">型</th>'
            '<th scope="col">制約</th><th scope="col">説明</th></tr></thead>\n'
            "<tbody>\n" + "\n".join(rows) + "\n</tbody></table></div>\n"
            + (f'<p class="note">{"。".join(keys)}。</p>\n' if keys else "")
        )
    if not blocks:
        return ""
    return ('<section aria-labelledby="schema-heading">\n<h2 id="schema-heading">項目の定義（テーブルスキーマ）</h2>\n'
            + "".join(blocks) + "</section>\n")


def _downloads_section(files: Sequence[_File]) -> str:
    rows = []
    for f in files:
        if f.site_path is None:
            link = _link(f.url, f.title)
            path_note = f'<span class="path">{esc(f.url)}（外部のファイル）</span>'
        else:
            link = f'<a href="{esc(href(f.site_path))}" download>{esc(f.title)}</a>'
            path_note = f'<span class="path">{esc(f.site_path)}</span>'
        desc = f'<span class="file-desc">{esc(f.description)}</span>' if f.description else ""
        fmt = (f.format or "").upper() or "—"
        if f.encoding:
            fmt += f"（{_encoding_label(f.encoding)}）"
        buttons = []
        if f.site_path is not None:
            buttons.append(f'<a class="button" href="{esc(href(f.site_path))}" download>ダウンロード</a>')
        if f.excel_path is not None:
            buttons.append(f'<a class="button" href="{esc(href(f.excel_path))}" download>Excel 用 CSV（BOM 付き UTF-8）</a>')
        rows.append(
            f'<tr><th scope="row">{link}{path_note}{desc}</th><td class="nowrap">{esc(fmt)}</td>'
            f'<td class="num">{esc(_size(f.size))}</td>'
            f'<td>{"<code class=hash>" + esc(f.sha256) + "</code>" if f.sha256 else "—"}</td>'
            f'<td class="downloads">{"".join(buttons) or "—"}</td></tr>'
        )
    excel = ""
    if any(f.excel_path for f in files):
        excel = ("<p>Excel でダブルクリックして開くときは「Excel 用 CSV」を使ってください。内容は同じで、"
                 "文字化けを防ぐ印（BOM）の付いた UTF-8 にしてあります（= + - @ で始まり、Excel が数式と"
                 "みなす値は、先頭に ' を付けて文字のまま表示されるようにしています）。</p>\n")
    return (
        '<section aria-labelledby="download-heading">\n<h2 id="download-heading">ダウンロード</h2>\n'
        + excel
        + _scroller("ファイル一覧") + '<table class="files">\n<caption>ファイル一覧</caption>\n'
        '<thead><tr><th scope="col">ファイル</th><th scope="col">形式</th><th scope="col">サイズ</th>'
        '<th scope="col">SHA-256</th><th scope="col">ダウンロード</th></tr></thead>\n'
        "<tbody>\n" + "\n".join(rows) + "\n</tbody></table></div>\n"
        '<p>データパッケージの記述子: <a href="datapackage.json">datapackage.json</a>'
        "（Frictionless Data Package v2。ファイルの一覧・項目の定義・メタデータを機械が読める形で記載）</p>\n"
        "</section>\n"
    )


def _license_section(entry: InventoryEntry, site: _Site) -> str:
    if not entry.licenses:
        return ('<section aria-labelledby="license-heading">\n<h2 id="license-heading">利用条件</h2>\n'
                "<p>ライセンスが記載されていません。利用の前に提供者に確認してください。</p>\n</section>\n")
    parts = []
    for lic in entry.licenses:
        text = _attribution(entry, lic, site)
        parts.append(f"<p>ライセンス: {_license_link(lic)}</p>\n")
        if text:
            parts.append("<p>このデータを利用するときは、次のように出典を記載してください。</p>\n"
                         f'<blockquote class="attribution"><p>{esc(text)}</p></blockquote>\n')
    return ('<section aria-labelledby="license-heading">\n<h2 id="license-heading">利用条件と出典の記載</h2>\n'
            + "".join(parts) + "</section>\n")


def _meta_rows(pkg: LocalPackage, entry: InventoryEntry, site: _Site) -> list[tuple[str, str]]:
    d = pkg.descriptor
    label = {k: p.label for k, p in _PROPS.items()}
    rows: list[tuple[str, str]] = [(label["name"], f"<code>{esc(entry.id)}</code>")]
    pub = site.settings.publisher(entry.publisher) if entry.publisher else None
    if entry.publisher:
        who = esc(entry.publisher_name or site.publisher_name(entry.publisher))
        if pub is not None and pub.url:
            who = _link(pub.url, entry.publisher_name or site.publisher_name(entry.publisher))
        rows.append((label["publisher"], f"{who}（団体コード {esc(entry.publisher)}）"))
    if entry.contact is not None:
        c = entry.contact
        bits = [esc(c.name)]
        if c.email:
            bits.append(f'<a href="mailto:{esc(c.email)}">{esc(c.email)}</a>')
        if c.telephone:
            bits.append(f"電話 {esc(c.telephone)}")
        if c.url:
            bits.append(_link(c.url, "問い合わせページ") if _WEB_URL.match(c.url) else esc(c.url))
        rows.append((label["contactPoint"], "、".join(bits)))
    if entry.licenses:
        rows.append((label["licenses"], "、".join(_license_link(x) for x in entry.licenses)))
    if entry.keywords:
        rows.append((label["keywords"], "、".join(esc(k) for k in entry.keywords)))
    if entry.themes:
        rows.append((label["themes"], "、".join(esc(THEMES.get(t, t)) for t in entry.themes)))
    if entry.spatial:
        rows.append((label["spatial"], "、".join(
            f"{esc(site.names.get(c, c))}" + (f"（{esc(c)}）" if c in site.names else "") for c in entry.spatial)))
    if entry.temporal is not None:
        start, end = entry.temporal
        rows.append((label["temporal"], f"{esc(start or '')} 〜 {esc(end or '')}"))
    if entry.accrual_periodicity:
        code = entry.accrual_periodicity.rsplit("/", 1)[-1].upper()
        rows.append((label["accrualPeriodicity"], esc(FREQUENCIES.get(code, entry.accrual_periodicity))))
    for key, value in (("issued", entry.issued), ("modified", entry.modified), ("version", entry.version)):
        if value:
            rows.append((label[key], esc(value)))
    if entry.language:
        rows.append((label["language"], "、".join(esc(_LANGUAGE_NAMES.get(x, x)) for x in entry.language)))
    homepage = d.get("homepage")
    if isinstance(homepage, str) and homepage:
        rows.append((label["homepage"], _link(homepage)))
    if entry.conforms_to:
        rows.append((label["conformsTo"], "<br>".join(
            _link(u) for u in entry.conforms_to)))
    sources = [s for s in d.get("sources") or [] if isinstance(s, Mapping) and s.get("title")]
    if sources:
        rows.append((label["sources"], "<br>".join(
            _link(s["path"] if isinstance(s.get("path"), str) else None, str(s["title"])) for s in sources)))
    if entry.provenance:
        rows.append((label["provenance"], esc(entry.provenance)))
    return rows


def _dataset_page(pkg: LocalPackage, entry: InventoryEntry, files: Sequence[_File], site: _Site) -> bytes:
    meta = "\n".join(f'<tr><th scope="row">{esc(k)}</th><td>{v}</td></tr>' for k, v in _meta_rows(pkg, entry, site))
    ld = dataset_json_ld(
        entry, site.settings, names=dict(site.names),
        files=[(f.title, f.site_path or f.url, f.size, f.mediatype or ("text/csv" if (f.format or "").lower() == "csv"
                                                                        else None), f.sha256) for f in files],
    )
    who = esc(entry.publisher_name or site.publisher_name(entry.publisher))
    updated = f"・最終更新日 {esc(entry.modified)}" if entry.modified else ""
    main = (
        f"<h1>{esc(entry.title)}</h1>\n"
        f'<p class="muted">提供者: {who}{updated}</p>\n'
        f'<div class="lead">{paragraphs(entry.description)}</div>\n'
        + _tags(entry) + "\n"
        + _downloads_section(files)
        + _license_section(entry, site)
        + '<section aria-labelledby="meta-heading">\n<h2 id="meta-heading">メタデータ</h2>\n'
        + _scroller("データセットの情報") + '<table class="meta">\n<caption>データセットの情報</caption>\n<tbody>\n'
        + meta + "\n</tbody></table></div>\n</section>\n"
        + _schema_section(pkg)
    )
    breadcrumb = ('<nav class="breadcrumb" aria-label="現在位置"><ol>'
                  '<li><a href="../index.html">データセット一覧</a></li>'
                  f'<li><span aria-current="page">{esc(entry.title)}</span></li></ol></nav>')
    head = ('<link rel="alternate" type="application/json" href="datapackage.json" title="datapackage.json">\n'
            + json_ld_script(ld))
    return page(root="../", page_title=f"{entry.title} | {site.title}",
                meta_description=_clip(entry.description or entry.title, 160), catalog_title=site.title,
                main=main, footer=site.footer(), breadcrumb=breadcrumb, head=head)


# ---------------------------------------------------------------------------------------------
# index page


def _options(name: str, label: str, values: Sequence[tuple[str, str]]) -> str:
    opts = '<option value="">すべて</option>' + "".join(
        f'<option value="{esc(v)}">{esc(text)}</option>' for v, text in values)
    return (f'<div class="field"><label for="filter-{name}">{esc(label)}</label>'
            f'<select id="filter-{name}" name="{name}">{opts}</select></div>')


def _filter_form(entries: Sequence[InventoryEntry], site: _Site) -> str:
    themes = sorted({t for e in entries for t in e.themes})
    keywords = sorted({k for e in entries for k in e.keywords})
    publishers = sorted({e.publisher for e in entries if e.publisher})
    return (
        '<form id="filter" class="filter" role="search" aria-label="データセットの絞り込み" hidden>\n'
        '<div class="field"><label for="filter-text">語句で探す</label>'
        '<input id="filter-text" name="q" type="search" autocomplete="off"></div>\n'
        + _options("theme", "分類", [(t, THEMES.get(t, t)) for t in themes]) + "\n"
        + _options("keyword", "キーワード", [(k, k) for k in keywords]) + "\n"
        + _options("publisher", "提供者", [(p, site.publisher_name(p)) for p in publishers]) + "\n"
        '<div class="field field-button"><button type="reset">条件をクリア</button></div>\n'
        "</form>\n"
    )


def _dataset_card(entry: InventoryEntry, site: _Site) -> str:
    formats = "・".join(entry.all_formats())
    bits = [f"提供者: {esc(entry.publisher_name or site.publisher_name(entry.publisher))}"]
    if entry.modified:
        bits.append(f"最終更新日: {esc(entry.modified[:10])}")
    if formats:
        bits.append(f"形式: {esc(formats)}")
    return (
        f'<li class="dataset"{_filter_attrs(entry)}>\n'
        f'<h3><a href="{esc(href(entry.id))}/index.html">{esc(entry.title)}</a></h3>\n'
        f'<p class="meta">{" ／ ".join(bits)}</p>\n'
        + (f'<p class="desc">{esc(_clip(entry.description))}</p>\n' if entry.description else "")
        + _tags(entry) + "\n</li>"
    )


def _others_section(others: Sequence[InventoryEntry], site: _Site) -> str:
    if not others:
        return ""
    rows = []
    for e in others:
        title = _link(e.url, e.title)
        source = esc(e.source or "")
        note = f'<br><span class="muted">{esc(e.note)}</span>' if e.note else ""
        rows.append(
            f"<tr{_filter_attrs(e)}><th scope=\"row\">{title}</th>"
            f'<td class="nowrap">{esc(e.publisher_name or site.publisher_name(e.publisher))}</td>'
            f'<td class="nowrap">{esc(e.status.label)}</td><td class="nowrap">{esc(_when(e))}</td>'
            f"<td class=\"category\">{esc(e.category or '—')}</td><td class=\"small\">{source}{note}</td></tr>"
        )
    return (
        '<section aria-labelledby="others-heading">\n<h2 id="others-heading">ファイルを掲載していないデータセット</h2>\n'
        "<p>公開済み（このサイトの外）または公開予定で、このサイトにはまだファイルがないデータセットです。"
        "公開時期は情報源に書かれている精度で示しています（「令和3年度まで」は、遅くともその年度までに公開したことだけがわかっているもの）。</p>\n"
        + _scroller("一覧のみのデータセット", group="others") + '<table>\n<caption>一覧のみのデータセット</caption>\n'
        '<thead><tr><th scope="col">データセット</th><th scope="col">提供者</th><th scope="col">状態</th>'
        '<th scope="col">公開時期</th><th scope="col">分類</th><th scope="col">情報源・備考</th></tr></thead>\n'
        "<tbody>\n" + "\n".join(rows) + "\n</tbody></table></div>\n"
        '<p id="others-empty" class="note" hidden>条件に合うデータセットはありません。</p>\n'
        "</section>\n"
    )


def _counts_table(counts: PublisherCounts, site: _Site) -> str:
    name = counts.publisher_name or site.publisher_name(counts.publisher)
    has_reported = any(y.reported_new is not None or y.reported_cumulative is not None for y in counts.years)
    has_bounded = any(y.new_bounded for y in counts.years)
    rows = []
    for y in counts.years:
        cells = [f'<th scope="row">{esc(y.label)}</th>', f'<td class="num">{y.new}</td>']
        if has_bounded:
            cells.append(f'<td class="num">{y.new_bounded or "—"}</td>')
        cells.append(f'<td class="num">{y.cumulative}</td>')
        if has_reported:
            cells.append(f'<td class="num">{"—" if y.reported_new is None else y.reported_new}</td>')
            cells.append(f'<td class="num">{"—" if y.reported_cumulative is None else y.reported_cumulative}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    heads = '<th scope="col">年度</th><th scope="col" class="num">新規</th>'
    if has_bounded:
        heads += '<th scope="col" class="num">うち年度不確定</th>'
    heads += '<th scope="col" class="num">累計</th>'
    if has_reported:
        heads += ('<th scope="col" class="num">団体の報告値（新規）</th>'
                  '<th scope="col" class="num">団体の報告値（累計）</th>')
    notes = []
    if counts.undated:
        notes.append(f"公開年度のわからない公開済みデータセットが {counts.undated} 件あり、上の数には入っていません。")
    if counts.planned:
        notes.append(f"公開予定 {counts.planned} 件。")
    return (
        _scroller(f"{name} 年度別の公開数", extra="counts-item")
        + f'<table class="counts">\n<caption>{esc(name)}</caption>\n'
        f"<thead><tr>{heads}</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody></table>\n"
        + "".join(f'<p class="note">{esc(n)}</p>\n' for n in notes) + "</div>\n"
    )


def _counts_section(inventory: Inventory, site: _Site) -> str:
    counts = [c for c in inventory.counts() if c.years or c.undated or c.planned]
    if not counts:
        return ""
    reported = [r for r in inventory.reported]
    src = "".join(f'<li>{esc(site.publisher_name(r.publisher))}「{esc(r.indicator)}」: {esc(r.source or "出典不明")}'
                  + (f"（{esc(r.note)}）" if r.note else "") + "</li>\n" for r in reported)
    return (
        '<section aria-labelledby="counts-heading">\n<h2 id="counts-heading">年度別の公開数</h2>\n'
        "<p>このサイトの一覧に載っているデータセットを、公開した年度（4月〜翌3月）ごとに数えたものです。"
        "「団体の報告値」は、団体が評価シートなどに書いた数で、一覧にまだ載っていないデータセットも含みます。</p>\n"
        "<p class=\"note\">「うち年度不確定」は、遅くともその年度までに公開したことだけがわかっている件数です。"
        "それより前の年度に公開された可能性があるため、前の年度の累計は実際より少ないことがあります（下限）。</p>\n"
        + '<div class="counts-grid">\n' + "".join(_counts_table(c, site) for c in counts) + "</div>\n"
        + (f'<h3 id="reported-heading">報告値の出典</h3>\n<ul>\n{src}</ul>\n' if src else "")
        + "</section>\n"
    )


def _lists_section(codes: Sequence[str], site: _Site, rdf: bool) -> str:
    items = []
    for code in codes:
        name = esc(site.publisher_name(code))
        items.append(
            f'<li>{name} オープンデータ一覧: <a href="opendata-list/{esc(code)}_opendata_list.csv">CSV（UTF-8）</a>'
            f'・<a href="opendata-list/excel/{esc(code)}_opendata_list.csv">Excel 用 CSV（BOM 付き UTF-8）</a></li>'
        )
    if rdf:
        items.append('<li>カタログ全体のメタデータ（DCAT-AP 3）: <a href="catalog.ttl">Turtle</a>'
                     '・<a href="catalog.jsonld">JSON-LD</a></li>')
    if not items:
        return ""
    return (
        '<section aria-labelledby="lists-heading">\n<h2 id="lists-heading">一覧とメタデータのダウンロード</h2>\n'
        "<p>オープンデータ一覧は、自治体標準オープンデータセット「オープンデータ一覧」の項目（1行が1ファイル）で作っています。</p>\n"
        "<ul>\n" + "\n".join(items) + "\n</ul>\n</section>\n"
    )


def _index_page(entries: Sequence[InventoryEntry], inventory: Inventory, codes: Sequence[str], site: _Site,
                rdf: bool) -> bytes:
    cat = site.settings.catalog
    packaged = [e for e in entries if e.packaged]
    others = [e for e in entries if not e.packaged]
    total = len(packaged) + len(others)
    cards = "\n".join(_dataset_card(e, site) for e in packaged)
    intro = paragraphs(cat.description) or (
        "<p>データを自由に使えるオープンデータとして公開しています。各データセットのページから CSV などのファイルを"
        "ダウンロードできます。利用するときは、各ページにある出典の記載をお願いします。</p>\n")
    main = (
        f"<h1>{esc(cat.title)}</h1>\n<div class=\"lead\">{intro}</div>\n"
        '<section aria-labelledby="datasets-heading">\n<h2 id="datasets-heading">データセット</h2>\n'
        + _filter_form(entries, site)
        + f'<p id="filter-status" class="filter-status" role="status">全 {total} 件を表示しています。</p>\n'
        + (f'<ul class="datasets" data-group="datasets">\n{cards}\n</ul>\n' if packaged else
           "<p>掲載しているデータパッケージはまだありません。</p>\n")
        + '<p id="datasets-empty" class="note" hidden>条件に合うデータセットはありません。</p>\n'
        "</section>\n"
        + _others_section(others, site)
        + _counts_section(inventory, site)
        + _lists_section(codes, site, rdf)
    )
    head = json_ld_script(catalog_json_ld(packaged, site.settings))
    return page(root="", page_title=cat.title, meta_description=_clip(cat.description or cat.title, 160),
                catalog_title=cat.title, main=main, footer=site.footer(), head=head,
                scripts='<script src="assets/filter.js"></script>')


# ---------------------------------------------------------------------------------------------
# RDF slot


def _find_rdf_source() -> RdfSource | None:
    """``opendata_pub.rdf.catalog_graph`` when the RDF layer is installed, else None."""
    try:
        module = importlib.import_module("opendata_pub.rdf")
    except ModuleNotFoundError as exc:
        if exc.name in ("opendata_pub.rdf",):
            return None
        raise
    source = getattr(module, "catalog_graph", None)
    return source if callable(source) else None


def _rdf_files(rdf: Any, packages: Sequence[LocalPackage], settings: Settings, inventory: Inventory) -> dict[str, bytes]:
    """``catalog.ttl`` and ``catalog.jsonld`` from a graph, or from ``catalog_graph(packages, settings[, inventory=])``."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.compare import to_canonical_graph

    graph = rdf
    if not isinstance(rdf, Graph):
        source = rdf if rdf is not None else _find_rdf_source()
        if source is None:
            return {}
        params = inspect.signature(source).parameters
        kwargs = {"inventory": inventory} if "inventory" in params else {}
        graph = source(list(packages), settings, **kwargs)
    if not isinstance(graph, Graph):
        raise TypeError(f"catalog_graph must return an rdflib.Graph, not {type(graph).__name__}")
    # Blank nodes get labels from their content, and triples go in sorted, so the bytes never depend
    # on the order of a set or on random blank-node ids.
    triples = sorted(to_canonical_graph(graph))
    iris = {str(term) for triple in triples for term in triple if isinstance(term, URIRef)}
    iris |= {str(t.datatype) for triple in triples for t in triple if isinstance(t, Literal) and t.datatype}
    # only the prefixes the data uses (rdflib binds dozens by default)
    used = {prefix: str(ns) for prefix, ns in sorted(graph.namespaces())
            if prefix and any(iri.startswith(str(ns)) for iri in iris)}
    canonical = Graph(bind_namespaces="none")
    for prefix, ns in used.items():
        canonical.bind(prefix, ns, override=True)
    for triple in triples:
        canonical.add(triple)
    turtle = canonical.serialize(format="turtle")
    context = dict(used)
    compact = json.loads(canonical.serialize(format="json-ld", context=context, auto_compact=True))
    jsonld = json.dumps(_stable_json_ld(compact), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return {"catalog.ttl": turtle.encode("utf-8"), "catalog.jsonld": jsonld.encode("utf-8")}


def _stable_json_ld(value: Any, *, ordered: bool = False) -> Any:
    """JSON-LD with every unordered array sorted: rdflib writes nodes and values in store order.

    Arrays are sets in JSON-LD except ``@list`` (and the ``@context``), which keep their order.
    """
    if isinstance(value, dict):
        return {k: _stable_json_ld(v, ordered=k in ("@list", "@context")) for k, v in value.items()}
    if isinstance(value, list):
        items = [_stable_json_ld(v) for v in value]
        return items if ordered else sorted(items, key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
    return value


# ---------------------------------------------------------------------------------------------


def _add(files: dict[str, bytes], path: str, data: bytes) -> None:
    if path in files and files[path] != data:
        raise UsageError(f"サイトの同じファイル {path} が二通りに作られます", hint="パッケージ名とファイルの置き場所を確認してください")
    files[path] = data


def render_site(packages: Sequence[LocalPackage], settings: Settings, inventory: Inventory | None = None, *,
                rdf: Any = None) -> dict[str, bytes]:
    """Every file of the static catalog as ``{relative posix path: bytes}``, sorted by path.

    ``inventory`` adds the datasets without a package and the reported counts (its packaged entries
    are rebuilt from ``packages``, so the two cannot disagree). ``rdf`` is an ``rdflib.Graph``, or a
    callable ``(packages, settings, *, inventory=None) -> Graph``; by default
    ``opendata_pub.rdf.catalog_graph`` when that module exists; without one, ``catalog.ttl`` and
    ``catalog.jsonld`` are left out. Raises ``UsageError`` for a package name the site reserves or
    used twice, ``InputError`` for a resource file that cannot be read, or a text no UTF-8 file can
    hold (a lone surrogate, which a JSON or YAML escape can write; ``validate`` reports it first).
    """
    try:
        return _render_site(packages, settings, inventory, rdf=rdf)
    except UnicodeEncodeError as exc:
        text = exc.object if isinstance(exc.object, str) else ""
        context = text[max(0, exc.start - 30): exc.end + 30]
        raise InputError(f"UTF-8 で書けない文字 (対になっていないサロゲート) があります: {context!r}",
                         hint="opendata-pub validate で場所を確かめて直してください") from exc


def _render_site(packages: Sequence[LocalPackage], settings: Settings, inventory: Inventory | None = None, *,
                 rdf: Any = None) -> dict[str, bytes]:
    pkgs = sorted(packages, key=lambda p: p.name)
    seen: set[str] = set()
    for p in pkgs:
        if p.name in RESERVED_NAMES:
            raise UsageError(f"{p.descriptor_path}: パッケージ名 {p.name} はサイトが使う名前です",
                             hint="別の名前にしてください: " + ", ".join(sorted(RESERVED_NAMES)))
        if p.name in seen:
            raise UsageError(f"{p.descriptor_path}: パッケージ名 {p.name} が二つあります")
        seen.add(p.name)
    packaged = [entry_from_package(p, settings) for p in pkgs]
    others = [e for e in (inventory.unpackaged() if inventory else ()) if e.id not in seen]
    names = {pub.code: pub.name for pub in settings.publishers}
    for e in (*packaged, *others):
        if e.publisher and e.publisher_name:
            names.setdefault(e.publisher, e.publisher_name)
    full = Inventory(tuple(packaged) + tuple(others), inventory.reported if inventory else (), names)
    site = _Site(settings, names)

    files: dict[str, bytes] = {}
    _add(files, "assets/style.css", asset("style.css"))
    _add(files, "assets/filter.js", asset("filter.js"))
    for pkg, entry in zip(pkgs, packaged):
        pkg_files, listed = _package_files(pkg, entry)
        for rel, data in pkg_files.items():
            _add(files, f"{pkg.name}/{rel}", data)
        _add(files, f"{pkg.name}/datapackage.json", _published_descriptor(pkg, settings))
        _add(files, f"{pkg.name}/index.html", _dataset_page(pkg, entry, listed, site))
    codes = [c for c in full.publishers() if c and any(e.publisher == c for e in full.entries)]
    for code in codes:
        _add(files, f"opendata-list/{code}_opendata_list.csv", open_data_list_csv(full, code))
        _add(files, f"opendata-list/excel/{code}_opendata_list.csv", open_data_list_csv(full, code, bom=True))
    rdf_files = _rdf_files(rdf, pkgs, settings, full)
    for path, data in rdf_files.items():
        _add(files, path, data)
    _add(files, "index.html", _index_page(full.entries, full, codes, site, bool(rdf_files)))
    return dict(sorted(files.items()))


def write_site(files: Mapping[str, bytes], folder: str | os.PathLike[str]) -> list[Path]:
    """Write a rendered site into ``folder`` (each file atomically); return the paths written.

    A plain helper for tests and previews: it rewrites every file and removes nothing. Publishing
    with plan/apply (unchanged files untouched, ``--prune``) is the publishing engine's job.
    """
    root = Path(folder)
    written = []
    for rel, data in sorted(files.items()):
        parts = PurePosixPath(rel).parts
        if not parts or PurePosixPath(rel).is_absolute() or ".." in parts:
            raise UsageError(f"サイトのファイルの場所が不正です: {rel!r}")
        target = root.joinpath(*parts)
        write_bytes(target, data)
        written.append(target)
    return written
