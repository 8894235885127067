"""Which cells of a column are certainly clean, decided for a whole column at once.

A cell is *clean* when frictionless would read it without a type or constraint error: it is a missing
value of a field that is not required, or it has the canonical form of its type (``-12``, ``3.25``,
``2024-05-01``, one of the boolean values …) and passes every constraint of the field. Each type's
``_accept`` handler accepts only forms whose value is certain to be what frictionless's own reader
gives (``int()``, ``Decimal()``, ``strptime``); anything else — `` 12``, ``+5``, ``１２``, ``2024-1-5``, a
pattern frictionless's ``re`` and pyarrow's RE2 could read differently — is *uncertain*, and its row
goes to frictionless's Row, which decides. So the engine can be wrong only by being slow, never by
reporting something else than frictionless.

The typed values of clean cells (``Column.values``) are what frictionless's Row would hold, for the
unique, primary- and foreign-key checks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..frictionless_io import FieldSpec
from .arrays import ints, mask, mask_of, scalar, strings, values_of

__all__ = ["Column", "check_column"]

_INTEGER = r"^-?[0-9]{1,18}$"  # int64 holds every 18-digit number; int() reads these the same
_NUMBER = r"^-?[0-9]+(\.[0-9]+)?$"
_NUMBER_SHORT = r"^-?[0-9.]{1,16}$"  # with _NUMBER: at most 15 digits
_NUMBER_DIGITS = 15  # decimals of at most 15 significant digits keep their order as doubles
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_YEAR = r"^[0-9]{4}$"
# A cell RE2 and Python's re could match differently: non-ASCII (Unicode \d \w \s in re), a newline
# (re's $ matches before a final one) or an ASCII control (re's \s includes \x0b-\x1f).
_RE_UNSAFE_CELL = r"[^\x20-\x7e\t]"
# Pattern syntax whose meaning differs between the two engines.
_RE_UNSAFE_PATTERN = re.compile(r"\[:|\\[ZzGAbBpPNuUx]|\(\?[<=!>]|\\[0-9]|\{,")


class _Uncertain(Exception):
    """A constraint this module cannot decide for any cell of the field."""


@dataclass
class Column:
    """One field's cells in a batch: which are clean, and their values where the caller needs them."""

    clean: np.ndarray  # bool per row
    missing: np.ndarray  # bool per row: a missing value (None in frictionless's row)
    values: list[Any] | None  # typed values (None where missing or not clean), if asked for


def check_column(col: pa.Array, spec: FieldSpec, *, want_values: bool) -> Column:
    n = len(col)
    missing = mask_of(pc.is_in(col, value_set=strings(spec.missing_values))) if spec.missing_values \
        else np.zeros(n, dtype=bool)
    accept = _ACCEPT.get(spec.type)
    typed: pa.Array | None = None
    if accept is None or (spec.type == "string" and spec.format not in ("default", "")):
        ok = np.zeros(n, dtype=bool)  # every present cell to frictionless
    else:
        ok, typed = accept(col, spec)
        ok &= ~missing
        try:
            ok &= _constraints_hold(col, typed, spec)
        except _Uncertain:
            ok = np.zeros(n, dtype=bool)
    clean = ok | (missing & (not spec.constraints.get("required")))
    values = _values(col, typed, clean & ~missing, spec) if want_values else None
    return Column(clean, missing, values)


def _regex(col: pa.Array, pattern: str) -> np.ndarray:
    return mask_of(pc.match_substring_regex(col, pattern))


# --- accepting a type's canonical forms: (accepted mask, typed array) ------------------------------

def _string(col: pa.Array, spec: FieldSpec) -> tuple[np.ndarray, pa.Array]:
    return np.ones(len(col), dtype=bool), col


def _integer(col: pa.Array, spec: FieldSpec) -> tuple[np.ndarray, pa.Array]:
    ok = _regex(col, _INTEGER)
    return ok, pc.cast(pc.if_else(mask(ok), col, _ZERO), pa.int64())


