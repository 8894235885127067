"""Issue 16: publishing into a CKAN that runs ckanext-scheming with ckanext-dcat's DCAT-AP schema.

The repository's own packages (datapackages/*) go to a real CKAN whose dataset schema is
``ckanext.dcat.schemas:dcat_ap_full.yaml``: our metadata lands in the schema's fields (``publisher``,
``contact``, ``temporal_coverage`` … as subfield lists; ``identifier``, ``theme`` … top-level), what
the schema lacks stays in extras, an unchanged re-publish writes nothing, and a changed repeating
field is one write; a package we published pulls back byte-identical. A dataset that portal staff
entered with the schema's fields filled (no datapackage.json) pulls back with that metadata. A schema
with one more required field (written into the harness's work directory) is a preflight error naming
the field, before any write.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from opendata_pub.actions import publish as publish_packages
from opendata_pub.packaging.package import find_descriptor, load_descriptor
from opendata_pub.portals import PreflightError, plan_packages, pull_dataset
from opendata_pub.portals.listing import list_source
from opendata_pub.portals.mapping import ESTAT_SAC, resource_key
from opendata_pub.portals.target import PullSource
from tests.ckan_harness import CkanHarness, CkanInstance
from tests.ckan_harness.harness import venv_dir
from tests.portals.integration_support import Counter, package_show, project, settings_of, target

log = logging.getLogger("ckan_harness")
REPO = Path(__file__).resolve().parents[2]
SCHEMA = "ckanext.dcat.schemas:dcat_ap_full.yaml"
SETTINGS = {
    "scheming.dataset_schemas": SCHEMA,
    "scheming.presets": "ckanext.scheming:presets.json ckanext.dcat.schemas:presets.yaml",
    # ckanext-dcat's docs: the DCAT-AP 3 profile reads the scheming fields of dcat_ap_full.yaml
    "ckanext.dcat.rdf.profiles": "euro_dcat_ap_3",
}
PLUGINS = ("dcat", "scheming_datasets")
# Schema fields our mapping fills on this schema, and the extras it has no field for
FIELDS = ("identifier", "publisher", "contact", "temporal_coverage", "spatial_coverage", "theme", "language",
          "frequency", "issued", "modified")
EXTRAS_ONLY = {"keywords", "source"}


def _versions() -> list[str]:
    """2.12.0 and 2.11.6, or what CKAN_HARNESS_VERSIONS names (as for the `ckan` fixture)."""
    raw = os.environ.get("CKAN_HARNESS_VERSIONS", "").replace(",", " ").split()
    versions = ["2.12.0", "2.11.6"]
    return [v for v in versions if not raw or any(v == r or v.startswith(r + ".") or r == "ckan" + "".join(
        v.split(".")[:2]) for r in raw)] or versions[:1]


def _start(harness: CkanHarness) -> Iterator[CkanInstance]:
    try:
        inst = harness.start()
        log.info("scheming CKAN %s started in %.1fs", inst.version, harness.timings["total"])
        yield inst
    finally:
        harness.stop()


@pytest.fixture(scope="session", params=_versions(), ids=lambda v: "scheming" + "".join(v.split(".")[:2]))
def scheming_ckan(request: pytest.FixtureRequest) -> Iterator[CkanInstance]:
    """A CKAN with ckanext-scheming and ckanext-dcat's full DCAT-AP schema."""
    yield from _start(CkanHarness(version=request.param, plugins=PLUGINS, settings=SETTINGS))


