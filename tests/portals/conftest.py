"""Fixtures for the portal tests: a fake CKAN, a project whose packages go to it, fast retries."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from opendata_pub.config import load_config
from opendata_pub.portals import CkanTarget, RetryPolicy, Timeouts
from tests.conftest import write

from .fake_ckan import GOOD_TOKEN, FakeCkan
from .helpers import CONFIG, CSV, make_package, set_csv  # noqa: F401 (re-exported for the tests)


class SleepRecorder:
    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def fake() -> Iterator[FakeCkan]:
    f = FakeCkan()
    yield f
    f.close()


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
def fast_retry(sleeps: SleepRecorder) -> RetryPolicy:
    return RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.05, sleep=sleeps, rng=random.Random(1))


@pytest.fixture
def proj(tmp_path: Path, fake: FakeCkan, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project whose portal ``fake`` is the fake CKAN, with one package ``demo``."""
    write(tmp_path / "opendata.yaml", CONFIG.replace("URL", fake.url))
    make_package(tmp_path / "datapackages", "demo", {"towns": CSV})
    monkeypatch.setenv("FAKE_TOKEN", GOOD_TOKEN)
    return tmp_path


@pytest.fixture
def target(proj: Path, fake: FakeCkan, fast_retry: RetryPolicy) -> Iterator[CkanTarget]:
    t = CkanTarget(fake.url, token=GOOD_TOKEN, settings=load_config(proj / "opendata.yaml"), retry=fast_retry,
                   timeouts=Timeouts(connect=2, read=2, upload=5))
    yield t
    t.close()
