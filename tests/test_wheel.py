"""`pip install .` must give a working tool: everything read at run time ships in the wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_ships_runtime_files(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path),
         str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    wheel = next(tmp_path.glob("opendata_pub-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    src = ROOT / "src"
    runtime = [p for p in (src / "opendata_pub").rglob("*")
               if p.is_file() and p.suffix in {".json", ".ttl", ".yaml", ".csv", ".typed", ".html", ".js", ".css"}]
    assert runtime, "expected package data files"
    missing = [str(p.relative_to(src)) for p in runtime if str(p.relative_to(src)) not in names]
    assert missing == []
    assert "opendata_pub/cli/__init__.py" in names
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "opendata-pub = opendata_pub.cli:main" in zipfile.ZipFile(wheel).read(entry).decode()
