"""Fixtures for the inventory tests: settings with the seeds' publishers, the seeds' inventory.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from opendata_pub.config import Settings, parse_config
from tests.projectfiles import KIYOSE, KOTO, as_yaml, config

DATA = Path(__file__).resolve().parent / "data"
SEED_INVENTORY = DATA / "inventory.yaml"

CONFIG = config(KIYOSE, KOTO)
CONFIG_YAML = as_yaml(CONFIG)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return parse_config(CONFIG, path=str(tmp_path / "opendata.yaml"), root=tmp_path)
