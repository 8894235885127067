"""The one place that talks HTTP to a CKAN portal: timeouts, retries, errors users can act on.

* Every request has a timeout (connect and read; uploads get a longer read timeout, since the portal
  stores and indexes the file before it answers).
* Reads are retried on connection errors, timeouts, 429 and 502/503/504, a bounded number of times
  with backoff and jitter, honouring ``Retry-After``. A write is retried here only when the request
  certainly did not reach the portal (no connection, 429, 503); any other failure of a write is
  *ambiguous* (it may have been applied) and is raised as ``AmbiguousWrite`` for the caller, who can
  look at the portal before trying again (see ckan.py).
* Redirects are never followed for API calls: a redirected POST loses its body (requests turns it
  into a GET), and a redirect from http to https means the configured URL is wrong.
* The token is sent only to the portal's own origin, never over plain http to a host that is not
  loopback (unless allowed), and never appears in a message: every text taken from a request or a
  response goes through ``redact`` (before it is shortened, so no part of a secret survives a cut).
* Downloads follow redirects here, one hop at a time (at most ``MAX_REDIRECTS``), and each hop gets
  the token only when it is the portal's own origin: a redirect to another host, port or scheme never
  carries it (requests keeps the header on an http → https hop of the same host).
* No body is read without a bound: a download stops at its ``limit`` (the recorded size, or a cap),
  an API answer at ``MAX_API_RESPONSE``; compressed bodies are decoded here, a chunk at a time, and
  the decoded bytes are what is counted (a small gzip bomb cannot fill the disk or the memory). A
  ``Deadline`` bounds a whole operation (a server trickling a byte at a time cannot keep it alive).
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
import urllib3.exceptions

from .. import __version__
from ..config import check_token
from ..errors import (
    NotAuthorized,
    NotFound,
    PortalError,
    PortalRejected,
    PortalUnreachable,
    PortalValidationError,
    UsageError,
    redact,
)
from .multipart import CHUNK, FilePart, MultipartBody
from .retry import RETRY_STATUSES, RetryPolicy, parse_retry_after

__all__ = ["MAX_API_RESPONSE", "MAX_REDIRECTS", "AmbiguousWrite", "CkanClient", "Deadline", "DeadlineExceeded",
           "LimitExceeded", "Timeouts", "is_loopback"]

MAX_API_RESPONSE = 64 * 1024 * 1024  # an API answer (package_show of a large dataset is well under 1 MB)
MAX_REDIRECTS = 5


class AmbiguousWrite(PortalUnreachable):
    """A write failed in a way that does not tell whether the portal applied it."""


class LimitExceeded(PortalRejected):
    """A response body (after decoding) was larger than allowed: stopped, nothing beyond it written."""


class DeadlineExceeded(PortalUnreachable):
    """An operation (a whole pull) ran past its overall time limit."""


@dataclass(frozen=True, slots=True)
class Deadline:
    """A point in time (``time.monotonic``) an operation must finish by; ``seconds`` is what was allowed."""

    end: float
    seconds: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(time.monotonic() + seconds, seconds)

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def check(self, what: str) -> None:
        if self.remaining() <= 0:
            raise DeadlineExceeded(f"制限時間 ({self.seconds:g} 秒) を過ぎたため中止しました: {what}",
                                   hint="回線が遅いときは --timeout で制限時間を延ばしてください")


@dataclass(frozen=True, slots=True)
class Timeouts:
    connect: float = 10.0
    read: float = 60.0
    upload: float = 900.0  # the portal answers an upload only once it has stored and indexed it


def is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


class _Token:
    """Holds the token so that no repr (of the client, of its __dict__, of a traceback's locals) shows it."""

    __slots__ = ("value",)

    def __init__(self, value: str | None) -> None:
        self.value = value

    def __repr__(self) -> str:
        return "<token>" if self.value else "<no token>"

    def __bool__(self) -> bool:
        return bool(self.value)


class _TokenAuth(requests.auth.AuthBase):
    """Sends the token only to the portal's own origin. Passing an auth object also keeps requests
    from replacing our header with credentials from ~/.netrc."""

    def __init__(self, token: _Token, origin: tuple[str, str, int | None]) -> None:
        self._token = token
        self._origin = origin

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        if self._token.value and r.url and _origin(r.url) == self._origin:
            r.headers["Authorization"] = self._token.value
        return r

    def __repr__(self) -> str:
        return "_TokenAuth(***)"


def _short(text: str, limit: int = 300, *, secrets: Sequence[str] = ()) -> str:
    """Outside text made fit for one line of a message: redacted first, then shortened (a cut made
    before redaction could leave all but the last characters of a secret, which no pattern matches)."""
    text = " ".join(redact(text, secrets).split())
    return text if len(text) <= limit else text[:limit] + "…"


class _Decoder:
    """Undoes a response's Content-Encoding a bounded piece at a time (requests would inflate a whole
    network chunk at once: 64 KB of gzip can become 64 MB)."""

    def __init__(self, encoding: str | None, where: str) -> None:
        codings = [c.strip().lower() for c in (encoding or "").split(",")]
        codings = [c for c in codings if c and c != "identity"]
        self._deflate = False
        self._z: Any = None
        if codings in (["gzip"], ["x-gzip"]):
            self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif codings == ["deflate"]:
            self._z = zlib.decompressobj()
            self._deflate = True
        elif codings:
            raise PortalRejected(f"対応していない圧縮形式 (Content-Encoding: {_short(encoding or '', 40)}) です: {where}")
        self._where = where
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._z is None:
            if data:
                yield data
            return
        try:
            if self._deflate and not self._started and data:
                # "deflate" is zlib-wrapped by the RFC, raw deflate in practice too
                self._started = True
                if data[0] & 0x0F != 8:
                    self._z = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._z.decompress(data, CHUNK)
            while out:
                yield out
                out = self._z.decompress(self._z.unconsumed_tail, CHUNK)
            if not data:  # the end: what zlib still holds (bounded by its window)
                rest = self._z.flush()
                if rest:
                    yield rest
        except zlib.error as exc:
            raise PortalRejected(f"圧縮データが壊れています: {self._where}") from exc


def _field_messages(error: Mapping[str, Any]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for key, value in error.items():
        if key in ("__type", "message"):
            continue
        if isinstance(value, list):
            msgs = [json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v for v in value]
        elif isinstance(value, Mapping):
            msgs = [json.dumps(value, ensure_ascii=False)]
        else:
            msgs = [str(value)]
        fields[str(key)] = msgs
    return fields


class CkanClient:
    """A CKAN Action API client. Thread-safe: each thread gets its own ``requests.Session``."""

    def __init__(
        self,
        url: str,
        *,
        token: str | None = None,
        allow_insecure: bool = False,
        timeouts: Timeouts = Timeouts(),
        retry: RetryPolicy | None = None,
        session_factory: Callable[[], requests.Session] = requests.Session,
    ) -> None:
        self.url = url.rstrip("/")
        if token:  # a caller of the Python API may pass a token that no config check has seen
            token = check_token(token, source="CkanClient(token=...)") or None
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(f"CKAN の URL ではありません: {self.url}", hint="https://ckan.example.jp のように書いてください")
        if token and parts.scheme == "http" and not is_loopback(parts.hostname) and not allow_insecure:
            raise UsageError(
                f"暗号化されていない http で API トークンを送ることはできません: {self.url}",
                hint="https の URL を使ってください (どうしても必要なら --allow-insecure)",
            )
        self.api = self.url + "/api/3/action/"
        self.timeouts = timeouts
        self.retry = retry or RetryPolicy()
        self._token = _Token(token)
        self._auth = _TokenAuth(self._token, _origin(self.url))
        self._factory = session_factory
        self.deadline: Deadline | None = None  # see time_limit
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"CkanClient({self.url!r})"

    @property
    def has_token(self) -> bool:
        return bool(self._token)

    def redact(self, text: str) -> str:
        return redact(text, [self._token.value] if self._token.value else [])

    def _clip(self, text: str, limit: int = 300) -> str:
        """Outside text for a message: redacted (the token too), then shortened."""
        return _short(text, limit, secrets=[self._token.value] if self._token.value else [])

    @contextmanager
    def time_limit(self, deadline: Deadline | None) -> Iterator[None]:
        """Every request made inside (retries and waits included) finishes by ``deadline``, or raises
        DeadlineExceeded. Meant for one operation at a time (a pull), not for parallel publishing."""
        previous, self.deadline = self.deadline, deadline
        try:
            yield
        finally:
            self.deadline = previous

    def _timeout(self, read: float, what: str) -> tuple[float, float]:
        """(connect, read) timeouts, neither longer than what is left of the deadline."""
        if self.deadline is None:
            return self.timeouts.connect, read
        self.deadline.check(what)
        left = max(self.deadline.remaining(), 0.001)
        return min(self.timeouts.connect, left), min(read, left)

    def _sleep(self, seconds: float, what: str) -> None:
        if self.deadline is not None and self.deadline.remaining() < seconds:
            raise DeadlineExceeded(f"制限時間 ({self.deadline.seconds:g} 秒) 内に終わらないため中止しました: {what}",
                                   hint="しばらくしてから再実行するか、--timeout で制限時間を延ばしてください")
        self.retry.sleep(seconds)

    # -- sessions ---------------------------------------------------------------------------------
    def session(self) -> requests.Session:
        s = getattr(self._local, "session", None)
        if s is None:
            s = self._factory()
            s.headers["User-Agent"] = f"opendata-pub/{__version__}"
            self._local.session = s
            with self._lock:
                self._sessions.append(s)
        return s

    def close(self) -> None:
        with self._lock:
            sessions, self._sessions = self._sessions, []
        for s in sessions:
            s.close()

    # -- calls ------------------------------------------------------------------------------------
    def get(self, action: str, params: Mapping[str, Any] | None = None) -> Any:
        """A read action (GET, retried on transient failures)."""
        query = {k: (json.dumps(v) if isinstance(v, (dict, list, bool)) else v) for k, v in (params or {}).items()}
        return self._call(action, lambda: dict(method="GET", params=query), write=False, read=self.timeouts.read)

    def post(self, action: str, payload: Mapping[str, Any]) -> Any:
        """A write action with a JSON body. Raises AmbiguousWrite when it may have been applied."""
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        return self._call(action, lambda: dict(method="POST", data=body,
                                               headers={"Content-Type": "application/json"}),
                          write=True, read=self.timeouts.read)

    def upload(self, action: str, fields: Sequence[tuple[str, str]], file: FilePart,
               *, on_progress: Callable[[int], None] | None = None) -> Any:
        """A write action as multipart/form-data with one file, streamed from disk."""

        def request() -> dict[str, Any]:
            if on_progress is not None:
                on_progress(0)  # a retry starts the count again
            body = MultipartBody(fields, file, on_progress=on_progress)
            return dict(method="POST", data=body, headers={"Content-Type": body.content_type})

        return self._call(action, request, write=True, read=self.timeouts.upload)

    def _call(self, action: str, make: Callable[[], dict[str, Any]], *, write: bool, read: float) -> Any:
        url = self.api + action
        attempt = 0
        while True:
            attempt += 1
            retry_after: float | None = None
            kwargs = make()
            body = kwargs.get("data")
            try:
                # allow_redirects=False: a redirect would turn a POST into a GET and lose its body.
                # stream=True: the answer is read below, bounded (MAX_API_RESPONSE) and within the deadline.
                with self.session().request(url=url, auth=self._auth, timeout=self._timeout(read, action),
                                            allow_redirects=False, stream=True,
                                            headers={**kwargs.pop("headers", {}), **_ACCEPT}, **kwargs) as r:
                    content = self._read_all(r, url, MAX_API_RESPONSE, "API の応答の上限")
            except requests.exceptions.RequestException as exc:
                failure = self._network_failure(exc, action)
                safe = not write or _not_sent(exc)
                if not safe:
                    raise AmbiguousWrite(failure.message, hint=failure.hint) from exc
                if self.retry.gives_up(attempt):
                    raise failure from exc
            else:
                if r.status_code in RETRY_STATUSES:
                    retry_after = parse_retry_after(r.headers.get("Retry-After"))
                    # 502/504 come from a gateway that may have passed the request on
                    if write and r.status_code in (502, 504):
                        raise AmbiguousWrite(self._status_message(r, content, action),
                                             hint="しばらくしてから再実行してください")
                    if self.retry.gives_up(attempt, retry_after):
                        return self._decode(r, content, action)
                else:
                    return self._decode(r, content, action)
            finally:
                if isinstance(body, MultipartBody):
                    body.close()
            self._sleep(self.retry.delay(attempt, retry_after), action)

    # -- bodies -----------------------------------------------------------------------------------
    def _read_body(self, r: requests.Response, url: str, limit: int | None, reason: str,
                   sink: Callable[[bytes], None]) -> int:
        """Stream the decoded body of ``r`` into ``sink``; stop with LimitExceeded before a byte past
        ``limit`` is passed on, with DeadlineExceeded at the deadline. Returns the decoded size.
        Network failures while reading come out as requests exceptions (so callers retry them)."""
        shown = self.redact(url)
        _check_length(r, shown, limit, reason)
        decoder = _Decoder(r.headers.get("Content-Encoding"), shown)
        read1 = getattr(r.raw, "read1", None)
        size = 0
        while True:
            if self.deadline is not None:
                self.deadline.check(shown)
                _cap_socket_timeout(r, self.deadline.remaining())
            try:
                data = read1(CHUNK, decode_content=False) if read1 is not None else r.raw.read(CHUNK, decode_content=False)
            except urllib3.exceptions.ReadTimeoutError as exc:
                if self.deadline is not None:
                    self.deadline.check(shown)
                raise requests.exceptions.ReadTimeout(exc) from exc
            except (urllib3.exceptions.HTTPError, OSError) as exc:
                raise requests.exceptions.ConnectionError(exc) from exc
            for piece in decoder.feed(data):
                size += len(piece)
                if limit is not None and size > limit:
                    raise LimitExceeded(f"{reason} ({limit:,} バイト) を超えるデータが送られてきたため中止しました: {shown}")
                sink(piece)
            if not data:
                return size

    def _read_all(self, r: requests.Response, url: str, limit: int, reason: str) -> bytes:
        buf = bytearray()
        self._read_body(r, url, limit, reason, buf.extend)
        return bytes(buf)

    # -- downloads --------------------------------------------------------------------------------
    def download(self, url: str, dest: Path, *, on_progress: Callable[[int], None] | None = None,
                 limit: int | None = None, limit_reason: str = "記録されたサイズ") -> tuple[int, str]:
        """Stream ``url`` into ``dest``; return (size, sha256 hex). Retried from the start on failure.

        ``limit``: at most this many (decoded) bytes are written; more raises LimitExceeded (the
        recorded size of the file, or a cap; ``limit_reason`` names it in the message). Redirects are
        followed here (see the module doc: the token never goes to another origin)."""
        parts = urlsplit(url)
        shown = self.redact(url)
        if parts.scheme not in ("http", "https"):
            raise PortalRejected(f"ダウンロードできない URL です: {self._clip(url)}")
        attempt = 0
        while True:
            attempt += 1
            retry_after = None
            try:
                with self._get_following(url) as r:
                    if r.status_code in RETRY_STATUSES:
                        retry_after = parse_retry_after(r.headers.get("Retry-After"))
                        if self.retry.gives_up(attempt, retry_after):
                            content = self._read_all(r, url, 64 * 1024, "エラー応答の上限")
                            raise PortalRejected(self._status_message(r, content, "download"), status=r.status_code)
                    elif r.status_code != 200:
                        raise PortalRejected(f"ファイルをダウンロードできません (HTTP {r.status_code}): {shown}",
                                             status=r.status_code)
                    else:
                        _check_length(r, shown, limit, limit_reason)
                        digest = hashlib.sha256()
                        with dest.open("wb") as fh:
                            written = 0

                            def sink(piece: bytes) -> None:  # called only within this iteration
                                nonlocal written
                                fh.write(piece)
                                digest.update(piece)  # noqa: B023 - sink runs only in this iteration
                                written += len(piece)
                                if on_progress is not None:
                                    on_progress(written)

                            size = self._read_body(r, url, limit, limit_reason, sink)
                        return size, digest.hexdigest()
            except requests.exceptions.RequestException as exc:
                if self.deadline is not None:
                    self.deadline.check(shown)
                if self.retry.gives_up(attempt):
                    raise self._network_failure(exc, "download") from exc
            self._sleep(self.retry.delay(attempt, retry_after), shown)

    def _get_following(self, url: str) -> requests.Response:
        """GET ``url`` (streamed), following at most MAX_REDIRECTS redirects one hop at a time, so
        the auth object decides about the token for every hop (it sends it to the portal only)."""
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            r = self.session().get(current, auth=self._auth, stream=True, allow_redirects=False,
                                   headers=_ACCEPT, timeout=self._timeout(self.timeouts.read, self.redact(current)))
            if not r.is_redirect:
                return r
            location = r.headers.get("Location", "")
            r.close()
            current = urljoin(current, location)
            if urlsplit(current).scheme not in ("http", "https"):
                raise PortalRejected(f"ダウンロードできない URL へリダイレクトされました: {self._clip(current)}")
        raise PortalRejected(f"リダイレクトが多すぎます ({MAX_REDIRECTS} 回まで): {self.redact(url)}")

    # -- errors -----------------------------------------------------------------------------------
    def _network_failure(self, exc: requests.exceptions.RequestException, action: str) -> PortalUnreachable:
        host = urlsplit(self.url).netloc
        if isinstance(exc, requests.exceptions.SSLError):
            return PortalUnreachable(f"{host} と TLS で接続できません ({action})",
                                     hint="証明書と URL を確認してください")
        if isinstance(exc, requests.exceptions.ConnectTimeout):
            return PortalUnreachable(f"{host} に接続できません: 時間切れ ({self.timeouts.connect:g} 秒, {action})",
                                     hint="URL とネットワーク (プロキシ) を確認してください")
        if isinstance(exc, requests.exceptions.Timeout):
            return PortalUnreachable(f"{host} から応答がありません: 時間切れ ({action})",
                                     hint="ポータルが混んでいる可能性があります。しばらくしてから再実行してください")
        if isinstance(exc, requests.exceptions.ConnectionError) and _not_sent(exc):
            return PortalUnreachable(f"{host} に接続できません ({action})",
                                     hint="URL とネットワーク (プロキシ) を確認してください")
        return PortalUnreachable(f"{host} との接続が切れました ({action}): {type(exc).__name__}",
                                 hint="しばらくしてから再実行してください (再実行すると続きから公開します)")

    def _status_message(self, r: requests.Response, content: bytes, action: str) -> str:
        text = content.decode(r.encoding or "utf-8", errors="replace") if "html" not in r.headers.get(
            "Content-Type", "") else ""
        detail = f": {self._clip(text)}" if text.strip() else ""
        return f"ポータルが一時的に応答できません (HTTP {r.status_code}, {action}){detail}"

    def _decode(self, r: requests.Response, content: bytes, action: str) -> Any:
        """The ``result`` of a successful CKAN action, else the error the response stands for."""
        status = r.status_code
        if 300 <= status < 400:
            return self._raise(self._redirect_error(r, action))
        try:
            data = json.loads(content) if content else None
        except ValueError:
            # the JSON decoder's complaint says nothing the message does not
            raise self._not_json_error(r, content, action) from None
        if isinstance(data, str):  # CKAN's bare-string 400s: "Bad request: Action name not known: …"
            raise PortalRejected(f"ポータルが要求を拒否しました (HTTP {status}, {action}): {self._clip(data)}",
                                 status=status)
        if not isinstance(data, Mapping) or ("success" not in data and "error" not in data):
            raise PortalUnreachable(f"CKAN の API ではない応答です (HTTP {status}, {action})",
                                    hint="URL が CKAN サイトのトップを指しているか確認してください")
        if status == 200 and data.get("success") is True:
            return data.get("result")
        raise self._action_error(data, status, action)

    def _redirect_error(self, r: requests.Response, action: str) -> PortalUnreachable:
        location = r.headers.get("Location", "")
        target = self._clip(location)
        hint = "ポータルの正しい URL を指定してください"
        if self.url.startswith("http://") and location.startswith("https://"):
            hint = f"http ではなく https の URL ({target.split('/api/')[0]}) を指定してください"
        return PortalUnreachable(f"ポータルが {target or '別の場所'} へリダイレクトしました ({action})", hint=hint)

    def _not_json_error(self, r: requests.Response, content: bytes, action: str) -> PortalError:
        """A body that is not JSON: too large, a server in trouble, or not a CKAN API at all."""
        status = r.status_code
        if status == 413:
            return PortalValidationError("ファイルが大きすぎます (HTTP 413)",
                                         fields={"upload": ["File upload too large"]}, status=413)
        if status in RETRY_STATUSES or status >= 500:
            return PortalRejected(self._status_message(r, content, action), status=status)
        ctype = r.headers.get("Content-Type", "")
        what = "HTML のページ" if "html" in ctype or content.lstrip()[:1] == b"<" else "JSON 以外"
        return PortalUnreachable(
            f"CKAN の API ではない応答です: {what}が返りました (HTTP {status}, {action})",
            hint="URL が CKAN サイトのトップ (例: https://ckan.example.jp) を指しているか確認してください",
        )

    def _action_error(self, data: Mapping[str, Any], status: int, action: str) -> PortalRejected:
        """The error a CKAN action reported (``{"success": false, "error": {...}}``)."""
        raw_error = data.get("error")
        error: Mapping[str, Any] = raw_error if isinstance(raw_error, Mapping) else {}
        kind = str(error.get("__type") or "")
        message = self._clip(str(error.get("message") or ""))
        if kind == "Authorization Error" or status == 403:
            return NotAuthorized(f"権限がありません ({action}): {message}", status=status, kind=kind,
                                 hint="API トークンが正しいか、組織で編集者以上のロールがあるか確認してください")
        if kind == "Not Found Error" or status == 404:
            return NotFound(f"見つかりません ({action}): {message}", status=status, kind=kind)
        if kind == "Validation Error" or status == 409:
            fields = {self._clip(k, 100): [self._clip(m) for m in v] for k, v in _field_messages(error).items()}
            listed = "; ".join(f"{k}: {' / '.join(v)}" for k, v in fields.items()) or message
            return PortalValidationError(f"ポータルが値を受け付けませんでした ({action}): {listed}",
                                         fields=fields, status=status)
        return PortalRejected(f"ポータルがエラーを返しました (HTTP {status}, {kind or 'error'}, {action}): {message}",
                              status=status, kind=kind or None)

    @staticmethod
    def _raise(exc: Exception) -> Any:
        raise exc


def _check_length(r: requests.Response, shown: str, limit: int | None, reason: str) -> None:
    """Refuse a body announced as larger than ``limit`` before reading any of it."""
    length = r.headers.get("Content-Length", "")
    encoded = r.headers.get("Content-Encoding", "").strip().lower() not in ("", "identity")
    if limit is not None and not encoded and length.isdigit() and int(length) > limit:
        raise LimitExceeded(f"{reason} ({limit:,} バイト) を超えるため受け取りません"
                            f" (Content-Length {int(length):,} バイト): {shown}")


_ACCEPT = {"Accept-Encoding": "gzip, deflate"}  # the encodings _Decoder undoes (not br/zstd)


def _cap_socket_timeout(r: requests.Response, seconds: float) -> None:
    """Best effort: no single socket read may wait past the deadline (urllib3 keeps the socket on
    the response's connection while the body is read)."""
    sock = getattr(getattr(r.raw, "_connection", None), "sock", None)
    if isinstance(sock, socket.socket):
        current = sock.gettimeout()
        wanted = max(seconds, 0.001)
        if current is None or current > wanted:
            sock.settimeout(wanted)


def _not_sent(exc: BaseException) -> bool:
    """True when the request certainly never reached the server (so even a write may be retried)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    if isinstance(exc, requests.exceptions.ConnectionError):
        reason: Any = exc.args[0] if exc.args else None
        if isinstance(reason, urllib3.exceptions.MaxRetryError):
            reason = reason.reason
        return isinstance(reason, (urllib3.exceptions.NewConnectionError, urllib3.exceptions.NameResolutionError))
    return False
