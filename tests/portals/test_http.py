"""The HTTP client against the fake CKAN: retries, timeouts and errors people can act on."""

from __future__ import annotations

import pytest
import requests

from opendata_pub.errors import NotAuthorized, PortalRejected, PortalUnreachable, PortalValidationError, UsageError
from opendata_pub.portals import CkanClient, Timeouts
from opendata_pub.portals.http import AmbiguousWrite, is_loopback

from .fake_ckan import GOOD_TOKEN


@pytest.fixture
def client(fake, fast_retry):
    c = CkanClient(fake.url, token=GOOD_TOKEN, retry=fast_retry, timeouts=Timeouts(connect=1, read=0.5, upload=1))
    yield c
    c.close()


def test_5xx_then_success(client, fake, sleeps):
    fake.fail("status_show", "status", status=502, times=2)
    assert client.get("status_show")["ckan_version"] == "2.12.0"
    assert len(sleeps.calls) == 2


def test_connection_reset_then_success(client, fake):
    fake.fail("status_show", "drop-before")
    assert client.get("status_show")["ckan_version"] == "2.12.0"


def test_timeout_is_retried_then_reported(client, fake, sleeps):
    fake.fail("status_show", "delay", seconds=0.8, times=10)
    with pytest.raises(PortalUnreachable) as exc:
        client.get("status_show")
    assert "時間切れ" in exc.value.message
    assert len(sleeps.calls) == 3  # 4 attempts


def test_429_honours_retry_after(client, fake, sleeps):
    fake.fail("status_show", "status", status=429, headers={"Retry-After": "3"})
    assert client.get("status_show")
    assert sleeps.calls == [3.0]


def test_retry_after_too_long_gives_up(client, fake, sleeps):
    fake.fail("status_show", "status", status=429, headers={"Retry-After": "3600"})
    with pytest.raises(PortalRejected):
        client.get("status_show")
    assert sleeps.calls == []


def test_retries_are_bounded(client, fake, sleeps):
    fake.fail("status_show", "status", status=503, times=100)
    with pytest.raises(PortalRejected) as exc:
        client.get("status_show")
    assert "503" in exc.value.message
    assert len(sleeps.calls) == 3


def test_write_not_sent_twice_after_ambiguous_failure(client, fake):
    fake.fail("package_create", "drop-after")
    with pytest.raises(AmbiguousWrite):
        client.post("package_create", {"name": "x1", "owner_org": "kiyose"})
    assert len(fake.datasets) == 1  # the client did not resend: the caller looks first (ckan.py)


def test_write_retried_when_refused_before_processing(client, fake):
    fake.fail("package_create", "status", status=503)
    assert client.post("package_create", {"name": "x1", "owner_org": "kiyose"})["name"] == "x1"


def test_html_instead_of_json(client, fake):
    fake.fail("status_show", "html", status=200)
    with pytest.raises(PortalUnreachable) as exc:
        client.get("status_show")
    assert "HTML" in exc.value.message and "CKAN" in exc.value.message
    assert exc.value.hint


def test_bare_string_400(client, fake):
    with pytest.raises(PortalRejected) as exc:
        client.get("no_such_action")
    assert "Action name not known" in exc.value.message and exc.value.status == 400


def test_redirect_to_https_is_reported_with_a_hint(client, fake):
    fake.fail("package_create", "redirect")
    with pytest.raises(PortalUnreachable) as exc:
        client.post("package_create", {"name": "x"})
    assert "リダイレクト" in exc.value.message
    assert "https" in (exc.value.hint or "")
    assert fake.datasets == {}


def test_bad_token_is_403_not_authorized(fake, fast_retry):
    c = CkanClient(fake.url, token="wrong-token", retry=fast_retry)
    with pytest.raises(NotAuthorized) as exc:
        c.post("package_create", {"name": "x", "owner_org": "kiyose"})
    assert "wrong-token" not in str(exc.value) and "wrong-token" not in repr(exc.value)


def test_validation_error_lists_each_field(client, fake):
    client.post("package_create", {"name": "dup", "owner_org": "kiyose"})
    with pytest.raises(PortalValidationError) as exc:
        client.post("package_create", {"name": "dup", "owner_org": "kiyose"})
    assert exc.value.fields == {"name": ["That URL is already in use."]}
    assert "name: That URL is already in use." in exc.value.message


def test_unreachable_portal(fast_retry):
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    c = CkanClient(f"http://127.0.0.1:{port}", token=None, retry=fast_retry)
    with pytest.raises(PortalUnreachable) as exc:
        c.get("status_show")
    assert "接続できません" in exc.value.message


def test_token_never_sent_over_plain_http_to_a_remote_host():
    with pytest.raises(UsageError) as exc:
        CkanClient("http://ckan.example.jp", token=GOOD_TOKEN)
    assert "--allow-insecure" in (exc.value.hint or "")
    assert GOOD_TOKEN not in str(exc.value)
    CkanClient("http://ckan.example.jp", token=GOOD_TOKEN, allow_insecure=True)
    CkanClient("https://ckan.example.jp", token=GOOD_TOKEN)
    CkanClient("http://ckan.example.jp", token=None)


def test_token_sent_only_to_the_portal_origin(fake, fast_retry):
    c = CkanClient(fake.url, token=GOOD_TOKEN, retry=fast_retry)
    seen = []
    s = c.session()
    real = s.send

    def send(req, **kw):
        seen.append((req.url, req.headers.get("Authorization")))
        return real(req, **kw)

    s.send = send
    c.get("status_show")
    with pytest.raises((PortalUnreachable, PortalRejected)):
        c.download("http://localhost:9/elsewhere.csv", __import__("pathlib").Path("/dev/null"))
    assert seen[0][1] == GOOD_TOKEN
    assert all(auth is None for url, auth in seen[1:])


def test_loopback():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("[::1]")
    assert not is_loopback("ckan.example.jp") and not is_loopback("10.0.0.1")


def test_client_repr_hides_the_token():
    c = CkanClient("https://ckan.example.jp", token=GOOD_TOKEN)
    assert GOOD_TOKEN not in repr(c) and GOOD_TOKEN not in repr(c.__dict__)


def test_every_request_has_a_timeout(client, fake, monkeypatch):
    timeouts = []
    real = requests.Session.request

    def request(self, *a, **kw):
        timeouts.append(kw.get("timeout"))
        return real(self, *a, **kw)

    monkeypatch.setattr(requests.Session, "request", request)
    client.get("status_show")
    client.post("package_create", {"name": "tt", "owner_org": "kiyose"})
    assert timeouts and all(t is not None for t in timeouts)
