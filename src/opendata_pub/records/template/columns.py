"""The sheets and columns of the fill-in template, and how one value becomes one cell and back.

One sheet per contract table (docs/evaluation-contract.md), named after the table. The columns are
the contract's, with its Japanese titles, except that the keys the package derives (program_id,
indicator_id, cost_id, staffing_id, assessment_id) are replaced by the numbers they are built from
(program_no, indicator_no): a person filling the sheet types 2, not ``132217-2020-513-p2``. Two
columns carry what a record holds beyond the contract's columns: evaluations.grade_scale (the
declared grade words, one per line) and indicator_values.indicator_no.

The titles repeat packaging/evaluation.py (records may not import packaging, which sits above it);
tests/records/test_template.py holds the two together.

Cells keep values exactly, so that YAML → template → YAML gives the same bytes:

- an empty cell is None; text is a text cell;
- integers (years, numbers, yen, lines) are number cells: Excel's floats are exact below 2**53;
- decimals (指標の値, 人員) are TEXT cells holding the Decimal's own text ("68.0" stays "68.0": a number
  cell would come back as 68). A number typed into such a cell is read too (its shortest repr);
- a text the workbook reader would change (an empty string, spaces or line breaks at either end,
  a character NFC rewrites, a control character, a leading "=" that Excel takes for a formula) is
  written as ``〔文字列〕`` followed by the text as a JSON string, and read back from it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum

from ..model import CostCategory, Direction, IndicatorKind, Level, NarrativeKind, Stage

__all__ = ["ESCAPE", "SHEETS", "Column", "Kind", "Sheet", "cell_text", "decimal_text", "parse_decimal", "parse_text"]


class Kind(str, Enum):
    """How a column's values are written and read."""

    TEXT = "text"
    INT = "int"
    DECIMAL = "decimal"
    CHOICE = "choice"  # one of ``Column.choices`` (a drop-down in the workbook)


@dataclass(frozen=True)
class Column:
    name: str  # the contract's column name (row 2 of the sheet; the reader finds columns by it)
    title: str  # the contract's Japanese title (row 1)
    description: str = ""  # row 3
    kind: Kind = Kind.TEXT
    required: bool = False
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sheet:
    name: str  # the table's name, which is the sheet's name
    title: str
    description: str
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _choice(name: str, title: str, description: str, enum: type[Enum], *, required: bool = False) -> Column:
    return Column(name, title, description, Kind.CHOICE, required, tuple(str(m.value) for m in enum))


def _int(name: str, title: str, description: str = "", *, required: bool = False) -> Column:
    return Column(name, title, description, Kind.INT, required)


def _dec(name: str, title: str, description: str = "") -> Column:
    return Column(name, title, description, Kind.DECIMAL)


_EVALUATION_ID = Column("evaluation_id", "評価ID", "団体コード-年度-施策コード（例 132217-2020-513）。行政評価シートの行と結びます",
                        required=True)
_FISCAL_YEAR = _int("fiscal_year", "年度", "西暦の年度（4月始まり）", required=True)
_SOURCE_LINE = _int("source_line", "元の行", "取り込んだ評価シートの行番号（手で書くときは空）")
_STAGE = _choice("stage", "段階", "budget = 予算、settlement = 決算、preliminary_settlement = 決算(速報値)", Stage,
                 required=True)


def _program_no(description: str) -> Column:
    return _int("program_no", "事業番号", f"構成事業シートの事業番号。{description}")


