"""Synthetic 事務事業評価 workbooks in the shape of the row-per-program export (issue 11, item 3).

``build_workbook`` writes an .xlsx with openpyxl and returns it with the truth: every cell as the
reader must give it back (text trimmed and NFC, integral numbers as int, empty as None).
``write_csv`` writes the same content as a CSV (CP932 by default), where every cell is text.

The sheet: row 1 the macro's filler in every cell, row 2 the header labels (many on two lines),
one row per program from row 3, then empty formatted rows (fill and border, no value) down to
row 2000. Programs come from ``generate_programs`` (deterministic for a seed) or from the caller, as
dicts from column key (``COLUMNS`` of ``columns()``) to the value to write.
"""

from __future__ import annotations

import copy
import csv
import datetime
import random
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Border, PatternFill, Side
from openpyxl.utils import get_column_letter

FILLER = "調整用（このセルには必ず何か入力してください）"
HEADER_ROW = 2
FIRST_PROGRAM_ROW = 3

IDENTITY = (
    ("no", "No."), ("created_year", "作成\n年"), ("created_month", "作成\n月"), ("created_day", "作成\n日"),
    ("year", "年度"), ("program_id", "事務事業ID"), ("program_name", "事務事業名"), ("basic_id", "基本事業ID"),
    ("policy_10", "政策番号\n十の位"), ("policy_1", "政策番号\n一の位"), ("policy_name", "政策名"),
    ("measure_10", "施策番号\n十の位"), ("measure_1", "施策番号\n一の位"), ("measure_name", "施策名"),
    ("basic_10", "基本事業番号\n十の位"), ("basic_1", "基本事業番号\n一の位"), ("basic_name", "基本事業名"),
    ("law", "根拠法令"), ("department", "部課名"), ("manager", "課長名"), ("section", "係名"),
    ("staff", "担当者"), ("phone", "電話"), ("extension", "内線"), ("period", "事業期間"),
    ("account", "予算科目\n会計"), ("kan", "予算科目\n款"), ("kou", "予算科目\n項"), ("moku", "予算科目\n目"),
    ("budget_program", "予算科目\n事業"), ("category", "事務事業区分"), ("summary", "概要"),
)
COST_LABELS = ("国庫支出金", "都道府県支出金", "地方債", "その他", "一般財源")
PLAN = tuple((f"plan:{label}", f"全体計画\n{label}") for label in
             (*COST_LABELS, "事業費計", "正規職員従事人数", "延べ業務時間", "人件費計", "トータルコスト"))
TEXTS = (("means_last", "①手段\n前年度実績"), ("means_this", "①手段\n今年度計画"), ("target", "②対象"),
         ("intent", "③意図"), ("result", "④結果"))
INDICATOR_KINDS = (("⑤活動指標", "アイウ"), ("⑥対象指標", "カキク"), ("⑦成果指標", "サシス"))
INDICATOR_LETTERS = "アイウカキクサシス"
DEFINITIONS = tuple((f"def:{letter}:{part}", f"{kind}\n{letter}\n{part}")
                    for kind, letters in INDICATOR_KINDS for letter in letters for part in ("名称", "単位"))
# One year block: the same 19 labels in every block, no year in them.
YEAR_LABELS = (*COST_LABELS, "事業費計\n(A)", "正規職員従事人数", "延べ業務時間", "人件費計\n(B)",
               "トータルコスト\n(A)＋(B)", *INDICATOR_LETTERS)
QUESTIONS = (("q1", "①開始のきっかけ"), ("q2", "②状況の変化"), ("q3", "③関係者の意見"))
CRITERIA = (
    ("① 政策体系との整合性", "結びついている"), ("② 公共関与の妥当性", "妥当である"),
    ("③ 対象・意図の妥当性", "妥当である"), ("④ 成果の向上余地", "向上余地がある"),
    ("⑤ 廃止・休止の成果への影響", "影響がある"), ("⑥ 事業費の削減余地", "削減余地がない"),
    ("⑦ 人件費の削減余地", "削減余地がない"), ("⑧ 受益機会・費用負担の適正化余地", "適正化余地がない"),
)
CLOSING = (("direction", "改革改善の方向性"), ("expect_outcome", "期待成果\n成果"), ("expect_cost", "期待成果\nコスト"),
           ("issues", "課題と解決策"), ("chief_direction", "課長等意見\n今後の方向性"), ("chief_summary", "課長等意見\n全体総括"))

_TRIM = " \t\r\n\u3000\u00a0\u200b\ufeff"
_FILL = PatternFill("solid", fgColor="FFF2CC")
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_ZENKAKU = str.maketrans("0123456789", "０１２３４５６７８９")


