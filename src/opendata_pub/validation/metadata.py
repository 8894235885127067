"""Layer (c): the publication-metadata profile (DCAT-AP 3 obligations plus our Japanese fields).

Driven entirely by ``metadata.properties.PROPERTIES``: a mandatory property missing is an error
(``metadata-missing``), a recommended one a warning (``metadata-recommended``), and every present
value is checked by its kind (``metadata-invalid``).

Every value must also be publishable: a value that cannot become an RDF term (an IRI with ``|`` or
``"``, a text with a control character XML cannot hold …) is ``metadata-invalid`` too, so that
``publish`` refuses it before writing anything instead of failing half-way. The rules are
``rdf.terms``' two predicates; the kind checks use them for precise messages, and the package's
DCAT graph is then built exactly as ``rdf``/``publish`` build it, collecting what did not fit, so
the two can never disagree. The values of opendata.yaml that every page and graph carries (the
catalog, the publishers) are checked the same way and reported at ``opendata.yaml:<key>``: they
load fine (a typo there must not stop ``validate`` from showing everything else) but cannot be
published. Pure apart from that graph: works on the parsed descriptor.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..config import Settings, placeholders
from ..findings import Finding, Layer, Location, Severity
from ..japan.lgcode import lg_code_problem, lg_code_type_problem
from ..metadata.licenses import find_license
from ..metadata.properties import PROPERTIES, Kind, Level, Obligation, Property
from ..metadata.publication import effective_value, resolve_publisher
from ..metadata.vocabularies import FREQUENCIES, FREQUENCY_BASE, LANGUAGES, THEME_BASE, THEMES
from ..packaging.package import LocalPackage, is_remote
from ..packaging.stamp import stamp_hint
from ..rdf.dcat_out import build_package_graph
from ..rdf.iris import PLACEHOLDER_BASE_URL
from ..rdf.terms import UnsafeTerm, iri_problem, literal_problem

__all__ = ["check_metadata"]

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")
_URI = re.compile(r"^https?://[^\s]+$", re.IGNORECASE)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_HASH = re.compile(r"^(sha256:[0-9a-f]{64}|sha1:[0-9a-f]{40}|md5:[0-9a-f]{32}|[0-9a-f]{32})$")


def _missing(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _url_problem(value: Any) -> str | None:
    """Why ``value`` is not an http(s) URL that can be an IRI; None when it is one."""
    if not isinstance(value, str) or not _URI.match(value):
        return f"http(s) の URL が必要です: {value!r}"
    problem = iri_problem(value)
    return f"URL を IRI にできません: {problem}: {value!r}" if problem else None


def _text_problem(value: Any) -> str | None:
    """Why a text cannot be published (RDF literal, HTML, UTF-8); None when it can."""
    if not isinstance(value, str):
        return None
    problem = literal_problem(value)
    return f"{problem}: {value!r}" if problem else None


def _parse_date(text: Any) -> date | None:
    if not isinstance(text, str):
        return None
    try:
        if "T" in text:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
        return date.fromisoformat(text)
    except ValueError:
        return None


# What a kind checker yields: (message, sub-key under the property's key, or None for the key itself).
_Problems = Iterator[tuple[str, str | None]]
_Checker = Callable[[Property, Any, Settings | None], _Problems]


def _as_list(value: Any) -> list[Any]:
    """A list-valued property also accepts a single value, checked as the list of it."""
    return value if isinstance(value, list) else [value]


def _check_text(prop: Property, value: Any, settings: Settings | None) -> _Problems:
    if not isinstance(value, str) or not value.strip():
        yield "空でない文字列が必要です", None
    elif (problem := _text_problem(value)) is not None:
        yield problem, None
    # A relative downloadURL is resolved against the site later; only an absolute one must be an IRI now.
    elif prop.term == "dcat:downloadURL" and "://" in value and (problem := iri_problem(value)):
        yield f"URL を IRI にできません: {problem}: {value!r}", None


def _check_name(prop: Property, value: Any, settings: Settings | None) -> _Problems:
    if not isinstance(value, str) or not _NAME.match(value):
        yield f"英小文字・数字・- _ だけの名前が必要です (CKAN と URL で使うため): {value!r}", None


def _check_version(prop: Property, value: Any, settings: Settings | None) -> _Problems:
    # YAML reads 1.0 as a float and 2 as an int: both are fine as versions, a boolean is not.
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        yield "版は文字列で書いてください", None
    elif (problem := _text_problem(value)) is not None:
        yield problem, None


def _check_text_list(prop: Property, value: Any, settings: Settings | None) -> _Problems:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        yield "空でない文字列のリストが必要です", None
        return
    seen = set()
    for i, v in enumerate(value):
        if v in seen:
            yield f"重複しています: {v!r}", f"[{i}]"
        elif (problem := _text_problem(v)) is not None:
            yield problem, f"[{i}]"
        seen.add(v)


def _check_uri(prop: Property, value: Any, settings: Settings | None) -> _Problems:
    if (problem := _url_problem(value)) is not None:
        yield problem, None


def _check_uri_list(prop: Property, value: Any, settings: Settings | None) -> _Problems:
    for i, v in enumerate(_as_list(value)):
        if (problem := _url_problem(v)) is not None:
            yield problem, f"[{i}]"


def _check_date(prop: Property, value: Any, settings: Settings | None) -> _Problems:
    if _parse_date(value) is None:
        yield f"ISO 8601 の日付 (YYYY-MM-DD) が必要です: {value!r}", None


def _check_period(prop: Property, value: Any, settings: Settings | None) -> _Problems:
    if not isinstance(value, Mapping) or not set(value) <= {"start", "end"} or not value:
        yield "{start: YYYY-MM-DD, end: YYYY-MM-DD} の形で書いてください", None
        return
    start, end = (_parse_date(value.get(x)) if value.get(x) is not None else None for x in ("start", "end"))
    for x, parsed in (("start", start), ("end", end)):
        if value.get(x) is not None and parsed is None:
            yield f"ISO 8601 の日付が必要です: {value.get(x)!r}", f".{x}"
    if start and end and start > end:
        yield f"開始日 {start} が終了日 {end} より後です", None


def _check_agent(prop: Property, value: Any, settings: Settings | None) -> _Problems:
    agent = resolve_publisher(value, settings)
    if agent is None or agent.code is None and agent.name is None:
        yield "提供者は団体コード (文字列) か {code, name, url} で書いてください", None
        return
    if not isinstance(value, Mapping) and (type_problem := lg_code_type_problem(value)) is not None:
        yield type_problem, None
    problem = lg_code_problem(agent.code) if agent.code is not None else None
    if problem:
        yield problem, None
    elif agent.name is None:
        yield (f"団体コード {agent.code} の提供者の名称がわかりません "
               "(opendata.yaml の publishers に登録するか、{code, name} で書いてください)"), None
    if isinstance(value, Mapping):  # values from opendata.yaml are checked at their own keys
        yield from _agent_fields(value)


def _agent_fields(value: Mapping[str, Any]) -> _Problems:
    """The publishable texts and URL of a publisher written out in the descriptor."""
    for key in ("name", "name_en"):
        if (problem := _text_problem(value.get(key))) is not None:
            yield problem, f".{key}"
    if value.get("url") is not None and (problem := _url_problem(value.get("url"))) is not None:
        yield problem, ".url"


def _check_contact(prop: Property, value: Any, settings: Settings | None) -> _Problems:
    if not isinstance(value, Mapping):
        yield "{name, email, url, telephone} の形で書いてください", None
        return
    extra = set(value) - {"name", "email", "url", "telephone"}
    if extra:
        yield f"不明なキー: {', '.join(sorted(map(str, extra)))}", None
    if not value.get("name"):
        yield "連絡先の名称 (name) がありません", ".name"
    if not (value.get("email") or value.get("url") or value.get("telephone")):
        yield "メール・URL・電話番号のいずれかが必要です", None
    yield from _contact_email(value)
    if value.get("url") and (problem := _url_problem(str(value["url"]))) is not None:
        yield problem, ".url"
    for key in ("name", "telephone"):
        if (problem := _text_problem(value.get(key))) is not None:
            yield problem, f".{key}"


def _contact_email(value: Mapping[str, Any]) -> _Problems:
    """An address must look like one, and then become a mailto: IRI (the RDF vcard:hasEmail)."""
    if value.get("email") and not _EMAIL.match(str(value["email"])):
        yield f"メールアドレスとして不正です: {value['email']!r}", ".email"
    elif value.get("email") and (problem := iri_problem(f"mailto:{value['email']}")):
        yield f"メールアドレスを mailto: の IRI にできません: {problem}: {value['email']!r}", ".email"


def _check_licenses(prop: Property, value: Any, settings: Settings | None) -> _Problems:
    if not isinstance(value, list) or not value:
        yield "licenses は {name, path, title} のリストで書いてください", None
        return
    for i, lic in enumerate(value):
        if not isinstance(lic, Mapping) or not (lic.get("name") or lic.get("path")):
            yield "各ライセンスに name か path が必要です", f"[{i}]"
            continue
        for message in _license_problems(lic):
            yield message, f"[{i}]"
        if (problem := _text_problem(lic.get("title"))) is not None:
            yield problem, f"[{i}].title"


def _license_problems(lic: Mapping[str, Any]) -> Iterator[str]:
    """A license must be one we know, and its name and path must not name two different ones."""
    known = find_license(str(lic.get("path") or "")) or find_license(str(lic.get("name") or ""))
    if known is None:
        yield (f"知らないライセンスです: {lic.get('name') or lic.get('path')!r} "
               "(PDL-1.0, CC-BY-4.0, CC0-1.0 など)")
    elif lic.get("path") and find_license(str(lic["path"])) is not known:
        yield f"name と path が別のライセンスを指しています: {lic.get('name')!r} / {lic.get('path')!r}"


def _check_themes(prop: Property, value: Any, settings: Settings | None) -> _Problems:
    for i, v in enumerate(_as_list(value)):
        code = str(v).removeprefix(THEME_BASE) if isinstance(v, str) else v
        if code not in THEMES:
            yield f"EU data-theme のコードではありません: {v!r} (使えるもの: {', '.join(THEMES)})", f"[{i}]"


def _check_frequency(prop: Property, value: Any, settings: Settings | None) -> _Problems:
    code = str(value).removeprefix(FREQUENCY_BASE).upper() if isinstance(value, str) else value
    if code not in FREQUENCIES:
        yield f"EU frequency のコードではありません: {value!r} (ANNUAL, MONTHLY, IRREG など)", None


def _check_languages(prop: Property, value: Any, settings: Settings | None) -> _Problems:
    for i, v in enumerate(_as_list(value)):
        if v not in LANGUAGES:
            yield f"ISO 639-1 の言語コードではありません: {v!r}", f"[{i}]"


def _check_lg_codes(prop: Property, value: Any, settings: Settings | None) -> _Problems:
    for i, v in enumerate(_as_list(value)):
        if (type_problem := lg_code_type_problem(v)) is not None:
            yield type_problem, f"[{i}]"
        elif problem := lg_code_problem(v):
            yield problem, f"[{i}]"


def _check_sources(prop: Property, value: Any, settings: Settings | None) -> _Problems:
    if not isinstance(value, list) or not all(isinstance(s, Mapping) and s.get("title") for s in value):
        yield "sources は {title, path} のリストで書いてください", None
        return
    for i, src in enumerate(value):
        if (problem := _text_problem(src.get("title"))) is not None:
            yield problem, f"[{i}].title"
        path = src.get("path")
        # A relative path names a file of the package; only a URL must be an IRI.
        if isinstance(path, str) and "://" in path and (problem := iri_problem(path)):
            yield f"URL を IRI にできません: {problem}: {path!r}", f"[{i}].path"


def _check_integer(prop: Property, value: Any, settings: Settings | None) -> _Problems:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        yield f"0 以上の整数が必要です: {value!r}", None


def _check_hash(prop: Property, value: Any, settings: Settings | None) -> _Problems:
    if not isinstance(value, str) or not _HASH.match(value):
        yield f"ハッシュ値は sha256:<64桁の16進> で書いてください: {value!r}", None


# Every Kind has its checker; indexing (not .get) makes a new Kind without one fail loudly.
_CHECKERS: dict[Kind, _Checker] = {
    Kind.TEXT: _check_text,
    Kind.NAME: _check_name,
    Kind.VERSION: _check_version,
    Kind.TEXT_LIST: _check_text_list,
    Kind.URI: _check_uri,
    Kind.URI_LIST: _check_uri_list,
    Kind.DATE: _check_date,
    Kind.PERIOD: _check_period,
    Kind.AGENT: _check_agent,
    Kind.CONTACT: _check_contact,
    Kind.LICENSES: _check_licenses,
    Kind.THEMES: _check_themes,
    Kind.FREQUENCY: _check_frequency,
    Kind.LANGUAGES: _check_languages,
    Kind.LG_CODES: _check_lg_codes,
    Kind.SOURCES: _check_sources,
    Kind.INTEGER: _check_integer,
    Kind.HASH: _check_hash,
}


def _problems(prop: Property, value: Any, settings: Settings | None) -> _Problems:
    """Yield (message, sub-key) for each problem with a present value, as its kind's checker finds them."""
    return _CHECKERS[prop.kind](prop, value, settings)


