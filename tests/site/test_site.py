"""The static catalog as a file set: layout, links, JSON-LD, Excel copies, accessibility basics, determinism."""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import subprocess
import sys
import warnings
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from rdflib import BNode, Graph, Literal, Namespace

from opendata_pub.config import Settings
from opendata_pub.errors import InputError, UsageError
from opendata_pub.inventory import Inventory, build_inventory
from opendata_pub.packaging.package import LocalPackage, load_package
from opendata_pub.rdf import catalog_graph as rdf_catalog_graph
from opendata_pub.rdf import serialize
from opendata_pub.site import render_site, write_site

from .sample import JP_CSV, PACKAGE_NAMES, load_project, make_project

ROOT = Path(__file__).resolve().parents[2]


class Page(HTMLParser):
    """What the tests need from a page: tags with attributes, ids, headings, labels, JSON-LD, text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.ids: set[str] = set()
        self.headings: list[int] = []
        self.json_ld: list[str] = []
        self.text: list[str] = []
        self._in_ld = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.headings.append(int(tag[1]))
        self._in_ld = tag == "script" and a.get("type") == "application/ld+json"

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_ld = False

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self.json_ld.append(data)
        else:
            self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag]

    @property
    def content(self) -> str:
        return "".join(self.text)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, list[LocalPackage], Inventory]:
    root = make_project(tmp_path_factory.mktemp("project"))
    settings, packages = load_project(root)
    return settings, packages, build_inventory(settings, packages)


@pytest.fixture(scope="module")
def files(project: tuple[Settings, list[LocalPackage], Inventory]) -> dict[str, bytes]:
    settings, packages, inventory = project
    return render_site(packages, settings, inventory)


def pages(files: dict[str, bytes]) -> dict[str, Page]:
    return {p: Page(data.decode("utf-8")) for p, data in files.items() if p.endswith(".html")}


def test_layout(files: dict[str, bytes], project: Any) -> None:
    inventory = project[2]
    expected = {
        "index.html", "assets/style.css", "assets/filter.js",
        "opendata-list/131083_opendata_list.csv", "opendata-list/132217_opendata_list.csv",
        "opendata-list/222127_opendata_list.csv", "opendata-list/excel/131083_opendata_list.csv",
        "opendata-list/excel/132217_opendata_list.csv", "opendata-list/excel/222127_opendata_list.csv",
        "yaizu-aed/index.html", "yaizu-aed/datapackage.json", "yaizu-aed/data/222127_aed.csv",
        "yaizu-aed/excel/222127_aed.csv", "yaizu-aed/preview/aed.html",
        "yaizu-nouen/index.html", "yaizu-nouen/datapackage.json", "yaizu-nouen/data/ファミリー農園.csv",
        "yaizu-nouen/excel/ファミリー農園.csv", "yaizu-nouen/preview/nouen.html",
        "koto-test-wifi/index.html", "koto-test-wifi/datapackage.json", "koto-test-wifi/data/wifi.csv",
        "koto-test-wifi/excel/wifi.csv", "koto-test-wifi/preview/wifi.html",
    }
    # each inventory-only dataset has a page of its own
    expected |= {f"listed/{e.id}.html" for e in inventory.entries if not e.packaged}
    rdf = {"catalog.ttl", "catalog.jsonld"} | {f"{n}/dataset.{x}" for n in PACKAGE_NAMES for x in ("ttl", "jsonld")}
    assert set(files) - rdf == expected
    # the RDF layer is part of the package: catalog.ttl and catalog.jsonld are always there
    assert rdf <= set(files)
    assert list(files) == sorted(files)


def test_every_dataset_is_in_the_index(files: dict[str, bytes], project: Any) -> None:
    _, _, inventory = project
    index = pages(files)["index.html"]
    links = {a["href"] for a in index.all("a")}
    for name in PACKAGE_NAMES:
        assert f"{name}/index.html" in links
    items = [a for _, a in index.tags if "data-item" in a]
    assert len(items) == len(inventory.entries) == 10
    for entry in inventory.entries:
        assert entry.title in index.content
    # readable without JavaScript: the whole list is in the HTML and the filter form starts hidden
    form = next(a for a in index.all("form") if a.get("id") == "filter")
    assert "hidden" in form
    packaged = sum(e.packaged for e in inventory.entries)
    assert f"全 10 件（パッケージ {packaged} 件・一覧のみ {10 - packaged} 件）を表示しています。" in index.content
    # the rows of the datasets without a package lead to their own pages
    for entry in inventory.entries:
        if not entry.packaged:
            assert f"listed/{entry.id}.html" in links


def _targets(page: Page) -> list[str]:
    out = []
    for tag, a in page.tags:
        for key in ("href", "src"):
            if a.get(key) and tag in ("a", "link", "script", "img"):
                out.append(str(a[key]))
    return out


def test_every_link_and_download_resolves(files: dict[str, bytes]) -> None:
    external = set()
    for path, page in pages(files).items():
        base = posixpath.dirname(path)
        targets = _targets(page)
        assert targets, path
        for target in targets:
            parts = urlsplit(target)
            if parts.scheme in ("mailto", "tel"):
                continue
            if parts.scheme or parts.netloc:
                assert parts.scheme == "https", (path, target)
                external.add(target)
                continue
            if not parts.path:  # "#main"
                assert parts.fragment in page.ids, (path, target)
                continue
            resolved = posixpath.normpath(posixpath.join(base, unquote(parts.path)))
            assert resolved in files, (path, target, resolved)
    assert "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0" in external
    assert "https://creativecommons.org/licenses/by/4.0/" in external


def test_no_external_resources(files: dict[str, bytes]) -> None:
    for path, page in pages(files).items():
        for tag, a in page.tags:
            if tag in ("script", "img", "iframe") and a.get("src"):
                assert not urlsplit(str(a["src"])).scheme, (path, a)
            if tag == "link" and a.get("href"):
                assert not urlsplit(str(a["href"])).scheme, (path, a)
    css = files["assets/style.css"].decode("utf-8")
    assert "@import" not in css and "url(" not in css and "@font-face" not in css
    assert "http" not in files["assets/filter.js"].decode("utf-8").replace("http.server", "")


def test_json_ld(files: dict[str, bytes], project: Any) -> None:
    all_pages = pages(files)
    catalog = json.loads("".join(all_pages["index.html"].json_ld))
    assert catalog["@type"] == "DataCatalog" and len(catalog["dataset"]) == 3
    for name in PACKAGE_NAMES:
        page = all_pages[f"{name}/index.html"]
        data = json.loads("".join(page.json_ld))
        assert data["@context"] == "https://schema.org" and data["@type"] == "Dataset"
        for key in ("name", "description", "license", "creator", "publisher", "distribution", "keywords",
                    "dateModified", "datePublished", "spatialCoverage", "url"):
            assert key in data, (name, key)
        assert data["creator"]["@type"] == "GovernmentOrganization"
        for dist in data["distribution"]:
            path = dist["contentUrl"].removeprefix(f"https://opendata.example.lg.jp/{name}/")
            assert f"{name}/{unquote(path)}" in files
            assert dist["encodingFormat"] == "text/csv"
            assert dist["sha256"] == hashlib.sha256(files[f"{name}/{unquote(path)}"]).hexdigest()
    aed = json.loads("".join(all_pages["yaizu-aed/index.html"].json_ld))
    assert aed["license"] == "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0"
    assert aed["temporalCoverage"] == "2023-04-01/2024-03-31"
    assert aed["spatialCoverage"] == {"@type": "Place", "name": "焼津市", "identifier": "222127"}
    assert aed["publisher"]["name"] == "焼津市" and aed["publisher"]["url"] == "https://www.city.yaizu.lg.jp/"
    wifi = json.loads("".join(all_pages["koto-test-wifi/index.html"].json_ld))
    assert wifi["license"] == "https://creativecommons.org/licenses/by/4.0/"


def test_resource_files_byte_for_byte_and_excel_copies(files: dict[str, bytes]) -> None:
    assert files["yaizu-aed/data/222127_aed.csv"] == (JP_CSV / "yaizu_aed_utf8.csv").read_bytes()
    sjis = (JP_CSV / "yaizu_nouen_shift_jis.csv").read_bytes()
    assert files["yaizu-nouen/data/ファミリー農園.csv"] == sjis
    for copy, original, encoding in (
        ("yaizu-aed/excel/222127_aed.csv", "yaizu-aed/data/222127_aed.csv", "utf-8"),
        ("yaizu-nouen/excel/ファミリー農園.csv", "yaizu-nouen/data/ファミリー農園.csv", "cp932"),
        ("koto-test-wifi/excel/wifi.csv", "koto-test-wifi/data/wifi.csv", "utf-8"),
        ("opendata-list/excel/131083_opendata_list.csv", "opendata-list/131083_opendata_list.csv", "utf-8"),
    ):
        assert files[copy][:3] == b"\xef\xbb\xbf", copy
        assert files[copy][3:].decode("utf-8") == files[original].decode(encoding), copy
    assert "農園名" in files["yaizu-nouen/excel/ファミリー農園.csv"].decode("utf-8-sig")


def test_dataset_page_content(files: dict[str, bytes]) -> None:
    all_pages = pages(files)
    aed = all_pages["yaizu-aed/index.html"]
    text = aed.content
    data = files["yaizu-aed/data/222127_aed.csv"]
    assert hashlib.sha256(data).hexdigest() in text
    assert f"{len(data):,} バイト" in text
    # the attribution a reuser must show, from the licence's template
    assert ("出典：焼津市「焼津市 AED設置箇所一覧」（https://opendata.example.lg.jp/yaizu-aed/）、"
            "公共データ利用規約（第1.0版）") in text
    wifi = all_pages["koto-test-wifi/index.html"].content
    assert "出典：江東区「江東区 公衆無線LANアクセスポイント（テスト用）」（https://opendata.example.lg.jp/koto-test-wifi/）、" \
           "クリエイティブ・コモンズ 表示 4.0 国際" in wifi
    # the Table Schema as a table: name, title, type, constraints, description
    heads = [a for a in aed.all("th") if a.get("scope") == "col"]
    assert len(heads) >= 10
    for word in ("列名", "表示名", "型", "制約", "説明", "都道府県コード又は市区町村コード", "所在地_連結表記", "必須",
                 "パターン", "値: 有 / 無", "自治体標準オープンデータセット 08「AED設置箇所一覧」"):
        assert word in text, word
    # the Excel copy and datapackage.json are linked
    links = {a["href"] for a in aed.all("a")}
    assert {"excel/222127_aed.csv", "data/222127_aed.csv", "datapackage.json", "../index.html", "preview/aed.html",
            "dataset.ttl", "dataset.jsonld"} <= links
    # the digest is one click away, in a details element
    assert '<details class="hash"><summary>SHA-256</summary><code class="hash">' + hashlib.sha256(data).hexdigest() \
        in files["yaizu-aed/index.html"].decode("utf-8")
    nouen = all_pages["yaizu-nouen/index.html"]
    assert "data/%E3%83%95%E3%82%A1%E3%83%9F%E3%83%AA%E3%83%BC%E8%BE%B2%E5%9C%92.csv" in {
        a["href"] for a in nouen.all("a")}
    assert "CSV（Shift_JIS）" in nouen.content


def test_published_descriptor(files: dict[str, bytes], project: Any) -> None:
    _, packages, _ = project
    for pkg in packages:
        published = json.loads(files[f"{pkg.name}/datapackage.json"])
        assert published["$schema"].startswith("https://datapackage.org/profiles/2.0/")
        assert published["resources"] == pkg.descriptor["resources"]
        assert published["licenses"][0]["path"].startswith("https://")  # the publisher's default, filled in
        assert "licenses" not in pkg.descriptor  # the package itself is not changed
    assert json.loads(files["koto-test-wifi/datapackage.json"])["contactPoint"]["telephone"] == "03-0000-0000"


def test_accessibility_basics(files: dict[str, bytes]) -> None:
    for path, page in pages(files).items():
        html_tag = page.all("html")[0]
        assert html_tag.get("lang") == "ja", path
        assert page.headings[0] == 1 and page.headings.count(1) == 1, path
        for previous, current in zip(page.headings, page.headings[1:]):
            assert current <= previous + 1, (path, page.headings)  # never skip a level
        for landmark in ("header", "main", "footer"):
            assert page.all(landmark), (path, landmark)
        skip = page.all("a")[0]
        assert skip.get("href") == "#main" and "main" in page.ids, path
        for th in page.all("th"):
            assert th.get("scope") in ("col", "row"), (path, th)
        labels = {a.get("for") for a in page.all("label")}
        for control in page.all("input") + page.all("select"):
            assert control.get("id") in labels, (path, control)
        for table in [i for i, (t, _) in enumerate(page.tags) if t == "table"]:
            assert page.tags[table + 1][0] == "caption", path
        assert all(a.get("alt") is not None for a in page.all("img")), path


def test_deterministic(project: Any, files: dict[str, bytes]) -> None:
    settings, packages, inventory = project
    assert render_site(packages, settings, inventory) == files


def test_deterministic_across_processes(tmp_path: Path) -> None:
    """Same bytes under different hash seeds (set and dict orders), the RDF included."""
    script = (
        "import hashlib, sys\n"
        "from pathlib import Path\n"
        "from rdflib import Graph, Literal, URIRef\n"
        "from tests.site.sample import make_project, load_project\n"
        "from opendata_pub.inventory import build_inventory\n"
        "from opendata_pub.site import render_site\n"
        "root = make_project(Path(sys.argv[1]))\n"
        "settings, packages = load_project(root)\n"
        "def graph(pkgs, settings, inventory=None):\n"
        "    g = Graph()\n"
        "    for p in pkgs:\n"
        "        d = URIRef('https://example.org/' + p.name + '/d')\n"
        "        g.add((URIRef('https://example.org/' + p.name), URIRef('https://example.org/p'), d))\n"
        "        g.add((d, URIRef('https://example.org/t'), Literal(p.descriptor['title'])))\n"
        "    return g\n"
        "files = render_site(packages, settings, build_inventory(settings, packages), rdf=graph)\n"
        "h = hashlib.sha256()\n"
        "for k, v in files.items():\n"
        "    h.update(k.encode() + b'\\0' + v)\n"
        "print(len(files), h.hexdigest())\n"
    )
    outputs = []
    for seed in ("1", "2"):
        folder = tmp_path / seed
        folder.mkdir()
        env = {**os.environ, "PYTHONHASHSEED": seed}
        proc = subprocess.run([sys.executable, "-c", script, str(folder)], cwd=ROOT, env=env, capture_output=True, check=False,
                              text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        outputs.append(proc.stdout)
    assert outputs[0] == outputs[1]


EX = Namespace("https://example.org/")


def test_rdf_slot(project: Any) -> None:
    settings, packages, inventory = project
    calls: list[dict[str, Any]] = []

    def catalog_graph(pkgs: list[LocalPackage], s: Settings, *, inventory: Inventory | None = None) -> Graph:
        calls.append({"packages": [p.name for p in pkgs], "inventory": inventory})
        g = Graph()
        for p in pkgs:
            node = EX[f"{p.name}/title"]
            g.add((EX[p.name], EX.title, node))
            g.add((node, EX.value, Literal(p.descriptor["title"], lang="ja")))
        return g

    files = render_site(packages, settings, inventory, rdf=catalog_graph)
    assert calls[0]["packages"] == sorted(PACKAGE_NAMES) and calls[0]["inventory"] is not None
    ttl, jsonld = files["catalog.ttl"], files["catalog.jsonld"]
    assert len(Graph().parse(data=ttl.decode("utf-8"), format="turtle")) == 6
    with warnings.catch_warnings():  # rdflib's JSON-LD parser builds a ConjunctiveGraph (deprecated) inside
        warnings.simplefilter("ignore", DeprecationWarning)
        assert len(Graph().parse(data=jsonld.decode("utf-8"), format="json-ld")) == 6
    # the bytes are the RDF layer's: the site serialises nothing itself
    graph = catalog_graph(packages, settings)
    assert (ttl, jsonld) == (serialize(graph, "turtle").encode("utf-8"), serialize(graph, "json-ld").encode("utf-8"))
    assert render_site(packages, settings, inventory, rdf=catalog_graph)["catalog.ttl"] == ttl
    index = Page(files["index.html"].decode("utf-8"))
    assert {"catalog.ttl", "catalog.jsonld"} <= {a["href"] for a in index.all("a")}
    # a graph may be passed as it is
    assert render_site(packages, settings, inventory, rdf=graph)["catalog.ttl"] == ttl

    # by default, opendata_pub.rdf.catalog_graph is called, with the inventory
    default = render_site(packages, settings, inventory)
    assert default["catalog.ttl"] == render_site(packages, settings, inventory, rdf=rdf_catalog_graph)["catalog.ttl"]


def test_blank_nodes_give_the_same_bytes(project: Any) -> None:
    settings, packages, inventory = project

    def catalog_graph(pkgs: list[LocalPackage], s: Settings, *, inventory: Inventory | None = None) -> Graph:
        g = Graph()
        g.bind("ex", EX)
        for p in pkgs:
            node = BNode()
            g.add((EX[p.name], EX.title, node))
            g.add((node, EX.value, Literal(p.descriptor["title"], lang="ja")))
        return g

    first = render_site(packages, settings, inventory, rdf=catalog_graph)
    assert render_site(packages, settings, inventory, rdf=catalog_graph)["catalog.jsonld"] == first["catalog.jsonld"]
    assert "ex" in json.loads(first["catalog.jsonld"])["@context"]


def test_without_inventory(project: Any) -> None:
    settings, packages, _ = project
    files = render_site(packages, settings)
    index = Page(files["index.html"].decode("utf-8"))
    assert "ファイルを掲載していないデータセット" not in index.content
    assert len([a for _, a in index.tags if "data-item" in a]) == 3
    assert "opendata-list/132217_opendata_list.csv" not in files  # 清瀬市 has no package


def test_refuses_reserved_and_duplicate_names(project: Any, tmp_path: Path) -> None:
    settings, packages, _ = project
    pkg = packages[0]
    reserved = LocalPackage(pkg.root, pkg.descriptor_path, {**pkg.descriptor, "name": "assets"})
    with pytest.raises(UsageError, match="assets"):
        render_site([reserved], settings)
    with pytest.raises(UsageError, match="二つ"):
        render_site([pkg, pkg], settings)
    clash = {**pkg.descriptor, "resources": [{**pkg.descriptor["resources"][0], "path": "index.html"}]}
    with pytest.raises(UsageError, match="index.html"):
        render_site([LocalPackage(pkg.root, pkg.descriptor_path, clash)], settings)


def test_unreadable_resource_is_an_input_error(project: Any, tmp_path: Path) -> None:
    settings, packages, _ = project
    pkg = packages[0]
    for path, message in (("../outside.csv", "パッケージの外"), ("data/missing.csv", "読めません")):
        bad = {**pkg.descriptor, "resources": [{**pkg.descriptor["resources"][0], "path": path}]}
        with pytest.raises(InputError, match=message):
            render_site([LocalPackage(pkg.root, pkg.descriptor_path, bad)], settings)


def test_write_site(files: dict[str, bytes], tmp_path: Path) -> None:
    written = write_site(files, tmp_path / "site")
    assert len(written) == len(files)
    for rel, data in files.items():
        assert (tmp_path / "site" / rel).read_bytes() == data
    for bad in ("../x", "/etc/x"):
        with pytest.raises(UsageError):
            write_site({bad: b""}, tmp_path / "other")
    assert not (tmp_path / "other").exists() and not (tmp_path / "x").exists()


def test_a_package_loaded_from_disk_renders(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    settings, _ = load_project(root)
    files = render_site([load_package(root / "datapackages" / "yaizu-nouen")], settings)
    assert "yaizu-nouen/index.html" in files and "yaizu-aed/index.html" not in files


def test_descriptor_text_never_becomes_a_script_link(project: Any) -> None:
    settings, packages, _ = project
    pkg = next(p for p in packages if p.name == "koto-test-wifi")
    evil = {**pkg.descriptor, "homepage": "javascript:alert(1)", "title": "<script>alert(1)</script>",
            "contactPoint": {"name": "x", "url": "javascript:alert(2)"},
            "sources": [{"title": "s", "path": "javascript:alert(3)"}], "conformsTo": ["javascript:alert(4)"]}
    files = render_site([LocalPackage(pkg.root, pkg.descriptor_path, evil)], settings)
    for path in ("koto-test-wifi/index.html", "index.html"):
        page = Page(files[path].decode("utf-8"))
        assert all(not str(a.get("href", "")).lower().startswith("javascript:") for a in page.all("a")), path
        assert b"<script>alert" not in files[path]
        assert "<script>alert(1)</script>" in page.content or path == "index.html"
