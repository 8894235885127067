"""Requests and bytes sent: opendata-pub vs frictionless 5.21's CKAN publish, on the same real CKAN.

Three steps on a package of three CSVs (~200 kB each): first publish, re-publish unchanged, re-publish
with one CSV changed. Both tools are counted at the requests adapter in this process. Also reported:
how many resources the dataset has afterwards (frictionless appends new ones on every publish).

    python -m tests.ckan_harness start --max-resource-size 600 --dir /tmp/bench-ckan
    .venv/bin/python bench/compare_requests.py --env /tmp/bench-ckan/ckan.env
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c  # noqa: E402


def resources_on_portal(env: dict[str, str], name: str) -> int:
    s = c.session_factory()
    s.headers["Authorization"] = env["CKAN_API_TOKEN"]
    r = s.get(env["CKAN_URL"] + "/api/3/action/package_show", params={"id": name}, timeout=60)
    body = r.json()
    return len(body["result"]["resources"]) if body.get("success") else -1  # -1: no dataset


def run_ours(env: dict[str, str], work: Path, files: dict[str, Path], changed: Path) -> list[dict]:
    from opendata_pub.actions import publish
    from opendata_pub.config import load_config
    from opendata_pub.portals import CkanTarget

    name = "bench-ours-" + uuid.uuid4().hex[:8]
    (work / "ours").mkdir()
    (work / "ours" / "opendata.yaml").write_text(c.CONFIG.format(org=env["CKAN_ORGANIZATION"]), encoding="utf-8")
    settings = load_config(work / "ours" / "opendata.yaml")
    target = CkanTarget(env["CKAN_URL"], token=env["CKAN_API_TOKEN"], settings=settings,
                        session_factory=c.session_factory)
    rows = []
    for step, fileset in (("first publish", files), ("unchanged re-publish", files),
                          ("one CSV changed", {**files, "b": changed})):
        pkg = c.write_package(work / "ours", name, fileset)
        c.COUNT.reset()
        _, result = publish([pkg], target, settings=settings)
        assert result.ok, result.to_dict()
        rows.append({"tool": "opendata-pub", "step": step, **c.COUNT.snapshot(),
                     "resources_after": resources_on_portal(env, name)})
    target.close()
    return rows


def run_frictionless(env: dict[str, str], work: Path, files: dict[str, Path], changed: Path) -> list[dict]:
    from frictionless import Package
    from frictionless.portals import CkanControl

    name = "bench-fl-" + uuid.uuid4().hex[:8]
    (work / "fl").mkdir()
    rows = []
    for i, (step, fileset) in enumerate((("first publish", files), ("unchanged re-publish", files),
                                          ("one CSV changed", {**files, "b": changed}))):
        pkg = c.write_package(work / "fl", name, fileset)
        control = CkanControl(baseurl=env["CKAN_URL"], apikey=env["CKAN_API_TOKEN"],
                              organization_name=env["CKAN_ORGANIZATION"], allow_update=i > 0)
        c.COUNT.reset()
        error = None
        try:
            Package(str(pkg / "datapackage.yaml")).publish(control=control)
        except Exception as exc:  # noqa: BLE001 - record what the other tool does, whatever it raises
            error = type(exc).__name__ + ": " + str(exc).replace(env["CKAN_API_TOKEN"], "***")[:200]
        rows.append({"tool": "frictionless 5.21", "step": step, **c.COUNT.snapshot(),
                     "resources_after": resources_on_portal(env, name), **({"error": error} if error else {})})
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--env", required=True, help="the harness's env file (CKAN_URL, CKAN_API_TOKEN, …)")
    ap.add_argument("--size", type=int, default=200_000, help="bytes per CSV")
    a = ap.parse_args()
    env = c.load_env(a.env)
    c.count_all_requests()
    with tempfile.TemporaryDirectory(prefix="odp-bench-") as tmp:
        work = Path(tmp)
        files = {k: work / "src" / f"{k}.csv" for k in "abc"}
        for i, p in enumerate(files.values()):
            c.make_csv(p, a.size, seed=i)
        changed = work / "src" / "b2.csv"
        c.make_csv(changed, a.size, seed=99)
        rows = run_ours(env, work, files, changed) + run_frictionless(env, work, files, changed)
    print(json.dumps(rows, ensure_ascii=False, indent=1))
    print("\n| tool | step | requests | writes (POST) | bytes sent | resources on the portal after |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(f"| {r['tool']} | {r['step']} | {r['requests']} | {r['writes']} | {r['bytes_sent']:,} | "
              f"{r['resources_after']}{' (' + r['error'][:60] + ')' if r.get('error') else ''} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
