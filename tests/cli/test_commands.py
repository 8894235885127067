from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES, listing, no_traceback


def test_help_and_version(cli, tmp_path: Path) -> None:
    r = cli("--help", cwd=tmp_path)
    assert r.code == 0
    for command in ("init", "describe", "validate"):
        assert command in r.out
    r = cli("--version", cwd=tmp_path)
    assert r.code == 0 and "0." in r.out


def test_python_dash_m_runs_the_same_cli(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "opendata_pub", "describe", "missing.csv"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "missing.csv" in proc.stderr
    assert no_traceback(proc.stderr)


def test_init_writes_config_and_folder(cli, tmp_path: Path) -> None:
    r = cli("init", "proj", cwd=tmp_path)
    assert r.code == 0
    assert (tmp_path / "proj/opendata.yaml").is_file()
    assert (tmp_path / "proj/datapackages").is_dir()
    # a second init refuses to overwrite, and changes nothing
    before = (tmp_path / "proj/opendata.yaml").read_bytes()
    r = cli("init", "proj", cwd=tmp_path)
    assert r.code == 2 and "--force" in r.err
    assert (tmp_path / "proj/opendata.yaml").read_bytes() == before
    # the starter config is usable as is
    r = cli("validate", cwd=tmp_path / "proj")
    assert r.code == 2 and "データパッケージがありません" in r.err


def test_init_into_a_file_fails_cleanly(cli, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    r = cli("init", "afile", cwd=tmp_path)
    assert r.code == 2
    assert listing(tmp_path) == {"afile"}


def test_describe_json_keeps_codes_as_strings(cli, tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("団体コード,郵便番号,電話番号,人口\n082112,0123456,029-000-0000,61000\n"
                                    "132217,2040001,042-000-0000,74000\n", encoding="utf-8")
    r = cli("describe", "t.csv", "--format", "json", cwd=tmp_path)
    assert r.code == 0
    types = {f["name"]: f["type"] for f in r.json["schema"]["fields"]}
    assert types == {"団体コード": "string", "郵便番号": "string", "電話番号": "string", "人口": "integer"}
    assert r.json["encoding"]["encoding"] == "utf-8"


def test_describe_real_csvs(cli) -> None:
    expected = {
        "yaizu_nouen_shift_jis.csv": ("cp932", "cp932"),
        "yaizu_yakumo_map_cp932.csv": ("cp932", "cp932"),
        "yaizu_tourism_meals_utf8_bom.csv": ("utf-8-sig", "bom"),
        "yaizu_aed_utf8.csv": ("utf-8", "utf-8"),
    }
    for name, (encoding, rule) in expected.items():
        r = cli("describe", str(FIXTURES / "jp-csv" / name), "--format", "json")
        assert r.code == 0, r.err
        assert (r.json["encoding"]["encoding"], r.json["encoding"]["rule"]) == (encoding, rule), name
        names = [f["name"] for f in r.json["schema"]["fields"]]
        assert "緯度" in names and "経度" in names, name
        types = {f["name"]: f["type"] for f in r.json["schema"]["fields"]}
        assert types["緯度"] == "number" and types["経度"] == "number"
        if "都道府県コード又は市区町村コード" in types:
            assert types["都道府県コード又は市区町村コード"] == "string"
    cp = cli("describe", str(FIXTURES / "jp-csv" / "yaizu_nouen_shift_jis.csv"), "--format", "json").json
    assert isinstance(cp["encoding"]["utf8_error_offset"], int)


def test_describe_text_output(cli) -> None:
    r = cli("describe", str(FIXTURES / "jp-csv" / "yaizu_yakumo_map_cp932.csv"))
    assert r.code == 0
    assert "cp932" in r.out and "名称" in r.out


def test_describe_recognises_standard_dataset(cli) -> None:
    r = cli("describe", str(FIXTURES / "jp-csv" / "yaizu_aed_utf8.csv"), "--format", "json")
    assert r.code == 0
    std = r.json["standard"]
    assert std["id"] == "jp-ods-08-aed"
    assert std["mapping"]["緯度"] == "緯度"
    assert [f["name"] for f in std["schema"]["fields"]][:2] == ["都道府県コード又は市区町村コード", "NO"]
    text = cli("describe", str(FIXTURES / "jp-csv" / "yaizu_aed_utf8.csv")).out
    assert "AED設置箇所一覧" in text and "jp-ods-08-aed" in text
    other = cli("describe", str(FIXTURES / "jp-csv" / "yaizu_nouen_shift_jis.csv"), "--format", "json").json
    assert "standard" not in other


def test_python_api_exports_every_verb() -> None:
    from opendata_pub import actions

    for name in actions.__all__:
        assert callable(getattr(actions, name)), name
    assert {"validate", "describe", "build", "import_evaluations", "plan", "apply", "publish", "pull_dataset",
            "package_graph"} <= set(actions.__all__)


def test_help_lists_every_command(cli, tmp_path: Path) -> None:
    from opendata_pub.cli import app

    commands = sorted(app.commands)  # derived from the CLI itself, never a copied list
    assert len(commands) >= 10
    r = cli("--help", cwd=tmp_path)
    listed = [c for c in commands if any(line.split()[:1] == [c] for line in r.out.splitlines())]
    assert listed == commands
