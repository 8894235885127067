"""The DataStore loader without a CKAN: type mapping, values, batching, what is sent and when."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest

from opendata_pub.config import load_config
from opendata_pub.errors import ConfigError, PortalValidationError
from opendata_pub.portals.datastore import (
    BATCH_ROWS,
    DATASTORE_HASH,
    batches,
    datastore_problem,
    datastore_type,
    load_resource,
    load_tables,
    primary_key,
)
from opendata_pub.portals.http import CkanClient
from opendata_pub.portals.source import load_source
from tests.conftest import write
from tests.portals.helpers import CSV, make_package


class Recorder:
    """Stands in for CkanClient: records each post, answers {}; ``fail``: (action, nth call) → error."""

    def __init__(self, fail: dict[tuple[str, int], Exception] | None = None) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.fail = dict(fail or {})

    def post(self, action: str, payload: dict[str, Any]) -> Any:
        self.sent.append((action, payload))
        error = self.fail.get((action, self.actions().count(action)))
        if error is not None:
            raise error
        return {}

    def actions(self) -> list[str]:
        return [a for a, _ in self.sent]


@pytest.mark.parametrize(("field", "expected"), [
    ({"type": "integer"}, "int8"),
    ({"type": "integer", "constraints": {"maximum": 2**63}}, "numeric"),
    ({"type": "integer", "constraints": {"minimum": 0, "maximum": 10}}, "int8"),
    ({"type": "number"}, "numeric"),
    ({"type": "boolean"}, "bool"),
    ({"type": "date"}, "date"),
    ({"type": "datetime"}, "timestamp"),
    ({"type": "time"}, "time"),
    ({"type": "year"}, "int4"),
    ({"type": "string"}, "text"),
    ({"type": "yearmonth"}, "text"),
    ({"type": "geopoint"}, "text"),
    ({}, "text"),
])
def test_table_schema_types_map_to_datastore_types(field: dict[str, Any], expected: str) -> None:
    assert datastore_type(field) == expected


def test_primary_key_as_list_or_string() -> None:
    assert primary_key({"schema": {"primaryKey": ["a", "b"]}}) == ["a", "b"]
    assert primary_key({"schema": {"primaryKey": "a"}}) == ["a"]
    assert primary_key({"schema": {}}) == [] and primary_key({}) == []


RESOURCE = {"name": "t", "path": "t.csv", "format": "csv", "encoding": "utf-8", "schema": {
    "fields": [{"name": "id", "type": "integer", "groupChar": ","}, {"name": "amount", "type": "number"},
               {"name": "ok", "type": "boolean", "trueValues": ["はい"], "falseValues": ["いいえ"]},
               {"name": "day", "type": "date", "format": "%Y/%m/%d"}, {"name": "note", "type": "string"}],
    "missingValues": ["", "-"], "primaryKey": ["id"]}}


def test_values_are_typed_and_missing_values_are_null(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_bytes("\ufeffid,amount,ok,day,note\n\"1,000\",1.50,はい,2020/04/01,-\n2,-,いいえ,,\"a,b\"\n".encode())
    with batches(p, RESOURCE) as (cols, chunks):
        rows = list(chunks)
    assert [(c.name, c.type) for c in cols] == [("id", "int8"), ("amount", "numeric"), ("ok", "bool"),
                                                ("day", "date"), ("note", "text")]
    assert rows == [[
        {"id": 1000, "amount": "1.50", "ok": True, "day": "2020-04-01", "note": None},
        {"id": 2, "amount": None, "ok": False, "day": None, "note": "a,b"},
    ]]


def test_a_value_the_type_refuses_is_sent_as_written(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text("id,amount,ok,day,note\nx,1,maybe,2020-13-01,\n", encoding="utf-8")
    with batches(p, RESOURCE) as (_, chunks):
        assert next(chunks) == [{"id": "x", "amount": "1", "ok": "maybe", "day": "2020-13-01", "note": None}]


def test_cp932_file_is_read_with_its_declared_encoding(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_bytes("名前,数\n清瀬市,3\n".encode("cp932"))
    res = {"encoding": "cp932", "schema": {"fields": [{"name": "名前", "type": "string"}, {"name": "数", "type": "integer"}]}}
    with batches(p, res) as (_, chunks):
        assert list(chunks) == [[{"名前": "清瀬市", "数": 3}]]


def test_no_schema_means_header_names_as_text(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text("a,b\n1,2\n", encoding="utf-8")
    with batches(p, {"format": "csv"}) as (cols, chunks):
        assert list(chunks) == [[{"a": "1", "b": "2"}]]
    assert [(c.name, c.type) for c in cols] == [("a", "text"), ("b", "text")]


def test_rows_go_in_batches_then_the_hash_is_recorded(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    write(p, "id,amount,ok,day,note\n" + "".join(f"{i},{i}.5,はい,2020/01/01,n\n" for i in range(25)))
    client = Recorder()
    sent = load_resource(cast(CkanClient, client), {"id": "r1"}, p, RESOURCE, "abc", size=10)
    assert sent == 25
    assert client.actions() == ["datastore_create", *["datastore_upsert"] * 3, "resource_patch"]
    create = client.sent[0][1]
    assert create["primary_key"] == ["id"] and create["force"] is True and "records" not in create
    upserts = [payload for action, payload in client.sent if action == "datastore_upsert"]
    assert [len(u["records"]) for u in upserts] == [10, 10, 5]
    assert {u["method"] for u in upserts} == {"upsert"}
    assert upserts[2]["records"][-1]["id"] == 24
    assert client.sent[-1] == ("resource_patch", {"id": "r1", DATASTORE_HASH: "abc"})
    assert BATCH_ROWS == 10_000


def test_an_existing_table_is_dropped_first_and_no_key_means_insert(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text("a\n1\n", encoding="utf-8")
    client = Recorder()
    load_resource(cast(CkanClient, client), {"id": "r1", "datastore_active": True}, p, {"format": "csv"}, "h")
    assert client.actions() == ["datastore_delete", "datastore_create", "datastore_upsert", "resource_patch"]
    assert client.sent[2][1]["method"] == "insert" and "primary_key" not in client.sent[1][1]


def test_a_refused_batch_stops_the_load_and_records_no_hash(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    write(p, "id,amount,ok,day,note\n" + "".join(f"{i},1,はい,,\n" for i in range(15)))
    refused = PortalValidationError("refused", fields={"records": ['invalid input syntax for type bigint: "x"'],
                                                       "records_row": ["3"]})
    client = Recorder(fail={("datastore_upsert", 2): refused})
    with pytest.raises(PortalValidationError, match="データの 14 行目"):  # batch 2 (rows 11-), its 4th row
        load_resource(cast(CkanClient, client), {"id": "r1"}, p, RESOURCE, "h", size=10)
    assert "resource_patch" not in client.actions()


@pytest.mark.parametrize(("extensions", "refused"), [
    (["activity", "dcat", "scheming_datasets"], True),
    (["activity", "datastore", "datapusher"], False),
    ([], True),  # a portal that says it runs no plugin at all runs no DataStore either
    (None, False),  # a portal that does not say which plugins it runs may have it
])
def test_a_portal_that_lists_its_plugins_without_the_datastore_is_refused(extensions: Any, refused: bool) -> None:
    status = {"ckan_version": "2.12.0"} if extensions is None else {"ckan_version": "2.12.0", "extensions": extensions}
    problem = datastore_problem("local", status)
    assert (problem is not None) is refused
    if problem is not None:
        assert problem.startswith("ポータル local は opendata.yaml で datastore: true ですが") and "DataStore" in problem


def test_the_option_is_off_unless_set(tmp_path: Path) -> None:
    write(tmp_path / "opendata.yaml", "catalog: {title: t}\nportals:\n  a: {url: 'https://a.example.jp'}\n"
                                      "  b: {url: 'https://b.example.jp', datastore: true}\n")
    s = load_config(tmp_path / "opendata.yaml")
    assert s.portals["a"].datastore is False and s.portals["b"].datastore is True


def test_the_option_must_be_a_boolean(tmp_path: Path) -> None:
    write(tmp_path / "opendata.yaml", "catalog: {title: t}\nportals:\n  b: {url: 'https://b.example.jp', datastore: yes please}\n")
    with pytest.raises(ConfigError, match="datastore"):
        load_config(tmp_path / "opendata.yaml")


def test_load_tables_skips_what_the_datastore_holds_and_reports_a_failure(tmp_path: Path) -> None:
    source = load_source(make_package(tmp_path, "demo", {"towns": CSV, "more": CSV}))
    sha = {f.name: f.sha256 for f in source.files}
    remote = [{"id": "r1", "opendata_pub_name": "towns", DATASTORE_HASH: sha["towns"], "datastore_active": True},
              {"id": "r2", "opendata_pub_name": "more"}]
    client = Recorder()
    assert load_tables(cast(CkanClient, client), source, remote) == []
    assert [p.get("resource_id", p.get("id")) for _, p in client.sent] == ["r2"] * 3  # towns: nothing sent

    refused = PortalValidationError("ポータルが値を受け付けませんでした (datastore_create): fields: bad")
    client = Recorder(fail={("datastore_create", 1): refused})
    [warning] = load_tables(cast(CkanClient, client), source, remote)
    assert warning.startswith("リソース more を DataStore に読み込めませんでした") and "fields: bad" in warning
    assert client.actions() == ["datastore_create", "datastore_delete"]  # nothing half-loaded stays
