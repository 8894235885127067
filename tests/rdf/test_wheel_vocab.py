"""The wheel ships what the RDF code reads: vocab/ (the repository folder) and the DCAT-AP shapes."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_wheel_ships_vocab_and_shapes_and_they_load_from_it(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path),
         str(ROOT)],
        check=False, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    wheel = next(tmp_path.glob("opendata_pub-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for f in sorted((ROOT / "vocab").iterdir()):
        assert f"opendata_pub/vocab/{f.name}" in names, f.name
        # the copy in the wheel is the repository's file, byte for byte
        assert zipfile.ZipFile(wheel).read(f"opendata_pub/vocab/{f.name}") == f.read_bytes()
    for f in sorted((ROOT / "src/opendata_pub/resources/shacl").rglob("*")):
        if f.is_file():
            assert f"opendata_pub/{f.relative_to(ROOT / 'src/opendata_pub')}" in names

    # Installed from the wheel (unpacked first on the path), the vocabulary and shapes load.
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    script = (
        "import opendata_pub, sys\n"
        "from opendata_pub.rdf.vocab import vocab_graph, shapes_graph\n"
        "from opendata_pub.validation.shacl import shapes\n"
        "assert opendata_pub.__file__.startswith(sys.argv[1]), opendata_pub.__file__\n"
        "print(len(vocab_graph()), len(shapes_graph()), len(shapes()))\n"
    )
    run = subprocess.run([sys.executable, "-c", script, str(site)], check=False, capture_output=True, text=True, timeout=120,
                         cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(site)})
    assert run.returncode == 0, run.stderr[-2000:]
    vocab, ours, all_shapes = map(int, run.stdout.split())
    assert vocab > 500 and ours > 300 and all_shapes > 1000
