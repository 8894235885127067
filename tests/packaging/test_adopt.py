"""``opendata-pub new --from FILE PACKAGE_DIR``: an existing CSV adopted as a valid, hashed package
(issue 14) — the library verb, and the command with its refusals."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from opendata_pub import actions
from opendata_pub.config import load_config
from opendata_pub.errors import InputError, UsageError
from opendata_pub.packaging import adopt
from opendata_pub.yamlio import parse_yaml
from tests.conftest import no_traceback
from tests.projectfiles import KIYOSE, as_yaml, config

JP_CSV = Path(__file__).resolve().parents[1] / "fixtures" / "jp-csv"
AED = JP_CSV / "yaizu_aed_utf8.csv"
YAIZU = {"code": "222127", "name": "焼津市", "license": "PDL-1.0",
         "contact": {"name": "情報政策課", "email": "opendata@example.lg.jp"}}


@pytest.fixture
def proj(tmp_path: Path) -> Path:
    """A project whose operator is 清瀬市 and which also publishes for 焼津市."""
    (tmp_path / "opendata.yaml").write_text(as_yaml(config(KIYOSE, YAIZU)), encoding="utf-8")
    (tmp_path / "datapackages").mkdir()
    return tmp_path


def _sha256(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def _descriptor(package: Path) -> dict:
    return parse_yaml((package / "datapackage.yaml").read_text(encoding="utf-8"))


def test_yaizu_aed_becomes_a_valid_hashed_package_in_one_command(cli, proj: Path) -> None:
    r = cli("new", "--from", str(AED), "datapackages/yaizu-aed", "--format", "json", cwd=proj)
    assert r.code == 0, r.out + r.err
    out = json.loads(r.out)
    assert out["standard"] == "jp-ods-08-aed"
    assert out["variant"] == "suisho"  # the file is in the old 推奨データセット layout
    assert out["report"]["valid"] is True
    findings = [f for p in out["report"]["packages"] for f in p["findings"]]
    assert not [f for f in findings if f["severity"] == "error"], findings
    assert not [f for f in findings if f.get("params", {}).get("property") in {"bytes", "hash"}], findings
    package = proj / "datapackages" / "yaizu-aed"
    copied = package / "data" / AED.name
    assert copied.read_bytes() == AED.read_bytes()  # byte for byte, never re-encoded
    resource = _descriptor(package)["resources"][0]
    assert resource["hash"] == _sha256(AED) == out["hash"]
    assert resource["bytes"] == AED.stat().st_size
    assert resource["schema"]["standard"] == "jp-ods-08-aed"
    assert resource["schema"]["standardVariant"] == "suisho"
    # the fields keep the file's own headers, each naming the current standard field it stands for
    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    assert fields["住所"]["standardField"] == "所在地_連結表記"
    assert fields["都道府県コード又は市区町村コード"]["standardField"] == "全国地方公共団体コード"


def test_the_publisher_comes_from_the_files_code_column(proj: Path) -> None:
    settings = actions.load_settings(proj / "opendata.yaml")
    result = actions.new_from(AED, proj / "datapackages" / "aed", settings=settings)
    d = result.adopted.descriptor
    assert settings.catalog.operator == "132217"  # the operator is 清瀬市 …
    assert d["publisher"] == "222127"  # … but the file is 焼津市's, and opendata.yaml knows it
    assert d["spatial"] == ["222127"]
    assert d["title"] == "焼津市 AED設置箇所一覧"
    assert d["licenses"][0]["name"] == "PDL-1.0"
    assert result.report.valid, [str(f) for f in result.report.errors]


def test_an_unregistered_code_names_the_place_but_not_the_publisher(tmp_path: Path) -> None:
    (tmp_path / "opendata.yaml").write_text(as_yaml(config(KIYOSE)), encoding="utf-8")
    settings = load_config(tmp_path / "opendata.yaml")
    result = adopt.adopt_file(AED, tmp_path / "aed", settings)
    assert result.descriptor["publisher"] == "132217"  # the operator publishes it
    assert result.descriptor["spatial"] == ["222127"]  # about 焼津市
    assert result.descriptor["title"].startswith("焼津市")


@pytest.mark.parametrize("name, encoding", [
    ("yaizu_nouen_shift_jis.csv", "cp932"),
    ("yaizu_tourism_meals_utf8_bom.csv", "utf-8-sig"),
    ("yaizu_yakumo_map_cp932.csv", "cp932"),
])
def test_a_file_of_no_standard_gets_its_inferred_schema(proj: Path, name: str, encoding: str) -> None:
    settings = load_config(proj / "opendata.yaml")
    source = JP_CSV / name
    result = actions.new_from(source, proj / "datapackages" / "adopted", settings=settings)
    assert result.adopted.standard is None
    resource = result.adopted.descriptor["resources"][0]
    assert resource["encoding"] == encoding
    assert resource["hash"] == _sha256(source)
    assert (proj / "datapackages" / "adopted" / resource["path"]).read_bytes() == source.read_bytes()
    assert "standard" not in resource["schema"]
    assert len(resource["schema"]["fields"]) == len(result.adopted.description.header)
    assert result.report.valid, [str(f) for f in result.report.errors]


def test_template_names_the_standard_when_the_header_alone_does_not(proj: Path) -> None:
    source = proj / "aed.csv"
    source.write_text("名称,設置位置,メモ\n市役所,1階ロビー,\n", encoding="utf-8")
    settings = load_config(proj / "opendata.yaml")
    assert actions.new_from(source, proj / "datapackages" / "plain", settings=settings).adopted.standard is None
    result = actions.new_from(source, proj / "datapackages" / "named", settings=settings, template="AED")
    assert result.adopted.standard == "jp-ods-08-aed"
    codes = {f.code for f in result.report.errors}
    # the standard's required columns the file lacks are findings, not a refusal: the package is there
    assert "standard-required-column-missing" in codes
    assert (proj / "datapackages" / "named" / "datapackage.yaml").is_file()


def test_an_unsafe_file_name_becomes_the_national_file_name(proj: Path) -> None:
    source = proj / "AED一覧 (2024).csv"
    source.write_bytes(AED.read_bytes())
    result = actions.new_from(source, proj / "datapackages" / "aed", settings=load_config(proj / "opendata.yaml"))
    assert result.adopted.descriptor["resources"][0]["path"] == "data/222127_aed.csv"


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("make, args, code, message", [
    (lambda d: (d / "x.xlsx").write_bytes(b"PK\x03\x04"), ("x.xlsx", "datapackages/p"), 2, "x.xlsx"),
    (lambda d: None, ("missing.csv", "datapackages/p"), 1, "missing.csv"),
    (lambda d: (d / "bin.csv").write_bytes(bytes(range(256)) * 8), ("bin.csv", "datapackages/p"), 1, "bin.csv"),
    (lambda d: (d / "empty.csv").write_bytes(b""), ("empty.csv", "datapackages/p"), 1, "empty.csv"),
    (lambda d: (d / "ok.csv").write_text("a,b\n1,2\n"), ("ok.csv", "datapackages/Bad Name"), 2, "Bad Name"),
    (lambda d: (d / "ok.csv").write_text("a,b\n1,2\n"), ("ok.csv", "datapackages/p", "--template", "99"), 2, "99"),
])
def test_refusals_are_one_line_and_write_nothing(cli, proj: Path, make, args, code: int, message: str) -> None:
    make(proj)
    before = _leftovers(proj / "datapackages")
    r = cli("new", "--from", *args, cwd=proj)
    assert r.code == code, r.out + r.err
    assert message in r.err.splitlines()[0]
    assert no_traceback(r.err)
    assert _leftovers(proj / "datapackages") == before


def test_an_existing_folder_is_never_touched(cli, proj: Path) -> None:
    existing = proj / "datapackages" / "aed"
    existing.mkdir()
    (existing / "keep.txt").write_text("mine")
    r = cli("new", "--from", str(AED), "datapackages/aed", cwd=proj)
    assert r.code == 2 and "すでにあります" in r.err
    assert _leftovers(existing) == ["keep.txt"]


def test_a_failure_while_writing_leaves_nothing_half_written(proj: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object, **__: object) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(adopt, "dump_yaml", broken)
    with pytest.raises(InputError, match="パッケージを書けません"):
        adopt.adopt_file(AED, proj / "datapackages" / "aed", load_config(proj / "opendata.yaml"))
    assert _leftovers(proj / "datapackages") == []


def test_new_needs_template_or_from(cli, proj: Path) -> None:
    r = cli("new", "datapackages/p", cwd=proj)
    assert r.code == 2 and "--template か --from" in r.err
    assert no_traceback(r.err)


def test_unknown_template_is_a_usage_error_before_reading_the_file(proj: Path) -> None:
    with pytest.raises(UsageError, match="見つかりません"):
        adopt.adopt_file(proj / "not-read.csv", proj / "datapackages" / "p", load_config(proj / "opendata.yaml"),
                         template="no such standard")