def _number(col: pa.Array, spec: FieldSpec) -> tuple[np.ndarray, pa.Array]:
    text = col
    guard = np.ones(len(col), dtype=bool)
    if spec.group_char is not None:  # frictionless's processor: drop groups, then read decimalChar as '.'
        if spec.group_char:
            text = pc.replace_substring(text, spec.group_char, "")
        if spec.decimal_char != ".":
            guard = ~mask_of(pc.match_substring(text, "."))
            text = pc.replace_substring(text, spec.decimal_char, ".")
    # At most 15 digits (leading zeros counted too: a cautious bound) keeps every value exact as a double.
    ok = _regex(text, _NUMBER) & _regex(text, _NUMBER_SHORT) & guard
    return ok, pc.cast(pc.if_else(mask(ok), text, _ZERO), pa.float64())


def _boolean(col: pa.Array, spec: FieldSpec) -> tuple[np.ndarray, pa.Array]:
    # frictionless maps exactly these strings; any other string is its type error (decided there).
    ok = mask_of(pc.is_in(col, value_set=strings((*spec.true_values, *spec.false_values))))
    return ok, pc.is_in(col, value_set=strings(spec.true_values))


def _date(col: pa.Array, spec: FieldSpec) -> tuple[np.ndarray, pa.Array]:
    """YYYY-MM-DD of a real day (Python's strptime refuses 2023-02-30 and year 0). The typed array is the
    text itself: for such cells ISO order is date order, so constraints compare the ISO strings."""
    if spec.format not in ("default", ""):
        return np.zeros(len(col), dtype=bool), col
    shaped = _regex(col, _DATE)
    text = pc.if_else(mask(shaped), col, _A_DATE)
    y, m, d = (ints(pc.cast(pc.utf8_slice_codeunits(text, a, b), pa.int64())) for a, b in ((0, 4), (5, 7), (8, 10)))
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    last = _DAYS[np.clip(m, 1, 12)] + ((m == 2) & leap)
    ok = shaped & (y >= 1) & (m >= 1) & (m <= 12) & (d >= 1) & (d <= last)
    return ok, col


_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
_ZERO = scalar("0", pa.string())
_A_DATE = scalar("2000-01-01", pa.string())


def _year(col: pa.Array, spec: FieldSpec) -> tuple[np.ndarray, pa.Array]:
    ok = _regex(col, _YEAR)
    return ok, pc.cast(pc.if_else(mask(ok), col, _ZERO), pa.int64())


_ACCEPT: dict[str, Callable[[pa.Array, FieldSpec], tuple[np.ndarray, pa.Array]]] = {
    "string": _string, "any": _string, "integer": _integer, "number": _number, "boolean": _boolean,
    "date": _date, "year": _year,
}

