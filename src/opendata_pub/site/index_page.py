"""The index page, ``index.html``: the whole catalog on one page, readable without JavaScript.

Every dataset is in the HTML; ``assets/filter.js`` only hides what the filter form leaves out, so
the form starts hidden and a reader without scripts still sees the full list. Then the datasets
not packaged yet, the counts per fiscal year and the downloadable lists.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from ..inventory.model import FiscalYearCount, Inventory, InventoryEntry, PublisherCounts
from ..metadata.vocabularies import THEMES
from .context import SiteContext
from .html import attrs, clip, esc, href, json_ld_script, link, page, paragraphs, scroller
from .jsonld import catalog_json_ld
from .labels import entry_tags, when_label

__all__ = ["index_page"]


def _filter_attrs(entry: InventoryEntry, columns: Sequence[str] = ()) -> str:
    """What ``filter.js`` matches an item on, as data attributes.

    ``data-columns`` (the tables' column titles and names) lets a search for 達成率 or 決算額 find the
    datasets that hold such a column; ``data-kind`` lets the count say how many are packages.
    """
    return attrs({"data-item": True, "data-kind": "package" if entry.packaged else "listed",
                  "data-themes": " ".join(entry.themes),
                  "data-keywords": json.dumps(list(entry.keywords), ensure_ascii=False),
                  "data-columns": json.dumps(list(columns), ensure_ascii=False) if columns else None,
                  "data-publisher": entry.publisher})


def _options(name: str, label: str, values: Sequence[tuple[str, str]]) -> str:
    opts = '<option value="">すべて</option>' + "".join(
        f'<option value="{esc(v)}">{esc(text)}</option>' for v, text in values)
    return (f'<div class="field"><label for="filter-{name}">{esc(label)}</label>'
            f'<select id="filter-{name}" name="{name}">{opts}</select></div>')


def _filter_form(entries: Sequence[InventoryEntry], site: SiteContext) -> str:
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


def _dataset_card(entry: InventoryEntry, site: SiteContext, columns: Sequence[str]) -> str:
    formats = "・".join(entry.all_formats())
    bits = [f"提供者: {esc(entry.publisher_name or site.publisher_name(entry.publisher))}"]
    if entry.modified:
        bits.append(f"最終更新日: {esc(entry.modified[:10])}")
    if formats:
        bits.append(f"形式: {esc(formats)}")
    return (
        f'<li class="dataset"{_filter_attrs(entry, columns)}>\n'
        f'<h3><a href="{esc(href(entry.id))}/index.html">{esc(entry.title)}</a></h3>\n'
        f'<p class="meta">{" ／ ".join(bits)}</p>\n'
        + (f'<p class="desc">{esc(clip(entry.description))}</p>\n' if entry.description else "")
        + entry_tags(entry) + "\n</li>"
    )


def _others_section(others: Sequence[InventoryEntry], site: SiteContext, pages: Mapping[str, str]) -> str:
    if not others:
        return ""
    rows = []
    for e in others:
        # Its own page says what is known and links on to where it is published.
        title = f'<a href="{esc(href(pages[e.id]))}">{esc(e.title)}</a>' if e.id in pages else link(e.url, e.title)
        source = esc(e.source or "")
        note = f'<br><span class="muted">{esc(e.note)}</span>' if e.note else ""
        rows.append(
            f"<tr{_filter_attrs(e)}><th scope=\"row\">{title}</th>"
            f'<td class="nowrap">{esc(e.publisher_name or site.publisher_name(e.publisher))}</td>'
            f'<td class="nowrap">{esc(e.status.label)}</td><td class="nowrap">{esc(when_label(e))}</td>'
            f"<td class=\"category\">{esc(e.category or '—')}</td><td class=\"small\">{source}{note}</td></tr>"
        )
    return (
        '<section aria-labelledby="others-heading">\n<h2 id="others-heading">ファイルを掲載していないデータセット</h2>\n'
        "<p>公開済み（このサイトの外）または公開予定で、このサイトにはまだファイルがないデータセットです。"
        "公開時期は情報源に書かれている精度で示しています（「令和3年度まで」は、遅くともその年度までに公開したことだけがわかっているもの）。</p>\n"
        + scroller("一覧のみのデータセット", group="others") + '<table>\n<caption>一覧のみのデータセット</caption>\n'
        '<thead><tr><th scope="col">データセット</th><th scope="col">提供者</th><th scope="col">状態</th>'
        '<th scope="col">公開時期</th><th scope="col">分類</th><th scope="col">情報源・備考</th></tr></thead>\n'
        "<tbody>\n" + "\n".join(rows) + "\n</tbody></table></div>\n"
        '<p id="others-empty" class="note" hidden>条件に合うデータセットはありません。</p>\n'
        "</section>\n"
    )


def _counts_row(y: FiscalYearCount, has_bounded: bool, has_reported: bool) -> str:
    # The optional columns appear only when some year has a value, so most tables stay narrow.
    cells = [f'<th scope="row">{esc(y.label)}</th>', f'<td class="num">{y.new}</td>']
    if has_bounded:
        cells.append(f'<td class="num">{y.new_bounded or "—"}</td>')
    cells.append(f'<td class="num">{y.cumulative}</td>')
    if has_reported:
        cells.append(f'<td class="num">{"—" if y.reported_new is None else y.reported_new}</td>')
        cells.append(f'<td class="num">{"—" if y.reported_cumulative is None else y.reported_cumulative}</td>')
    return "<tr>" + "".join(cells) + "</tr>"


def _counts_table(counts: PublisherCounts, site: SiteContext) -> str:
    name = counts.publisher_name or site.publisher_name(counts.publisher)
    has_reported = any(y.reported_new is not None or y.reported_cumulative is not None for y in counts.years)
    has_bounded = any(y.new_bounded for y in counts.years)
    rows = [_counts_row(y, has_bounded, has_reported) for y in counts.years]
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
        scroller(f"{name} 年度別の公開数", extra="counts-item")
        + f'<table class="counts">\n<caption>{esc(name)}</caption>\n'
        f"<thead><tr>{heads}</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody></table>\n"
        + "".join(f'<p class="note">{esc(n)}</p>\n' for n in notes) + "</div>\n"
    )


def _counts_section(inventory: Inventory, site: SiteContext) -> str:
    counts = [c for c in inventory.counts() if c.years or c.undated or c.planned]
    if not counts:
        return ""
    src = "".join(f'<li>{esc(site.publisher_name(r.publisher))}「{esc(r.indicator)}」: {esc(r.source or "出典不明")}'
                  + (f"（{esc(r.note)}）" if r.note else "") + "</li>\n" for r in inventory.reported)
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


def _lists_section(codes: Sequence[str], site: SiteContext) -> str:
    items = [
        f'<li>{esc(site.publisher_name(code))} オープンデータ一覧: '
        f'<a href="opendata-list/{esc(code)}_opendata_list.csv">CSV（UTF-8）</a>'
        f'・<a href="opendata-list/excel/{esc(code)}_opendata_list.csv">Excel 用 CSV（BOM 付き UTF-8）</a></li>'
        for code in codes
    ]
    # catalog.ttl and catalog.jsonld are always rendered (``catalog_rdf``).
    items.append('<li>カタログ全体のメタデータ（DCAT-AP 3）: <a href="catalog.ttl">Turtle</a>'
                 '・<a href="catalog.jsonld">JSON-LD</a></li>')
    return (
        '<section aria-labelledby="lists-heading">\n<h2 id="lists-heading">一覧とメタデータのダウンロード</h2>\n'
        "<p>オープンデータ一覧は、自治体標準オープンデータセット「オープンデータ一覧」の項目（1行が1ファイル）で作っています。</p>\n"
        "<ul>\n" + "\n".join(items) + "\n</ul>\n</section>\n"
    )


def _count_line(packaged: int, listed: int) -> str:
    # filter.js rewrites this line with the same words, so the two cannot tell different stories.
    return f"全 {packaged + listed} 件（パッケージ {packaged} 件・一覧のみ {listed} 件）を表示しています。"


def index_page(inventory: Inventory, codes: Sequence[str], site: SiteContext, *,
               pages: Mapping[str, str] | None = None, columns: Mapping[str, Sequence[str]] | None = None) -> bytes:
    """The catalog's front page; ``codes``: the publishers that have an オープンデータ一覧.

    ``pages``: the page of each dataset without a package (``listed_page``); ``columns``: each
    package's column titles, which the search also matches.
    """
    entries = inventory.entries
    cat = site.settings.catalog
    packaged = [e for e in entries if e.packaged]
    others = [e for e in entries if not e.packaged]
    cards = "\n".join(_dataset_card(e, site, (columns or {}).get(e.id, ())) for e in packaged)
    intro = paragraphs(cat.description) or (
        "<p>データを自由に使えるオープンデータとして公開しています。各データセットのページから CSV などのファイルを"
        "ダウンロードできます。利用するときは、各ページにある出典の記載をお願いします。</p>\n")
    main = (
        f"<h1>{esc(cat.title)}</h1>\n<div class=\"lead\">{intro}</div>\n"
        '<section aria-labelledby="datasets-heading">\n<h2 id="datasets-heading">データセット</h2>\n'
        + _filter_form(entries, site)
        + f'<p id="filter-status" class="filter-status" role="status">{_count_line(len(packaged), len(others))}</p>\n'
        + (f'<ul class="datasets" data-group="datasets">\n{cards}\n</ul>\n' if packaged else
           "<p>掲載しているデータパッケージはまだありません。</p>\n")
        + '<p id="datasets-empty" class="note" hidden>条件に合うデータセットはありません。</p>\n'
        "</section>\n"
        + _others_section(others, site, pages or {})
        + _counts_section(inventory, site)
        + _lists_section(codes, site)
    )
    head = json_ld_script(catalog_json_ld(packaged, site.settings))
    return page(root="", page_title=cat.title, meta_description=clip(cat.description or cat.title, 160),
                catalog_title=cat.title, main=main, footer=site.footer(), head=head,
                scripts='<script src="assets/filter.js"></script>')
