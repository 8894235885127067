"""A scheming portal's dataset schema (ckanext-scheming), and our mapped values placed in its fields.

A CKAN that runs ckanext-scheming answers ``scheming_dataset_schema_show``; stock CKAN answers 400
("Action name not known") or 404, and then nothing here applies (the schema is asked for only when
``status_show`` lists a scheming plugin, so stock CKAN is not even asked). On a scheming portal the schema's
fields are first-class: CKAN refuses an extra whose key is a schema field ("There is a schema field
with the same name"), and ckanext-dcat's scheming profiles read DCAT from the fields (``contact``,
``publisher``, ``temporal_coverage`` … as lists of subfield dicts), not from the extras our stock
mapping writes (``mapping.py``). So the mapping stays as it is, and ``place`` moves each of its
extras into the schema's field for it:

* an extra that ckanext-dcat's DCAT-AP schemas keep in a repeating field goes to that subfield
  (``SUBFIELDS``: ``publisher_name`` → ``publisher[0].name``, ``temporal_start`` →
  ``temporal_coverage[0].start`` …) when the schema has that field and subfield;
* any other extra goes to the schema field of the same name (``identifier``, ``frequency``,
  ``issued``, ``theme`` …), as a list of strings when the field holds several (``multiple_text``);
* an extra the schema has no field for stays an extra (``keywords``, ``source`` in DCAT-AP).

Normal form (as in ``mapping.py``, plus the schema's fields): a text field is a string, a multiple
field a list of strings, a repeating field a list of ``{subfield: text}`` with empty subfields left
out; empty values are absent. ``normalize`` reads ``package_show`` into the same form, so desired and
current compare field by field and an unchanged re-publish writes nothing.

Pulling reads the other way (``unplace``): a dataset entered through a scheming portal's web form, or
published by another tool, has no stored ``datapackage.json`` and carries its metadata in these
fields, so before ``mapping.descriptor_from_ckan`` decodes it each ``SUBFIELDS`` entry and each
top-level field named like one of our extras is read back into an extra of that name (the first
entry of a repeating field; a multiple field as a JSON list, the extras' form), and one decoder
serves both kinds of portal. A value present both as a field and as an extra: the field wins (CKAN
keeps the field current; an extra of the same name can only be left over from before the schema).
No schema is needed for this, and none is asked for: ``package_show`` of a scheming portal returns
the fields top-level, each in its own shape (``publisher`` a list of dicts, ``theme`` a list), and a
stock CKAN's ``package_show`` has none of these keys top-level (its own fields are a fixed set; every
other value is in ``extras``). Reading by shape costs a pull from an anonymous reader no extra
request, works on a portal whose ``scheming_dataset_schema_show`` is hidden or is a variant of the
schema, and serves ``package_search`` results (the listing) the same way; a field of the schema we
have no extra for would have nowhere to go in the descriptor anyway.

Pure, except ``fetch_schema`` (one API call).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import PortalRejected
from .mapping import MANAGED_EXTRAS, normalize_dataset

if TYPE_CHECKING:
    from .http import CkanClient

__all__ = ["SUBFIELDS", "DatasetSchema", "SchemaField", "cleared", "fetch_schema", "may_have_schema", "normalize",
           "parse_schema", "place", "schema_problems", "unplace"]

#: Extras that ckanext-dcat's DCAT-AP schemas hold in a repeating field: extra → (field, subfield).
SUBFIELDS: dict[str, tuple[str, str]] = {
    "publisher_name": ("publisher", "name"),
    "publisher_uri": ("publisher", "uri"),
    "publisher_url": ("publisher", "url"),
    "publisher_identifier": ("publisher", "identifier"),
    "contact_name": ("contact", "name"),
    "contact_email": ("contact", "email"),
    "temporal_start": ("temporal_coverage", "start"),
    "temporal_end": ("temporal_coverage", "end"),
    "spatial_uri": ("spatial_coverage", "uri"),
}

# Schema fields filled by what we send under another key (scheming's tag_string ↔ CKAN's tags), or
# filled by CKAN itself / by every publish (name, owner_org).
_FILLED_BY = {"tag_string": "tags"}
_ALWAYS_FILLED = frozenset({"name", "owner_org", "id", "type"})
_MULTIPLE_VALIDATORS = ("scheming_multiple_text", "scheming_multiple_choice", "scheming_multiple_number")


@dataclass(frozen=True, slots=True)
class SchemaField:
    """One field of a scheming schema, as far as publishing needs it."""

    name: str
    label: str = ""
    required: bool = False
    multiple: bool = False  # a list of strings (multiple_text, multiple_select …)
    choices: tuple[str, ...] = ()  # the allowed values, when the schema lists them
    subfields: tuple[SchemaField, ...] = ()  # repeating_subfields: the value is a list of dicts

    @property
    def repeating(self) -> bool:
        return bool(self.subfields)

    def subfield(self, name: str) -> SchemaField | None:
        return next((f for f in self.subfields if f.name == name), None)

    def describe(self) -> str:
        return f"{self.name} ({self.label})" if self.label and self.label != self.name else self.name


@dataclass(frozen=True, slots=True)
class DatasetSchema:
    """A portal's scheming schema of one dataset type."""

    dataset_type: str
    fields: tuple[SchemaField, ...]
    resource_fields: tuple[SchemaField, ...] = ()

    def field(self, name: str) -> SchemaField | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def place_of(self, extra: str) -> tuple[SchemaField, SchemaField | None] | None:
        """Where an extra of ours goes in this schema: (field, subfield or None), or None (it stays
        an extra)."""
        if extra in SUBFIELDS:
            name, sub = SUBFIELDS[extra]
            f = self.field(name)
            if f is not None and f.repeating and (s := f.subfield(sub)) is not None:
                return f, s
        f = self.field(extra)
        if f is not None and not f.repeating:
            return f, None
        return None

    def managed(self) -> tuple[SchemaField, ...]:
        """The schema fields our mapping fills: those some managed extra is placed in."""
        out: dict[str, SchemaField] = {}
        for extra in MANAGED_EXTRAS:
            if (p := self.place_of(extra)) is not None:
                out.setdefault(p[0].name, p[0])
        return tuple(out.values())


