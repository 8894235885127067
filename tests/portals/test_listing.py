"""``list --from SOURCE`` and ``list_source``: a static catalog (folder or URL) and a CKAN (paged)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from opendata_pub import actions
from opendata_pub.config import load_config
from opendata_pub.errors import NotFound
from opendata_pub.portals.listing import ROWS, DatasetSummary, list_source
from opendata_pub.portals.target import PullSource
from tests.conftest import write
from tests.localserver import serve

from .helpers import CSV, make_package
from .test_static import CONFIG, OTHER_A


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project (清瀬市) with packages demo and other, published to its site/."""
    root = tmp_path_factory.mktemp("listing") / "proj"
    write(root / "opendata.yaml", CONFIG)
    make_package(root / "datapackages", "demo", {"towns": CSV})
    make_package(root / "datapackages", "other", {"a": OTHER_A})
    actions.publish(settings=load_config(root / "opendata.yaml"))
    assert (root / "site" / "catalog.jsonld").is_file()
    return root / "site"


def test_static_folder(site: Path) -> None:
    found = list_source(PullSource("folder", str(site)))
    assert [d.name for d in found] == ["demo", "other"]
    demo = found[0]
    assert demo.publisher == "清瀬市" and demo.publisher_code == "132217"
    assert demo.formats == ("CSV",) and demo.title and demo.modified


def test_filters(site: Path) -> None:
    where = PullSource("folder", str(site))
    assert [d.name for d in list_source(where, publisher="132217")] == ["demo", "other"]
    assert [d.name for d in list_source(where, publisher="13221")] == ["demo", "other"]  # no check digit
    assert list_source(where, publisher="131083") == []
    assert [d.name for d in list_source(where, query="OTHER")] == ["other"]
    assert [d.name for d in list_source(where, query="清瀬市 demo")] == ["demo"]


def test_static_url_is_not_taken_for_ckan(site: Path) -> None:
    """The fix of issue 13: a static site's URL is read as a static catalog (no "HTML のページ")."""
    with serve(directory=site) as url:
        found = list_source(PullSource("url", url + "/"))
    assert [d.name for d in found] == ["demo", "other"]


def test_cli_json_and_table(site: Path, cli: Any, tmp_path: Path) -> None:
    r = cli("list", "--from", str(site), "--format", "json", cwd=tmp_path)
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert [d["name"] for d in data] == ["demo", "other"]
    assert set(data[0]) == {"name", "title", "publisher", "publisherCode", "modified", "formats"}
    r = cli("list", "--from", str(site), "--query", "demo", cwd=tmp_path)
    assert r.code == 0 and "demo" in r.out and "other" not in r.out


def test_no_source_says_use_from(cli: Any, tmp_path: Path) -> None:
    for args in (("pull", "demo"), ("list",)):
        r = cli(*args, cwd=tmp_path)
        assert r.code == 2
        assert "--from" in r.err and len(r.err.strip().splitlines()) <= 2


# ---------------------------------------------------------------------------------------------
# CKAN: package_search, paged


def _ckan(total: int, seen: list[dict[str, list[str]]], catalog: Any = None) -> type[BaseHTTPRequestHandler]:
    datasets = [{"name": f"ds-{i:04d}", "title": f"データ {i}", "organization": {"title": "清瀬市"},
                 "extras": [{"key": "publisher_identifier", "value": "132217"},
                            {"key": "publisher_name", "value": "清瀬市"},
                            {"key": "modified", "value": "2026-04-01"}],
                 "resources": [{"name": "t", "format": "CSV", "url": "http://x/t.csv"},
                               {"name": "datapackage.json", "format": "JSON", "url": "http://x/dp.json"}]}
                for i in range(total)]

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a: Any) -> None:
            pass

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            if parts.path.endswith("/catalog.jsonld") and catalog is not None:
                body: Any = catalog
            elif parts.path.endswith("/status_show"):
                body = {"success": True, "result": {"ckan_version": "2.11.6"}}
            elif parts.path.endswith("/package_search"):
                seen.append(query)
                start, rows = int(query["start"][0]), int(query["rows"][0])
                body = {"success": True, "result": {"count": total, "results": datasets[start:start + rows]}}
            else:
                self.send_response(404)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                self.wfile.write(b"<html>not here</html>")
                return
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


@pytest.fixture
def ckan() -> Iterator[tuple[str, list[dict[str, list[str]]]]]:
    seen: list[dict[str, list[str]]] = []
    with serve(_ckan(2 * ROWS + 5, seen)) as url:
        yield url, seen


def test_ckan_paged(ckan: tuple[str, list[dict[str, list[str]]]]) -> None:
    url, seen = ckan
    found = list_source(PullSource("url", url + "/"), query="データ")
    assert len(found) == 2 * ROWS + 5 and len({d.name for d in found}) == len(found)
    assert [q["start"][0] for q in seen] == ["0", str(ROWS), str(2 * ROWS)]
    assert all(int(q["rows"][0]) <= 1000 and q["q"] == ["データ"] for q in seen)
    assert found[0] == DatasetSummary(name="ds-0000", title="データ 0", publisher="清瀬市", publisher_code="132217",
                                      modified="2026-04-01", formats=("CSV",), searched=True)


def test_ckan_publisher_filter(ckan: tuple[str, list[dict[str, list[str]]]]) -> None:
    url, _ = ckan
    assert list_source(PullSource("url", url), publisher="131083") == []


def test_neither_static_nor_ckan(tmp_path: Path) -> None:
    with serve(directory=tmp_path) as url, pytest.raises(NotFound, match="CKAN でもありません"):
        list_source(PullSource("url", url + "/"))


def test_a_ckan_with_ckanext_dcat_is_listed_as_a_ckan_not_as_its_catalog() -> None:
    """ckanext-dcat serves /catalog.jsonld: a page of 100, datasets named by dct:identifier. Listed as a
    static catalog, the URL would give that page's identifiers; as the CKAN it is, every dataset by name."""
    seen: list[dict[str, list[str]]] = []
    page = {"@graph": [{"@id": "http://x/dataset/1", "@type": "dcat:Dataset", "dct:identifier": "staff-entered-id",
                        "dct:title": "データ 0"}]}
    with serve(_ckan(ROWS + 3, seen, catalog=page)) as url:
        found = list_source(PullSource("url", url + "/"))
    assert len(found) == ROWS + 3 and found[0].name == "ds-0000"
    assert "staff-entered-id" not in {d.name for d in found}
    assert [q["start"][0] for q in seen] == ["0", str(ROWS)]