@pytest.fixture(scope="session")
def scheming_required_ckan() -> Iterator[CkanInstance]:
    """The same schema with one more required field (access_rights), from a file in the work dir."""

    def write_schema(harness: CkanHarness, ckan: list, env: dict) -> None:
        site = next(venv_dir(harness.version).glob("lib/python3*/site-packages"))
        text = (site / "ckanext/dcat/schemas/dcat_ap_full.yaml").read_text(encoding="utf-8")
        field = "\n- field_name: access_rights\n"  # the dataset field, not the subfield of access_services
        assert text.count(field) == 1
        variant = harness.workdir / "dcat_ap_required.yaml"  # the work dir exists from start() on
        variant.write_text(text.replace(field, field + "  required: true\n"), encoding="utf-8")
        # scheming joins "module:path" to the module's folder, so an absolute path stays itself
        ini = Path(env["CKAN_INI"])
        line = f"scheming.dataset_schemas = {SCHEMA}\n"
        assert ini.read_text().count(line) == 1
        ini.write_text(ini.read_text().replace(line, f"scheming.dataset_schemas = ckanext.dcat.schemas:{variant}\n"))

    yield from _start(CkanHarness(version="2.12.0", plugins=PLUGINS, settings=SETTINGS, after_db_init=write_schema))


def _organization(ckan: CkanInstance) -> str:
    name = "it-scheming-" + uuid.uuid4().hex[:10]
    with ckan.session() as s:
        r = s.post(ckan.api + "organization_create", json={"name": name, "title": name}, timeout=30)
    assert r.status_code == 200, r.text[:500]
    return name


def _repository(ckan: CkanInstance, tmp_path: Path) -> tuple[Path, dict[str, dict]]:
    root = tmp_path / "repo"
    shutil.copytree(REPO / "datapackages", root / "datapackages")
    shutil.copy2(REPO / "opendata.yaml", root / "opendata.yaml")
    descriptors = {p.name: load_descriptor(find_descriptor(p)) for p in _packages(root)}
    with ckan.session() as s:  # the names are the repository's own: an earlier test may hold them
        for d in descriptors.values():
            s.post(ckan.api + "dataset_purge", json={"id": d["name"]}, timeout=30)
    return root, descriptors


def _packages(root: Path) -> list[Path]:
    return sorted(p for p in (root / "datapackages").iterdir() if p.is_dir())


def _publish(root: Path, t):
    return publish_packages(_packages(root), t, settings=t.settings)


def test_metadata_lands_in_schema_fields_and_an_unchanged_republish_writes_nothing(scheming_ckan, tmp_path):
    ckan = scheming_ckan
    root, descriptors = _repository(ckan, tmp_path)
    settings = settings_of(root)
    org = _organization(ckan)
    t = target(ckan, settings)
    t.organization = org

    the_plan, result = _publish(root, t)
    assert result.ok, [(d.name, d.error) for d in result.datasets]
    assert t.schema is not None and "temporal_coverage" in t.schema.names
    for desc in descriptors.values():
        pkg = package_show(ckan, str(desc["name"]))
        extras = {e["key"]: e["value"] for e in pkg.get("extras") or []}
        # what the schema has a field for is in that field, never in extras
        assert not set(extras) & set(t.schema.names), extras
        assert EXTRAS_ONLY <= set(extras), extras  # the schema has no keywords/source field
        assert all(pkg.get(f) for f in FIELDS), {f: pkg.get(f) for f in FIELDS}
        assert pkg["identifier"] == desc["name"]
        assert pkg["temporal_coverage"] == [{"start": desc["temporal"]["start"], "end": desc["temporal"]["end"]}]
        assert pkg["spatial_coverage"] == [{"uri": ESTAT_SAC + str(desc["spatial"][0])[:5]}]
        assert pkg["theme"] == ["http://publications.europa.eu/resource/authority/data-theme/GOVE"]
        assert pkg["language"] == ["http://publications.europa.eu/resource/authority/language/JPN"]
        [publisher] = pkg["publisher"]
        assert publisher["name"] and publisher["uri"].startswith("https://") and publisher["identifier"].isdigit()
        assert [c["name"] for c in pkg["contact"]] == [pkg["maintainer"]]  # the publisher's contact (opendata.yaml)
        assert pkg["license_id"] == "PDL-1.0" and pkg["organization"]["name"] == org

    counter = Counter()
    t = target(ckan, settings, counter)
    t.organization = org
    the_plan, result = _publish(root, t)
    assert result.ok and not the_plan.has_changes, [(d.name, d.changes) for d in the_plan.datasets]
    assert counter.writes() == []

    # a changed repeating field (temporal_coverage) is one metadata write, then nothing again
    pkg_dir = root / "datapackages" / "kiyose-seisaku-hyoka-2020"
    yaml = (pkg_dir / "datapackage.yaml").read_text(encoding="utf-8")
    assert yaml.count("  end: '2021-03-31'\n") == 1
    (pkg_dir / "datapackage.yaml").write_text(yaml.replace("  end: '2021-03-31'\n", "  end: '2021-06-30'\n"),
                                             encoding="utf-8")
    counter.clear()
    the_plan, result = _publish(root, t)
    assert result.ok, [(d.name, d.error) for d in result.datasets]
    changed = [d for d in the_plan.datasets if d.has_changes]
    assert [d.name for d in changed] == ["kiyose-seisaku-hyoka-2020"]
    assert [c.field for c in changed[0].changes] == ["temporal_coverage"]
    assert [w.action for w in counter.writes()] == ["package_revise"]
    assert package_show(ckan, "kiyose-seisaku-hyoka-2020")["temporal_coverage"] == [
        {"start": "2020-04-01", "end": "2021-06-30"}]
    counter.clear()
    the_plan, result = _publish(root, t)
    assert result.ok and not the_plan.has_changes and counter.writes() == []

    # pulled back: the stored datapackage.json byte for byte, not the schema's fields
    out = tmp_path / "pulled"
    pulled = pull_dataset("kiyose-seisaku-hyoka-2020", t, out)
    assert pulled.descriptor_from == "datapackage.json"
    stored = next(x for x in package_show(ckan, "kiyose-seisaku-hyoka-2020")["resources"]
                  if resource_key(x) == "datapackage.json")
    with ckan.session() as s:
        assert (out / "datapackage.json").read_bytes() == s.get(stored["url"], timeout=60).content
    for rel in pulled.files:
        if rel != "datapackage.json":
            assert (out / rel).read_bytes() == (pkg_dir / rel).read_bytes(), rel


