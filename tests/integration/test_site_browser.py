"""The static catalog in a real browser: headless Chromium driven over W3C WebDriver (chromedriver).

The repository's own ``datapackages/`` (with its ``opendata.yaml`` and ``inventory.yaml``) is
published through the CLI, ``opendata-pub publish --to <temporary folder>`` (the static-catalog
target and its plan/apply engine, in a subprocess), and that folder is served on 127.0.0.1 by an
``http.server`` thread on a free port. Chromium (Debian ``chromium``) is driven by
``chromedriver`` (Debian ``chromium-driver``, the same version) through the W3C WebDriver protocol,
which is plain JSON over HTTP: a dozen lines of ``urllib`` below, so no Python dependency (no
selenium, no websocket client). Checked: every dataset is in the index; every link, stylesheet,
script and download of every page answers HTTP 200 from the test server and nothing is loaded from
anywhere else; the JSON-LD parses; the filter hides what does not match; axe-core (npm, in
``.cache/node``) finds no serious or critical violation; a screenshot of the index is saved to
``test-artifacts/site-index.png``. Issue 13: on each repository evaluation page one SVG chart per
indicator whose plotted values (``data-target``/``data-actual``) equal ``indicator_values.csv``; a
preview page per CSV with every column; axe-core finds no violation at all on the evaluation,
preview and inventory-only pages; a screenshot of a chart (``site-evaluation-chart.png``) holds
both series' colours; the count says packages vs listed only and the search matches column titles.

Needs: ``apt-get install -y chromium chromium-driver fonts-noto-cjk`` (the fonts only make the
screenshot readable) and ``npm install --prefix .cache/node axe-core@4``. Without chromium this
module skips, unless ``CI`` is set: in CI a missing browser is a failure.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urlsplit

import pytest

from opendata_pub.config import Settings, load_config
from opendata_pub.inventory import Inventory, InventoryEntry, build_inventory
from opendata_pub.packaging.project import load_packages
from opendata_pub.portals import MANIFEST_NAME
from tests.localserver import serve

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE_JS = Path(os.environ.get("AXE_CORE_JS") or ROOT / ".cache" / "node" / "node_modules" / "axe-core" / "axe.min.js")
AXE_INSTALL = "npm install --prefix .cache/node axe-core@4"
APT_INSTALL = "apt-get update && apt-get install -y chromium chromium-driver fonts-noto-cjk"

CHROME_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # containers often have a tiny /dev/shm; a proxy from the environment must not catch 127.0.0.1
    "--disable-dev-shm-usage", "--no-proxy-server", "--lang=ja", "--window-size=1280,1000",
]

# urllib must not send 127.0.0.1 to a proxy from the environment either
_LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _chromium() -> str | None:
    for candidate in ("/usr/lib/chromium/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def _require_browser() -> tuple[str, str]:
    chromium, driver = _chromium(), shutil.which("chromedriver")
    if chromium and driver:
        return chromium, driver
    missing = " and ".join(n for n, p in (("chromium", chromium), ("chromedriver", driver)) if not p)
    message = f"{missing} not installed ({APT_INSTALL})"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI is set, so the browser test must run", pytrace=False)
    pytest.skip(f"{message}; CI is not set, so skipped")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class WebDriverError(RuntimeError):
    pass


class WebDriver:
    """The few W3C WebDriver commands these tests need, over ``urllib``."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        self.session: str | None = None

    def call(self, method: str, path: str, body: Any = None, timeout: float = 120) -> Any:
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json; charset=utf-8"})
        try:
            with _LOCAL.open(request, timeout=timeout) as response:
                payload = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            with exc:
                text = exc.read().decode("utf-8", "replace")
            try:
                value = json.loads(text).get("value", {})
                detail = f"{value.get('error')}: {value.get('message')}"
            except ValueError:
                detail = text[:500]
            raise WebDriverError(f"{method} {path}: HTTP {exc.code} {detail}") from None
        return payload.get("value")

    def _s(self, path: str = "") -> str:
        assert self.session is not None
        return f"/session/{self.session}{path}"

    def start(self, binary: str, args: list[str]) -> None:
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome", "pageLoadStrategy": "normal",
            "goog:chromeOptions": {"binary": binary, "args": args},
        }}}
        value = self.call("POST", "/session", caps)
        self.session = value["sessionId"]
        self.call("POST", self._s("/timeouts"), {"script": 60_000, "pageLoad": 60_000, "implicit": 0})

    def quit(self) -> None:
        if self.session is not None:
            try:
                self.call("DELETE", self._s(), timeout=30)
            finally:
                self.session = None

    def get(self, url: str) -> None:
        self.call("POST", self._s("/url"), {"url": url})

    def run(self, script: str, *args: Any) -> Any:
        return self.call("POST", self._s("/execute/sync"), {"script": script, "args": list(args)})

    def run_async(self, script: str, *args: Any) -> Any:
        return self.call("POST", self._s("/execute/async"), {"script": script, "args": list(args)})

    def find(self, css: str) -> dict[str, str]:
        return self.call("POST", self._s("/element"), {"using": "css selector", "value": css})  # type: ignore[no-any-return]

    def _eid(self, element: dict[str, str]) -> str:
        return next(iter(element.values()))

    def click(self, element: dict[str, str]) -> None:
        self.call("POST", self._s(f"/element/{self._eid(element)}/click"), {})

    def type(self, element: dict[str, str], text: str) -> None:
        self.call("POST", self._s(f"/element/{self._eid(element)}/value"), {"text": text})

    def set_window(self, width: int, height: int) -> None:
        self.call("POST", self._s("/window/rect"), {"width": width, "height": height})

    def screenshot(self) -> bytes:
        import base64

        return base64.b64decode(self.call("GET", self._s("/screenshot")))


