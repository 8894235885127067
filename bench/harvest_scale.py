"""An aggregator's CKAN harvesting our static catalog at scale: first harvest, re-harvest, deletion (issue 16).

    .venv/bin/python bench/harvest_scale.py --packages 30 --page-size 12       # a quick run, 3 pages
    .venv/bin/python bench/harvest_scale.py --packages 2000 --json /tmp/harvest-2000.json
    .venv/bin/python bench/harvest_scale.py --packages 2000 --site-only        # publish now, harvest later
    .venv/bin/python bench/harvest_scale.py --packages 2000 --reuse-site       # harvest the site published before

Steps, each timed here:

1. the N packages of bench/publish_cache.py (generated once into /tmp/opendata-pub-bench-publish/project-N)
   are linked into a project of their own (``harvest-project-N``: its ``catalog.base_url`` is
   ``http://127.0.0.1:PORT/``, the address the site is served at, so the pages' ``hydra:next`` links
   lead the harvester there) and published with ``opendata-pub --quiet publish --to site-out --jobs 2``;
2. the catalog's size and paging: catalog.ttl and catalog-page-N.ttl, catalog.jsonld;
3. a CKAN with ckanext-harvest and ckanext-dcat's ``dcat_rdf`` harvester (tests/ckan_harness/harvest.py,
   as tests/integration/test_harvest.py starts it) harvests ``catalog.ttl`` from a threaded
   http.server on that port: a first job (gather, fetch/import, finish);
4. an unchanged re-harvest: how many datasets' ``metadata_modified`` moved (0 expected);
5. one package removed from the project, ``publish --prune``, a re-harvest: exactly that dataset is
   deleted on the aggregator (the package's link is put back at the end; ``--reuse-site`` re-publishes
   from the cache first, which brings it back into the site).

Everything started here (CKAN, its consumers, the file server) is stopped at the end, also on failure.
The catalog's paging is ``rdf.catalog_pages.PAGE_SIZE`` (500); ``--page-size`` runs the CLI with
another one (patched in the publishing process, for small runs that should page) and the harvest
follows whatever the site has. The toolkit's validation cache is keyed by its source files: for long
runs use a frozen clone (``PYTHONPATH=<clone>/src``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "bench")]

from publish_cache import generate  # noqa: E402

from tests.ckan_harness import CkanHarness, CkanInstance  # noqa: E402
from tests.ckan_harness.harvest import (  # noqa: E402
    HARVEST_PLUGINS,
    HARVEST_SETTINGS,
    create_harvest_tables,
    run_harvest_job,
    start_harvest_consumers,
)
from tests.localserver import QuietFiles  # noqa: E402

CLI = str(REPO / ".venv" / "bin" / "opendata-pub")
_BASE_URL = re.compile(r"^(  base_url: ).*$", re.M)
# the CLI with another page size: the catalog writer reads rdf.catalog_pages.PAGE_SIZE through site.catalog_rdf
_PAGED_CLI = ("import sys; from opendata_pub.site import catalog_rdf; catalog_rdf.PAGE_SIZE = int(sys.argv.pop(1)); "
              "from opendata_pub.cli import main; sys.argv[0] = 'opendata-pub'; sys.exit(main())")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def project_for(n: int, base: Path, source: Path) -> tuple[Path, str]:
    """``harvest-project-N``: links to the generated packages and a base_url on a port chosen once.

    Returns the project and its base URL (``http://127.0.0.1:PORT/``), read back when it exists: a
    site published before is served on the port its IRIs and page links name.
    """
    project = base / f"harvest-project-{n}"
    config = project / "opendata.yaml"
    if not config.exists():
        shutil.rmtree(project, ignore_errors=True)
        (project / "datapackages").mkdir(parents=True)
        for package in sorted((source / "datapackages").iterdir()):
            (project / "datapackages" / package.name).symlink_to(package)
        text = (source / "opendata.yaml").read_text(encoding="utf-8")
        text, done = _BASE_URL.subn(lambda m: f"{m.group(1)}http://127.0.0.1:{_free_port()}/", text, count=1)
        assert done == 1, "opendata.yaml has no catalog.base_url to point at the local server"
        config.write_text(text, encoding="utf-8")
    found = _BASE_URL.search(config.read_text(encoding="utf-8"))
    assert found, f"{config}: no base_url"
    return project, found.group(0).split(": ", 1)[1].strip()


def publish(project: Path, site: Path, *, jobs: int, prune: bool = False, page_size: int | None = None) -> float:
    """``opendata-pub --quiet publish --to site`` in its own process; wall seconds."""
    args = ["--quiet", "publish", "--to", str(site), "--jobs", str(jobs), *(["--prune"] if prune else [])]
    cmd = [CLI, *args] if page_size is None else [sys.executable, "-c", _PAGED_CLI, str(page_size), *args]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"publish failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return time.perf_counter() - start


def catalog_files(site: Path) -> dict[str, Any]:
    """Sizes of catalog.ttl, its pages (in page order) and catalog.jsonld."""
    pages = sorted(site.glob("catalog-page-*.ttl"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    ttl = [site / "catalog.ttl", *pages]
    return {"pages": len(ttl), "page_bytes": [p.stat().st_size for p in ttl],
            "ttl_bytes": sum(p.stat().st_size for p in ttl), "jsonld_bytes": (site / "catalog.jsonld").stat().st_size}



@contextmanager
def serve_site(site: Path, port: int) -> Iterator[None]:
    """The site as static files on 127.0.0.1:``port`` (the port its base_url names), threaded."""
    httpd = ThreadingHTTPServer(("127.0.0.1", port), partial(QuietFiles, directory=str(site)))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name="harvest-site", daemon=True)
    thread.start()
    try:
        yield
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


def datasets(inst: CkanInstance) -> dict[str, tuple[str, str]]:
    """Every active dataset of the aggregator: its ``uri`` extra (our IRI) -> (id, metadata_modified)."""
    out: dict[str, tuple[str, str]] = {}
    with inst.session() as s:
        while True:
            r = s.post(inst.api + "package_search", timeout=300, json={
                "q": "*:*", "rows": 1000, "start": len(out), "sort": "id asc"})
            r.raise_for_status()
            result = r.json()["result"]
            for pkg in result["results"]:
                uri = next(e["value"] for e in pkg["extras"] if e["key"] == "uri")
                out[uri] = (pkg["id"], pkg["metadata_modified"])
            if not result["results"] or len(out) >= result["count"]:
                return out


def _seconds(job: dict[str, Any], start: str, end: str) -> float | None:
    if not (job.get(start) and job.get(end)):
        return None
    return (datetime.fromisoformat(job[end]) - datetime.fromisoformat(job[start])).total_seconds()


def harvest(inst: CkanInstance, source: str, fetch_log: Path) -> dict[str, Any]:
    """One job, start to Finished: wall time, the job's own stage times and report, objects imported."""
    def received() -> int:  # the fetch consumer logs one line per harvest object it takes
        return fetch_log.read_text(errors="replace").count("Received harvest object id") if fetch_log.exists() else 0

    before = received()
    start = time.perf_counter()
    job = run_harvest_job(inst, source, timeout=7200, poll=2.0)
    wall = time.perf_counter() - start
    return {"wall_s": wall, "job_s": _seconds(job, "created", "finished"),
            "gather_s": _seconds(job, "gather_started", "gather_finished"),
            "import_s": _seconds(job, "gather_finished", "finished"), "stats": job["stats"],
            "fetch_consumer_objects": received() - before, "errors": job.get("object_error_summary", [])[:5]}


def _source(inst: CkanInstance, url: str) -> str:
    with inst.session() as s:
        r = s.post(inst.api + "harvest_source_create", timeout=60, json={
            "name": "municipality", "title": "市町村カタログ", "url": url, "source_type": "dcat_rdf",
            "config": json.dumps({"rdf_format": "text/turtle"}), "frequency": "MANUAL", "owner_org": inst.organization})
    if r.status_code != 200:
        raise SystemExit(f"harvest_source_create: HTTP {r.status_code} {r.text[:1000]}")
    return str(r.json()["result"]["id"])


def run_harvests(args: argparse.Namespace, project: Path, site: Path, base_url: str, figures: dict[str, Any]) -> None:
    """Steps 3-5 against a harness CKAN, stopped (with the file server) whatever happens."""
    n = args.packages
    harness = CkanHarness(version=args.ckan_version, plugins=HARVEST_PLUGINS, settings=HARVEST_SETTINGS,
                          after_db_init=create_harvest_tables)
    try:
        start = time.perf_counter()
        inst = harness.start()
        start_harvest_consumers(harness)
        figures["ckan_start_s"] = time.perf_counter() - start
        fetch_log = harness.wd / "logs" / "harvest-fetch-consumer.log"
        with serve_site(site, int(urlsplit(base_url).port or 80)):
            source = _source(inst, base_url + "catalog.ttl")
            figures["first"] = first = harvest(inst, source, fetch_log)
            got = datasets(inst)
            first["datasets"] = len(got)
            print(f"first harvest: {first}", flush=True)

            figures["again"] = again = harvest(inst, source, fetch_log)
            after = datasets(inst)
            again["datasets"] = len(after)
            again["modified_changed"] = sum(after.get(k, ("", ""))[1] != v[1] for k, v in got.items())
            print(f"re-harvest: {again}", flush=True)

            removed = project / "datapackages" / f"bench-hyoka-{n // 2:05d}"
            removed.unlink()  # a link to the generated package: the package itself stays for the next run
            try:
                figures["prune_publish_s"] = publish(project, site, jobs=args.jobs, prune=True,
                                                     page_size=args.page_size)
                figures["catalog_after_prune"] = catalog_files(site)
                figures["removal"] = third = harvest(inst, source, fetch_log)
            finally:
                removed.symlink_to(args.base / f"project-{n}" / "datapackages" / removed.name)
            left = datasets(inst)
            guid = f"{base_url}dataset/{removed.name}"
            third.update(datasets=len(left), removed_guid_found=guid in left,
                         others_unchanged=all(left.get(k) == v for k, v in after.items() if k != guid))
            with inst.session() as s:
                state = s.post(inst.api + "package_show", json={"id": after[guid][0]}, timeout=60).json()
            third["removed_state"] = state.get("result", {}).get("state")
            print(f"after removal: {third}", flush=True)
    finally:
        harness.stop()


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def table(f: dict[str, Any]) -> str:
    """The figures as markdown."""
    n, cat = f["packages"], f["catalog"]
    publish_s = "reused" if f["publish_s"] is None else f"{f['publish_s']:.1f} s"
    lines = [f"{n} packages, CKAN {f['ckan_version']}, load {f['load_start'][0]:.1f} at start, "
             f"{f['load_end'][0]:.1f} at end", "",
             "| step | figure |", "| --- | --- |",
             f"| static publish, `--jobs {f['jobs']}` | {publish_s} |",
             f"| catalog.ttl + pages | {cat['pages']} files, {_mb(cat['ttl_bytes'])} "
             f"({' + '.join(_mb(b) for b in cat['page_bytes'])}) |",
             f"| catalog.jsonld | {_mb(cat['jsonld_bytes'])} |"]
    if f.get("refresh_s") is not None:
        lines.append(f"| re-publish of the reused site (cache) | {f['refresh_s']:.1f} s |")
    if "ckan_start_s" in f:
        lines.append(f"| harvest CKAN start (harness + consumers) | {f['ckan_start_s']:.1f} s |")
    if "prune_publish_s" in f:
        lines.append(f"| `publish --prune` after one package removed | {f['prune_publish_s']:.1f} s |")
    runs = [(k, label) for k, label in (("first", "first harvest"), ("again", "unchanged re-harvest"),
                                       ("removal", "re-harvest after the removal")) if k in f]
    if runs:
        lines += ["", "| harvest | wall s | job s | gather s | import s | added | updated | not modified "
                  "| deleted | errored | objects fetched | datasets after |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for key, label in runs:
            r, s = f[key], f[key]["stats"]
            lines.append(f"| {label} | {r['wall_s']:.1f} | {r['job_s']:.1f} | {r['gather_s']:.1f} | {r['import_s']:.1f} "
                         f"| {s['added']} | {s['updated']} | {s['not modified']} | {s['deleted']} | {s['errored']} "
                         f"| {r['fetch_consumer_objects']} | {r['datasets']} |")
    if "again" in f:
        lines.append(f"\nunchanged re-harvest: {f['again']['modified_changed']} datasets' metadata_modified changed")
    if "removal" in f:
        r = f["removal"]
        lines.append(f"removal: {r['datasets']} datasets left (expected {n - 1}), removed guid found: "
                     f"{r['removed_guid_found']}, its state: {r['removed_state']}, others unchanged: "
                     f"{r['others_unchanged']}")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--packages", "-n", type=int, default=2000)
    ap.add_argument("--base", type=Path, default=Path("/tmp/opendata-pub-bench-publish"))
    ap.add_argument("--jobs", type=int, default=2, help="publish --jobs (default 2)")
    ap.add_argument("--page-size", type=int, help="datasets a catalog page (default: the toolkit's, 500)")
    ap.add_argument("--reuse-site", action="store_true", help="skip the first publish when the site exists")
    ap.add_argument("--site-only", action="store_true", help="publish the site and stop (harvest it with --reuse-site)")
    ap.add_argument("--ckan-version", default="2.12.0")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    figures: dict[str, Any] = {"packages": args.packages, "ckan_version": args.ckan_version, "jobs": args.jobs,
                               "page_size": args.page_size, "load_start": os.getloadavg()}
    project, base_url = project_for(args.packages, args.base, generate(args.packages, args.base))
    site = project / "site-out"
    print(f"project {project}, served as {base_url}", flush=True)
    if args.reuse_site and (site / ".opendata-pub-manifest.json").exists():
        figures["publish_s"] = None  # brought up to date (a package an earlier run removed) from the cache:
        figures["refresh_s"] = publish(project, site, jobs=args.jobs, page_size=args.page_size)
    else:
        shutil.rmtree(site, ignore_errors=True)
        shutil.rmtree(project / ".opendata-pub", ignore_errors=True)
        figures["publish_s"] = publish(project, site, jobs=args.jobs, page_size=args.page_size)
        print(f"published {args.packages} packages in {figures['publish_s']:.1f} s", flush=True)
    figures["catalog"] = catalog_files(site)
    print(f"catalog: {figures['catalog']}", flush=True)
    if not args.site_only:
        run_harvests(args, project, site, base_url, figures)
    figures["load_end"] = os.getloadavg()
    print("\n" + table(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
