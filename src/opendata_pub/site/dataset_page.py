"""The dataset page, ``<package>/index.html``: what a reuser needs to take the data and cite it.

Downloads with size and SHA-256, the licence and the attribution text (出典記載), the metadata, the
Table Schema of each resource, and schema.org JSON-LD for search engines.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..inventory.model import InventoryEntry
from ..metadata.properties import package_properties
from ..metadata.vocabularies import FREQUENCIES, THEMES
from ..packaging.package import LocalPackage
from ..standards.registry import known_id, standard_info
from .context import SiteContext
from .files import PackageFile, safe_file_name, schema_of
from .html import clip, esc, href, is_web_url, json_ld_script, link, page, paragraphs, scroller
from .jsonld import dataset_json_ld
from .labels import LANGUAGE_NAMES, TYPE_NAMES, attribution, encoding_label, entry_tags, license_link, size_label

__all__ = ["dataset_page"]

# The row labels are the property table's, so the page says what the descriptor key is called elsewhere.
_LABELS = {p.key: p.label for p in package_properties()}


# ---------------------------------------------------------------------------------------------
# metadata rows: one handler per property, in the order the table shows them; None leaves a row out


def _publisher(pkg: LocalPackage, entry: InventoryEntry, site: SiteContext) -> str | None:
    if not entry.publisher:
        return None
    name = entry.publisher_name or site.publisher_name(entry.publisher)
    pub = site.settings.publisher(entry.publisher)
    who = link(pub.url, name) if pub is not None and pub.url else esc(name)
    return f"{who}（団体コード {esc(entry.publisher)}）"


def _contact(pkg: LocalPackage, entry: InventoryEntry, site: SiteContext) -> str | None:
    c = entry.contact
    if c is None:
        return None
    bits = [esc(c.name)]
    if c.email:
        bits.append(f'<a href="mailto:{esc(c.email)}">{esc(c.email)}</a>')
    if c.telephone:
        bits.append(f"電話 {esc(c.telephone)}")
    if c.url:
        bits.append(link(c.url, "問い合わせページ") if is_web_url(c.url) else esc(c.url))
    return "、".join(bits)


def _spatial(pkg: LocalPackage, entry: InventoryEntry, site: SiteContext) -> str | None:
    # A code the site knows reads as its name, with the code kept for the reader who needs it.
    if not entry.spatial:
        return None
    return "、".join(f"{esc(site.names.get(c, c))}" + (f"（{esc(c)}）" if c in site.names else "")
                    for c in entry.spatial)


def _temporal(pkg: LocalPackage, entry: InventoryEntry, site: SiteContext) -> str | None:
    if entry.temporal is None:
        return None
    start, end = entry.temporal
    return f"{esc(start or '')} 〜 {esc(end or '')}"


def _periodicity(pkg: LocalPackage, entry: InventoryEntry, site: SiteContext) -> str | None:
    if not entry.accrual_periodicity:
        return None
    code = entry.accrual_periodicity.rsplit("/", 1)[-1].upper()
    return esc(FREQUENCIES.get(code, entry.accrual_periodicity))


def _homepage(pkg: LocalPackage, entry: InventoryEntry, site: SiteContext) -> str | None:
    homepage = pkg.descriptor.get("homepage")
    return link(homepage) if isinstance(homepage, str) and homepage else None


def _sources(pkg: LocalPackage, entry: InventoryEntry, site: SiteContext) -> str | None:
    sources = [s for s in pkg.descriptor.get("sources") or [] if isinstance(s, Mapping) and s.get("title")]
    if not sources:
        return None
    return "<br>".join(link(s["path"] if isinstance(s.get("path"), str) else None, str(s["title"])) for s in sources)


def _text(value: Callable[[InventoryEntry], str | None]) -> Callable[[LocalPackage, InventoryEntry, SiteContext],
                                                                       str | None]:
    """A row that shows one text value of the entry, escaped."""
    return lambda pkg, entry, site: esc(value(entry)) if value(entry) else None


def _joined(values: Callable[[InventoryEntry], Sequence[str]], show: Callable[[str], str],
            sep: str = "、") -> Callable[[LocalPackage, InventoryEntry, SiteContext], str | None]:
    """A row that lists the entry's values, each shown by ``show``."""
    return lambda pkg, entry, site: sep.join(show(v) for v in values(entry)) if values(entry) else None


