"""Against the real CKAN: a missing organization (the preflight says what to do; --create-organization
creates it with a sysadmin's token and refuses without), and licence maps (a package licence under a
portal id of the map; a mapped id the portal lacks refused before any write).

The harness portal's licence list (tests/ckan_harness/licenses.json) has PDL-1.0 itself, so the map
is tested by sending PDL-1.0 to another id the portal has (other-open), as a stock CKAN would need
(PDL-1.0: other-at); the stock list itself is the fake CKAN's test (tests/portals/test_licence_map.py).
"""

from __future__ import annotations

import uuid
from pathlib import Path

from tests.portals.integration_support import package_show, project


def _uid(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def _with_licences(root: Path, mapping: str) -> None:
    cfg = root / "opendata.yaml"
    text = cfg.read_text(encoding="utf-8")
    cfg.write_text(text.replace("    token:", f"    licenses: {mapping}\n    token:", 1), encoding="utf-8")


def _org(ckan, name: str) -> dict | None:
    with ckan.session() as s:
        r = s.get(ckan.api + "organization_show", params={"id": name}, timeout=30)
    return r.json()["result"] if r.status_code == 200 else None


def _dataset_exists(ckan, name: str) -> bool:
    with ckan.session() as s:
        return s.get(ckan.api + "package_show", params={"id": name}, timeout=30).status_code == 200


def _plain_user_token(ckan) -> str:
    """A token of a user who is no sysadmin (CKAN lets only sysadmins create organizations by default)."""
    user = _uid("it-user")
    with ckan.session() as s:
        r = s.post(ckan.api + "user_create", json={"name": user, "email": f"{user}@example.jp",
                                                   "password": uuid.uuid4().hex}, timeout=30)
        assert r.status_code == 200, r.text[:300]
        r = s.post(ckan.api + "api_token_create", json={"user": user, "name": "it"}, timeout=30)
        assert r.status_code == 200, r.text[:300]
    return r.json()["result"]["token"]


def test_licence_map_sends_the_portals_id(ckan, ckan_org, tmp_path, cli, monkeypatch):
    name = _uid("it-lic")
    root = project(tmp_path, ckan, ckan_org, name=name)
    _with_licences(root, "{PDL-1.0: other-open, CC-BY-4.0: CC-BY-4.0}")
    monkeypatch.setenv("ODP_IT_TOKEN", ckan.token)
    r = cli("publish", cwd=root)
    assert r.code == 0, r.out + r.err
    assert package_show(ckan, name)["license_id"] == "other-open"
    r = cli("plan", "--exit-code", cwd=root)  # mapped, and it stays put
    assert r.code == 0, r.out + r.err
    # --to the portal's URL: the configured map applies too
    r = cli("publish", "--to", ckan.url, cwd=root, env={"CKAN_API_TOKEN": ckan.token})
    assert r.code == 0, r.out + r.err
    assert "変更なし" in r.out


def test_a_mapped_id_the_portal_lacks_is_refused_before_any_write(ckan, ckan_org, tmp_path, cli, monkeypatch):
    name = _uid("it-lic")
    root = project(tmp_path, ckan, ckan_org, name=name)
    _with_licences(root, "{PDL-1.0: other-at}")  # stock CKAN has other-at; this portal's list does not
    monkeypatch.setenv("ODP_IT_TOKEN", ckan.token)
    r = cli("publish", cwd=root)
    assert r.code == 1
    error, hint = r.err.strip().splitlines()
    assert "opendata.yaml の portals.local.licenses.PDL-1.0 にある other-at は、ポータルのライセンス一覧にありません" in error
    assert "PDL-1.0 (公共データ利用規約（第1.0版）)" in error and "ヒント" in hint
    assert not _dataset_exists(ckan, name)


def test_missing_organization_says_what_to_do(ckan, tmp_path, cli, monkeypatch):
    org, name = _uid("it-new"), _uid("it-pub")
    root = project(tmp_path, ckan, org, name=name)
    monkeypatch.setenv("ODP_IT_TOKEN", ckan.token)
    r = cli("publish", cwd=root)
    assert r.code == 1
    error, hint = r.err.strip().splitlines()
    assert f"組織 {org} がポータルにありません (データセット: {name})" in error
    assert "--create-organization" in hint and "--organization" in hint and "organization" in hint
    assert _org(ckan, org) is None and not _dataset_exists(ckan, name)


def test_create_organization_with_the_sysadmin_token(ckan, tmp_path, cli, monkeypatch):
    org, name = _uid("it-new"), _uid("it-pub")
    root = project(tmp_path, ckan, org, name=name)
    monkeypatch.setenv("ODP_IT_TOKEN", ckan.token)
    r = cli("plan", "--create-organization", cwd=root)  # plan says so and creates nothing
    assert r.code == 0, r.out + r.err
    assert f"組織 {org} はポータルにありません。publish --create-organization で作成します (タイトル: 清瀬市)" in r.out
    assert _org(ckan, org) is None
    r = cli("publish", "--create-organization", cwd=root)
    assert r.code == 0, r.out + r.err
    created = _org(ckan, org)
    assert created is not None and created["title"] == "清瀬市"
    assert package_show(ckan, name)["organization"]["name"] == org


def test_create_organization_as_a_user_where_the_portal_allows_it(ckan, tmp_path, cli, monkeypatch):
    """Stock CKAN lets any user create an organization (ckan.auth.user_create_organizations: true);
    the creator becomes its admin and may publish there."""
    org, name = _uid("it-new"), _uid("it-pub")
    root = project(tmp_path, ckan, org, name=name)
    monkeypatch.setenv("ODP_IT_TOKEN", _plain_user_token(ckan))
    r = cli("publish", "--create-organization", cwd=root)
    assert r.code == 0, r.out + r.err
    assert package_show(ckan, name)["organization"]["name"] == org


def test_create_organization_refused_is_one_line(ckan, tmp_path, cli, monkeypatch):
    """A token CKAN does not accept (it then acts as anonymous): organization_create is refused."""
    org, name = _uid("it-new"), _uid("it-pub")
    root = project(tmp_path, ckan, org, name=name)
    token = "odp-not-a-valid-token-" + uuid.uuid4().hex
    monkeypatch.setenv("ODP_IT_TOKEN", token)
    r = cli("publish", "--create-organization", cwd=root)
    assert r.code == 1
    error, hint = r.err.strip().splitlines()
    assert error.endswith(f"このトークンには組織 {org} を作成する権限がありません"
                          " (多くのポータルでは組織の作成にシステム管理者の権限が必要です)")
    assert "ヒント" in hint and org in hint
    assert token not in r.err + r.out
    assert _org(ckan, org) is None and not _dataset_exists(ckan, name)
