"""Plan and apply against the fake CKAN: idempotence, minimal writes, conflicts, crash and fault recovery."""

from __future__ import annotations

from pathlib import Path

import pytest

from opendata_pub.actions import publish as publish_packages
from opendata_pub.config import load_config
from opendata_pub.errors import PortalValidationError
from opendata_pub.portals import (
    ConflictError,
    DatasetAction,
    Plan,
    PreflightError,
    ResourceAction,
    apply_plan,
    plan_packages,
)
from opendata_pub.portals.mapping import resource_key

from .fake_ckan import FakeCkan
from .helpers import CSV, make_package, set_csv


def publish(proj: Path, target, **kw):
    settings = load_config(proj / "opendata.yaml")
    pkgs = kw.pop("paths", None) or sorted((proj / "datapackages").iterdir())
    return publish_packages(pkgs, target, settings=settings, **kw)


def plan(proj: Path, target, **kw):
    settings = load_config(proj / "opendata.yaml")
    return plan_packages(sorted((proj / "datapackages").iterdir()), target, settings=settings, **kw)


def names(fake: FakeCkan, ds: str = "demo") -> list[str]:
    """The package's resource names (kept beside CKAN's name, which is the title people read)."""
    return [resource_key(r) for r in fake._show(ds)["resources"]]


def test_first_publish_creates_dataset_files_and_descriptor_last(proj, target, fake):
    the_plan, result = publish(proj, target)
    assert result.ok, result.to_dict()
    assert the_plan.datasets[0].action is DatasetAction.CREATE
    d = fake._show("demo")
    assert names(fake) == ["towns", "datapackage.json"]
    assert fake.files[d["resources"][0]["id"]] == CSV.encode()
    extras = {e["key"]: e["value"] for e in d["extras"]}
    assert extras["publisher_name"] == "清瀬市"
    assert extras["theme"] == '["http://publications.europa.eu/resource/authority/data-theme/GOVE"]'
    assert d["license_id"] == "PDL-1.0"
    # writes: create, one upload, one final revise (metadata + datapackage.json)
    assert [w.action for w in fake.writes()] == ["package_create", "package_revise", "package_revise"]


def test_republish_unchanged_makes_no_write_and_sends_no_bytes(proj, target, fake):
    publish(proj, target)
    fake.log.clear()
    the_plan, result = publish(proj, target)
    assert result.ok and not the_plan.has_changes
    assert fake.writes() == []
    assert result.uploaded_bytes == 0
    assert not [x for x in fake.log if x.action == "download"]  # never downloads to compare


def test_changed_csv_replaces_that_file_only_and_keeps_ids(proj, target, fake):
    make_package(proj / "datapackages", "demo", {"towns": CSV, "other": CSV + "1,a,2\n"})
    publish(proj, target)
    before = {resource_key(r): r["id"] for r in fake._show("demo")["resources"]}
    set_csv(proj / "datapackages" / "demo", "towns", CSV + "131016,千代田区,67000\n")
    the_plan, result = publish(proj, target)
    actions = {r.name: r.action for r in the_plan.datasets[0].resources}
    assert actions == {"towns": ResourceAction.REPLACE, "other": ResourceAction.UNCHANGED,
                       "datapackage.json": ResourceAction.REPLACE}
    after = {resource_key(r): r["id"] for r in fake._show("demo")["resources"]}
    assert after == before


def test_metadata_only_change_sends_no_data_file(proj, target, fake):
    publish(proj, target)
    desc = proj / "datapackages" / "demo" / "datapackage.yaml"
    desc.write_text(desc.read_text(encoding="utf-8").replace("description: 団体コードと人口", "description: 新しい説明"),
                    encoding="utf-8")
    fake.log.clear()
    the_plan, result = publish(proj, target)
    towns = next(r for r in the_plan.datasets[0].resources if r.name == "towns")
    assert towns.action is ResourceAction.UPDATE
    assert [c.field for c in towns.changes] == ["description"]
    writes = fake.writes()
    assert len(writes) == 1  # one revise: the metadata and the new datapackage.json
    assert writes[0].bytes_in < 5000
    assert next(r for r in fake._show("demo")["resources"] if resource_key(r) == "towns")["description"] == "新しい説明"


