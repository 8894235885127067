"""Hostile YAML and JSON (issue 9, items 7 and 13): alias bombs, anchors, unhashable keys, integers too
long to print, nesting a hundred thousand deep and oversized files give one located error, fast,
in every reader; nothing is expanded and nothing is written."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from opendata_pub.errors import ConfigError, InputError
from opendata_pub.inputfile import UnreadableInput, parse_json
from opendata_pub.inventory.yamlfile import load_inventory_file
from opendata_pub.packaging.package import load_descriptor
from opendata_pub.portals.plan import Plan
from opendata_pub.records.yamlformat import load_record
from opendata_pub.yamlio import (
    ALIAS_REFUSED,
    MAX_YAML_BYTES,
    YamlSyntaxError,
    parse_yaml,
)
from tests.conftest import FIXTURES, listing, no_traceback, write

# 911 bytes that expand to 10**9 "lol"s through nested aliases (the bomb, shape for shape).
BOMB = "name: bomb\n" + "a: &a [" + ",".join(['"lol"'] * 9) + "]\n" + "".join(
    f"{n}: &{n} [" + ",".join([f"*{p}"] * 9) + "]\n" for p, n in zip("abcdefgh", "bcdefghi")
)
ALIAS = "name: x\ntitle: &t タイトル\ndescription: *t\n"
UNHASHABLE = "name: x\n? [a, b]\n: 1\n"
LONG_INT = "name: x\nversion: " + "9" * 5000 + "\n"
HEX_INT = "name: x\nversion: 0x" + "f" * 5000 + "\n"
DEEP = "name: x\nextra: " + "[" * 100_000 + "]" * 100_000 + "\n"

YAML_CASES = {
    "bomb": (BOMB, ALIAS_REFUSED, 2),
    "alias": (ALIAS, ALIAS_REFUSED, 2),
    "unhashable": (UNHASHABLE, "キーにリストやマッピングは書けません", 2),
    "long-int": (LONG_INT, "数が長すぎます", 2),
    "hex-int": (HEX_INT, "数が大きすぎます", 2),
    "deep": (DEEP, "入れ子が深すぎます", 2),
}


@pytest.mark.parametrize("case", sorted(YAML_CASES))
def test_parse_yaml_refuses_with_line_and_column(case: str) -> None:
    text, message, line = YAML_CASES[case]
    started = time.monotonic()
    with pytest.raises(YamlSyntaxError) as info:
        parse_yaml(text)
    assert time.monotonic() - started < 2
    assert message in info.value.problem
    assert info.value.line == line and info.value.column is not None


def test_bomb_is_small_and_would_expand() -> None:
    assert len(BOMB.encode()) < 1000 and BOMB.count("*") == 8 * 9


def test_plain_yaml_still_reads() -> None:
    assert parse_yaml("a: [1, {b: 2}]\nd: 2021-02-28\nn: 123456789012345678901234567890\n")["n"] == \
        123456789012345678901234567890


def test_oversized_yaml_text_is_refused() -> None:
    with pytest.raises(YamlSyntaxError, match="大きすぎます"):
        parse_yaml("#" * (MAX_YAML_BYTES + 1))


# -- every YAML reader -------------------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(YAML_CASES))
def test_descriptor_reader(case: str, tmp_path: Path) -> None:
    path = write(tmp_path / "datapackage.yaml", YAML_CASES[case][0])
    with pytest.raises(InputError) as info:
        load_descriptor(path)
    assert str(info.value).startswith(f"{path}:line 2, column ")
    assert YAML_CASES[case][1] in str(info.value)


@pytest.mark.parametrize("case", sorted(YAML_CASES))
def test_evaluation_record_reader(case: str) -> None:
    with pytest.raises(InputError) as info:
        load_record(YAML_CASES[case][0], source="r.yaml")
    assert str(info.value).startswith("r.yaml:line 2, column ")
    assert YAML_CASES[case][1] in str(info.value)


@pytest.mark.parametrize("case", sorted(YAML_CASES))
def test_inventory_reader(case: str, tmp_path: Path) -> None:
    path = write(tmp_path / "inventory.yaml", YAML_CASES[case][0].replace("name: x", "datasets: []").replace(
        "name: bomb", "datasets: []"))
    with pytest.raises(ConfigError) as info:
        load_inventory_file(path)
    assert "line 2" in str(info.value) and YAML_CASES[case][1] in str(info.value)


@pytest.mark.parametrize("case", sorted(YAML_CASES))
def test_config_reader_cli(case: str, cli, tmp_path: Path) -> None:
    write(tmp_path / "opendata.yaml", YAML_CASES[case][0].replace("name: x", "packages: datapackages").replace(
        "name: bomb", "packages: datapackages"))
    started = time.monotonic()
    r = cli("validate", cwd=tmp_path)
    assert time.monotonic() - started < 2
    assert r.code == 2, r.out + r.err
    assert "opendata.yaml:line 2, column " in r.err and YAML_CASES[case][1] in r.err
    assert no_traceback(r.out + r.err)


def test_validate_refuses_a_bomb_descriptor_fast(cli, tmp_path: Path) -> None:
    write(tmp_path / "p" / "datapackage.yaml", BOMB)
    started = time.monotonic()
    r = cli("validate", str(tmp_path / "p"), "--format", "json", cwd=tmp_path)
    assert time.monotonic() - started < 2
    assert r.code == 1
    finding = r.json["packages"][0]["findings"][0]
    assert finding["code"] == "descriptor-unreadable" and ALIAS_REFUSED in finding["message"]
    assert finding["where"]["key"].startswith("line 2, column ")
    assert no_traceback(r.out + r.err)


BUILD_CONFIG = """
catalog: {title: テスト, base_url: "https://opendata.example.jp/"}
publishers:
  - {code: "132217", name: 清瀬市, license: PDL-1.0, contact: {name: 秘書広報課, url: "https://www.city.kiyose.lg.jp/"}}