def test_a_required_field_we_cannot_fill_is_a_preflight_error(scheming_required_ckan, tmp_path):
    ckan = scheming_required_ckan
    root, _ = _repository(ckan, tmp_path)
    counter = Counter()
    t = target(ckan, settings_of(root), counter)
    t.organization = _organization(ckan)
    with pytest.raises(PreflightError) as caught:
        plan_packages(_packages(root), t, settings=t.settings)
    problems = caught.value.problems
    assert len(problems) == 3, problems  # one per package
    for p in problems:
        assert "必須の項目 access_rights (Access rights) に入れる値がありません" in p, p
    assert counter.writes() == []


def test_datastore_for_a_portal_that_runs_none_is_a_preflight_error(scheming_ckan, tmp_path):
    """This portal runs no DataStore (its plugins: dcat, scheming): ``datastore: true`` for it is a
    mistake in opendata.yaml, refused before anything is written."""
    from tests.integration.test_datastore import PACKAGE
    from tests.integration.test_datastore import _project as datastore_project

    ckan = scheming_ckan
    with ckan.session() as s:
        extensions = s.get(ckan.api + "status_show", timeout=30).json()["result"]["extensions"]
    assert "datastore" not in extensions and "scheming_datasets" in extensions, extensions
    root, name = datastore_project(tmp_path, ckan)
    counter = Counter()
    t = target(ckan, settings_of(root), counter)
    t.organization = _organization(ckan)
    assert t.portal is not None and t.portal.datastore
    with pytest.raises(PreflightError) as caught:
        publish_packages([root / "datapackages" / PACKAGE], t, settings=t.settings)
    [problem] = caught.value.problems
    assert f"ポータル {t.portal.name} は opendata.yaml で datastore: true ですが" in problem, problem
    assert "scheming_datasets" in problem
    assert counter.writes() == []
    with ckan.session() as s:
        assert s.get(ckan.api + "package_show", params={"id": name}, timeout=30).status_code == 404


