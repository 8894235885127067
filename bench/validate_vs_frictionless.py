"""Validation speed and memory: opendata-pub vs frictionless 5.21 on one generated table, side by side.

Issue 15's baseline. Generates a package with one CSV of N rows and 8 typed fields (integer, number,
date, string with required / enum / minimum / maximum / pattern constraints), optionally with a
share of bad rows, then runs, each in its own process so peak RSS is the tool's own:

    opendata-pub validate DIR --profile none --format json
    frictionless validate DIR/datapackage.json --json

and prints wall time, peak RSS, the error count each reports, and the ratios. Usage:

    .venv/bin/python bench/validate_vs_frictionless.py --rows 100000 [--bad 0.01] [--dir /tmp/bench-validate]

Not a test: the figures go in bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

FIELDS = [
    {"name": "id", "type": "integer", "constraints": {"required": True, "minimum": 1}},
    {"name": "amount", "type": "number", "constraints": {"minimum": 0}},
    {"name": "day", "type": "date"},
    {"name": "category", "type": "string", "constraints": {"enum": ["a", "b", "c", "d"]}},
    {"name": "name", "type": "string", "constraints": {"required": True, "maxLength": 40}},
    {"name": "score", "type": "integer", "constraints": {"minimum": 0, "maximum": 100}},
    {"name": "code", "type": "string", "constraints": {"pattern": "^[0-9]{6}$"}},
    {"name": "note", "type": "string"},
]


def _row(i: int, rnd: random.Random, bad: bool) -> str:
    score = rnd.randint(0, 100) if not bad else 150  # a maximum violation
    day = f"20{rnd.randint(10, 25)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
    return (f"{i},{rnd.randint(0, 10**6) / 100},{day},{rnd.choice('abcd')},name-{i},{score},"
            f"{rnd.randint(0, 999999):06d},note {i % 97}\n")


def generate(folder: Path, rows: int, bad_share: float) -> Path:
    """The package folder, written once per (rows, bad share) and reused."""
    package = folder / f"rows-{rows}-bad-{bad_share}"
    csv_path = package / "data" / "table.csv"
    if csv_path.is_file():
        return package
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(15)
    step = int(1 / bad_share) if bad_share else 0
    with csv_path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(f["name"] for f in FIELDS) + "\n")
        for i in range(1, rows + 1):
            fh.write(_row(i, rnd, bool(step) and i % step == 0))
    descriptor = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "bench", "resources": [{
            "name": "table", "path": "data/table.csv", "format": "csv", "mediatype": "text/csv",
            "encoding": "utf-8", "schema": {"fields": FIELDS}}],
    }
    (package / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    return package


def run(cmd: list[str]) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in MB (the child's own, from wait4) and stdout of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    out = proc.stdout.read() if proc.stdout else ""
    _, _, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0
    return time.perf_counter() - start, usage.ru_maxrss // 1024, out


def _ours_errors(out: str) -> int:
    return int(json.loads(out)["summary"]["errors"])


def _frictionless_errors(out: str) -> int:
    report = json.loads(out)
    return sum(len(task.get("errors", [])) for task in report.get("tasks", []))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--bad", type=float, default=0.0, help="share of rows with a constraint error")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/bench-validate"))
    args = parser.parse_args()
    package = generate(args.dir, args.rows, args.bad)
    size = (package / "data" / "table.csv").stat().st_size
    bindir = Path(sys.executable).parent
    ours = run([str(bindir / "opendata-pub"), "validate", str(package), "--profile", "none", "--format", "json"])
    theirs = run([str(bindir / "frictionless"), "validate", str(package / "datapackage.json"), "--json"])
    print(f"{args.rows:,} rows, {size / 1e6:.1f} MB, bad share {args.bad}")
    print("| tool | wall s | peak RSS MB | errors |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| opendata-pub | {ours[0]:.2f} | {ours[1]} | {_ours_errors(ours[2])} |")
    print(f"| frictionless | {theirs[0]:.2f} | {theirs[1]} | {_frictionless_errors(theirs[2])} |")
    print(f"speed ratio (frictionless / opendata-pub): {theirs[0] / ours[0]:.2f}×; "
          f"memory ratio: {theirs[1] / max(ours[1], 1):.2f}×")


if __name__ == "__main__":
    main()
