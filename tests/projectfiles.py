"""The opendata.yaml and descriptor texts the tests start from, written once (issue 10).

Tests build their project files from these pieces instead of pasting the same YAML: a change to
the configuration format is then made here. ``as_yaml`` writes block style in insertion order, so
tests that edit the text (``.replace("default_target:", ...)``) find the keys where they expect.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import yaml

BASE_URL = "https://opendata.example.lg.jp/"

CATALOG: dict[str, Any] = {"title": "テストカタログ", "operator": "132217", "base_url": BASE_URL}

KIYOSE: dict[str, Any] = {
    "code": "132217", "name": "清瀬市", "license": "PDL-1.0",
    "contact": {"name": "企画部 秘書広報課", "email": "opendata@example.lg.jp"},
}
KIYOSE_URL = "https://www.city.kiyose.lg.jp/"
KOTO: dict[str, Any] = {"code": "131083", "name": "江東区", "license": "CC-BY-4.0"}

TOWNS_CSV = "code,name,population\n132217,清瀬市,74000\n082112,常総市,61000\n"

# The package every publishing and validation test starts from: valid, one table of towns.
DEMO: dict[str, Any] = {
    "name": "demo", "title": "デモデータ", "description": "テスト用のデータパッケージ", "publisher": "132217",
    "keywords": ["テスト", "デモ"], "themes": ["GOVE"], "spatial": ["132217"],
    "temporal": {"start": date(2020, 4, 1), "end": date(2021, 3, 31)}, "accrualPeriodicity": "ANNUAL",
    "issued": date(2021, 10, 1), "modified": date(2021, 10, 1), "language": ["ja"],
}
TOWNS: dict[str, Any] = {
    "name": "towns", "path": "data/towns.csv", "title": "団体一覧", "description": "団体コードと人口",
    "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
}
TOWNS_FIELDS: list[dict[str, Any]] = [
    {"name": "code", "type": "string"}, {"name": "name", "type": "string"}, {"name": "population", "type": "integer"},
]


def publisher(base: dict[str, Any], **more: Any) -> dict[str, Any]:
    """``base`` (KIYOSE, KOTO) with more keys (``organization``, ``url`` …), a copy."""
    return {**copy.deepcopy(base), **more}


def config(*publishers: dict[str, Any], catalog: dict[str, Any] | None = None, **more: Any) -> dict[str, Any]:
    """An opendata.yaml as a dict: the test catalog, the publishers (default: 清瀬市), then ``more``."""
    return {"catalog": copy.deepcopy(CATALOG if catalog is None else catalog),
            "publishers": [copy.deepcopy(p) for p in (publishers or (KIYOSE,))], **copy.deepcopy(more)}


def descriptor(**more: Any) -> dict[str, Any]:
    """The demo package's descriptor without resources (``resources`` via ``more``), a copy."""
    return {**copy.deepcopy(DEMO), **copy.deepcopy(more)}


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # list items indented under their key ("resources:\n  - name: …"), as people write them
        super().increase_indent(flow, False)


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # codes such as "132217" stay strings, written the way the tests (and people) quote them
    style = '"' if value.isdigit() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _flat(items: list[Any]) -> bool:
    return all(not isinstance(v, (dict, list)) for v in items)


def _list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.Node:
    # a list of plain values on one line ("keywords: [テスト, デモ]"), as the tests' texts had them
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=_flat(value))


def _dict(dumper: yaml.SafeDumper, value: dict[str, Any]) -> yaml.Node:
    # small records and Table Schema fields on one line ("contact: {name: …, email: …}",
    # "- {name: code, type: string, …}"); larger ones (catalog:) as blocks
    flow = (len(value) <= 2 and _flat(list(value.values()))) or {"name", "type"} <= set(value)
    return dumper.represent_mapping("tag:yaml.org,2002:map", value.items(), flow_style=flow)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(list, _list)
_Dumper.add_representer(dict, _dict)


def as_yaml(data: dict[str, Any]) -> str:
    """Block-style YAML in insertion order, Japanese kept (for writing opendata.yaml and descriptors)."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False)
