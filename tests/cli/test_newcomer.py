"""What a first-time user meets (issue 13, item 5): click's usage errors in Japanese with the help of
the command at hand, errors as JSON under --format json, a neutral starter opendata.yaml that
``validate`` flags until it is filled in, and an inventory readable at 80 columns and in a pipe.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import write

_ENGLISH = re.compile(r"Missing (option|argument)|No such (option|command)|Invalid value|unexpected extra|"
                      r"requires an argument|does not take a value|is not one of|Usage:")


@pytest.mark.parametrize(
    ("args", "message", "help_of"),
    [
        (["pull"], "引数 DATASET が指定されていません", "opendata-pub pull"),
        (["evaluation", "import", "x.xlsx"], "オプション --municipality / -m が指定されていません",
         "opendata-pub evaluation import"),
        (["evaluation", "import", "--municipality-code", "1"], "オプション --municipality-code はありません",
         "opendata-pub evaluation import"),
        (["validate", "--format", "xml"], "--format / -f の値 'xml' は選べません (選べる値: text, json)",
         "opendata-pub validate"),
        (["validate", "--format"], "オプション --format には値が必要です", "opendata-pub validate"),
        (["init", "--force=yes"], "オプション --force は値を取りません", "opendata-pub init"),
        (["describe", "a.csv", "b.csv"], "余分な引数があります: b.csv", "opendata-pub describe"),
        (["frob"], "コマンド frob はありません", "opendata-pub"),
        (["evaluation", "improt"], "コマンド improt はありません (もしかして: import)", "opendata-pub evaluation"),
        (["inventory", "--formt", "json"], "オプション --formt はありません (もしかして: --format)",
         "opendata-pub inventory"),
    ],
)
def test_usage_errors_are_japanese_and_name_the_commands_help(cli, tmp_path: Path, args: list[str], message: str,
                                                                help_of: str) -> None:
    r = cli(*args, cwd=tmp_path)
    assert r.code == 2
    assert r.out == ""
    assert f"エラー: {message}" in r.err
    assert f"ヒント: {help_of} --help で使い方を確認できます" in r.err
    assert not _ENGLISH.search(r.err), r.err


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "--format", "json", "--profile", "bad"],
        ["--format", "json", "pull"],  # --format anywhere, even where it is itself the usage error
        ["evaluation", "import", "x.xlsx", "-f", "json"],
        ["validate", "--format=json", "--no-such"],
    ],
)
def test_usage_errors_under_format_json_are_json_on_stdout(cli, tmp_path: Path, args: list[str]) -> None:
    r = cli(*args, cwd=tmp_path)
    assert r.code == 2
    assert r.err == ""
    error = json.loads(r.out)["error"]
    assert set(error) == {"message", "hint", "code"}
    assert error["code"] == 2
    assert "--help で使い方を確認できます" in error["hint"]
    assert not _ENGLISH.search(error["message"])


def test_other_errors_under_format_json_keep_their_exit_code(cli, tmp_path: Path) -> None:
    # an unknown key in opendata.yaml: a configuration error (2); a missing file: a failure (1)
    write(tmp_path / "opendata.yaml", "catalog: {titel: x}\n")
    r = cli("inventory", "--format", "json", cwd=tmp_path)
    assert r.code == 2 and r.err == ""
    error = json.loads(r.out)["error"]
    assert error["code"] == 2 and "titel" in error["message"]
    r = cli("describe", "missing.csv", "--format", "json", cwd=tmp_path)
    assert r.code == 1 and r.err == ""
    error = json.loads(r.out)["error"]
    assert error["code"] == 1 and "missing.csv" in error["message"]
    # text mode is unchanged: one line on stderr
    r = cli("describe", "missing.csv", cwd=tmp_path)
    assert r.code == 1 and r.out == "" and r.err.startswith("エラー:")


def test_a_group_without_its_command_shows_its_help(cli, tmp_path: Path) -> None:
    r = cli("evaluation", cwd=tmp_path)
    assert r.code == 2
    assert "エラー" not in r.err and "opendata-pub evaluation" in r.err and "import" in r.err


README = Path(__file__).resolve().parents[2] / "README.md"


def test_init_writes_a_neutral_starter_that_validate_flags(cli, tmp_path: Path) -> None:
    assert cli("init", cwd=tmp_path).code == 0
    text = (tmp_path / "opendata.yaml").read_text(encoding="utf-8")
    assert "132217" not in text and "清瀬" not in text and "city.kiyose" not in text
    # the comment names a README section by its heading, and that heading exists
    section = re.search(r"README\.md の「(.+?)」", text)
    assert section is not None
    assert f"## {section.group(1)}\n" in README.read_text(encoding="utf-8")
    # once there is a package, validate says which values to replace, each at its key
    assert cli("new", "datapackages/aed", "--template", "08", cwd=tmp_path).code == 0
    r = cli("validate", "--format", "json", cwd=tmp_path)
    assert r.code == 1
    flagged = {f["where"].get("key") for p in r.json["packages"] for f in p["findings"]
               if f["code"] == "config-placeholder" and f["severity"] == "error"}
    assert {"catalog.operator", "publishers[0].code", "publishers[0].name", "publishers[0].url",
            "catalog.base_url", "publishers[0].contact.email"} <= flagged


def _assert_readable(text: str, width: int) -> None:
    from rich.cells import cell_len

    for line in text.splitlines():
        if line.startswith(("┏", "┃", "┡", "│", "└")):  # the table; notes may run on, the terminal wraps them
            assert cell_len(line) <= width, line
            # a column squeezed to nothing shows as two borders side by side
            assert not re.search("[┳╇┃│┴┼╋][┳╇┃│┴┼╋]", line), line


@pytest.mark.parametrize("columns", ["80", None])
def test_inventory_fits_80_columns_and_a_pipe(cli, project: Path, monkeypatch: pytest.MonkeyPatch,
                                             columns: str | None) -> None:
    # the cli fixture captures output: not a terminal, as in a pipe (rich then uses $COLUMNS, else 80)
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    write(project / "datapackages" / "inventory.yaml", """
        datasets:
          - id: kiyose-a-rather-long-dataset-identifier-for-wrapping
            title: 清瀬市 とても長いタイトルのデータセット 令和2年度から令和6年度までの各年度の集計
            publisher: "132217"
            status: planned
            source: 清瀬市オープンデータ推進計画
    """)
    r = cli("inventory", cwd=project)
    assert r.code == 0, r.err
    _assert_readable(r.out, 80)
    flat = re.sub(r"[│┃\s]", "", r.out)
    for text in ("ID", "タイトル", "状態", "公開年度", "demo", "公開予定"):
        assert text in flat
    assert "省きました" in r.out and "--format csv か json" in r.out


def test_inventory_shows_every_column_when_wide(cli, project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    r = cli("inventory", cwd=project)
    assert r.code == 0, r.err
    _assert_readable(r.out, 200)
    assert "記載元" in r.out and "ライセンス" in r.out and "省きました" not in r.out
