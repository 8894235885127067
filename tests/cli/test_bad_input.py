"""Bad input never crashes: each case gives findings or one clear error naming the file and place,
the documented exit code, no traceback, and nothing half-written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import listing, no_traceback, write


def _codes(result) -> list[str]:  # noqa: ANN001
    return [f["code"] for p in result.json["packages"] for f in p["findings"]]


def _finding(result, code: str) -> dict:  # noqa: ANN001
    return next(f for p in result.json["packages"] for f in p["findings"] if f["code"] == code)


def test_valid_package_exits_0(cli, project: Path) -> None:
    before = listing(project)
    r = cli("validate", "--format", "json", cwd=project)
    assert r.code == 0, r.out
    assert r.json["valid"] is True
    assert r.json["summary"]["errors"] == 0
    assert listing(project) == before  # validate writes nothing


def test_corrupt_yaml_descriptor(cli, project: Path) -> None:
    desc = project / "datapackages" / "demo" / "datapackage.yaml"
    desc.write_text("name: demo\nresources: [\n  - name: x\n", encoding="utf-8")
    r = cli("validate", "--format", "json", cwd=project)
    assert r.code == 1
    f = _finding(r, "descriptor-unreadable")
    assert f["where"]["file"].endswith("datapackage.yaml")
    assert "line" in f["where"]["key"]
    assert no_traceback(r.out + r.err)


def test_corrupt_json_descriptor(cli, tmp_path: Path) -> None:
    pkg = tmp_path / "p"
    write(pkg / "datapackage.json", '{"name": "p", "resources": [}')
    r = cli("validate", str(pkg), "--format", "json", cwd=tmp_path)
    assert r.code == 1
    f = _finding(r, "descriptor-unreadable")
    assert "line 1, column" in f["where"]["key"]
    assert "JSON" in f["message"]


def test_descriptor_not_a_mapping(cli, tmp_path: Path) -> None:
    write(tmp_path / "p" / "datapackage.yaml", "- just\n- a list\n")
    r = cli("validate", str(tmp_path / "p"), "--format", "json", cwd=tmp_path)
    assert r.code == 1
    assert _codes(r) == ["descriptor-unreadable"]


def test_missing_data_file(cli, project: Path) -> None:
    (project / "datapackages/demo/data/towns.csv").unlink()
    r = cli("validate", "--format", "json", cwd=project)
    assert r.code == 1
    f = _finding(r, "resource-file-missing")
    assert f["resource"] == "towns"
    assert f["where"]["key"] == "resources[0].path"
    assert "data/towns.csv" in f["message"]


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("../outside.csv", "path-escapes-package"),
        ("data/../../outside.csv", "path-escapes-package"),
        ("/etc/passwd", "path-absolute"),
        ("https://example.org/x.csv", "path-remote"),
    ],
)
def test_unsafe_paths(cli, project: Path, path: str, code: str) -> None:
    write(project / "datapackages/outside.csv", "a\n1\n")
    desc = project / "datapackages/demo/datapackage.yaml"
    desc.write_text(desc.read_text(encoding="utf-8").replace("path: data/towns.csv", f"path: {path}"),
                    encoding="utf-8")
    r = cli("validate", "--format", "json", cwd=project)
    assert r.code == 1
    f = _finding(r, code)
    assert f["where"]["key"] == "resources[0].path"
    # the file outside the package is never read: no data findings for it
    assert not any(x["layer"] == "data" for p in r.json["packages"] for x in p["findings"])


def test_symlink_out_of_package_is_refused(cli, project: Path) -> None:
    target = project / "secret.csv"
    write(target, "code,name,population\n")
    link = project / "datapackages/demo/data/towns.csv"
    link.unlink()
    link.symlink_to(target)
    r = cli("validate", "--format", "json", cwd=project)
    assert _finding(r, "path-escapes-package")


def test_remote_path_allowed_with_flag(cli, project: Path) -> None:
    desc = project / "datapackages/demo/datapackage.yaml"
    desc.write_text(desc.read_text(encoding="utf-8").replace("path: data/towns.csv",
                                                             "path: https://example.org/x.csv"), encoding="utf-8")
    r = cli("validate", "--allow-remote", "--format", "json", cwd=project)
    assert "path-remote" not in _codes(r)


def test_empty_file(cli, project: Path) -> None:
    (project / "datapackages/demo/data/towns.csv").write_bytes(b"")
    r = cli("validate", "--format", "json", cwd=project)
    assert r.code == 1
    f = _finding(r, "file-empty")
    assert f["where"]["file"].endswith("towns.csv")


def test_ragged_rows(cli, project: Path) -> None:
    (project / "datapackages/demo/data/towns.csv").write_text(
        "code,name,population\n132217,清瀬市,74000,extra\n082112\n", encoding="utf-8")
    r = cli("validate", "--format", "json", cwd=project)
    assert r.code == 1
    extra = _finding(r, "extra-cell")
    missing = _finding(r, "missing-cell")
    assert extra["where"]["row"] == 2
    assert missing["where"]["row"] == 3
    assert missing["where"]["field"] == "name"


def test_undecodable_file(cli, project: Path) -> None:
    (project / "datapackages/demo/data/towns.csv").write_bytes(b"code,name\n\xff\xfe\xfa,1\n")
    desc = project / "datapackages/demo/datapackage.yaml"
    desc.write_text(desc.read_text(encoding="utf-8").replace("    encoding: utf-8\n", ""), encoding="utf-8")
    r = cli("validate", "--format", "json", cwd=project)
    assert r.code == 1
    f = _finding(r, "encoding-undecodable")
    assert isinstance(f["where"]["offset"], int)
    assert f["where"]["file"].endswith("towns.csv")


def test_declared_encoding_that_does_not_fit(cli, project: Path) -> None:
    (project / "datapackages/demo/data/towns.csv").write_bytes(
        "code,name,population\n132217,清瀬市,74000\n".encode("cp932"))
    r = cli("validate", "--format", "json", cwd=project)  # descriptor declares utf-8
    f = _finding(r, "encoding-mismatch")
    assert f["where"]["offset"] == "code,name,population\n132217,".__len__()


def test_cp932_file_without_declared_encoding_reads_right(cli, project: Path) -> None:
    (project / "datapackages/demo/data/towns.csv").write_bytes(
        "code,name,population\n132217,清瀬市,74000\n082112,髙①㈱,1\n".encode("cp932"))
    desc = project / "datapackages/demo/datapackage.yaml"
    lines = desc.read_text(encoding="utf-8").splitlines(keepends=True)
    drop = ("    encoding:", "    bytes:", "    hash:")  # the data changed: no recorded size or checksum
    desc.write_text("".join(x for x in lines if not x.startswith(drop)), encoding="utf-8")
    r = cli("validate", "--format", "json", cwd=project)
    assert r.code == 0, r.out
    f = _finding(r, "encoding-detected")
    assert f["severity"] == "info"
    assert f["params"]["encoding"] == "cp932"


@pytest.mark.slow
def test_100mb_single_line(cli, tmp_path: Path) -> None:
    pkg = tmp_path / "big"
    write(pkg / "datapackage.yaml", "name: big\nresources:\n  - {name: big, path: big.csv}\n")
    with (pkg / "big.csv").open("w", encoding="ascii") as fh:
        fh.write("a,b\n")
        fh.write("x" * 100_000_000)
        fh.write(",1\n")
    r = cli("validate", str(pkg), "--profile", "none", "--format", "json", cwd=tmp_path)
    assert r.code == 0, r.err
    assert r.json["packages"][0]["errors"] == 0
    assert no_traceback(r.out + r.err)


def test_corrupt_config_is_exit_2_with_line(cli, project: Path) -> None:
    (project / "opendata.yaml").write_text("catalog:\n  title: [unclosed\n", encoding="utf-8")
    r = cli("validate", cwd=project)
    assert r.code == 2
    assert "opendata.yaml" in r.err and "line" in r.err
    assert no_traceback(r.err)
    assert len([line for line in r.err.splitlines() if line.startswith("エラー")]) == 1


def test_unknown_config_key_names_file_and_key(cli, project: Path) -> None:
    text = (project / "opendata.yaml").read_text(encoding="utf-8")
    (project / "opendata.yaml").write_text(text.replace("    organization: kiyose", "    organisation: kiyose"),
                                           encoding="utf-8")
    r = cli("validate", cwd=project)
    assert r.code == 2
    assert "opendata.yaml:publishers[0].organisation" in r.err
    assert "不明なキー" in r.err


def test_unknown_command_is_usage_error(cli, tmp_path: Path) -> None:
    r = cli("frobnicate", cwd=tmp_path)
    assert r.code == 2
    assert no_traceback(r.err)


def test_describe_missing_file(cli, tmp_path: Path) -> None:
    r = cli("describe", "nope.csv", cwd=tmp_path)
    assert r.code == 1
    assert "nope.csv" in r.err
    assert no_traceback(r.err)


def test_describe_undecodable_names_byte(cli, tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_bytes(b"a,b\n\x81\xff\n")
    r = cli("describe", "x.csv", cwd=tmp_path)
    assert r.code == 1
    assert "x.csv" in r.err and "byte" in r.err


def test_debug_shows_traceback(cli, tmp_path: Path) -> None:
    r = cli("--debug", "describe", "nope.csv", cwd=tmp_path)
    assert r.code == 1
    assert "Traceback" in r.err


def test_validate_without_packages_is_usage_error(cli, tmp_path: Path) -> None:
    r = cli("validate", cwd=tmp_path)
    assert r.code == 2
    assert "datapackages" in r.err


def test_json_output_is_json_even_with_errors(cli, project: Path) -> None:
    (project / "datapackages/demo/data/towns.csv").write_text("code,name,population\nabc,x,y\n", encoding="utf-8")
    r = cli("validate", "--format", "json", cwd=project)
    assert r.code == 1
    data = json.loads(r.out)
    assert {f["code"] for p in data["packages"] for f in p["findings"]} >= {"type-error", "constraint-error"}


def test_inline_data_is_validated(cli, tmp_path: Path) -> None:
    write(tmp_path / "p/datapackage.json", json.dumps({
        "name": "p",
        "resources": [{
            "name": "inline",
            "data": [["a", "b"], [1, "x"], ["y", "z"]],
            "schema": {"fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "string"}]},
        }],
    }))
    r = cli("validate", str(tmp_path / "p"), "--profile", "none", "--format", "json", cwd=tmp_path)
    assert r.code == 1
    f = _finding(r, "type-error")
    assert f["resource"] == "inline" and f["where"]["row"] == 3


def test_frictionless_v1_package_with_schema_file(cli, tmp_path: Path) -> None:
    # A v1 "tabular-data-package" as other tools write it: a schema in its own file, no v2 keys.
    write(tmp_path / "p/datapackage.json", json.dumps({
        "profile": "tabular-data-package",
        "name": "p",
        "resources": [{"name": "r", "path": "r.csv", "profile": "tabular-data-resource", "schema": "schema.json"}],
    }))
    write(tmp_path / "p/schema.json", json.dumps({"fields": [{"name": "id", "type": "integer"}]}))
    write(tmp_path / "p/r.csv", "id\n1\n2\nthree\n")
    r = cli("validate", str(tmp_path / "p"), "--profile", "none", "--format", "json", cwd=tmp_path)
    assert r.code == 1
    assert _finding(r, "type-error")["where"]["row"] == 4


def test_schema_path_escaping_package_is_refused(cli, tmp_path: Path) -> None:
    write(tmp_path / "schema.json", json.dumps({"fields": [{"name": "id", "type": "integer"}]}))
    write(tmp_path / "p/datapackage.json", json.dumps({
        "name": "p", "resources": [{"name": "r", "path": "r.csv", "schema": "../schema.json"}]}))
    write(tmp_path / "p/r.csv", "id\n1\n")
    r = cli("validate", str(tmp_path / "p"), "--profile", "none", "--format", "json", cwd=tmp_path)
    assert r.code == 1
    assert _finding(r, "path-escapes-package")["where"]["key"] == "resources[0].schema"


def test_impossible_date_in_descriptor_is_a_finding(cli, project: Path) -> None:
    desc = project / "datapackages/demo/datapackage.yaml"
    desc.write_text(desc.read_text(encoding="utf-8").replace("issued: 2021-10-01", "issued: 2021-02-30"),
                    encoding="utf-8")
    r = cli("validate", "--format", "json", cwd=project)
    assert r.code == 1
    f = _finding(r, "descriptor-unreadable")
    assert "2021-02-30" in f["message"] and "line" in f["where"]["key"]
    assert no_traceback(r.out + r.err) and "内部エラー" not in r.err


def test_japanese_resource_name_is_reported_and_rows_still_checked(cli, tmp_path: Path) -> None:
    write(tmp_path / "p/datapackage.yaml", """
        name: p
        resources:
          - name: 人口
            path: x.csv
            schema: {fields: [{name: n, type: integer}]}
        """)
    write(tmp_path / "p/x.csv", "n\n1\nfoo\n")
    r = cli("validate", str(tmp_path / "p"), "--profile", "none", "--format", "json", cwd=tmp_path)
    assert r.code == 1 and "内部エラー" not in r.err
    assert _finding(r, "descriptor-invalid")["where"]["key"] == "resources[0].name"
    bad = _finding(r, "type-error")
    assert bad["resource"] == "人口" and bad["where"]["row"] == 3
