"""The static catalog as a publishing target: ``plan`` / ``publish --to DIR`` through the CLI.

Plan/apply semantics on a folder: the first publish writes exactly what ``render_site`` produces; a
second one rewrites nothing (mtimes unchanged); one changed CSV rewrites exactly the files whose bytes
change; ``--prune`` removes only files opendata-pub wrote; a saved plan is refused when the folder or a
package changed since; the folder guards.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from opendata_pub.actions import publish
from opendata_pub.config import load_config
from opendata_pub.folderlock import LOCK_NAME
from opendata_pub.inventory import build_inventory
from opendata_pub.packaging.project import load_packages
from opendata_pub.portals import MANIFEST_NAME, StaticTarget, plan_packages, resolve_target
from opendata_pub.portals.static import CATALOG_ENTRY, Manifest
from opendata_pub.site import render_site
from tests.conftest import write
from tests.projectfiles import KIYOSE, KIYOSE_URL, as_yaml, config, publisher

from .helpers import CSV, make_package, set_csv

CONFIG = as_yaml(config(publisher(KIYOSE, url=KIYOSE_URL)))

OTHER_A = "code,name,population\n131083,江東区,530000\n"
OTHER_B = "code,name,population\n222127,焼津市,136000\n"
OLD = 1_000_000_000_000_000_000  # 2001-09-09: any file written by a test run is newer


@pytest.fixture
def site_proj(tmp_path: Path) -> Path:
    """A project without portals (so the default target is site/) with packages demo and other."""
    root = tmp_path / "proj"
    write(root / "opendata.yaml", CONFIG)
    make_package(root / "datapackages", "demo", {"towns": CSV})
    make_package(root / "datapackages", "other", {"a": OTHER_A, "b": OTHER_B})
    return root


def rendered(root: Path) -> dict[str, bytes]:
    """What the site should be: render_site over the project's packages."""
    settings = load_config(root / "opendata.yaml")
    packages = load_packages(settings)
    return render_site(packages, settings, build_inventory(settings, packages))


def files_of(folder: Path) -> dict[str, bytes]:
    """The folder's files, without the publish lock (an empty file that is no part of the site)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != LOCK_NAME}


def age(folder: Path) -> None:
    """Give every file an old mtime, so that any rewrite shows (whatever the clock's resolution)."""
    for p in folder.rglob("*"):
        if p.is_file():
            os.utime(p, ns=(OLD, OLD))


def mtimes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*")
            if p.is_file() and p.name != LOCK_NAME}


def rewritten(folder: Path) -> set[str]:
    return {rel for rel, t in mtimes(folder).items() if t != OLD}


def planned_writes(plan: dict) -> set[str]:
    return {r["name"] for d in plan["datasets"] for r in d["resources"] if r["action"] in ("create", "replace")}


# ---------------------------------------------------------------------------------------------


def test_first_publish_writes_the_whole_site(cli, site_proj):
    site = site_proj / "site"
    r = cli("plan", "--exit-code", cwd=site_proj)
    assert r.code == 3, r.err
    assert "公開先: フォルダ (静的カタログ)" in r.out and str(site) in r.out
    assert "+ demo (作成)" in r.out and "+ other (作成)" in r.out and "カタログ全体" in r.out
    assert "+ demo/data/towns.csv: 作成" in r.out
    assert not site.exists()  # a plan writes nothing

    r = cli("publish", cwd=site_proj)
    assert r.code == 0, r.out + r.err
    assert "✓ demo: 作成しました" in r.out and "完了" in r.out
    want = rendered(site_proj)
    got = files_of(site)
    manifest = json.loads(got.pop(MANIFEST_NAME))
    assert got == want  # exactly the rendered site, byte for byte, nothing else
    assert set(manifest["files"]) == set(want)
    import hashlib
    for rel, data in want.items():
        assert manifest["files"][rel]["sha256"] == hashlib.sha256(data).hexdigest()
        assert manifest["files"][rel]["size"] == len(data)
    assert not [p for p in site.rglob("*.tmp")]


def test_second_publish_rewrites_nothing(cli, site_proj):
    site = site_proj / "site"
    assert cli("publish", cwd=site_proj).code == 0
    age(site)
    before = files_of(site)
    r = cli("plan", "--exit-code", cwd=site_proj)
    assert r.code == 0, r.out + r.err
    assert "= demo (変更なし)" in r.out and "= other (変更なし)" in r.out
    r = cli("plan", "--format", "json", cwd=site_proj)
    plan = r.json
    assert plan["hasChanges"] is False
    assert {d["action"] for d in plan["datasets"]} == {"unchanged"}
    assert {x["action"] for d in plan["datasets"] for x in d["resources"]} == {"unchanged"}
    r = cli("publish", cwd=site_proj)
    assert r.code == 0 and "= demo: 変更なし" in r.out
    assert rewritten(site) == set()  # no file touched, the manifest included
    assert files_of(site) == before


