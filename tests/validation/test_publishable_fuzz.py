"""Fuzz: a package ``validate`` passes always publishes and always gives RDF (issue 9, item 6).

Hypothesis changes up to three metadata values of a valid package — descriptor fields and the
opendata.yaml values every page and graph carries — to strings with hostile characters (IRI
delimiters, quotes, ``</script>``, control characters, a lone surrogate, formula starts …), then:

- ``validate`` never raises (opendata.yaml may be refused at load, with a ``ConfigError``);
- with no error, publishing to a folder succeeds, every HTML page holds only the tags we write (data
  never opens a tag, and every JSON-LD block is whole JSON), and the package's RDF serialises as
  Turtle, JSON-LD and RDF/XML and reads back to the same number of triples; the site's catalog
  Turtle and JSON-LD read back too;
- with an error, ``publish`` refuses the package and writes none of it (or, for an opendata.yaml
  value every page carries, stops with a located error before writing anything), and
  ``publish --force`` either publishes or stops with one of our errors — never anything else.
"""

from __future__ import annotations

import copy
import hashlib
import json
import tempfile
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opendata_pub import actions
from opendata_pub.config import load_config
from opendata_pub.errors import ConfigError, OpendataPubError
from opendata_pub.portals.plan import DatasetAction
from opendata_pub.rdf import package_graph, parse, serialize
from opendata_pub.validation.validator import validate_package
from tests.projectfiles import KIYOSE, TOWNS, TOWNS_CSV, TOWNS_FIELDS, config, descriptor, publisher

HOSTILE = ["|", '"', "{x}", "<", ">", "</script><x-evil>", "<x-evil a='1'>", "\x01", "\x0b", "\x7f", " ", "\t",
           "\n", "\\", "^", "`", "&amp;", "'", "\ud800", "=1+1", "+81-42", "@SUM(A1)", "-", "%7C", "#", "?",
           "javascript:alert(1)", "データ", "é", "\u2028", "]]>", "<!--"]
_chunk = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=4))
TEXT = st.one_of(st.sampled_from(["清瀬市のデータ", "Kiyose", "2021"]), st.lists(_chunk, min_size=1, max_size=4).map("".join))
URL = st.builds(lambda base, tail: base + tail,
                st.sampled_from(["https://example.jp/", "http://x.example.lg.jp/a?b=1&c=", "ftp://x/", "", "mailto:"]),
                st.one_of(st.just(""), st.just("page"), TEXT))
CODE = st.one_of(st.sampled_from(["132217", "082112", "GOVE", "ANNUAL", "ja", "en", "C13221"]), TEXT)

# field → strategy giving the new value; "config:" fields change opendata.yaml
FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "title": TEXT,
    "description": TEXT,
    "version": TEXT,
    "provenance": TEXT,
    "keywords": st.lists(TEXT, min_size=1, max_size=2, unique=True),
    "homepage": URL,
    "conformsTo": st.lists(URL, min_size=1, max_size=2),
    "spatial": st.lists(CODE, min_size=1, max_size=2),
    "themes": st.lists(CODE, min_size=1, max_size=2),
    "language": st.lists(CODE, min_size=1, max_size=2),
    "accrualPeriodicity": CODE,
    "contactPoint": st.fixed_dictionaries({"name": TEXT}, optional={
        "email": TEXT.map(lambda t: f"{t}@example.lg.jp"), "url": URL, "telephone": TEXT}),
    "licenses": st.lists(st.fixed_dictionaries({"path": st.one_of(URL, st.just(
        "https://creativecommons.org/licenses/by/4.0/"))}, optional={"title": TEXT, "name": TEXT}), min_size=1, max_size=1),
    "publisher": st.fixed_dictionaries({"code": st.just("132217"), "name": TEXT}, optional={"url": URL}),
    "sources": st.lists(st.fixed_dictionaries({"title": TEXT}, optional={"path": URL}), min_size=1, max_size=2),
    "resource.title": TEXT,
    "resource.description": TEXT,
    "resource.mediatype": st.one_of(st.just("text/csv"), TEXT),
    "config:catalog.homepage": URL,
    "config:catalog.title": TEXT,
    "config:catalog.description": TEXT,
    "config:publisher.name": TEXT,
    "config:publisher.url": URL,
    "config:publisher.contact.telephone": TEXT,
}

DATA = TOWNS_CSV.encode()

