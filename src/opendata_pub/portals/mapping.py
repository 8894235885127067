"""The CKAN mapping, as data: package metadata → CKAN dataset fields, and back.

Driven by the property table (``metadata/properties.py``): each property's ``ckan`` column names
where it goes ("title", "extras:frequency", "owner_org+extras:publisher_*", "resource:size"); this
module holds, for each such property, one encoder (our value → those CKAN fields) and one decoder
(CKAN fields → our value, for pulling a dataset that has no stored ``datapackage.json``). A test
keeps the two in step: every property with a CKAN column has a rule here, and a rule writes only
the fields its column names (plus the few additions listed in ``ADDITIONS``).

Extras are named as ckanext-dcat's DCAT-AP profiles read them (``publisher_name``, ``contact_email``,
``temporal_start``, ``spatial_uri``, ``theme`` as a JSON list of URIs …), so a portal running
ckanext-dcat serves our metadata as DCAT without further mapping.

Normal form, used for both sides of a comparison: a dataset is ``{field: value}`` for the top-level
fields we manage, ``"tags"`` as a sorted list of names and ``"extras"`` as ``{key: value}`` for the
extras we manage (other extras on the portal are left alone); a resource is ``{field: value}``.
Empty values are absent. Pure: no I/O.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..config import Settings
from ..japan.lgcode import with_check_digit
from ..metadata.ckan_names import ckan_tags
from ..metadata.licenses import License, find_license
from ..metadata.properties import PROPERTIES, Level, Property
from ..metadata.publication import effective_value, resolve_publisher
from ..metadata.vocabularies import FREQUENCY_BASE, LANGUAGE_BASE, LANGUAGES, THEME_BASE
from ..rdf.iris import file_url

__all__ = [
    "ADDITIONS",
    "DATASET_FIELDS",
    "ESTAT_SAC",
    "MANAGED_EXTRAS",
    "RESOURCE_FIELDS",
    "RESOURCE_KEY",
    "SHA256_ALGORITHM",
    "MappingContext",
    "Rule",
    "dataset_rules",
    "descriptor_from_ckan",
    "normalize_dataset",
    "normalize_resource",
    "resource_key",
    "resource_rules",
    "to_ckan_dataset",
    "to_ckan_resource",
]

# The resource field that keeps the package's resource name: CKAN's ``name`` is what people read
# (the resource's Japanese title), so matching a resource to ours goes by this key (see resource_key).
RESOURCE_KEY = "opendata_pub_name"
ESTAT_SAC = "http://data.e-stat.go.jp/lod/sac/C"  # + the 5-digit code without its check digit
SHA256_ALGORITHM = "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"  # what ckanext-dcat puts in spdx:algorithm

LicenseResolver = Callable[[License | None, str], str]


@dataclass(frozen=True, slots=True)
class MappingContext:
    """What the mapping needs besides the descriptor: defaults, and the portal's side of things."""

    settings: Settings | None
    organization: str | None  # the CKAN organization the dataset belongs to
    license_id: LicenseResolver  # our licence → the portal's licence id (raises when it has none)


Fields = dict[str, Any]
Encoder = Callable[[Any, Mapping[str, Any], MappingContext], Fields]
Decoder = Callable[[Mapping[str, Any]], Any]


@dataclass(frozen=True, slots=True)
class Rule:
    prop: Property
    targets: tuple[str, ...]  # from the table's ckan column: "title", "extras:publisher_*", "resource:size"
    encode: Encoder
    decode: Decoder | None


def _text(v: Any) -> str | None:
    if v is None or v == "" or isinstance(v, (dict, list)):
        return None
    return str(v)


def _json_list(values: list[str]) -> str | None:
    return json.dumps(values, ensure_ascii=False) if values else None


def _list(v: Any) -> list[Any]:
    if v in (None, "", [], {}):
        return []
    return list(v) if isinstance(v, (list, tuple)) else [v]


def _read_list(v: Any) -> list[str]:
    """A list extra as ckanext-dcat reads it: a JSON list, or comma-separated text."""
    if not v:
        return []
    if isinstance(v, list):
        return [str(x) for x in v]
    try:
        parsed = json.loads(v)
    except ValueError:
        return [x.strip() for x in str(v).split(",") if x.strip()]
    return [str(x) for x in parsed] if isinstance(parsed, list) else [str(parsed)]


def _first_license(value: Any) -> tuple[License | None, str]:
    for lic in _list(value):
        if isinstance(lic, Mapping):
            raw = str(lic.get("path") or lic.get("name") or "")
            return find_license(str(lic.get("path") or "")) or find_license(str(lic.get("name") or "")), raw
    return None, ""