def test_one_changed_csv_rewrites_only_the_files_that_show_it(cli, site_proj):
    site = site_proj / "site"
    assert cli("publish", cwd=site_proj).code == 0
    age(site)
    old = rendered(site_proj)
    set_csv(site_proj / "datapackages" / "demo", "towns", CSV + "131083,江東区,530000\n")
    new = rendered(site_proj)
    changed = {rel for rel in new if old.get(rel) != new[rel]}
    # the CSV, its Excel copy, the page and descriptor that show its size and hash, catalog files
    assert {"demo/data/towns.csv", "demo/excel/towns.csv", "demo/index.html", "demo/datapackage.json"} <= changed
    assert not [rel for rel in changed if rel.startswith("other/")]

    r = cli("plan", "--format", "json", "--exit-code", cwd=site_proj)
    assert r.code == 3
    plan = r.json
    assert planned_writes(plan) == changed
    actions = {d["name"]: d["action"] for d in plan["datasets"]}
    assert actions["demo"] == "update" and actions["other"] == "unchanged"
    csv = next(x for d in plan["datasets"] for x in d["resources"] if x["name"] == "demo/data/towns.csv")
    import hashlib
    assert csv["id"] == "sha256:" + hashlib.sha256(old["demo/data/towns.csv"]).hexdigest()
    assert csv["desired"]["sha256"] == hashlib.sha256(new["demo/data/towns.csv"]).hexdigest()

    r = cli("publish", cwd=site_proj)
    assert r.code == 0, r.out + r.err
    assert rewritten(site) == changed | {MANIFEST_NAME}
    got = files_of(site)
    got.pop(MANIFEST_NAME)
    assert got == new


def test_publish_order_descriptor_last(site_proj, monkeypatch):
    """Within a dataset, its page and then its datapackage.json are written last; the catalog's
    index.html after every dataset."""
    from opendata_pub.portals import static

    order: list[str] = []
    real = static.write_bytes

    def spy(path, data):
        order.append(Path(path).relative_to(site_proj / "site").as_posix())
        real(path, data)

    monkeypatch.setattr(static, "write_bytes", spy)
    settings = load_config(site_proj / "opendata.yaml")
    target = StaticTarget(site_proj / "site", settings=settings)
    _, result = publish(sorted((site_proj / "datapackages").iterdir()), target, settings=settings)
    assert result.ok
    files = [x for x in order if x != MANIFEST_NAME]
    assert order[0] == MANIFEST_NAME  # the folder is marked as ours before anything else
    for name in ("demo", "other"):
        mine = [x for x in files if x.startswith(name + "/")]
        assert mine[-2:] == [f"{name}/index.html", f"{name}/datapackage.json"]
    assert files[-1] == "index.html"
    assert max(i for i, x in enumerate(files) if "/" in x and x.split("/")[0] in ("demo", "other")) < \
        min(i for i, x in enumerate(files) if x.startswith(("assets/", "opendata-list/", "catalog.")))


def test_prune_removes_a_dropped_package_but_not_foreign_files(cli, site_proj, tmp_path):
    site = site_proj / "site"
    assert cli("publish", cwd=site_proj).code == 0
    write(site / "CNAME", "opendata.example.lg.jp\n")
    write(site / "other" / "notes.txt", "a person's notes\n")
    write(site / ".git" / "config", "[core]\n")
    shutil.move(str(site_proj / "datapackages" / "other"), str(tmp_path / "other"))

    # without --prune: the dataset stays on the site, and in the index
    r = cli("plan", "--format", "json", cwd=site_proj)
    catalog = next(d for d in r.json["datasets"] if d["name"] == CATALOG_ENTRY)
    assert catalog["action"] == "unchanged" and catalog["desired"]["kept"] == ["other"]
    assert any("other" in n and "--prune" in n for n in catalog["notes"])
    assert any("CNAME" in n for n in catalog["notes"])
    age(site)
    r = cli("publish", cwd=site_proj)
    assert r.code == 0 and rewritten(site) == set()

    r = cli("plan", "--prune", "--format", "json", cwd=site_proj)
    catalog = next(d for d in r.json["datasets"] if d["name"] == CATALOG_ENTRY)
    deleted = {x["name"] for x in catalog["resources"] if x["action"] == "delete"}
    ours = {rel for rel in json.loads((site / MANIFEST_NAME).read_text(encoding="utf-8"))["files"]
            if rel.startswith("other/")}
    assert deleted == ours and "other/notes.txt" not in deleted
    r = cli("plan", "--prune", cwd=site_proj)
    assert "--prune で削除するのは、opendata-pub が書いて記録" in r.out and "- other/data/a.csv: 削除" in r.out

    r = cli("publish", "--prune", cwd=site_proj)
    assert r.code == 0, r.out + r.err
    left = set(files_of(site))
    assert not [x for x in left if x.startswith("other/") and x != "other/notes.txt"]
    assert {"CNAME", "other/notes.txt", ".git/config"} <= left
    assert not (site / "other" / "data").exists()  # emptied folders go too
    assert "other/index.html" not in (site / "index.html").read_text(encoding="utf-8")
    manifest = Manifest.load(site)
    assert manifest is not None and not [x for x in manifest.files if x.startswith("other/")]
    got = files_of(site)
    for rel in (MANIFEST_NAME, "CNAME", "other/notes.txt", ".git/config"):
        got.pop(rel)
    assert got == rendered(site_proj)