# frictionless's supported_constraints per type (the constraints its cell reader checks, in order).
_SUPPORTED: dict[str, tuple[str, ...]] = {
    "string": ("required", "minLength", "maxLength", "pattern", "enum"),
    "integer": ("required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"),
    "number": ("required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"),
    "date": ("required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"),
    "year": ("required", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum"),
    "boolean": ("required", "enum"),
    "any": ("required", "enum"),
}


# --- constraints over accepted cells: a mask of the cells that pass -----------------------------

def _constraints_hold(col: pa.Array, typed: pa.Array, spec: FieldSpec) -> np.ndarray:
    holds = np.ones(len(col), dtype=bool)
    for name in _SUPPORTED.get(spec.type, ()):
        raw = spec.constraints.get(name)
        if raw is None or name == "required":
            continue
        holds &= _CONSTRAINTS[name](col, typed, raw, spec)
    return holds


_Check = Callable[[pa.Array, pa.Array, Any, FieldSpec], np.ndarray]


def _length(op: Callable[[np.ndarray, int], np.ndarray]) -> _Check:
    def check(col: pa.Array, typed: pa.Array, raw: Any, spec: FieldSpec) -> np.ndarray:
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise _Uncertain
        return op(ints(pc.utf8_length(col)), raw)

    return check


def _pattern(col: pa.Array, typed: pa.Array, raw: Any, spec: FieldSpec) -> np.ndarray:
    if not isinstance(raw, str) or _RE_UNSAFE_PATTERN.search(raw):
        raise _Uncertain
    regex = f"^(?:^{raw}$)"  # frictionless: re.compile("^{0}$").match(cell), anchored at the start
    try:
        matched = _regex(col, regex)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:  # not RE2 syntax: re decides
        raise _Uncertain from exc
    return matched & ~_regex(col, _RE_UNSAFE_CELL)


def _bound(raw: Any, spec: FieldSpec) -> Any:
    """The constraint as frictionless compares it, or _Uncertain where a double could reorder it."""
    value = spec.read_value(raw)
    if value is None:
        raise _Uncertain
    if spec.type == "number" and not spec.float_number:
        if not isinstance(value, (Decimal, int)) or not _short_decimal(Decimal(value)):
            raise _Uncertain
        return float(value)
    if spec.type in ("integer", "year") and not -(2**62) < value < 2**62:
        raise _Uncertain
    if spec.type == "date":
        return value.isoformat()  # compared with the cells' ISO text (see _date)
    return value


def _short_decimal(value: Decimal) -> bool:
    try:
        digits = value.normalize().as_tuple()
    except InvalidOperation:
        return False
    return value.is_finite() and len(digits.digits) <= _NUMBER_DIGITS and abs(value.adjusted()) < 300


def _compare(op: Callable[..., pa.Array]) -> _Check:
    def check(col: pa.Array, typed: pa.Array, raw: Any, spec: FieldSpec) -> np.ndarray:
        return mask_of(op(typed, scalar(_bound(raw, spec), typed.type)))

    return check


def _enum(col: pa.Array, typed: pa.Array, raw: Any, spec: FieldSpec) -> np.ndarray:
    if not isinstance(raw, list):
        raise _Uncertain
    values = [spec.read_value(v) for v in raw]
    if (spec.type == "number" and not spec.float_number) or spec.type == "date":
        values = [_bound(v, spec) for v in raw]
    values = [v for v in values if v is not None]
    if spec.type in ("string", "any"):
        values = [v for v in values if isinstance(v, str)]
    try:
        return mask_of(pc.is_in(typed, value_set=values_of(values, typed.type)))
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError) as exc:
        raise _Uncertain from exc


_CONSTRAINTS: dict[str, _Check] = {
    "minLength": _length(np.greater_equal),
    "maxLength": _length(np.less_equal),
    "pattern": _pattern,
    "enum": _enum,
    "minimum": _compare(pc.greater_equal),
    "maximum": _compare(pc.less_equal),
    "exclusiveMinimum": _compare(pc.greater),
    "exclusiveMaximum": _compare(pc.less),
}


# --- typed values of clean cells, as frictionless's Row holds them ---------------------------------

def _values(col: pa.Array, typed: pa.Array | None, present: np.ndarray, spec: FieldSpec) -> list[Any]:
    if typed is None:
        return [None] * len(col)
    if spec.type == "number" and not spec.float_number:
        texts = col.to_pylist()
        return [Decimal(_number_text(t, spec)) if p else None for t, p in zip(texts, present)]
    if spec.type == "date":
        return [date.fromisoformat(t) if p else None for t, p in zip(col.to_pylist(), present)]
    out = typed.to_pylist()
    return [v if p else None for v, p in zip(out, present)]


def _number_text(text: str, spec: FieldSpec) -> str:
    if spec.group_char:
        text = text.replace(spec.group_char, "")
    return text.replace(spec.decimal_char, ".") if spec.group_char is not None else text
