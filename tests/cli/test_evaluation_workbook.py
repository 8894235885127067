"""`evaluation import` of a workbook with no --layout, with --layout by name and by path, and
`evaluation layouts`."""

from __future__ import annotations

import json
from pathlib import Path

from opendata_pub.records.layouts import BUILTIN_DIR
from tests.conftest import no_traceback
from tests.records.workbook_factory import build_workbook, generate_programs


def test_import_workbook_without_layout(cli, tmp_path: Path) -> None:
    built = build_workbook(tmp_path / "jimu.xlsx", generate_programs(25))
    r = cli("evaluation", "import", str(built.path), "--municipality", "132217", "--name", "清瀬市",
            "--package", str(tmp_path / "pkg"), "--date", "2026-01-05", cwd=tmp_path)
    assert r.code == 0, r.err
    assert "gyosei-keiei-jimu-jigyo" in r.out and "ほか 5 件 (合計 25 件の評価)" in r.out
    assert len(list((tmp_path / "pkg/sources/evaluations").glob("*.yaml"))) == 25


def test_import_with_layout_by_name_and_by_path_json(cli, tmp_path: Path) -> None:
    built = build_workbook(tmp_path / "jimu.xlsx", generate_programs(3))
    mine = tmp_path / "mine.yaml"
    mine.write_text((BUILTIN_DIR / "gyosei-keiei-jimu-jigyo.yaml").read_text(encoding="utf-8").replace(
        "layout: gyosei-keiei-jimu-jigyo", "layout: mine"), encoding="utf-8")
    for layout, expected in (("gyosei-keiei-jimu-jigyo", "gyosei-keiei-jimu-jigyo"), ("mine.yaml", "mine")):
        r = cli("evaluation", "import", str(built.path), "-m", "132217", "--name", "清瀬市", "--layout", layout,
                "-p", str(tmp_path / f"pkg-{expected}"), "--date", "2026-01-05", "-f", "json", cwd=tmp_path)
        assert r.code == 0, r.err
        out = json.loads(r.out)
        assert out["layouts"] == [expected] and len(out["evaluations"]) == 3


def test_unknown_layout_and_broken_layout_file_are_one_line_errors(cli, tmp_path: Path) -> None:
    built = build_workbook(tmp_path / "jimu.xlsx", generate_programs(1))
    r = cli("evaluation", "import", str(built.path), "-m", "132217", "--name", "清瀬市", "--layout", "nope",
            "-p", str(tmp_path / "pkg"), cwd=tmp_path)
    assert r.code == 2 and "nope" in r.err and no_traceback(r.err)
    (tmp_path / "bad.yaml").write_text("layout: bad\nfields:\n  fiscal_year: 年度\n  colour: red\n", encoding="utf-8")
    r = cli("evaluation", "import", str(built.path), "-m", "132217", "--name", "清瀬市", "--layout", "bad.yaml",
            "-p", str(tmp_path / "pkg"), cwd=tmp_path)
    assert r.code != 0 and "bad.yaml:line 4: fields.colour" in r.err and no_traceback(r.err)
    assert not (tmp_path / "pkg").exists()


def test_layouts_lists_builtin_and_text_layouts(cli, tmp_path: Path) -> None:
    r = cli("evaluation", "layouts", cwd=tmp_path)
    assert r.code == 0 and "gyosei-keiei-jimu-jigyo" in r.out and "kiyose" in r.out
    r = cli("evaluation", "layouts", "-f", "json", cwd=tmp_path)
    data = json.loads(r.out)
    assert data["text"] == ["joso", "kiyose", "koto"]
    assert [w["name"] for w in data["workbook"]] == ["gyosei-keiei-jimu-jigyo"]
