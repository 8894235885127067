"""Recording bytes/hash in a hand-made package's descriptor (packaging/stamp.py) and the in-place
YAML editor it uses (yamlio.set_yaml_values)."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import date
from pathlib import Path

import pytest

from opendata_pub.errors import InputError, UsageError
from opendata_pub.packaging.stamp import stamp_hint, stamp_package
from opendata_pub.yamlio import YamlEditError, parse_yaml, set_yaml_values

CSV = "code,name\n132217,清瀬市\n"
CSV_BYTES = len(CSV.encode("utf-8"))
CSV_HASH = "sha256:" + hashlib.sha256(CSV.encode("utf-8")).hexdigest()

DESCRIPTOR = """\
# 手で書いた記述子 (this comment must survive)
name: demo
title: "デモ"   # quoted on purpose
modified: 2021-10-01
resources:
  - name: towns   # the first resource
    path: data/towns.csv
    schema:
      fields:
        - {name: code, type: string}
        - name: name
          type: string
# a comment between resources
  - name: more
    path: [data/a.csv, data/b.csv]
    bytes: 1  # stale
  - name: remote
    path: https://example.org/x.csv
  - name: inline
    data: [[1, 2]]
"""


def _package(tmp_path: Path, descriptor: str = DESCRIPTOR, name: str = "datapackage.yaml") -> Path:
    pkg = tmp_path / "pkg"
    (pkg / "data").mkdir(parents=True)
    (pkg / name).write_text(descriptor, encoding="utf-8")
    (pkg / "data" / "towns.csv").write_text(CSV, encoding="utf-8")
    (pkg / "data" / "a.csv").write_text("x\n1\n", encoding="utf-8")
    (pkg / "data" / "b.csv").write_text("2\n", encoding="utf-8")
    return pkg


# ---- yamlio.set_yaml_values ---------------------------------------------------------------------------


def test_replacing_a_scalar_keeps_every_other_byte() -> None:
    text = "a: 1  # one\nb: 'x'\n# tail\n"
    edited = set_yaml_values(text, {("a",): 2})
    assert edited == "a: 2  # one\nb: 'x'\n# tail\n"


def test_keys_added_to_block_mappings_and_sequence_items() -> None:
    edited = set_yaml_values(DESCRIPTOR, {
        ("resources", 0, "bytes"): 1234, ("resources", 0, "hash"): "sha256:ab",
        ("resources", 1, "bytes"): 5, ("modified",): "2026-12-05", ("issued",): "2026-12-01",
    })
    data = parse_yaml(edited)
    assert data["resources"][0]["bytes"] == 1234 and data["resources"][0]["hash"] == "sha256:ab"
    assert data["resources"][1]["bytes"] == 5
    assert data["modified"] == "2026-12-05" and data["issued"] == "2026-12-01"
    # the new keys sit at the column of "name", after the item's last line, before the comment
    assert "          type: string\n    bytes: 1234\n    hash: sha256:ab\n# a comment between resources\n" in edited
    assert "    bytes: 5  # stale\n" in edited
    assert edited.endswith("    data: [[1, 2]]\nissued: '2026-12-01'\n")
    # every line not edited is byte-identical, in the same order
    old_lines = DESCRIPTOR.splitlines()
    kept = [line for line in edited.splitlines() if line in old_lines]
    assert kept == [line for line in old_lines if not line.startswith(("modified:", "    bytes: 1"))]


def test_a_flow_mapping_cannot_get_a_new_key_but_its_values_can_change() -> None:
    text = "a: {b: 1}\n"
    with pytest.raises(YamlEditError) as info:
        set_yaml_values(text, {("a", "c"): 2})
    assert info.value.line == 1 and "フロー" in str(info.value)
    assert set_yaml_values(text, {("a", "b"): "x: y"}) == "a: {b: 'x: y'}\n"


@pytest.mark.parametrize("path", [("nope", "x"), ("resources", 9, "bytes"), ("resources",)])
def test_paths_that_cannot_be_edited_raise(path: tuple[str | int, ...]) -> None:
    with pytest.raises(YamlEditError):
        set_yaml_values(DESCRIPTOR, {path: 1})


def test_values_read_back_as_given() -> None:
    text = "a: x\nb: |\n  block\n\nc: 1\n"
    for value in ["2026-12-05", "x: y", "a, b", "", "#x", "multi\nline", "日本語", 7, True, None, date(2026, 1, 2)]:
        edited = set_yaml_values(text, {("a",): value, ("b",): value})
        data = parse_yaml(edited)
        assert data["a"] == value and data["b"] == value and data["c"] == 1, edited
        assert edited.endswith("\n\nc: 1\n")  # the blank line after the block scalar stays


def test_crlf_and_a_missing_final_line_break() -> None:
    assert set_yaml_values("a: 1\r\nb: 2", {("c",): 3}) == "a: 1\r\nb: 2\r\nc: 3\r\n"


# ---- stamp_package -------------------------------------------------------------------------------------


def test_yaml_descriptor_stamped_in_place(tmp_path: Path) -> None:
    pkg = _package(tmp_path)
    result = stamp_package(pkg)
    text = (pkg / "datapackage.yaml").read_text(encoding="utf-8")
    data = parse_yaml(text)
    assert data["resources"][0]["bytes"] == CSV_BYTES and data["resources"][0]["hash"] == CSV_HASH
    both = b"x\n1\n2\n"
    assert data["resources"][1]["bytes"] == len(both)
    assert data["resources"][1]["hash"] == "sha256:" + hashlib.sha256(both).hexdigest()
    assert "bytes" not in data["resources"][2] and "bytes" not in data["resources"][3]  # URL, inline data
    assert text.startswith("# 手で書いた記述子 (this comment must survive)\n")
    assert 'title: "デモ"   # quoted on purpose\n' in text and "# a comment between resources\n" in text
    assert result.written and not result.rewritten
    assert [(r.name, r.changed) for r in result.resources] == [("towns", True), ("more", True)]
    assert result.resources[1].old_bytes == 1 and result.resources[1].path == ("data/a.csv", "data/b.csv")


def test_unchanged_values_leave_the_file_untouched(tmp_path: Path) -> None:
    pkg = _package(tmp_path)
    stamp_package(pkg)
    desc = pkg / "datapackage.yaml"
    before, mtime = desc.read_bytes(), desc.stat().st_mtime_ns
    os.utime(desc, ns=(mtime - 10_000_000_000, mtime - 10_000_000_000))
    result = stamp_package(pkg)
    assert not result.written and result.changed == ()
    assert desc.read_bytes() == before and desc.stat().st_mtime_ns == mtime - 10_000_000_000


def test_modified_is_validated_and_written_in_the_files_style(tmp_path: Path) -> None:
    pkg = _package(tmp_path)
    with pytest.raises(UsageError):
        stamp_package(pkg, modified="2026-13-01")
    with pytest.raises(UsageError):
        stamp_package(pkg, modified="20261205")
    result = stamp_package(pkg, modified="2026-12-05")
    text = (pkg / "datapackage.yaml").read_text(encoding="utf-8")
    assert "\nmodified: 2026-12-05\n" in text  # plain, as the author wrote the old date
    assert result.old_modified == "2021-10-01" and result.modified == "2026-12-05"


def test_missing_file_is_an_input_error_and_nothing_is_written(tmp_path: Path) -> None:
    pkg = _package(tmp_path)
    (pkg / "data" / "b.csv").unlink()
    before = (pkg / "datapackage.yaml").read_bytes()
    with pytest.raises(InputError) as info:
        stamp_package(pkg)
    assert "data/b.csv" in str(info.value)
    assert (pkg / "datapackage.yaml").read_bytes() == before


@pytest.mark.parametrize("path", ["../outside.csv", "/etc/passwd"])
def test_paths_outside_the_package_are_refused(tmp_path: Path, path: str) -> None:
    (tmp_path / "outside.csv").write_text("x\n", encoding="utf-8")
    pkg = _package(tmp_path, f"name: demo\nresources:\n  - name: x\n    path: {path}\n")
    before = (pkg / "datapackage.yaml").read_bytes()
    with pytest.raises(InputError) as info:
        stamp_package(pkg)
    assert "resources[0].path" in str(info.value)
    assert (pkg / "datapackage.yaml").read_bytes() == before


def test_a_flow_style_descriptor_is_rewritten_whole_and_says_so(tmp_path: Path) -> None:
    pkg = _package(tmp_path, "# gone\nname: demo\nresources: [{name: towns, path: data/towns.csv}]\n")
    result = stamp_package(pkg)
    data = parse_yaml((pkg / "datapackage.yaml").read_text(encoding="utf-8"))
    assert data == {"name": "demo", "resources": [{"name": "towns", "path": "data/towns.csv",
                                                    "bytes": CSV_BYTES, "hash": CSV_HASH}]}
    assert result.rewritten and result.note and "コメント" in result.note


def test_json_descriptor_keeps_indentation_and_key_order(tmp_path: Path) -> None:
    descriptor = {"name": "demo", "title": "デモ", "resources": [
        {"name": "towns", "path": "data/towns.csv", "hash": "md5:00", "format": "csv"}], "modified": "2021-10-01"}
    text = json.dumps(descriptor, ensure_ascii=False, indent=4) + "\n"
    pkg = _package(tmp_path, text, name="datapackage.json")
    stamp_package(pkg, modified="2026-12-05")
    new = (pkg / "datapackage.json").read_text(encoding="utf-8")
    data = json.loads(new)
    assert list(data) == ["name", "title", "resources", "modified"] and data["modified"] == "2026-12-05"
    assert list(data["resources"][0]) == ["name", "path", "hash", "format", "bytes"]
    assert data["resources"][0]["hash"] == CSV_HASH and data["resources"][0]["bytes"] == CSV_BYTES
    assert new.startswith('{\n    "name": "demo",\n    "title": "デモ",') and new.endswith("}\n")
    before = (pkg / "datapackage.json").read_bytes()
    assert not stamp_package(pkg).written and (pkg / "datapackage.json").read_bytes() == before


def test_hint_names_the_command_or_warns_about_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pkg = _package(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert stamp_hint(pkg) == "`opendata-pub build pkg` で記録できます"
    (pkg / "sources").mkdir()
    (pkg / "sources" / "package.yaml").write_text("name: demo\n", encoding="utf-8")
    stale = stamp_hint(pkg, stale=True)
    assert "`opendata-pub build pkg`" in stale and "sources/" in stale and "手で編集" in stale
