from __future__ import annotations

from pathlib import Path

import pytest

from opendata_pub.config import (
    PLACEHOLDER_CODE,
    Secret,
    find_config,
    load_config,
    parse_config,
    placeholders,
    starter_config,
)
from opendata_pub.errors import ConfigError
from opendata_pub.yamlio import parse_yaml
from tests.conftest import CONFIG, write


def test_starter_config_parses_and_is_commented() -> None:
    settings = parse_config(parse_yaml(starter_config()), path="opendata.yaml", root=Path("."))
    assert settings.publishers[0].code == PLACEHOLDER_CODE  # neutral: no real municipality (issue 13)
    assert settings.publishers[0].license == "PDL-1.0"
    assert settings.catalog.base_url == "https://opendata.example.lg.jp/"
    assert settings.packages_dir == "datapackages"
    assert starter_config().count("#") > 10


def test_the_starter_is_neutral_and_every_blank_is_a_placeholder() -> None:
    text = starter_config()
    assert "132217" not in text and "清瀬" not in text and "kiyose" not in text
    settings = parse_config(parse_yaml(text), path="opendata.yaml", root=Path("."))
    keys = {key for key, _ in placeholders(settings)}
    assert {"catalog.operator", "catalog.title", "catalog.base_url", "publishers[0].code", "publishers[0].name",
            "publishers[0].url", "publishers[0].contact.name", "publishers[0].contact.email"} <= keys


def test_example_addresses_are_placeholders_only_next_to_the_placeholder_code(tmp_path: Path) -> None:
    # the project fixture uses example.lg.jp addresses with a real code: nothing to replace there
    assert placeholders(load_config(write(tmp_path / "opendata.yaml", CONFIG))) == []
    # 000000 loads (the starter's blank) but no other code without a prefecture does
    assert parse_config({"publishers": [{"code": "000000", "name": "x"}]}).publishers[0].code == "000000"
    with pytest.raises(ConfigError, match="都道府県コード"):
        parse_config({"publishers": [{"code": "000001", "name": "x"}]})


def test_load_config(tmp_path: Path) -> None:
    s = load_config(write(tmp_path / "opendata.yaml", CONFIG))
    assert s.root == tmp_path.resolve()
    assert s.publisher("132217").contact.email == "opendata@example.lg.jp"
    assert s.default_target == "site/"
    assert s.packages_path == tmp_path.resolve() / "datapackages"