SHEETS: tuple[Sheet, ...] = (
    Sheet("evaluations", "行政評価", "評価シート1枚につき1行：団体、年度、施策、評価", (
        _EVALUATION_ID,
        Column("municipality_code", "全国地方公共団体コード", "6桁（検査数字付き）", required=True),
        Column("municipality_name", "地方公共団体名", required=True),
        _FISCAL_YEAR,
        Column("fiscal_year_label", "年度（表記どおり）", "例 令和2年度、4年度", required=True),
        _choice("level", "評価の単位", "policy = 施策評価、program = 事務事業評価", Level, required=True),
        Column("policy_code", "施策コード"),
        Column("policy_name", "施策名"),
        Column("lead_department", "主担当部"),
        Column("lead_section", "主担当課"),
        Column("grade", "評価", "表記どおり：順調・維持・停滞、なければ空"),
        Column("grade_reason", "評価理由"),
        Column("source_file", "元の評価シート", "取り込んだファイル名。空ならこのブックのファイル名"),
        Column("source_layout", "様式", "kiyose・joso・koto など。空なら template"),
        Column("policy_area_code", "政策番号", "施策の上の政策の番号（表記どおり、先頭の0を含む）"),
        Column("policy_area_name", "政策名", "施策の上の政策"),
        Column("basic_program_code", "基本事業番号", "施策の下の基本事業の番号（表記どおり、先頭の0を含む）"),
        Column("basic_program_name", "基本事業名", "施策の下の基本事業"),
        Column("reform_direction", "改革改善の方向性", "表記どおり（例 １　現状維持）"),
        Column("contact_team", "係名", "担当の係"),
        Column("contact_manager", "課長名", "担当課の課長"),
        Column("contact_person", "担当者"),
        Column("contact_phone", "電話番号", "表記どおり（ハイフンを含む）"),
        Column("contact_extension", "内線", "内線番号（表記どおり）"),
        Column("grade_scale", "評価の段階", "よい順に1行に1語（セル内改行）。空なら 順調・維持・停滞"),
    )),
    Sheet("programs", "構成事業", "評価対象の施策を構成する事業（事務事業・取組方針）", (
        _EVALUATION_ID,
        _int("program_no", "事業番号", "評価内の通し番号（江東は取組方針の番号）", required=True),
        Column("program_name", "事業名", "表記どおり（誤字も含む）", required=True),
        _int("direction_no", "施策の方向性の番号"),
        Column("section", "担当課"),
        Column("direction_name", "施策の方向", "事業とともに記載された施策の方向"),
        Column("department", "担当部"),
        _SOURCE_LINE,
        Column("program_code", "事務事業ID", "表記どおり（先頭の0を含む、例 0086）"),
    )),
    Sheet("costs", "事業費", "予算・決算の金額（円）。事業番号が空の行は施策全体の金額", (
        _EVALUATION_ID,
        _program_no("施策全体の金額は空"),
        _FISCAL_YEAR,
        _STAGE,
        _choice("category", "区分",
                "total = 総額・トータルコスト、business = 事業費、personnel = 人件費；事業費の財源内訳："
                "national_subsidy = 国庫支出金、prefectural_subsidy = 都道府県支出金、local_bond = 地方債、"
                "other_revenue = その他（特定財源）、general_revenue = 一般財源", CostCategory, required=True),
        _int("amount_jpy", "金額（円）", "円単位（千円表示の値×1000）", required=True),
        _SOURCE_LINE,
    )),
    Sheet("staffing", "人員", "事業ごと年度ごとの正規職員従事人数と延べ業務時間。事業番号が空の行は施策全体", (
        _EVALUATION_ID,
        _program_no("施策全体の値は空"),
        _FISCAL_YEAR,
        _STAGE,
        _dec("staff_count", "正規職員従事人数", "人（0.5 人のような小数もある）"),
        _dec("work_hours", "延べ業務時間", "時間"),
        _SOURCE_LINE,
    )),
    Sheet("indicators", "指標", "まちづくり指標・成果指標など", (
        _EVALUATION_ID,
        _int("indicator_no", "指標番号", "①=1", required=True),
        Column("name", "指標名", "丸数字を除く", required=True),
        Column("unit", "単位", "表記どおり、なければ空"),
        Column("method", "抽出方法", "抽出方法・指標の考え方"),
        Column("section", "担当課"),
        _choice("direction", "望ましい方向",
                "higher_is_better・lower_is_better、方向性の記載がなければ unknown（空も unknown）", Direction),
        Column("direction_text", "方向性（表記どおり）"),
        Column("description", "説明"),
        _program_no("事業の成果指標のとき、その事業"),
        _SOURCE_LINE,
        _choice("kind", "指標の種類", "activity = 活動指標、target = 対象指標、outcome = 成果指標、区分の記載がなければ空",
                IndicatorKind),
        Column("indicator_code", "指標の記号", "指標とともに記載された記号（ア、カ、サ など）"),
    )),
    Sheet("indicator_values", "指標の値", "指標ごと年度ごとの目標値・実績値・達成率。数値は文字列のセルに書きます（68.0 は 68.0 のまま）", (
        _EVALUATION_ID,
        _int("indicator_no", "指標番号", "指標シートの指標番号", required=True),
        _FISCAL_YEAR,
        _dec("target", "目標値", "指標の単位"),
        _dec("actual", "実績値", "指標の単位"),
        _dec("achievement_rate", "達成率（%）", "百分率（87.4 は 87.4%）、記載がなければ空"),
        Column("note", "備考", "脚注・数値にできない記載（未実施、提案3 採択2 など）"),
    )),
    Sheet("challenges", "課題", "施策を進める上での課題と今後の取組", (
        _EVALUATION_ID,
        _int("challenge_no", "課題番号", "①=1", required=True),
        Column("challenge", "課題", required=True),
        Column("next_action", "今後の取組"),
        _SOURCE_LINE,
    )),
    Sheet("narratives", "記述", "評価シートのその他の文章（施策の方向性、分析、成果と課題、総評など）。記載順に並べます", (
        _EVALUATION_ID,
        _int("narrative_no", "文章番号", "評価内の記載順の番号", required=True),
        _choice("kind", "種類", "vision = 目指す姿、goal = 上位の目標、direction = 施策の方向性、text = その他（空も text）",
                NarrativeKind),
        Column("section", "章", "見出しの上の章の見出し"),
        Column("heading", "見出し", "表記どおり", required=True),
        Column("code", "番号", "見出しとともに記載された番号"),
        Column("text", "本文", required=True),
        _program_no("事業ごとの記載のとき、その事業"),
        _SOURCE_LINE,
    )),
    Sheet("assessments", "評価項目", "評価の観点（妥当性・有効性・効率性など）ごとの評価（表記どおり）と理由", (
        _EVALUATION_ID,
        _int("assessment_no", "評価項目番号", "①=1", required=True),
        Column("criterion", "評価の観点", "表記どおり（例 政策体系との整合性）", required=True),
        Column("grade", "評価", "表記どおり（例 妥当である、向上余地がある）"),
        Column("reason", "理由"),
        _program_no("事業についての評価のとき、その事業"),
        _SOURCE_LINE,
    )),
)