# --- dataset encoders: our (effective) value → CKAN fields ----------------------------------------
def _publisher(v: Any, d: Mapping[str, Any], ctx: MappingContext) -> Fields:
    agent = resolve_publisher(v, ctx.settings)
    out: Fields = {"owner_org": ctx.organization}
    if agent is not None:
        out.update({"extras:publisher_name": agent.name, "extras:publisher_uri": agent.url,
                    "extras:publisher_url": agent.url, "extras:publisher_identifier": agent.code})
    return out


def _contact(v: Any, d: Mapping[str, Any], ctx: MappingContext) -> Fields:
    c = v if isinstance(v, Mapping) else {}
    return {"maintainer": _text(c.get("name")), "maintainer_email": _text(c.get("email")),
            "extras:contact_name": _text(c.get("name")), "extras:contact_email": _text(c.get("email"))}


def _license(v: Any, d: Mapping[str, Any], ctx: MappingContext) -> Fields:
    if not _list(v):
        return {}
    lic, raw = _first_license(v)
    return {"license_id": ctx.license_id(lic, raw)}


def _keywords(v: Any, d: Mapping[str, Any], ctx: MappingContext) -> Fields:
    # CKAN tags allow only letters, digits, space and - _ . (metadata/ckan_names.py maps each keyword);
    # the keywords as written go beside them, so nothing is lost and a pull gives them back exactly
    keywords = [str(k) for k in _list(v)]
    return {"tags": ckan_tags(keywords) or None, "extras:keywords": _json_list(keywords)}


def _sources(v: Any, d: Mapping[str, Any], ctx: MappingContext) -> Fields:
    """Each source as an absolute URL: a package file is served under the catalog's base URL (as in
    the DCAT output); without one, or for a source with no path, its title."""
    base = ctx.settings.catalog.base_url if ctx.settings is not None else None
    out = []
    for s in _list(v):
        if not isinstance(s, Mapping):
            continue
        path = str(s.get("path") or "")
        if "://" in path or (path and base):
            out.append(str(file_url(base or "", str(d.get("name") or ""), path)))
        elif s.get("title"):
            out.append(str(s["title"]))
    return {"extras:source": _json_list(out)}


def _codes(base: str, values: Any, *, upper: bool = False) -> list[str]:
    out = []
    for x in _list(values):
        code = str(x).removeprefix(base)
        out.append(base + (code.upper() if upper else code))
    return out


_DATASET_ENCODERS: dict[str, Encoder] = {
    "name": lambda v, d, ctx: {"name": _text(v), "extras:identifier": _text(d.get("id")) or _text(v)},
    "title": lambda v, d, ctx: {"title": _text(v)},
    "description": lambda v, d, ctx: {"notes": _text(v)},
    "publisher": _publisher,
    "contactPoint": _contact,
    "licenses": _license,
    "keywords": _keywords,
    "themes": lambda v, d, ctx: {"extras:theme": _json_list(_codes(THEME_BASE, v))},
    # ckanext-dcat's spatial_uri holds one URI: the first area (all of them stay in datapackage.json)
    "spatial": lambda v, d, ctx: {"extras:spatial_uri": (ESTAT_SAC + str(_list(v)[0])[:5]) if _list(v) else None},
    "temporal": lambda v, d, ctx: {"extras:temporal_start": _text((v or {}).get("start")) if isinstance(v, Mapping) else None,
                                   "extras:temporal_end": _text((v or {}).get("end")) if isinstance(v, Mapping) else None},
    "accrualPeriodicity": lambda v, d, ctx: {"extras:frequency": next(iter(_codes(FREQUENCY_BASE, v, upper=True)), None)},
    "issued": lambda v, d, ctx: {"extras:issued": _text(v)},
    "modified": lambda v, d, ctx: {"extras:modified": _text(v)},
    "language": lambda v, d, ctx: {"extras:language": _json_list(
        [LANGUAGE_BASE + LANGUAGES.get(str(x), str(x).upper()) for x in _list(v)])},
    "version": lambda v, d, ctx: {"version": _text(v)},
    "homepage": lambda v, d, ctx: {"url": _text(v)},
    "conformsTo": lambda v, d, ctx: {"extras:conforms_to": _json_list([str(x) for x in _list(v)])},
    "sources": _sources,
    "provenance": lambda v, d, ctx: {"extras:provenance": _text(v)},
}