def test_prune_deletes_only_with_prune(proj, target, fake):
    make_package(proj / "datapackages", "demo", {"towns": CSV, "old": CSV})
    publish(proj, target)
    make_package(proj / "datapackages", "demo", {"towns": CSV})
    p = plan(proj, target)
    assert {r.name: r.action for r in p.datasets[0].resources}["old"] is ResourceAction.KEEP
    publish(proj, target)
    assert "old" in names(fake)
    p, result = publish(proj, target, prune=True)
    assert {r.name: r.action for r in p.datasets[0].resources}["old"] is ResourceAction.DELETE
    assert names(fake) == ["towns", "datapackage.json"]


def test_duplicates_left_by_another_tool_are_pruned(proj, target, fake):
    publish(proj, target)
    d = fake._show("demo")
    d["resources"].append(dict(d["resources"][0], id="dup-0001-aaaa"))  # what frictionless leaves behind
    p, result = publish(proj, target, prune=True)
    assert result.ok
    assert names(fake) == ["towns", "datapackage.json"]


def test_saved_plan_refused_after_portal_edit(proj, target, fake, tmp_path):
    publish(proj, target)
    set_csv(proj / "datapackages" / "demo", "towns", CSV + "131016,千代田区,67000\n")
    p = plan(proj, target)
    p.save(tmp_path / "plan.json")
    fake._show("demo")["title"] = "portal edit"
    fake._show("demo")["metadata_modified"] = fake._now()
    result = apply_plan(Plan.load(tmp_path / "plan.json"), target, saved=True)
    assert not result.ok
    assert "変更されました" in result.datasets[0].error
    assert fake._show("demo")["title"] == "portal edit"


def test_saved_plan_refused_when_package_changed_since(proj, target, fake, tmp_path):
    publish(proj, target)
    set_csv(proj / "datapackages" / "demo", "towns", CSV + "1,a,2\n")
    plan(proj, target).save(tmp_path / "plan.json")
    set_csv(proj / "datapackages" / "demo", "towns", CSV + "1,a,3\n")
    fake.log.clear()
    result = apply_plan(Plan.load(tmp_path / "plan.json"), target, saved=True)
    assert not result.ok and "計画の作成後に変わりました" in result.datasets[0].error
    assert fake.writes() == []


def test_saved_plan_applies_exactly(proj, target, fake, tmp_path):
    publish(proj, target)
    set_csv(proj / "datapackages" / "demo", "towns", CSV + "1,a,2\n")
    plan(proj, target).save(tmp_path / "plan.json")
    result = apply_plan(Plan.load(tmp_path / "plan.json"), target, saved=True)
    assert result.ok
    assert not plan(proj, target).has_changes


@pytest.mark.parametrize("fault", ["drop-after", "status-after"])
def test_lost_answer_to_an_upload_is_not_uploaded_twice(proj, target, fake, fault):
    # the portal stores the file, then the connection drops (or a gateway says 502): we look, see it, go on
    fake.fail("package_revise", fault, status=502)
    the_plan, result = publish(proj, target)
    assert result.ok, result.to_dict()
    assert names(fake) == ["towns", "datapackage.json"]


def test_lost_answer_to_create_is_recognised(proj, target, fake):
    fake.fail("package_create", "drop-after")
    the_plan, result = publish(proj, target)
    assert result.ok, result.to_dict()
    assert len(fake.datasets) == 1


def test_dropped_before_processing_is_sent_again(proj, target, fake):
    fake.fail("package_revise", "drop-before", times=2)
    _, result = publish(proj, target)
    assert result.ok, result.to_dict()
    assert names(fake) == ["towns", "datapackage.json"]


def test_5xx_then_success(proj, target, fake, sleeps):
    fake.fail("package_show", "status", status=503, times=2)
    _, result = publish(proj, target)
    assert result.ok
    assert len(sleeps.calls) >= 2


def test_upload_too_large_names_the_file_and_its_size(proj, target, fake):
    fake.max_upload = 10
    _, result = publish(proj, target)
    assert not result.ok
    err = result.datasets[0].exception
    assert isinstance(err, PortalValidationError)
    assert "towns.csv" in err.message and f"{len(CSV.encode()):,} バイト" in err.message
    assert "ckan.max_resource_size" in (err.hint or "")