_ROWS: tuple[tuple[str, Callable[[LocalPackage, InventoryEntry, SiteContext], str | None]], ...] = (
    ("name", lambda pkg, entry, site: f"<code>{esc(entry.id)}</code>"),
    ("publisher", _publisher),
    ("contactPoint", _contact),
    ("licenses", _joined(lambda e: e.licenses, license_link)),
    ("keywords", _joined(lambda e: e.keywords, esc)),
    ("themes", _joined(lambda e: e.themes, lambda t: esc(THEMES.get(t, t)))),
    ("spatial", _spatial),
    ("temporal", _temporal),
    ("accrualPeriodicity", _periodicity),
    ("issued", _text(lambda e: e.issued)),
    ("modified", _text(lambda e: e.modified)),
    ("version", _text(lambda e: e.version)),
    ("language", _joined(lambda e: e.language, lambda x: esc(LANGUAGE_NAMES.get(x, x)))),
    ("homepage", _homepage),
    ("conformsTo", _joined(lambda e: e.conforms_to, link, "<br>")),
    ("sources", _sources),
    ("provenance", _text(lambda e: e.provenance)),
)


def _meta_rows(pkg: LocalPackage, entry: InventoryEntry, site: SiteContext) -> list[tuple[str, str]]:
    rows = [(_LABELS[key], show(pkg, entry, site)) for key, show in _ROWS]
    return [(label, value) for label, value in rows if value is not None]


# ---------------------------------------------------------------------------------------------
# Table Schema


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


def _standard_line(schema: Mapping[str, Any]) -> str:
    sid = schema.get("standard")
    if not isinstance(sid, str) or known_id(sid) is None:
        return ""
    info = standard_info(sid)
    kind = f"自治体標準オープンデータセット {info.number}「{info.title}」" if info.number else f"「{info.title}」"
    note = "（暫定スキーマ）" if info.provisional else ""
    return f'<p>この表は{esc(kind)}のスキーマ <code>{esc(sid)}</code> {esc(info.version)}{esc(note)} に沿っています。</p>\n'


def _field_row(f: Mapping[str, Any]) -> str:
    ftype = str(f.get("type") or "string")
    type_html = f"{esc(TYPE_NAMES.get(ftype, ftype))} <code>{esc(ftype)}</code>"
    if f.get("format") and f.get("format") != "default":
        type_html += f'<br><span class="small">形式 {esc(f["format"])}</span>'
    return (
        f'<tr><th scope="row"><code>{esc(f.get("name"))}</code></th><td>{esc(f.get("title") or "")}</td>'
        f"<td>{type_html}</td><td>{_constraints(f)}</td><td>{esc(f.get('description') or '')}</td></tr>"
    )


def _key_notes(schema: Mapping[str, Any], name: str) -> list[str]:
    """The primary key and foreign keys in words (a foreign key without a resource points into this one)."""
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
    return keys


def _schema_block(i: int, res: Mapping[str, Any], schema: Mapping[str, Any]) -> str:
    name = str(res.get("name") or f"resource-{i + 1}")
    title = str(res.get("title") or name)
    rows = [_field_row(f) for f in schema["fields"] if isinstance(f, Mapping)]
    keys = _key_notes(schema, name)
    return (
        f'<h3 id="schema-{esc(safe_file_name(name, i))}">{esc(title)}（<code>{esc(name)}</code>）</h3>\n'
        + _standard_line(schema)
        + scroller(f"{title} の項目") + '<table class="schema">\n'
        f"<caption>{esc(title)} の項目（{len(rows)} 列）</caption>\n"
        '<thead><tr><th scope="col">列名</th><th scope="col">表示名</th><th scope="col">型</th>'
        '<th scope="col">制約</th><th scope="col">説明</th></tr></thead>\n'
        "<tbody>\n" + "\n".join(rows) + "\n</tbody></table></div>\n"
        + (f'<p class="note">{"。".join(keys)}。</p>\n' if keys else "")
    )


