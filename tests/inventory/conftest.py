"""Fixtures for the inventory tests: settings with the seeds' publishers, the seeds' inventory.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from opendata_pub.config import Settings, parse_config

DATA = Path(__file__).resolve().parent / "data"
SEED_INVENTORY = DATA / "inventory.yaml"

CONFIG = {
    "catalog": {"title": "テストカタログ", "operator": "132217", "base_url": "https://opendata.example.lg.jp/"},
    "publishers": [
        {"code": "132217", "name": "清瀬市", "license": "PDL-1.0",
         "contact": {"name": "企画部 秘書広報課", "email": "opendata@example.lg.jp"}},
        {"code": "131083", "name": "江東区", "license": "CC-BY-4.0"},
    ],
}

CONFIG_YAML = """\
catalog:
  title: テストカタログ
  operator: "132217"
  base_url: https://opendata.example.lg.jp/
publishers:
  - code: "132217"
    name: 清瀬市
    license: PDL-1.0
    contact: {name: 企画部 秘書広報課, email: opendata@example.lg.jp}
  - code: "131083"
    name: 江東区
    license: CC-BY-4.0
"""


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return parse_config(CONFIG, path=str(tmp_path / "opendata.yaml"), root=tmp_path)
