"""Small pure parts: the mapping table, CKAN rules, the multipart body, retry policy, target resolution."""

from __future__ import annotations

import hashlib
import random
import tracemalloc
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path

import pytest

from opendata_pub.config import load_config
from opendata_pub.errors import ConfigError
from opendata_pub.metadata.properties import PROPERTIES
from opendata_pub.packaging.package import load_descriptor
from opendata_pub.portals import CkanTarget, RetryPolicy, resolve_target
from opendata_pub.portals.mapping import (
    ADDITIONS,
    MappingContext,
    dataset_rules,
    descriptor_from_ckan,
    resource_rules,
    rule_writes,
    to_ckan_dataset,
    to_ckan_resource,
)
from opendata_pub.portals.multipart import FileChangedError, FilePart, MultipartBody
from opendata_pub.portals.retry import parse_retry_after
from opendata_pub.portals.rules import dataset_name_problem, tag_problems

from .fake_ckan import GOOD_TOKEN


def _ctx(proj: Path) -> MappingContext:
    return MappingContext(load_config(proj / "opendata.yaml"), "kiyose", lambda lic, raw: lic.id if lic else raw)


# --- the mapping is driven by the property table ---------------------------------------------------
def test_every_property_with_a_ckan_column_has_a_rule():
    with_ckan = {(p.level, p.key) for p in PROPERTIES if p.ckan}
    ruled = {(r.prop.level, r.prop.key) for r in (*dataset_rules(), *resource_rules())}
    assert ruled == with_ckan


def test_rules_write_only_what_the_table_says(proj):
    ctx = _ctx(proj)
    desc = load_descriptor(proj / "datapackages" / "demo" / "datapackage.yaml")
    desc.update(version="1.0", homepage="https://example.jp/", conformsTo=["https://example.jp/std"],
                sources=[{"title": "s", "path": "https://example.jp/s"}], provenance="p", id="urn:x")
    for rule in dataset_rules():
        from opendata_pub.metadata.publication import effective_value

        value, _ = effective_value(rule.prop, desc, ctx.settings)
        for key in rule.encode(value, desc, ctx):
            assert rule_writes(rule, key), (rule.prop.key, key, rule.targets)
    res = desc["resources"][0]
    for rule in resource_rules():
        from opendata_pub.metadata.publication import effective_value

        value, _ = effective_value(rule.prop, res, ctx.settings, package=desc)
        for key in rule.encode(value, res, ctx):
            assert rule_writes(rule, key), (rule.prop.key, key)
    assert ADDITIONS == {}  # the property table names every field the mapping writes


def test_dataset_mapping_uses_ckanext_dcat_names(proj):
    desc = load_descriptor(proj / "datapackages" / "demo" / "datapackage.yaml")
    d = to_ckan_dataset(desc, _ctx(proj))
    assert d["name"] == "demo" and d["notes"] == "テスト用のデータパッケージ" and d["owner_org"] == "kiyose"
    assert d["license_id"] == "PDL-1.0"
    assert d["tags"] == ["デモ", "テスト"] or d["tags"] == sorted(["テスト", "デモ"])
    assert d["maintainer"] == "企画部 秘書広報課"
    ex = d["extras"]
    assert ex["publisher_name"] == "清瀬市" and ex["publisher_uri"] == "https://www.city.kiyose.lg.jp/"
    assert ex["publisher_identifier"] == "132217"
    assert ex["contact_email"] == "opendata@example.lg.jp"
    assert ex["spatial_uri"] == "http://data.e-stat.go.jp/lod/sac/C13221"
    assert ex["temporal_start"] == "2020-04-01" and ex["temporal_end"] == "2021-03-31"
    assert ex["frequency"] == "http://publications.europa.eu/resource/authority/frequency/ANNUAL"
    assert ex["language"] == '["http://publications.europa.eu/resource/authority/language/JPN"]'
    assert ex["issued"] == "2021-10-01" and ex["modified"] == "2021-10-01"
    assert ex["identifier"] == "demo"
    r = to_ckan_resource(desc["resources"][0], desc, _ctx(proj), size=10, sha256="ab" * 32)
    assert r == {"name": "表 towns", "opendata_pub_name": "towns", "description": "団体コードと人口", "format": "CSV",
                 "mimetype": "text/csv", "encoding": "utf-8", "size": 10, "hash": "ab" * 32,
                 "hash_algorithm": "http://spdx.org/rdf/terms#checksumAlgorithm_sha256",
                 "license": "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0"}