def _label(raw: Any, default: str) -> str:
    if isinstance(raw, Mapping):  # a multilingual label: {"ja": …, "en": …}
        raw = raw.get("ja") or raw.get("en") or next(iter(raw.values()), None)
    return str(raw) if raw else default


def _parse_field(raw: Mapping[str, Any]) -> SchemaField:
    name = str(raw.get("field_name") or "")
    validators = str(raw.get("validators") or "").split()
    preset = str(raw.get("preset") or "")
    choices = tuple(str(c.get("value")) for c in raw.get("choices") or [] if isinstance(c, Mapping)
                    and c.get("value") not in (None, ""))
    subs = tuple(_parse_field(s) for s in raw.get("repeating_subfields") or [] if isinstance(s, Mapping))
    return SchemaField(
        name=name,
        label=_label(raw.get("label"), name),
        required=bool(raw.get("required")) or "not_empty" in validators,
        multiple=preset.startswith("multiple_") or any(v in _MULTIPLE_VALIDATORS for v in validators),
        choices=choices,
        subfields=subs,
    )


def parse_schema(raw: Mapping[str, Any]) -> DatasetSchema:
    """A ``scheming_dataset_schema_show`` result (expanded: presets applied) as a DatasetSchema."""
    def fields(key: str) -> tuple[SchemaField, ...]:
        return tuple(_parse_field(f) for f in raw.get(key) or [] if isinstance(f, Mapping) and f.get("field_name"))

    return DatasetSchema(dataset_type=str(raw.get("dataset_type") or "dataset"), fields=fields("dataset_fields"),
                         resource_fields=fields("resource_fields"))


def may_have_schema(status: Mapping[str, Any]) -> bool:
    """Whether a portal's ``status_show`` lists a scheming plugin (``scheming_datasets``, or one built
    on it such as ``schemingdcat_datasets``), or lists no plugins at all: only then is the schema
    asked for, so a publish to stock CKAN costs no extra request."""
    extensions = status.get("extensions")
    if not isinstance(extensions, list):
        return True
    return any("scheming" in str(x) for x in extensions)


def fetch_schema(client: CkanClient, dataset_type: str = "dataset") -> DatasetSchema | None:
    """The portal's schema of ``dataset_type``, or None when the portal has no ckanext-scheming
    (stock CKAN: 400 "Action name not known"; 404 for a type it has no schema of)."""
    try:
        raw = client.get("scheming_dataset_schema_show", {"type": dataset_type})
    except PortalRejected as exc:  # NotFound included
        if exc.status in (400, 404):
            return None
        raise
    return parse_schema(raw) if isinstance(raw, Mapping) else None


# --- values --------------------------------------------------------------------------------------
def _strings(value: Any) -> list[str]:
    """A multiple field's value: a list as it is, a JSON list from an extra, else one string."""
    if value in (None, "", [], {}):
        return []
    if isinstance(value, (list, tuple)):
        return [str(x) for x in value if x not in (None, "")]
    if isinstance(value, str) and value.lstrip().startswith("["):
        try:
            parsed = json.loads(value)
        except ValueError:
            return [value]
        if isinstance(parsed, list):
            return [str(x) for x in parsed if x not in (None, "")]
    return [str(value)]


def _text(value: Any) -> str | None:
    if value in (None, "", [], {}):
        return None
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _entries(value: Any) -> list[dict[str, str]]:
    """A repeating field's value: its entries, each without empty subfields; empty entries dropped."""
    if isinstance(value, str):  # stored as JSON text by an older write
        try:
            value = json.loads(value)
        except ValueError:
            return []
    if isinstance(value, Mapping):
        value = [value]
    out = []
    for entry in value if isinstance(value, list) else []:
        if isinstance(entry, Mapping):
            e = {str(k): t for k, v in entry.items() if (t := _text(v)) is not None}
            if e:
                out.append(e)
    return out


def _normal_value(field: SchemaField, value: Any) -> Any:
    if field.repeating:
        return _entries(value) or None
    if field.multiple:
        return _strings(value) or None
    return _text(value)


