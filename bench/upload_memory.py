"""Peak memory and time while uploading one big file: opendata-pub vs curl vs frictionless 5.21.

Each upload runs in a process of its own under /usr/bin/time -v (peak RSS = "Maximum resident set
size"), bounded by a timeout (the whole process group is killed by its id when it runs over).
opendata-pub's figure includes hashing the file before the upload (it must know the sha256 to decide
whether to upload at all). curl gets a dataset made beforehand and only uploads (resource_create).

    python -m tests.ckan_harness start --max-resource-size 600 --dir /tmp/bench-ckan
    PYTHONPATH=<dir with frictionless-ckan-mapper> .venv/bin/python bench/upload_memory.py \
        --env /tmp/bench-ckan/ckan.env --sizes 50,300 --frictionless-sizes 5,20
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c  # noqa: E402

HERE = Path(__file__).resolve().parent


def timed(cmd: list[str], timeout: float, env: dict[str, str] | None = None) -> dict:
    t0 = time.monotonic()
    p = subprocess.Popen(["/usr/bin/time", "-v", *cmd], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         start_new_session=True, env=env)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)  # the group we started (time + the tool), by its id
        p.communicate()
        return {"ok": False, "seconds": round(time.monotonic() - t0, 1), "timeout": True}
    text = err.decode("utf-8", "replace")
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    return {"ok": p.returncode == 0, "seconds": round(time.monotonic() - t0, 1),
            "peak_rss_mb": round(int(m.group(1)) / 1024, 1) if m else None,
            **({} if p.returncode == 0 else {"stderr": text[-300:]})}


def curl_upload(envf: dict[str, str], file: Path, timeout: float, work: Path) -> dict:
    s = c.session_factory()
    s.headers["Authorization"] = envf["CKAN_API_TOKEN"]
    r = s.post(envf["CKAN_URL"] + "/api/3/action/package_create", timeout=60,
               json={"name": "bench-curl-" + uuid.uuid4().hex[:8], "owner_org": envf["CKAN_ORGANIZATION"]})
    pkg_id = r.json()["result"]["id"]
    header = work / "auth-header"  # -H @file: the token never appears in a command line
    fd = os.open(header, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write("Authorization: " + envf["CKAN_API_TOKEN"] + "\n")
    res = timed(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-H", f"@{header}",
                 "-F", f"package_id={pkg_id}", "-F", "name=big", "-F", f"upload=@{file}",
                 envf["CKAN_URL"] + "/api/3/action/resource_create"], timeout)
    header.unlink()
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--env", required=True)
    ap.add_argument("--sizes", default="50,300", help="MB, for opendata-pub and curl")
    ap.add_argument("--frictionless-sizes", default="5,20", help="MB (it is quadratic: keep these small)")
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()))
    a = ap.parse_args()
    envf = c.load_env(a.env)
    rows = []
    with tempfile.TemporaryDirectory(prefix="odp-bench-mem-", dir=a.work) as tmp:
        work = Path(tmp)
        sizes = sorted({int(x) for x in a.sizes.split(",")} | {int(x) for x in a.frictionless_sizes.split(",")})
        for mb in sizes:
            f = work / f"big-{mb}.csv"
            c.make_csv(f, mb * 1024 * 1024, seed=mb)
            tools = []
            if str(mb) in a.sizes.split(","):
                tools += ["opendata-pub", "curl"]
            if str(mb) in a.frictionless_sizes.split(","):
                tools += ["frictionless 5.21"]
            for tool in tools:
                if tool == "curl":
                    res = curl_upload(envf, f, a.timeout, work)
                else:
                    child = "ours" if tool == "opendata-pub" else "frictionless"
                    res = timed([sys.executable, str(HERE / "_child_upload.py"), child, a.env, str(f)], a.timeout,
                                env=os.environ.copy())
                rows.append({"tool": tool, "size_mb": mb, **res})
                print(json.dumps(rows[-1]), flush=True)
            f.unlink()
    print("\n| tool | file | time | peak RSS |")
    print("| --- | ---: | ---: | ---: |")
    for r in rows:
        t = f"{r['seconds']} s" + (" (timeout, killed)" if r.get("timeout") else "" if r["ok"] else " (failed)")
        print(f"| {r['tool']} | {r['size_mb']} MB | {t} | {r.get('peak_rss_mb', '—')} MB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
