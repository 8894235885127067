"""Tokens are checked when resolved and redacted wherever they turn up (issue 9, item 2)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from opendata_pub.config import Secret, check_token, load_config
from opendata_pub.errors import (
    ConfigError,
    PortalRejected,
    printable,
    redact,
    register_secret,
)
from opendata_pub.portals.resolve import resolve_target
from tests.conftest import CONFIG, write

BAD_TOKENS = {
    "newline": "tokA1234\ntokB5678",
    "carriage return": "tokA1234\rtokB5678",
    "escape": "tokA1234\x1b]0;x\x07tokB",
    "nul": "tokA1234\x00tokB5678",
    "tab": "tokA1234\ttokB5678",
    "del": "tokA1234\x7ftokB5678",
    "c1": "tokA1234\x9btokB5678",
    "bidi": "tokA1234\u202etokB5678",
    "non-ascii": "tokA1234ｔｏｋＢ全角",
}


@pytest.mark.parametrize("name", sorted(BAD_TOKENS))
def test_a_token_with_a_control_character_is_refused_from_env_naming_the_source(name: str) -> None:
    value = BAD_TOKENS[name]
    with pytest.raises(ConfigError) as info:
        Secret(env="ODP_T", config="opendata.yaml", key="portals.p.token").resolve({"ODP_T": value})
    text = f"{info.value} {info.value.hint} {info.value.args}"
    assert "環境変数 ODP_T" in text and "opendata.yaml:portals.p.token" in text
    assert info.value.exit_code == 2
    for piece in ("tokA1234", "tokB5678", "ｔｏｋＢ全角"):
        assert piece not in text


@pytest.mark.parametrize("name", sorted(BAD_TOKENS))
def test_a_token_with_a_control_character_is_refused_from_a_file(tmp_path: Path, name: str) -> None:
    (tmp_path / "tok").write_bytes(BAD_TOKENS[name].encode("utf-8") + b"\n")
    with pytest.raises(ConfigError) as info:
        Secret(file="tok", config="opendata.yaml", key="portals.p.token").resolve({}, base=tmp_path)
    text = f"{info.value} {info.value.hint}"
    assert f"トークンファイル {tmp_path / 'tok'}" in text and "portals.p.token" in text
    assert "tokA1234" not in text and "tokB5678" not in text


def test_token_file_line_end_bom_and_spaces_are_dropped_but_only_one_line_end(tmp_path: Path) -> None:
    for raw, expected in [(b"good-token-1\n", "good-token-1"), (b"good-token-2\r\n", "good-token-2"),
                          (b"\xef\xbb\xbfgood-token-3\n", "good-token-3"), (b"  good-token-4  \n", "good-token-4"),
                          (b"good-token-5", "good-token-5")]:
        (tmp_path / "tok").write_bytes(raw)
        assert Secret(file="tok").resolve({}, base=tmp_path) == expected, raw
    # a CR alone (read_text would have turned it into \n and then stripped it) and two line ends
    for raw in (b"good-token\r", b"good-token\n\n", b"good\r\ntoken\n"):
        (tmp_path / "tok").write_bytes(raw)
        with pytest.raises(ConfigError, match="改行"):
            Secret(file="tok").resolve({}, base=tmp_path)
    # the environment gets no line end for free: a value with one is a broken export
    with pytest.raises(ConfigError, match="改行"):
        Secret(env="T").resolve({"T": "good-token\n"})
    assert Secret(env="T").resolve({"T": " good-token "}) == "good-token"


def test_token_file_that_is_not_a_small_regular_utf8_file(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo")  # would block the open forever
    (tmp_path / "big").write_bytes(b"a" * (64 * 1024 + 1))
    (tmp_path / "latin").write_bytes(b"tok\xe9n")
    (tmp_path / "zero").symlink_to("/dev/zero")
    expected = {"fifo": "普通のファイル", "big": "大きすぎます", "latin": "UTF-8", "zero": "普通のファイル"}
    for name, words in expected.items():
        with pytest.raises(ConfigError, match=words):
            Secret(file=name).resolve({}, base=tmp_path)


def test_ckan_api_token_from_the_environment_goes_through_the_same_check(tmp_path: Path) -> None:
    write(tmp_path / "opendata.yaml", CONFIG)
    settings = load_config(tmp_path / "opendata.yaml")
    with pytest.raises(ConfigError) as info:
        resolve_target("http://127.0.0.1:9", settings, environ={"CKAN_API_TOKEN": "abcd1234\nefgh5678"})
    assert "環境変数 CKAN_API_TOKEN" in str(info.value) and "改行" in str(info.value)
    assert "abcd1234" not in str(info.value) and "efgh5678" not in str(info.value)


def test_config_portal_token_names_the_key_in_opendata_yaml(tmp_path: Path) -> None:
    write(tmp_path / "opendata.yaml", CONFIG.replace("default_target: site/", "")
          + "portals:\n  prod:\n    url: https://ckan.example.jp\n    token: {$env: PROD_TOKEN}\n")
    settings = load_config(tmp_path / "opendata.yaml")
    with pytest.raises(ConfigError) as info:
        resolve_target("prod", settings, environ={"PROD_TOKEN": "abcd1234\x1b[2Jefgh"})
    assert f"{tmp_path / 'opendata.yaml'}:portals.prod.token" in str(info.value)
    assert "環境変数 PROD_TOKEN" in str(info.value) and "abcd1234" not in str(info.value)


def test_check_token_registers_the_value_for_redaction() -> None:
    assert check_token(" reg-token-0123456789 ", source="test") == "reg-token-0123456789"
    assert redact("x reg-token-0123456789 y") == "x *** y"
    assert check_token("", source="test") == ""


def test_redact_handles_newlines_regex_characters_and_escaped_forms() -> None:
    secret = "sec+ret(.*)[a]\n$XYZ\\w|QRSTUVW"
    register_secret(secret)
    forms = [secret, repr(secret), repr(secret.encode()), printable(secret), " ".join(secret.split()),
             f"Invalid header value {secret.encode()!r}"]
    for form in forms:
        assert "sec+ret" not in redact(f"before {form} after"), form
        assert "$XYZ" not in redact(f"before {form} after"), form
    assert redact("plain text (with) [regex] chars.*") == "plain text (with) [regex] chars.*"


def test_redact_header_value_errors_whatever_the_token_looks_like() -> None:
    cases = [
        "Invalid header value b'unregistered-AAAA\\nBBBB'",
        "Invalid leading whitespace, reserved character(s), or return character(s) in header value: ' unregistered-AAAA'",
        "Header part ('unregistered-AAAA') from ('Authorization', 'unregistered-AAAA BBBB') must be of type str",
        "{'Authorization': 'Bearer unregistered-AAAA BBBB'}",
    ]
    for text in cases:
        cleaned = redact(text)
        assert "unregistered-AAAA" not in cleaned and "BBBB" not in cleaned, cleaned
        assert "***" in cleaned


def test_redact_comes_before_shortening_in_error_construction() -> None:
    # a token longer than any clip: the error built from the full text has no piece of it
    token = "L" * 40 + "-legacy-key-" + "0123456789abcdef" * 3
    register_secret(token)
    exc = PortalRejected(f"ポータルがエラーを返しました: echo {token}")
    assert token[:20] not in str(exc) and "***" in str(exc)
