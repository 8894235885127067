"""Licence maps per portal: ``portals.<name>.licenses`` maps our licence ids to the portal's; without
one, licences resolve by URL (or id) as before; what cannot be resolved says which ids the portal
has and which opendata.yaml line would fix it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from opendata_pub.actions import publish as publish_packages
from opendata_pub.config import Portal, Settings, load_config, parse_config
from opendata_pub.findings import Severity
from opendata_pub.metadata.licenses import find_license
from opendata_pub.portals import PreflightError
from opendata_pub.portals.licence_map import LicenseNotOffered, mapped_id_problems, resolve_license_id
from opendata_pub.validation.portal_licences import descriptor_licence, licence_map_findings

from . import fake_ckan

# CKAN's default licence list (ckan/model/license.py, 2.9–2.12), the part that matters here
STOCK = [
    {"id": "notspecified", "url": "", "title": "License not specified"},
    {"id": "odc-by", "url": "http://www.opendefinition.org/licenses/odc-by", "title": "Open Data Commons Attribution License"},
    {"id": "cc-zero", "url": "http://www.opendefinition.org/licenses/cc-zero", "title": "Creative Commons CCZero"},
    {"id": "cc-by", "url": "http://www.opendefinition.org/licenses/cc-by", "title": "Creative Commons Attribution"},
    {"id": "cc-by-sa", "url": "http://www.opendefinition.org/licenses/cc-by-sa",
     "title": "Creative Commons Attribution Share-Alike"},
    {"id": "other-open", "url": "", "title": "Other (Open)"},
    {"id": "other-at", "url": "", "title": "Other (Attribution)"},
]
PDL = find_license("PDL-1.0")
CC_BY = find_license("CC-BY-4.0")


@pytest.fixture
def stock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fake_ckan, "LICENSES", STOCK)


def _map(proj: Path, mapping: str) -> Settings:
    cfg = proj / "opendata.yaml"
    text = cfg.read_text(encoding="utf-8")
    assert "token:" in text
    cfg.write_text(text.replace("    token:", f"    licenses: {mapping}\n    token:", 1), encoding="utf-8")
    return load_config(cfg)


def _publish(proj: Path, target, settings: Settings, **kw):
    target.settings = settings
    return publish_packages(sorted((proj / "datapackages").iterdir()), target, settings=settings, **kw)


def test_stock_ckan_without_a_map_lists_its_ids_and_the_line_that_fixes_it(proj, target, fake, stock):
    with pytest.raises(PreflightError) as exc:
        _publish(proj, target, load_config(proj / "opendata.yaml"))
    [problem] = exc.value.problems
    assert problem.startswith("demo: ポータルのライセンス一覧に PDL-1.0 (https://www.digital.go.jp/")
    assert "cc-by (Creative Commons Attribution)" in problem and "other-at (Other (Attribution))" in problem
    assert "portals.fake.licenses: {PDL-1.0: <ポータルの ID>}" in problem
    assert fake.writes() == []


def test_a_map_makes_pdl_publishable_on_stock_ckan(proj, target, fake, stock):
    settings = _map(proj, "{PDL-1.0: other-at, CC-BY-4.0: cc-by}")
    _, result = _publish(proj, target, settings)
    assert result.ok, result.to_dict()
    assert fake._show("demo")["license_id"] == "other-at"
    fake.log.clear()
    the_plan, result = _publish(proj, target, settings)  # and it stays put
    assert result.ok and not the_plan.has_changes and fake.writes() == []


def test_a_mapped_id_the_portal_lacks_is_a_preflight_error_naming_it(proj, target, fake, stock):
    settings = _map(proj, "{PDL-1.0: other-at, CC0-1.0: cc0}")  # cc0: not a stock id (cc-zero is)
    with pytest.raises(PreflightError) as exc:
        _publish(proj, target, settings)
    assert exc.value.problems == [
        "opendata.yaml の portals.fake.licenses.CC0-1.0 にある cc0 は、ポータルのライセンス一覧にありません。"
        "ポータルにあるもの: " + ", ".join(f"{e['id']} ({e['title']})" for e in STOCK)]
    assert fake.writes() == []


def test_a_map_is_used_also_when_the_portal_is_named_by_its_url(proj, target, fake, stock, monkeypatch):
    monkeypatch.setenv("CKAN_API_TOKEN", fake_ckan.GOOD_TOKEN)
    settings = _map(proj, "{PDL-1.0: other-open}")
    target.settings = settings
    assert target.portal is not None and target.portal.name == "fake"
    _, result = publish_packages(sorted((proj / "datapackages").iterdir()), fake.url + "/", settings=settings)
    assert result.ok, result.to_dict()
    assert fake._show("demo")["license_id"] == "other-open"


def test_without_a_map_licences_resolve_by_url_or_id_as_before():
    ours = [{"id": "PDL-1.0", "url": PDL.uri}, {"id": "by", "url": "http://creativecommons.org/licenses/by/4.0"}]
    assert resolve_license_id(PDL, "PDL-1.0", ours, portal=None, url="https://x") == "PDL-1.0"
    assert resolve_license_id(CC_BY, "CC-BY-4.0", ours, portal=None, url="https://x") == "by"
    assert resolve_license_id(CC_BY, "CC-BY-4.0", STOCK, portal=None, url="https://x") == "cc-by"  # by id
    assert resolve_license_id(None, "odc-by", STOCK, portal=None, url="https://x") == "odc-by"  # one we don't know


def test_an_unconfigured_portal_gets_a_whole_portal_entry_as_the_fix():
    with pytest.raises(LicenseNotOffered) as exc:
        resolve_license_id(PDL, "PDL-1.0", STOCK, portal=None, url="https://ckan.example.jp")
    assert "portals: {<名前>: {url: https://ckan.example.jp, licenses: {PDL-1.0: <ポータルの ID>}}}" in exc.value.message


def test_a_licence_we_do_not_know_lists_the_portal_ids():
    with pytest.raises(LicenseNotOffered) as exc:
        resolve_license_id(None, "my-own-licence", STOCK, portal=None, url="https://x")
    assert "'my-own-licence'" in exc.value.message and "cc-by (Creative Commons Attribution)" in exc.value.message


def test_mapped_id_problems_only_for_ids_the_portal_lacks():
    portal = Portal("p", "https://x", licenses={"PDL-1.0": "other-at", "CC0-1.0": "cc0"})
    [problem] = mapped_id_problems(portal, STOCK)
    assert "portals.p.licenses.CC0-1.0 にある cc0" in problem
    assert mapped_id_problems(None, STOCK) == []


# -- validate --target NAME: offline -----------------------------------------------------------------

def _settings(licenses: str) -> Settings:
    return parse_config({"catalog": {"title": "t"},
                         "publishers": [{"code": "132217", "name": "清瀬市", "license": "PDL-1.0"}],
                         "portals": {"p": {"url": "https://ckan.example.jp", "licenses": eval(licenses)}}},
                        path="/tmp/proj/opendata.yaml")


def test_offline_check_says_a_licence_the_map_leaves_out_resolves_by_url():
    settings = _settings("{'PDL-1.0': 'other-at'}")
    portal = settings.portals["p"]
    desc = {"name": "x", "licenses": [{"name": "CC-BY-4.0", "path": CC_BY.uri}]}
    [f] = licence_map_findings(desc, portal, settings, file="x/datapackage.yaml")
    assert f.code == "portal-licence-unmapped" and f.severity is Severity.INFO
    assert "portals.p.licenses: {CC-BY-4.0: <ポータルの ID>}" in f.message
    assert f.where.key == "licenses[0]" and f.where.file == "x/datapackage.yaml"
    by_publisher = {"name": "x", "publisher": "132217"}  # the publisher's default, PDL-1.0: mapped
    assert descriptor_licence(by_publisher, settings) == PDL.uri
    assert licence_map_findings(by_publisher, portal, settings, file="f") == []


def test_offline_check_warns_of_a_licence_we_cannot_map():
    settings = _settings("{}")
    desc = {"name": "x", "licenses": [{"name": "my-own-licence"}]}
    [f] = licence_map_findings(desc, settings.portals["p"], settings, file="f")
    assert f.code == "portal-licence-unknown" and f.severity is Severity.WARNING
    assert licence_map_findings(desc, None, settings, file="f") == []  # not a configured portal


def test_validate_target_reports_the_licence_map_offline(cli, proj, fake):
    """``validate --target NAME`` runs the check without contacting the portal."""
    _map(proj, "{CC-BY-4.0: cc-by}")  # the package's PDL-1.0 is left out
    fake.close()  # offline: nothing may be asked of the portal
    r = cli("validate", "--target", "fake", "--format", "json", cwd=proj)
    findings = [f for p in json.loads(r.out)["packages"] for f in p["findings"]]
    [f] = [f for f in findings if f["code"] == "portal-licence-unmapped"]
    assert f["severity"] == "info" and "portals.fake.licenses: {PDL-1.0: <ポータルの ID>}" in f["message"]
    r = cli("validate", "--target", "fake", cwd=proj)
    assert "portal-licence-unmapped" in r.out or "portals.fake.licenses" in r.out