# ---------------------------------------------------------------------------------------------
# fixtures: the site, a server for it, a browser (each stopped by its own handle)


@dataclass(frozen=True)
class Site:
    folder: Path
    files: dict[str, bytes]  # every file of the site (the manifest aside)
    inventory: Inventory
    settings: Settings

    @property
    def names(self) -> list[str]:
        return [e.id for e in self.inventory.entries if e.packaged]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    folder = tmp_path_factory.mktemp("published") / "site"
    proc = subprocess.run([sys.executable, "-m", "opendata_pub", "--quiet", "publish", "--to", str(folder)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert files.pop(MANIFEST_NAME)
    settings = load_config(ROOT / "opendata.yaml")
    inventory = build_inventory(settings, load_packages(settings))
    assert sum(e.packaged for e in inventory.entries) >= 3 and not all(e.packaged for e in inventory.entries)
    return Site(folder, files, inventory, settings)


@pytest.fixture(scope="module")
def server(site: Site) -> Iterator[str]:
    _require_browser()
    with serve(directory=site.folder, name="site-server") as url:
        yield f"{url}/"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    chromium, driver_path = _require_browser()
    work = tmp_path_factory.mktemp("chromium")
    port = _free_port()
    log = open(work / "chromedriver.log", "wb")  # noqa: SIM115 - closed in finally
    # own session: if the orderly quit fails, the whole group we started (driver and browser) is ended
    proc = subprocess.Popen([driver_path, f"--port={port}", "--allowed-ips=127.0.0.1"], stdout=log,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    wd = WebDriver(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if wd.call("GET", "/status", timeout=5).get("ready"):
                    break
            except (OSError, WebDriverError):
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"chromedriver did not start: {(work / 'chromedriver.log').read_text(errors='replace')}")
            time.sleep(0.2)
        wd.start(chromium, [*CHROME_ARGS, f"--user-data-dir={work / 'profile'}"])
        yield wd
    finally:
        try:
            wd.quit()
        except (OSError, WebDriverError):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=20)
        log.close()


# ---------------------------------------------------------------------------------------------


def _status(url: str) -> int:
    try:
        with _LOCAL.open(urllib.request.Request(url, method="GET"), timeout=30) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as exc:
        with exc:
            return int(exc.code)


_LINKS = """
return Array.from(document.querySelectorAll('a[href], link[href], script[src], img[src]'))
  .map(e => e.href || e.src);
"""


def _page_urls(server: str, site: Site) -> list[str]:
    return [server + "index.html"] + [f"{server}{name}/index.html" for name in site.names]


def test_every_dataset_is_in_the_index(browser: WebDriver, server: str, site: Site) -> None:
    browser.get(server + "index.html")
    text = browser.run("return document.body.innerText;")
    for entry in site.inventory.entries:  # the packages and the datasets of inventory.yaml
        assert entry.title in text, entry.title
    hrefs = browser.run("return Array.from(document.querySelectorAll('.dataset h3 a')).map(a => a.href);")
    assert sorted(hrefs) == sorted(f"{server}{name}/index.html" for name in site.names)
    assert browser.run("return document.documentElement.lang;") == "ja"


def test_every_link_and_download_resolves(browser: WebDriver, server: str, site: Site) -> None:
    checked: dict[str, int] = {}
    for page in _page_urls(server, site):
        browser.get(page)
        assert browser.run("return document.readyState;") == "complete"
        for url in browser.run(_LINKS):
            target, _ = urldefrag(url)
            if urlsplit(target).scheme in ("mailto", "tel"):
                continue
            if not target.startswith(server):
                assert urlsplit(target).scheme == "https", f"{page}: external link that is not https: {url}"
                continue  # links out (licences, publishers) are not loaded; only our own files are checked
            if target not in checked:
                checked[target] = _status(target)
            assert checked[target] == 200, f"{page} → {url}: HTTP {checked[target]}"
        # nothing was loaded from anywhere but the test server (no CDN, no web fonts)
        loaded = browser.run("return performance.getEntriesByType('resource').map(e => e.name);")
        assert loaded and all(u.startswith(server) for u in loaded), loaded
    # every file of the site is reachable from some page, downloads included
    reachable = {unquote(urlsplit(u).path).lstrip("/") for u in checked} | {"index.html"}
    downloads = {p for p in site.files if "/data/" in p or "/excel/" in p or p.startswith("opendata-list/")}
    assert downloads and downloads <= reachable, downloads - reachable


def test_json_ld_parses(browser: WebDriver, server: str, site: Site) -> None:
    base = site.settings.catalog.base_url
    assert base
    for page in _page_urls(server, site):
        browser.get(page)
        blocks = browser.run(
            "return Array.from(document.querySelectorAll('script[type=\"application/ld+json\"]')).map(s => s.textContent);")
        assert len(blocks) == 1, page
        data = json.loads(blocks[0])
        assert data["@context"] == "https://schema.org"
        if page.endswith("/index.html") and page != server + "index.html":
            assert data["@type"] == "Dataset"
            for key in ("name", "description", "license", "creator", "publisher", "distribution", "keywords",
                        "dateModified", "spatialCoverage"):
                assert key in data, (page, key)
            for dist in data["distribution"]:
                assert dist["contentUrl"].startswith(base) and dist["encodingFormat"]
        else:
            assert data["@type"] == "DataCatalog" and len(data["dataset"]) == len(site.names)


_VISIBLE = """
return Array.from(document.querySelectorAll('[data-item]'))
  .filter(e => e.offsetParent !== null)
  .map(e => (e.querySelector('h3 a') || e.querySelector('th')).textContent.trim());
"""


def _titles(entries: list[InventoryEntry]) -> list[str]:
    return sorted(e.title for e in entries)


def test_filter_hides_non_matching_datasets(browser: WebDriver, server: str, site: Site) -> None:
    entries = list(site.inventory.entries)
    browser.get(server + "index.html")
    assert browser.run("return document.getElementById('filter').hidden;") is False  # shown once JS runs
    assert sorted(browser.run(_VISIBLE)) == _titles(entries)
    status = browser.run("return document.getElementById('filter-status').textContent;")
    assert f"全 {len(entries)} 件" in status

    one = next(e for e in entries if e.packaged)
    browser.type(browser.find("#filter-text"), one.title)
    assert browser.run(_VISIBLE) == [one.title]
    assert "条件に合う 1 件" in browser.run("return document.getElementById('filter-status').textContent;")

    # a theme of datasets not packaged yet only: the list of packages says it has none
    themes = sorted({t for e in entries for t in e.themes})
    only_listed = next(t for t in themes if not any(t in e.themes for e in entries if e.packaged))
    browser.click(browser.find('#filter button[type="reset"]'))
    browser.click(browser.find(f'#filter-theme option[value="{only_listed}"]'))
    assert sorted(browser.run(_VISIBLE)) == _titles([e for e in entries if only_listed in e.themes])
    assert browser.run("return document.getElementById('datasets-empty').hidden;") is False

    keyword = max(sorted({k for e in entries for k in e.keywords}), key=lambda k: sum(k in e.keywords for e in entries))
    browser.click(browser.find('#filter button[type="reset"]'))
    browser.click(browser.find(f'#filter-keyword option[value="{keyword}"]'))
    expected = _titles([e for e in entries if keyword in e.keywords])
    assert len(expected) > 1 and sorted(browser.run(_VISIBLE)) == expected

    publisher = site.settings.catalog.operator or entries[0].publisher
    browser.click(browser.find('#filter button[type="reset"]'))
    browser.click(browser.find(f'#filter-publisher option[value="{publisher}"]'))
    expected = _titles([e for e in entries if e.publisher == publisher])
    assert 0 < len(expected) < len(entries) and sorted(browser.run(_VISIBLE)) == expected

    # a filtered view can be linked
    theme = max(themes, key=lambda t: sum(t in e.themes for e in entries))
    browser.get(server + f"index.html?theme={theme}")
    expected = _titles([e for e in entries if theme in e.themes])
    assert len(expected) < len(entries) and sorted(browser.run(_VISIBLE)) == expected


def _axe_violations(browser: WebDriver, source: str) -> Any:
    """axe-core's violations on the current page (``source`` is axe.min.js), or {"error": …} when it failed."""
    browser.run("var s = document.createElement('script'); s.text = arguments[0]; document.head.appendChild(s);",
                source)
    return browser.run_async(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, n: v.nodes.length,"
        " where: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))))"
        ".catch(e => done({error: String(e)}));")


def test_axe_finds_no_serious_violation(browser: WebDriver, server: str, site: Site) -> None:
    if not AXE_JS.is_file():
        pytest.fail(f"axe-core not found at {AXE_JS}: run `{AXE_INSTALL}` in {ROOT}", pytrace=False)
    source = AXE_JS.read_text(encoding="utf-8")
    report = {}
    # desktop, then a phone's width (wide tables scroll there: the scrolling regions must be reachable)
    runs = [(1280, page) for page in _page_urls(server, site)]
    runs += [(390, server + "index.html"), (390, f"{server}{site.names[0]}/index.html")]
    for width, page in runs:
        browser.set_window(width, 1000)
        browser.get(page)
        violations = _axe_violations(browser, source)
        assert not isinstance(violations, dict), violations
        report[f"{page} ({width}px)"] = violations
    browser.set_window(1280, 1000)
    serious = {page: [v for v in vs if v["impact"] in ("serious", "critical")] for page, vs in report.items()}
    assert not any(serious.values()), json.dumps(serious, ensure_ascii=False, indent=1)


def test_screenshot_of_the_index(browser: WebDriver, server: str) -> None:
    browser.get(server + "index.html")
    height = int(browser.run("return Math.min(document.documentElement.scrollHeight, 6000);"))
    # the window is a little taller than its viewport (headless keeps some window chrome): add a margin
    chrome = int(browser.run("return window.outerHeight - window.innerHeight;"))
    browser.set_window(1280, max(height, 800) + max(chrome, 0) + 40)
    try:
        png = browser.screenshot()
    finally:
        browser.set_window(1280, 1000)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "site-index.png").write_bytes(png)


# ---------------------------------------------------------------------------------------------
# the evaluation pages, the CSV previews and the pages of datasets without a package (issue 13)


def _csv_rows(site: Site, path: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(site.files[path].decode("utf-8-sig"), newline="")))