def test_concurrent_edit_between_steps_is_a_conflict(proj, target, fake):
    # someone edits the dataset right after our upload: the final revise must not overwrite it
    publish(proj, target)
    set_csv(proj / "datapackages" / "demo", "towns", CSV + "1,a,2\n")
    p = plan(proj, target)
    real = fake._revise

    def revise_then_edit(params, files):
        status, result = real(params, files)
        if files and status == 200:
            d = fake._show("demo")
            d["notes"] = "edited by someone"
            d["metadata_modified"] = fake._now()
        return status, result

    fake._revise = revise_then_edit
    result = apply_plan(p, target)
    assert not result.ok
    assert isinstance(result.datasets[0].exception, ConflictError)
    assert fake._show("demo")["notes"] == "edited by someone"


def test_preflight_checks_before_any_write(proj, target, fake):
    make_package(proj / "datapackages", "new", {"towns": CSV})  # a name CKAN keeps for its own URLs
    with pytest.raises(PreflightError) as exc:
        publish(proj, target, force=True)
    assert "'new'" in str(exc.value) and "予約" in str(exc.value)
    assert fake.writes() == []


def test_preflight_licence_not_offered_lists_what_the_portal_has(proj, target, fake, monkeypatch):
    from tests.portals import fake_ckan

    monkeypatch.setattr(fake_ckan, "LICENSES", [{"id": "cc-by", "url": "http://www.opendefinition.org/licenses/cc-by",
                                                 "title": "Creative Commons Attribution"}])
    with pytest.raises(PreflightError) as exc:
        publish(proj, target)
    assert "PDL-1.0" in str(exc.value) and "cc-by (Creative Commons Attribution)" in str(exc.value)
    assert fake.writes() == []


def test_no_permission_on_the_organization(proj, target, fake):
    from opendata_pub.errors import NotAuthorized

    fake.writable = set()
    with pytest.raises(NotAuthorized) as exc:
        publish(proj, target)
    assert "kiyose" in exc.value.message and "create_dataset" in exc.value.message


def test_validation_errors_refuse_unless_force(proj, target, fake):
    (proj / "datapackages" / "demo" / "data" / "towns.csv").write_text("code,name,population\n1,a,notanumber\n")
    _, result = publish(proj, target)
    assert not result.ok and "検証でエラー" in result.datasets[0].error
    assert fake.writes() == []
    _, result = publish(proj, target, force=True)
    assert result.ok


def test_jobs_publish_several_datasets_in_parallel(proj, target, fake):
    for i in range(6):
        make_package(proj / "datapackages", f"ds{i}", {"a": CSV, "b": CSV + f"{i},x,1\n"})
    _, result = publish(proj, target, jobs=4, validate=False)
    assert result.ok, result.to_dict()
    assert len(fake.datasets) == 7
    assert all([resource_key(r) for r in d["resources"]] in (["a", "b", "datapackage.json"], ["towns", "datapackage.json"])
               for d in fake.datasets.values())
    the_plan, result = publish(proj, target, jobs=4, validate=False)
    assert not the_plan.has_changes


REQUESTS_OF_A_FIRST_PUBLISH = 8  # status, show, org, create, 2 uploads, descriptor, final revise


def test_a_first_publish_makes_the_requests_the_kill_test_covers(proj, target, fake):
    make_package(proj / "datapackages", "demo", {"towns": CSV, "other": CSV + "1,a,2\n"})
    session = target.client.session()
    count = {"n": 0}
    real_send = session.send

    def send(request, **kw):
        count["n"] += 1
        return real_send(request, **kw)

    session.send = send
    _, result = publish(proj, target, validate=False)
    assert result.ok and count["n"] == REQUESTS_OF_A_FIRST_PUBLISH


@pytest.mark.parametrize("kill_at", range(1, REQUESTS_OF_A_FIRST_PUBLISH + 1))
def test_killed_at_any_request_then_rerun_converges(proj, target, fake, kill_at):
    make_package(proj / "datapackages", "demo", {"towns": CSV, "other": CSV + "1,a,2\n"})

    class Killed(BaseException):
        pass

    session = target.client.session()
    count = {"n": 0}
    real_send = session.send

    def send(request, **kw):
        count["n"] += 1
        if count["n"] == kill_at:
            raise Killed()
        return real_send(request, **kw)

    session.send = send
    killed = False
    try:
        publish(proj, target, validate=False)
    except Killed:
        killed = True
    assert killed, f"the publish ended before request {kill_at}"
    session.send = real_send
    _, result = publish(proj, target, validate=False)
    assert result.ok
    assert names(fake) == ["towns", "other", "datapackage.json"]
    assert not plan(proj, target, validate=False).has_changes
