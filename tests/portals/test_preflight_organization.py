"""Preflight of a missing organization: what to do, in one line; --create-organization creates it
(a sysadmin's token), plan only reports it; a refusal says that sysadmin rights are missing."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from opendata_pub.actions import plan as plan_packages
from opendata_pub.actions import publish as publish_packages
from opendata_pub.config import load_config
from opendata_pub.errors import NotAuthorized, UsageError
from opendata_pub.portals import PreflightError

from .fake_ckan import FakeCkan


def _with_organization_create(fake: FakeCkan, *, sysadmin: bool) -> list[dict[str, Any]]:
    """Teach the fake CKAN ``organization_create`` (allowed for a sysadmin only, as CKAN's default)."""
    created: list[dict[str, Any]] = []
    act = fake.act

    def act_with_create(action: str, params: dict[str, Any], files: Any, authed: bool) -> tuple[int, Any]:
        if action != "organization_create":
            return act(action, params, files, authed)
        if not (authed and sysadmin):
            return 403, {"__type": "Authorization Error", "message": "User not authorized to create groups"}
        org = {"id": str(uuid.uuid4()), "name": params["name"], "title": params.get("title", "")}
        with fake.lock:
            fake.orgs[org["name"]] = org
            fake.writable.add(org["name"])
        created.append(org)
        return 200, org

    fake.act = act_with_create  # type: ignore[method-assign]
    return created


def _publish(proj: Path, target, **kw):
    settings = load_config(proj / "opendata.yaml")
    return publish_packages(sorted((proj / "datapackages").iterdir()), target, settings=settings, **kw)


def _use_org(proj: Path, org: str) -> None:
    cfg = proj / "opendata.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("organization: kiyose", f"organization: {org}"),
                   encoding="utf-8")


def test_missing_organization_says_what_to_do(proj, target, fake):
    _use_org(proj, "nowhere")
    target.settings = load_config(proj / "opendata.yaml")
    with pytest.raises(PreflightError) as exc:
        _publish(proj, target)
    assert exc.value.problems == ["組織 nowhere がポータルにありません (データセット: demo)"]
    hint = exc.value.hint or ""
    assert "ポータルで作成" in hint and "--create-organization" in hint and "システム管理者" in hint
    assert "publishers[].organization" in hint and "--organization" in hint
    assert fake.writes() == []


def test_missing_organization_is_one_line_with_hint_on_the_command_line(cli, proj, fake):
    _use_org(proj, "nowhere")
    r = cli("publish", cwd=proj)
    assert r.code == 1
    assert r.err.count("エラー:") == 1 and "ヒント" in r.err and "Traceback" not in r.err
    error_line, hint_line = r.err.strip().splitlines()
    assert "組織 nowhere がポータルにありません" in error_line
    assert "--create-organization" in hint_line and "--organization" in hint_line


def test_create_organization_with_a_sysadmin_token(proj, target, fake):
    created = _with_organization_create(fake, sysadmin=True)
    _use_org(proj, "newtown")
    target.settings = load_config(proj / "opendata.yaml")
    the_plan, result = _publish(proj, target, create_organization=True)
    assert result.ok, result.to_dict()
    assert [(o["name"], o["title"]) for o in created] == [("newtown", "清瀬市")]  # title: the publisher's name
    assert fake._show("demo")["owner_org"] == fake.orgs["newtown"]["id"]
    assert "組織 newtown はポータルにありません。作成しました (タイトル: 清瀬市)" in the_plan.datasets[0].notes
    # a re-run finds it: nothing more is created
    _publish(proj, target, create_organization=True)
    assert len(created) == 1


def test_create_organization_without_sysadmin_rights_is_one_error(proj, target, fake):
    created = _with_organization_create(fake, sysadmin=False)
    _use_org(proj, "newtown")
    target.settings = load_config(proj / "opendata.yaml")
    with pytest.raises(NotAuthorized) as exc:
        _publish(proj, target, create_organization=True)
    assert exc.value.message == ("このトークンには組織 newtown を作成する権限がありません "
                                 "(多くのポータルでは組織の作成にシステム管理者の権限が必要です)")
    assert "newtown" in (exc.value.hint or "")
    assert created == [] and fake.writes() == []


def test_create_organization_not_attempted_when_another_problem_remains(proj, target, fake):
    created = _with_organization_create(fake, sysadmin=True)
    _use_org(proj, "newtown")
    desc = proj / "datapackages" / "demo" / "datapackage.yaml"
    desc.write_text(desc.read_text(encoding="utf-8").replace("name: demo", "name: Demo!"), encoding="utf-8")
    target.settings = load_config(proj / "opendata.yaml")
    with pytest.raises(PreflightError):
        _publish(proj, target, create_organization=True, force=True)
    assert created == []


def test_plan_reports_the_organization_it_would_create(proj, target, fake):
    created = _with_organization_create(fake, sysadmin=True)
    _use_org(proj, "newtown")
    settings = load_config(proj / "opendata.yaml")
    target.settings = settings
    the_plan = plan_packages(sorted((proj / "datapackages").iterdir()), target, settings=settings,
                             create_organization=True)
    assert the_plan.datasets[0].notes[-1] == ("組織 newtown はポータルにありません。"
                                              "publish --create-organization で作成します (タイトル: 清瀬市)")
    assert created == [] and "newtown" not in fake.orgs


def test_plan_on_the_command_line_shows_it(cli, proj, fake):
    _with_organization_create(fake, sysadmin=True)
    _use_org(proj, "newtown")
    r = cli("plan", "--create-organization", cwd=proj)
    assert r.code == 0, r.out + r.err
    assert "publish --create-organization で作成します" in r.out
    assert "newtown" not in fake.orgs


def test_create_organization_needs_a_ckan_target(proj, tmp_path):
    settings = load_config(proj / "opendata.yaml")
    with pytest.raises(UsageError, match="CKAN の公開先だけ"):
        publish_packages(sorted((proj / "datapackages").iterdir()), str(tmp_path / "site"), settings=settings,
                         create_organization=True)