def columns(years: int = 6, extra: int = 0) -> tuple[tuple[str, str], ...]:
    """(key, header label) of every column in order; year blocks are keyed "y1:国庫支出金" … oldest first;
    ``extra`` adds that many "備考N" columns at the end (204 + 6 = the 210 columns of the bench)."""
    blocks = tuple((f"y{n}:{label}", label) for n in range(1, years + 1) for label in YEAR_LABELS)
    criteria = tuple(pair for i, (name, _) in enumerate(CRITERIA, 1)
                     for pair in ((f"grade{i}", f"{name}\n評価"), (f"reason{i}", f"{name}\n理由")))
    notes = tuple((f"note{n}", f"備考{n}") for n in range(1, extra + 1))
    return (*IDENTITY, *PLAN, *TEXTS, *DEFINITIONS, *blocks, *QUESTIONS, *criteria, *CLOSING, *notes)


def expected(value: Any) -> Any:
    """What the reader gives back for a written value."""
    if isinstance(value, str):
        text = unicodedata.normalize("NFC", value).strip(_TRIM)
        return text or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _zenkaku(number: int) -> str:
    return str(number).translate(_ZENKAKU)


def _year_block(rng: random.Random, n: int, empty: bool, missing: str | None) -> dict[str, Any]:
    if empty:
        return {}
    costs = [rng.randrange(0, 5000) for _ in COST_LABELS]
    staff, hours = round(rng.uniform(0.1, 3.0), 2), rng.randrange(100, 4000)
    labor = rng.randrange(500, 20000)
    values: dict[str, Any] = dict(zip(COST_LABELS, costs))
    values.update({"事業費計\n(A)": sum(costs), "正規職員従事人数": staff, "延べ業務時間": hours,
                   "人件費計\n(B)": labor, "トータルコスト\n(A)＋(B)": sum(costs) + labor})
    for i, letter in enumerate(INDICATOR_LETTERS):
        if letter == missing:
            continue
        kind = (n + i) % 4
        values[letter] = (rng.randrange(0, 500) if kind < 2 else
                          _zenkaku(rng.randrange(1, 99)) if kind == 2 else "未実施")
    return {f"y{n}:{label}": value for label, value in values.items()}


def _program(rng: random.Random, index: int, years: int, fiscal_year: int) -> dict[str, Any]:
    missing = INDICATOR_LETTERS[index % len(INDICATOR_LETTERS)] if index % 3 == 0 else None
    row: dict[str, Any] = {
        "no": index, "created_year": 2025, "created_month": 7, "created_day": 1 + index % 28,
        "year": fiscal_year, "program_id": f"{86 + index:04d}", "program_name": f"事業{_zenkaku(index)}　推進事業",
        "basic_id": f"{index % 7 + 1:02d}0{index % 3 + 1}", "policy_10": "０", "policy_1": _zenkaku(index % 9 + 1),
        "policy_name": "安心して暮らせるまち", "measure_10": 0, "measure_1": index % 5 + 1,
        "measure_name": "地域福祉の推進", "basic_10": "0", "basic_1": str(index % 4 + 1),
        "basic_name": "　支え合いの仕組みづくり ", "law": "社会福祉法", "department": "福祉部　福祉総務課",
        "manager": "山田　太郎", "section": "総務係", "staff": "佐藤", "phone": "042-000-0000",
        "extension": f"{100 + index}", "period": "平成２０年度～", "account": "一般会計\n(01)",
        "kan": "民生費\n(03)", "kou": "社会福祉費", "moku": "社会福祉総務費", "budget_program": f"事業{index:03d}",
        "category": "ソフト事業", "summary": "地域の見守り活動を支援する。\n年２回研修を行う。",
        "means_last": "研修会の開催", "means_this": "研修会の開催\n相談窓口の運営", "target": "市民",
        "intent": "支え合いが広がる", "result": "見守りの輪が広がった", "direction": "１　現状維持",
        "expect_outcome": "向上", "expect_cost": "維持", "issues": "担い手の確保", "chief_direction": "継続",
        "note1": "備考あり", "chief_summary": "着実に実施している。", "q1": "平成２０年の法改正", "q2": "高齢化が進んだ", "q3": "特になし",
    }
    plan_costs = [rng.randrange(0, 20000) for _ in COST_LABELS]
    row.update({f"plan:{label}": value for label, value in zip(COST_LABELS, plan_costs)})
    row.update({"plan:事業費計": sum(plan_costs), "plan:正規職員従事人数": 1.5, "plan:延べ業務時間": 2400,
                "plan:人件費計": 12000, "plan:トータルコスト": sum(plan_costs) + 12000})
    for kind, letters in INDICATOR_KINDS:
        for letter in letters:
            if letter != missing:
                row[f"def:{letter}:名称"] = f"{kind[1:]}{letter}の件数"
                row[f"def:{letter}:単位"] = "件" if letter in "アカサ" else "％"
    for i, (_, grade) in enumerate(CRITERIA, 1):
        row[f"grade{i}"], row[f"reason{i}"] = grade, f"理由{_zenkaku(i)}"
    for n in range(1, years + 1):
        row.update(_year_block(rng, n, empty=(index + n) % 5 == 0, missing=missing))
    return row


