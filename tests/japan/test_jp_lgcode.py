"""全国地方公共団体コード. The valid codes are real ones, checked against published lists."""

from __future__ import annotations

import pytest

from opendata_pub.japan import (
    PREFECTURES,
    check_digit,
    is_valid_lg_code,
    lg_code_problem,
    prefecture_of,
    with_check_digit,
)

VALID = {
    "132217": "東京都",  # 清瀬市
    "082112": "茨城県",  # 常総市
    "131083": "東京都",  # 江東区
    "222127": "静岡県",  # 焼津市
    "011002": "北海道",  # 札幌市
    "131016": "東京都",  # 千代田区
    "012025": "北海道",  # 函館市
    "472018": "沖縄県",  # 那覇市
    # the two cases where 11 - remainder has two digits
    "131041": "東京都",  # 新宿区: remainder 0, check digit 1
    "011011": "北海道",  # 札幌市中央区: remainder 0
    "131130": "東京都",  # 渋谷区: remainder 1, check digit 0
    "134210": "東京都",  # 小笠原村: remainder 1
    "010006": "北海道",  # the prefecture itself
}


@pytest.mark.parametrize("code", sorted(VALID))
def test_valid_codes(code: str) -> None:
    assert check_digit(code[:5]) == int(code[5])
    assert with_check_digit(code[:5]) == code
    assert is_valid_lg_code(code)
    assert lg_code_problem(code) is None
    assert prefecture_of(code) == VALID[code]


@pytest.mark.parametrize("code", sorted(VALID))
def test_every_wrong_check_digit_fails_naming_the_right_one(code: str) -> None:
    for wrong in "0123456789":
        if wrong == code[5]:
            continue
        bad = code[:5] + wrong
        assert not is_valid_lg_code(bad)
        problem = lg_code_problem(bad)
        assert problem is not None
        assert f"検査数字は {code[5]}" in problem and bad in problem


@pytest.mark.parametrize(
    ("code", "needle"),
    [
        ("13221", "132217"),  # 5 digits: says what the 6-digit code would be
        ("1322170", "7桁"), ("1322", "4桁"), ("", "半角数字"),
        ("13221A", "半角数字"), ("１３２２１７", "半角数字"), ("132 17", "半角数字"), ("-13221", "半角数字"),
        ("000000", "都道府県コード 00"), ("480007", "都道府県コード 48"), ("990001", "都道府県コード 99"),
    ],
)
def test_invalid_codes(code: str, needle: str) -> None:
    assert not is_valid_lg_code(code)
    problem = lg_code_problem(code)
    assert problem is not None and needle in problem


def test_prefecture_00_and_48_fail_even_with_a_matching_check_digit() -> None:
    for code5 in ("00100", "48201"):
        assert not is_valid_lg_code(with_check_digit(code5))


@pytest.mark.parametrize("code5", ["1322", "132217", "1322a", "１３２２１", ""])
def test_check_digit_needs_five_ascii_digits(code5: str) -> None:
    with pytest.raises(ValueError):
        check_digit(code5)


def test_prefectures() -> None:
    assert len(PREFECTURES) == 47
    assert list(PREFECTURES) == [f"{n:02d}" for n in range(1, 48)]
    assert (PREFECTURES["01"], PREFECTURES["13"], PREFECTURES["22"], PREFECTURES["47"]) == (
        "北海道", "東京都", "静岡県", "沖縄県",
    )
    assert (PREFECTURES["26"], PREFECTURES["27"]) == ("京都府", "大阪府")


@pytest.mark.parametrize(
    ("code", "expected"),
    [("22", "静岡県"), ("22212", "静岡県"), ("222127", "静岡県"), ("47", "沖縄県"),
     ("00", None), ("48201", None), ("2", None), ("2221", None), ("ab", None), ("２２", None)],
)
def test_prefecture_of(code: str, expected: str | None) -> None:
    assert prefecture_of(code) == expected
