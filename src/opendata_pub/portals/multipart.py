"""A multipart/form-data body that streams one file from disk, with a Content-Length known upfront.

requests builds a ``files=`` body in memory (a 300 MB file costs 300 MB and more); this body reads
the file in chunks as the socket takes them, so memory stays flat whatever the size. It also checks
what it sends: the file must have exactly the size and sha256 the plan recorded. If the file changed
since it was hashed, the body raises *before* the closing boundary, so the portal receives an
incomplete request and commits nothing, rather than storing bytes that disagree with the checksum
we publish beside them. No dependency (requests-toolbelt's MultipartEncoder would do the streaming
but not the check).
"""

from __future__ import annotations

import hashlib
import io
import secrets
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError

__all__ = ["CHUNK", "FileChangedError", "FilePart", "MultipartBody"]

CHUNK = 1024 * 1024


class FileChangedError(InputError):
    """A file's size or checksum is no longer what was planned (it changed during the run)."""


@dataclass(frozen=True, slots=True)
class FilePart:
    """The file of a multipart body and what it must contain."""

    field: str  # the form field name, e.g. "update__resources__-1__upload"
    path: Path
    filename: str  # the name the portal stores (the last segment of its download URL)
    content_type: str
    size: int
    sha256: str | None = None  # hex; None: not checked
    data: bytes | None = None  # small generated content (a descriptor turned into JSON) instead of path


def _quote(value: str) -> str:
    # What browsers do (WHATWG): percent-encode the three characters that would end the header.
    return value.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


class MultipartBody:
    """A read-once, file-like request body: the text fields, then the file, then the end boundary.

    ``on_progress(n)`` is called with the number of file bytes sent so far.
    """

    def __init__(self, fields: Sequence[tuple[str, str]], file: FilePart,
                 *, on_progress: Callable[[int], None] | None = None) -> None:
        self.file = file
        boundary = "odp-" + secrets.token_hex(16)
        self.content_type = f"multipart/form-data; boundary={boundary}"
        head = bytearray()
        for name, value in fields:
            head += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{_quote(name)}\"\r\n\r\n"
                     ).encode()
            head += value.encode("utf-8") + b"\r\n"
        head += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{_quote(file.field)}\"; "
                 f"filename=\"{_quote(file.filename)}\"\r\nContent-Type: {file.content_type}\r\n\r\n"
                 ).encode()
        self._head = bytes(head)
        self._tail = f"\r\n--{boundary}--\r\n".encode("ascii")
        self._length = len(self._head) + file.size + len(self._tail)
        self._on_progress = on_progress
        self._stage = 0  # 0 head, 1 file, 2 tail, 3 done
        # Opened here, not while the socket pulls: inside urllib3 an OSError would pass for a
        # network failure and be retried.
        try:
            self._fh: BinaryIO | None = io.BytesIO(file.data) if file.data is not None else file.path.open("rb")
        except OSError as exc:
            raise InputError(f"ファイルを読めません: {exc.strerror}", path=str(file.path)) from exc
        self._sent = 0
        self._digest = hashlib.sha256()
        self._pending = b""

    def __len__(self) -> int:
        return self._length

    def __iter__(self) -> Iterator[bytes]:
        # requests treats a body with __iter__ as a stream; urllib3 then calls read() on it.
        while chunk := self.read(CHUNK):
            yield chunk

    def _next_piece(self, size: int) -> bytes:
        if self._stage == 0:
            self._stage = 1
            return self._head
        if self._stage == 1:
            assert self._fh is not None
            want = min(size, self.file.size - self._sent)
            try:
                data = self._fh.read(want) if want > 0 else b""
            except OSError as exc:  # not a network error: see __init__
                raise InputError(f"ファイルを読めません: {exc.strerror}", path=str(self.file.path)) from exc
            if data:
                self._sent += len(data)
                self._digest.update(data)
                if self._on_progress is not None:
                    self._on_progress(self._sent)
                return data
            self._finish_file()
            self._stage = 2
            return self._tail
        self._stage = 3
        return b""

    def _finish_file(self) -> None:
        assert self._fh is not None
        grown = self._fh.read(1)
        self._fh.close()
        self._fh = None
        if self._sent != self.file.size or grown:
            raise FileChangedError(f"送信中にファイルのサイズが変わりました (計画時 {self.file.size:,} バイト)",
                                   path=str(self.file.path), hint="ファイルの更新が終わってから計画し直してください")
        if self.file.sha256 is not None and self._digest.hexdigest() != self.file.sha256:
            raise FileChangedError("送信中にファイルの内容が変わりました (sha256 が計画時と違います)",
                                   path=str(self.file.path), hint="ファイルの更新が終わってから計画し直してください")

    def read(self, size: int = -1) -> bytes:
        size = CHUNK if size is None or size < 0 else size
        out = bytearray(self._pending)
        self._pending = b""
        while len(out) < size and self._stage < 3:
            piece = self._next_piece(size - len(out))
            out += piece
        if len(out) > size:
            self._pending = bytes(out[size:])
            del out[size:]
        return bytes(out)

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
