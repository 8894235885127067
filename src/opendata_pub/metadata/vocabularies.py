"""Controlled vocabularies publication metadata uses: EU data themes, frequencies, languages.

Pure data. The codes are those of the EU Publications Office authority tables that DCAT-AP 3
requires (data-theme, frequency, language); the URIs are built from the codes.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "FREQUENCIES",
    "FREQUENCY_BASE",
    "LANGUAGES",
    "LANGUAGE_BASE",
    "THEMES",
    "THEME_BASE",
]

THEME_BASE = "http://publications.europa.eu/resource/authority/data-theme/"
FREQUENCY_BASE = "http://publications.europa.eu/resource/authority/frequency/"
LANGUAGE_BASE = "http://publications.europa.eu/resource/authority/language/"

# EU data themes (the DCAT-AP dcat:theme vocabulary), with Japanese labels.
THEMES: Mapping[str, str] = {
    "AGRI": "農業・水産業・林業・食品",
    "ECON": "経済・財政",
    "EDUC": "教育・文化・スポーツ",
    "ENER": "エネルギー",
    "ENVI": "環境",
    "GOVE": "行政・公共部門",
    "HEAL": "健康",
    "INTR": "国際",
    "JUST": "司法・法制度・治安",
    "REGI": "地域・都市",
    "SOCI": "人口・社会",
    "TECH": "科学・技術",
    "TRAN": "交通",
}

# EU frequency authority table codes we accept for accrualPeriodicity, with Japanese labels.
FREQUENCIES: Mapping[str, str] = {
    "ANNUAL": "毎年",
    "ANNUAL_2": "年2回",
    "ANNUAL_3": "年3回",
    "QUARTERLY": "四半期ごと",
    "MONTHLY": "毎月",
    "BIWEEKLY": "隔週",
    "WEEKLY": "毎週",
    "DAILY": "毎日",
    "CONT": "随時 (継続的)",
    "IRREG": "不定期",
    "BIENNIAL": "2年ごと",
    "TRIENNIAL": "3年ごと",
    "QUINQUENNIAL": "5年ごと",
    "NEVER": "更新なし",
    "OTHER": "その他",
    "UNKNOWN": "不明",
}

# ISO 639-1 codes we expect in Japanese municipal data → EU language authority codes.
LANGUAGES: Mapping[str, str] = {
    "ja": "JPN",
    "en": "ENG",
    "zh": "ZHO",
    "ko": "KOR",
    "pt": "POR",
    "es": "SPA",
    "vi": "VIE",
    "tl": "TGL",
    "ne": "NEP",
    "fr": "FRA",
    "de": "DEU",
}
