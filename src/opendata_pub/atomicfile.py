"""Write files so that a reader never sees half of one: write a temporary file beside it, then rename.

A crash, a full disk or Ctrl-C at any moment leaves either the old file or the new one, never a
truncated mix, and no temporary file behind (it is removed on every error path we can catch).
``kill -9`` or a power cut is not catchable: it can leave ``.NAME.XXXXXXXX.tmp`` beside ``NAME``.
``remove_stale_temps`` removes those for the names a caller writes, when it holds the folder's lock
(``folderlock``), so no other run can be writing them at that moment.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

__all__ = ["atomic_open", "remove_stale_temps", "temp_target", "write_bytes", "write_text"]

_TEMP_PREFIX = "."
_TEMP_SUFFIX = ".tmp"
# tempfile.mkstemp's random part: 8 characters of [a-z0-9_] between our prefix and suffix.
_TEMP_NAME = re.compile(r"\.(?P<target>.+)\.[a-z0-9_]{8}\.tmp")


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike[str], mode: str = "w", *, encoding: str | None = "utf-8",
                newline: str | None = None) -> Iterator[IO]:
    """Open a temporary file next to ``path``; on success it replaces ``path`` atomically."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    binary = "b" in mode
    fd, tmp = tempfile.mkstemp(prefix=f"{_TEMP_PREFIX}{target.name}.", suffix=_TEMP_SUFFIX, dir=target.parent)
    try:
        with os.fdopen(fd, mode, encoding=None if binary else encoding, newline=None if binary else newline) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp creates 0600; published files should have the usual permissions.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_text(path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8") -> None:
    """Atomically write ``text`` (newlines written as given: no platform translation)."""
    with atomic_open(path, "w", encoding=encoding, newline="") as fh:
        fh.write(text)


def write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    with atomic_open(path, "wb") as fh:
        fh.write(data)


def temp_target(name: str) -> str | None:
    """The file name a temporary file of ``atomic_open`` was for (``.a.csv.k3j_x9q2.tmp`` → ``a.csv``)."""
    m = _TEMP_NAME.fullmatch(name)
    return m.group("target") if m else None


def remove_stale_temps(folder: str | os.PathLike[str], names: Iterable[str]) -> list[Path]:
    """Remove the temporary files ``atomic_open`` left in ``folder`` for the files ``names``; return them.

    Only call it while holding the folder's lock: a temporary file of a run still writing is not stale.
    Links and anything that is not a regular file are left alone, as are temporary files of other names.
    """
    wanted = set(names)
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return removed
    for entry in entries:
        if temp_target(entry.name) in wanted and entry.is_file(follow_symlinks=False):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed
