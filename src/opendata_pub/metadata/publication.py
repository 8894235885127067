"""A package's publication metadata as it will be published: the descriptor plus project defaults.

Each package names its publisher (a 全国地方公共団体コード from opendata.yaml, or a full mapping); the
publisher's entry supplies the defaults the property table names (contact point, licence). Defaults
are applied when reading, never written back into the descriptor, so the files stay as the person
wrote them and a fresh clone builds the same bytes. Pure: no I/O.

This module sits below ``config``: it never imports it. What it needs from the project settings
is described by the small protocols below, which ``config.Settings`` and ``config.Publisher`` meet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from .licenses import find_license
from .properties import Level, Property, package_properties

__all__ = ["AgentRef", "ContactInfo", "PublisherInfo", "PublisherLookup", "effective_value", "license_entry",
           "resolve_publisher", "self_contained"]


class ContactInfo(Protocol):
    """A publisher's contact point (``config.Contact``)."""

    @property
    def name(self) -> str: ...
    @property
    def email(self) -> str | None: ...
    @property
    def url(self) -> str | None: ...
    @property
    def telephone(self) -> str | None: ...


class PublisherInfo(Protocol):
    """A configured publisher (``config.Publisher``)."""

    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def name_en(self) -> str | None: ...
    @property
    def url(self) -> str | None: ...
    @property
    def organization(self) -> str | None: ...
    @property
    def contact(self) -> ContactInfo | None: ...
    @property
    def license(self) -> str | None: ...


class PublisherLookup(Protocol):
    """Where configured publishers are found by code (``config.Settings``)."""

    def publisher(self, code: str) -> PublisherInfo | None: ...


@dataclass(frozen=True, slots=True)
class AgentRef:
    """The publisher as resolved: from the config when the code is known there."""

    code: str | None
    name: str | None
    url: str | None = None
    name_en: str | None = None
    configured: PublisherInfo | None = None


def resolve_publisher(value: Any, settings: PublisherLookup | None) -> AgentRef | None:
    """Resolve a descriptor ``publisher`` value; None when there is none."""
    if value is None or value == "":
        return None
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        code = str(value).strip()
        pub = settings.publisher(code) if settings else None
        if pub is not None:
            return AgentRef(code=pub.code, name=pub.name, url=pub.url, name_en=pub.name_en, configured=pub)
        return AgentRef(code=code, name=None)
    if isinstance(value, Mapping):
        raw_code = value.get("code")
        mapped_code = str(raw_code).strip() if raw_code is not None else None
        pub = settings.publisher(mapped_code) if (settings and mapped_code) else None
        return AgentRef(
            code=mapped_code,
            name=value.get("name") or (pub.name if pub else None),
            url=value.get("url") or (pub.url if pub else None),
            name_en=value.get("name_en") or (pub.name_en if pub else None),
            configured=pub,
        )
    return AgentRef(code=None, name=None)


def license_entry(license_id: str) -> dict[str, str]:
    """The Frictionless ``licenses`` entry for a known licence id."""
    lic = find_license(license_id)
    if lic is None:
        return {"name": license_id}
    return {"name": lic.id, "path": lic.uri, "title": lic.title}


def effective_value(
    prop: Property,
    descriptor: Mapping[str, Any],
    settings: PublisherLookup | None,
    *,
    package: Mapping[str, Any] | None = None,
) -> tuple[Any, str | None]:
    """The value of ``prop`` for ``descriptor`` and where it came from (None: the descriptor itself).

    ``package`` is the package descriptor when ``descriptor`` is a resource.
    """
    value = descriptor.get(prop.key)
    if value not in (None, "", [], {}):
        return value, None
    if prop.default is None:
        return value, None
    source, _, attr = prop.default.partition(".")
    if source == "package" and prop.level is Level.RESOURCE and package is not None:
        inherited = package.get(attr)
        if inherited not in (None, "", [], {}):
            return inherited, "package"
        source = "publisher"  # a package without licences inherits in turn from its publisher
    if source == "publisher":
        owner = package if package is not None else descriptor
        agent = resolve_publisher(owner.get("publisher"), settings)
        pub = agent.configured if agent else None
        if pub is None:
            return value, None
        if attr == "contact" and pub.contact is not None:
            c = pub.contact
            return {k: v for k, v in (("name", c.name), ("email", c.email), ("url", c.url),
                                      ("telephone", c.telephone)) if v}, "opendata.yaml"
        if attr in ("license", "licenses") and pub.license is not None:
            return [license_entry(pub.license)], "opendata.yaml"
    return value, None


def _publisher_mapping(value: Any, settings: PublisherLookup | None) -> Any:
    """A publisher code (or a partial mapping) written out as ``{code, name, name_en, url}``."""
    agent = resolve_publisher(value, settings)
    if agent is None or agent.configured is None:
        return value  # nothing known to add: left as written (validation says what is missing)
    out: dict[str, Any] = dict(value) if isinstance(value, Mapping) else {}
    for key, known in (("code", agent.code), ("name", agent.name), ("name_en", agent.name_en), ("url", agent.url)):
        if out.get(key) in (None, "") and known:
            out[key] = known
    return {k: out[k] for k in ("code", "name", "name_en", "url") if k in out} | {
        k: v for k, v in out.items() if k not in ("code", "name", "name_en", "url")}


def _complete_licenses(value: Any) -> Any:
    """Each licence entry with the title and path of the licence it names (entries we do not know
    are left as written)."""
    if not isinstance(value, list):
        return value
    out = []
    for entry in value:
        known = find_license(str(entry.get("path") or entry.get("name") or "")) if isinstance(entry, Mapping) else None
        if known is None or not isinstance(entry, Mapping):
            out.append(entry)
            continue
        full = dict(entry)
        for key, filled in license_entry(known.id).items():
            full.setdefault(key, filled)
        out.append(full)
    return out


def self_contained(descriptor: Mapping[str, Any], settings: PublisherLookup | None) -> dict[str, Any]:
    """The descriptor a target receives: what opendata.yaml supplies written into it, so that the
    package read anywhere (pulled into an empty folder, no opendata.yaml) says who publishes it,
    whom to ask and under which licence.

    ``publisher`` becomes ``{code, name, name_en, url}`` (a configured code; the code stays, so the
    package is still matched to its publisher), ``contactPoint`` and ``licenses`` are filled from the
    publisher's defaults when missing, and each licence entry (the package's and the resources')
    gains the ``title`` and ``path`` of the licence it names. Keys keep their order; added keys come
    last. Without ``settings`` only the licence entries are completed. Pure.
    """
    props = {p.key: p for p in package_properties()}
    out = dict(descriptor)
    if out.get("publisher") not in (None, ""):
        out["publisher"] = _publisher_mapping(out["publisher"], settings)
    for key in ("contactPoint", "licenses"):
        value, origin = effective_value(props[key], descriptor, settings)
        if origin is not None and value not in (None, "", [], {}):
            out[key] = value
    if "licenses" in out:
        out["licenses"] = _complete_licenses(out["licenses"])
    resources = out.get("resources")
    if isinstance(resources, list):
        out["resources"] = [
            {**r, "licenses": _complete_licenses(r["licenses"])} if isinstance(r, Mapping) and "licenses" in r else r
            for r in resources
        ]
    return out
