"""`evaluation template`: exit codes, --force, --from, JSON output, and a written file that reads back."""

from __future__ import annotations

import json
from pathlib import Path

from opendata_pub.records import dump_record
from opendata_pub.records.template import is_template, read_template
from opendata_pub.records.workbook import read_workbook

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = sorted(p.parents[2] for p in ROOT.glob("datapackages/*/sources/evaluations/*.yaml"))


def test_writes_an_empty_template(cli, tmp_path: Path) -> None:
    r = cli("evaluation", "template", "-o", "t.xlsx", cwd=tmp_path)
    assert r.code == 0, r.err
    assert "t.xlsx" in r.out
    sheets = read_workbook(tmp_path / "t.xlsx")
    assert is_template(sheets)
    assert read_template(sheets) == ([], [])


def test_an_existing_output_needs_force(cli, tmp_path: Path) -> None:
    (tmp_path / "t.xlsx").write_bytes(b"keep")
    r = cli("evaluation", "template", "-o", "t.xlsx", cwd=tmp_path)
    assert r.code == 2
    assert "--force" in r.err and "Traceback" not in r.err
    assert (tmp_path / "t.xlsx").read_bytes() == b"keep"
    assert cli("evaluation", "template", "-o", "t.xlsx", "--force", cwd=tmp_path).code == 0
    assert is_template(read_workbook(tmp_path / "t.xlsx"))


def test_other_suffix_is_a_usage_error(cli, tmp_path: Path) -> None:
    r = cli("evaluation", "template", "-o", "t.csv", cwd=tmp_path)
    assert r.code == 2 and ".xlsx" in r.err
    assert not (tmp_path / "t.csv").exists()


def test_from_packages_round_trips(cli, tmp_path: Path) -> None:
    args = [a for p in PACKAGES for a in ("--from", str(p))]
    r = cli("evaluation", "template", "-o", str(tmp_path / "t.xlsx"), *args, "--format", "json")
    assert r.code == 0, r.err
    out = json.loads(r.out)
    assert out == {"written": str(tmp_path / "t.xlsx"), "from": [str(p) for p in PACKAGES]}
    records, findings = read_template(read_workbook(tmp_path / "t.xlsx"))
    assert findings == []
    originals = [f.read_text(encoding="utf-8") for p in PACKAGES for f in sorted(p.glob("sources/evaluations/*.yaml"))]
    assert [dump_record(r) for r in records] == originals


def test_unreadable_from_fails_and_writes_nothing(cli, tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("format: something-else\n", encoding="utf-8")
    r = cli("evaluation", "template", "-o", "t.xlsx", "--from", "bad.yaml", cwd=tmp_path)
    assert r.code == 1 and "bad.yaml" in r.err
    assert not (tmp_path / "t.xlsx").exists()


def test_missing_output_option_is_a_usage_error(cli, tmp_path: Path) -> None:
    assert cli("evaluation", "template", cwd=tmp_path).code == 2


def test_yaml_template_import_round_trip_through_the_cli(cli, tmp_path: Path) -> None:
    # YAML → template → `evaluation import` → the same YAML, for each repository package
    seen = 0
    for package in PACKAGES:
        original = next((package / "sources/evaluations").glob("*.yaml"))
        code = original.name.split("-")[0]
        book = tmp_path / f"{package.name}.xlsx"
        assert cli("evaluation", "template", "-o", str(book), "--from", str(package), cwd=tmp_path).code == 0
        r = cli("evaluation", "import", str(book), "-m", code, "-p", f"out/{package.name}", "--date", "2026-12-05",
                "--format", "json", cwd=tmp_path)
        assert r.code == 0, r.err
        assert r.json["layouts"] == ["opendata-pub-evaluation-template"]
        back = tmp_path / "out" / package.name / "sources/evaluations" / original.name
        assert back.read_bytes() == original.read_bytes()
        seen += 1
    assert seen == 3
