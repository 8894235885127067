"""Time and peak memory of importing a 400-program × 210-column workbook (issue 11).

Three measurements, each in a child process of its own so the peak is the import's:
  read    read_workbook only (python-calamine)
  layout  read + detection + the built-in layout → 400 records (import_workbook)
  package the whole `evaluation import`: records, 400 YAML files, CSV tables, descriptor

    .venv/bin/python bench/evaluation_import.py [--repeat 3] [--dir /tmp/bench-evaluation]

The workbook is made by tests/records/workbook_factory.py (deterministic): 400 programs, six year
blocks, 204 form columns + 6 備考 columns, empty formatted rows down to row 2000. Times and ru_maxrss
(whole process, interpreter and imports included) come from untraced runs; tracemalloc's peak of
Python allocations during the step from one more, traced run (tracing slows the step several times).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEPS = ("read", "layout", "package")


def _step(step: str, workbook: Path, work: Path, trace: bool) -> dict[str, float]:
    from opendata_pub.actions import import_evaluations
    from opendata_pub.records.importers import import_workbook
    from opendata_pub.records.workbook import read_workbook

    target = work / "pkg"
    shutil.rmtree(target, ignore_errors=True)
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    if step == "read":
        count = sum(len(s.rows) for s in read_workbook(workbook))
    elif step == "layout":
        count = len(import_workbook(workbook, municipality_code="132217", municipality_name="清瀬市").results)
    else:
        outcome = import_evaluations([workbook], package_dir=target, municipality_code="132217",
                                     municipality_name="清瀬市", day="2026-01-05")
        count = len(outcome.results)
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory() if trace else (0, 0)
    tracemalloc.stop()
    return {"seconds": seconds, "count": count, "tracemalloc_peak_mb": peak / 2**20,
            "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _child(args: argparse.Namespace) -> int:
    print(json.dumps(_step(args.child, Path(args.workbook), Path(args.dir), args.trace)))
    return 0


def _make_workbook(folder: Path) -> Path:
    sys.path.insert(0, str(ROOT / "tests" / "records"))
    from workbook_factory import build_workbook, generate_programs

    path = folder / "jimu-400x210.xlsx"
    if not path.exists():
        build_workbook(path, generate_programs(400), extra=6, formatted_to=2000)
    return path


def _run(step: str, workbook: Path, folder: Path, *, trace: bool) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", step, "--workbook", str(workbook), "--dir", str(folder)]
    out = subprocess.run([*command, "--trace"] if trace else command, capture_output=True, text=True, check=True)
    return dict(json.loads(out.stdout))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", default="/tmp/bench-evaluation")
    parser.add_argument("--child", choices=STEPS, help=argparse.SUPPRESS)
    parser.add_argument("--workbook", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return _child(args)
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    workbook = _make_workbook(folder)
    print(f"workbook: {workbook} ({workbook.stat().st_size / 2**20:.2f} MB)")
    for step in STEPS:
        runs = [_run(step, workbook, folder, trace=False) for _ in range(args.repeat)]
        traced = _run(step, workbook, folder, trace=True)
        best = min(runs, key=lambda r: r["seconds"])
        print(f"{step:8s} {best['count']:>5.0f} items  best {best['seconds']:.2f} s of {args.repeat}  "
              f"maxrss {max(r['maxrss_mb'] for r in runs):.0f} MB  "
              f"tracemalloc peak {traced['tracemalloc_peak_mb']:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
