"""Time and peak memory of reading every cell of a workbook: python-calamine vs openpyxl.

Each reader runs in a child process of its own (peak RSS from ``VmHWM`` is per process), on
the same files in the same run; a child that only imports the reader gives the baseline.

    .venv/bin/python bench/excel_reader.py [--repeat 3] [--dir /tmp/bench-excel]

Workbooks (made by tests/records/workbook_factory.py, deterministic):
  (a) ~2 MB: 2,400 programs × 204 columns, no formatting below;
  (b) 400 programs × 210 columns, empty formatted rows down to row 2000 (the issue's size).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READERS = ("baseline", "calamine", "opendata_pub", "openpyxl_read_only", "openpyxl_normal")


def _read(reader: str, path: str) -> int:
    """Read every cell of every sheet with ``reader``; the number of non-empty cells."""
    if reader == "baseline":  # the bare interpreter: nothing imported, nothing read
        return 0
    if reader == "calamine":
        import python_calamine
        book = python_calamine.CalamineWorkbook.from_path(path)
        n = 0
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            n += sum(1 for row in sheet.to_python(skip_empty_area=False) for v in row if v != "")
            sheet.merged_cell_ranges  # noqa: B018  what the layout engine needs too
        return n
    if reader == "opendata_pub":
        from opendata_pub.records.workbook import read_workbook
        return sum(1 for s in read_workbook(path) for row in s.rows for v in row if v is not None)
    import openpyxl
    book = openpyxl.load_workbook(path, read_only=reader == "openpyxl_read_only", data_only=True)
    n = sum(1 for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None)
    if reader == "openpyxl_normal":
        _ = [ws.merged_cells.ranges for ws in book.worksheets]
    return n


def _peak_kb() -> int:
    """Peak RSS of this process in KiB. ``VmHWM`` starts afresh at exec; ``ru_maxrss`` does not (Linux
    keeps the parent's, so every child would report the bench's own 200 MB)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _child(reader: str, path: str) -> None:
    start = time.perf_counter()
    cells = _read(reader, path)
    seconds = time.perf_counter() - start
    peak_kb = _peak_kb()
    print(json.dumps({"reader": reader, "seconds": seconds, "peak_mb": peak_kb / 1024, "cells": cells}))


def _measure(reader: str, path: Path, repeat: int) -> dict[str, float]:
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, __file__, "--child", reader, str(path)], check=True,
                             capture_output=True, text=True, timeout=600)
        runs.append(json.loads(out.stdout))
    best = min(runs, key=lambda r: r["seconds"])
    return {"seconds": best["seconds"], "peak_mb": max(r["peak_mb"] for r in runs), "cells": best["cells"]}


def _workbooks(folder: Path) -> dict[str, Path]:
    sys.path.insert(0, str(ROOT / "tests" / "records"))
    from workbook_factory import build_workbook, generate_programs

    folder.mkdir(parents=True, exist_ok=True)
    a, b = folder / "a-2mb.xlsx", folder / "b-400x210.xlsx"
    if not a.exists():
        build_workbook(a, generate_programs(2400, seed=1), formatted_to=0)
    if not b.exists():
        build_workbook(b, generate_programs(400, seed=2), extra=6, formatted_to=2000)
    return {"(a) ~2 MB, 2,400 × 204": a, "(b) 400 × 210, formatted to row 2000": b}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", nargs=2, metavar=("READER", "PATH"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/bench-excel"))
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    print("| workbook | size | reader | cells | time | peak RSS | time ÷ calamine | RSS above baseline |")
    print("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for label, path in _workbooks(args.dir).items():
        results = {reader: _measure(reader, path, args.repeat) for reader in READERS}
        base, fast = results["baseline"]["peak_mb"], results["calamine"]["seconds"]
        for reader in READERS[1:]:
            r = results[reader]
            print(f"| {label} | {path.stat().st_size / 1e6:.2f} MB | {reader} | {r['cells']:,} | {r['seconds']:.2f} s"
                  f" | {r['peak_mb']:.0f} MB | {r['seconds'] / fast:.1f}× | {r['peak_mb'] - base:.0f} MB |")
        print(f"| {label} | | (baseline: bare interpreter) | | | {base:.0f} MB | | |")


if __name__ == "__main__":
    main()
