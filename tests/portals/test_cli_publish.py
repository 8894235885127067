"""opendata-pub plan / publish / pull through the CLI, against the fake CKAN."""

from __future__ import annotations

import json
import logging

import pytest

from .fake_ckan import GOOD_TOKEN
from .helpers import CSV, make_package, set_csv


def test_plan_then_publish_then_plan_again(cli, proj, fake):
    r = cli("plan", cwd=proj)
    assert r.code == 0, r.err
    assert "+ demo (作成)" in r.out and "リソース towns: 作成" in r.out
    r = cli("plan", "--exit-code", cwd=proj)
    assert r.code == 3
    r = cli("publish", cwd=proj)
    assert r.code == 0, r.err
    assert "✓ demo: 作成しました" in r.out
    r = cli("plan", "--exit-code", cwd=proj)
    assert r.code == 0 and "= demo (変更なし)" in r.out


def test_plan_json_and_saved_plan(cli, proj, fake, tmp_path):
    cli("publish", cwd=proj)
    set_csv(proj / "datapackages" / "demo", "towns", CSV + "1,a,2\n")
    r = cli("plan", "--format", "json", "-o", str(tmp_path / "p.json"), cwd=proj)
    assert r.code == 0, r.err
    data = r.json
    assert data["version"] == 1 and data["hasChanges"] is True
    ds = data["datasets"][0]
    assert ds["action"] == "update" and ds["metadata_modified"]
    assert {x["name"]: x["action"] for x in ds["resources"]} == {"towns": "replace", "datapackage.json": "replace"}
    assert json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))["datasets"][0]["name"] == "demo"
    r = cli("publish", "--plan", str(tmp_path / "p.json"), cwd=proj)
    assert r.code == 0, r.out + r.err
    r = cli("publish", "--plan", str(tmp_path / "p.json"), cwd=proj)  # the same plan again: the portal moved on
    assert r.code == 1 and "変更されました" in r.out


def test_field_level_differences_in_text(cli, proj, fake):
    cli("publish", cwd=proj)
    desc = proj / "datapackages" / "demo" / "datapackage.yaml"
    desc.write_text(desc.read_text(encoding="utf-8").replace("title: デモデータ", "title: 新しい題名"), encoding="utf-8")
    r = cli("plan", cwd=proj)
    assert "~ title: デモデータ → 新しい題名" in r.out


def test_pull_round_trip_is_byte_identical(cli, proj, fake, tmp_path):
    cli("publish", cwd=proj)
    r = cli("pull", "demo", "--from", "fake", "-o", str(tmp_path / "got"), cwd=proj)
    assert r.code == 0, r.out + r.err
    assert (tmp_path / "got" / "data" / "towns.csv").read_bytes() == \
        (proj / "datapackages" / "demo" / "data" / "towns.csv").read_bytes()
    stored = fake.files[next(x for x in fake._show("demo")["resources"] if x["name"] == "datapackage.json")["id"]]
    assert (tmp_path / "got" / "datapackage.json").read_bytes() == stored
    r = cli("pull", "demo", "--from", "fake", "-o", str(tmp_path / "got"), cwd=proj)
    assert r.code == 2 and "--force" in r.err  # never overwrites silently


def test_pull_refuses_a_file_that_does_not_match(cli, proj, fake, tmp_path):
    cli("publish", cwd=proj)
    rid = next(x for x in fake._show("demo")["resources"] if x["opendata_pub_name"] == "towns")["id"]
    fake.files[rid] = b"tampered"
    r = cli("pull", "demo", "--from", "fake", "-o", str(tmp_path / "got"), cwd=proj)
    assert r.code == 1 and "記録" in r.err
    assert not (tmp_path / "got").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".got")]  # no temp dir left behind


def test_folder_target_is_the_static_catalog(cli, proj):  # the folder target: tests/portals/test_static*.py
    r = cli("plan", "--to", "site/", cwd=proj)
    assert r.code == 2 and "base_url" in r.err  # a static catalog needs catalog.base_url (its RDF IRIs)


def test_publish_to_url_needs_token_env(cli, proj, fake, monkeypatch):
    monkeypatch.delenv("CKAN_API_TOKEN", raising=False)
    r = cli("plan", "--to", fake.url, cwd=proj)
    assert r.code == 2 and "CKAN_API_TOKEN" in r.err
    r = cli("plan", "--to", fake.url, cwd=proj, env={"CKAN_API_TOKEN": GOOD_TOKEN})
    assert r.code == 0, r.err


def test_token_never_appears_in_output_errors_logs_or_plans(cli, proj, fake, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    outputs = []
    r = cli("plan", "-o", str(tmp_path / "p.json"), "--format", "json", cwd=proj)
    outputs += [r.out, r.err, (tmp_path / "p.json").read_text(encoding="utf-8")]
    # a portal that echoes the token back in its error (a buggy proxy or plugin)
    fake.fail("package_create", "status", status=409, body={"success": False, "error": {
        "__type": "Validation Error", "name": [f"Authorization: {GOOD_TOKEN} refused"]}})
    r = cli("publish", cwd=proj)
    assert r.code == 1
    outputs += [r.out, r.err]
    r = cli("--debug", "publish", cwd=proj, env={"FAKE_TOKEN": GOOD_TOKEN})  # success this time
    outputs += [r.out, r.err]
    fake.writable = set()
    r = cli("--debug", "publish", cwd=proj)
    assert r.code == 1 and "create_dataset" in r.err
    outputs += [r.out, r.err]
    r = cli("publish", "--to", "http://ckan.example.jp", cwd=proj, env={"CKAN_API_TOKEN": GOOD_TOKEN})
    assert r.code == 2 and "--allow-insecure" in r.err
    outputs += [r.out, r.err, caplog.text]
    for text in outputs:
        assert GOOD_TOKEN not in text


def test_token_not_in_exception_text(proj, fake, fast_retry):
    from opendata_pub.actions import publish
    from opendata_pub.config import load_config
    from opendata_pub.errors import OpendataPubError
    from opendata_pub.portals import CkanTarget

    fake.fail("package_revise", "status", status=500, body={"success": False, "error": {
        "__type": "Internal Server Error", "message": f"token was {GOOD_TOKEN}"}})
    t = CkanTarget(fake.url, token=GOOD_TOKEN, settings=load_config(proj / "opendata.yaml"), retry=fast_retry)
    _, result = publish([proj / "datapackages" / "demo"], t, settings=t.settings)
    exc = result.datasets[0].exception
    assert isinstance(exc, OpendataPubError)
    chain = []
    while exc is not None:
        chain += [str(exc), repr(exc), repr(getattr(exc, "__dict__", ""))]
        exc = exc.__cause__ or exc.__context__
    assert all(GOOD_TOKEN not in c for c in chain)
    assert GOOD_TOKEN not in json.dumps(result.to_dict(), ensure_ascii=False)


@pytest.mark.parametrize("cmd", ["plan", "publish"])
def test_preflight_error_is_one_line_with_hint(cli, proj, fake, cmd):
    make_package(proj / "datapackages", "new", {"towns": CSV})  # a name CKAN keeps for its own URLs
    r = cli(cmd, "--force", cwd=proj)
    assert r.code == 1
    assert r.err.count("エラー:") == 1 and "ヒント" in r.err
    assert "Traceback" not in r.err