# Fields a rule may write beyond its table column. Empty: the property table names every field
# (extras:identifier for dct:identifier, maintainer_email beside maintainer, hash_algorithm beside
# hash); a new entry here is a sign the table needs a change instead.
ADDITIONS: dict[str, tuple[str, ...]] = {}


# --- dataset decoders: normal-form CKAN dataset → our value ---------------------------------------
def _x(key: str) -> Decoder:
    return lambda n: (n.get("extras") or {}).get(key)


def _decode_publisher(n: Mapping[str, Any]) -> Any:
    ex = n.get("extras") or {}
    agent = {k: v for k, v in (("code", ex.get("publisher_identifier")), ("name", ex.get("publisher_name")),
                               ("url", ex.get("publisher_url") or ex.get("publisher_uri"))) if v}
    if not agent and n.get("organization_title"):
        agent = {"name": n["organization_title"]}
    return agent or None


def _decode_contact(n: Mapping[str, Any]) -> Any:
    ex = n.get("extras") or {}
    c = {k: v for k, v in (("name", ex.get("contact_name") or n.get("maintainer")),
                           ("email", ex.get("contact_email") or n.get("maintainer_email"))) if v}
    return c or None


def _decode_license(n: Mapping[str, Any]) -> Any:
    lid = n.get("license_id")
    if not lid:
        return None
    known = find_license(str(n.get("license_url") or "")) or find_license(str(lid))
    if known is not None:
        return [{"name": known.id, "path": known.uri, "title": known.title}]
    entry = {"name": str(lid)}
    if n.get("license_url"):
        entry["path"] = str(n["license_url"])
    if n.get("license_title"):
        entry["title"] = str(n["license_title"])
    return [entry]


def _decode_spatial(n: Mapping[str, Any]) -> Any:
    uri = (n.get("extras") or {}).get("spatial_uri") or ""
    code = uri.removeprefix(ESTAT_SAC)
    return [with_check_digit(code)] if uri.startswith(ESTAT_SAC) and len(code) == 5 and code.isdigit() else None


def _decode_temporal(n: Mapping[str, Any]) -> Any:
    ex = n.get("extras") or {}
    t = {k: ex[f"temporal_{k}"] for k in ("start", "end") if ex.get(f"temporal_{k}")}
    return t or None


_REVERSE_LANG = {v: k for k, v in LANGUAGES.items()}

_DATASET_DECODERS: dict[str, Decoder] = {
    "name": lambda n: n.get("name"),
    "title": lambda n: n.get("title"),
    "description": lambda n: n.get("notes"),
    "publisher": _decode_publisher,
    "contactPoint": _decode_contact,
    "licenses": _decode_license,
    "keywords": lambda n: _read_list(_x("keywords")(n)) or list(n.get("tags") or []) or None,
    "themes": lambda n: [x.removeprefix(THEME_BASE) for x in _read_list(_x("theme")(n))] or None,
    "spatial": _decode_spatial,
    "temporal": _decode_temporal,
    "accrualPeriodicity": lambda n: (_x("frequency")(n) or "").removeprefix(FREQUENCY_BASE) or None,
    "issued": _x("issued"),
    "modified": _x("modified"),
    "language": lambda n: [_REVERSE_LANG.get(x.removeprefix(LANGUAGE_BASE), x.removeprefix(LANGUAGE_BASE).lower())
                           for x in _read_list(_x("language")(n))] or None,
    "version": lambda n: n.get("version"),
    "homepage": lambda n: n.get("url"),
    "conformsTo": lambda n: _read_list(_x("conforms_to")(n)) or None,
    "sources": lambda n: [{"title": s, "path": s} if "://" in s else {"title": s}
                          for s in _read_list(_x("source")(n))] or None,
    "provenance": _x("provenance"),
}


# --- resources -----------------------------------------------------------------------------------
def _resource_license(v: Any, d: Mapping[str, Any], ctx: MappingContext) -> Fields:
    lic, raw = _first_license(v)
    return {"resource:license": lic.uri if lic else (raw or None)}


def _hash(v: Any, d: Mapping[str, Any], ctx: MappingContext) -> Fields:
    text = _text(v)
    if text and text.startswith("sha256:"):
        return {"resource:hash": text.removeprefix("sha256:").lower(), "resource:hash_algorithm": SHA256_ALGORITHM}
    return {"resource:hash": text, "resource:hash_algorithm": None}


