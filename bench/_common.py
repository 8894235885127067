"""Shared by the bench scripts: the CKAN to use (from the harness's env file), counting, packages."""

from __future__ import annotations

import hashlib
import os
import shlex
import threading
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter


def load_env(path: str | os.PathLike[str]) -> dict[str, str]:
    """KEY=value lines as the harness writes them (values shell-quoted). The token stays in memory."""
    env = {}
    for line in Path(path).read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            env[key] = shlex.split(value)[0] if value else ""
    return env


class Count:
    """Requests and request-body bytes, counted at the requests adapter (what goes on the wire)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests = 0
        self.writes = 0
        self.bytes = 0

    def reset(self) -> None:
        with self.lock:
            self.requests = self.writes = self.bytes = 0

    def snapshot(self) -> dict[str, int]:
        return {"requests": self.requests, "writes": self.writes, "bytes_sent": self.bytes}


COUNT = Count()
_real_send = HTTPAdapter.send


def _counting_send(self, request, **kw):  # type: ignore[no-untyped-def]
    body = request.body
    n = len(body) if body is not None and hasattr(body, "__len__") else 0
    with COUNT.lock:
        COUNT.requests += 1
        COUNT.writes += request.method == "POST"
        COUNT.bytes += n
    return _real_send(self, request, **kw)


def count_all_requests() -> None:
    """Count every request made through requests in this process (ours and frictionless's alike)."""
    HTTPAdapter.send = _counting_send  # type: ignore[method-assign]


def session_factory() -> requests.Session:
    s = requests.Session()
    s.trust_env = False
    return s


def make_csv(path: Path, size: int, seed: int = 0) -> str:
    """A CSV of about ``size`` bytes (deterministic); returns its sha256."""
    path.parent.mkdir(parents=True, exist_ok=True)
    h = hashlib.sha256()
    header = b"code,name,population,note\n"
    with path.open("wb") as fh:
        fh.write(header)
        h.update(header)
        written, i = len(header), 0
        block = []
        while written < size:
            line = f"{(seed * 7919 + i) % 1000000:06d},町{i},{i * 7 % 100000},備考{i % 97}\n".encode()
            block.append(line)
            written += len(line)
            i += 1
            if len(block) == 10000:
                data = b"".join(block)
                fh.write(data)
                h.update(data)
                block = []
        data = b"".join(block)
        fh.write(data)
        h.update(data)
    return h.hexdigest()


DESCRIPTOR = """name: {name}
title: ベンチマーク {name}
description: ベンチマーク用のデータ
publisher: "132217"
keywords: [ベンチ, テスト]
licenses: [{{name: CC-BY-4.0, path: "https://creativecommons.org/licenses/by/4.0/"}}]
modified: "2024-01-01"
resources:
{resources}"""

RESOURCE = """  - name: {rname}
    path: data/{rname}.csv
    format: csv
    mediatype: text/csv
    encoding: utf-8
    bytes: {size}
    hash: sha256:{sha}
    schema:
      fields:
        - {{name: code, type: string}}
        - {{name: name, type: string}}
        - {{name: population, type: integer}}
        - {{name: note, type: string}}
"""

CONFIG = """catalog:
  title: bench
publishers:
  - code: "132217"
    name: 清瀬市
    organization: {org}
"""


def write_package(root: Path, name: str, files: dict[str, Path]) -> Path:
    """A package folder whose resources are the given files (hard-linked in, not copied)."""
    pkg = root / name
    (pkg / "data").mkdir(parents=True, exist_ok=True)
    parts = []
    for rname, src in files.items():
        dst = pkg / "data" / f"{rname}.csv"
        if dst.exists():
            dst.unlink()
        os.link(src, dst)
        h = hashlib.sha256()
        with dst.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
        parts.append(RESOURCE.format(rname=rname, size=dst.stat().st_size, sha=h.hexdigest()))
    (pkg / "datapackage.yaml").write_text(DESCRIPTOR.format(name=name, resources="".join(parts)), encoding="utf-8")
    return pkg
