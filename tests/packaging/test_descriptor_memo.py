"""Parsed YAML descriptors kept between runs (packaging/descriptor_memo.py): a memo answers with exactly
what parsing gives, only for the same text and toolkit, and a bad entry is a miss, never an error."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from opendata_pub.config import load_config
from opendata_pub.errors import InputError
from opendata_pub.packaging import package as package_module
from opendata_pub.packaging.descriptor_memo import FileDescriptorMemo
from opendata_pub.packaging.package import load_descriptor, load_package
from opendata_pub.packaging.project import discover_packages
from opendata_pub.portals import StaticTarget, apply_plan, plan_packages
from tests.conftest import write
from tests.projectfiles import KIYOSE, KIYOSE_URL, as_yaml, config, publisher

from ..portals.helpers import CSV, make_package, set_csv

REPO = Path(__file__).resolve().parents[2]
REPOSITORY_DESCRIPTORS = sorted((REPO / "datapackages").glob("*/datapackage.yaml"))


class _Parses:
    """Counts the YAML parses load_descriptor makes (a memo hit makes none)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        self.names: list[object] = []
        real = package_module.parse_yaml

        def counted(text: str):  # type: ignore[no-untyped-def]
            self.count += 1
            data = real(text)
            self.names.append(data.get("name") if isinstance(data, dict) else None)
            return data

        monkeypatch.setattr(package_module, "parse_yaml", counted)


def _dumped(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)  # key order included


def test_the_repository_packages_read_back_exactly_and_without_parsing(tmp_path, monkeypatch):
    assert len(REPOSITORY_DESCRIPTORS) == 3
    parses = _Parses(monkeypatch)
    memo = FileDescriptorMemo(tmp_path / "memo", salt="toolkit-1")
    for path in REPOSITORY_DESCRIPTORS:
        plain = load_descriptor(path)
        first = load_descriptor(path, memo=memo)
        parsed = parses.count
        second = load_descriptor(path, memo=memo)
        assert parses.count == parsed, path  # the second read is the memo's
        assert _dumped(first) == _dumped(second) == _dumped(plain), path
        assert second is not first  # each caller gets its own dict to change
    assert (memo.hits, memo.misses) == (3, 3)
    assert len(list((tmp_path / "memo").glob("*.json"))) == 3
    assert (tmp_path / "memo" / ".gitignore").read_text(encoding="utf-8").endswith("\n*\n")  # never committed


def test_another_text_or_toolkit_is_parsed_again_and_one_entry_per_file(tmp_path, monkeypatch):
    pkg = make_package(tmp_path / "datapackages", "demo", {"towns": CSV})
    desc = pkg / "datapackage.yaml"
    memo = FileDescriptorMemo(tmp_path / "memo", salt="toolkit-1")
    load_descriptor(desc, memo=memo)
    set_csv(pkg, "towns", CSV + "131083,江東区,530000\n")
    parses = _Parses(monkeypatch)
    changed = load_descriptor(desc, memo=memo)
    assert parses.count == 1 and _dumped(changed) == _dumped(load_descriptor(desc))
    assert changed["resources"][0]["bytes"] == len((pkg / "data" / "towns.csv").read_bytes())
    assert len(list((tmp_path / "memo").glob("*.json"))) == 1  # the entry replaced, not added to
    other_toolkit = FileDescriptorMemo(tmp_path / "memo", salt="toolkit-2")
    load_descriptor(desc, memo=other_toolkit)
    assert (other_toolkit.hits, other_toolkit.misses, parses.count) == (0, 1, 3)  # 2: the plain read above


@pytest.mark.parametrize("entry", [
    "not json {",
    "[]",
    '{"key": "0000", "descriptor": {"name": "wrong"}}',
    None,  # the right key, but a descriptor that is not a mapping
    b"\xff\xfe",
])
def test_a_bad_entry_is_a_miss_and_is_written_again(tmp_path, monkeypatch, entry):
    pkg = make_package(tmp_path / "datapackages", "demo", {"towns": CSV})
    desc = pkg / "datapackage.yaml"
    memo = FileDescriptorMemo(tmp_path / "memo", salt="s")
    load_descriptor(desc, memo=memo)
    [stored] = (tmp_path / "memo").glob("*.json")
    if entry is None:
        key = json.loads(stored.read_text(encoding="utf-8"))["key"]
        stored.write_text(json.dumps({"key": key, "descriptor": ["name", "wrong"]}), encoding="utf-8")
    elif isinstance(entry, bytes):
        stored.write_bytes(entry)
    else:
        stored.write_text(entry, encoding="utf-8")
    parses = _Parses(monkeypatch)
    got = load_descriptor(desc, memo=memo)
    assert parses.count == 1 and got["name"] == "demo" and memo.misses == 2
    assert _dumped(json.loads(stored.read_text(encoding="utf-8"))["descriptor"]) == _dumped(got)
    assert load_descriptor(desc, memo=memo)["name"] == "demo" and memo.hits == 1