def _evaluation_names(site: Site) -> list[str]:
    names = [n for n in site.names if f"{n}/data/evaluations.csv" in site.files]
    assert len(names) >= 3, names  # the three repository packages
    return names


def _num(text: str | None) -> float | None:
    return float(text) if text not in (None, "") else None


_POINTS = """
return Array.from(document.querySelectorAll('svg.chart[data-chart]')).map(svg => ({
  id: svg.getAttribute('data-chart'),
  title: svg.querySelector('title').textContent, desc: svg.querySelector('desc').textContent,
  labelled: svg.getAttribute('aria-labelledby'), role: svg.getAttribute('role'),
  width: svg.getBoundingClientRect().width, height: svg.getBoundingClientRect().height,
  points: Array.from(svg.querySelectorAll('[data-series]')).map(p => ({
    series: p.getAttribute('data-series'), year: p.getAttribute('data-year'),
    value: p.getAttribute('data-' + p.getAttribute('data-series'))}))}));
"""


def test_each_indicator_has_a_chart_with_the_csv_values(browser: WebDriver, server: str, site: Site) -> None:
    for name in _evaluation_names(site):
        indicators = _csv_rows(site, f"{name}/data/indicators.csv")
        values = _csv_rows(site, f"{name}/data/indicator_values.csv")
        browser.get(f"{server}{name}/index.html")
        charts = {c["id"]: c for c in browser.run(_POINTS)}
        assert browser.run("return document.querySelectorAll('script:not([type=\"application/ld+json\"])').length;") == 0
        for ind in indicators:
            rows = [v for v in values if v["indicator_id"] == ind["indicator_id"]]
            expected = sorted((s, v["fiscal_year"], _num(v[s])) for v in rows for s in ("target", "actual") if v[s])
            chart = charts.get(f"chart-{ind['indicator_id']}")
            if not expected:
                assert chart is None, ind
                continue
            assert chart is not None, (name, ind["indicator_id"])
            plotted = sorted((p["series"], p["year"], _num(p["value"])) for p in chart["points"])
            assert plotted == expected, (name, ind["indicator_id"])
            assert ind["name"] in chart["title"] and chart["desc"] and chart["role"] == "img"
            assert chart["width"] > 300 and chart["height"] > 100
        # one chart per indicator with values, and the tables hold the same values as text
        with_values = {v["indicator_id"] for v in values if v["target"] or v["actual"]}
        assert {c for c in charts if c.startswith("chart-") and not c.endswith("-costs")} == {
            f"chart-{i}" for i in with_values}
        text = browser.run("return document.body.innerText;")
        for v in values:
            for key in ("target", "actual"):
                if v[key]:
                    assert v[key] in text, (name, v)


