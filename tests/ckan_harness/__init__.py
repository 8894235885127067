"""Test harness: a real CKAN 2.11.6 or 2.12.0 (PostgreSQL, Redis, a Solr stand-in,
gunicorn) on 127.0.0.1, for pytest (tests/integration) and bench scripts.

    from tests.ckan_harness import CkanHarness
    with CkanHarness(max_resource_size_mb=10, workers=2, version="2.11.6") as ckan:
        ckan.url, ckan.token, ckan.organization, ckan.venv_python, ckan.version, ...

From a shell: `python -m tests.ckan_harness start|stop` (see __main__.py).
"""

from .harness import (
    CKAN_VERSIONS,
    DEFAULT_VERSION,
    REQUIREMENTS,
    VENV_DIR,
    CkanHarness,
    CkanInstance,
    HarnessError,
    stop_dir,
    venv_dir,
)

__all__ = [
    "CKAN_VERSIONS",
    "DEFAULT_VERSION",
    "REQUIREMENTS",
    "VENV_DIR",
    "CkanHarness",
    "CkanInstance",
    "HarnessError",
    "stop_dir",
    "venv_dir",
]
