"""The validation cache (validation/cache.py): an unchanged package is not validated again; any change
to what its report depends on is; a broken cache is only a miss."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from opendata_pub.config import Settings, load_config
from opendata_pub.findings import Finding, Layer, Location, PackageReport, Severity
from opendata_pub.validation import cache as cache_mod
from opendata_pub.validation.cache import CACHE_DIR, ValidationCache, default_cache_dir, tree_digest
from opendata_pub.validation.target import TargetInfo
from opendata_pub.validation.validator import Profile, validate_package

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "datapackages" / "kiyose-seisaku-hyoka-2020"


class Counting:
    """A validate function that records what it was asked and returns a fixed report."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, path: str | os.PathLike[str], settings: Settings | None = None, *,
                 profile: Profile = Profile.JP, target: TargetInfo | None = None) -> PackageReport:
        self.calls.append(Path(path).name)
        finding = Finding("metadata-recommended", "推奨項目がありません", Severity.WARNING,
                          Location(file=str(path), key="resources[0].bytes"), Layer.METADATA, "t",
                          {"property": "bytes", "n": 3}, hint="build で記録できます")
        return PackageReport(path=str(path), name=Path(path).name, findings=[finding], checked=["descriptor", "data"])


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "datapackages").mkdir(parents=True)
    shutil.copy(REPO / "opendata.yaml", root / "opendata.yaml")
    for name in ("a", "b", "c"):
        shutil.copytree(TEMPLATE, root / "datapackages" / name)
    return root


def _settings(project: Path) -> Settings:
    return load_config(project / "opendata.yaml")


def _validate(project: Path, name: str, fn: Counting, settings: Settings | None = None) -> PackageReport:
    settings = settings or _settings(project)
    folder = default_cache_dir(settings)
    assert folder is not None
    return ValidationCache(folder).validate(project / "datapackages" / name, settings, validate=fn)


def test_unchanged_package_is_served_from_the_cache(project: Path) -> None:
    fn = Counting()
    first = _validate(project, "a", fn)
    second = _validate(project, "a", fn)
    assert fn.calls == ["a"]
    assert second == first


@pytest.mark.parametrize("what", ["descriptor", "data", "new-file", "removed-file"])
def test_any_byte_change_validates_again(project: Path, what: str) -> None:
    fn = Counting()
    _validate(project, "a", fn)
    pkg = project / "datapackages" / "a"
    if what == "descriptor":
        path = pkg / "datapackage.yaml"
        text = path.read_bytes()
        path.write_bytes(text.replace(b"version: 1.0.0", b"version: 1.0.1"))  # same size, one byte differs
    elif what == "data":
        path = pkg / "data" / "narratives.csv"
        data = path.read_bytes()
        path.write_bytes(data[:-2] + bytes([data[-2] ^ 1]) + data[-1:])
    elif what == "new-file":
        (pkg / "data" / "extra.json").write_text("{}")
    else:
        (pkg / "data" / "challenges.csv").unlink()
    _validate(project, "a", fn)
    assert fn.calls == ["a", "a"]


def test_same_stat_different_bytes_is_caught(project: Path) -> None:
    """A write in the same clock tick as the lookup keeps size and mtime: a file that recent is hashed,
    its stat signature not trusted."""
    fn = Counting()
    path = project / "datapackages" / "a" / "data" / "costs.csv"
    path.write_bytes(path.read_bytes())  # written just now, as by an editor a moment before publish
    _validate(project, "a", fn)
    st = path.stat()
    data = path.read_bytes()
    path.write_bytes(data[:-2] + bytes([data[-2] ^ 1]) + data[-1:])
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    _validate(project, "a", fn)
    assert fn.calls == ["a", "a"]