THEME = "http://publications.europa.eu/resource/authority/data-theme/EDUC"
ANNUAL = "http://publications.europa.eu/resource/authority/frequency/ANNUAL"
JPN = "http://publications.europa.eu/resource/authority/language/JPN"


def test_a_dataset_entered_in_the_schema_fields_pulls_back_with_them(scheming_ckan, tmp_path):
    """As portal staff would: the form's fields filled, one CSV uploaded, no datapackage.json."""
    ckan = scheming_ckan
    org = _organization(ckan)
    name = "it-staff-" + uuid.uuid4().hex[:10]
    payload = "施設名,定員\n清瀬保育園,120\n".encode()
    with ckan.session() as s:
        r = s.post(ckan.api + "package_create", json={
            "name": name, "title": "保育所一覧", "notes": "市内の認可保育所", "owner_org": org,
            "license_id": "CC-BY-4.0", "tag_string": "保育,子育て", "identifier": "kiyose-hoikusho-2024",
            "issued": "2024-04-01", "modified": "2024-10-01", "frequency": ANNUAL, "theme": [THEME],
            "language": [JPN],
            "publisher": [{"name": "清瀬市", "identifier": "132217", "uri": "https://www.city.kiyose.lg.jp/"}],
            "contact": [{"name": "子ども家庭部 保育幼稚園課", "email": "hoiku@city.kiyose.lg.jp"}],
            "temporal_coverage": [{"start": "2024-04-01", "end": "2025-03-31"}],
            "spatial_coverage": [{"uri": ESTAT_SAC + "13221"}]}, timeout=30)
        assert r.status_code == 200, r.text[:800]
        r = s.post(ckan.api + "resource_create", data={"package_id": name, "name": "保育所", "format": "CSV"},
                   files={"upload": ("hoikusho.csv", payload, "text/csv")}, timeout=30)
        assert r.status_code == 200, r.text[:800]
    shown = package_show(ckan, name)  # the fields top-level, not extras: what the pull has to read
    assert shown["publisher"][0]["name"] == "清瀬市" and not shown.get("extras")

    t = target(ckan, settings_of(project(tmp_path, ckan, org, name="unused")))
    result = pull_dataset(name, t, tmp_path / "got")
    assert result.descriptor_from == "ckan"
    desc = json.loads((tmp_path / "got" / "datapackage.json").read_text(encoding="utf-8"))
    assert desc["name"] == name and desc["title"] == "保育所一覧" and desc["description"] == "市内の認可保育所"
    assert desc["id"] == "kiyose-hoikusho-2024"
    assert desc["publisher"] == {"code": "132217", "name": "清瀬市", "url": "https://www.city.kiyose.lg.jp/"}
    assert desc["contactPoint"] == {"name": "子ども家庭部 保育幼稚園課", "email": "hoiku@city.kiyose.lg.jp"}
    assert desc["temporal"] == {"start": "2024-04-01", "end": "2025-03-31"}
    assert desc["spatial"] == ["132217"] and desc["themes"] == ["EDUC"] and desc["language"] == ["ja"]
    assert desc["accrualPeriodicity"] == "ANNUAL"
    assert desc["issued"] == "2024-04-01" and desc["modified"] == "2024-10-01"
    assert sorted(desc["keywords"]) == ["保育", "子育て"]
    assert desc["licenses"][0]["name"] == "CC-BY-4.0"
    assert desc["resources"][0]["path"] == "data/hoikusho.csv"
    assert (tmp_path / "got" / "data" / "hoikusho.csv").read_bytes() == payload

    # list reads package_search the same way: the publisher's code filters, its name shows (a configured
    # portal: a bare URL of a CKAN with ckanext-dcat is read through the catalog.jsonld it serves)
    portal = PullSource("portal", ckan.url, portal="it", token=ckan.token)
    [found] = [d for d in list_source(portal, publisher="132217") if d.name == name]
    assert found.publisher == "清瀬市" and found.modified == "2024-10-01" and found.formats == ("CSV",)
