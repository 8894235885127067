"""Arrow arrays and scalars to and from NumPy and Python values, through buffers.

pyarrow's own conversions (``pa.array``, ``pa.scalar``, a Python value passed to a compute function,
``to_numpy``) first ask pandas whether the value is one of its own, importing pandas when it is
installed: 0.3 s and 49 MB, a quarter of a validation's time and memory. The engine builds what it
needs from buffers instead, which never asks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa

__all__ = ["bools", "floats", "ints", "mask", "mask_of", "scalar", "strings", "values_of"]


def mask_of(array: pa.Array) -> np.ndarray:
    """A boolean Arrow array as a NumPy bool array (null → False)."""
    n, offset = len(array), array.offset
    validity, data = array.buffers()[:2]
    bits = np.unpackbits(np.frombuffer(data, dtype=np.uint8), bitorder="little")[offset:offset + n].astype(bool)
    if validity is not None and array.null_count:
        bits &= np.unpackbits(np.frombuffer(validity, dtype=np.uint8), bitorder="little")[offset:offset + n].astype(bool)
    return bits


def ints(array: pa.Array) -> np.ndarray:
    """An int32/int64 Arrow array without nulls as a NumPy array."""
    dtype = np.int32 if array.type == pa.int32() else np.int64
    return np.frombuffer(array.buffers()[1], dtype=dtype)[array.offset:array.offset + len(array)]


def mask(values: np.ndarray) -> pa.Array:
    """A NumPy bool array as a boolean Arrow array."""
    packed = np.packbits(np.asarray(values, dtype=bool), bitorder="little")
    return pa.Array.from_buffers(pa.bool_(), len(values), [None, pa.py_buffer(packed)])


def strings(values: Sequence[str]) -> pa.Array:
    encoded = [v.encode("utf-8") for v in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int32)
    np.cumsum([len(b) for b in encoded], out=offsets[1:])
    return pa.Array.from_buffers(pa.string(), len(encoded),
                                 [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))])


def _numbers(values: Sequence[Any], type_: pa.DataType, dtype: Any) -> pa.Array:
    data = np.asarray(values, dtype=dtype)
    return pa.Array.from_buffers(type_, len(data), [None, pa.py_buffer(data)])


def floats(values: Sequence[float]) -> pa.Array:
    return _numbers(values, pa.float64(), np.float64)


def bools(values: Sequence[bool]) -> pa.Array:
    return mask(np.asarray(values, dtype=bool))


def values_of(values: Sequence[Any], type_: pa.DataType) -> pa.Array:
    """Python values as an Arrow array of ``type_`` (string, int64, float64 or bool)."""
    if pa.types.is_string(type_):
        return strings(values)
    if pa.types.is_boolean(type_):
        return bools(values)
    if pa.types.is_floating(type_):
        return floats(values)
    if pa.types.is_integer(type_):
        return _numbers(values, pa.int64(), np.int64)
    raise TypeError(f"no buffer conversion for {type_}")


def scalar(value: Any, type_: pa.DataType) -> pa.Scalar:
    return values_of([value], type_)[0]
