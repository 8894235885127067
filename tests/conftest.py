"""Shared fixtures: run the CLI in-process and make small packages on disk."""

from __future__ import annotations

import hashlib
import os
import tempfile
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from opendata_pub.cli import main
from tests.projectfiles import KIYOSE, TOWNS, TOWNS_CSV, TOWNS_FIELDS, as_yaml, config, descriptor, publisher

# A run without a project caches validation reports in the user's cache folder
# (validation/cache.py); the suite keeps its own under /tmp, apart from the user's.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="opendata-pub-test-cache-")

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    @property
    def json(self):  # noqa: ANN201 - test helper
        import json

        return json.loads(self.out)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., CliResult]:
    """Run ``opendata-pub ARGS`` in-process (optionally in ``cwd``); return code, stdout, stderr."""

    def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> CliResult:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        for k, v in (env or {}).items():
            monkeypatch.setenv(k, v)
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(textwrap.dedent(text).lstrip("\n").encode(encoding))
    return path


CONFIG = as_yaml(config(publisher(KIYOSE, organization="kiyose"), default_target="site/"))
TOWNS_SCHEMA = {"fields": [{**TOWNS_FIELDS[0], "constraints": {"required": True, "pattern": "^[0-9]{6}$"}},
                           *TOWNS_FIELDS[1:]], "primaryKey": ["code"]}
GOOD_DESCRIPTOR = as_yaml(descriptor(resources=[{**TOWNS, "schema": TOWNS_SCHEMA}]))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with opendata.yaml and one valid package ``demo``."""
    write(tmp_path / "opendata.yaml", CONFIG)
    pkg = tmp_path / "datapackages" / "demo"
    write(pkg / "datapackage.yaml", GOOD_DESCRIPTOR)
    data = write(pkg / "data" / "towns.csv", TOWNS_CSV)
    # the size and checksum a build would record (hash-count / byte-count are checked on them)
    digest = hashlib.sha256(data.read_bytes()).hexdigest()
    desc = pkg / "datapackage.yaml"
    desc.write_text(desc.read_text(encoding="utf-8").replace(
        "    encoding: utf-8\n",
        f"    encoding: utf-8\n    bytes: {data.stat().st_size}\n    hash: sha256:{digest}\n"), encoding="utf-8")
    return tmp_path


def listing(root: Path) -> set[str]:
    """Every file below root (to prove nothing was left behind), but for the validation cache
    (.opendata-pub/cache: whole entries written atomically, reports of what was read, not output)."""
    return {str(p.relative_to(root)) for p in root.rglob("*")
            if p.is_file() and ".opendata-pub/cache" not in p.relative_to(root).as_posix()}


def no_traceback(text: str) -> bool:
    return "Traceback (most recent call last)" not in text


os.environ.setdefault("COLUMNS", "200")  # rich wraps at the terminal width; keep lines whole in tests