def _schema_section(pkg: LocalPackage) -> str:
    blocks = []
    for i, res in enumerate(pkg.resources()):
        schema = schema_of(pkg, res)
        if schema is not None and isinstance(schema.get("fields"), list):
            blocks.append(_schema_block(i, res, schema))
    if not blocks:
        return ""
    return ('<section aria-labelledby="schema-heading">\n<h2 id="schema-heading">項目の定義（テーブルスキーマ）</h2>\n'
            + "".join(blocks) + "</section>\n")


# ---------------------------------------------------------------------------------------------
# downloads and licence


def _hash(sha256: str | None) -> str:
    # Few readers check a digest: it stays one click away instead of filling the table.
    if not sha256:
        return "—"
    return f'<details class="hash"><summary>SHA-256</summary><code class="hash">{esc(sha256)}</code></details>'


def _download_row(f: PackageFile) -> str:
    if f.site_path is None:
        title = link(f.url, f.title)
        path_note = f'<span class="path">{esc(f.url)}（外部のファイル）</span>'
    else:
        title = f'<a href="{esc(href(f.site_path))}" download>{esc(f.title)}</a>'
        path_note = f'<span class="path">{esc(f.site_path)}</span>'
    desc = f'<span class="file-desc">{esc(f.description)}</span>' if f.description else ""
    fmt = (f.format or "").upper() or "—"
    if f.encoding:
        fmt += f"（{encoding_label(f.encoding)}）"
    buttons = []
    if f.site_path is not None:
        buttons.append(f'<a class="button" href="{esc(href(f.site_path))}" download>ダウンロード</a>')
    if f.preview_path is not None:
        buttons.append(f'<a class="button" href="{esc(href(f.preview_path))}">プレビュー（先頭 100 行）</a>')
    if f.excel_path is not None:
        buttons.append(f'<a class="button" href="{esc(href(f.excel_path))}" download>Excel 用 CSV（BOM 付き UTF-8）</a>')
    return (
        f'<tr><th scope="row">{title}{path_note}{desc}</th><td class="nowrap">{esc(fmt)}</td>'
        f'<td class="num">{esc(size_label(f.size))}</td>'
        f'<td>{_hash(f.sha256)}</td>'
        f'<td class="downloads">{"".join(buttons) or "—"}</td></tr>'
    )


def _downloads_section(files: Sequence[PackageFile], rdf_links: bool) -> str:
    rows = [_download_row(f) for f in files]
    excel = ""
    if any(f.excel_path for f in files):
        excel = ("<p>Excel でダブルクリックして開くときは「Excel 用 CSV」を使ってください。内容は同じで、"
                 "文字化けを防ぐ印（BOM）の付いた UTF-8 にしてあります（= + - @ で始まり、Excel が数式と"
                 "みなす値は、先頭に ' を付けて文字のまま表示されるようにしています）。</p>\n")
    return (
        '<section aria-labelledby="download-heading">\n<h2 id="download-heading">ダウンロード</h2>\n'
        + excel
        + scroller("ファイル一覧") + '<table class="files">\n<caption>ファイル一覧</caption>\n'
        '<thead><tr><th scope="col">ファイル</th><th scope="col">形式</th><th scope="col">サイズ</th>'
        '<th scope="col">確認用の値</th><th scope="col">ダウンロード・プレビュー</th></tr></thead>\n'
        "<tbody>\n" + "\n".join(rows) + "\n</tbody></table></div>\n"
        '<p>データパッケージの記述子: <a href="datapackage.json">datapackage.json</a>'
        "（Frictionless Data Package v2。ファイルの一覧・項目の定義・メタデータを機械が読める形で記載）</p>\n"
        + ('<p>このデータセットのメタデータ（DCAT-AP 3、データを含む）: <a href="dataset.ttl">Turtle</a>'
           '・<a href="dataset.jsonld">JSON-LD</a></p>\n' if rdf_links else "")
        + "</section>\n"
    )


