"""Validation speed and memory: opendata-pub vs frictionless 5.21 on one generated table, side by side.

Issue 15's baseline. Generates a package with one CSV of N rows and 8 typed fields (integer, number,
date, string with required / enum / minimum / maximum / pattern constraints), optionally with a
share of bad rows, then runs, each in its own process so peak RSS is the tool's own:

    opendata-pub validate DIR --profile none --format json
    frictionless validate DIR/datapackage.json --json

and prints wall time, peak RSS, the error count each reports, whether both report the same
(code, row, field) findings, and the ratios. Each case is timed ``--repeat`` times, best run kept.
Usage:

    .venv/bin/python bench/validate_vs_frictionless.py                      # 100k and 1M rows, valid and 1% bad
    .venv/bin/python bench/validate_vs_frictionless.py --rows 18000000 --bad 0 --repeat 1   # ~1 GB: memory
    .venv/bin/python bench/validate_vs_frictionless.py --rows 18000000 --bad 0 --no-peer    # ours alone

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


def best(cmd: list[str], repeat: int) -> tuple[float, int, str]:
    runs = [run(cmd) for _ in range(repeat)]
    return min(r[0] for r in runs), max(r[1] for r in runs), runs[0][2]


def _ours(out: str) -> set[tuple[str, int | None, str | None]]:
    report = json.loads(out)
    return {(f["code"], f["where"].get("row"), f["where"].get("field"))
            for p in report["packages"] for f in p["findings"] if f["layer"] == "data" and f["severity"] != "info"}


def _theirs(out: str) -> set[tuple[str, int | None, str | None]]:
    report = json.loads(out)
    return {(e["type"], e.get("rowNumber"), e.get("fieldName") or None)
            for task in report.get("tasks", []) for e in task.get("errors", [])}


def case(folder: Path, rows: int, bad: float, repeat: int, peer: bool, limit: int | None = None) -> str:
    package = generate(folder, rows, bad)
    size = (package / "data" / "table.csv").stat().st_size
    bindir = Path(sys.executable).parent
    limit_args = ["--limit-errors", str(limit)] if limit else []
    ours = best([str(bindir / "opendata-pub"), "--quiet", "validate", str(package), "--profile", "none",
                 "--format", "json", *limit_args], repeat)
    mine = _ours(ours[2])
    limit_text = f"{limit:,}" if limit else "1,000"
    line = f"| {rows:,} | {size / 1e6:,.0f} MB | {bad:.0%} | {limit_text} | {ours[0]:.2f} | {ours[1]} | {len(mine)} |"
    if not peer:
        return line + " – | – | – | – | – |"
    theirs = best([str(bindir / "frictionless"), "validate", str(package / "datapackage.json"), "--json",
                   *limit_args], repeat)
    their = _theirs(theirs[2])
    return (line + f" {theirs[0]:.2f} | {theirs[1]} | {len(their)} | {'yes' if mine == their else 'NO'} |"
            f" {theirs[0] / ours[0]:.1f}× |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, action="append", help="rows (repeatable; default 100000 and 1000000)")
    parser.add_argument("--bad", type=float, action="append", help="share of bad rows (repeatable; default 0, 0.01)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit-errors", type=int, action="append",
                        help="also run each bad case with this error limit (both tools; repeatable)")
    parser.add_argument("--no-peer", action="store_true", help="run opendata-pub alone (frictionless takes minutes on 1 GB)")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/bench-validate"))
    args = parser.parse_args()
    print("| rows | size | bad rows | error limit | opendata-pub s | RSS MB | findings | frictionless s | RSS MB "
          "| findings | same findings | speed-up |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: | ---: |")
    for rows in args.rows or [100_000, 1_000_000]:
        for bad in args.bad if args.bad is not None else [0.0, 0.01]:
            print(case(args.dir, rows, bad, args.repeat, not args.no_peer), flush=True)
            for limit in (args.limit_errors or []) if bad else []:
                print(case(args.dir, rows, bad, args.repeat, not args.no_peer, limit), flush=True)


if __name__ == "__main__":
    main()
