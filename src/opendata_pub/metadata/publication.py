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
from .properties import Level, Property

__all__ = ["AgentRef", "ContactInfo", "PublisherInfo", "PublisherLookup", "effective_value", "license_entry",
           "resolve_publisher"]


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
