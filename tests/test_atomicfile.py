from __future__ import annotations

from pathlib import Path

import pytest

from opendata_pub.atomicfile import atomic_open, write_text


def test_replaces_atomically(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    write_text(target, "old")
    write_text(target, "new\r\n")
    assert target.read_bytes() == b"new\r\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_failure_leaves_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    write_text(target, "old")
    with pytest.raises(RuntimeError):
        with atomic_open(target) as fh:
            fh.write("half of the new cont")
            raise RuntimeError("disk full")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]
