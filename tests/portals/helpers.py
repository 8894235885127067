"""Packages for the publishing tests (unit and integration): valid, small, with recorded size and hash."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.conftest import write
from tests.projectfiles import KIYOSE, KIYOSE_URL, as_yaml, config, descriptor, publisher

CONFIG = as_yaml(config(publisher(KIYOSE, url=KIYOSE_URL, organization="kiyose"), catalog={"title": "テストカタログ"},
                        portals={"fake": {"url": "URL", "token": {"$env": "FAKE_TOKEN"}}}, default_target="fake"))

DESCRIPTOR = as_yaml(descriptor(name="NAME")) + "resources:\n"

RESOURCE = """
  - name: RNAME
    path: data/RNAME.csv
    title: 表 RNAME
    description: 団体コードと人口
    format: csv
    mediatype: text/csv
    encoding: utf-8
    bytes: BYTES
    hash: sha256:HASH
    schema:
      fields:
        - {name: code, type: string}
        - {name: name, type: string}
        - {name: population, type: integer}
"""


def make_package(root: Path, name: str, tables: dict[str, str], **replace: str) -> Path:
    """A valid package ``root/name`` with one CSV per entry of ``tables`` (resource name → CSV text)."""
    pkg = root / name
    text = DESCRIPTOR.replace("NAME", name)
    for rname, csv in tables.items():
        data = write(pkg / "data" / f"{rname}.csv", csv).read_bytes()
        text += (RESOURCE.replace("RNAME", rname).replace("BYTES", str(len(data)))
                 .replace("HASH", hashlib.sha256(data).hexdigest()))
    for old, new in replace.items():
        text = text.replace(old, new)
    (pkg / "datapackage.yaml").write_text(text.lstrip("\n"), encoding="utf-8")
    return pkg


def set_csv(pkg: Path, rname: str, csv: str) -> None:
    """Change a CSV and record its new size and hash in the descriptor (as a build would)."""
    path = pkg / "data" / f"{rname}.csv"
    old = path.read_bytes()
    path.write_text(csv, encoding="utf-8")
    new = path.read_bytes()
    desc = pkg / "datapackage.yaml"
    text = desc.read_text(encoding="utf-8")
    text = text.replace(f"bytes: {len(old)}\n    hash: sha256:{hashlib.sha256(old).hexdigest()}",
                        f"bytes: {len(new)}\n    hash: sha256:{hashlib.sha256(new).hexdigest()}")
    desc.write_text(text, encoding="utf-8")


CSV = "code,name,population\n132217,清瀬市,74000\n082112,常総市,61000\n"
