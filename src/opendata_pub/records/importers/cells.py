"""Reading one cell of a sheet: texts, amounts, indicator figures, circled numbers, 部長(課).

The value rules of docs/evaluation-contract.md live here, once for every layout:
"—", "-", "―" and empty are no value (never 0); "0" and "0千円" are zero; "62.7(※1)" is 62.7 with
the footnote's text as note; "17,087 (30年度)" is a value of its own year with the remark as note;
a word ("未実施") or two numbers ("提案3 採択2") in a number cell give no number and the printed
text as note; "%" may be there or not. Texts are NFC, trimmed, and HTML tags left by the PDF
extraction are removed (paragraphs and list items become line breaks).

This module must not know any layout, build records or produce Findings: it returns what a cell
says (including what is wrong with it) and the layout importer decides what to report.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from ...japan.zenkaku import normalize_number, to_hankaku

__all__ = [
    "Amount",
    "CellKind",
    "Measure",
    "circled_number",
    "clean_text",
    "is_empty_mark",
    "parse_amount",
    "parse_int",
    "parse_measure",
    "split_head_and_section",
    "text_or_none",
]

# Cells that print "no value". The contract names —, - and ―; the others are the same dash typed
# with another key (full-width hyphen, minus sign, en dash, katakana prolonged mark).
_EMPTY_MARKS = frozenset({"", "—", "-", "―", "－", "‐", "–", "−", "ー", "─", "━"})

# Tags that end a paragraph or a list item: they become line breaks. Every other tag goes.
_BREAK_TAG = re.compile(r"(?i)<\s*(?:br|/?p|/?li|/?ul|/?ol|/?div|/?tr)(?:\s[^<>]*)?/?\s*>")
_ANY_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")

_FOOTNOTE_REF = re.compile(r"[(（]\s*※\s*([0-9０-９]+)\s*[)）]|※\s*([0-9０-９]+)")
_OWN_YEAR = re.compile(
    r"[(（]\s*((?:令和|平成|R|H)?\s*(?:[0-9０-９]{1,4}|元)\s*年\s*度)\s*[)）]\s*$"
)
# A printed unit after a number ("5,000 人", "0 %", "550,407千円"): no digits, short.
_SUFFIX = re.compile(r"^(?P<num>.*?[0-9])\s*(?P<unit>[^\s0-9.,()（）]{1,6})$")
# One number: thousands groups of three ("17,087") or plain digits with a decimal part; "1,2" is two.
_DIGIT_RUN = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?")
_AMOUNT_UNITS = {"千円": 1000, "百万円": 1_000_000, "円": 1}


def is_empty_mark(text: str) -> bool:
    """True when a cell prints no value: empty or a dash of some kind."""
    return text.strip() in _EMPTY_MARKS


def clean_text(text: str) -> str:
    """NFC, trimmed, HTML tags removed; paragraphs and list items become line breaks."""
    text = unicodedata.normalize("NFC", text)
    if _ANY_TAG.search(text):
        text = _BREAK_TAG.sub("\n", text)
        text = _ANY_TAG.sub("", text)
        # Entities only mean something in text that was HTML; elsewhere "&" is just printed.
        text = html.unescape(text)
    lines = [line.strip(" \t\u3000\u00a0") for line in text.split("\n")]
    return "\n".join(line for line in lines if line).strip()


def text_or_none(text: str) -> str | None:
    """``clean_text``, or None for an empty cell or a dash."""
    if is_empty_mark(text):
        return None
    cleaned = clean_text(text)
    return cleaned or None


def parse_int(text: str) -> int | None:
    """A small whole number printed in a cell ("2", "２"), or None."""
    number = normalize_number(text)
    if number is None or "." in number:
        return None
    return int(number)


def circled_number(text: str) -> tuple[int, str] | None:
    """(n, rest) for a text starting with a circled number ("①名称" → (1, "名称")), else None."""
    text = text.strip()
    if not text:
        return None
    head = text[0]
    if unicodedata.category(head) == "No" and "CIRCLED" in unicodedata.name(head, ""):
        value = unicodedata.numeric(head, -1)
        if value >= 1 and value == int(value):
            return int(value), text[1:].strip()
    return None


class CellKind(str, Enum):
    """What a number cell held."""

    EMPTY = "empty"  # nothing, or a dash
    NUMBER = "number"  # one number (with footnotes, unit or own year around it)
    TEXT = "text"  # a word (未実施) or a text with one number that is not a figure (提案0)
    NUMBERS = "numbers"  # several numbers (提案3 採択2): never one figure


@dataclass(frozen=True)
class Amount:
    """An amount cell: yen when it is one number, otherwise why not."""

    kind: CellKind
    yen: int | None = None
    problem: str | None = None  # set when kind is TEXT/NUMBERS or the figure is not whole yen


def parse_amount(text: str, *, unit_yen: int = 1000) -> Amount:
    """An amount printed in 千円 (or in the unit ``unit_yen``; a "千円"/"円" suffix wins)."""
    raw = unicodedata.normalize("NFC", text).strip()
    if is_empty_mark(raw):
        return Amount(CellKind.EMPTY)
    core = to_hankaku(raw).strip()
    factor = unit_yen
    for suffix, yen in sorted(_AMOUNT_UNITS.items(), key=lambda kv: -len(kv[0])):
        if core.endswith(suffix):
            core, factor = core[: -len(suffix)].strip(), yen
            break
    if is_empty_mark(core):
        return Amount(CellKind.EMPTY)
    number = normalize_number(core)
    if number is None:
        kind = CellKind.NUMBERS if len(_DIGIT_RUN.findall(core)) > 1 else CellKind.TEXT
        return Amount(kind, problem=f"金額「{raw}」を数値として読めません")
    yen_value = Decimal(number) * factor
    if yen_value != yen_value.to_integral_value():
        return Amount(CellKind.TEXT, problem=f"金額「{raw}」が1円単位になりません")
    return Amount(CellKind.NUMBER, yen=int(yen_value))


@dataclass(frozen=True)
class Measure:
    """An indicator figure cell, split into its number and its printed remarks."""

    kind: CellKind
    value: Decimal | None = None
    notes: tuple[str, ...] = ()  # footnote texts, the own-year remark, or the printed words
    own_year: str | None = None  # "30年度" when the cell names the year it belongs to
    unit: str | None = None  # a unit printed after the number ("人", "%")
    unknown_footnotes: tuple[str, ...] = ()  # "※3" with no footnote text in the sheet
    raw: str = ""


def parse_measure(text: str, *, footnotes: Mapping[str, str], unit: str | None = None) -> Measure:
    """Read an indicator figure: "62.7(※1)", "17,087 (30年度)", "87.4%", "5,000 人", "未実施" …

    ``footnotes`` maps "1" to the text of ※1. ``unit`` is the indicator's printed unit: a cell
    holding only that unit ("%", "人") is empty.
    """
    raw = unicodedata.normalize("NFC", text).strip()
    if is_empty_mark(raw):
        return Measure(CellKind.EMPTY, raw=raw)
    notes: list[str] = []
    unknown: list[str] = []

    def footnote(match: re.Match[str]) -> str:
        ref = to_hankaku(match.group(1) or match.group(2))
        if ref in footnotes:
            notes.append(footnotes[ref])
        else:
            notes.append(f"※{ref}")
            unknown.append(f"※{ref}")
        return " "

    core = _FOOTNOTE_REF.sub(footnote, raw).strip()
    own_year = None
    match = _OWN_YEAR.search(core)
    if match:
        own_year = re.sub(r"\s+", "", match.group(1))
        notes.append(own_year)
        core = core[: match.start()].strip()
    core = to_hankaku(core).strip()
    printed_unit = None
    word = raw  # what goes to the note when the cell is not a figure: the cell without its unit
    if unit and core.endswith(to_hankaku(unit)) and core != to_hankaku(unit):
        printed_unit = unit
        core = core[: -len(to_hankaku(unit))].strip()
        word = _strip_suffix(raw, unit)
    elif core.endswith("%") and core != "%" and normalize_number(core) is None:
        word = _strip_suffix(_strip_suffix(raw, "%"), "％")
    elif unit and core == to_hankaku(unit):
        return Measure(CellKind.EMPTY, unit=unit, raw=raw)
    if core == "%":
        return Measure(CellKind.EMPTY, unit="%", raw=raw)
    if is_empty_mark(core):
        # "— %", "— 人": the unit is printed, the value is not.
        return Measure(CellKind.EMPTY, notes=tuple(notes), unit=printed_unit, raw=raw)
    number = normalize_number(core)
    if number is None:
        suffix = _SUFFIX.match(core)
        if suffix and normalize_number(suffix.group("num")) is not None:
            number, printed_unit = normalize_number(suffix.group("num")), suffix.group("unit")
        else:
            blank_unit = re.fullmatch(r"(?P<dash>\S+)\s+(?P<unit>\S{1,6})", core)
            if blank_unit and is_empty_mark(blank_unit.group("dash")):
                return Measure(CellKind.EMPTY, notes=tuple(notes), unit=blank_unit.group("unit"), raw=raw)
    elif core.endswith("%"):
        printed_unit = "%"
    if number is None:
        kind = CellKind.NUMBERS if len(_DIGIT_RUN.findall(core)) > 1 else CellKind.TEXT
        # The printed text is the note (it already holds any own-year remark); footnotes follow.
        footnote_texts = [n for n in notes if n != own_year]
        return Measure(kind, notes=(word, *footnote_texts), unknown_footnotes=tuple(unknown), raw=raw)
    return Measure(
        CellKind.NUMBER,
        value=Decimal(number),
        notes=tuple(notes),
        own_year=own_year,
        unit=printed_unit,
        unknown_footnotes=tuple(unknown),
        raw=raw,
    )


def _strip_suffix(text: str, suffix: str) -> str:
    stripped = text.rstrip()
    return stripped[: -len(suffix)].rstrip() if suffix and stripped.endswith(suffix) else text


_HEAD_SECTION = re.compile(r"^(?P<head>[^()（）]*?)\s*[(（](?P<section>[^()（）]*)[)）]\s*$")


def split_head_and_section(text: str) -> tuple[str | None, str | None]:
    """"政策経営部長(企画課)" → ("政策経営部", "企画課"): the 部 (without 長) and the 課 in brackets."""
    cleaned = clean_text(text)
    match = _HEAD_SECTION.match(cleaned)
    if match is None:
        head = cleaned.removesuffix("長") if cleaned.endswith("部長") else cleaned
        return (head or None), None
    head = match.group("head").strip()
    if head.endswith("部長"):
        head = head[:-1]
    return (head or None), (match.group("section").strip() or None)
