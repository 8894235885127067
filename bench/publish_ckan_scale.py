"""Publishing many datasets to a real CKAN with --jobs N, against the server's own create cost (issue 16).

Needs a CKAN started by the harness; the packages are bench/publish_cache.py's (generated if absent):

    python -m tests.ckan_harness start --dir /tmp/bench-ckan16
    .venv/bin/python bench/publish_ckan_scale.py --env /tmp/bench-ckan16/ckan.env --packages 2000 --jobs 4
    python -m tests.ckan_harness stop --dir /tmp/bench-ckan16

Measures, each in its own process or timed here: (1) `opendata-pub publish --to <CKAN> --jobs N` of the
first N generated packages (a project of symlinks to them), (2) the same unchanged (validation cache,
no writes), and (3) the server's own cost: `package_create` of datasets with the same metadata shape
and `resource_create` of the same files, sequentially with requests, no validation, no comparison
(`--server-sample K`: on the first K packages only, scaled to N). The client's CPU seconds include its
worker processes' (validation); the load averages are printed because the machine may be shared.
The token is read from the harness's env file and never printed.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import time
from pathlib import Path

import requests
from publish_cache import generate  # bench/ is the script's folder, first on sys.path

REPO = Path(__file__).resolve().parent.parent


def _env(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "=" in line:
            key, value = line.split("=", 1)
            out[key] = shlex.split(value)[0] if value else ""
    return out


def _project(n: int, base: Path, source: Path) -> Path:
    project = base / f"ckan-project-{n}"
    packages = project / "datapackages"
    if not packages.is_dir():
        packages.mkdir(parents=True)
        (project / "opendata.yaml").write_text(
            (REPO / "opendata.yaml").read_text(encoding="utf-8"), encoding="utf-8")
        for package in sorted(source.iterdir())[:n]:
            (packages / package.name).symlink_to(package)
    return project


def _publish(project: Path, url: str, org: str, token: str, jobs: int) -> tuple[float, float, int, int]:
    """Wall seconds, CPU seconds of the client (its own and its worker processes': wait4 counts the
    children it reaped), peak RSS in MB of the biggest of them, and the exit code."""
    env = {**os.environ, "CKAN_API_TOKEN": token}
    cmd = [str(REPO / ".venv" / "bin" / "opendata-pub"), "--quiet", "publish", "--to", url, "--organization", org,
           "--jobs", str(jobs)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    err = proc.stderr.read() if proc.stderr else ""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"publish failed ({code}): {err[-2000:]}")
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024, code


def _server_cost(url: str, org: str, token: str, packages: list[Path]) -> float:
    """package_create + resource_create (upload) of the same files, no validation: the server's share."""
    session = requests.Session()
    session.headers["Authorization"] = token
    start = time.perf_counter()
    for i, package in enumerate(packages):
        name = f"direct-{i:05d}-{int(start)}"
        r = session.post(f"{url}/api/3/action/package_create", json={
            "name": name, "title": name, "owner_org": org, "license_id": "CC-BY-4.0",
            "notes": "bench", "tags": [{"name": "bench"}], "extras": [{"key": "k", "value": "v"}]}, timeout=60)
        r.raise_for_status()
        package_id = r.json()["result"]["id"]
        for csv in sorted((package / "data").glob("*.csv")):
            with csv.open("rb") as fh:
                r = session.post(f"{url}/api/3/action/resource_create", data={"package_id": package_id, "name": csv.stem},
                                 files={"upload": (csv.name, fh, "text/csv")}, timeout=60)
            r.raise_for_status()
    return time.perf_counter() - start


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--env", required=True, type=Path)
    ap.add_argument("--packages", type=int, default=200)
    ap.add_argument("--jobs", type=int, default=4)
    ap.add_argument("--server-sample", type=int, default=0,
                    help="measure the server alone on this many packages (default: all of them)")
    ap.add_argument("--base", type=Path, default=Path("/tmp/opendata-pub-bench-publish"))
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    env = _env(args.env)
    url, token, org = env["CKAN_URL"], env["CKAN_API_TOKEN"], env.get("CKAN_ORGANIZATION", "harness-org")
    source = generate(args.packages, args.base) / "datapackages"  # bench/publish_cache.py's packages
    project = _project(args.packages, args.base, source)
    shutil.rmtree(project / ".opendata-pub", ignore_errors=True)  # a first publish starts with no validation cache
    n = args.packages
    loads = [_load()]
    first, cpu1, rss1, rc1 = _publish(project, url, org, token, args.jobs)
    loads.append(_load())
    again, cpu2, rss2, rc2 = _publish(project, url, org, token, args.jobs)
    sample = args.server_sample or n
    direct = _server_cost(url, org, token, sorted(source.iterdir())[:sample]) * n / sample
    loads.append(_load())
    scaled = f" (measured on {sample}, × {n / sample:g})" if sample != n else ""
    print(f"load averages at start / after the first publish / at the end: {' | '.join(loads)}")
    print(f"| run | {n} datasets | per dataset | client CPU | client peak RSS |")
    print("| --- | ---: | ---: | ---: | ---: |")
    print(f"| opendata-pub publish --jobs {args.jobs} (validate, compare, create, upload 7 files; exit {rc1}) "
          f"| {first:.1f} s | {first / n * 1000:.0f} ms | {cpu1:.0f} s | {rss1} MB |")
    print(f"| same, unchanged (exit {rc2}) | {again:.1f} s | {again / n * 1000:.0f} ms | {cpu2:.0f} s | {rss2} MB |")
    print(f"| server alone: package_create + 7 resource_create uploads, sequential{scaled} | {direct:.1f} s "
          f"| {direct / n * 1000:.0f} ms | | |")
    print(f"ratio publish / server alone: {first / direct:.2f}")
    if args.json:
        args.json.write_text(json.dumps({"packages": n, "jobs": args.jobs, "first_s": first, "first_cpu_s": cpu1,
                                         "first_rss_mb": rss1, "unchanged_s": again, "unchanged_cpu_s": cpu2,
                                         "server_alone_s": direct, "server_sample": sample, "loads": loads}, indent=2))


if __name__ == "__main__":
    main()