def test_every_csv_has_a_preview_page(browser: WebDriver, server: str, site: Site) -> None:
    for name in site.names:
        csvs = [p for p in site.files if p.startswith(f"{name}/data/") and p.endswith(".csv")]
        browser.get(f"{server}{name}/index.html")
        previews = browser.run("return Array.from(document.querySelectorAll('a[href^=\"preview/\"]')).map(a => a.href);")
        assert len(previews) == len(csvs), name
        for url in previews:
            browser.get(url)
            heads = browser.run("return Array.from(document.querySelectorAll('table.preview thead th'))"
                                ".map(th => th.getAttribute('data-column'));")
            count = browser.run("return document.querySelectorAll('table.preview tbody tr').length;")
            csv_path = unquote(urlsplit(browser.run(
                "return document.querySelector('a[download]').href;")).path).lstrip("/")
            rows = _csv_rows(site, csv_path)
            header = next(csv.reader([site.files[csv_path].decode("utf-8-sig").splitlines()[0]]))
            assert heads == header, url  # every column, in order, titled from the Table Schema
            assert count == min(len(rows), 100), url
            assert (browser.run("return document.getElementById('preview-cut') !== null;")) == (len(rows) > 100)


def _new_pages(server: str, site: Site) -> list[str]:
    pages = [f"{server}{name}/index.html" for name in _evaluation_names(site)]
    pages += [f"{server}{p}" for p in sorted(site.files) if "/preview/" in p]
    pages += [f"{server}listed/{e.id}.html" for e in site.inventory.entries if not e.packaged]
    return pages


def test_new_pages_resolve_and_axe_finds_no_violation(browser: WebDriver, server: str, site: Site) -> None:
    if not AXE_JS.is_file():
        pytest.fail(f"axe-core not found at {AXE_JS}: run `{AXE_INSTALL}` in {ROOT}", pytrace=False)
    source = AXE_JS.read_text(encoding="utf-8")
    report = {}
    for page in _new_pages(server, site):
        assert _status(page) == 200, page
        browser.get(page)
        for url in browser.run(_LINKS):
            target, _ = urldefrag(url)
            if target.startswith(server):
                assert _status(target) == 200, (page, url)
        violations = _axe_violations(browser, source)
        assert not isinstance(violations, dict), violations
        if violations:
            report[page] = violations
    assert not report, json.dumps(report, ensure_ascii=False, indent=1)


_COLOURED = """
var done = arguments[arguments.length - 1];
var img = new Image();
img.onload = function () {
  var c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
  var g = c.getContext('2d'); g.drawImage(img, 0, 0);
  var d = g.getImageData(0, 0, c.width, c.height).data, blue = 0, orange = 0;
  for (var i = 0; i < d.length; i += 4) {
    if (Math.abs(d[i] - 0x1f) < 40 && Math.abs(d[i + 1] - 0x5f) < 40 && Math.abs(d[i + 2] - 0xa8) < 40) { blue += 1; }
    if (Math.abs(d[i] - 0xb3) < 40 && Math.abs(d[i + 1] - 0x47) < 40 && Math.abs(d[i + 2] - 0x00) < 40) { orange += 1; }
  }
  done({blue: blue, orange: orange, width: img.width, height: img.height});
};
img.onerror = function () { done({error: 'not an image'}); };
img.src = 'data:image/png;base64,' + arguments[0];
"""


