"""Issue 12 "Done when", through the CLI exactly as the acceptance runs it.

`opendata-pub publish datapackages/*/ --to URL --organization ORG` with the repository's own
datapackages/ and opendata.yaml, against

* `ckan`: a CKAN whose licence list has CC-BY-4.0, PDL-1.0 and CC0-1.0 by URL (the harness's
  licenses.json): exit 0, three datasets, resource names unique; an unchanged re-publish sends no
  write (no POST at all; metadata_modified and resource ids unchanged); `pull NAME --from URL -o DIR`
  gives back the data files byte for byte;
* `ckan_stock`: CKAN's stock licence list (cc-by, other-at, ... no PDL-1.0): without a map publish
  fails (exit 1) with one line naming PDL-1.0, the portal's ids and the `licenses:` line that would
  fix it; with `portals.stock.licenses` in opendata.yaml, `--to stock` and `--to URL` of that portal
  publish (other-at / cc-by) and a re-publish writes nothing.

The literal `datapackages/*` (no trailing slash) also expands to `datapackages/inventory.yaml`,
which is never a package: `test_literal_glob_with_inventory_yaml` runs the shell's glob exactly and
publish skips it; the other tests use `datapackages/*/` (the three package folders).
"""

from __future__ import annotations

import glob
import os
import shutil
from pathlib import Path

import pytest
import requests.adapters

from opendata_pub.packaging.package import find_descriptor, load_descriptor
from opendata_pub.portals.target import token_env
from tests.portals.integration_support import package_show

REPO = Path(__file__).resolve().parents[2]
STOCK_TOKEN_ENV = "ODP_ACCEPTANCE_STOCK_TOKEN"


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(REPO / "datapackages", root / "datapackages")
    shutil.copy2(REPO / "opendata.yaml", root / "opendata.yaml")
    return root


@pytest.fixture
def posts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every POST the CLI sends (in-process), as the API action's name."""
    sent: list[str] = []
    real = requests.adapters.HTTPAdapter.send

    def send(self, request, **kw):  # type: ignore[no-untyped-def]
        if request.method != "GET":
            sent.append(f"{request.method} {request.url.rsplit('/', 1)[-1]}")
        return real(self, request, **kw)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", send)
    return sent


def _globbed(root: Path, pattern: str = "datapackages/*/") -> list[str]:
    """``pattern`` as the shell expands it in the project folder."""
    cwd = os.getcwd()
    try:
        os.chdir(root)
        return sorted(glob.glob(pattern))
    finally:
        os.chdir(cwd)


def _descriptors(root: Path) -> dict[str, dict]:
    dirs = sorted(p for p in (root / "datapackages").iterdir() if p.is_dir())
    return {p.name: load_descriptor(find_descriptor(p)) for p in dirs}


def _purge(ckan, names) -> None:
    """The dataset names are the repository's: other tests on this instance publish them too."""
    with ckan.session() as s:
        for name in names:
            s.post(ckan.api + "dataset_purge", json={"id": name}, timeout=30)


def _state(ckan, names) -> dict[str, tuple[str, list[str]]]:
    out = {}
    for name in names:
        pkg = package_show(ckan, name)
        out[name] = (pkg["metadata_modified"], [r["id"] for r in pkg["resources"]])
    return out


def _explain(r) -> str:
    return f"exit {r.code}\n--- stdout\n{r.out[-3000:]}\n--- stderr\n{r.err[-3000:]}"


def test_literal_glob_with_inventory_yaml(ckan, ckan_org, repo_copy, cli):
    """`publish datapackages/* --to URL --organization ORG`, the shell's glob exactly."""
    names = [str(d["name"]) for d in _descriptors(repo_copy).values()]
    _purge(ckan, names)
    args = _globbed(repo_copy, "datapackages/*")
    assert "datapackages/inventory.yaml" in args
    r = cli("publish", *args, "--to", ckan.url, "--organization", ckan_org, cwd=repo_copy,
            env={token_env(): ckan.token})
    _purge(ckan, names)
    assert r.code == 0, _explain(r)


