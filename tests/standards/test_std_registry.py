"""The shipped standard schemas: they load in frictionless and carry what the registry promises."""

from __future__ import annotations

import re

import frictionless
import pytest

from opendata_pub.errors import UsageError
from opendata_pub.standards import list_standards, load_standard, standard_info
from opendata_pub.standards.matching import _index, header_key

IDS = [
    "jp-election-turnout",
    "jp-ods-01-public-facility",
    "jp-ods-03-evacuation-space",
    "jp-ods-06-open-data-list",
    "jp-ods-08-aed",
    "jp-ods-17-school-district",
    "jp-ods-27-polling-place",
]
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")


def test_list_standards_is_the_shipped_schemas_in_id_order() -> None:
    assert [s.id for s in list_standards()] == IDS


@pytest.mark.parametrize("sid", IDS)
def test_every_schema_loads_in_frictionless(sid: str) -> None:
    descriptor = load_standard(sid)
    schema = frictionless.Schema.from_descriptor(descriptor)
    assert [f.name for f in schema.fields] == [f["name"] for f in descriptor["fields"]]
    assert frictionless.Schema.validate_descriptor(descriptor).valid


@pytest.mark.parametrize("sid", IDS)
def test_every_schema_has_id_version_title_sources_and_japanese_fields(sid: str) -> None:
    d = load_standard(sid)
    assert d["id"] == sid
    assert SEMVER.match(d["version"])
    assert d["title"] and d["description"]
    assert d["sources"] and all(s.get("title") for s in d["sources"])
    assert d["official"] is False  # none of these is a copy of an official file
    for f in d["fields"]:
        assert f["title"] and f["description"], f["name"]
        assert f["obligation"] in {"required", "recommended", "optional"}
        assert (f["obligation"] == "required") == bool(f.get("constraints", {}).get("required")), f["name"]


@pytest.mark.parametrize("sid", [s for s in IDS if s.startswith("jp-ods-")])
def test_national_schemas_are_provisional_and_say_so(sid: str) -> None:
    d = load_standard(sid)
    info = standard_info(sid)
    # the official definition books could not be read: reconstructed, and marked as such
    assert d["provisional"] is True and info.provisional
    assert "暫定" in d["description"]
    assert info.number == d["standardNumber"] == sid.split("-")[2]


@pytest.mark.parametrize("sid", IDS)
def test_names_aliases_and_prefixes_never_collide_within_a_schema(sid: str) -> None:
    _index(sid)  # raises on a collision
    d = load_standard(sid)
    keys = [header_key(f["name"]) for f in d["fields"]]
    assert len(keys) == len(set(keys))


def test_load_standard_by_number_title_and_int() -> None:
    assert load_standard("08")["id"] == "jp-ods-08-aed"
    assert load_standard(8)["id"] == "jp-ods-08-aed"
    assert load_standard("8")["id"] == "jp-ods-08-aed"
    assert load_standard("AED設置箇所一覧")["id"] == "jp-ods-08-aed"
    assert load_standard(27)["id"] == "jp-ods-27-polling-place"
    assert load_standard("06")["id"] == "jp-ods-06-open-data-list"
    assert load_standard(17)["id"] == "jp-ods-17-school-district"


def test_load_standard_returns_a_fresh_copy() -> None:
    d = load_standard("jp-ods-08-aed")
    d["fields"].clear()
    assert load_standard("jp-ods-08-aed")["fields"]


def test_unknown_standard_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="標準データセット .* が見つかりません") as exc:
        load_standard("jp-ods-99-nothing")
    assert exc.value.hint and "jp-ods-08-aed" in exc.value.hint


def test_required_fields_are_as_documented() -> None:
    req = {s.id: s.required for s in list_standards()}
    assert req["jp-ods-08-aed"] == ("名称", "所在地_連結表記", "設置位置")
    assert req["jp-ods-27-polling-place"] == ("名称", "投票区名")
    assert req["jp-ods-06-open-data-list"] == ("データセット_タイトル",)
    # 印西市's real file has no 情報の管理主体_全国地方公共団体コード: recommended, not required
    assert req["jp-ods-17-school-district"] == ("学校名称",)
    assert req["jp-election-turnout"] == ("選挙名", "選挙期日", "投票区名", "当日有権者数_計", "投票者数_計", "投票率_計")


def test_turnout_schema_constraints() -> None:
    fields = {f["name"]: f for f in load_standard("jp-election-turnout")["fields"]}
    assert fields["選挙期日"]["type"] == "date"
    for sex in ("男", "女", "計"):
        assert fields[f"当日有権者数_{sex}"]["type"] == "integer"
        assert fields[f"当日有権者数_{sex}"]["constraints"]["minimum"] == 0
        assert fields[f"投票者数_{sex}"]["constraints"]["minimum"] == 0
        assert fields[f"投票率_{sex}"]["type"] == "number"
        assert fields[f"投票率_{sex}"]["constraints"] | {"required": True} == {
            "required": True, "minimum": 0, "maximum": 100}


def test_schema_files_ship_as_package_data() -> None:
    from importlib import resources

    folder = resources.files("opendata_pub.standards").joinpath("schemas")
    assert sorted(e.name for e in folder.iterdir() if e.name.endswith(".json")) == [f"{i}.json" for i in IDS]
