"""``opendata_pub.open_package``: typed rows as the Table Schema says, from a folder or a URL."""

from __future__ import annotations

import builtins
import hashlib
import json
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import opendata_pub
from opendata_pub import open_package
from opendata_pub.errors import InputError, NotFound
from tests.localserver import serve

CSV = ("code,name,population,area,founded,updated,coastal\n"
       "132217,清瀬市,74000,10.23,1970-10-01,2026-04-01T09:00:00,false\n"
       "082112,常総市,,123.64,2006-01-01,,\n")
FIELDS = [{"name": "code", "type": "string"}, {"name": "name", "type": "string"},
          {"name": "population", "type": "integer"}, {"name": "area", "type": "number"},
          {"name": "founded", "type": "date"}, {"name": "updated", "type": "datetime"},
          {"name": "coastal", "type": "boolean"}]


def _package(folder: Path, name: str = "towns-pkg") -> Path:
    data = CSV.encode("utf-8")
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "towns.csv").write_bytes(data)
    descriptor = {"name": name, "title": "市の一覧", "resources": [
        {"name": "towns", "title": "市", "path": "data/towns.csv", "format": "csv", "mediatype": "text/csv",
         "encoding": "utf-8", "bytes": len(data), "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
         "schema": {"fields": FIELDS}},
        {"name": "memo", "path": "data/memo.txt", "format": "txt"}]}
    (folder / "data" / "memo.txt").write_text("メモ", encoding="utf-8")
    (folder / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    return folder


EXPECTED = [
    {"code": "132217", "name": "清瀬市", "population": 74000, "area": Decimal("10.23"),
     "founded": date(1970, 10, 1), "updated": datetime(2026, 4, 1, 9, 0), "coastal": False},
    {"code": "082112", "name": "常総市", "population": None, "area": Decimal("123.64"),
     "founded": date(2006, 1, 1), "updated": None, "coastal": None},
]


def test_typed_rows_from_folder(tmp_path: Path) -> None:
    pkg = open_package(_package(tmp_path / "p"))
    assert (pkg.name, pkg.title) == ("towns-pkg", "市の一覧")
    assert [r["name"] for r in pkg.resources] == ["towns", "memo"]
    assert [t.name for t in pkg.tables] == ["towns"]  # the text file is no table
    table = pkg.table()
    assert table.fields == [f["name"] for f in FIELDS]
    assert table.rows() == EXPECTED
    assert list(pkg.table("towns")) == EXPECTED
    with pytest.raises(InputError, match="表 nothing"):
        pkg.table("nothing")


def test_descriptor_file_and_str_path(tmp_path: Path) -> None:
    folder = _package(tmp_path / "p")
    assert open_package(str(folder / "datapackage.json")).table().rows() == EXPECTED


@pytest.mark.parametrize("tail", ["towns-pkg/datapackage.json", "towns-pkg/", "towns-pkg/index.html", "towns-pkg"])
def test_from_static_catalog_url(tmp_path: Path, tail: str) -> None:
    _package(tmp_path / "site" / "towns-pkg")
    with serve(directory=tmp_path / "site") as url:
        pkg = open_package(f"{url}/{tail}")
    with pkg:
        assert pkg.table().rows() == EXPECTED  # files fetched into a temporary folder, verified
        where = pkg.path
        assert where.is_dir() and not where.is_relative_to(tmp_path)
    assert not where.exists()  # close() removed it


def test_url_of_no_package(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    with serve(directory=tmp_path / "site") as url, pytest.raises(NotFound):
        open_package(f"{url}/nothing/datapackage.json")


def test_to_pandas(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    frame = open_package(_package(tmp_path / "p")).to_pandas()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == [f["name"] for f in FIELDS] and len(frame) == 2
    assert frame["population"].iloc[0] == 74000


def test_to_pandas_without_pandas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = builtins.__import__

    def no_pandas(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("No module named 'pandas'")
        return real(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "pandas", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_pandas)
    with pytest.raises(ImportError, match=r"opendata-pub\[pandas\]"):
        open_package(_package(tmp_path / "p")).to_pandas()


def test_public_api_is_complete() -> None:
    for name in opendata_pub.__all__:
        assert getattr(opendata_pub, name) is not None, name
    assert opendata_pub.pull is opendata_pub.actions.pull
    assert opendata_pub.list_datasets is opendata_pub.actions.list_datasets
    with pytest.raises(AttributeError):
        _ = opendata_pub.no_such_thing  # type: ignore[attr-defined]
