"""Publishing into one folder from two runs at once (issue 9, item 8), and temporary files a killed
publish left behind (item 12): the folder is locked from the manifest read to its write-back, both
datasets end up in the manifest and the index, a re-run repairs a folder a lost race left behind,
and our stale temporary files are removed and never listed."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from opendata_pub import actions
from opendata_pub.config import load_config
from opendata_pub.folderlock import LOCK_NAME, FolderBusy, FolderLock
from opendata_pub.portals import MANIFEST_NAME, StaticTarget
from tests.conftest import GOOD_DESCRIPTOR, write

CONFIG = """
catalog: {title: テスト, base_url: "https://opendata.example.jp/"}
publishers:
  - {code: "132217", name: 清瀬市, license: PDL-1.0, contact: {name: 秘書広報課, url: "https://www.city.kiyose.lg.jp/"}}
"""


@pytest.fixture
def proj(tmp_path: Path) -> Path:
    write(tmp_path / "opendata.yaml", CONFIG)
    for name in ("alpha", "beta", "gamma"):
        pkg = tmp_path / "datapackages" / name
        write(pkg / "datapackage.yaml", GOOD_DESCRIPTOR.replace("name: demo", f"name: {name}", 1))
        write(pkg / "data" / "towns.csv", "code,name,population\n132217,清瀬市,74000\n082112,常総市,61000\n")
    return tmp_path


def manifest_datasets(site: Path) -> set[str]:
    files = json.loads((site / MANIFEST_NAME).read_text(encoding="utf-8"))["files"]
    return {rel.split("/")[0] for rel in files if "/" in rel and rel.split("/")[0] in {"alpha", "beta", "gamma"}}


def index_lists(site: Path, name: str) -> bool:
    return f'href="{name}/' in (site / "index.html").read_text(encoding="utf-8")


def publish(proj: Path, name: str, site: Path, results: dict[str, object], barrier: threading.Barrier) -> None:
    settings = load_config(proj / "opendata.yaml")
    target = StaticTarget(site, settings=settings, lock_timeout=60)
    try:
        barrier.wait()
        _, result = actions.publish([proj / "datapackages" / name], target, settings=settings, validate=False)
        results[name] = True if result.ok else " / ".join(d.error or "" for d in result.failed)
    except Exception as exc:  # noqa: BLE001 - the test reports what happened
        results[name] = exc
    finally:
        target.close()


@pytest.mark.parametrize("existing", [True, False], ids=["site-exists", "new-folder"])
def test_two_publishes_at_once_both_land(proj: Path, existing: bool) -> None:
    settings = load_config(proj / "opendata.yaml")
    for round_ in range(4):
        site = proj / f"site{round_}"
        if existing:  # the usual case: a site that is already there
            actions.publish([proj / "datapackages" / "gamma"], StaticTarget(site, settings=settings),
                         settings=settings, validate=False)
        results: dict[str, object] = {}
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=publish, args=(proj, n, site, results, barrier)) for n in ("alpha", "beta")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert set(results) == {"alpha", "beta"}
        if existing:
            assert results == {"alpha": True, "beta": True}, results
        else:
            # Two first publishes into a folder that does not exist: both succeed, or the loser says
            # clearly that nothing was written; a re-run then lists both.
            assert all(r is True or "別の公開" in str(r) for r in results.values()), results
            if not all(r is True for r in results.values()):
                loser = next(n for n, r in results.items() if r is not True)
                actions.publish([proj / "datapackages" / loser], StaticTarget(site, settings=settings),
                             settings=settings, validate=False)
        assert {"alpha", "beta"} <= manifest_datasets(site)
        assert index_lists(site, "alpha") and index_lists(site, "beta")
        if existing:
            assert index_lists(site, "gamma")


def test_a_second_publish_waits_then_fails_clearly(proj: Path) -> None:
    settings = load_config(proj / "opendata.yaml")
    site = proj / "site"
    actions.publish([proj / "datapackages" / "alpha"], StaticTarget(site, settings=settings), settings=settings,
                 validate=False)
    with FolderLock(site, what="テスト"):
        started = time.monotonic()
        with pytest.raises(FolderBusy, match="別の公開 \\(publish/plan\\)が実行中です"):
            actions.publish([proj / "datapackages" / "beta"], StaticTarget(site, settings=settings, lock_timeout=0.5),
                         settings=settings, validate=False)
        assert 0.4 < time.monotonic() - started < 5
    assert manifest_datasets(site) == {"alpha"}  # nothing written by the refused run


def test_cli_reports_a_busy_folder_in_one_line(cli, proj: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = proj / "site"
    assert cli("publish", "datapackages/alpha", "--to", str(site), cwd=proj).code == 0
    monkeypatch.setattr("opendata_pub.folderlock.DEFAULT_TIMEOUT", 0.3)
    monkeypatch.setattr(StaticTarget.__init__, "__kwdefaults__",
                        {**StaticTarget.__init__.__kwdefaults__, "lock_timeout": 0.3})
    with FolderLock(site, what="テスト"):
        r = cli("publish", "datapackages/beta", "--to", str(site), cwd=proj)
    assert r.code == 1
    assert "別の公開 (publish/plan)が実行中です" in r.err and "Traceback" not in r.err


def test_rerun_adopts_files_a_lost_race_left_untracked(proj: Path) -> None:
    settings = load_config(proj / "opendata.yaml")
    site = proj / "site"
    actions.publish([proj / "datapackages" / "alpha"], StaticTarget(site, settings=settings), settings=settings,
                 validate=False)
    only_alpha = (site / MANIFEST_NAME).read_bytes()
    actions.publish([proj / "datapackages" / "beta"], StaticTarget(site, settings=settings), settings=settings,
                 validate=False)
    (site / MANIFEST_NAME).write_bytes(only_alpha)  # what the lost race of the issue left: beta untracked
    assert manifest_datasets(site) == {"alpha"}
    actions.publish([proj / "datapackages" / "beta"], StaticTarget(site, settings=settings), settings=settings,
                 validate=False)
    assert manifest_datasets(site) == {"alpha", "beta"}
    assert index_lists(site, "alpha") and index_lists(site, "beta")


def test_lock_file_is_not_part_of_the_site(proj: Path) -> None:
    settings = load_config(proj / "opendata.yaml")
    site = proj / "site"
    actions.publish([proj / "datapackages" / "alpha"], StaticTarget(site, settings=settings),
                           settings=settings, validate=False)
    assert (site / LOCK_NAME).is_file()
    files = json.loads((site / MANIFEST_NAME).read_text(encoding="utf-8"))["files"]
    assert LOCK_NAME not in files
    again, _ = actions.publish([proj / "datapackages" / "alpha"], StaticTarget(site, settings=settings),
                            settings=settings, validate=False)
    notes = " ".join(n for d in again.datasets for n in d.notes)
    assert LOCK_NAME not in notes  # not reported as a foreign file either


def test_stale_temp_files_are_removed_and_never_listed(proj: Path) -> None:
    settings = load_config(proj / "opendata.yaml")
    site = proj / "site"
    actions.publish([proj / "datapackages" / "alpha"], StaticTarget(site, settings=settings), settings=settings,
                 validate=False)
    # what kill -9 inside atomic_open's write window leaves
    stale = [write(site / ".catalog.ttl.k3j_x9q2.tmp", "half"),
             write(site / "alpha" / ".datapackage.json.abcd1234.tmp", "{"),
             write(site / f".{MANIFEST_NAME}.zz_00000.tmp", "{")]
    foreign = [write(site / ".notes.txt.abcd1234.tmp", "a person's file"),  # no site file by that name
               write(site / "alpha" / ".catalog.ttl.abcd1234.tmp", "not beside its file")]
    plan, result = actions.publish([proj / "datapackages" / "alpha"], StaticTarget(site, settings=settings),
                                settings=settings, validate=False)
    assert result.ok
    notes = " ".join(n for d in plan.datasets for n in d.notes)
    assert ".tmp" not in notes.replace(".notes.txt.abcd1234.tmp", "").replace("alpha/.catalog.ttl.abcd1234.tmp", "")
    for p in stale:
        assert not p.exists(), p
    for p in foreign:
        assert p.exists(), p
    files = json.loads((site / MANIFEST_NAME).read_text(encoding="utf-8"))["files"]
    assert not [rel for rel in files if rel.endswith(".tmp")]
    assert ".tmp" not in (site / "index.html").read_text(encoding="utf-8")
    assert ".tmp" not in (site / "catalog.ttl").read_text(encoding="utf-8")


def test_a_folder_another_publish_is_creating_is_waited_for(proj: Path) -> None:
    # The first publish into a new folder holds our lock and has written files but no manifest yet:
    # a second publish waits for it instead of calling the folder foreign, and both land.
    settings = load_config(proj / "opendata.yaml")
    site = proj / "site"
    site.mkdir()
    first = FolderLock(site, what="テスト")
    first.acquire()
    (site / "index.html").write_text("<html></html>", encoding="utf-8")
    outcome: dict[str, object] = {}

    def second() -> None:
        try:
            outcome["result"] = actions.publish([proj / "datapackages" / "beta"], StaticTarget(site, settings=settings),
                                                settings=settings, validate=False)[1].ok
        except Exception as exc:  # noqa: BLE001 - the test reports what happened
            outcome["result"] = exc

    thread = threading.Thread(target=second)
    thread.start()
    time.sleep(0.5)
    assert "result" not in outcome  # waiting on the lock, not refusing
    (site / "index.html").unlink()  # the first publish "finishes": its manifest (empty) written back
    (site / MANIFEST_NAME).write_text(json.dumps({"generator": "opendata-pub", "version": 1, "files": {}}),
                                      encoding="utf-8")
    first.release()
    thread.join(60)
    assert outcome["result"] is True
    assert "beta" in manifest_datasets(site)


def test_our_lock_file_left_by_a_dead_first_publish_does_not_make_a_folder_ours(proj: Path) -> None:
    settings = load_config(proj / "opendata.yaml")
    site = proj / "site"
    write(site / "index.html", "<html></html>")
    (site / LOCK_NAME).write_text("", encoding="utf-8")  # left behind; nobody holds it
    with pytest.raises(Exception, match="opendata-pub の記録"):
        actions.publish([proj / "datapackages" / "beta"], StaticTarget(site, settings=settings), settings=settings,
                        validate=False)
    assert sorted(p.name for p in site.iterdir()) == sorted(["index.html", LOCK_NAME])
