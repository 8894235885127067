"""The preview page of a CSV, ``<package>/preview/<resource>.html``: look before you download.

The first ``PREVIEW_ROWS`` rows as an HTML table, each column headed by its Table Schema title with
the column name and type beneath (so a reader learns what ``amount_jpy`` means and that it is an
integer), and a note when rows are left out, saying how many the file has.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .context import SiteContext
from .csvtable import CsvTable
from .files import PackageFile
from .html import clip, esc, href, page, scroller
from .labels import TYPE_NAMES

__all__ = ["PREVIEW_ROWS", "preview_page"]

PREVIEW_ROWS = 100


def _head_cell(name: str, field: Mapping[str, Any] | None) -> str:
    title = str(field.get("title") or "") if field else ""
    ftype = str(field.get("type") or "string") if field else ""
    kind = f'<span class="small">{esc(TYPE_NAMES.get(ftype, ftype))}</span>' if ftype else ""
    label = f"{esc(title)}<br>" if title and title != name else ""
    return f'<th scope="col" data-column="{esc(name)}">{label}<code>{esc(name)}</code><br>{kind}</th>'


def preview_page(f: PackageFile, table: CsvTable, schema: Mapping[str, Any] | None, dataset_title: str,
                 site: SiteContext) -> bytes:
    """The page previewing ``f`` (a local CSV) from its parsed ``table``."""
    fields = {str(x.get("name")): x for x in (schema or {}).get("fields") or [] if isinstance(x, Mapping)}
    heads = "".join(_head_cell(n, fields.get(n)) for n in table.header)
    shown = table.rows[:PREVIEW_ROWS]
    body = "\n".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in shown)
    total = len(table.rows)
    note = (f'<p class="note" id="preview-cut">全 {total:,} 行のうち、先頭の {len(shown)} 行だけを表示しています。'
            "すべての行はファイルをダウンロードしてご覧ください。</p>\n" if total > len(shown)
            else f'<p class="note">全 {total:,} 行を表示しています。</p>\n')
    assert f.site_path is not None
    main = (
        f"<h1>{esc(f.title)}（プレビュー）</h1>\n"
        f'<p class="muted">データセット: <a href="../index.html">{esc(dataset_title)}</a>'
        f'・ファイル <code>{esc(f.site_path)}</code></p>\n'
        + note
        + f'<p><a class="button" href="../{esc(href(f.site_path))}" download>CSV をダウンロード</a></p>\n'
        + "<p>列の見出しは、項目の定義（テーブルスキーマ）の表示名・列名・型です。</p>\n"
        + scroller(f"{f.title} の内容") + '<table class="preview">\n'
        f"<caption>{esc(f.title)}（{len(table.header)} 列）</caption>\n"
        f"<thead><tr>{heads}</tr></thead>\n<tbody>\n{body}\n</tbody></table></div>\n"
    )
    breadcrumb = ('<nav class="breadcrumb" aria-label="現在位置"><ol>'
                  '<li><a href="../../index.html">データセット一覧</a></li>'
                  f'<li><a href="../index.html">{esc(dataset_title)}</a></li>'
                  f'<li><span aria-current="page">{esc(f.title)}</span></li></ol></nav>')
    return page(root="../../", page_title=f"{f.title}（プレビュー） | {dataset_title} | {site.title}",
                meta_description=clip(f"{dataset_title} の {f.title} の先頭 {len(shown)} 行", 160),
                catalog_title=site.title, main=main, footer=site.footer(), breadcrumb=breadcrumb)
