"""Text from outside cannot drive the terminal (issue 9, item 11): portal messages, names and values
from a portal, file content quoted in findings and file names reach the terminal with their control
characters escaped; JSON output carries them as \\u escapes only.
"""

from __future__ import annotations

import json
import os

from tests.conftest import write

from .hostile import HOSTILE, assert_terminal_safe


def test_portal_error_text_reaches_the_terminal_escaped(cli, proj, fake):
    body = {"success": False, "error": {"__type": "Authorization Error", "message": f"denied {HOSTILE}"}}
    fake.fail("status_show", "status", status=403, body=body)
    r = cli("plan", cwd=proj)
    assert r.code == 1, r.out + r.err
    assert "権限がありません" in r.err and "\\x1b]0;pwned" in r.err
    assert_terminal_safe(r.out, r.err)
    # a validation error's field names and messages, printed per dataset by publish
    fake.fail("package_create", "status", status=409, body={"success": False, "error": {
        "__type": "Validation Error", f"name{HOSTILE}": [f"bad {HOSTILE}"]}})
    r = cli("publish", cwd=proj)
    assert r.code == 1
    assert "受け付けませんでした" in r.out + r.err
    assert_terminal_safe(r.out, r.err)


def test_names_and_values_from_the_portal_are_escaped_in_plan_text_and_json(cli, proj, fake):
    assert cli("publish", cwd=proj).code == 0
    ds = fake._show("demo")
    assert ds is not None
    fake.datasets[ds["id"]]["title"] = f"改ざん{HOSTILE}"
    r = cli("plan", cwd=proj)
    assert r.code == 0, r.err
    assert "title:" in r.out and "改ざん\\x1b]0;pwned" in r.out
    assert_terminal_safe(r.out, r.err)
    r = cli("plan", "--format", "json", cwd=proj)
    assert r.code == 0
    assert_terminal_safe(r.out)  # as \u escapes only …
    before = [c["before"] for d in r.json["datasets"] for c in d["changes"] if c["field"] == "title"]
    assert before == [f"改ざん{HOSTILE}"]  # … which are the same JSON value


def test_findings_quoting_file_content_are_escaped_in_text_and_json(cli, tmp_path):
    from tests.conftest import CONFIG as LOCAL_CONFIG
    from tests.conftest import GOOD_DESCRIPTOR

    write(tmp_path / "opendata.yaml", LOCAL_CONFIG)
    pkg = tmp_path / "datapackages" / "demo"
    write(pkg / "datapackage.yaml", GOOD_DESCRIPTOR)
    (pkg / "data").mkdir(parents=True, exist_ok=True)
    (pkg / "data" / "towns.csv").write_text(f"code,name,population\n132217,清瀬市,x{HOSTILE}\n", encoding="utf-8")
    r = cli("validate", cwd=tmp_path)
    assert r.code == 1
    assert "type-error" in r.out and "\\x1b]0;pwned" in r.out
    assert_terminal_safe(r.out, r.err)
    r = cli("validate", "--format", "json", cwd=tmp_path)
    assert r.code == 1
    assert_terminal_safe(r.out)
    cells = [f["params"].get("cell") for p in r.json["packages"] for f in p["findings"] if f["code"] == "type-error"]
    assert cells == [f"x{HOSTILE}"]


def test_a_file_name_that_is_not_utf8_or_holds_escapes_is_printed_escaped(cli, tmp_path):
    hostile = tmp_path / os.fsdecode(b"bad\xff\x1b]0;pwned\x07.csv")
    hostile.write_bytes(b"a,b\n1,2\n")
    r = cli("describe", str(hostile), cwd=tmp_path)
    assert r.code == 0, r.err
    assert "\\x1b]0;pwned" in r.out and "\\udcff" in r.out
    assert_terminal_safe(r.out, r.err)
    r = cli("describe", str(hostile), "--format", "json", cwd=tmp_path)
    assert r.code == 0, r.err
    assert_terminal_safe(r.out)
    assert json.loads(r.out)["path"].endswith("\x1b]0;pwned\x07.csv")



def test_machine_output_is_exact_into_a_pipe_and_escaped_on_a_terminal(cli, project, monkeypatch):
    import sys

    desc = project / "datapackages" / "demo" / "datapackage.yaml"
    desc.write_text(desc.read_text(encoding="utf-8").replace(
        "title: デモデータ", 'title: "題名\\e]0;pwned\\a\\e[2J"'), encoding="utf-8")
    r = cli("inventory", "--format", "csv", cwd=project)
    assert r.code == 0, r.err
    assert "題名\x1b]0;pwned\x07\x1b[2J" in r.out  # into a pipe: the data byte for byte
    r = cli("inventory", cwd=project)  # the table: through the console seam
    assert r.code == 0, r.err
    assert "題名\\x1b]0;pwned" in r.out
    assert_terminal_safe(r.out)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    r = cli("inventory", "--format", "csv", cwd=project)
    assert r.code == 0, r.err
    assert "題名\\x1b]0;pwned" in r.out
    assert_terminal_safe(r.out)