def test_prune_keeps_a_file_changed_by_hand(cli, site_proj):
    site = site_proj / "site"
    assert cli("publish", cwd=site_proj).code == 0
    # resource b leaves the package; its CSV on the site was edited by a person meanwhile
    desc = site_proj / "datapackages" / "other" / "datapackage.yaml"
    text = desc.read_text(encoding="utf-8")
    desc.write_text(text[:text.index("\n  - name: b")] + "\n", encoding="utf-8")
    (site / "other" / "data" / "b.csv").write_text("edited by hand\n", encoding="utf-8")
    r = cli("plan", "--prune", "--format", "json", cwd=site_proj)
    other = next(d for d in r.json["datasets"] if d["name"] == "other")
    acts = {x["name"]: x["action"] for x in other["resources"]}
    assert acts["other/data/b.csv"] == "keep" and acts["other/excel/b.csv"] == "delete"
    note = next(x["note"] for x in other["resources"] if x["name"] == "other/data/b.csv")
    assert "変更されている" in note
    r = cli("publish", "--prune", cwd=site_proj)
    assert r.code == 0, r.out + r.err
    assert (site / "other" / "data" / "b.csv").read_text(encoding="utf-8") == "edited by hand\n"
    assert not (site / "other" / "excel" / "b.csv").exists()


def test_a_file_changed_by_hand_is_restored(cli, site_proj):
    site = site_proj / "site"
    assert cli("publish", cwd=site_proj).code == 0
    (site / "demo" / "index.html").write_text("defaced\n", encoding="utf-8")
    r = cli("plan", "--exit-code", cwd=site_proj)
    assert r.code == 3 and "demo/index.html: 置き換え" in r.out and "変更されています" in r.out
    assert cli("publish", cwd=site_proj).code == 0
    assert (site / "demo" / "index.html").read_bytes() == rendered(site_proj)["demo/index.html"]


def test_saved_plan_is_refused_when_the_folder_changed(cli, site_proj, tmp_path):
    site = site_proj / "site"
    assert cli("publish", cwd=site_proj).code == 0
    set_csv(site_proj / "datapackages" / "demo", "towns", CSV + "1,a,2\n")
    saved = tmp_path / "plan.json"
    r = cli("plan", "-o", str(saved), cwd=site_proj)
    assert r.code == 0 and saved.is_file()
    # a person edits a file the plan will replace
    (site / "demo" / "index.html").write_text("edited\n", encoding="utf-8")
    age(site)
    r = cli("publish", "--plan", str(saved), cwd=site_proj)
    assert r.code == 1
    assert "demo/index.html" in r.err and "計画の後で変わりました" in r.err and "何も書いていません" in r.err
    assert rewritten(site) == set()  # refused before any write

    # planned again, it goes through (and restores the page)
    r = cli("plan", "-o", str(saved), cwd=site_proj)
    r = cli("publish", "--plan", str(saved), cwd=site_proj)
    assert r.code == 0, r.out + r.err
    assert files_of(site)["demo/index.html"] == rendered(site_proj)["demo/index.html"]
    # the same plan once more: everything is already as planned, nothing is written
    age(site)
    r = cli("publish", "--plan", str(saved), cwd=site_proj)
    assert r.code == 0 and rewritten(site) == set()