def cleared(field_value: Any) -> Any:
    """What to send to empty a field that holds ``field_value`` now (a list stays a list)."""
    return [] if isinstance(field_value, list) else ""


# --- the two sides -------------------------------------------------------------------------------
def place(dataset: Mapping[str, Any], schema: DatasetSchema) -> dict[str, Any]:
    """A dataset in normal form (``mapping.to_ckan_dataset``) with each extra the schema has a field
    for moved into that field; the rest stay extras."""
    out = {k: v for k, v in dataset.items() if k != "extras"}
    extras: dict[str, str] = {}
    composite: dict[str, dict[str, str]] = {}
    for key, value in (dataset.get("extras") or {}).items():
        where = schema.place_of(key)
        if where is None:
            extras[key] = value
            continue
        f, sub = where
        if sub is not None:
            composite.setdefault(f.name, {})[sub.name] = value
        elif (v := _normal_value(f, value)) is not None:
            out[f.name] = v
    for name, entry in composite.items():
        out[name] = [entry]
    if extras:
        out["extras"] = extras
    return out


def normalize(pkg: Mapping[str, Any], schema: DatasetSchema) -> dict[str, Any]:
    """A dataset from ``package_show`` of a scheming portal in the normal form ``place`` gives: our
    top-level fields and tags, the schema fields we fill, and the managed extras the schema has no
    field for."""
    out = normalize_dataset(pkg)
    extras = {k: v for k, v in (out.pop("extras", None) or {}).items() if schema.place_of(k) is None}
    for f in schema.managed():
        if (v := _normal_value(f, pkg.get(f.name))) is not None:
            out[f.name] = v
    if extras:
        out["extras"] = extras
    return out


def schema_problems(dataset: Mapping[str, Any], schema: DatasetSchema) -> list[str]:
    """What the portal's schema would refuse in ``dataset`` (``place``'s output): a required field
    we have no value for, a required subfield of an entry we fill, a value not among a field's
    choices. One line each, in Japanese, naming the field and its label."""
    problems: list[str] = []
    where = f"ポータルのスキーマ ({schema.dataset_type})"
    for f in schema.fields:
        value = dataset.get(_FILLED_BY.get(f.name, f.name))
        if f.required and f.name not in _ALWAYS_FILLED and value in (None, "", [], {}):
            problems.append(f"{where}で必須の項目 {f.describe()} に入れる値がありません")
            continue
        if f.repeating and isinstance(value, list):
            for sub in f.subfields:
                if sub.required and any(not e.get(sub.name) for e in value if isinstance(e, Mapping)):
                    problems.append(f"{where}で必須の項目 {f.name}.{sub.name} ({sub.label}) に入れる値がありません")
        if f.choices and value not in (None, "", []):
            bad = [v for v in (value if isinstance(value, list) else [value]) if str(v) not in f.choices]
            if bad:
                problems.append(f"{where}の項目 {f.describe()} の値 {', '.join(map(str, bad))} は選択肢にありません"
                                f" (選択肢: {', '.join(f.choices[:10])}{' …' if len(f.choices) > 10 else ''})")
    return problems



# --- pulling: the schema's fields back into extras -----------------------------------------------
# The top-level fields read back: each managed extra that a schema keeps in a field of its own name
_FIELD_EXTRAS = tuple(e for e in MANAGED_EXTRAS if e not in SUBFIELDS)


def _extra_text(value: Any) -> str | None:
    """A top-level field's value as the text of an extra: a list as a JSON list (``theme``,
    ``language`` … are read back with ``json.loads``), a multilingual dict by its Japanese text."""
    if isinstance(value, Mapping):
        value = value.get("ja") or value.get("en") or next(iter(value.values()), None)
    if isinstance(value, (list, tuple)):
        strings = _strings(value)
        return json.dumps(strings, ensure_ascii=False) if strings else None
    return _text(value)


def _fields_as_extras(pkg: Mapping[str, Any]) -> dict[str, str]:
    """The extras that ``pkg``'s schema fields stand for, found by shape (see the module doc)."""
    out: dict[str, str] = {}
    for extra, (name, sub) in SUBFIELDS.items():
        if name in pkg and (entries := _entries(pkg[name])) and (t := entries[0].get(sub)):
            out[extra] = t
    for extra in _FIELD_EXTRAS:
        if extra in pkg and (t := _extra_text(pkg[extra])) is not None:
            out[extra] = t
    return out


def unplace(pkg: Mapping[str, Any]) -> dict[str, Any]:
    """``package_show`` (or a ``package_search`` result) with each schema field we have an extra for
    read back into that extra (the reverse of ``place``; see the module doc): what
    ``mapping.descriptor_from_ckan`` decodes. A stock CKAN's dataset comes back as it was."""
    fields = _fields_as_extras(pkg)
    if not fields:
        return dict(pkg)
    kept = [e for e in pkg.get("extras") or [] if not (isinstance(e, Mapping) and e.get("key") in fields)]
    return {**pkg, "extras": kept + [{"key": k, "value": v} for k, v in fields.items()]}
