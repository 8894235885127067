"""Reading a file a user names, and parsing JSON from one, so that hostile input ends in a located error.

A path given on the command line or found in a package may be a FIFO (opening it blocks until a
writer comes), a device (``/dev/zero`` never ends), a folder, or simply huge. ``read_input_bytes``
opens without blocking, checks what it opened (``fstat`` on the open file, so a path swapped between
check and read cannot slip in), refuses anything but a regular file, and never reads more than
``max_bytes`` (a file growing while it is read included).

``parse_json`` is ``json.loads`` plus what ``json`` raises besides ``JSONDecodeError``: nesting so
deep it hits the recursion limit, and an integer of more digits than Python converts (4300). Both
become an ``UnreadableInput`` with the line and column, as a syntax error does.

Raises ``UnreadableInput`` only; each caller turns it into its own error (``InputError`` for data,
``ConfigError`` for settings) naming the file. Nothing here prints.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from dataclasses import dataclass
from typing import Any

__all__ = ["MAX_JSON_DEPTH", "UnreadableInput", "parse_json", "read_input_bytes"]

# No descriptor, manifest or plan of ours nests more than about ten levels; a hundred leaves room
# and keeps every recursive reader after the parse far from Python's recursion limit.
MAX_JSON_DEPTH = 100

_KINDS = (
    (stat.S_ISDIR, "フォルダです"),
    (stat.S_ISFIFO, "名前付きパイプ (FIFO) です"),
    (stat.S_ISCHR, "キャラクタデバイスです"),
    (stat.S_ISBLK, "ブロックデバイスです"),
    (stat.S_ISSOCK, "ソケットです"),
)


@dataclass
class UnreadableInput(Exception):
    """Why a file or a text cannot be read; ``line``/``column`` (1-based) when it is a place in a text."""

    problem: str
    line: int | None = None
    column: int | None = None
    missing: bool = False  # there is no file at all (a caller may have a hint for that)

    @property
    def where(self) -> str | None:
        return text_place(self.line, self.column)

    def __str__(self) -> str:
        return self.problem


def text_place(line: int | None, column: int | None) -> str | None:
    """A place in a text as errors print it: "line 3, column 7" (1-based), or None when unknown."""
    if line is None:
        return None
    return f"line {line}, column {column}" if column else f"line {line}"


def _kind(mode: int) -> str:
    return next((what for test, what in _KINDS if test(mode)), "通常のファイルではありません")


def read_input_bytes(path: str | os.PathLike[str], *, max_bytes: int) -> bytes:
    """The bytes of the regular file at ``path`` (links followed), at most ``max_bytes`` of them.

    Raises ``UnreadableInput`` for a missing or unreadable file, anything that is not a regular file
    (folder, FIFO, device, socket) and a file larger than ``max_bytes``.
    """
    name = os.fspath(path)
    try:
        # O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever.
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise UnreadableInput("ファイルがありません", missing=True) from None
    except IsADirectoryError:
        raise UnreadableInput("通常のファイルではありません (フォルダです)") from None
    except OSError as exc:
        raise UnreadableInput(f"読めません: {exc.strerror or exc}") from exc
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UnreadableInput(f"通常のファイルではありません ({_kind(st.st_mode)})")
        if st.st_size > max_bytes:
            raise UnreadableInput(f"大きすぎます ({st.st_size:,} バイト、上限 {max_bytes:,} バイト)")
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:  # it grew while we read it
                raise UnreadableInput(f"大きすぎます (上限 {max_bytes:,} バイト)")
        return b"".join(chunks)
    except OSError as exc:
        raise UnreadableInput(f"読めません: {exc.strerror or exc}") from exc
    finally:
        os.close(fd)


# --------------------------------------------------------------------------------------------------
# JSON


def _int_digit_limit() -> int:
    get = getattr(sys, "get_int_max_str_digits", None)
    return get() if get is not None else 0  # 0: no limit (Python before 3.11)


# A JSON string, a bracket, or a run of digits: enough to find a place without a full parser.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]|\d+', re.DOTALL)


def _place(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _locate(text: str, *, depth: int | None = None, digits: int | None = None) -> tuple[int, int] | None:
    """Line and column of the first bracket deeper than ``depth``, or digit run longer than ``digits``."""
    level = 0
    for m in _TOKEN.finditer(text):
        token = m.group()
        if token in "[{":
            level += 1
            if depth is not None and level > depth:
                return _place(text, m.start())
        elif token in "]}":
            level -= 1
        elif token[0].isdigit() and digits is not None and len(token) > digits:
            return _place(text, m.start())
    return None


def _too_deep(value: Any, limit: int) -> bool:
    """True when ``value`` nests lists/objects more than ``limit`` levels (iterative: no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if level > limit:
            return True
        stack.extend((c, level + 1) for c in children if isinstance(c, (dict, list)))
    return False


def parse_json(text: str, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """``json.loads(text)``; every way it can fail is an ``UnreadableInput`` with line and column."""
    too_deep = f"入れ子が深すぎます (上限 {max_depth} 段)"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableInput(f"JSON として読めません: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise UnreadableInput(too_deep, *(_locate(text, depth=max_depth) or (None, None))) from None
    except ValueError as exc:
        # int("1" * 5000) refuses to convert: json lets that ValueError through without a place.
        limit = _int_digit_limit()
        where = _locate(text, digits=limit) if limit else None
        raise UnreadableInput(f"数が長すぎます ({limit} 桁まで)" if where else f"JSON として読めません: {exc}",
                              *(where or (None, None))) from None
    if _too_deep(data, max_depth):
        raise UnreadableInput(too_deep, *(_locate(text, depth=max_depth) or (None, None)))
    return data