def _license_section(entry: InventoryEntry, site: SiteContext) -> str:
    if not entry.licenses:
        return ('<section aria-labelledby="license-heading">\n<h2 id="license-heading">利用条件</h2>\n'
                "<p>ライセンスが記載されていません。利用の前に提供者に確認してください。</p>\n</section>\n")
    parts = []
    for lic in entry.licenses:
        text = attribution(entry, lic, site)
        parts.append(f"<p>ライセンス: {license_link(lic)}</p>\n")
        if text:
            parts.append("<p>このデータを利用するときは、次のように出典を記載してください。</p>\n"
                         f'<blockquote class="attribution"><p>{esc(text)}</p></blockquote>\n')
    return ('<section aria-labelledby="license-heading">\n<h2 id="license-heading">利用条件と出典の記載</h2>\n'
            + "".join(parts) + "</section>\n")


# ---------------------------------------------------------------------------------------------
# the page


def _json_ld(entry: InventoryEntry, files: Sequence[PackageFile], site: SiteContext) -> dict[str, Any]:
    # A CSV without a declared media type still tells search engines it is text/csv.
    return dataset_json_ld(
        entry, site.settings, names=dict(site.names),
        files=[(f.title, f.site_path or f.url, f.size,
                f.mediatype or ("text/csv" if (f.format or "").lower() == "csv" else None), f.sha256)
               for f in files],
    )


# A long evaluation comes before the downloads: a reuser who came for the files jumps past it.
_CONTENTS = ('<nav class="contents" aria-label="このページの内容"><ul>'
             '<li><a href="#evaluation-heading">評価の内容</a></li><li><a href="#download-heading">ダウンロード</a></li>'
             '<li><a href="#license-heading">利用条件</a></li><li><a href="#meta-heading">メタデータ</a></li>'
             "</ul></nav>\n")


def dataset_page(pkg: LocalPackage, entry: InventoryEntry, files: Sequence[PackageFile], site: SiteContext,
                 evaluation: str = "", *, rdf_links: bool = False) -> bytes:
    """The page of one package; ``files`` as ``files.package_files`` lists them.

    ``evaluation`` is the evaluation section (``evaluation_page``), shown before the downloads: a
    resident comes for what the evaluation says, a reuser scrolls on to the files.
    """
    meta = "\n".join(f'<tr><th scope="row">{esc(k)}</th><td>{v}</td></tr>' for k, v in _meta_rows(pkg, entry, site))
    who = esc(entry.publisher_name or site.publisher_name(entry.publisher))
    updated = f"・最終更新日 {esc(entry.modified)}" if entry.modified else ""
    main = (
        f"<h1>{esc(entry.title)}</h1>\n"
        f'<p class="muted">提供者: {who}{updated}</p>\n'
        f'<div class="lead">{paragraphs(entry.description)}</div>\n'
        + entry_tags(entry) + "\n"
        + (_CONTENTS if evaluation else "")
        + evaluation
        + _downloads_section(files, rdf_links)
        + _license_section(entry, site)
        + '<section aria-labelledby="meta-heading">\n<h2 id="meta-heading">メタデータ</h2>\n'
        + scroller("データセットの情報") + '<table class="meta">\n<caption>データセットの情報</caption>\n<tbody>\n'
        + meta + "\n</tbody></table></div>\n</section>\n"
        + _schema_section(pkg)
    )
    breadcrumb = ('<nav class="breadcrumb" aria-label="現在位置"><ol>'
                  '<li><a href="../index.html">データセット一覧</a></li>'
                  f'<li><span aria-current="page">{esc(entry.title)}</span></li></ol></nav>')
    head = ('<link rel="alternate" type="application/json" href="datapackage.json" title="datapackage.json">\n'
            + ('<link rel="alternate" type="text/turtle" href="dataset.ttl" title="DCAT-AP 3 (Turtle)">\n'
               '<link rel="alternate" type="application/ld+json" href="dataset.jsonld" title="DCAT-AP 3 (JSON-LD)">\n'
               if rdf_links else "")
            + json_ld_script(_json_ld(entry, files, site)))
    return page(root="../", page_title=f"{entry.title} | {site.title}",
                meta_description=clip(entry.description or entry.title, 160), catalog_title=site.title,
                main=main, footer=site.footer(), breadcrumb=breadcrumb, head=head)
