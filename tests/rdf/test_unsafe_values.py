"""Values that cannot become RDF: a finding in ``validate``, a refusal in ``publish``, one located
line from ``rdf`` and ``publish --force`` — never rdflib's "does not look like a valid URI" crash.

The cases of issue 9 item 6, each on its own: a ``|`` in ``homepage``, a ``"`` in ``conformsTo``,
``{x}`` in opendata.yaml's ``catalog.homepage``, and (with ``--force``, past validation) bad
``spatial`` / ``themes`` / ``language`` / ``accrualPeriodicity`` values; control characters in texts.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.term import _is_valid_uri

from opendata_pub import actions
from opendata_pub.config import load_config
from opendata_pub.portals.plan import DatasetAction
from opendata_pub.rdf import package_graph, parse, serialize
from opendata_pub.rdf.terms import UnsafeTerm, iri, iri_problem, literal, literal_problem
from opendata_pub.validation.validator import validate_package
from tests.conftest import CliResult, listing, no_traceback

PKG = "datapackages/demo"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _descriptor(project: Path) -> Path:
    return project / PKG / "datapackage.yaml"


def _errors(project: Path) -> list[tuple[str, str]]:
    rep = validate_package(project / PKG, load_config(project / "opendata.yaml"))
    return [(f.code, str(f.where)) for f in rep.errors]


# --- the predicate -------------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", [*'<>" {}|\\^`', "\x00", "\x1f", "\x7f", "\x85", "\ud800", "\ufffe"])
def test_iri_problem_names_every_character_rdflib_or_xml_cannot_take(bad: str) -> None:
    text = f"https://example.jp/a{bad}b"
    assert iri_problem(text) is not None
    with pytest.raises(UnsafeTerm):
        iri(text)


@pytest.mark.parametrize("good", ["https://例え.jp/データ?q=1&r=2#frag", "mailto:a.b@example.lg.jp",
                                  "tel:+81-42-492-5111", "http://data.e-stat.go.jp/lod/sac/C13221"])
def test_iri_problem_accepts_real_iris(good: str) -> None:
    assert iri_problem(good) is None
    assert str(iri(good)) == good


def test_relative_iri_is_a_problem() -> None:
    # read back against the document's base it would be another IRI
    assert iri_problem("dataset/x") is not None
    assert iri_problem("") is not None


@given(st.text(max_size=30))
@settings(max_examples=200, deadline=None)
def test_predicates_agree_with_rdflib_and_every_serialisation(text: str) -> None:
    candidate = "https://example.jp/" + text
    if iri_problem(candidate) is None:
        assert _is_valid_uri(candidate)
    g = Graph()
    s = URIRef("https://example.jp/s")
    if iri_problem(candidate) is None:
        g.add((s, URIRef("https://example.jp/p"), URIRef(candidate)))
    if literal_problem(text) is None:
        g.add((s, URIRef("https://example.jp/q"), Literal(text)))
    for fmt in ("turtle", "json-ld", "xml"):
        back = parse(serialize(g, fmt), fmt)
        assert len(back) == len(g), fmt


@pytest.mark.parametrize("text", ["a\x01b", "\x0c", "x\ud800", "\uffff"])
def test_literal_problem_names_what_xml_cannot_hold(text: str) -> None:
    assert literal_problem(text) is not None
    with pytest.raises(UnsafeTerm):
        literal(text)


@pytest.mark.parametrize("text", ["改行\nと\tタブ\r", "普通の文 ①㈱髙", "\U0001f600"])
def test_literal_problem_accepts_tab_newline_and_any_character_xml_can_hold(text: str) -> None:
    assert literal_problem(text) is None


# --- validate gives the finding; publish refuses before writing -------------------------------------

DESCRIPTOR_CASES = [
    ("homepage", "language: [ja]\n", "language: [ja]\nhomepage: 'https://fonts.example.com/css?family=A|B'\n",
     "homepage"),
    ("conformsTo", "language: [ja]\n", "language: [ja]\nconformsTo: ['https://example.jp/std\"v1']\n",
     "conformsTo[0]"),
    ("control character in title", "title: デモデータ", 'title: "デモ\\x01データ"', "title"),
    ("control character in a keyword", "keywords: [テスト, デモ]", 'keywords: [テスト, "デ\\x0bモ"]', "keywords[1]"),
    ("contact url", "language: [ja]\n", "language: [ja]\ncontactPoint: {name: 係, url: 'https://example.jp/{x}'}\n",
     "contactPoint.url"),
    ("contact email", "language: [ja]\n", "language: [ja]\ncontactPoint: {name: 係, email: 'a\"b@example.jp'}\n",
     "contactPoint.email"),
    ("publisher url", 'publisher: "132217"', "publisher: {code: '132217', name: 清瀬市, url: 'https://x.jp/a b'}",
     "publisher.url"),
    ("source url", "language: [ja]\n", "language: [ja]\nsources: [{title: 元, path: 'https://x.jp/<a>'}]\n",
     "sources[0].path"),
    ("media type", "mediatype: text/csv", "mediatype: 'text/c sv'", "resources[0].mediatype"),
]


@pytest.mark.parametrize(("case", "old", "new", "key"), DESCRIPTOR_CASES, ids=[c[0] for c in DESCRIPTOR_CASES])
def test_validate_reports_what_cannot_become_rdf(project: Path, case: str, old: str, new: str, key: str) -> None:
    _edit(_descriptor(project), old, new)
    errors = _errors(project)
    assert any(c == "metadata-invalid" and w.endswith(f"datapackage.yaml:{key}") for c, w in errors), errors
    assert not any(c == "shacl-crashed" for c, _ in errors)


def test_catalog_homepage_in_opendata_yaml_is_a_finding(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    _edit(project / "opendata.yaml", "  base_url:", "  homepage: 'https://example.jp/{x}'\n  base_url:")
    assert ("metadata-invalid", "opendata.yaml:catalog.homepage") in _errors(project)


@pytest.mark.parametrize("key, old, new", [
    ("publishers[0].url", "    organization: kiyose\n", "    organization: kiyose\n    url: 'https://x.jp/a|b'\n"),
    ("publishers[0].contact.email", "email: opendata@example.lg.jp", "email: 'a<b@example.lg.jp'"),
    ("catalog.title", "title: テストカタログ", 'title: "テスト\\x02カタログ"'),
])
def test_other_opendata_yaml_values_are_findings(project: Path, monkeypatch: pytest.MonkeyPatch, key: str, old: str,
                                                 new: str) -> None:
    monkeypatch.chdir(project)
    _edit(project / "opendata.yaml", old, new)
    assert ("metadata-invalid", f"opendata.yaml:{key}") in _errors(project)


@pytest.mark.parametrize(("case", "old", "new", "key"), DESCRIPTOR_CASES[:3], ids=[c[0] for c in DESCRIPTOR_CASES[:3]])
def test_publish_refuses_before_writing(project: Path, case: str, old: str, new: str, key: str) -> None:
    _edit(_descriptor(project), old, new)
    settings_ = load_config(project / "opendata.yaml")
    plan, _result = actions.publish([project / PKG], to=str(project / "site"), settings=settings_)
    assert {d.name: d.action for d in plan.datasets}["demo"] is DatasetAction.REFUSED
    assert not (project / "site" / "demo").exists()  # (the site's own index of nothing may be written)


def test_publish_with_bad_catalog_homepage_stops_before_writing(project: Path) -> None:
    _edit(project / "opendata.yaml", "  base_url:", "  homepage: 'https://example.jp/{x}'\n  base_url:")
    settings_ = load_config(project / "opendata.yaml")
    with pytest.raises(UnsafeTerm) as info:
        actions.publish([project / PKG], to=str(project / "site"), settings=settings_, force=True)
    assert "catalog.homepage" in str(info.value)
    assert not (project / "site").exists()


# --- with --force, past validation: one located line, never a traceback --------------------------------

FORCED = [
    ("spatial", 'spatial: ["132217"]', 'spatial: ["1322{"]'),
    ("themes", "themes: [GOVE]", 'themes: ["GO VE"]'),
    ("language", "language: [ja]", 'language: ["j|a"]'),
    ("accrualPeriodicity", "accrualPeriodicity: ANNUAL", 'accrualPeriodicity: "year<ly>"'),
    ("title", "title: デモデータ", 'title: "デモ\\x01"'),
]


@pytest.mark.parametrize(("key", "old", "new"), FORCED, ids=[c[0] for c in FORCED])
def test_forced_publish_and_rdf_stop_with_a_located_error(project: Path, cli: Callable[..., CliResult], key: str,
                                                          old: str, new: str) -> None:
    _edit(_descriptor(project), old, new)
    assert any(c == "metadata-invalid" and f"datapackage.yaml:{key}" in w for c, w in _errors(project))
    before = listing(project)
    r = cli("publish", PKG, "--to", "out", "--force", cwd=project)
    assert r.code == 1 and no_traceback(r.err) and "内部エラー" not in r.err, r.err
    assert f"datapackage.yaml:{key}" in r.err and "RDF にできない値です" in r.err
    assert listing(project) == before  # nothing written, not even a temporary file
    for fmt in ("turtle", "json-ld", "xml"):
        r = cli("rdf", PKG, "--format", fmt, cwd=project)
        assert r.code == 1 and no_traceback(r.err) and "内部エラー" not in r.err, r.err
        assert f"datapackage.yaml:{key}" in r.err


def test_rdf_with_clean_values_still_round_trips(project: Path) -> None:
    g = package_graph(project / PKG, load_config(project / "opendata.yaml"))
    for fmt in ("turtle", "json-ld", "xml"):
        assert len(parse(serialize(g, fmt), fmt)) == len(g)


def test_collecting_leaves_no_half_written_value(project: Path) -> None:
    # a contact whose url cannot be an IRI: validate's collecting build leaves the whole contact out
    from opendata_pub.packaging.package import load_package
    from opendata_pub.rdf.dcat_out import build_package_graph
    from opendata_pub.rdf.namespaces import VCARD

    _edit(_descriptor(project), "language: [ja]\n", "language: [ja]\ncontactPoint: {name: 係, url: 'https://x.jp/|'}\n")
    unsafe: list[UnsafeTerm] = []
    pg = build_package_graph(load_package(project / PKG), load_config(project / "opendata.yaml"), unsafe=unsafe)
    assert [u.where for u in unsafe] == ["contactPoint"]
    assert not list(pg.graph.subjects(None, VCARD.Kind))


def test_lone_surrogate_is_a_finding_and_forced_publish_a_located_error(project: Path) -> None:
    # a JSON escape can write one; no UTF-8 page, descriptor or graph can hold it
    import json

    import yaml

    from opendata_pub.errors import InputError

    desc = yaml.load(_descriptor(project).read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # dates as text
    desc["title"] = "デモ\ud800"
    _descriptor(project).unlink()
    (project / PKG / "datapackage.json").write_text(json.dumps(desc, ensure_ascii=True), encoding="utf-8")
    errors = _errors(project)
    assert any(c == "descriptor-invalid" and w.endswith("datapackage.json:title") for c, w in errors), errors
    assert any(c == "metadata-invalid" and w.endswith("datapackage.json:title") for c, w in errors), errors
    with pytest.raises(InputError) as info:
        actions.publish([project / PKG], to=str(project / "site"), settings=load_config(project / "opendata.yaml"),
                        force=True)
    assert not isinstance(info.value.__cause__, UnicodeEncodeError) or "サロゲート" in str(info.value)
    assert not (project / "site").exists()
