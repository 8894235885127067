"""Planning a CKAN dataset's resources, as pure functions (no portal, no fake)."""

from __future__ import annotations

from opendata_pub.portals.ckan import (
    final_resources,
    match_resources,
    natural_order,
    plan_leftovers,
    plan_resource,
    resource_order,
)
from opendata_pub.portals.plan import DatasetAction, DatasetPlan, ResourceAction, ResourcePlan
from opendata_pub.portals.source import SourceFile

SHA = "ab" * 32


def _file(name: str = "towns", *, sha: str | None = SHA, size: int = 10, url: str | None = None) -> SourceFile:
    return SourceFile(name=name, filename=f"{name}.csv", media_type="text/csv", size=size, sha256=sha, url=url)


def _upload(name: str, rid: str, *, sha: str = SHA, size: int = 10, **more: object) -> dict:
    return {"id": rid, "name": name, "url_type": "upload", "url": f"https://x/{name}.csv", "hash": sha,
            "size": size, **more}


def test_match_resources_keeps_the_first_of_each_name():
    a1, a2, unnamed, b = {"id": "1", "name": "a"}, {"id": "2", "name": "a"}, {"id": "3"}, {"id": "4", "name": "b"}
    matched, extra = match_resources([a1, a2, unnamed, b])
    assert matched == {"a": a1, "b": b} and matched["a"] is a1
    assert extra == [a2, unnamed]


def test_plan_resource_create_unchanged_update_replace():
    want = {"name": "towns", "size": 10, "hash": SHA}
    assert plan_resource(_file(), want, None).action is ResourceAction.CREATE
    same = plan_resource(_file(), want, _upload("towns", "r1"))
    assert (same.action, same.remote_id, same.changes) == (ResourceAction.UNCHANGED, "r1", [])
    titled = plan_resource(_file(), {**want, "title": "町"}, _upload("towns", "r1"))
    assert titled.action is ResourceAction.UPDATE and [c.field for c in titled.changes] == ["title"]
    other = plan_resource(_file(sha="cd" * 32), {**want, "hash": "cd" * 32}, _upload("towns", "r1"))
    assert other.action is ResourceAction.REPLACE and [c.field for c in other.changes] == ["file"]


def test_a_link_is_compared_by_url():
    f = _file(url="https://example.jp/towns.csv", sha=None)
    have = {"id": "r1", "name": "towns", "url": "https://example.jp/towns.csv"}
    assert plan_resource(f, {"name": "towns", "url": f.url}, have).action is ResourceAction.UNCHANGED
    moved = {**have, "url": "https://example.jp/old.csv"}
    assert plan_resource(f, {"name": "towns", "url": f.url}, moved).action is ResourceAction.REPLACE


def test_leftovers_are_kept_or_pruned():
    ours, theirs, dup = _upload("towns", "1"), _upload("notes", "2"), _upload("towns", "3")
    matched, extra = match_resources([ours, theirs, dup])
    plans, kept = plan_leftovers(matched, extra, {"towns"}, prune=False)
    assert [(p.name, p.action, p.remote_id) for p in plans] == [("notes", ResourceAction.KEEP, "2"),
                                                                 ("towns", ResourceAction.KEEP, "3")]
    assert kept == ["notes"]  # a duplicate is kept but has no place of its own
    plans, kept = plan_leftovers(matched, extra, {"towns"}, prune=True)
    assert [p.action for p in plans] == [ResourceAction.DELETE] * 2 and kept == []
    assert "重複" in (plans[1].note or "")


def test_order_keeps_datapackage_last_and_natural_order_detects_a_reorder():
    assert resource_order(["a", "b", "datapackage.json"], ["kept"]) == ["a", "b", "kept", "datapackage.json"]
    assert resource_order([], ["kept"]) == ["kept"]
    remote = [_upload("b", "2"), _upload("a", "1"), _upload("gone", "9")]
    matched, _ = match_resources(remote)
    resources = [ResourcePlan("gone", ResourceAction.DELETE, remote_id="9"),
                 ResourcePlan("new", ResourceAction.CREATE)]
    assert natural_order(remote, matched, resources) == ["b", "a", "new"]


def test_final_resources_follow_the_plan_order():
    plan = DatasetPlan(name="d", package="p", action=DatasetAction.UPDATE,
                       resources=[ResourcePlan("a", ResourceAction.UPDATE, remote_id="1", desired={"name": "a",
                                                                                                    "title": "A"}),
                                  ResourcePlan("x", ResourceAction.DELETE, remote_id="9"),
                                  ResourcePlan("datapackage.json", ResourceAction.UNCHANGED, remote_id="3",
                                               desired={"name": "datapackage.json"})],
                       order=["a", "datapackage.json"])
    current = [{"id": "3", "name": "datapackage.json"}, {"id": "9", "name": "x"}, {"id": "5", "name": "other"},
               {"id": "1", "name": "a"}]
    final = final_resources(plan, current)
    assert [r["id"] for r in final] == ["1", "5", "3"]
    assert final[0]["title"] == "A"
