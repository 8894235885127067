"""The DataStore on a harness instance: its own database, a write and a read-only user, CKAN's permissions.

    harness = CkanHarness(**datastore_options())   # plugins, and the hook below as after_db_init
    ckan = harness.start()                          # datastore_create/_search/... answer on ckan.api

Why the plugin and its two URLs are added by the hook, after ``ckan db init``, rather than passed as
``plugins=``/``settings=``: CKAN's DataStore plugin connects to both URLs when it is loaded
(``DatastorePostgresqlBackend.configure`` checks the read-only user's privileges), so ``ckan db init``
with the plugin on fails while the database does not exist yet; and the URLs name the cluster's port,
which the harness chooses at start. The hook therefore (1) creates the database ``datastore`` and the
roles ``datastore_rw`` and ``datastore_ro`` through the superuser's socket, (2) writes
``ckan.datastore.write_url``/``read_url`` and adds ``datastore`` to ``ckan.plugins`` with
``ckan config-tool``, (3) pipes ``ckan datastore set-permissions`` into psql, as CKAN documents. The
sysadmin, token and gunicorn steps that follow run with the DataStore on.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from .harness import CkanHarness, HarnessError, find_pg_bin, run_step

__all__ = ["DATABASE", "READ_USER", "WRITE_USER", "datastore_options", "enable_datastore"]

DATABASE = "datastore"
WRITE_USER = "datastore_rw"
READ_USER = "datastore_ro"


def datastore_options() -> dict[str, Any]:
    """``CkanHarness`` keyword arguments for an instance with the DataStore (and dcat)."""
    return {"plugins": ("dcat",), "after_db_init": enable_datastore}


def _socket_dir(harness: CkanHarness) -> Path:
    """Where the instance's PostgreSQL socket is (harness._start_postgres: pg/run, or a short temp dir)."""
    port = harness.ports["postgres"]
    for d in [harness.wd / "pg" / "run", *harness._extra_dirs]:
        if (d / f".s.PGSQL.{port}").exists():
            return d
    raise HarnessError("datastore", f"no PostgreSQL socket for port {port}")


def _psql(harness: CkanHarness, database: str = "postgres") -> list[Any]:
    return [find_pg_bin() / "psql", "-X", "-q", "-h", _socket_dir(harness), "-p", str(harness.ports["postgres"]),
            "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1"]


def _set_ini(ini: Path, settings: dict[str, str]) -> None:
    """Set keys of [app:main] (replacing a line ``key = ...`` or adding one after the header)."""
    lines = ini.read_text().splitlines()
    head = lines.index("[app:main]")
    for key, value in settings.items():
        at = next((i for i, line in enumerate(lines) if line.split("=", 1)[0].strip() == key), None)
        if at is None:
            lines.insert(head + 1, f"{key} = {value}")
        else:
            lines[at] = f"{key} = {value}"
    ini.write_text("\n".join(lines) + "\n")


def enable_datastore(harness: CkanHarness, ckan: list, env: dict) -> None:
    """The ``after_db_init`` hook (module doc)."""
    logf = harness.wd / "logs" / "datastore.log"
    port = harness.ports["postgres"]
    rw, ro = secrets.token_hex(12), secrets.token_hex(12)
    run_step("datastore db", _psql(harness), logf, cwd=harness.wd, stdin_text=(  # on stdin: no password in the log
        f"CREATE ROLE {WRITE_USER} LOGIN PASSWORD '{rw}';\n"
        f"CREATE ROLE {READ_USER} LOGIN PASSWORD '{ro}';\n"
        f"CREATE DATABASE {DATABASE} OWNER {WRITE_USER} ENCODING 'UTF8' TEMPLATE template0;\n"))
    plugins = " ".join(dict.fromkeys([*harness.plugins, "datastore"]))
    _set_ini(Path(ckan[2]), {  # in Python, not config-tool: its argv would land in the step log
        "ckan.datastore.write_url": f"postgresql://{WRITE_USER}:{rw}@127.0.0.1:{port}/{DATABASE}",
        "ckan.datastore.read_url": f"postgresql://{READ_USER}:{ro}@127.0.0.1:{port}/{DATABASE}",
        "ckan.plugins": plugins,
    })
    sql = run_step("datastore set-permissions", [*ckan, "datastore", "set-permissions"], logf, env=env,
                   cwd=harness.wd, capture=True)
    run_step("datastore permissions", _psql(harness), logf, cwd=harness.wd, stdin_text=sql)
