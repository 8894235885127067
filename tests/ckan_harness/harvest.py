"""ckanext-harvest on a harness CKAN: an aggregator that harvests, run as in production.

    harness = CkanHarness(plugins=HARVEST_PLUGINS, settings=HARVEST_SETTINGS,
                          after_db_init=create_harvest_tables)
    ckan = harness.start()
    start_harvest_consumers(harness)            # gather + fetch consumers, stopped by harness.stop()
    job = run_harvest_job(ckan, source_id)      # create a job, poll harvest_jobs_run until it is Finished

* Tables: ckanext-harvest 1.6.3 keeps harvest_source, harvest_job, harvest_object … in its own
  Alembic migrations: ``ckan db upgrade -p harvest`` after ``ckan db init``.
* Queue: Redis. With ``ckan.harvest.mq.type = redis`` and no ``ckan.harvest.mq.hostname`` it uses
  ``ckan.redis.url``, the harness's own Redis (its port is chosen at start, so the hook, not the
  settings, finishes the URL). The hook adds ``?socket_timeout=3600`` to that URL: redis-py 8 (the
  pin of CKAN 2.12.0) has a default socket timeout of 5 s, and the consumers' ``BLPOP`` without a
  timeout then dies with ``redis.exceptions.TimeoutError: Timeout reading from socket`` after 5 idle
  seconds (redis 5.0.7 of CKAN 2.11.6 has none). CKAN's own Redis use is unaffected by a longer one.
* Jobs: ``ckan harvester run-test`` would be simplest (gather, fetch, import in one process), but in
  1.6.3 it imports ``ckanext.harvest.tests.lib``, which needs ``factory_boy``, a test dependency not
  in the harness venvs. So jobs run the production way, with ``harvester gather-consumer`` and
  ``fetch-consumer`` as processes the harness started and stops by PID: ``harvest_job_create`` puts
  the job on the gather queue, and the action ``harvest_jobs_run`` (what ``ckan harvester run``
  calls; a cron runs it in production) marks a Running job whose objects are all done Finished, with
  ``finished`` = its last object's ``import_finished``. It is called through the API, and only once
  the gather has finished (``run_harvest_job`` says why): ``ckan harvester run`` in a loop started a
  CKAN process (about 3 s of CPU) per poll, one core of two taken from the consumers for the whole job.
* Versions: the same on CKAN 2.11.6 and 2.12.0 (ckanext-harvest 1.6.3 and ckanext-dcat 2.4.4 alike).
"""

from __future__ import annotations

import subprocess
import time
from typing import TYPE_CHECKING, Any

from .harness import HarnessError, Proc, _clean_env, http_json, run_step, running, tail

if TYPE_CHECKING:
    from .harness import CkanHarness, CkanInstance

__all__ = [
    "HARVEST_PLUGINS",
    "HARVEST_SETTINGS",
    "create_harvest_tables",
    "run_harvest_job",
    "start_harvest_consumers",
]

#: ``dcat`` (profiles, RDF endpoints), ``harvest`` (sources, jobs, the CLI) and the DCAT RDF
#: harvester (source type ``dcat_rdf``)
HARVEST_PLUGINS = ("dcat", "harvest", "dcat_rdf_harvester")

HARVEST_SETTINGS = {
    "ckan.harvest.mq.type": "redis",
    # DCAT-AP 3 in, as our catalog is written (ckanext-dcat's default is euro_dcat_ap_2)
    "ckanext.dcat.rdf.profiles": "euro_dcat_ap_3",
    # a Japanese portal: language-tagged literals (@ja) are picked in this language
    "ckan.locale_default": "ja",
    # harvest jobs log to the database too (the job report lists them)
    "ckan.harvest.log_scope": "0",
}


def create_harvest_tables(harness: CkanHarness, ckan: list, env: dict) -> None:
    """``after_db_init`` hook: ckanext-harvest's tables, and a Redis URL its consumers survive on."""
    logf = harness.wd / "logs" / "db-upgrade-harvest.log"
    run_step("ckan db upgrade -p harvest", [*ckan, "db", "upgrade", "-p", "harvest"], logf, env=env, cwd=harness.wd)
    # ckan = [<venv>/bin/ckan, "-c", <ini>]
    redis_url = f"redis://127.0.0.1:{harness.ports['redis']}/0?socket_timeout=3600"
    run_step("ckan config-tool (harvest redis)", [ckan[0], "config-tool", ckan[2], f"ckan.redis.url = {redis_url}"],
             logf, env=env, cwd=harness.wd)


def start_harvest_consumers(harness: CkanHarness) -> dict[str, int]:
    """Start ``harvester gather-consumer`` and ``fetch-consumer``; ``harness.stop()`` stops them.

    Returns their PIDs. Each logs to ``logs/harvest-<name>.log`` in the work directory.
    """
    inst = harness.instance
    if inst is None:
        raise RuntimeError("start the harness first")
    ckan = inst.venv_python.parent / "ckan"
    pids = {}
    for name in ("gather-consumer", "fetch-consumer"):
        logf = harness.wd / "logs" / f"harvest-{name}.log"
        with open(logf, "ab") as fh:
            p = subprocess.Popen([str(ckan), "-c", str(inst.ini_path), "harvester", name],
                                 stdin=subprocess.DEVNULL, stdout=fh, stderr=fh, cwd=harness.wd,
                                 start_new_session=True, env=_clean_env(CKAN_INI=str(inst.ini_path)))
        harness._popen.append(p)
        harness._add_proc(Proc(f"harvest-{name}", p.pid, ["harvester", name, str(inst.ini_path)]))
        pids[name] = p.pid
    time.sleep(2)  # a consumer that cannot start (config, Redis) says so at once
    for name, pid in pids.items():
        if not running(pid):
            logf = harness.wd / "logs" / f"harvest-{name}.log"
            raise HarnessError(f"harvester {name}", f"exited at start:\n{tail(logf)}", logf)
    return pids


def _action(inst: CkanInstance, action: str, data: dict[str, Any]) -> Any:
    status, body = http_json(inst.api + action, data, token=inst.token, timeout=120)
    if status != 200 or not body.get("success"):
        raise HarnessError(action, f"HTTP {status}: {str(body)[:500]}")
    return body["result"]


def run_harvest_job(inst: CkanInstance, source_id: str, *, timeout: float = 1800,
                    poll: float = 0.5) -> dict[str, Any]:
    """Create a job for the harvest source ``source_id`` (its id, not its name), have the running
    consumers do it, and return the finished job (``harvest_job_show``: ``stats`` with ``added``,
    ``updated``, ``not modified``, ``errored``, ``deleted``; ``created``, ``gather_started``,
    ``gather_finished``, ``finished``). ``poll``: seconds between two ``harvest_jobs_run``."""
    job = _action(inst, "harvest_job_create", {"source_id": source_id})  # onto the gather queue
    end = time.monotonic() + timeout
    while True:
        time.sleep(poll)
        shown = _action(inst, "harvest_job_show", {"id": job["id"]})
        # Not before the gather is done: harvest_jobs_run also sends every WAITING object missing from
        # the fetch queue to it, which during a gather is each object made but not queued yet (the
        # gather queues them all at its end), so each would be fetched and imported twice.
        if shown["gather_finished"] and shown["status"] != "Finished":
            _action(inst, "harvest_jobs_run", {"source_id": source_id})  # Running -> Finished once all done
            shown = _action(inst, "harvest_job_show", {"id": job["id"]})
        if shown["status"] == "Finished":
            return shown
        if time.monotonic() > end:
            raise HarnessError("harvest job", f"not finished after {timeout:.0f}s: {shown}")
