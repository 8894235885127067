"""Publishing many datasets to a real CKAN with --jobs N, against the server's own create cost (issue 16).

Needs a CKAN started by the harness and the generated packages of bench/publish_cache.py:

    python -m tests.ckan_harness start --dir /tmp/bench-ckan16
    .venv/bin/python bench/publish_cache.py --packages 2000     # generates the packages (and publishes)
    .venv/bin/python bench/publish_ckan_scale.py --env /tmp/bench-ckan16/ckan.env --packages 200 --jobs 4
    python -m tests.ckan_harness stop --dir /tmp/bench-ckan16

Measures, each in its own process or timed here: (1) `opendata-pub publish --to <CKAN> --jobs N` of the
first N generated packages (a project of symlinks to them), (2) the same unchanged (validation cache,
no writes), and (3) the server's own cost: `package_create` of datasets with the same metadata shape
and `resource_create` of the same files, sequentially with requests, no validation, no comparison.
The token is read from the harness's env file and never printed.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
SOURCE = Path("/tmp/opendata-pub-bench-publish/project-2000/datapackages")


def _env(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "=" in line:
            key, value = line.split("=", 1)
            out[key] = shlex.split(value)[0] if value else ""
    return out


def _project(n: int, base: Path, url: str) -> Path:
    project = base / f"ckan-project-{n}"
    packages = project / "datapackages"
    if not packages.is_dir():
        packages.mkdir(parents=True)
        (project / "opendata.yaml").write_text(
            (REPO / "opendata.yaml").read_text(encoding="utf-8"), encoding="utf-8")
        for source in sorted(SOURCE.iterdir())[:n]:
            (packages / source.name).symlink_to(source)
    return project


def _publish(project: Path, url: str, org: str, token: str, jobs: int) -> tuple[float, int]:
    env = {**os.environ, "CKAN_API_TOKEN": token}
    cmd = [str(REPO / ".venv" / "bin" / "opendata-pub"), "--quiet", "publish", "--to", url, "--organization", org,
           "--jobs", str(jobs)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _, err = proc.communicate()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"publish failed ({proc.returncode}): {err[-2000:]}")
    return time.perf_counter() - start, proc.returncode


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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--env", required=True, type=Path)
    ap.add_argument("--packages", type=int, default=200)
    ap.add_argument("--jobs", type=int, default=4)
    ap.add_argument("--base", type=Path, default=Path("/tmp/opendata-pub-bench-publish"))
    args = ap.parse_args()
    env = _env(args.env)
    url, token, org = env["CKAN_URL"], env["CKAN_API_TOKEN"], env.get("CKAN_ORGANIZATION", "harness-org")
    project = _project(args.packages, args.base, url)
    first, rc1 = _publish(project, url, org, token, args.jobs)
    again, rc2 = _publish(project, url, org, token, args.jobs)
    packages = sorted(SOURCE.iterdir())[:args.packages]
    direct = _server_cost(url, org, token, packages)
    n = args.packages
    print(f"| run | {n} datasets | per dataset |")
    print("| --- | ---: | ---: |")
    print(f"| opendata-pub publish --jobs {args.jobs} (validate, compare, create, upload 7 files; exit {rc1}) "
          f"| {first:.1f} s | {first / n * 1000:.0f} ms |")
    print(f"| same, unchanged (exit {rc2}) | {again:.1f} s | {again / n * 1000:.0f} ms |")
    print(f"| server alone: package_create + 7 resource_create uploads, sequential | {direct:.1f} s "
          f"| {direct / n * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