@pytest.mark.parametrize("value", ["!!binary aGVsbG8=", "!!set {a, b}", "!!omap [a: 1, b: 2]", '"\\ud800"'])
def test_a_value_json_would_change_is_not_kept(tmp_path, value):
    desc = write(tmp_path / "pkg" / "datapackage.yaml", f"name: demo\nresources: []\nx-odd: {value}\n")
    memo = FileDescriptorMemo(tmp_path / "memo", salt="s")
    first = load_descriptor(desc, memo=memo)
    second = load_descriptor(desc, memo=memo)
    assert first == second == load_descriptor(desc)
    assert type(first["x-odd"]) is type(load_descriptor(desc)["x-odd"])
    assert memo.hits == 0 and not [p for p in (tmp_path / "memo").rglob("*") if p.is_file()]  # no temp left


def test_a_yaml_error_is_the_same_error_and_nothing_is_kept(tmp_path):
    desc = write(tmp_path / "pkg" / "datapackage.yaml", "name: demo\nname: again\n")
    memo = FileDescriptorMemo(tmp_path / "memo", salt="s")
    with pytest.raises(InputError) as plain:
        load_descriptor(desc)
    with pytest.raises(InputError) as memoised:
        load_descriptor(desc, memo=memo)
    assert str(memoised.value) == str(plain.value) and "name" in str(plain.value)
    assert not (tmp_path / "memo").exists()


def test_a_json_descriptor_never_asks_the_memo(tmp_path):
    class Refuses:
        def get(self, path, text):  # type: ignore[no-untyped-def]
            raise AssertionError("asked")

        def put(self, path, text, descriptor):  # type: ignore[no-untyped-def]
            raise AssertionError("asked")

    desc = write(tmp_path / "pkg" / "datapackage.json", '{"name": "demo", "resources": []}')
    assert load_package(desc.parent, memo=Refuses()).name == "demo"


def test_a_memo_that_cannot_be_written_only_costs_time(tmp_path):
    pkg = make_package(tmp_path / "datapackages", "demo", {"towns": CSV})
    blocker = write(tmp_path / "memo", "a file where the folder should be")
    memo = FileDescriptorMemo(blocker, salt="s")
    assert load_package(pkg, memo=memo).name == "demo"
    assert load_package(pkg, memo=memo).name == "demo" and memo.hits == 0


def test_publishing_reads_unchanged_descriptors_from_the_memo(tmp_path, monkeypatch):
    root = tmp_path / "proj"
    write(root / "opendata.yaml", as_yaml(config(publisher(KIYOSE, url=KIYOSE_URL))))
    for name in ("demo", "other", "third"):
        make_package(root / "datapackages", name, {"towns": CSV})
    settings = load_config(root / "opendata.yaml")

    def publish() -> None:
        target = StaticTarget(tmp_path / "site", settings=settings)
        try:
            assert apply_plan(plan_packages(discover_packages(settings.packages_path), target,
                                            settings=settings), target).ok
        finally:
            target.close()

    publish()
    memo_folder = root / ".opendata-pub" / "cache" / "descriptors"
    assert len(list(memo_folder.glob("*.json"))) == 3
    set_csv(root / "datapackages" / "other", "towns", CSV + "131083,江東区,530000\n")
    parses = _Parses(monkeypatch)
    publish()  # one changed: the catalog level reads all three, the two unchanged from the memo
    assert "other" in parses.names and "demo" not in parses.names and "third" not in parses.names
    assert (tmp_path / "site" / "index.html").read_text(encoding="utf-8").count("demo") >= 1
    parsed_before = parses.count
    publish()  # nothing changed: nothing is parsed at all
    assert parses.count == parsed_before
    memoised = _files(tmp_path / "site")
    shutil.rmtree(tmp_path / "site")
    shutil.rmtree(root / ".opendata-pub")
    publish()  # without any cache, into a new folder: the same site, byte for byte
    assert _files(tmp_path / "site") == memoised


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and ".opendata-pub" not in p.relative_to(folder).as_posix()}