def _check(prop: Property, descriptor: Mapping[str, Any], settings: Settings | None, *, file: str,
           key_prefix: str, resource: str | None, package: Mapping[str, Any] | None) -> Iterator[Finding]:
    value, origin = effective_value(prop, descriptor, settings, package=package)
    key = f"{key_prefix}{prop.key}"
    params = {"property": prop.key, "term": prop.term, "level": prop.level.value}
    if _missing(value):
        if prop.obligation is Obligation.MANDATORY:
            yield Finding("metadata-missing", f"必須項目「{prop.label}」({prop.key}) がありません",
                          Severity.ERROR, Location(file=file, key=key), Layer.METADATA, resource, params)
        elif prop.obligation is Obligation.RECOMMENDED:
            yield Finding("metadata-recommended", f"推奨項目「{prop.label}」({prop.key}) がありません",
                          Severity.WARNING, Location(file=file, key=key), Layer.METADATA, resource, params,
                          hint=_recorded_by_build(prop, descriptor, file))
        return
    for message, sub in _problems(prop, value, settings):
        where = key + (sub or "") if origin is None else f"{key} (既定値: {origin})"
        yield Finding("metadata-invalid", f"「{prop.label}」: {message}", Severity.ERROR,
                      Location(file=file, key=where), Layer.METADATA, resource, params)


def _recorded_by_build(prop: Property, resource: Mapping[str, Any], file: str) -> str | None:
    """The command that records a missing bytes/hash: only for a resource with local files."""
    if prop.level is not Level.RESOURCE or prop.key not in {"bytes", "hash"}:
        return None
    paths = resource.get("path")
    values = paths if isinstance(paths, list) else [paths]
    if not values or not all(isinstance(v, str) and v and not is_remote(v) for v in values):
        return None
    return stamp_hint(Path(file).parent)


def _config_findings(settings: Settings | None) -> Iterator[Finding]:
    """The values of opendata.yaml that every published page and graph carries, checked for publishing."""
    if settings is None or settings.path is None:
        return
    cat = settings.catalog
    checks: list[tuple[str, str | None, bool]] = [  # key, value, is a URL
        ("catalog.title", cat.title, False), ("catalog.title_en", cat.title_en, False),
        ("catalog.description", cat.description, False), ("catalog.homepage", cat.homepage, True),
        ("catalog.base_url", cat.base_url, True),
    ]
    for i, pub in enumerate(settings.publishers):
        k = f"publishers[{i}]"
        checks += [(f"{k}.name", pub.name, False), (f"{k}.name_en", pub.name_en, False), (f"{k}.url", pub.url, True)]
        if pub.contact is not None:
            c = pub.contact
            checks += [(f"{k}.contact.name", c.name, False), (f"{k}.contact.url", c.url, True),
                       (f"{k}.contact.telephone", c.telephone, False)]
            if c.email and (problem := iri_problem(f"mailto:{c.email}")):
                yield _config_finding(settings, f"{k}.contact.email",
                                      f"メールアドレスを mailto: の IRI にできません: {problem}: {c.email!r}")
    for key, value, is_url in checks:
        if not value:
            continue
        message = _url_problem(value) if is_url else _text_problem(value)
        if message is not None:
            yield _config_finding(settings, key, message)


