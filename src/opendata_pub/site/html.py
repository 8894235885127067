"""Small helpers for writing HTML by hand: escaping, attributes, links, the page skeleton.

Every piece of text that comes from data goes through ``esc`` (or ``attrs``); hrefs to files of the
site are relative and percent-encoded (``href``), so the site works under any base URL and from
``file://``. The page skeleton is ``assets/page.html`` (package data). Pure.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from html import escape
from importlib import resources
from string import Template
from typing import Any
from urllib.parse import quote

__all__ = ["asset", "attrs", "clip", "esc", "href", "is_web_url", "json_ld_script", "link", "page", "paragraphs",
           "scroller"]

_PACKAGE = "opendata_pub.site"
_WEB_URL = re.compile(r"^https?://[^\s]+$", re.IGNORECASE)


def esc(text: object) -> str:
    """Text for an element's content or a quoted attribute value."""
    return escape("" if text is None else str(text), quote=True)


def attrs(values: Mapping[str, object | None]) -> str:
    """`` name="value"`` pairs (a leading space each); None drops the attribute, True writes it bare."""
    out = []
    for name, value in values.items():
        if value is None or value is False:
            continue
        out.append(f" {name}" if value is True else f' {name}="{esc(value)}"')
    return "".join(out)


def is_web_url(url: str) -> bool:
    """Whether ``url`` is an http(s) URL: the only kind that may become an href out of the site."""
    return bool(_WEB_URL.match(url))


def link(url: str | None, text: str | None = None) -> str:
    """A link out, only for http(s) URLs: descriptor text never becomes a ``javascript:`` href."""
    label = esc(text if text is not None else url or "")
    if url and is_web_url(url):
        return f'<a href="{esc(url)}">{label}</a>'
    return label


def scroller(label: str, *, group: str | None = None, extra: str | None = None) -> str:
    """The wrapper that lets a wide table scroll sideways on a phone.

    A scrolling region must be reachable by keyboard and named (WCAG 2.1.1): tabindex, role, label.
    """
    return "<div" + attrs({"class": "table-scroll" + (f" {extra}" if extra else ""), "role": "region",
                           "aria-label": label, "tabindex": "0", "data-group": group}) + ">"


def clip(text: str | None, limit: int = 140) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis (card texts, meta descriptions)."""
    if not text:
        return ""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def href(path: str) -> str:
    """A relative path of the site as an href: each segment percent-encoded, ``/`` kept."""
    return quote(path, safe="/")


def paragraphs(text: str | None) -> str:
    """Plain text as paragraphs: blank lines split paragraphs, single line breaks become ``<br>``."""
    if not text:
        return ""
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    return "".join("<p>" + "<br>\n".join(esc(line) for line in b.split("\n")) + "</p>\n" for b in blocks)


def json_ld_script(data: Mapping[str, Any]) -> str:
    """A ``<script type="application/ld+json">`` element; ``<``, ``>`` and ``&`` escaped so no text ends it."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return f'<script type="application/ld+json">\n{text}\n</script>'


@cache
def asset(name: str) -> bytes:
    """A file of ``site/assets`` as bytes."""
    return resources.files(_PACKAGE).joinpath("assets", name).read_bytes()


def page(*, root: str, page_title: str, meta_description: str, catalog_title: str,
         main: str, footer: str, breadcrumb: str = "", head: str = "", scripts: str = "") -> bytes:
    """A whole page from ``assets/page.html``. ``root`` is the relative path to the site root ("" or "../")."""
    template = Template(asset("page.html").decode("utf-8"))
    text = template.substitute(
        root=root, page_title=esc(page_title), meta_description=esc(meta_description),
        catalog_title=esc(catalog_title), main=main.strip(), footer=footer.strip(),
        breadcrumb=breadcrumb.strip(), head=head.strip(), scripts=scripts.strip(),
    )
    return text.encode("utf-8")
