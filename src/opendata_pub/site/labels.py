"""How values of the metadata read on a page in Japanese: sizes, encodings, licences, dates, tags.

Both the dataset page and the index show an entry's tags and licences, so the wording lives in one
place and the two pages cannot drift apart.
"""

from __future__ import annotations

from ..inventory.collect import dataset_url
from ..inventory.model import InventoryEntry, Status
from ..metadata.licenses import find_license
from ..metadata.vocabularies import THEMES
from .context import SiteContext
from .html import esc, link

__all__ = ["LANGUAGE_NAMES", "TYPE_NAMES", "attribution", "encoding_label", "entry_tags", "license_link",
           "size_label", "when_label"]

LANGUAGE_NAMES = {"ja": "日本語", "en": "英語", "zh": "中国語", "ko": "韓国語", "pt": "ポルトガル語",
                  "es": "スペイン語", "vi": "ベトナム語", "tl": "タガログ語", "ne": "ネパール語",
                  "fr": "フランス語", "de": "ドイツ語"}
TYPE_NAMES = {"string": "文字列", "integer": "整数", "number": "数値", "boolean": "真偽値", "date": "日付",
              "time": "時刻", "datetime": "日時", "year": "年", "yearmonth": "年月", "duration": "期間",
              "geopoint": "地点", "geojson": "GeoJSON", "object": "オブジェクト", "array": "配列", "any": "任意"}


def size_label(n: int | None) -> str:
    if n is None:
        return "—"
    if n < 1024:
        return f"{n:,} バイト"
    for unit, factor in (("KB", 1024), ("MB", 1024 ** 2), ("GB", 1024 ** 3)):
        if n < factor * 1024 or unit == "GB":
            return f"{n / factor:,.1f} {unit}（{n:,} バイト）"
    return f"{n:,} バイト"  # pragma: no cover - unreachable


def encoding_label(encoding: str) -> str:
    key = encoding.strip().lower().replace("_", "-")
    if key in ("utf-8", "utf8"):
        return "UTF-8"
    if key in ("utf-8-sig",):
        return "UTF-8 BOM付き"
    if key in ("shift-jis", "sjis", "cp932", "windows-31j", "ms932"):
        return "Shift_JIS"
    return encoding


def license_link(value: str) -> str:
    lic = find_license(value)
    if lic is None:
        return link(value)
    return link(lic.uri, lic.title)


def attribution(entry: InventoryEntry, license_id: str, site: SiteContext) -> str | None:
    """The 出典記載 text the licence asks a reuser to show, or None for a licence we do not know."""
    lic = find_license(license_id)
    if lic is None:
        return None
    template = lic.attribution
    url = entry.url or dataset_url(site.settings, entry.id)
    if not url:
        template = template.replace("（{url}）", "")
    return template.format(publisher=entry.publisher_name or site.publisher_name(entry.publisher),
                           title=entry.title, url=url or "")


def entry_tags(entry: InventoryEntry) -> str:
    items = [f'<li class="tag theme">{esc(THEMES.get(t, t))}</li>' for t in entry.themes]
    items += [f'<li class="tag">{esc(k)}</li>' for k in entry.keywords]
    if entry.status is Status.PLANNED:
        items.insert(0, '<li class="tag status-planned">公開予定</li>')
    return f'<ul class="tags" aria-label="分類とキーワード">{"".join(items)}</ul>' if items else ""


def when_label(entry: InventoryEntry) -> str:
    """When an entry was (or will be) published, as precisely as its source says."""
    if entry.issued:
        return entry.issued[:10]
    label = entry.fiscal_year_label
    if label is None:
        return "—"
    if entry.status is Status.PLANNED:
        return f"{label}（予定）"
    return label
