"""#9: pull against hostile sources. A recording server on 127.0.0.1 (recording_server.py) stands in
for portals and static catalogs; a second one on another port is "another origin".

Items: 1 (the token goes only to the configured portal, redirects included), 3 (size caps, gzip
bombs, an overall deadline), 4 (a hostile source folder; SIGTERM/SIGINT clean-up), 9 (redact before
truncating), 10 (md5/sha1 hashes; which algorithm verified each file), 14 (edge cases).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from opendata_pub import actions
from opendata_pub.config import parse_config
from opendata_pub.errors import InputError, NotAuthorized, PortalRejected, PortalUnreachable, UsageError
from opendata_pub.portals import RetryPolicy
from opendata_pub.portals import http as http_module
from opendata_pub.portals import pull as pull_module
from opendata_pub.portals.http import CkanClient, DeadlineExceeded, LimitExceeded, Timeouts
from opendata_pub.portals.resolve import resolve_source

from .recording_server import RecordingServer, endless, servers, silent, trickle

TOKEN = "odp-pull-TOKEN-4e8b21c7f0"  # not JWT-shaped: only the known-secret redaction can hide it
ENV_TOKEN = "odp-env-TOKEN-9a0d55e1b3"  # what $CKAN_API_TOKEN holds: for publish --to URL only
CSV = "id,name\n1,清瀬\n2,東村山\n".encode()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def two() -> Iterator[list[RecordingServer]]:
    yield from servers(2)


@pytest.fixture(autouse=True)
def _tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CKAN_API_TOKEN", ENV_TOKEN)
    monkeypatch.setenv("ODP_PULL_TOKEN", TOKEN)


def settings_for(root: Path, portal_url: str = "https://ckan.example.jp", *, insecure: bool = False):
    portal: dict = {"url": portal_url, "token": {"$env": "ODP_PULL_TOKEN"}}
    if insecure:
        portal["allow_insecure"] = True
    return parse_config({"catalog": {"title": "テスト"}, "portals": {"prod": portal}},
                        path=str(root / "opendata.yaml"), root=root)


def serve_static(srv: RecordingServer, *, data: bytes = CSV, descriptor: dict | None = None,
                 data_route: str = "/demo/data/towns.csv") -> dict:
    descriptor = descriptor or {"name": "demo", "resources": [
        {"name": "towns", "path": "data/towns.csv", "bytes": len(CSV), "hash": f"sha256:{sha256(CSV)}"}]}
    srv.json("/demo/datapackage.json", descriptor)
    if data is not None:
        srv.add(data_route, data)
    return descriptor


def serve_ckan(srv: RecordingServer, resources: list[dict]) -> None:
    srv.ckan("status_show", {"ckan_version": "2.10.0"})
    srv.ckan("package_show", {"name": "demo", "title": "Demo", "resources": resources})


def upload(name: str, url: str, content: bytes = CSV, **extra) -> dict:
    return {"name": name, "url": url, "url_type": "upload", "size": len(content), "hash": sha256(content), **extra}


def no_secret_anywhere(*srvs: RecordingServer) -> None:
    for srv in srvs:
        for seen in srv.seen:
            assert seen.authorization is None, (srv.url, seen.path)
            assert not any(TOKEN in v or ENV_TOKEN in v for v in seen.headers.values()), (srv.url, seen.path)


# -------------------------------------------------------------------------------------------------
# item 1: a token goes only to the portal it is configured for


def test_a_static_catalog_url_gets_no_token_redirects_included(two, tmp_path):
    a, b = two
    serve_static(a, data=None)
    a.redirect("/demo/data/towns.csv", b.url + "/towns.csv")  # another port: another origin
    b.add("/towns.csv", CSV)
    result = actions.pull("demo", a.url + "/", tmp_path / "got", settings=settings_for(tmp_path), validate=False)
    assert (tmp_path / "got" / "data" / "towns.csv").read_bytes() == CSV
    assert result.verified["data/towns.csv"] == "sha256"
    assert "/demo/datapackage.json" in a.paths() and "/towns.csv" in b.paths()
    no_secret_anywhere(a, b)


def test_a_ckan_url_that_is_not_configured_gets_no_token(two, tmp_path):
    """The old fallback: the static catalog 404s, then the URL is read as a CKAN with $CKAN_API_TOKEN."""
    a, b = two
    serve_ckan(a, [upload("here", a.url + "/dataset/1/resource/1/download/here.csv"),
                   upload("there", b.url + "/there.csv"),
                   upload("moved", a.url + "/dataset/1/resource/3/download/moved.csv")])
    a.add("/dataset/1/resource/1/download/here.csv", CSV)
    a.redirect("/dataset/1/resource/3/download/moved.csv", b.url + "/moved.csv")
    b.add("/there.csv", CSV)
    b.add("/moved.csv", CSV)
    result = actions.pull("demo", a.url, tmp_path / "got", settings=settings_for(tmp_path), validate=False)
    assert result.descriptor_from == "ckan" and len(result.files) == 3
    assert {"/demo/datapackage.json", "/api/3/action/status_show", "/api/3/action/package_show"} <= set(a.paths())
    assert {"/there.csv", "/moved.csv"} <= set(b.paths())
    no_secret_anywhere(a, b)


@pytest.mark.parametrize("how", ["name", "url", "url-spelled-differently"])
def test_a_configured_portal_gets_its_token_on_its_own_origin_only(two, tmp_path, how):
    a, b = two
    serve_ckan(a, [upload("here", a.url + "/dataset/1/resource/1/download/here.csv"),
                   upload("there", b.url + "/there.csv"),
                   upload("moved", a.url + "/dataset/1/resource/3/download/moved.csv")])
    a.add("/dataset/1/resource/1/download/here.csv", CSV)
    a.redirect("/dataset/1/resource/3/download/moved.csv", b.url + "/moved.csv")
    b.add("/there.csv", CSV)
    b.add("/moved.csv", CSV)
    source = {"name": "prod", "url": a.url, "url-spelled-differently": a.url.replace("http", "HTTP") + "/"}[how]
    actions.pull("demo", source, tmp_path / "got", settings=settings_for(tmp_path, a.url), validate=False)
    by_path = {s.path.split("?")[0]: s.authorization for s in a.seen}
    assert by_path["/api/3/action/package_show"] == TOKEN
    assert by_path["/dataset/1/resource/1/download/here.csv"] == TOKEN
    assert by_path["/dataset/1/resource/3/download/moved.csv"] == TOKEN  # the hop on the portal itself
    assert "/demo/datapackage.json" not in by_path  # a configured portal is a CKAN: no static probe
    assert {"/there.csv", "/moved.csv"} == set(b.paths())
    no_secret_anywhere(b)  # the other origin, the redirected hop included


def test_a_redirect_from_http_to_https_on_the_same_host_drops_the_token(two, tmp_path):
    """requests itself keeps the header on such a hop; ours are followed one at a time, origin by origin."""
    a, _ = two
    sent: list[tuple[str, str | None]] = []

    class Recording(requests.Session):
        def send(self, request, **kw):  # type: ignore[override]
            sent.append((request.url, request.headers.get("Authorization")))
            return super().send(request, **kw)

    https = a.url.replace("http://", "https://") + "/f.csv"
    a.redirect("/f.csv", https)
    c = CkanClient(a.url, token=TOKEN, session_factory=Recording, retry=RetryPolicy(attempts=1),
                   timeouts=Timeouts(connect=2, read=2))
    try:
        with pytest.raises(PortalUnreachable):  # the server speaks no TLS: the hop itself fails
            c.download(a.url + "/f.csv", tmp_path / "f")
    finally:
        c.close()
    assert sent == [(a.url + "/f.csv", TOKEN), (https, None)]


def test_resolve_source_decides_about_the_token(tmp_path):
    s = settings_for(tmp_path, "https://ckan.example.jp")
    assert resolve_source("prod", s).token == TOKEN
    assert resolve_source("https://CKAN.example.jp:443/", s).token == TOKEN
    for url in ("https://ckan.example.jp.evil.example/", "https://ckan.example.jp:8443/", "http://ckan.example.jp/",
                "https://user:pw@ckan.example.jp/", "https://other.example.jp/"):
        src = resolve_source(url, s)
        assert src.kind == "url" and src.token is None, url
    # plain http to a host that is not loopback: read anonymously (not refused), unless allowed
    plain = settings_for(tmp_path, "http://ckan.example.jp")
    assert resolve_source("prod", plain).token is None
    assert resolve_source("prod", plain, allow_insecure=True).token == TOKEN
    assert resolve_source("prod", settings_for(tmp_path, "http://ckan.example.jp", insecure=True)).token == TOKEN
    # a token that cannot be resolved: still a pull, anonymously
    assert resolve_source("prod", s, environ={}).token is None
    assert TOKEN not in repr(resolve_source("prod", s))


def test_a_pull_without_token_over_plain_http_is_not_refused(two, tmp_path):
    """Loopback is exempt anyway; what matters is that no token means no refusal, whatever the host."""
    a, _ = two
    serve_static(a)
    src = resolve_source("http://opendata.example.jp/", settings_for(tmp_path))
    assert src.kind == "url" and src.token is None
    actions.pull("demo", a.url, tmp_path / "got", settings=settings_for(tmp_path), validate=False)


def test_cli_pull_from_an_unconfigured_url_sends_no_token(two, tmp_path, cli):
    a, b = two
    serve_ckan(a, [upload("there", b.url + "/there.csv")])
    b.add("/there.csv", CSV)
    r = cli("pull", "demo", "--from", a.url, "-o", str(tmp_path / "got"), "--format", "json", cwd=tmp_path)
    assert r.code == 0, r.out + r.err
    assert r.json["files"] == ["data/there.csv"]
    no_secret_anywhere(a, b)


# -------------------------------------------------------------------------------------------------
# item 3: sizes, compression bombs, deadline


@pytest.fixture
def client(two) -> Iterator[CkanClient]:
    c = CkanClient(two[0].url, token=None, timeouts=Timeouts(connect=2, read=2))
    yield c
    c.close()


def test_a_download_stops_at_the_declared_size(two, client, tmp_path):
    a, _ = two
    a.add("/endless", endless())
    dest = tmp_path / "f"
    start = time.monotonic()
    with pytest.raises(LimitExceeded) as e:
        client.download(a.url + "/endless", dest, limit=17)
    assert dest.stat().st_size <= 17
    assert "17 バイト" in e.value.message and a.url + "/endless" in e.value.message
    assert time.monotonic() - start < 5


def test_a_content_length_over_the_limit_is_refused_before_reading(two, client, tmp_path):
    a, _ = two
    a.add("/big", b"x" * 1000)
    with pytest.raises(LimitExceeded) as e:
        client.download(a.url + "/big", tmp_path / "f", limit=10)
    assert "Content-Length 1,000" in e.value.message
    assert not (tmp_path / "f").exists()


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_a_compression_bomb_stops_at_the_limit(two, client, tmp_path, encoding):
    a, _ = two
    zeros = b"\0" * (32 * 1024 * 1024)
    body = gzip.compress(zeros) if encoding == "gzip" else zlib.compress(zeros)
    assert len(body) < 64 * 1024
    a.add("/bomb", body, Content_Encoding=encoding)
    with pytest.raises(LimitExceeded):
        client.download(a.url + "/bomb", tmp_path / "f", limit=100_000)
    assert (tmp_path / "f").stat().st_size <= 100_000


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate"])
def test_compressed_content_is_still_decoded_and_verified(two, client, tmp_path, encoding):
    a, _ = two
    if encoding == "gzip":
        body = gzip.compress(CSV)
    elif encoding == "deflate":
        body = zlib.compress(CSV)
    else:
        z = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        body = z.compress(CSV) + z.flush()
    a.add("/f.csv", body, Content_Encoding=encoding.replace("raw-", ""))
    size, digest = client.download(a.url + "/f.csv", tmp_path / "f", limit=len(CSV))
    assert (size, digest) == (len(CSV), sha256(CSV))


def test_an_unknown_content_encoding_is_refused(two, client, tmp_path):
    a, _ = two
    a.add("/f.csv", b"????", Content_Encoding="br")
    with pytest.raises(PortalRejected, match="Content-Encoding"):
        client.download(a.url + "/f.csv", tmp_path / "f", limit=100)


def test_a_pull_stops_at_the_declared_size(two, tmp_path):
    a, _ = two
    serve_static(a, data=endless())
    with pytest.raises(LimitExceeded) as e:
        actions.pull("demo", a.url, tmp_path / "got", settings=settings_for(tmp_path), validate=False)
    assert f"{len(CSV)} バイト" in e.value.message and "/demo/data/towns.csv" in e.value.message
    assert not list(tmp_path.glob(".got.*")) and not (tmp_path / "got").exists()


def test_descriptor_and_manifest_sizes_are_capped(two, tmp_path, monkeypatch):
    a, _ = two
    monkeypatch.setattr(pull_module, "MAX_DESCRIPTOR_BYTES", 100_000)
    a.add("/demo/datapackage.json", gzip.compress(b" " * 5_000_000), Content_Encoding="gzip")
    with pytest.raises(LimitExceeded) as e:
        actions.pull("demo", a.url, tmp_path / "got", settings=settings_for(tmp_path), validate=False)
    assert "記述子の上限 (100,000 バイト)" in e.value.message
    serve_static(a)
    a.add("/.opendata-pub-manifest.json", endless())
    with pytest.raises(LimitExceeded) as e:
        actions.pull("demo", a.url, tmp_path / "got", settings=settings_for(tmp_path), validate=False)
    assert ".opendata-pub-manifest.json の上限" in e.value.message


def test_an_api_answer_is_capped(two, client, monkeypatch):
    a, _ = two
    monkeypatch.setattr(http_module, "MAX_API_RESPONSE", 100_000)
    a.add("/api/3/action/package_show", endless(), Content_Type="application/json")
    with pytest.raises(LimitExceeded):
        client.get("package_show", {"id": "demo"})


@pytest.mark.parametrize("writer", [trickle(0.1), silent()], ids=["trickle", "silent"])
def test_a_trickling_or_silent_server_cannot_outlast_the_deadline(two, tmp_path, writer):
    a, _ = two
    serve_static(a, data=writer)
    start = time.monotonic()
    with pytest.raises(DeadlineExceeded) as e:
        actions.pull("demo", a.url, tmp_path / "got", settings=settings_for(tmp_path), validate=False, timeout=1)
    assert time.monotonic() - start < 4  # the read timeout is 60 s: the deadline cut it
    assert "制限時間 (1 秒)" in e.value.message
    assert not list(tmp_path.glob(".got.*"))


def test_cli_timeout_option(two, tmp_path, cli):
    a, _ = two
    serve_static(a, data=trickle(0.1))
    r = cli("pull", "demo", "--from", a.url, "-o", str(tmp_path / "got"), "--timeout", "1", cwd=tmp_path)
    assert r.code == 1 and "制限時間 (1 秒)" in r.err and "Traceback" not in r.err
    assert len(r.err.strip().splitlines()) <= 2  # the error and its hint


# -------------------------------------------------------------------------------------------------
# item 4: a hostile static-catalog folder; signals


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "demo" / "data").mkdir(parents=True)
    (root / "demo" / "datapackage.json").write_text(json.dumps({"name": "demo", "resources": [
        {"name": "towns", "path": "data/towns.csv", "bytes": len(CSV), "hash": f"sha256:{sha256(CSV)}"}]}))
    (root / "demo" / "data" / "towns.csv").write_bytes(CSV)
    return root


def test_a_clean_folder_pulls(site, tmp_path):
    result = actions.pull("demo", str(site), tmp_path / "got", settings=settings_for(tmp_path), validate=False)
    assert result.files == ["datapackage.json", "data/towns.csv"] and result.verified == {"data/towns.csv": "sha256"}


@pytest.mark.parametrize("target", ["/dev/zero", "outside"])
def test_a_manifest_that_is_a_link_is_refused(site, tmp_path, target):
    outside = tmp_path / "outside"
    outside.write_bytes(b"{}" + b" " * 1_000_000)
    (site / ".opendata-pub-manifest.json").symlink_to(outside if target == "outside" else target)
    start = time.monotonic()
    with pytest.raises(InputError, match="リンク"):
        actions.pull("demo", str(site), tmp_path / "got", settings=settings_for(tmp_path), validate=False)
    assert time.monotonic() - start < 5
    assert not list(tmp_path.glob(".got.*"))


def test_a_fifo_resource_is_refused_without_waiting(site, tmp_path):
    (site / "demo" / "data" / "towns.csv").unlink()
    os.mkfifo(site / "demo" / "data" / "towns.csv")
    start = time.monotonic()
    with pytest.raises(InputError, match="通常のファイルではありません"):
        actions.pull("demo", str(site), tmp_path / "got", settings=settings_for(tmp_path), validate=False)
    assert time.monotonic() - start < 5


@pytest.mark.parametrize("what", ["file-inside", "file-outside", "dataset-folder", "data-folder"])
def test_links_in_a_source_folder_are_refused(site, tmp_path, what):
    if what == "file-inside":  # even one that stays inside the site
        (site / "demo" / "data" / "copy.csv").write_bytes(CSV)
        (site / "demo" / "data" / "towns.csv").unlink()
        (site / "demo" / "data" / "towns.csv").symlink_to("copy.csv")
    elif what == "file-outside":
        (tmp_path / "secret.csv").write_bytes(CSV)
        (site / "demo" / "data" / "towns.csv").unlink()
        (site / "demo" / "data" / "towns.csv").symlink_to(tmp_path / "secret.csv")
    elif what == "dataset-folder":
        (site / "demo").rename(tmp_path / "real-demo")
        (site / "demo").symlink_to(tmp_path / "real-demo")
    else:
        (site / "demo" / "data").rename(tmp_path / "real-data")
        (site / "demo" / "data").symlink_to(tmp_path / "real-data")
    with pytest.raises(InputError, match="リンク"):
        actions.pull("demo", str(site), tmp_path / "got", settings=settings_for(tmp_path), validate=False)


def test_a_folder_file_larger_than_recorded_is_not_copied(site, tmp_path):
    (site / "demo" / "data" / "towns.csv").write_bytes(CSV * 1000)
    with pytest.raises(LimitExceeded):
        actions.pull("demo", str(site), tmp_path / "got", settings=settings_for(tmp_path), validate=False)


def test_the_manifest_in_a_folder_is_capped(site, tmp_path, monkeypatch):
    monkeypatch.setattr(pull_module, "MAX_DESCRIPTOR_BYTES", 1000)
    (site / ".opendata-pub-manifest.json").write_bytes(b"{}" + b" " * 5000)
    with pytest.raises(LimitExceeded, match="上限"):
        actions.pull("demo", str(site), tmp_path / "got", settings=settings_for(tmp_path), validate=False)


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_during_a_pull_leaves_no_staging_folder(two, tmp_path, signum):
    a, _ = two
    # The descriptor declares more bytes than 20 s of trickle sends, so the pull cannot stop by itself
    # (over the recorded size, exit 1) before the signal arrives, however late.
    big = {"name": "demo", "resources": [{"name": "towns", "path": "data/towns.csv", "bytes": 100_000}]}
    serve_static(a, data=trickle(0.05, most=20), descriptor=big)
    # SIGINT at its default in the child, as under a terminal: a suite started as a background job of a
    # non-interactive shell inherits SIGINT ignored, and Python then keeps ignoring it (rightly).
    proc = subprocess.Popen([sys.executable, "-m", "opendata_pub", "pull", "demo", "--from", a.url, "-o", "got",
                             "--timeout", "30"], cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            preexec_fn=_default_sigint)
    err = b""
    try:
        deadline = time.monotonic() + 15
        while "/demo/data/towns.csv" not in a.paths():  # the data file is being trickled: staging exists
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.05)
        assert list(tmp_path.glob(".got.*.pull"))
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == {signal.SIGTERM: 143, signal.SIGINT: 130}[signum], err.decode(errors="replace")
    assert not list(tmp_path.glob(".got.*")) and not (tmp_path / "got").exists()


def test_signal_handlers_are_restored(site, tmp_path):
    before = signal.getsignal(signal.SIGTERM)
    actions.pull("demo", str(site), tmp_path / "got", settings=settings_for(tmp_path), validate=False)
    assert signal.getsignal(signal.SIGTERM) == before


# -------------------------------------------------------------------------------------------------
# item 9: redact, then truncate


def test_a_reflected_secret_is_redacted_before_the_message_is_cut(two):
    a, _ = two
    legacy = str(uuid.uuid4())  # a legacy CKAN API key
    filler = "x" * (300 - len(legacy) // 2)  # the cut at 300 falls inside the key
    a.json("/api/3/action/package_show", {"success": False, "error": {
        "__type": "Authorization Error", "message": f"{filler}{legacy} is not allowed"}}, status=403)
    c = CkanClient(a.url, token=legacy, timeouts=Timeouts(connect=2, read=2))
    try:
        with pytest.raises(NotAuthorized) as e:
            c.get("package_show", {"id": "demo"})
    finally:
        c.close()
    assert legacy[:8] not in str(e.value) and "***" in str(e.value)


def test_plan_values_are_redacted_before_they_are_cut():
    from opendata_pub.cli.publish import _value

    # a made-up token of JWT shape, built here so that no token-like literal sits in the repository
    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode().rstrip("=")

    jwt = ".".join(part(x) for x in (b'{"alg":"HS256"}', b'{"jti":"abcdefghij"}', b"signature-signature"))
    assert jwt.startswith("eyJhbGci")
    shown = _value("x" * 60 + jwt)  # the cut at 80 falls inside the token
    assert "eyJhbGci" not in shown and "***" in shown


# -------------------------------------------------------------------------------------------------
# item 10: md5 and sha1 are honoured; which algorithm verified each file


@pytest.mark.parametrize("fields,algorithm", [
    ({"hash": hashlib.md5(CSV).hexdigest(), "hash_algorithm": "md5"}, "md5"),
    ({"hash": "md5:" + hashlib.md5(CSV).hexdigest()}, "md5"),
    ({"hash": hashlib.md5(CSV).hexdigest()}, "md5"),  # 32 hex digits: md5
    ({"hash": hashlib.sha1(CSV).hexdigest(), "hash_algorithm": "SHA-1"}, "sha1"),
    ({"hash": "sha256:" + sha256(CSV)}, "sha256"),
])
def test_ckan_hash_algorithms_are_honoured(two, tmp_path, fields, algorithm):
    a, _ = two
    serve_ckan(a, [{**upload("towns", a.url + "/towns.csv"), **fields}])
    a.add("/towns.csv", CSV)
    result = actions.pull("demo", a.url, tmp_path / "got", settings=settings_for(tmp_path), validate=False)
    assert result.verified == {"data/towns.csv": algorithm} and result.unverified == []


def test_a_wrong_md5_is_refused_naming_md5(two, tmp_path):
    a, _ = two
    serve_ckan(a, [upload("towns", a.url + "/towns.csv", hash=hashlib.md5(b"other").hexdigest(), hash_algorithm="md5")])
    a.add("/towns.csv", CSV)
    with pytest.raises(PortalRejected, match="md5"):
        actions.pull("demo", a.url, tmp_path / "got", settings=settings_for(tmp_path), validate=False)


def test_unverified_content_is_said_so_in_text_and_json(two, tmp_path, cli):
    a, _ = two
    serve_ckan(a, [{"name": "towns", "url": a.url + "/towns.csv", "url_type": "upload"}])  # no size, no hash
    a.add("/towns.csv", CSV)
    r = cli("pull", "demo", "--from", a.url, "-o", str(tmp_path / "got"), "--format", "json", cwd=tmp_path)
    assert r.code == 0, r.err
    assert r.json["unverified"] == ["data/towns.csv"] and r.json["verified"] == {}
    r = cli("pull", "demo", "--from", a.url, "-o", str(tmp_path / "got2"), cwd=tmp_path)
    assert r.code == 0, r.err
    assert "未検証" in r.out and "data/towns.csv" in r.out


def test_text_output_names_the_algorithm(two, tmp_path, cli):
    a, _ = two
    serve_static(a)
    r = cli("pull", "demo", "--from", a.url, "-o", str(tmp_path / "got"), cwd=tmp_path)
    assert r.code == 0, r.err
    assert "sha256 で 1 ファイル" in r.out


# -------------------------------------------------------------------------------------------------
# item 14: edge cases


@pytest.mark.parametrize("path,message", [
    (".", "ファイルを指していません"),
    ("./", "ファイルを指していません"),
    ("datapackage.json", "記述子そのもの"),
    ("./DataPackage.json", "記述子そのもの"),
])
def test_resource_paths_that_name_no_file_or_the_descriptor(site, tmp_path, path, message):
    (site / "demo" / "datapackage.json").write_text(json.dumps({"name": "demo", "resources": [
        {"name": "x", "path": path}]}))
    with pytest.raises(InputError, match=message):
        actions.pull("demo", str(site), tmp_path / "got", settings=settings_for(tmp_path), validate=False)
    assert not list(tmp_path.glob(".got.*"))


def test_a_file_used_as_a_folder_by_another(site, tmp_path):
    (site / "demo" / "datapackage.json").write_text(json.dumps({"name": "demo", "resources": [
        {"name": "a", "path": "data/towns.csv"}, {"name": "b", "path": "data/towns.csv/x.csv"}]}))
    with pytest.raises(InputError, match="フォルダとして"):
        actions.pull("demo", str(site), tmp_path / "got", settings=settings_for(tmp_path), validate=False)


def test_a_stored_descriptor_on_ckan_cannot_replace_itself(two, tmp_path):
    a, _ = two
    dp = json.dumps({"name": "demo", "resources": [{"name": "evil", "path": "datapackage.json"}]}).encode()
    serve_ckan(a, [upload("datapackage.json", a.url + "/dp.json", dp), upload("evil", a.url + "/evil.json", b"{}")])
    a.add("/dp.json", dp)
    a.add("/evil.json", b"{}")
    with pytest.raises(InputError, match="記述子そのもの"):
        actions.pull("demo", a.url, tmp_path / "got", settings=settings_for(tmp_path), validate=False)
    assert "/evil.json" not in a.paths()


def test_a_very_long_ckan_file_name_is_bounded(two, tmp_path):
    a, _ = two
    long = "あ" * 100 + "x" * 200 + ".csv"  # 304 characters, 504 bytes of UTF-8 (file systems allow 255)
    assert len(long) == 304
    serve_ckan(a, [upload("towns", a.url + "/download/" + long)])
    a.add("/download/" + long, CSV)  # the client quotes it; the server sees it quoted: route both
    from urllib.parse import quote

    a.add("/download/" + quote(long), CSV)
    result = actions.pull("demo", a.url, tmp_path / "got", settings=settings_for(tmp_path), validate=False)
    (name,) = [f for f in result.files if f.startswith("data/")]
    assert len(name.removeprefix("data/").encode()) <= 200 and name.endswith(".csv")
    assert (tmp_path / "got" / name).read_bytes() == CSV


def test_ckan_names_cannot_lead_out_of_the_package(two, tmp_path):
    a, _ = two
    serve_ckan(a, [upload("../../escape", a.url + "/")])  # no file name in the URL: the name is used
    a.add("/", CSV)
    result = actions.pull("demo", a.url, tmp_path / "got", settings=settings_for(tmp_path), validate=False)
    assert result.files == ["data/escape"]
    assert not (tmp_path / "escape").exists()


@pytest.mark.parametrize("out", [".", "..", "sub/.."])
def test_pull_does_not_replace_the_current_folder_or_a_parent(site, tmp_path, cli, out):
    (tmp_path / "sub").mkdir()
    r = cli("pull", "demo", "--from", str(site), "-o", out, "--force", cwd=tmp_path)
    assert r.code == 2 and "今いるフォルダ" in r.err and "内部エラー" not in r.err
    assert (site / "demo" / "data" / "towns.csv").exists()


def test_pull_does_not_write_over_its_source_folder(site, tmp_path):
    with pytest.raises(UsageError, match="取得元"):
        actions.pull("demo", str(site), site, settings=settings_for(tmp_path), force=True, validate=False)


def test_findings_name_the_destination_not_the_staging_folder(site, tmp_path):
    (site / "demo" / "datapackage.json").write_text(json.dumps({"name": "demo", "resources": [
        {"name": "towns", "path": "data/towns.csv", "bytes": len(CSV), "hash": f"sha256:{sha256(CSV)}",
         "schema": {"fields": [{"name": "id", "type": "integer"}, {"name": "nom", "type": "string"},
                               {"name": "extra", "type": "string"}]}}]}))
    result = actions.pull("demo", str(site), tmp_path / "got", settings=settings_for(tmp_path))
    assert result.report is not None and result.report.findings
    text = json.dumps(result.report.to_dict(), ensure_ascii=False)
    assert ".pull" not in text
    assert str(tmp_path / "got") in text


# -------------------------------------------------------------------------------------------------
# same class as item 3: validating a pulled package never fetches its remote links or schemas


def test_pull_validation_never_fetches_remote_schemas_or_links(two, tmp_path):
    elsewhere = two[1]
    schema_url = f"{elsewhere.url}/schema.json"
    link_url = f"{elsewhere.url}/big.csv"
    root = tmp_path / "site"
    (root / "demo" / "data").mkdir(parents=True)
    (root / "demo" / "datapackage.json").write_text(json.dumps({"name": "demo", "resources": [
        {"name": "towns", "path": "data/towns.csv", "bytes": len(CSV), "hash": f"sha256:{sha256(CSV)}",
         "schema": schema_url},
        {"name": "link", "path": link_url}]}))
    (root / "demo" / "data" / "towns.csv").write_bytes(CSV)

    result = actions.pull("demo", str(root), tmp_path / "got", settings=settings_for(tmp_path))

    assert elsewhere.seen == []  # nothing was fetched from the other host
    assert result.report is not None
    skipped = [f for f in result.report.findings if f.code == "remote-not-checked"]
    assert {f.where.key for f in skipped} == {"resources[0].schema", "resources[1].path"}
    assert all(f.severity.value == "info" for f in skipped) and result.report.valid


def test_a_token_passed_to_the_client_directly_is_checked_and_never_shown():
    bad = "odp-direct-TOKEN-7c1e\nX-Evil: 1"
    from opendata_pub.errors import ConfigError

    with pytest.raises(ConfigError) as info:
        CkanClient("https://ckan.example.jp", token=bad)
    assert "odp-direct-TOKEN-7c1e" not in str(info.value) and "CkanClient" in str(info.value)
