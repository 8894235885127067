"""What every page of the site shares: the settings, the publishers' names and the footer.

Publisher names come from the settings first and then from the entries themselves (a publisher
named only in an inventory entry still reads as a name, not a code), so the render step builds
them once and hands this object to each page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..config import Settings
from .html import esc, link

__all__ = ["SiteContext"]


@dataclass(frozen=True, slots=True)
class SiteContext:
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
            lines.append(f"<p>{link(cat.homepage)}</p>")
        lines.append("<p>データの利用条件と出典の記載方法は、各データセットのページにあります。"
                     "このサイトは opendata-pub が作成した静的なファイルだけでできています。</p>")
        return "\n".join(lines)
