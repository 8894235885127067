"""`opendata-pub rdf PACKAGE [--format] [-o FILE] [--base-url] [--no-data]`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml
from rdflib import URIRef
from rdflib.namespace import RDF

from opendata_pub.rdf import parse
from opendata_pub.rdf.namespaces import DCAT, EVAL
from tests.conftest import CliResult, listing, no_traceback
from tests.rdf.conftest import CONFIG, build_evaluation


def _project(tmp_path: Path, config: dict = CONFIG) -> Path:
    (tmp_path / "opendata.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    build_evaluation(tmp_path / "datapackages" / "kiyose")
    return tmp_path


def test_turtle_to_stdout(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    root = _project(tmp_path)
    r = cli("rdf", "datapackages/kiyose", cwd=root)
    assert r.code == 0, r.err
    g = parse(r.out, "turtle")
    assert (URIRef("https://opendata.example.lg.jp/dataset/kiyose-seisaku-hyoka-2020"), RDF.type, DCAT.Dataset) in g
    assert list(g.subjects(RDF.type, EVAL.Evaluation))


def test_formats_output_file_base_url_and_no_data(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    root = _project(tmp_path)
    before = listing(root)
    for fmt, name in (("json-ld", "out.jsonld"), ("xml", "out.rdf")):
        r = cli("rdf", "datapackages/kiyose", "--format", fmt, "-o", name, "--base-url", "https://data.example.org",
                "--no-data", cwd=root)
        assert r.code == 0, r.err
        assert r.out == "" and name in r.err
        g = parse((root / name).read_text(encoding="utf-8"), fmt)
        assert (URIRef("https://data.example.org/dataset/kiyose-seisaku-hyoka-2020"), RDF.type, DCAT.Dataset) in g
        assert not list(g.subjects(RDF.type, EVAL.Evaluation))
    assert listing(root) - before == {"out.jsonld", "out.rdf"}  # no temporary file left behind


def test_no_base_url_is_exit_code_2(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    cfg = {**CONFIG, "catalog": {k: v for k, v in CONFIG["catalog"].items() if k != "base_url"}}
    root = _project(tmp_path, cfg)
    r = cli("rdf", "datapackages/kiyose", cwd=root)
    assert r.code == 2
    assert r.err.startswith("エラー:") and "base URL" in r.err and "--base-url" in r.err
    assert no_traceback(r.err)


def test_missing_package_and_bad_format(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    root = _project(tmp_path)
    r = cli("rdf", "datapackages/nothing", cwd=root)
    assert r.code == 1 and "datapackages/nothing" in r.err and no_traceback(r.err)
    r = cli("rdf", "datapackages/kiyose", "--format", "n3", cwd=root)
    assert r.code == 2


def test_help_lists_the_command(cli: Callable[..., CliResult]) -> None:
    r = cli("--help")
    assert "rdf" in r.out
    r = cli("rdf", "--help")
    assert "--base-url" in r.out and "--no-data" in r.out