def test_toolkit_settings_profile_and_target_are_part_of_the_key(project: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    fn = Counting()
    settings = _settings(project)
    cache = ValidationCache(project / CACHE_DIR)
    pkg = project / "datapackages" / "a"
    cache.validate(pkg, settings, validate=fn)
    cache.validate(pkg, settings, validate=fn)
    assert len(fn.calls) == 1
    monkeypatch.setattr(cache_mod, "toolkit_fingerprint", lambda: "another toolkit")
    cache.validate(pkg, settings, validate=fn)
    assert len(fn.calls) == 2
    changed = dataclasses.replace(settings, catalog=dataclasses.replace(settings.catalog, title="別のカタログ"))
    cache.validate(pkg, changed, validate=fn)
    assert len(fn.calls) == 3
    cache.validate(pkg, changed, profile=Profile.NONE, validate=fn)
    assert len(fn.calls) == 4
    cache.validate(pkg, changed, target=TargetInfo("https://ckan.example.jp", "ckan", settings=changed), validate=fn)
    assert len(fn.calls) == 5
    cache.validate(pkg, changed, validate=fn)  # the first combination again: still cached
    assert len(fn.calls) == 5


def test_toolkit_fingerprint_covers_version_and_shapes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shapes = cache_mod.TOOLKIT_ROOT / "resources" / "shacl" / "dcat-ap-3.0.1" / "html_shacl_shapes.ttl"
    assert shapes.is_file() and (cache_mod.TOOLKIT_ROOT / "vocab" / "shapes.ttl").is_file()
    copy = tmp_path / "toolkit"
    shutil.copytree(cache_mod.TOOLKIT_ROOT / "resources", copy / "resources")
    shutil.copytree(cache_mod.TOOLKIT_ROOT / "vocab", copy / "vocab")
    before = tree_digest(copy)
    target = copy / "vocab" / "shapes.ttl"
    target.write_text(target.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert tree_digest(copy) != before
    fingerprint = cache_mod.toolkit_fingerprint.__wrapped__
    now = fingerprint()
    monkeypatch.setattr(cache_mod, "__version__", "999.0")
    assert fingerprint() != now


def test_corrupt_or_foreign_entries_are_ignored(project: Path) -> None:
    fn = Counting()
    _validate(project, "a", fn)
    entries = list((project / CACHE_DIR / "validation").glob("*.json"))
    assert len(entries) == 1
    for junk in (b"\x00\xff not json", b'{"format": 999}', b"[]", b'{"format": 1, "context": 3}'):
        entries[0].write_bytes(junk)
        _validate(project, "a", fn)
    assert fn.calls == ["a"] * 5
    _validate(project, "a", fn)  # the last miss wrote a good entry again
    assert len(fn.calls) == 5


def test_one_changed_among_several_validates_only_that_one(project: Path) -> None:
    fn = Counting()
    for name in ("a", "b", "c"):
        _validate(project, name, fn)
    path = project / "datapackages" / "b" / "data" / "programs.csv"
    path.write_bytes(path.read_bytes() + b"\n")
    for name in ("a", "b", "c"):
        _validate(project, name, fn)
    assert fn.calls == ["a", "b", "c", "b"]


def test_a_real_report_reads_back_equal(project: Path) -> None:
    settings = _settings(project)
    calls: list[str] = []

    def real(path: str | os.PathLike[str], settings: Settings | None = None, *, profile: Profile = Profile.JP,
             target: TargetInfo | None = None) -> PackageReport:
        calls.append(str(path))
        return validate_package(path, settings, profile=profile, target=target)

    cache = ValidationCache(project / CACHE_DIR)
    first = cache.validate(project / "datapackages" / "a", settings, validate=real)
    second = cache.validate(project / "datapackages" / "a", settings, validate=real)
    assert len(calls) == 1 and cache.hits == 1
    assert second == first and second.to_dict() == first.to_dict()


def test_cache_is_in_the_project_and_ignored_by_git(project: Path) -> None:
    settings = _settings(project)
    assert default_cache_dir(settings) == project / ".opendata-pub" / "cache"
    assert ".opendata-pub/cache/" in (REPO / ".gitignore").read_text().splitlines()
    _validate(project, "a", Counting())
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=project, check=True,
                            capture_output=True, text=True).stdout
    assert "datapackages/a/" in status  # git sees the project's files …
    assert ".opendata-pub" not in status  # … but not the cache


def test_without_a_project_the_cache_is_the_users_never_the_served_folder(monkeypatch: pytest.MonkeyPatch,
                                                                          tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir(None) == tmp_path / "xdg" / "opendata-pub" / "validation"
    assert default_cache_dir(None, "/srv/site") == tmp_path / "xdg" / "opendata-pub" / "validation"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_dir(None) == tmp_path / "home" / ".cache" / "opendata-pub" / "validation"


def test_a_file_changed_while_validating_is_not_trusted_next_time(project: Path) -> None:
    """store() keeps the sums hashed at lookup: content that changed after the lookup, while the
    package was being validated elsewhere, is a miss next time, never a hit on unvalidated bytes."""
    settings = _settings(project)
    folder = default_cache_dir(settings)
    assert folder is not None
    cache = ValidationCache(folder)
    pkg = project / "datapackages" / "a"
    found = cache.lookup(pkg, settings)
    assert found.report is None and found.files is not None
    csv = next((pkg / "data").glob("*.csv"))
    csv.write_bytes(csv.read_bytes() + b"\n")  # changed during the validation
    cache.store(found, Counting()(pkg, settings))
    again = ValidationCache(folder).lookup(pkg, settings)
    assert again.report is None
    unchanged = ValidationCache(folder)
    unchanged.store(again, Counting()(pkg, settings))
    assert ValidationCache(folder).lookup(pkg, settings).report is not None