def test_saved_plan_is_refused_when_a_package_changed(cli, site_proj, tmp_path):
    site = site_proj / "site"
    assert cli("publish", cwd=site_proj).code == 0
    saved = tmp_path / "plan.json"
    set_csv(site_proj / "datapackages" / "demo", "towns", CSV + "1,a,2\n")
    assert cli("plan", "-o", str(saved), cwd=site_proj).code == 0
    set_csv(site_proj / "datapackages" / "demo", "towns", CSV + "1,a,3\n")
    age(site)
    r = cli("publish", "--plan", str(saved), cwd=site_proj)
    assert r.code == 1 and "計画の後で" in (r.out + r.err)
    assert rewritten(site) == set()
    # a plan for one folder is not applied to another
    r = cli("publish", "--plan", str(saved), "--to", str(tmp_path / "elsewhere"), cwd=site_proj)
    assert r.code == 2 and "別の公開先" in r.err


def test_saved_plan_without_changes_in_between_applies(cli, site_proj, tmp_path):
    saved = tmp_path / "plan.json"
    r = cli("plan", "-o", str(saved), cwd=site_proj)
    assert r.code == 0
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["target"]["kind"] == "folder" and data["target"]["path"] == str((site_proj / "site").resolve())
    r = cli("publish", "--plan", str(saved), cwd=site_proj)
    assert r.code == 0, r.out + r.err
    got = files_of(site_proj / "site")
    got.pop(MANIFEST_NAME)
    assert got == rendered(site_proj)


def test_folder_guards(cli, site_proj, tmp_path):
    r = cli("plan", "--to", ".", cwd=site_proj)
    assert r.code == 2 and "プロジェクトのフォルダ" in r.err
    r = cli("plan", "--to", str(tmp_path), cwd=site_proj)  # above the project
    assert r.code == 2 and "プロジェクトのフォルダ" in r.err
    r = cli("plan", "--to", "datapackages/site", cwd=site_proj)
    assert r.code == 2 and "パッケージのフォルダ" in r.err
    outside = tmp_path / "pkgs"
    make_package(outside, "solo", {"towns": CSV})
    r = cli("publish", str(outside / "solo"), "--to", str(outside / "solo" / "site"), cwd=site_proj)
    assert r.code == 2 and "重なる" in r.err
    write(tmp_path / "afile", "x")
    r = cli("plan", "--to", str(tmp_path / "afile"), cwd=site_proj)
    assert r.code == 2 and "フォルダではありません" in r.err

    # a non-empty folder that opendata-pub did not write: refused unless --force
    busy = tmp_path / "busy"
    write(busy / "report.docx", "not ours")
    for cmd in ("plan", "publish"):
        r = cli(cmd, "--to", str(busy), cwd=site_proj)
        assert r.code == 2 and MANIFEST_NAME in r.err and "--force" in r.err
    assert set(files_of(busy)) == {"report.docx"}
    r = cli("publish", "--to", str(busy), "--force", cwd=site_proj)
    assert r.code == 0, r.out + r.err
    assert (busy / MANIFEST_NAME).is_file() and (busy / "report.docx").read_text(encoding="utf-8") == "not ours"
    r = cli("plan", "--to", str(busy), "--exit-code", cwd=site_proj)  # ours now: no --force needed
    assert r.code == 0, r.err

    # a manifest that cannot be trusted
    (busy / MANIFEST_NAME).write_text('{"version": 1, "files": {"../../etc/passwd": {"sha256": "' + "0" * 64
                                      + '", "size": 1}}}', encoding="utf-8")
    r = cli("plan", "--to", str(busy), cwd=site_proj)
    assert r.code == 1 and "壊れています" in r.err


def test_validation_errors_refuse_and_keep_the_published_version(cli, site_proj):
    site = site_proj / "site"
    assert cli("publish", cwd=site_proj).code == 0
    age(site)
    # the CSV changes but its recorded hash does not: a validation error
    (site_proj / "datapackages" / "other" / "data" / "a.csv").write_text(OTHER_A + "1,x,2\n", encoding="utf-8")
    for extra in ((), ("--prune",)):
        r = cli("publish", *extra, cwd=site_proj)
        assert r.code == 1 and "other" in r.out and "検証でエラー" in r.out
        assert rewritten(site) == set()  # the dataset keeps its published version, the index still lists it
    r = cli("plan", "--format", "json", cwd=site_proj)
    catalog = next(d for d in r.json["datasets"] if d["name"] == CATALOG_ENTRY)
    assert catalog["desired"]["kept"] == ["other"] and any("検証でエラー" in n for n in catalog["notes"])
    # another package changes meanwhile: it is published, and the catalog with it, other still listed
    set_csv(site_proj / "datapackages" / "demo", "towns", CSV + "1,a,2\n")
    r = cli("publish", "--prune", cwd=site_proj)
    assert r.code == 1 and "✓ demo: 更新しました" in r.out and "✓ カタログ全体" in r.out, r.out
    changed = rewritten(site)
    assert "demo/data/towns.csv" in changed and "catalog.ttl" in changed
    assert not [x for x in changed if x.startswith("other/")]
    assert 'href="other/index.html"' in (site / "index.html").read_text(encoding="utf-8")
    r = cli("plan", "--prune", "--exit-code", cwd=site_proj)
    assert r.code == 1 and "= demo (変更なし)" in r.out  # 1: a package is refused; nothing else to do
    r = cli("publish", "--force", cwd=site_proj)
    assert r.code == 0, r.out + r.err
    assert "other/data/a.csv" in rewritten(site)


