"""The repository's real ``datapackages/`` published as a static catalog, then read back.

``opendata-pub publish --to <folder>`` (a subprocess, with the repository's ``opendata.yaml``), then:

* every dataset pulls back byte-identical with ``opendata-pub pull DATASET --from SITE``, from the
  folder and from its URL (the folder served by ``http.server`` on 127.0.0.1): the data files as in
  the package, ``datapackage.json`` as stored on the site;
* the site's ``catalog.ttl`` parses, and ckanext-dcat's RDFParser (profile euro_dcat_ap_3, in the CKAN
  harness's virtualenv, as in test_rdf_ckanext_dcat.py) reads every dataset of it: the packages with
  their files, and the datasets of ``inventory.yaml`` that have no package yet.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph
from rdflib.namespace import DCAT, RDF

from opendata_pub.config import load_config
from opendata_pub.inventory import build_inventory
from opendata_pub.packaging.package import LocalPackage
from opendata_pub.packaging.project import load_packages
from opendata_pub.portals import MANIFEST_NAME
from opendata_pub.rdf import parse
from tests.ckan_harness.harness import LICENSES_FILE

ROOT = Path(__file__).resolve().parents[2]

_PARSE = """
import json, sys
from ckan.common import config
config["licenses_group_url"] = sys.argv[1]   # as the harness's CKAN is configured
config["ckan.locale_default"] = "ja"          # as a Japanese portal is
from ckanext.dcat.processors import RDFParser
p = RDFParser(profiles=["euro_dcat_ap_3"])
p.parse(sys.stdin.read(), _format=sys.argv[2])
print(json.dumps(list(p.datasets()), ensure_ascii=False, default=str))
"""


@pytest.fixture(scope="module")
def packages() -> list[LocalPackage]:
    return load_packages(load_config(ROOT / "opendata.yaml"))


@pytest.fixture(scope="module")
def titles() -> list[str]:
    """Every dataset of the catalog: packages and inventory.yaml."""
    settings = load_config(ROOT / "opendata.yaml")
    return sorted(e.title for e in build_inventory(settings, load_packages(settings)).entries)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("static") / "site"
    proc = subprocess.run([sys.executable, "-m", "opendata_pub", "--quiet", "publish", "--to", str(folder)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (folder / MANIFEST_NAME).is_file() and (folder / "catalog.ttl").is_file()
    return folder


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def url(site: Path) -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, name="static-catalog", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


@pytest.mark.parametrize("how", ["folder", "url"])
def test_every_dataset_pulls_back_byte_identical(cli: Any, site: Path, url: str, packages: list[LocalPackage],
                                                 tmp_path: Path, how: str) -> None:
    source = str(site) if how == "folder" else url
    for pkg in packages:
        out = tmp_path / pkg.name
        r = cli("pull", pkg.name, "--from", source, "-o", str(out), "--format", "json", cwd=ROOT)
        assert r.code == 0, r.out + r.err
        assert r.json["report"]["valid"] is True, r.json["report"]
        assert (out / "datapackage.json").read_bytes() == (site / pkg.name / "datapackage.json").read_bytes()
        descriptor = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
        paths = [res["path"] for res in descriptor["resources"]]
        assert paths == [res["path"] for res in pkg.resources()]
        pulled = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
        assert pulled == sorted(["datapackage.json", *paths])
        for path in paths:
            assert (out / path).read_bytes() == (pkg.root / path).read_bytes(), path
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folder left


def test_catalog_ttl_parses(site: Path, packages: list[LocalPackage], titles: list[str]) -> None:
    g = Graph()
    g.parse(site / "catalog.ttl", format="turtle")
    datasets = set(g.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == len(titles) > len(packages)
    assert len(set(g.subjects(RDF.type, DCAT.Catalog))) == 1
    jsonld = parse((site / "catalog.jsonld").read_text(encoding="utf-8"), "json-ld")
    assert len(jsonld) == len(g)


def test_ckanext_dcat_reads_every_dataset_of_the_site(ckan: Any, site: Path, packages: list[LocalPackage],
                                                      titles: list[str]) -> None:
    text = (site / "catalog.ttl").read_text(encoding="utf-8")
    out = subprocess.run([str(ckan.venv_python), "-c", _PARSE, LICENSES_FILE.as_uri(), "turtle"],
                         input=text.encode("utf-8"), check=False, capture_output=True, timeout=180,
                         env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert out.returncode == 0, out.stderr.decode("utf-8", "replace")[-3000:]
    datasets = json.loads(out.stdout.decode("utf-8").strip().splitlines()[-1])
    base = load_config(ROOT / "opendata.yaml").catalog.base_url
    assert base
    by_title = {d["title"]: d for d in datasets}
    assert len(datasets) == len(by_title) and sorted(by_title) == titles
    for pkg in packages:
        d = by_title[str(pkg.descriptor["title"])]
        assert d["license_id"] == "PDL-1.0"
        urls = sorted(r["url"] for r in d["resources"])
        # every file of the package, at its place on the site
        assert urls == sorted(f"{base}{pkg.name}/{res['path']}" for res in pkg.resources())