def generate_programs(n: int, *, seed: int = 11, years: int = 6, fiscal_year: int = 7) -> list[dict[str, Any]]:
    """``n`` programs, the same for the same arguments: 全角 digits and spaces, numbers stored as text,
    empty year blocks, a missing indicator in every third program, codes with leading zeros."""
    rng = random.Random(seed)
    return [_program(rng, index, years, fiscal_year) for index in range(1, n + 1)]


@dataclass(frozen=True)
class BuiltWorkbook:
    path: Path
    header: tuple[str, ...]  # row 2 as written
    written: tuple[tuple[Any, ...], ...]  # rows 1.. as written (None: no value)
    truth: tuple[tuple[Any, ...], ...]  # rows 1.. as the reader must give them (trailing Nones kept)
    merged: tuple[tuple[int, int, int, int], ...]
    sheet: str

    def at(self, row: int, col: int) -> Any:
        """The truth at a 1-based cell."""
        cells = self.truth[row - 1] if row <= len(self.truth) else ()
        return cells[col - 1] if col <= len(cells) else None


def _content(programs: Sequence[Mapping[str, Any]], years: int,
             extra: int = 0) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
    cols = columns(years, extra)
    header = tuple(label for _, label in cols)
    rows: list[tuple[Any, ...]] = [tuple(FILLER for _ in cols), header]
    rows += [tuple(program.get(key) for key, _ in cols) for program in programs]
    return header, rows


def _year_block_ranges(years: int) -> list[tuple[int, int, int, int]]:
    first = len(IDENTITY) + len(PLAN) + len(TEXTS) + len(DEFINITIONS) + 1
    return [(1, first + n * len(YEAR_LABELS), 1, first + (n + 1) * len(YEAR_LABELS) - 1) for n in range(years)]


def _format_empty_rows(ws: Any, first: int, last: int, width: int) -> None:
    """Fill and border, no value, on rows ``first``..``last``: what exports leave down to row 2000."""
    if first > last:
        return
    model = ws.cell(first, 1)
    model.fill, model.border = _FILL, _BORDER
    for r in range(first, last + 1):
        for c in range(1, width + 1):
            # the style array of a styled cell, copied: assigning fill and border per cell is ten times slower
            ws.cell(r, c)._style = copy.copy(model._style)


def build_workbook(
    path: Path,
    programs: Sequence[Mapping[str, Any]] | None = None,
    *,
    years: int = 6,
    formatted_to: int = 2000,
    merge_filler: bool = False,
    extra: int = 0,
    sheet: str = "事務事業評価",
) -> BuiltWorkbook:
    """Write the workbook at ``path``; ``merge_filler`` merges row 1 over each year block."""
    programs = generate_programs(5, years=years) if programs is None else programs
    header, rows = _content(programs, years, extra)
    merged = _year_block_ranges(years) if merge_filler else []
    book = Workbook()
    ws = book.active
    ws.title = sheet
    for r, cells in enumerate(rows, 1):
        for c, value in enumerate(cells, 1):
            if value is not None:
                ws.cell(r, c, value)
    for first_row, first_col, last_row, last_col in merged:
        ws.merge_cells(f"{get_column_letter(first_col)}{first_row}:{get_column_letter(last_col)}{last_row}")
    _format_empty_rows(ws, len(rows) + 1, formatted_to, len(header))
    book.save(path)
    truth = [tuple(expected(v) for v in cells) for cells in rows]
    for first_row, first_col, last_row, last_col in merged:  # merging clears all but the top-left cell
        for r in range(first_row, last_row + 1):
            truth[r - 1] = tuple(None if first_col <= c <= last_col and (r, c) != (first_row, first_col) else v
                                 for c, v in enumerate(truth[r - 1], 1))
    return BuiltWorkbook(path, header, tuple(rows), tuple(truth), tuple(merged), sheet)


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)


def write_csv(path: Path, programs: Sequence[Mapping[str, Any]] | None = None, *, years: int = 6,
              encoding: str = "cp932") -> tuple[tuple[str | None, ...], ...]:
    """Write the same content as a CSV; returns the rows as the reader must give them (all text)."""
    programs = generate_programs(5, years=years) if programs is None else programs
    _, rows = _content(programs, years)
    with path.open("w", encoding=encoding, newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerows([_csv_text(v) for v in cells] for cells in rows)
    return tuple(tuple(expected(_csv_text(v)) for v in cells) for cells in rows)