_RESOURCE_ENCODERS: dict[str, Encoder] = {
    "name": lambda v, d, ctx: {"resource:opendata_pub_name": _text(v), "resource:name": _text(v)},
    # url is the portal's own download URL for an uploaded file; only a remote path is sent as url
    "path": lambda v, d, ctx: {"resource:url": v if isinstance(v, str) and "://" in v else None},
    # CKAN has one display field, ``name``: the title when there is one (our name is kept in RESOURCE_KEY)
    "title": lambda v, d, ctx: {"resource:name": _text(v)},
    "description": lambda v, d, ctx: {"resource:description": _text(v)},
    "format": lambda v, d, ctx: {"resource:format": (_text(v) or "").upper() or None},
    "mediatype": lambda v, d, ctx: {"resource:mimetype": _text(v)},
    "encoding": lambda v, d, ctx: {"resource:encoding": _text(v)},
    "bytes": lambda v, d, ctx: {"resource:size": v if isinstance(v, int) and not isinstance(v, bool) else None},
    "hash": _hash,
    "licenses": _resource_license,
}


_RESOURCE_DECODERS: dict[str, Decoder] = {
    "name": lambda r: resource_key(r) or None,
    "path": lambda r: None,  # decided by pull (a local file name)
    # published before names were titles, a resource may carry the title in a field of its own
    "title": lambda r: r.get("title") or (r.get("name") if r.get(RESOURCE_KEY) not in (None, "", r.get("name"))
                                          else None),
    "description": lambda r: r.get("description"),
    "format": lambda r: str(r["format"]).lower() if r.get("format") else None,
    "mediatype": lambda r: r.get("mimetype"),
    "encoding": lambda r: r.get("encoding"),
    "bytes": lambda r: r.get("size"),
    "hash": lambda r: f"sha256:{r['hash']}" if r.get("hash") and _is_sha256(r) else None,
    "licenses": lambda r: [{"name": lic.id, "path": lic.uri, "title": lic.title}]
    if r.get("license") and (lic := find_license(str(r["license"]))) else None,
}


def _is_sha256(r: Mapping[str, Any]) -> bool:
    algo = str(r.get("hash_algorithm") or "")
    h = str(r.get("hash") or "").removeprefix("sha256:")
    return (not algo or algo.lower().endswith("sha256")) and len(h) == 64


def _rules(level: Level, encoders: Mapping[str, Encoder], decoders: Mapping[str, Decoder]) -> tuple[Rule, ...]:
    rules = []
    for prop in PROPERTIES:
        if prop.level is level and prop.ckan:
            rules.append(Rule(prop, tuple(prop.ckan.split("+")), encoders[prop.key], decoders.get(prop.key)))
    return tuple(rules)


_DATASET_RULES = _rules(Level.PACKAGE, _DATASET_ENCODERS, _DATASET_DECODERS)
_RESOURCE_RULES = _rules(Level.RESOURCE, _RESOURCE_ENCODERS, _RESOURCE_DECODERS)


def dataset_rules() -> tuple[Rule, ...]:
    return _DATASET_RULES


def resource_rules() -> tuple[Rule, ...]:
    return _RESOURCE_RULES


def rule_writes(rule: Rule, key: str) -> bool:
    """Whether ``key`` (an encoder output) is one of the fields the rule's table column names."""
    targets = rule.targets + ADDITIONS.get(rule.prop.key if rule.prop.level is Level.PACKAGE
                                           else f"resource:{rule.prop.key}", ())
    return any(fnmatch.fnmatchcase(key, t) for t in targets)


# Every top-level field and extra the dataset mapping can write: the fields we manage on the portal.
DATASET_FIELDS = ("name", "title", "notes", "owner_org", "license_id", "maintainer", "maintainer_email",
                  "version", "url")
MANAGED_EXTRAS = ("identifier", "publisher_name", "publisher_uri", "publisher_url", "publisher_identifier",
                  "contact_name", "contact_email", "theme", "spatial_uri", "temporal_start", "temporal_end",
                  "frequency", "issued", "modified", "language", "conforms_to", "source", "provenance",
                  "keywords")
# "title" is no longer written (it is the name now) but stays managed, so a re-publish removes it
RESOURCE_FIELDS = ("name", RESOURCE_KEY, "title", "description", "format", "mimetype", "encoding", "size", "hash",
                   "hash_algorithm", "license")


