"""A fake CKAN and a project publishing to it, for the CLI's output-safety tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import write
from tests.portals.fake_ckan import GOOD_TOKEN, FakeCkan
from tests.portals.helpers import CONFIG, CSV, make_package


@pytest.fixture
def fake() -> Iterator[FakeCkan]:
    f = FakeCkan()
    yield f
    f.close()


@pytest.fixture
def proj(tmp_path: Path, fake: FakeCkan, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Portals: ``fake`` ($FAKE_TOKEN), ``byfile`` (token file ``tok``), ``cred`` ($ODP_PORTAL_CRED)."""
    more = (f"  byfile:\n    url: {fake.url}\n    token: {{$file: tok}}\n"
            f"  cred:\n    url: {fake.url}\n    token: {{$env: ODP_PORTAL_CRED}}\n")
    write(tmp_path / "opendata.yaml", CONFIG.replace("URL", fake.url).replace("default_target:", more + "default_target:"))
    make_package(tmp_path / "datapackages", "demo", {"towns": CSV})
    monkeypatch.setenv("FAKE_TOKEN", GOOD_TOKEN)
    return tmp_path
