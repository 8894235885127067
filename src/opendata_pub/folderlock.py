"""An exclusive lock on a folder opendata-pub reads, changes and writes back as a whole.

A static site's manifest, and a package's sources and descriptor, are read, changed and written by
one run; two runs at once would each write what they read, and one's work would be lost (both
saying 完了). ``FolderLock`` serialises them: ``fcntl.flock`` on the file ``LOCK_NAME`` in the
folder. The kernel drops the lock when the process ends (``kill -9`` included), so a crash never
leaves a folder locked; the empty file stays and every reader of such a folder ignores it.

A second run waits up to ``timeout`` seconds, then fails with ``FolderBusy``. Where ``fcntl`` does
not exist (Windows) there is no lock. Nothing here prints.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path
from types import TracebackType

from .errors import OpendataPubError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["DEFAULT_TIMEOUT", "LOCK_NAME", "FolderBusy", "FolderLock"]

LOCK_NAME = ".opendata-pub.lock"
DEFAULT_TIMEOUT = 60.0  # seconds a second run waits for the first


class FolderBusy(OpendataPubError):
    """Another run holds the folder's lock and did not let go within the timeout."""


class FolderLock:
    """``with FolderLock(folder, what="公開"):`` — the folder must exist (the lock file is created)."""

    def __init__(self, folder: str | os.PathLike[str], *, what: str, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.folder = Path(folder)
        self.what = what
        self.timeout = timeout
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    @property
    def path(self) -> Path:
        return self.folder / LOCK_NAME

    def acquire(self) -> None:
        if self._fd is not None or fcntl is None:
            return
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
        flags |= getattr(os, "O_NONBLOCK", 0)  # a FIFO put there must not hang us
        try:
            fd = os.open(self.path, flags, 0o644)
        except OSError as exc:
            raise OpendataPubError(f"{self.path}: ロックファイルを開けません: {exc.strerror or exc}",
                                   hint=f"{LOCK_NAME} が通常のファイルか、フォルダに書き込めるか確かめてください") from exc
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise OpendataPubError(f"{self.path}: ロックファイルが通常のファイルではありません",
                                       hint=f"{LOCK_NAME} を消してから再実行してください")
            deadline = time.monotonic() + self.timeout
            pause = 0.02
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise FolderBusy(
                            f"{self.folder}: 別の{self.what}が実行中です ({self.timeout:g} 秒待ちました)",
                            hint="先の実行が終わってから、もう一度実行してください") from None
                    time.sleep(pause)
                    pause = min(pause * 2, 0.25)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)  # closing the last descriptor drops the flock

    def __enter__(self) -> FolderLock:
        self.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()