def test_publishing_a_subset_keeps_the_other_datasets(cli, site_proj):
    site = site_proj / "site"
    assert cli("publish", cwd=site_proj).code == 0
    age(site)
    r = cli("publish", "datapackages/demo", cwd=site_proj)
    assert r.code == 0, r.out + r.err
    assert rewritten(site) == set()  # other is kept, read back from the site: the index is the same
    set_csv(site_proj / "datapackages" / "demo", "towns", CSV + "1,a,2\n")
    assert cli("publish", "datapackages/demo", cwd=site_proj).code == 0
    assert not [x for x in rewritten(site) if x.startswith("other/")]
    got = files_of(site)
    got.pop(MANIFEST_NAME)
    assert got == rendered(site_proj)


def test_parallel_publish(cli, site_proj):
    r = cli("publish", "--jobs", "4", cwd=site_proj)
    assert r.code == 0, r.out + r.err
    got = files_of(site_proj / "site")
    manifest = json.loads(got.pop(MANIFEST_NAME))
    assert got == rendered(site_proj) and set(manifest["files"]) == set(got)


def test_default_target_is_the_projects_site_folder(cli, site_proj):
    r = cli("publish", cwd=site_proj / "datapackages")  # run from a subfolder
    assert r.code == 0, r.out + r.err
    assert (site_proj / "site" / "index.html").is_file()
    assert not (site_proj / "datapackages" / "site").exists()
    cfg = site_proj / "opendata.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + "default_target: public/\n", encoding="utf-8")
    r = cli("publish", cwd=site_proj / "datapackages")
    assert r.code == 0 and (site_proj / "public" / "index.html").is_file()
    # --to is relative to the current folder (here: inside the packages folder, so refused)
    r = cli("plan", "--to", "out", cwd=site_proj / "datapackages")
    assert r.code == 2 and str(site_proj / "datapackages" / "out") in r.err


def test_resolution_and_mistyped_portal(site_proj):
    settings = load_config(site_proj / "opendata.yaml")
    t = resolve_target(None, settings)
    assert isinstance(t, StaticTarget) and t.root == (site_proj / "site").resolve()
    assert t.describe() == {"kind": "folder", "url": t.root.as_uri(), "path": str(t.root)}
    cfg = site_proj / "opendata.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + "portals:\n  production:\n    url: https://ckan.example.jp\n"
                   "    token: {$env: X}\n", encoding="utf-8")
    settings = load_config(cfg)
    from opendata_pub.errors import UsageError

    with pytest.raises(UsageError, match="production"):
        resolve_target("productoin", settings)
    assert isinstance(resolve_target("./productoin/", settings), StaticTarget)
    with pytest.raises(UsageError, match="公開先がありません"):  # portals but no default: say so
        resolve_target(None, settings)


def test_library_api(site_proj):
    settings = load_config(site_proj / "opendata.yaml")
    paths = sorted((site_proj / "datapackages").iterdir())
    target = StaticTarget(site_proj / "site", settings=settings)
    plan = plan_packages(paths, target, settings=settings)
    assert [d.name for d in plan.datasets] == ["demo", "other", CATALOG_ENTRY]
    assert plan.has_changes and target.files == rendered(site_proj)
    again = StaticTarget(site_proj / "site", settings=settings)
    _, result = publish(paths, again, settings=settings)
    assert result.ok and [d.name for d in result.datasets] == ["demo", "other", CATALOG_ENTRY]
    assert result.uploaded_bytes == sum(len(v) for v in rendered(site_proj).values())
    assert not plan_packages(paths, StaticTarget(site_proj / "site", settings=settings), settings=settings).has_changes
