"""Real municipal CSV files of the 自治体標準オープンデータセット (and the older 推奨データセット).

The files in tests/fixtures/standards/ were copied byte for byte from public repositories (see
ATTRIBUTION.md there); manifest.json says, per file, which standard and layout it follows (variant
"suisho" for the old 推奨 layout, null for the current one), its encoding, SHA-256, data rows,
publisher and whether we believe the data itself is right ("valid"; "note" says why not).

For each file: the bytes are unchanged; ``describe_file`` recognises its standard and layout; and,
when the data is right, adopting it (``actions.new_from``) gives a package with no errors.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from opendata_pub import actions
from opendata_pub.config import Settings, parse_config
from opendata_pub.packaging.describe import describe_file
from tests.projectfiles import CATALOG, config, publisher

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "standards"
MANIFEST = FIXTURES / "manifest.json"

STANDARDS = {
    "jp-ods-01-public-facility",
    "jp-ods-03-evacuation-space",
    "jp-ods-06-open-data-list",
    "jp-ods-08-aed",
    "jp-ods-17-school-district",
    "jp-ods-27-polling-place",
}
KEYS = {"file", "standard", "variant", "encoding", "sha256", "rows", "publisher", "valid"}


def _entries() -> list[dict[str, Any]]:
    data = json.loads(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


ENTRIES = _entries()
VALID = [e for e in ENTRIES if e["valid"] is True]


def _id(entry: dict[str, Any]) -> str:
    return str(entry["file"])


def _settings(entry: dict[str, Any], root: Path) -> Settings:
    """A test project whose one publisher (and catalog operator) is the file's municipality."""
    code = entry["publisher"]
    pub = publisher({"code": code, "name": entry.get("publisherName") or code,
                     "license": entry.get("license") or "CC-BY-4.0",
                     "contact": {"name": "テスト課", "email": "opendata@example.lg.jp"}})
    data = config(pub, catalog={**CATALOG, "operator": code})
    return parse_config(data, path=str(root / "opendata.yaml"), root=root)


# --------------------------------------------------------------------------- the manifest itself

def test_manifest_lists_every_fixture_and_at_least_six() -> None:
    on_disk = sorted(p.name for p in FIXTURES.glob("*.csv"))
    listed = sorted(e["file"] for e in ENTRIES)
    assert listed == on_disk, "manifest.json and the CSV files in the folder differ"
    assert len(set(listed)) == len(listed), "a file is listed twice"
    assert len(ENTRIES) >= 6
    attribution = (FIXTURES / "ATTRIBUTION.md").read_text(encoding="utf-8")
    for e in ENTRIES:
        assert KEYS <= set(e), f"{e.get('file')}: missing {sorted(KEYS - set(e))}"
        assert e["standard"] in STANDARDS, e
        assert e["variant"] in (None, "suisho"), e
        assert isinstance(e["valid"], bool), e
        assert e["valid"] or e.get("note"), f"{e['file']}: an invalid file says why in note"
        assert len(e["publisher"]) == 6 and e["publisher"].isdigit(), e
        assert e["file"] in attribution, f"{e['file']} has no entry in ATTRIBUTION.md"


def test_the_parametrised_tests_cover_every_entry() -> None:
    # the per-file tests below are generated from ENTRIES / VALID: nothing is filtered out silently
    assert [_id(e) for e in ENTRIES] == [e["file"] for e in _entries()]
    assert [e["file"] for e in VALID] == [e["file"] for e in _entries() if e["valid"]]
    assert len(VALID) >= 6


# --------------------------------------------------------------------------- per file

@pytest.mark.parametrize("entry", ENTRIES, ids=_id)
def test_bytes_are_as_published(entry: dict[str, Any]) -> None:
    data = (FIXTURES / entry["file"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == entry["sha256"], (
        f"{entry['file']} changed (line endings or re-encoding?): fixtures must stay byte for byte")


@pytest.mark.parametrize("entry", ENTRIES, ids=_id)
def test_describe_recognises_the_standard_and_layout(entry: dict[str, Any]) -> None:
    d = describe_file(FIXTURES / entry["file"])
    found = d.standard
    assert found is not None, f"{entry['file']}: no standard recognised (expected {entry['standard']})"
    assert found["id"] == entry["standard"], f"{entry['file']}: recognised as {found['id']}"
    variant = (found.get("variant") or {}).get("id")
    assert variant == entry["variant"], (
        f"{entry['file']}: layout {variant!r}, expected {entry['variant']!r} (suisho = old 推奨 layout)")


@pytest.mark.parametrize("entry", VALID, ids=_id)
def test_adopting_a_valid_file_gives_a_valid_package(entry: dict[str, Any], tmp_path: Path) -> None:
    settings = _settings(entry, tmp_path)
    result = actions.new_from(FIXTURES / entry["file"], tmp_path / "pkg", settings=settings)
    errors = result.report.errors
    shown = "\n".join(str(f) for f in errors[:40])
    more = f"\n… and {len(errors) - 40} more" if len(errors) > 40 else ""
    assert not errors, f"{entry['file']}: {len(errors)} error(s)\n{shown}{more}"
