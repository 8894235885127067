"""The page of a dataset known only from the inventory, ``listed/<id>.html``: no files, what is known.

An オープンデータ一覧 entry or an evaluation sheet's mention tells a resident that a dataset exists
(or is planned) without the site holding its files. Its own page says what is known, where that
knowledge comes from (the source sentence as written), its status and when, and links to where it
is published when the entry names a URL, so the index's cards and table lead somewhere.

The pages live in the site's own ``listed/`` folder, not in ``<id>/``: a top-level folder of the site
is a dataset's to the publishing engine (written, kept and pruned with its package), and these
datasets have no package.
"""

from __future__ import annotations

from ..inventory.model import InventoryEntry
from ..metadata.vocabularies import THEMES
from .context import SiteContext
from .html import clip, esc, link, page, paragraphs, scroller
from .labels import entry_tags, license_link, when_label

__all__ = ["LISTED_FOLDER", "listed_page", "listed_page_path"]


LISTED_FOLDER = "listed"


def listed_page_path(entry: InventoryEntry) -> str | None:
    """``listed/<id>.html``, or None for an id that cannot name a file of the site."""
    bad = not entry.id or entry.id.startswith(".") or any(c in entry.id for c in "/\\?#%:")
    return None if bad else f"{LISTED_FOLDER}/{entry.id}.html"


def _rows(entry: InventoryEntry, site: SiteContext) -> list[tuple[str, str]]:
    rows = [("識別子", f"<code>{esc(entry.id)}</code>"),
            ("提供者", esc(entry.publisher_name or site.publisher_name(entry.publisher))
             + (f"（団体コード {esc(entry.publisher)}）" if entry.publisher else "")),
            ("状態", esc(entry.status.label)),
            ("公開時期", esc(when_label(entry)))]
    optional = (
        ("公開場所", link(entry.url) if entry.url else ""),
        ("分類", esc(entry.category or "")),
        ("テーマ", "、".join(esc(THEMES.get(t, t)) for t in entry.themes)),
        ("キーワード", "、".join(esc(k) for k in entry.keywords)),
        ("形式", esc("・".join(entry.all_formats()))),
        ("ライセンス", "、".join(license_link(lic) for lic in entry.licenses)),
        ("情報源", esc(entry.source or "")),
        ("備考", esc(entry.note or "")),
    )
    return rows + [(k, v) for k, v in optional if v]


def listed_page(entry: InventoryEntry, site: SiteContext) -> bytes:
    """The page of an inventory entry without a package."""
    table = "\n".join(f'<tr><th scope="row">{esc(k)}</th><td>{v}</td></tr>' for k, v in _rows(entry, site))
    where = (f"<p>このデータセットは {link(entry.url, '提供者のページ')} で公開されています。</p>\n" if entry.url
             else "<p>このデータセットのファイルは、このサイトにはまだありません。</p>\n")
    source = (f'<h2 id="source-heading">情報源</h2>\n<blockquote class="source"><p>{esc(entry.source)}</p></blockquote>\n'
              if entry.source else "")
    main = (
        f"<h1>{esc(entry.title)}</h1>\n"
        f'<p class="muted">一覧のみ（ファイル未掲載）・{esc(entry.status.label)}・{esc(when_label(entry))}</p>\n'
        + where + (f'<div class="lead">{paragraphs(entry.description)}</div>\n' if entry.description else "")
        + entry_tags(entry) + "\n"
        + '<section aria-labelledby="known-heading">\n<h2 id="known-heading">わかっていること</h2>\n'
        + scroller("データセットの情報") + '<table class="meta">\n<caption>一覧に記載された情報</caption>\n<tbody>\n'
        + table + "\n</tbody></table></div>\n</section>\n"
        + (f'<section aria-labelledby="source-heading">\n{source}</section>\n' if source else "")
    )
    breadcrumb = ('<nav class="breadcrumb" aria-label="現在位置"><ol>'
                  '<li><a href="../index.html">データセット一覧</a></li>'
                  f'<li><span aria-current="page">{esc(entry.title)}</span></li></ol></nav>')
    return page(root="../", page_title=f"{entry.title} | {site.title}",
                meta_description=clip(entry.description or entry.source or entry.title, 160),
                catalog_title=site.title, main=main, footer=site.footer(), breadcrumb=breadcrumb)