# --------------------------------------------------------------------------------------------------
# text cells

ESCAPE = "〔文字列〕"

# What the workbook reader (records/workbook.py) trims from both ends of a text; a text that
# starts or ends with one of these would come back shorter, so it is escaped.
_TRIM = " \t\r\n\v\f\u3000\u00a0\u200b\u200c\u200d\u2060\ufeff"
# Control characters an .xlsx cannot hold (openpyxl refuses them) and "=" (Excel makes a formula).
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\r]|^=")


def _survives(text: str) -> bool:
    return (
        text != ""
        and text.strip(_TRIM) == text
        and unicodedata.normalize("NFC", text) == text
        and not _UNSAFE.search(text)
        and not text.startswith(ESCAPE)
    )


def cell_text(text: str) -> str:
    """The cell text that the workbook reader gives back as ``text``, unchanged."""
    if _survives(text):
        return text
    dumped = json.dumps(text, ensure_ascii=False)
    if unicodedata.normalize("NFC", dumped) != dumped:
        dumped = json.dumps(text)  # \\u escapes are plain ASCII, which NFC leaves alone
    return ESCAPE + dumped


def parse_text(text: str) -> str:
    """The text a cell stands for (``ValueError`` for a broken escape)."""
    if not text.startswith(ESCAPE):
        return text
    value = json.loads(text[len(ESCAPE):])
    if not isinstance(value, str):
        raise ValueError("not a JSON string")
    return value


def decimal_text(value: Decimal) -> str:
    """A decimal's exact text (``str`` keeps the exponent and trailing zeros Decimal holds)."""
    return str(value)


def parse_decimal(text: str) -> Decimal:
    """The Decimal of a cell's text (``ValueError`` for anything that is not a finite number)."""
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not number.is_finite():
        raise ValueError(text)
    return number