def test_screenshot_shows_the_chart(browser: WebDriver, server: str, site: Site) -> None:
    import base64

    name = next(n for n in _evaluation_names(site) if "kiyose" in n)
    browser.get(f"{server}{name}/index.html")
    browser.run("document.querySelector('svg.chart').scrollIntoView({block: 'center'});")
    element = browser.find("svg.chart")
    eid = next(iter(element.values()))
    png_b64 = browser.call("GET", browser._s(f"/element/{eid}/screenshot"))
    png = base64.b64decode(png_b64)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "site-evaluation-chart.png").write_bytes(png)
    # the picture holds both series' colours: the lines and points were painted, not only the frame
    seen = browser.run_async(_COLOURED, png_b64)
    assert seen.get("blue", 0) > 50 and seen.get("orange", 0) > 20, seen
    browser.set_window(1280, 1000)
    (ARTIFACTS / "site-evaluation.png").write_bytes(browser.screenshot())


def test_count_and_search_by_column_title(browser: WebDriver, server: str, site: Site) -> None:
    entries = list(site.inventory.entries)
    packaged = sum(e.packaged for e in entries)
    browser.get(server + "index.html")
    status = browser.run("return document.getElementById('filter-status').textContent;")
    assert f"全 {len(entries)} 件（パッケージ {packaged} 件・一覧のみ {len(entries) - packaged} 件）" in status
    # 達成率 is a column title of the evaluation packages only, in no card's visible text
    browser.type(browser.find("#filter-text"), "達成率")
    assert sorted(browser.run(_VISIBLE)) == _titles([e for e in entries if e.id in _evaluation_names(site)])
    status = browser.run("return document.getElementById('filter-status').textContent;")
    assert f"条件に合う {len(_evaluation_names(site))} 件（パッケージ {len(_evaluation_names(site))} 件・一覧のみ 0 件）" in status