@pytest.mark.parametrize(
    ("yaml_text", "key", "fragment"),
    [
        ("catalog: {titel: x}", "catalog.titel", "不明なキー"),
        ("publishers: [{code: '132218', name: x}]", "publishers[0].code", "検査数字"),
        ("publishers: [{code: 132217, name: x}]", "publishers[0].code", "文字列"),
        ("publishers: [{code: '132217'}]", "publishers[0].name", "必須"),
        ("publishers: [{code: '132217', name: x, license: MIT-ish}]", "publishers[0].license", "知らないライセンス"),
        ("publishers: [{code: '132217', name: x, organization: Kiyose City}]", "publishers[0].organization", "CKAN"),
        ("publishers: [{code: '132217', name: x, contact: {name: y, email: nope}}]", "publishers[0].contact.email",
         "メールアドレス"),
        ("portals: {prod: {url: 'ftp://x'}}", "portals.prod.url", "URL"),
        ("portals: {prod: {url: 'https://x.jp', token: eyJabc}}", "portals.prod.token", "直接"),
        ("portals: {prod: {url: 'https://x.jp', token: {$env: 1BAD}}}", "portals.prod.token.$env", "環境変数名"),
        ("catalog: {operator: '131083'}\npublishers: [{code: '132217', name: x}]", "catalog.operator", "publishers"),
        ("portals: {prod: {url: 'https://x.jp', licenses: [PDL-1.0]}}", "portals.prod.licenses", "マッピング"),
        ("portals: {prod: {url: 'https://x.jp', licenses: {MIT-ish: mit}}}", "portals.prod.licenses.MIT-ish",
         "知らないライセンス"),
        ("portals: {prod: {url: 'https://x.jp', licenses: {PDL-1.0: ''}}}", "portals.prod.licenses.PDL-1.0", "空です"),
        ("portals: {prod: {url: 'https://x.jp', licenses: {PDL-1.0: }}}", "portals.prod.licenses.PDL-1.0", "空です"),
        ("portals: {prod: {url: 'https://x.jp', licenses: {PDL-1.0: [a]}}}", "portals.prod.licenses.PDL-1.0", "文字列"),
        ("portals: {prod: {url: 'https://x.jp', licenses: {CC-BY-4.0: a, cc-by: b}}}", "portals.prod.licenses.cc-by",
         "二度"),
        ("packages: ../elsewhere", "packages", "相対パス"),
        ("unknown: 1", "unknown", "不明なキー"),
    ],
)
def test_bad_values_name_file_and_key(tmp_path: Path, yaml_text: str, key: str, fragment: str) -> None:
    path = write(tmp_path / "opendata.yaml", yaml_text + "\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert f"opendata.yaml:{key}:" in str(info.value)
    assert fragment in str(info.value) + (info.value.hint or "")
    assert info.value.exit_code == 2


@pytest.mark.parametrize(
    ("value", "expected", "not_expected"),
    [
        ("132217", '例: "132217"', None),
        ("true", "真偽値", '"000001"'),  # a boolean is never turned into a code
        ("13221", "先頭の 0", '"013221"'),
        ("13221.7", "数 13221.7", None),
    ],
)
def test_code_not_written_as_text_is_refused_with_file_line_and_key(
        tmp_path: Path, value: str, expected: str, not_expected: str | None) -> None:
    path = write(tmp_path / "opendata.yaml", f"catalog:\n  title: x\npublishers:\n  - name: x\n    code: {value}\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert "opendata.yaml:publishers[0].code: 団体コードは文字列で書いてください" in message
    assert "(line 5)" in message and "\n" not in message
    assert expected in message
    assert not_expected is None or not_expected not in message


def test_duplicate_key_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "opendata.yaml", "catalog:\n  title: a\n  title: b\n")
    with pytest.raises(ConfigError, match="重複したキー"):
        load_config(path)


def test_secret_from_env_and_file(tmp_path: Path) -> None:
    assert Secret(env="TOK").resolve({"TOK": "abc "}) == "abc"
    with pytest.raises(ConfigError, match="TOK"):
        Secret(env="TOK").resolve({})
    (tmp_path / "t").write_text("s3cret\n", encoding="utf-8")
    assert Secret(file="t").resolve({}, base=tmp_path) == "s3cret"
    # the value never shows in repr, and a missing file names the file, not a value
    assert "s3cret" not in repr(Secret(file="t"))
    with pytest.raises(ConfigError, match="missing"):
        Secret(file="missing").resolve({}, base=tmp_path)


def test_find_config_walks_up(tmp_path: Path) -> None:
    write(tmp_path / "opendata.yaml", CONFIG)
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_config(deep) == (tmp_path / "opendata.yaml").resolve()


def test_non_utf8_config(tmp_path: Path) -> None:
    (tmp_path / "opendata.yaml").write_bytes("catalog: {title: 清瀬}\n".encode("cp932"))
    with pytest.raises(ConfigError, match="UTF-8"):
        load_config(tmp_path / "opendata.yaml")


def test_portal_licence_map_keys_become_our_ids(tmp_path: Path) -> None:
    path = write(tmp_path / "opendata.yaml", """
        portals:
          local:
            url: https://ckan.example.jp/
            licenses:
              PDL-1.0: other-at
              CC BY 4.0: cc-by
              https://creativecommons.org/publicdomain/zero/1.0/: cc-zero
        """)
    s = load_config(path)
    assert dict(s.portals["local"].licenses) == {"PDL-1.0": "other-at", "CC-BY-4.0": "cc-by", "CC0-1.0": "cc-zero"}
    assert s.portal_at("HTTPS://CKAN.example.jp") is s.portals["local"]  # --to URL finds the map too
    assert s.portal_at("https://ckan.example.jp/other") is None


def test_portal_licence_map_error_has_the_line(tmp_path: Path) -> None:
    path = write(tmp_path / "opendata.yaml", "portals:\n  local:\n    url: https://x.jp\n    licenses:\n"
                                             "      PDL-1.0: other-at\n      MIT: mit\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert "opendata.yaml:portals.local.licenses.MIT: 知らないライセンスです: 'MIT' (line 6)" in str(info.value)
    assert "PDL-1.0" in (info.value.hint or "")
