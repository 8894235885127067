"""The licences municipal open data is published under, identified by URI.

Pure data and lookups: no I/O. A licence is found by its id, its URI (with or without a trailing
slash, http or https, ``legalcode`` or a language suffix), or a common spelling of its name, so that
descriptors written by hand or by other tools resolve to the same licence.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["LICENSES", "License", "find_license"]


@dataclass(frozen=True, slots=True)
class License:
    id: str  # SPDX-style id we write into descriptors
    uri: str  # the canonical URI (dct:license)
    title: str  # Japanese title
    title_en: str
    attribution: str  # 出典記載: what a reuser must show; {publisher}, {title}, {url} are filled in
    aliases: tuple[str, ...] = ()
    open: bool = True


LICENSES: tuple[License, ...] = (
    License(
        id="PDL-1.0",
        uri="https://www.digital.go.jp/resources/open_data/public_data_license_v1.0",
        title="公共データ利用規約（第1.0版）",
        title_en="Public Data License (Version 1.0)",
        attribution=(
            "出典：{publisher}「{title}」（{url}）、公共データ利用規約（第1.0版）"
            "（https://www.digital.go.jp/resources/open_data/public_data_license_v1.0）。"
            "加工して利用した場合は「{publisher}「{title}」を加工して作成」と記載してください。"
        ),
        aliases=("PDL1.0", "PDL 1.0", "公共データ利用規約", "公共データ利用規約 第1.0版", "public data license 1.0"),
    ),
    License(
        id="CC-BY-4.0",
        uri="https://creativecommons.org/licenses/by/4.0/",
        title="クリエイティブ・コモンズ 表示 4.0 国際",
        title_en="Creative Commons Attribution 4.0 International",
        attribution=(
            "出典：{publisher}「{title}」（{url}）、クリエイティブ・コモンズ 表示 4.0 国際"
            "（https://creativecommons.org/licenses/by/4.0/deed.ja）。"
            "加工して利用した場合はその旨を記載してください。"
        ),
        aliases=("CC BY 4.0", "CC-BY 4.0", "cc-by-4.0", "CCBY4.0", "CC BY", "cc-by"),
    ),
    License(
        id="CC-BY-SA-4.0",
        uri="https://creativecommons.org/licenses/by-sa/4.0/",
        title="クリエイティブ・コモンズ 表示-継承 4.0 国際",
        title_en="Creative Commons Attribution-ShareAlike 4.0 International",
        attribution=(
            "出典：{publisher}「{title}」（{url}）、クリエイティブ・コモンズ 表示-継承 4.0 国際"
            "（https://creativecommons.org/licenses/by-sa/4.0/deed.ja）。"
        ),
        aliases=("CC BY-SA 4.0", "cc-by-sa"),
    ),
    License(
        id="CC0-1.0",
        uri="https://creativecommons.org/publicdomain/zero/1.0/",
        title="CC0 1.0 全世界 パブリック・ドメイン提供",
        title_en="Creative Commons Zero v1.0 Universal",
        attribution="出典の記載は不要ですが、「出典：{publisher}「{title}」（{url}）」と記載いただくと助かります。",
        aliases=("CC0", "CC0 1.0", "cc-zero", "CC-0"),
    ),
)


def _norm_uri(text: str) -> str:
    text = text.strip().lower()
    text = re.sub(r"^https?://(www\.)?", "", text)
    text = re.sub(r"/(legalcode|deed)(\.[a-z-]+)?$", "", text)
    text = re.sub(r"\.[a-z]{2}$", "", text) if text.endswith((".ja", ".en")) else text
    return text.rstrip("/")


def _norm_name(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[\s\-_()（）]", "", text)


_BY_KEY: dict[str, License] = {}
for _lic in LICENSES:
    _BY_KEY[_norm_name(_lic.id)] = _lic
    _BY_KEY[_norm_uri(_lic.uri)] = _lic
    _BY_KEY[_norm_name(_lic.title)] = _lic
    _BY_KEY[_norm_name(_lic.title_en)] = _lic
    for _alias in _lic.aliases:
        _BY_KEY[_norm_name(_alias)] = _lic


def find_license(text: str | None) -> License | None:
    """The known licence ``text`` names (id, URI or name), or None."""
    if not text:
        return None
    if "://" in text:
        return _BY_KEY.get(_norm_uri(text))
    return _BY_KEY.get(_norm_name(text))