def to_ckan_dataset(descriptor: Mapping[str, Any], ctx: MappingContext) -> dict[str, Any]:
    """The dataset in normal form (see the module doc), from a package descriptor."""
    out: dict[str, Any] = {}
    extras: dict[str, str] = {}
    for rule in _DATASET_RULES:
        value, _ = effective_value(rule.prop, descriptor, ctx.settings)
        for key, v in rule.encode(value, descriptor, ctx).items():
            if v in (None, "", []):
                continue
            if key.startswith("extras:"):
                extras[key.removeprefix("extras:")] = str(v)
            else:
                out[key] = v
    if extras:
        out["extras"] = dict(sorted(extras.items()))
    return out


def to_ckan_resource(resource: Mapping[str, Any], package: Mapping[str, Any], ctx: MappingContext,
                     *, size: int | None, sha256: str | None) -> dict[str, Any]:
    """A resource in normal form. ``size`` and ``sha256`` are the file's own (they win over the
    descriptor's ``bytes`` and ``hash``, which may be missing or stale)."""
    out: dict[str, Any] = {}
    for rule in _RESOURCE_RULES:
        value, _ = effective_value(rule.prop, resource, ctx.settings, package=package)
        for key, v in rule.encode(value, resource, ctx).items():
            if v not in (None, "", []):
                out[key.removeprefix("resource:")] = v
    if size is not None:
        out["size"] = size
    if sha256 is not None:
        out["hash"], out["hash_algorithm"] = sha256, SHA256_ALGORITHM
    return out


def resource_key(res: Mapping[str, Any]) -> str:
    """The package's name of a portal resource: the kept name, else (published before names were
    titles, or not by us) CKAN's ``name``."""
    return str(res.get(RESOURCE_KEY) or res.get("name") or "")


def _empty(v: Any) -> bool:
    return v is None or v == "" or v == [] or v == {}


def normalize_dataset(pkg: Mapping[str, Any]) -> dict[str, Any]:
    """A dataset from ``package_show`` in normal form: only the fields and extras we manage."""
    out: dict[str, Any] = {}
    for key in DATASET_FIELDS:
        v = pkg.get(key)
        if key == "owner_org":
            org = pkg.get("organization")
            v = org.get("name") if isinstance(org, Mapping) else v
        if not _empty(v):
            out[key] = v
    tags = sorted(str(t.get("name")) for t in pkg.get("tags") or [] if isinstance(t, Mapping))
    if tags:
        out["tags"] = tags
    extras = {str(e.get("key")): str(e.get("value")) for e in pkg.get("extras") or []
              if isinstance(e, Mapping) and e.get("key") in MANAGED_EXTRAS and not _empty(e.get("value"))}
    if extras:
        out["extras"] = dict(sorted(extras.items()))
    return out


def normalize_resource(res: Mapping[str, Any]) -> dict[str, Any]:
    """A resource from ``package_show`` in normal form (the fields we manage)."""
    out: dict[str, Any] = {}
    for key in RESOURCE_FIELDS:
        v = res.get(key)
        if _empty(v):
            continue
        if key == "size":
            try:
                v = int(str(v))
            except (TypeError, ValueError):
                continue
        if key == "hash":
            v = str(v).removeprefix("sha256:").lower()
        out[key] = v
    if res.get("url_type") != "upload" and res.get("url"):
        out["url"] = res["url"]
    return out


def descriptor_from_ckan(pkg: Mapping[str, Any]) -> dict[str, Any]:
    """A package descriptor mapped back from a CKAN dataset (for a dataset with no datapackage.json).
    Resource paths are left to the caller, which knows where it saved each file. A scheming
    portal's dataset goes through ``scheming.unplace`` first (its fields become the extras read here)."""
    normal = normalize_dataset(pkg)
    org = pkg.get("organization")
    if isinstance(org, Mapping) and org.get("title"):
        normal["organization_title"] = org["title"]
    desc: dict[str, Any] = {}
    for rule in _DATASET_RULES:
        if rule.decode is not None:
            value = rule.decode(normal)
            if not _empty(value):
                desc[rule.prop.key] = value
    # dct:identifier is the descriptor's id when it has one, else its name (the name rule's encoder):
    # one that is not the name comes back as the id
    identifier = (normal.get("extras") or {}).get("identifier")
    if identifier and identifier != desc.get("name"):
        desc["id"] = identifier
    resources = []
    for res in pkg.get("resources") or []:
        r: dict[str, Any] = {}
        for rule in _RESOURCE_RULES:
            if rule.decode is not None:
                value = rule.decode(res)
                if not _empty(value):
                    r[rule.prop.key] = value
        resources.append(r)
    desc["resources"] = resources
    return desc
