from __future__ import annotations

from pathlib import Path

from opendata_pub.config import load_config
from opendata_pub.validation.validator import Profile, validate_package
from tests.conftest import write


def _set(project: Path, old: str, new: str) -> None:
    desc = project / "datapackages/demo/datapackage.yaml"
    text = desc.read_text(encoding="utf-8")
    assert old in text
    desc.write_text(text.replace(old, new), encoding="utf-8")


def _report(project: Path, profile: Profile = Profile.JP):
    return validate_package(project / "datapackages/demo", load_config(project / "opendata.yaml"), profile=profile)


def test_good_package_has_no_metadata_findings(project: Path) -> None:
    rep = _report(project)
    assert [f for f in rep.findings if f.layer.value == "metadata"] == []
    assert rep.valid


def test_licence_and_contact_default_from_publisher(project: Path) -> None:
    # the descriptor names neither; opendata.yaml's publisher supplies both
    rep = _report(project)
    assert not any(f.where.key in ("licenses", "contactPoint") for f in rep.findings)


def test_missing_mandatory_is_error_recommended_is_warning(project: Path) -> None:
    _set(project, "description: テスト用のデータパッケージ\n", "")
    _set(project, "keywords: [テスト, デモ]\n", "")
    rep = _report(project)
    missing = [(f.code, f.severity.value, f.where.key) for f in rep.findings if f.layer.value == "metadata"]
    assert ("metadata-missing", "error", "description") in missing
    assert ("metadata-recommended", "warning", "keywords") in missing
    assert not rep.valid


def test_licence_required_when_no_default(project: Path) -> None:
    cfg = project / "opendata.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("    license: PDL-1.0\n", ""), encoding="utf-8")
    rep = _report(project)
    assert any(f.code == "metadata-missing" and f.where.key == "licenses" for f in rep.findings)


def test_bad_values(project: Path) -> None:
    _set(project, 'spatial: ["132217"]', 'spatial: ["132218"]')
    _set(project, "themes: [GOVE]", "themes: [GOVERNMENT]")
    _set(project, "temporal: {start: 2020-04-01, end: 2021-03-31}", "temporal: {start: 2021-04-01, end: 2020-03-31}")
    _set(project, "accrualPeriodicity: ANNUAL", "accrualPeriodicity: yearly")
    _set(project, "issued: 2021-10-01", "issued: 令和3年10月1日")
    _set(project, "language: [ja]", "language: [jpn]")
    rep = _report(project)
    bad = {f.where.key for f in rep.findings if f.code == "metadata-invalid"}
    assert bad >= {"spatial[0]", "themes[0]", "temporal", "accrualPeriodicity", "issued", "language[0]"}


def test_unknown_publisher_code(project: Path) -> None:
    _set(project, 'publisher: "132217"', 'publisher: "131083"')
    rep = _report(project)
    msgs = [f.message for f in rep.findings if f.where.key == "publisher"]
    assert any("131083" in m and "名称がわかりません" in m for m in msgs)


def test_unknown_licence(project: Path) -> None:
    _set(project, "language: [ja]\n", "language: [ja]\nlicenses: [{name: CC-BY-NC-4.0, path: "
         "'https://creativecommons.org/licenses/by-nc/4.0/'}]\n")
    rep = _report(project)
    assert any(f.code == "metadata-invalid" and f.where.key == "licenses[0]" for f in rep.findings)


def test_profile_none_checks_data_only(project: Path) -> None:
    _set(project, "description: テスト用のデータパッケージ\n", "")
    rep = _report(project, Profile.NONE)
    assert rep.valid
    assert "metadata" not in rep.checked


def test_hash_mismatch_is_found(project: Path) -> None:
    data = (project / "datapackages/demo/data/towns.csv").read_bytes()
    (project / "datapackages/demo/data/towns.csv").write_bytes(data.replace(b"74000", b"74001"))
    rep = _report(project)
    assert "hash-count" in {f.code for f in rep.findings}
    assert not rep.valid


def test_foreign_package_without_config(tmp_path: Path) -> None:
    write(tmp_path / "p/datapackage.json", '{"name": "p", "resources": [{"name": "r", "path": "r.csv"}]}')
    write(tmp_path / "p/r.csv", "a,b\n1,2\n")
    rep = validate_package(tmp_path / "p", None)
    codes = {f.code for f in rep.findings}
    assert "metadata-missing" in codes  # title, description, publisher, licence
    assert validate_package(tmp_path / "p", None, profile=Profile.NONE).valid