"""


@pytest.fixture
def built(cli, tmp_path: Path) -> Path:
    write(tmp_path / "opendata.yaml", BUILD_CONFIG)
    sheet = FIXTURES / "sheets" / "000_1877d05501bf3ae7.txt"
    r = cli("evaluation", "import", str(sheet), "-m", "132217", "-p", "datapackages/k", "--date", "2026-11-23",
            cwd=tmp_path)
    assert r.code == 0, r.out + r.err
    return tmp_path


def test_build_does_not_copy_a_bomb_from_sources(cli, built: Path) -> None:
    pkg = built / "datapackages" / "k"
    meta = pkg / "sources" / "package.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") + BOMB.replace("name: bomb\n", "x_bomb:\n  "), encoding="utf-8")
    meta.write_text(meta.read_text(encoding="utf-8").replace("x_bomb:\n  a:", "a:"), encoding="utf-8")
    before = {p: p.read_bytes() for p in pkg.rglob("*") if p.is_file()}
    started = time.monotonic()
    r = cli("build", cwd=built)
    assert time.monotonic() - started < 2
    assert r.code in (1, 2), r.out + r.err
    assert f"{Path('datapackages/k/sources/package.yaml')}:line " in r.err and ALIAS_REFUSED in r.err
    assert {p: p.read_bytes() for p in pkg.rglob("*") if p.is_file()} == before  # nothing written
    assert no_traceback(r.out + r.err)


def test_build_refuses_a_bomb_in_an_evaluation_record(cli, built: Path) -> None:
    record = next((built / "datapackages" / "k" / "sources" / "evaluations").glob("*.yaml"))
    record.write_text(BOMB, encoding="utf-8")
    before = listing(built)
    r = cli("build", cwd=built)
    assert r.code in (1, 2)
    assert f"{record.name}:line 2, column " in r.err and ALIAS_REFUSED in r.err
    assert listing(built) == before


# -- JSON readers --------------------------------------------------------------------------------------

JSON_CASES = {
    "long-int": ('{"name": "x",\n "bytes": ' + "1" * 5000 + "}", "数が長すぎます", (2, 11)),
    "deep": ('{"name": "x",\n "extra": ' + "[" * 100_000 + "]" * 100_000 + "}", "入れ子が深すぎます", (2, 110)),
    "deep-but-not-recursion": ('{"name": "x",\n "extra": ' + "[" * 500 + "]" * 500 + "}", "入れ子が深すぎます", (2, 110)),
    "syntax": ('{"name": "x",\n "extra": [}', "JSON として読めません", (2, 12)),
}


@pytest.mark.parametrize("case", sorted(JSON_CASES))
def test_parse_json_locates(case: str) -> None:
    text, message, (line, column) = JSON_CASES[case]
    with pytest.raises(UnreadableInput) as info:
        parse_json(text)
    assert message in info.value.problem
    assert (info.value.line, info.value.column) == (line, column)


def test_parse_json_ignores_digits_inside_strings() -> None:
    assert parse_json('{"a": "' + "1" * 5000 + '", "b": [[1]]}')["b"] == [[1]]


@pytest.mark.parametrize("case", sorted(JSON_CASES))
def test_json_descriptor_reader(case: str, tmp_path: Path) -> None:
    path = write(tmp_path / "datapackage.json", JSON_CASES[case][0])
    with pytest.raises(InputError) as info:
        load_descriptor(path)
    line, column = JSON_CASES[case][2]
    assert str(info.value).startswith(f"{path}:line {line}, column {column}: ")


@pytest.mark.parametrize("case", sorted(JSON_CASES))
def test_plan_reader_cli(case: str, cli, tmp_path: Path) -> None:
    plan = write(tmp_path / "plan.json", JSON_CASES[case][0])
    r = cli("publish", "--plan", str(plan), "--to", str(tmp_path / "site"), cwd=tmp_path)
    assert r.code in (1, 2), r.out + r.err
    assert f"{plan}:line {JSON_CASES[case][2][0]}, column" in r.err
    assert no_traceback(r.out + r.err)


def test_plan_that_is_not_an_object(tmp_path: Path) -> None:
    for text in ("[1, 2]", '{"version": 1, "target": {}, "datasets": [1]}'):
        write(tmp_path / "plan.json", text)
        with pytest.raises(InputError, match="計画ファイルの形が正しくありません"):
            Plan.load(tmp_path / "plan.json")


def test_manifest_json_with_a_long_integer_is_a_located_error(cli, project: Path) -> None:
    site = project / "site"
    write(site / ".opendata-pub-manifest.json", json.dumps({"version": 1, "files": {}})[:-1] + ',\n "x": '
          + "7" * 5000 + "}")
    r = cli("plan", "--to", str(site), cwd=project)
    assert r.code in (1, 2)
    assert ".opendata-pub-manifest.json:line 2, column 7: " in r.err and "数が長すぎます" in r.err
    assert no_traceback(r.out + r.err)
