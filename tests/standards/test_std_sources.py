"""Every standard schema names its sources per column (issue 14): a column with no source, a source
no column cites, a variant column pointing nowhere or the retired ``legacy`` flag fail here."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import frictionless
import pytest

from opendata_pub.standards import list_standards
from opendata_pub.standards.registry import variant_fields

KINDS = {"official", "official-excerpt", "official-other-model", "vendor-implementation", "transcription",
         "importer-mapping", "real-file", "own"}
OURS = ("sources", "sourceNote", "aliases", "obligation", "standardField", "field")


def _descriptor(sid: str) -> dict[str, Any]:
    text = resources.files("opendata_pub.standards").joinpath("schemas", f"{sid}.json").read_text(encoding="utf-8")
    return json.loads(text)


IDS = [s.id for s in list_standards()]


def test_the_national_list_covers_01_03_06_08_17_27() -> None:
    numbers = {s.number: s.id for s in list_standards() if s.number}
    assert {"01", "03", "06", "08", "17", "27"} <= set(numbers), numbers
    assert len(IDS) >= 7


def _all_fields(d: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out = [("current", f) for f in d["fields"]]
    out += [(v["id"], f) for v in d.get("variants", []) for f in v["fields"]]
    return out


@pytest.mark.parametrize("sid", IDS)
def test_every_column_names_known_sources_and_every_source_is_cited(sid: str) -> None:
    d = _descriptor(sid)
    ids = [s.get("id") for s in d["sources"]]
    assert all(ids) and len(set(ids)) == len(ids), ids
    assert all(s.get("kind") in KINDS for s in d["sources"]), [s.get("kind") for s in d["sources"]]
    cited: set[str] = set()
    checked = 0
    for layout, f in _all_fields(d):
        assert f.get("sources"), f"{sid} {layout}: {f['name']} names no source"
        assert set(f["sources"]) <= set(ids), f"{sid} {layout}: {f['name']} cites {f['sources']}"
        assert "legacy" not in f, f"{sid}: {f['name']} still has the retired legacy flag"
        cited.update(f["sources"])
        checked += 1
    for v in d.get("variants", []):
        cited.update(v.get("sources", []))
    assert checked == len(d["fields"]) + sum(len(v["fields"]) for v in d.get("variants", []))
    # only the official definition itself, which could not be read, may be listed without a column citing it
    unread = {s["id"] for s in d["sources"] if s["kind"] == "official"}
    assert set(ids) - cited <= unread, f"{sid}: sources no column cites: {set(ids) - cited - unread}"


@pytest.mark.parametrize("sid", IDS)
def test_variant_columns_point_at_current_columns(sid: str) -> None:
    d = _descriptor(sid)
    current = {f["name"] for f in d["fields"]}
    for v in d.get("variants", []):
        for f in v["fields"]:
            assert f.get("field", next(iter(current))) in current, f"{sid} {v['id']}: {f['name']} → {f.get('field')}"
        resolved = variant_fields(sid, v["id"])
        assert [f["name"] for f in resolved] == [f["name"] for f in v["fields"]]
        assert all("type" in f for f in resolved), f"{sid} {v['id']}: a column without a type"


@pytest.mark.parametrize("sid", IDS)
def test_each_layout_is_a_table_schema_frictionless_accepts(sid: str) -> None:
    layouts = [None, *(v.id for s in list_standards() if s.id == sid for v in s.variants)]
    for layout in layouts:
        fields = [{k: v for k, v in f.items() if k not in OURS} for f in variant_fields(sid, layout)]
        schema = frictionless.Schema.from_descriptor({"fields": fields})
        assert [f.name for f in schema.fields] == [f["name"] for f in fields]
    assert layouts[0] is None
