"""Serialisations parse back to the same graph, and the same graph always gives the same bytes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph

from opendata_pub.config import Settings
from opendata_pub.rdf import FORMATS, package_graph, parse, serialize
from tests.rdf.conftest import CONFIG, assert_isomorphic


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_each_format_parses_back_isomorphic(fmt: str, full_package: Path, eval_package: Path,
                                            settings: Settings) -> None:
    for pkg in (full_package, eval_package):
        g = package_graph(pkg, settings)
        assert_isomorphic(g, parse(serialize(g, fmt), fmt))


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_serialisation_is_deterministic_across_processes(fmt: str, eval_package: Path, tmp_path: Path) -> None:
    # Another interpreter with another hash seed must write the same bytes (no set or dict order leaks).
    script = (
        "import sys, json\n"
        "from opendata_pub.config import parse_config\n"
        "from opendata_pub.rdf import package_graph, serialize\n"
        "s = parse_config(json.loads(sys.argv[1]), path='opendata.yaml')\n"
        "sys.stdout.write(serialize(package_graph(sys.argv[2], s), sys.argv[3]))\n"
    )
    import json

    outs = []
    for seed in ("1", "2"):
        proc = subprocess.run([sys.executable, "-c", script, json.dumps(CONFIG), str(eval_package), fmt],
                              check=False, capture_output=True, text=True, timeout=120,
                              env={**os.environ, "PYTHONHASHSEED": seed}, encoding="utf-8")
        assert proc.returncode == 0, proc.stderr[-2000:]
        outs.append(proc.stdout)
    assert outs[0] == outs[1]


def test_turtle_has_our_prefixes_and_japanese_text(full_package: Path, settings: Settings) -> None:
    text = serialize(package_graph(full_package, settings), "turtle")
    assert "@prefix dcat: <http://www.w3.org/ns/dcat#> ." in text
    assert '"全項目のデータ"@ja' in text  # UTF-8, not escaped


def test_json_ld_is_compact_with_our_context(full_package: Path, settings: Settings) -> None:
    import json

    doc = json.loads(serialize(package_graph(full_package, settings), "json-ld"))
    assert doc["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    assert any(node.get("@type") == "dcat:Dataset" for node in doc["@graph"])


def test_unknown_format() -> None:
    with pytest.raises(ValueError):
        serialize(Graph(), "n-quads")


def test_an_rdf_list_keeps_its_order_and_the_graph_its_own_prefix() -> None:
    from rdflib import BNode, Literal, Namespace
    from rdflib.collection import Collection


    ex = Namespace("http://example.org/")
    g = Graph()
    g.bind("ex", ex)
    head = BNode()
    Collection(g, head, [Literal("c"), Literal("a"), Literal("b")])
    g.add((ex.s, ex.p, head))
    doc = json.loads(serialize(g, "json-ld"))
    assert doc["@context"]["ex"] == str(ex)
    assert doc["ex:p"]["@list"] == ["c", "a", "b"]  # an @list is ordered: never sorted
    back = parse(serialize(g, "json-ld"), "json-ld")
    assert [str(x) for x in Collection(back, back.value(ex.s, ex.p))] == ["c", "a", "b"]
