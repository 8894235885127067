"""The publication-metadata property table: every property a package carries, described once.

This table is data. It drives the metadata check of the validation report (obligation, kind), the
DCAT-AP 3 mapping (``term``) and the CKAN mapping (``ckan``), and the property table in README.md is
generated from it (``python -m opendata_pub.metadata.properties``), so the four cannot drift.

Keys are the descriptor keys of ``datapackage.yaml``: Frictionless v2 core keys where Frictionless
has one (title, description, licenses, keywords, version, homepage, sources), otherwise the DCAT
term's local name in camelCase (publisher, contactPoint, themes, spatial, temporal,
accrualPeriodicity, issued, modified, language, provenance, conformsTo).

Obligations: ``dcat_ap`` is what DCAT-AP 3.0.1 says; ``obligation`` is our profile for Japanese
municipal data, which is stricter where open data needs it (a licence and a publisher are mandatory
here; recommended in DCAT-AP). Pure data: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = ["PROFILE_V2", "Kind", "Level", "Obligation", "PROPERTIES", "Property", "package_properties", "resource_properties"]

# The Data Package profile a descriptor we write names in ``$schema``.
PROFILE_V2 = "https://datapackage.org/profiles/2.0/datapackage.json"


class Obligation(str, Enum):
    MANDATORY = "mandatory"  # missing → error
    RECOMMENDED = "recommended"  # missing → warning
    OPTIONAL = "optional"  # missing → nothing


class Level(str, Enum):
    PACKAGE = "package"  # dcat:Dataset
    RESOURCE = "resource"  # dcat:Distribution


class Kind(str, Enum):
    TEXT = "text"  # a non-empty string
    NAME = "name"  # lowercase a-z0-9-_ (Frictionless name, CKAN name)
    TEXT_LIST = "text-list"  # list of non-empty strings
    URI = "uri"  # an http(s) URI
    URI_LIST = "uri-list"
    DATE = "date"  # ISO 8601 date (YYYY-MM-DD) or date-time
    PERIOD = "period"  # {start: date, end: date}
    AGENT = "agent"  # publisher: a code of opendata.yaml's publishers, or {code, name, url}
    CONTACT = "contact"  # {name, email, url, telephone}
    LICENSES = "licenses"  # Frictionless licenses list, each resolvable by metadata.licenses
    THEMES = "themes"  # EU data-theme codes (GOVE …) or their URIs
    FREQUENCY = "frequency"  # EU frequency code (ANNUAL …) or its URI
    LANGUAGES = "languages"  # ISO 639-1 codes
    LG_CODES = "lg-codes"  # 全国地方公共団体コード (6 digits, check digit)
    SOURCES = "sources"  # Frictionless sources list [{title, path}]
    VERSION = "version"  # free text, semver recommended
    INTEGER = "integer"
    HASH = "hash"  # "sha256:<hex>" (Frictionless v2 style)


@dataclass(frozen=True, slots=True)
class Property:
    key: str  # descriptor key
    label: str  # Japanese label (reports, README, static pages)
    label_en: str
    level: Level
    kind: Kind
    term: str | None  # the DCAT / DCT term (CURIE) it maps to; None when it has no RDF term
    dcat_ap: Obligation  # obligation in DCAT-AP 3.0.1
    obligation: Obligation  # obligation in our profile (drives the metadata check)
    ckan: str | None  # where it goes in a CKAN dataset: "title", "notes", "extras:frequency", "resource:size"
    default: str | None = None  # where a missing value comes from: "publisher.contact", "publisher.license", "package.licenses"
    note: str = ""


P, R = Level.PACKAGE, Level.RESOURCE
M, REC, OPT = Obligation.MANDATORY, Obligation.RECOMMENDED, Obligation.OPTIONAL

PROPERTIES: tuple[Property, ...] = (
    # --- dcat:Dataset ----------------------------------------------------------------------------
    Property("name", "識別名", "Name", P, Kind.NAME, "dct:identifier", OPT, M, "name+extras:identifier",
             note="URL・IRI・CKAN のデータセット名に使う。英小文字・数字・-_"),
    Property("title", "タイトル", "Title", P, Kind.TEXT, "dct:title", M, M, "title"),
    Property("description", "説明", "Description", P, Kind.TEXT, "dct:description", M, M, "notes"),
    Property("publisher", "提供者", "Publisher", P, Kind.AGENT, "dct:publisher", REC, M,
             "owner_org+extras:publisher_*",
             note="opendata.yaml の publishers の団体コード。名称・組織・既定値はそこから"),
    Property("contactPoint", "連絡先", "Contact point", P, Kind.CONTACT, "dcat:contactPoint", REC, REC,
             "maintainer+maintainer_email+extras:contact_*", default="publisher.contact"),
    Property("licenses", "ライセンス", "Licence", P, Kind.LICENSES, "dct:license", REC, M, "license_id",
             default="publisher.license",
             note="DCAT-AP では配信 (distribution) の推奨項目。各配信に引き継ぐ"),
    Property("keywords", "キーワード", "Keywords", P, Kind.TEXT_LIST, "dcat:keyword", REC, REC, "tags+extras:keywords"),
    Property("themes", "分類", "Themes", P, Kind.THEMES, "dcat:theme", REC, REC, "extras:theme",
             note="EU data-theme のコード (GOVE など)"),
    Property("spatial", "対象地域", "Spatial coverage", P, Kind.LG_CODES, "dct:spatial", REC, REC,
             "extras:spatial_uri", note="全国地方公共団体コード。RDF では e-Stat 統計地域 URI"),
    Property("temporal", "対象期間", "Temporal coverage", P, Kind.PERIOD, "dct:temporal", REC, REC,
             "extras:temporal_start+extras:temporal_end"),
    Property("accrualPeriodicity", "更新頻度", "Update frequency", P, Kind.FREQUENCY,
             "dct:accrualPeriodicity", OPT, REC, "extras:frequency", note="EU frequency のコード (ANNUAL など)"),
    Property("issued", "公開日", "Issued", P, Kind.DATE, "dct:issued", OPT, REC, "extras:issued"),
    Property("modified", "最終更新日", "Modified", P, Kind.DATE, "dct:modified", OPT, REC, "extras:modified",
             note="内容が変わったときだけ変える。ビルド時の時計やファイル時刻からは取らない"),
    Property("language", "言語", "Language", P, Kind.LANGUAGES, "dct:language", OPT, REC, "extras:language",
             note="ISO 639-1 (ja など)"),
    Property("version", "版", "Version", P, Kind.VERSION, "dcat:version", OPT, OPT, "version"),
    Property("homepage", "ランディングページ", "Landing page", P, Kind.URI, "dcat:landingPage", OPT, OPT, "url"),
    Property("conformsTo", "準拠する規格", "Conforms to", P, Kind.URI_LIST, "dct:conformsTo", OPT, OPT,
             "extras:conforms_to"),
    Property("sources", "出典", "Sources", P, Kind.SOURCES, "dct:source", OPT, OPT, "extras:source",
             note="Frictionless の sources (title, path)"),
    Property("provenance", "来歴", "Provenance", P, Kind.TEXT, "dct:provenance", OPT, OPT, "extras:provenance"),
    # --- dcat:Distribution -----------------------------------------------------------------------
    Property("name", "リソース名", "Resource name", R, Kind.NAME, None, OPT, M, "resource:opendata_pub_name+resource:name",
             note="ポータル上で同じリソースを見分ける鍵。変えないこと"),
    Property("path", "ファイル", "File", R, Kind.TEXT, "dcat:downloadURL", M, M, "resource:url",
             note="パッケージ内の相対パス。公開時に base_url かポータルの URL になる (dcat:accessURL も)"),
    Property("title", "タイトル", "Title", R, Kind.TEXT, "dct:title", OPT, REC, "resource:name"),
    Property("description", "説明", "Description", R, Kind.TEXT, "dct:description", REC, REC,
             "resource:description"),
    Property("format", "ファイル形式", "Format", R, Kind.TEXT, "dct:format", REC, REC, "resource:format"),
    Property("mediatype", "メディアタイプ", "Media type", R, Kind.TEXT, "dcat:mediaType", OPT, REC,
             "resource:mimetype"),
    Property("encoding", "文字コード", "Encoding", R, Kind.TEXT, None, OPT, REC, "resource:encoding",
             note="CSV の文字コード (utf-8, cp932 など)。読み込みの判定より優先"),
    Property("bytes", "サイズ", "Byte size", R, Kind.INTEGER, "dcat:byteSize", OPT, REC, "resource:size"),
    Property("hash", "ハッシュ値", "Checksum", R, Kind.HASH, "spdx:checksum", OPT, REC,
             "resource:hash+resource:hash_algorithm",
             note="sha256:<16進>。公開時の差分判定に使う"),
    Property("licenses", "ライセンス", "Licence", R, Kind.LICENSES, "dct:license", REC, OPT, "resource:license",
             default="package.licenses"),
)


def package_properties() -> tuple[Property, ...]:
    return tuple(p for p in PROPERTIES if p.level is Level.PACKAGE)


def resource_properties() -> tuple[Property, ...]:
    return tuple(p for p in PROPERTIES if p.level is Level.RESOURCE)


def markdown_table() -> str:
    """The property table as Markdown, for README.md (kept in sync by a test)."""
    lines = [
        "| level | key | 項目 | DCAT term | DCAT-AP 3 | ours | CKAN | default |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for p in PROPERTIES:
        lines.append(
            f"| {p.level.value} | `{p.key}` | {p.label} | {p.term or '—'} | {p.dcat_ap.value} | "
            f"{p.obligation.value} | {p.ckan or '—'} | {p.default or '—'} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - documentation helper
    print(markdown_table())
