"""Publishing that costs what changed (issue 15, part 4): the validation cache against today's re-publish.

Generates N small evaluation packages shaped like datapackages/kiyose-seisaku-hyoka-2020 (other
names, titles and one narrative text each; bytes and hash re-recorded) in a project folder under
/tmp (kept between runs: generated once per N), then measures, each run in its own process (wall
time, and peak RSS from os.wait4):

1. first publish into a fresh folder (``opendata-pub publish --to DIR``, empty cache);
2. unchanged re-publish, with the cache;
3. unchanged re-publish with ``--no-cache`` (today's behaviour: every package validated again);
4. re-publish after one package changed (one narrative cell, bytes/hash re-recorded).

    .venv/bin/python bench/publish_cache.py --packages 100
    .venv/bin/python bench/publish_cache.py --packages 2000 --reuse-site   # keep a site published once

Prints a markdown table and the ratios.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TEMPLATE = REPO / "datapackages" / "kiyose-seisaku-hyoka-2020"
CLI = [str(REPO / ".venv" / "bin" / "opendata-pub")]
_STAMP = re.compile(r"(path: data/narratives\.csv\n(?:.*\n)*?  bytes: )(\d+)(\n  hash: sha256:)([0-9a-f]{64})")


def _restamp(package: Path, csv_text: str) -> None:
    """Write narratives.csv and record its new bytes and sha256 in the descriptor."""
    data = csv_text.encode("utf-8")
    (package / "data" / "narratives.csv").write_bytes(data)
    desc = package / "datapackage.yaml"
    text = desc.read_text(encoding="utf-8")
    new, n = _STAMP.subn(lambda m: f"{m.group(1)}{len(data)}{m.group(3)}{hashlib.sha256(data).hexdigest()}", text)
    assert n == 1, "the template's narratives resource has no bytes/hash to update"
    desc.write_text(new, encoding="utf-8")


def _package(i: int, target: Path) -> None:
    shutil.copytree(TEMPLATE, target)
    desc = target / "datapackage.yaml"
    text = desc.read_text(encoding="utf-8")
    text = text.replace("name: kiyose-seisaku-hyoka-2020", f"name: bench-hyoka-{i:05d}", 1)
    text = re.sub(r"^title: (.*)$", lambda m: f"title: {m.group(1)} (ベンチ {i})", text, count=1, flags=re.M)
    desc.write_text(text, encoding="utf-8")
    narratives = (target / "data" / "narratives.csv").read_text(encoding="utf-8")
    _restamp(target, narratives.replace("市民が主体となったまちづくり", f"市民が主体となったまちづくり {i}", 1))


def generate(n: int, base: Path) -> Path:
    """A project with ``n`` packages under ``base`` (made once; reused when it is complete)."""
    project = base / f"project-{n}"
    done = project / ".generated"
    if done.exists():
        return project
    shutil.rmtree(project, ignore_errors=True)
    (project / "datapackages").mkdir(parents=True)
    shutil.copy(REPO / "opendata.yaml", project / "opendata.yaml")
    for i in range(n):
        _package(i, project / "datapackages" / f"bench-hyoka-{i:05d}")
    done.write_text("ok\n")
    return project


def run(cmd: list[str], cwd: Path) -> tuple[float, int, int]:
    """Wall seconds, peak RSS in MB (the child's own, from wait4) and exit code of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    err = proc.stderr.read() if proc.stderr else ""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        print(f"  ! {' '.join(cmd)} exited {code}: {err.strip()[-500:]}", file=sys.stderr)
    return time.perf_counter() - start, usage.ru_maxrss // 1024, code


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--packages", "-n", type=int, default=100)
    ap.add_argument("--base", type=Path, default=Path("/tmp/opendata-pub-bench-publish"))
    ap.add_argument("--reuse-site", action="store_true",
                    help="skip the first publish when the site of an earlier run is there (2,000 packages)")
    args = ap.parse_args()
    project = generate(args.packages, args.base)
    site = project / "site-out"
    cache = project / ".opendata-pub" / "cache"
    publish = [*CLI, "publish", "--to", str(site)]
    rows: list[tuple[str, float, int]] = []

    if not (args.reuse_site and (site / ".opendata-pub-manifest.json").exists()):
        shutil.rmtree(site, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
        wall, rss, _ = run(publish, project)
        rows.append(("first publish (fresh folder, empty cache)", wall, rss))
    else:
        run(publish, project)  # fills the cache if an earlier run left none
    wall, rss, _ = run(publish, project)
    rows.append(("unchanged re-publish, cache", wall, rss))
    cached = wall
    wall, rss, _ = run([*publish, "--no-cache"], project)
    rows.append(("unchanged re-publish, --no-cache (today)", wall, rss))
    peer = wall

    changed = project / "datapackages" / f"bench-hyoka-{args.packages // 2:05d}"
    narratives = (changed / "data" / "narratives.csv").read_text(encoding="utf-8")
    _restamp(changed, narratives.replace("まちづくり", "まち・づくり", 1) if "まち・づくり" not in narratives
             else narratives.replace("まち・づくり", "まちづくり", 1))
    wall, rss, _ = run(publish, project)
    rows.append(("re-publish after one package changed, cache", wall, rss))

    print(f"\n{args.packages} packages ({project})\n")
    print("| run | wall s | peak RSS MB |")
    print("| --- | ---: | ---: |")
    for name, wall, rss in rows:
        print(f"| {name} | {wall:.2f} | {rss} |")
    print(f"\nunchanged re-publish: cache {cached:.2f} s vs --no-cache {peer:.2f} s = {peer / cached:.1f}x faster "
          f"({cached / args.packages * 1000:.1f} ms vs {peer / args.packages * 1000:.1f} ms a package)")


if __name__ == "__main__":
    main()
