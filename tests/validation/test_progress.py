from __future__ import annotations

from pathlib import Path

from opendata_pub.validation.validator import Profile, validate_package
from tests.conftest import write


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple] = []

    def start(self, key: str, label: str, total: int | None, unit: str = "rows") -> None:
        self.events.append(("start", key, total, unit))

    def advance(self, key: str, completed: int) -> None:
        self.events.append(("advance", key, completed))

    def finish(self, key: str) -> None:
        self.events.append(("finish", key))


def test_large_file_reports_progress(tmp_path: Path) -> None:
    pkg = tmp_path / "p"
    write(pkg / "datapackage.yaml", "name: p\nresources:\n  - {name: big, path: big.csv, encoding: utf-8}\n")
    rows = 400_000
    with (pkg / "big.csv").open("w", encoding="utf-8") as fh:
        fh.write("id,name\n")
        for i in range(rows):
            fh.write(f"{i},清瀬市の行{i}\n")
    assert (pkg / "big.csv").stat().st_size > 8 * 1024 * 1024
    rec = Recorder()
    report = validate_package(pkg, None, profile=Profile.NONE, progress=rec)
    assert report.valid
    size = (pkg / "big.csv").stat().st_size
    assert rec.events[0] == ("start", "big", size, "bytes")  # bytes: known without a pass over the file
    advances = [e[2] for e in rec.events if e[0] == "advance"]
    assert len(advances) >= 3 and advances == sorted(advances) and advances[-1] == size
    assert rec.events[-1] == ("finish", "big")


def test_small_file_draws_no_bar(tmp_path: Path) -> None:
    pkg = tmp_path / "p"
    write(pkg / "datapackage.yaml", "name: p\nresources:\n  - {name: s, path: s.csv}\n")
    write(pkg / "s.csv", "a\n1\n")
    rec = Recorder()
    validate_package(pkg, None, profile=Profile.NONE, progress=rec)
    assert rec.events == []
