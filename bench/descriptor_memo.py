"""Reading descriptors: the strict YAML parse against the descriptor memo (packaging/descriptor_memo.py).

Copies the repository's three evaluation descriptors N/3 times each (other names) into a folder under
/tmp, then, in this one process, best of --repeat:

1. ``load_descriptor(path)`` for every copy (today without a memo: the strict YAML parse);
2. the same with an empty memo (parse, then keep the parse: the first run after a change);
3. the same again with the filled memo (what every later run does for an unchanged descriptor).

Checks that the three give the same descriptors, key order included. Prints a markdown table and ratios.

    .venv/bin/python bench/descriptor_memo.py --descriptors 300
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from opendata_pub.packaging.descriptor_memo import FileDescriptorMemo
from opendata_pub.packaging.package import load_descriptor

REPO = Path(__file__).resolve().parent.parent


def _copies(n: int, folder: Path) -> list[Path]:
    sources = sorted((REPO / "datapackages").glob("*/datapackage.yaml"))
    paths = []
    for i in range(n):
        text = sources[i % len(sources)].read_text(encoding="utf-8")
        target = folder / f"pkg-{i:05d}" / "datapackage.yaml"
        target.parent.mkdir(parents=True)
        target.write_text(text.replace("\nname: ", f"\nname: bench-{i:05d}-", 1), encoding="utf-8")
        paths.append(target)
    return paths


def _best(repeat: int, run: Callable[[], list[dict]]) -> tuple[float, list[dict]]:
    best, out = float("inf"), []
    for _ in range(repeat):
        start = time.perf_counter()
        out = run()
        best = min(best, time.perf_counter() - start)
    return best, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--descriptors", "-n", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="opendata-pub-bench-memo-"))
    try:
        paths = _copies(args.descriptors, folder / "packages")
        size = sum(p.stat().st_size for p in paths)
        parse_s, parsed = _best(args.repeat, lambda: [load_descriptor(p) for p in paths])

        def cold() -> list[dict]:
            shutil.rmtree(folder / "memo", ignore_errors=True)
            memo = FileDescriptorMemo(folder / "memo", salt="bench")
            return [load_descriptor(p, memo=memo) for p in paths]

        cold_s, stored = _best(args.repeat, cold)
        warm = FileDescriptorMemo(folder / "memo", salt="bench")
        warm_s, hits = _best(args.repeat, lambda: [load_descriptor(p, memo=warm) for p in paths])
        same = all(json.dumps(a, ensure_ascii=False) == json.dumps(b, ensure_ascii=False) ==
                   json.dumps(c, ensure_ascii=False) for a, b, c in zip(parsed, stored, hits, strict=True))
        assert warm.misses == 0 and warm.hits == args.descriptors * args.repeat, (warm.hits, warm.misses)
        n = args.descriptors
        print(f"\n{n} descriptors, {size / n / 1024:.1f} KB each on average; best of {args.repeat}; same: {same}\n")
        print("| run | s | ms a descriptor |")
        print("| --- | ---: | ---: |")
        for name, secs in (("strict YAML parse (no memo)", parse_s), ("empty memo: parse and keep", cold_s),
                           ("filled memo", warm_s)):
            print(f"| {name} | {secs:.3f} | {secs / n * 1000:.2f} |")
        print(f"\nfilled memo {parse_s / warm_s:.0f}x faster than parsing; keeping costs "
              f"{(cold_s - parse_s) / n * 1000:.2f} ms a descriptor once")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