CONFIG: dict[str, Any] = config(publisher(KIYOSE, organization="kiyose"))

DESCRIPTOR: dict[str, Any] = json.loads(json.dumps(descriptor(resources=[{
    **TOWNS, "bytes": len(DATA), "hash": f"sha256:{hashlib.sha256(DATA).hexdigest()}",
    "schema": {"fields": TOWNS_FIELDS, "primaryKey": ["code"]},
}]), default=str))  # the dates as the strings a JSON descriptor holds


def _project(root: Path, changes: dict[str, Any]) -> Path:
    config, descriptor = copy.deepcopy(CONFIG), copy.deepcopy(DESCRIPTOR)
    for field, value in changes.items():
        if field.startswith("config:catalog."):
            config["catalog"][field.rsplit(".", 1)[1]] = value
        elif field == "config:publisher.contact.telephone":
            config["publishers"][0]["contact"]["telephone"] = value
        elif field.startswith("config:publisher."):
            config["publishers"][0][field.rsplit(".", 1)[1]] = value
        elif field.startswith("resource."):
            descriptor["resources"][0][field.split(".", 1)[1]] = value
        else:
            descriptor[field] = value
    # JSON (which YAML reads too) with ASCII escapes: a lone surrogate or a control character
    # arrives as the escape a hostile file would hold.
    (root / "opendata.yaml").write_text(json.dumps(config, ensure_ascii=True), encoding="utf-8")
    pkg = root / "datapackages" / "demo"
    (pkg / "data").mkdir(parents=True)
    (pkg / "data" / "towns.csv").write_bytes(DATA)
    (pkg / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=True), encoding="utf-8")
    return pkg


class _Tags(HTMLParser):
    """Every start tag of a page, and the text of each JSON-LD script."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.json_ld: list[str] = []
        self._in_json = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self._in_json = tag == "script" and ("type", "application/ld+json") in attrs
        if self._in_json:
            self.json_ld.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_json = False

    def handle_data(self, data: str) -> None:
        if self._in_json:
            self.json_ld[-1] += data


def _check_site(site: Path) -> None:
    for page in site.rglob("*.html"):
        parser = _Tags()
        parser.feed(page.read_text(encoding="utf-8"))
        assert "x-evil" not in parser.tags, page  # data never opens a tag
        for block in parser.json_ld:
            json.loads(block)  # and never ends the JSON-LD script early
    parse((site / "catalog.ttl").read_text(encoding="utf-8"), "turtle")
    parse((site / "catalog.jsonld").read_text(encoding="utf-8"), "json-ld")


def test_validate_clean_packages_always_publish_and_give_rdf() -> None:
    outcomes: Counter[str] = Counter()

    @given(st.dictionaries(st.sampled_from(sorted(FIELDS)), st.none(), min_size=1, max_size=3).flatmap(
        lambda keys: st.fixed_dictionaries({k: FIELDS[k] for k in keys})))
    @settings(max_examples=60, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    def run(changes: dict[str, Any]) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            pkg = _project(root, changes)
            try:
                config = load_config(root / "opendata.yaml")
            except ConfigError:
                outcomes["config refused at load"] += 1  # located, exit code 2: not a crash
                return
            report = validate_package(pkg, config)  # never raises
            site = root / "site"
            if not report.errors:
                outcomes["clean"] += 1
                plan, _ = actions.publish([pkg], to=str(site), settings=config)
                assert {d.name: d.action for d in plan.datasets}["demo"] is DatasetAction.CREATE
                _check_site(site)
                graph = package_graph(pkg, config)
                for fmt in ("turtle", "json-ld", "xml"):
                    assert len(parse(serialize(graph, fmt), fmt)) == len(graph), fmt
                return
            outcomes["refused"] += 1
            try:
                plan, _ = actions.publish([pkg], to=str(site), settings=config)
            except OpendataPubError:
                # an opendata.yaml value every page carries: the site cannot be rendered at all
                assert not site.exists()
            else:
                assert {d.name: d.action for d in plan.datasets}["demo"] is DatasetAction.REFUSED
            assert not (site / "demo").exists()
            try:
                actions.publish([pkg], to=str(root / "forced"), settings=config, force=True)
            except OpendataPubError:
                outcomes["forced: located error"] += 1

    run()
    assert outcomes["clean"] > 0 and outcomes["refused"] > 0, outcomes
