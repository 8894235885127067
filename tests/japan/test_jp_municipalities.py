"""The list of local governments: complete, consistent with the codes' own rules."""

from __future__ import annotations

from opendata_pub.japan.lgcode import PREFECTURES, is_valid_lg_code
from opendata_pub.japan.municipalities import _table, municipality_name, prefecture_name_of


def test_the_list_has_every_prefecture_and_1741_municipalities() -> None:
    table = _table()
    prefectures = [c for c in table if c[2:5] == "000"]
    assert len(prefectures) == 47
    assert len(table) - len(prefectures) == 1741  # 市町村 and 特別区 (総務省, since 2018-10-01)


def test_every_code_is_valid_and_lies_in_its_prefecture() -> None:
    table = _table()
    assert all(is_valid_lg_code(code) for code in table)
    assert all(PREFECTURES[code[:2]] == prefecture for code, (prefecture, _) in table.items())


def test_names() -> None:
    assert municipality_name("132217") == "清瀬市"
    assert municipality_name("131083") == "江東区"
    assert municipality_name("082112") == "常総市"
    assert municipality_name("130001") == "東京都"
    assert prefecture_name_of("222127") == "静岡県"
    assert municipality_name("139998") is None  # a valid check digit, but no such municipality