def _placeholder_findings(settings: Settings | None) -> Iterator[Finding]:
    """The blanks of the starter opendata.yaml (``init``) not yet replaced: publishing them would put
    a made-up municipality on the portal, so each is an error naming its key."""
    if settings is None or settings.path is None:
        return
    for key, value in placeholders(settings):
        yield Finding("config-placeholder", f"opendata.yaml の {key} が init の仮の値 {value!r} のままです。"
                      "自団体の値に置き換えてください", Severity.ERROR,
                      Location(file=_shown(settings.path), key=key), Layer.METADATA, None, {"config_key": key})


def _shown(path: str | os.PathLike[str]) -> str:
    """A path as findings show it: relative to the working directory when it can be."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def _config_finding(settings: Settings, key: str, message: str) -> Finding:
    assert settings.path is not None
    return Finding("metadata-invalid", f"opendata.yaml の値を公開できません: {message}", Severity.ERROR,
                   Location(file=_shown(settings.path), key=key), Layer.METADATA, None, {"config_key": key})


def _unpublishable(descriptor: Mapping[str, Any], settings: Settings | None, file: str,
                   reported: list[Finding]) -> Iterator[Finding]:
    """What the DCAT graph builder (as ``rdf`` and ``publish`` run it) could not turn into RDF.

    The kind checks above already said most of it, more precisely: a problem is reported here only
    when no finding names its key or its value yet.
    """
    base = settings.catalog.base_url if settings is not None else None
    if not base or iri_problem(base):  # a bad base_url is reported at its own key
        base = PLACEHOLDER_BASE_URL
    path = Path(file)
    unsafe: list[UnsafeTerm] = []
    try:
        build_package_graph(LocalPackage(path.parent, path, dict(descriptor)), settings, base_url=base,
                            include_data=False, unsafe=unsafe)
    except Exception:  # noqa: BLE001 - odd descriptors: the SHACL layer builds the same graph and reports it
        if os.environ.get("OPENDATA_PUB_DEBUG"):
            raise
        return
    for exc in unsafe:
        key = exc.where or ""
        bare = key.split(" (", 1)[0]
        shown_file = file if exc.path in (None, str(path)) else _shown(exc.path)
        if any(f.where.file == shown_file and (f.where.key or "").startswith(bare) or repr(exc.value) in f.message
               for f in reported):
            continue
        where = file if exc.path in (None, str(path)) else _shown(exc.path)
        finding = Finding("metadata-invalid", exc.description, Severity.ERROR, Location(file=where, key=key or None),
                          Layer.METADATA, None, {"value": exc.value})
        reported.append(finding)
        yield finding


def _descriptor_findings(descriptor: Mapping[str, Any], settings: Settings | None, file: str) -> Iterator[Finding]:
    for prop in PROPERTIES:
        if prop.level is Level.PACKAGE:
            yield from _check(prop, descriptor, settings, file=file, key_prefix="", resource=None, package=None)
    resources = descriptor.get("resources")
    if not isinstance(resources, list):
        return
    for i, res in enumerate(resources):
        if not isinstance(res, Mapping):
            continue
        name = res.get("name") if isinstance(res.get("name"), str) else None
        for prop in PROPERTIES:
            if prop.level is Level.RESOURCE:
                yield from _check(prop, res, settings, file=file, key_prefix=f"resources[{i}].", resource=name,
                                  package=descriptor)


def check_metadata(descriptor: Mapping[str, Any], settings: Settings | None, *, file: str) -> Iterator[Finding]:
    """Check a package descriptor against the publication-metadata profile, and that it can be published."""
    reported = [*_descriptor_findings(descriptor, settings, file), *_config_findings(settings),
                *_placeholder_findings(settings)]
    yield from reported
    yield from _unpublishable(descriptor, settings, file, reported)