def test_mapping_back_from_ckan(proj):
    desc = load_descriptor(proj / "datapackages" / "demo" / "datapackage.yaml")
    d = to_ckan_dataset(desc, _ctx(proj))
    pkg = {**{k: v for k, v in d.items() if k not in ("extras", "tags", "owner_org")},
           "tags": [{"name": t} for t in d["tags"]], "extras": [{"key": k, "value": v} for k, v in d["extras"].items()],
           "organization": {"name": "kiyose", "title": "清瀬市"},
           "license_url": "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0",
           "resources": [{"name": "towns", "format": "CSV", "size": 3, "hash": "ab" * 32, "mimetype": "text/csv"}]}
    back = descriptor_from_ckan(pkg)
    for key in ("name", "title", "description", "themes", "spatial", "temporal", "accrualPeriodicity", "issued",
                "modified", "language"):
        assert back[key] == desc[key], key
    assert back["publisher"] == {"code": "132217", "name": "清瀬市", "url": "https://www.city.kiyose.lg.jp/"}
    assert back["licenses"][0]["name"] == "PDL-1.0"
    assert back["resources"][0]["hash"] == "sha256:" + "ab" * 32 and back["resources"][0]["format"] == "csv"


# --- CKAN's rules ----------------------------------------------------------------------------------
def test_tag_rules():
    assert tag_problems(["行政評価", "open data", "a.b-c_d"]) == []
    assert "2 文字以上" in tag_problems(["x"])[0]
    assert "100 文字まで" in tag_problems(["あ" * 101])[0]
    assert "'/'" in tag_problems(["a/b"])[0]


def test_name_rules():
    assert dataset_name_problem("kiyose-2020") is None
    assert dataset_name_problem("a") and dataset_name_problem("Kiyose") and dataset_name_problem("new")
    assert dataset_name_problem("x" * 101)


# --- the streamed multipart body -------------------------------------------------------------------
def _body_bytes(body: MultipartBody) -> bytes:
    return b"".join(iter(lambda: body.read(7000), b""))


def test_multipart_body_is_valid_and_its_length_is_known(tmp_path):
    f = tmp_path / "データ.csv"
    f.write_bytes(bytes(range(256)) * 100)
    sha = hashlib.sha256(f.read_bytes()).hexdigest()
    body = MultipartBody([("match", '{"id": "x"}'), ("note", "日本語")],
                         FilePart("update__resources__-1__upload", f, f.name, "text/csv", f.stat().st_size, sha))
    raw = _body_bytes(body)
    assert len(raw) == len(body)
    msg = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + body.content_type.encode() + b"\r\n\r\n" + raw)
    parts = {p.get_param("name", header="content-disposition"): p for p in msg.iter_parts()}
    assert parts["note"].get_payload(decode=True).decode() == "日本語"
    assert parts["update__resources__-1__upload"].get_payload(decode=True) == f.read_bytes()


def test_multipart_body_memory_stays_flat(tmp_path):
    f = tmp_path / "big.bin"
    with f.open("wb") as fh:
        for _ in range(64):
            fh.write(b"\0" * (1 << 20))
    body = MultipartBody([], FilePart("upload", f, "big.bin", "application/octet-stream", 64 << 20, None))
    tracemalloc.start()
    while body.read(1 << 20):
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 8 << 20  # 64 MB sent, a few MB at most held


@pytest.mark.parametrize("change", ["content", "grow", "shrink"])
def test_multipart_refuses_a_file_changed_since_planned(tmp_path, change):
    f = tmp_path / "a.csv"
    f.write_bytes(b"a,b\n1,2\n")
    sha = hashlib.sha256(f.read_bytes()).hexdigest()
    size = f.stat().st_size
    f.write_bytes({"content": b"a,b\n1,3\n", "grow": b"a,b\n1,2\n3,4\n", "shrink": b"a\n"}[change])
    body = MultipartBody([], FilePart("upload", f, "a.csv", "text/csv", size, sha))
    with pytest.raises(FileChangedError):
        _body_bytes(body)


# --- retry ------------------------------------------------------------------------------------------
def test_retry_after_parsing():
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_backoff_grows_with_jitter_and_is_bounded():
    p = RetryPolicy(attempts=6, base_delay=1, max_delay=8, rng=random.Random(0))
    delays = [p.delay(a) for a in range(1, 6)]
    for a, d in enumerate(delays, start=1):
        cap = min(8, 2 ** (a - 1))
        assert cap / 2 <= d <= cap
    assert p.gives_up(6) and not p.gives_up(5) and p.gives_up(1, retry_after=1000)


# --- target resolution -------------------------------------------------------------------------------
def test_target_resolution_order(proj, fake):
    settings = load_config(proj / "opendata.yaml")
    env = {"FAKE_TOKEN": GOOD_TOKEN, "CKAN_API_TOKEN": "url-token"}
    t = resolve_target("https://ckan.example.jp/", settings, organization="org1", environ=env)
    assert isinstance(t, CkanTarget) and t.describe() == {"kind": "ckan", "url": "https://ckan.example.jp",
                                                          "organization": "org1"}
    t = resolve_target("fake", settings, environ=env)
    assert t.describe()["url"] == fake.url
    t = resolve_target(None, settings, environ=env)  # default_target
    assert t.describe()["url"] == fake.url
    assert resolve_target("site/", settings, environ=env).describe()["kind"] == "folder"  # static catalog
    with pytest.raises(ConfigError, match="FAKE_TOKEN"):
        resolve_target("fake", settings, environ={})
    assert resolve_target("fake", settings, environ={}, require_token=False).describe()["url"] == fake.url
