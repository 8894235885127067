"""Fixtures for tests that talk to a real CKAN (tests/ckan_harness).

* `ckan`      (session, parametrized): a running CkanInstance of CKAN 2.11.6
                         (id `ckan211`) and of 2.12.0 (id `ckan212`), so every
                         test that uses it runs on both. pytest groups the tests
                         by version: one instance is up at a time, each started
                         once per session and stopped before the next starts
                         (and at the end, also when tests fail).
                         `ckan.version` tells a test which one it has. It has
                         the DataStore (tests/ckan_harness/datastore.py).
* `ckan_org`  (function): name of a fresh organization, created via the API.
* `ckan_stock` (session, parametrized like `ckan`): a second instance per
                         version with CKAN's own stock licence list (cc-by,
                         other-at, ...; no PDL-1.0), for the licence-map
                         acceptance test only. It runs beside `ckan` of the
                         same version (own ports, cluster, Redis, work dir).

Every test in this directory gets the `ckan` marker (deselect with
`-m "not ckan"`). OPENDATA_PUB_SKIP_CKAN=1 skips them for quick local runs;
otherwise they run, and a CKAN that fails to start is an error, not a skip.

Knobs: CKAN_HARNESS_VERSIONS (versions to run, comma or space separated,
e.g. `CKAN_HARNESS_VERSIONS=2.12.0` for a quick local run; default: all of
CKAN_VERSIONS), CKAN_HARNESS_MAX_RESOURCE_SIZE (MB, default 10),
CKAN_HARNESS_WORKERS (default 2), CKAN_HARNESS_KEEP=1 (keep the work dir with
all logs).
"""

from __future__ import annotations

import logging
import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

_ROOT = Path(__file__).resolve().parents[2]
if str(_ROOT) not in sys.path:  # `tests.ckan_harness` lives at the repo root
    sys.path.insert(0, str(_ROOT))

from tests.ckan_harness import CKAN_VERSIONS, CkanHarness, CkanInstance
from tests.ckan_harness.datastore import datastore_options

_HERE = Path(__file__).resolve().parent
log = logging.getLogger("ckan_harness")
SKIP_ENV = "OPENDATA_PUB_SKIP_CKAN"
SKIP_REASON = SKIP_ENV + "=1 is set: CKAN integration tests skipped"
VERSIONS_ENV = "CKAN_HARNESS_VERSIONS"


def _versions() -> list[str]:
    raw = os.environ.get(VERSIONS_ENV, "").replace(",", " ").split()
    if not raw:
        return list(CKAN_VERSIONS)
    # each entry: a full version (2.11.6), a minor one (2.11) or a test id (ckan211)
    known = {}
    for v in CKAN_VERSIONS:
        known.update({v: v, v.rsplit(".", 1)[0]: v, _version_id(v): v})
    bad = [v for v in raw if v not in known]
    if bad:
        raise pytest.UsageError(
            f"{VERSIONS_ENV}={os.environ[VERSIONS_ENV]!r}: unknown {bad}; "
            f"the harness runs {', '.join(CKAN_VERSIONS)}"
        )
    return list(dict.fromkeys(known[v] for v in raw))


def _version_id(version: str) -> str:
    """2.11.6 -> ckan211 (the test id suffix, e.g. `test_x[ckan211]`)."""
    return "ckan" + "".join(version.split(".")[:2])


def _skip_requested() -> bool:
    return os.environ.get(SKIP_ENV, "").strip() == "1"


# Integration tests that do not talk to CKAN (they start their own servers): not marked, not skipped.
_NOT_CKAN = {"test_site_browser.py"}


def _is_ours(item: pytest.Item) -> bool:
    path = Path(str(item.path)).resolve()
    if path.name in _NOT_CKAN:
        return False
    return path == _HERE or _HERE in path.parents


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    # this hook sees the items of the whole session: touch only ours
    skip = pytest.mark.skip(reason=SKIP_REASON) if _skip_requested() else None
    for item in items:
        if _is_ours(item):
            item.add_marker(pytest.mark.ckan)
            if skip is not None:
                item.add_marker(skip)


_VERSIONS = _versions()


def _harness(version: str, **kw) -> CkanHarness:
    return CkanHarness(
        max_resource_size_mb=int(
            os.environ.get("CKAN_HARNESS_MAX_RESOURCE_SIZE", "10")
        ),
        workers=int(os.environ.get("CKAN_HARNESS_WORKERS", "2")),
        version=version,
        **kw,
    )


@pytest.fixture(
    scope="session", params=_VERSIONS, ids=[_version_id(v) for v in _VERSIONS]
)
def ckan(request: pytest.FixtureRequest) -> Iterator[CkanInstance]:
    if _skip_requested():
        pytest.skip(SKIP_REASON)
    harness = _harness(request.param, **datastore_options())
    try:
        yield harness.start()  # a failure here is an error (never a skip)
    finally:
        harness.stop()


@pytest.fixture(
    scope="session", params=_VERSIONS, ids=[_version_id(v) for v in _VERSIONS]
)
def ckan_stock(request: pytest.FixtureRequest) -> Iterator[CkanInstance]:
    """Like `ckan`, but with CKAN's stock licence list (no licenses_group_url)."""
    if _skip_requested():
        pytest.skip(SKIP_REASON)
    harness = _harness(request.param, stock_licenses=True)
    try:
        inst = harness.start()
        log.info("stock-licence CKAN %s started in %.1fs", inst.version, harness.timings["total"])
        yield inst
    finally:
        harness.stop()


@pytest.fixture
def ckan_org(ckan: CkanInstance) -> str:
    name = "it-org-" + uuid.uuid4().hex[:12]
    with ckan.session() as s:
        r = s.post(
            ckan.api + "organization_create",
            json={"name": name, "title": "Integration test org " + name[-12:]},
            timeout=30,
        )
    assert r.status_code == 200, (
        f"organization_create: HTTP {r.status_code} {r.text[:500]}"
    )
    return name