def test_publish_republish_pull_with_japanese_licence_list(ckan, ckan_org, repo_copy, tmp_path, cli, posts):
    descriptors = _descriptors(repo_copy)
    names = [str(d["name"]) for d in descriptors.values()]
    assert len(names) == 3
    _purge(ckan, names)
    args = ["publish", *_globbed(repo_copy), "--to", ckan.url, "--organization", ckan_org]
    assert len(args) == 3 + 5
    env = {token_env(): ckan.token}

    r = cli(*args, cwd=repo_copy, env=env)
    assert r.code == 0, _explain(r)
    with ckan.session() as s:
        found = s.get(ckan.api + "package_search", params={"fq": f"organization:{ckan_org}", "rows": 50},
                      timeout=30).json()["result"]
    assert sorted(p["name"] for p in found["results"]) == sorted(names)
    for name in names:
        pkg = package_show(ckan, name)
        assert pkg["license_id"] == "PDL-1.0"
        res_names = [x["name"] for x in pkg["resources"]]
        assert len(res_names) == len(set(res_names)), (name, res_names)  # no duplicates
        assert len(res_names) == len(descriptors[next(k for k, d in descriptors.items() if d["name"] == name)]
                                     ["resources"]) + 1  # + datapackage.json
    before = _state(ckan, names)

    # unchanged re-publish: exit 0, not one write, the same ids and metadata_modified
    posts.clear()
    r = cli(*args, cwd=repo_copy, env=env)
    assert r.code == 0, _explain(r)
    assert posts == []
    assert _state(ckan, names) == before

    # pull from the URL: the data files byte for byte
    for folder, desc in descriptors.items():
        out = tmp_path / "pulled" / folder
        r = cli("pull", str(desc["name"]), "--from", ckan.url, "-o", str(out), cwd=repo_copy)
        assert r.code == 0, _explain(r)
        for res in desc["resources"]:
            local = repo_copy / "datapackages" / folder / res["path"]
            assert (out / res["path"]).read_bytes() == local.read_bytes(), (folder, res["path"])
            assert local.read_bytes() == (REPO / "datapackages" / folder / res["path"]).read_bytes()
    assert posts == []  # pull reads only


def _with_stock_portal(root: Path, url: str, koto_cc_by: bool) -> None:
    cfg = root / "opendata.yaml"
    text = cfg.read_text(encoding="utf-8")
    assert text.count("portals: {}\n") == 1
    text = text.replace("portals: {}\n", (
        "portals:\n"
        "  stock:\n"
        f"    url: {url}\n"
        f"    token: {{$env: {STOCK_TOKEN_ENV}}}\n"
        "    licenses: {PDL-1.0: other-at, CC-BY-4.0: cc-by}\n"))
    if koto_cc_by:  # one publisher under CC BY 4.0, so both map entries are used
        koto = text.index("organization: koto\n")
        at = text.index("    license: PDL-1.0\n", koto)
        text = text[:at] + "    license: CC-BY-4.0\n" + text[at + len("    license: PDL-1.0\n"):]
    cfg.write_text(text, encoding="utf-8")


def test_stock_licence_list_needs_a_map_then_publishes(ckan_stock, repo_copy, cli, posts):
    ckan = ckan_stock
    descriptors = _descriptors(repo_copy)
    names = [str(d["name"]) for d in descriptors.values()]
    koto = next(str(d["name"]) for d in descriptors.values() if str(d["name"]).startswith("koto"))
    _purge(ckan, names)
    with ckan.session(token=None) as s:
        offered = {x["id"] for x in s.get(ckan.api + "license_list", timeout=30).json()["result"]}
    assert {"cc-by", "other-at"} <= offered and "PDL-1.0" not in offered and "CC-BY-4.0" not in offered
    packages = _globbed(repo_copy)
    org = ["--organization", ckan.organization]
    env = {token_env(): ckan.token, STOCK_TOKEN_ENV: ckan.token}
    posts.clear()  # the purge's

    # no map: refused before any write, one line that says what to write
    r = cli("publish", *packages, "--to", ckan.url, *org, cwd=repo_copy, env=env)
    assert r.code == 1, _explain(r)
    assert posts == []
    text = r.out + r.err
    lines = [ln for ln in text.splitlines() if "PDL-1.0" in ln and "other-at" in ln]
    assert lines, text
    line = lines[0]
    assert "cc-by" in line and "licenses: {PDL-1.0:" in line and ckan.url in line, line
    assert "Traceback" not in text
    for name in names:
        with ckan.session() as s:
            assert s.get(ckan.api + "package_show", params={"id": name}, timeout=30).status_code == 404

    # the map in opendata.yaml: --to stock
    _with_stock_portal(repo_copy, ckan.url, koto_cc_by=True)
    r = cli("publish", *packages, "--to", "stock", *org, cwd=repo_copy, env=env)
    assert r.code == 0, _explain(r)
    for name in names:
        pkg = package_show(ckan, name)
        assert pkg["license_id"] == ("cc-by" if name == koto else "other-at"), name
        res_names = [x["name"] for x in pkg["resources"]]
        assert len(res_names) == len(set(res_names)), (name, res_names)
    before = _state(ckan, names)

    # re-publish, by name and by the configured portal's URL: nothing written
    for to in ("stock", ckan.url):
        posts.clear()
        r = cli("publish", *packages, "--to", to, *org, cwd=repo_copy, env=env)
        assert r.code == 0, (to, _explain(r))
        assert posts == [], to
        assert _state(ckan, names) == before
