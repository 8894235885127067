"""A token never reaches the output (issue 9, item 2): a token with a line break or another control
character is refused when it is resolved, naming where it came from and never the value; the
last-resort handler (and --debug) redact every secret of the run.
"""

from __future__ import annotations

import logging

import pytest

from opendata_pub import actions
from opendata_pub.config import check_token
from tests.portals.fake_ckan import GOOD_TOKEN

from .hostile import HOSTILE, assert_terminal_safe


def test_token_with_a_line_break_from_env_file_or_config_env_is_refused_naming_the_source(cli, proj, fake):
    secret_a, secret_b = "tokenpart-AAAA1111", "tokenpart-BBBB2222"
    (proj / "tok").write_text(f"{secret_a}\n{secret_b}\n", encoding="utf-8")
    cases = [
        (("plan", "--to", fake.url), {"CKAN_API_TOKEN": f"{secret_a}\n{secret_b}"}, "環境変数 CKAN_API_TOKEN"),
        (("plan", "--to", "byfile"), {}, f"トークンファイル {proj / 'tok'}"),
        (("plan", "--to", "cred"), {"ODP_PORTAL_CRED": f"{secret_a}\r\n{secret_b}"}, "環境変数 ODP_PORTAL_CRED"),
        (("plan", "--to", "cred"), {"ODP_PORTAL_CRED": f"{secret_a}{HOSTILE}{secret_b}"}, "環境変数 ODP_PORTAL_CRED"),
    ]
    seen = 0
    for args, env, source in cases:
        r = cli(*args, cwd=proj, env=env)
        assert r.code == 2, (args, r.out, r.err)
        assert source in r.err and "使えない文字" in r.err, r.err
        if args[-1] != fake.url:  # a portal of opendata.yaml: its key is named too
            assert f"portals.{args[-1]}.token" in r.err, r.err
        for text in (r.out, r.err):
            assert secret_a not in text and secret_b not in text
        assert "内部エラー" not in r.err and "Invalid header value" not in r.err
        assert_terminal_safe(r.out, r.err)
        seen += 1
    assert seen == len(cases)
    assert not [x for x in fake.log if x.action != "download"]  # refused before any request


def _crash_with(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    """Make plan fail deep inside with an unexpected exception whose message is ``text`` (as
    http.client's ValueError quotes a header value), after a library logged a warning quoting it."""

    def boom(*args: object, **kwargs: object) -> None:
        logging.getLogger("somelibrary").warning("saw %s", text)
        raise ValueError(text)

    monkeypatch.setattr(actions, "resolve_target", boom)


@pytest.mark.parametrize("debug", [False, True])
def test_last_resort_handler_redacts_every_secret_of_the_run(cli, proj, monkeypatch, debug):
    env_token = "envtoken-CCCC3333-secret"  # $CKAN_API_TOKEN, never resolved in this run
    cred = "credvalue-DDDD4444"  # a variable opendata.yaml names as a token (its name looks harmless)
    resolved = "resolved-EEEE5555"  # a token resolved (and so registered) in this run
    header = "headerval-FFFF6666"  # in a header-value error, registered nowhere
    monkeypatch.setenv("CKAN_API_TOKEN", env_token)
    monkeypatch.setenv("ODP_PORTAL_CRED", cred)
    check_token(resolved, source="test")
    text = (f"Invalid header value {(env_token + chr(10) + 'x').encode()!r} / {cred} / {resolved} / "
            f"Invalid header value b'{header}\\nzz' {HOSTILE}")
    _crash_with(monkeypatch, text)
    r = cli(*(["--debug"] if debug else []), "plan", cwd=proj)
    assert r.code == 1
    assert "内部エラー: ValueError" in r.err
    if debug:
        assert "Traceback (most recent call last)" in r.err
    for secret in (env_token, cred, resolved, header):
        assert secret not in r.out and secret not in r.err, secret
    assert r.err.count("***") >= 4
    assert_terminal_safe(r.out, r.err)
    assert "\\x1b]0;pwned" in r.err  # escaped, not dropped: the reader sees something was there


def test_known_good_token_still_works_and_is_never_printed(cli, proj, fake):
    (proj / "tok").write_text(GOOD_TOKEN + "\n", encoding="utf-8")  # one final newline is fine
    r = cli("publish", "--to", "byfile", cwd=proj)
    assert r.code == 0, r.err
    assert GOOD_TOKEN not in r.out + r.err


