"""A small HTTP server on 127.0.0.1 (threaded) that records every request's headers and answers from a
table of routes: for the pull security tests (who got a token, what a hostile server can send).

A route answers with fixed bytes (and a Content-Length), or a callable that writes the body itself
(no Content-Length; HTTP/1.0, so the connection's end is the body's end): endless bodies, trickles.
Every body writer is bounded, so a regression fails a test instead of hanging it.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from tests.localserver import serve

Writer = Callable[[BinaryIO], None]


@dataclass
class Reply:
    status: int = 200
    body: bytes | Writer = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Seen:
    method: str
    path: str  # with the query
    headers: dict[str, str]

    @property
    def authorization(self) -> str | None:
        return next((v for k, v in self.headers.items() if k.lower() == "authorization"), None)


class RecordingServer:
    def __init__(self) -> None:
        self.routes: dict[str, Reply] = {}
        self.seen: list[Seen] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *a: Any) -> None:
                pass

            def do_GET(self) -> None:
                with server.lock:
                    server.seen.append(Seen("GET", self.path, dict(self.headers.items())))
                reply = server.routes.get(urlsplit(self.path).path) or Reply(404, b"not found")
                try:
                    self.send_response(reply.status)
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    if isinstance(reply.body, bytes):
                        self.send_header("Content-Length", str(len(reply.body)))
                        self.end_headers()
                        self.wfile.write(reply.body)
                    else:
                        self.end_headers()
                        self.wfile.flush()
                        reply.body(self.wfile)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped reading: what a bounded download does

            do_POST = do_GET

        # Started here and stopped by close(): tests hold the server as an object, not a with block.
        self._running = ExitStack()
        self.url = self._running.enter_context(serve(Handler, name="recording-server"))

    def close(self) -> None:
        self._running.close()

    # -- routes ---------------------------------------------------------------------------------
    def add(self, path: str, body: bytes | Writer = b"", status: int = 200, **headers: str) -> None:
        self.routes[path] = Reply(status, body, {k.replace("_", "-"): v for k, v in headers.items()})

    def json(self, path: str, data: Any, status: int = 200) -> None:
        self.add(path, json.dumps(data, ensure_ascii=False).encode("utf-8"), status, Content_Type="application/json")

    def ckan(self, action: str, result: Any) -> None:
        self.json(f"/api/3/action/{action}", {"help": "", "success": True, "result": result})

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.add(path, b"", status, Location=location)

    def paths(self) -> list[str]:
        with self.lock:
            return [urlsplit(s.path).path for s in self.seen]


def endless(chunk: bytes = b"x" * 65536, most: int = 64 * 1024 * 1024) -> Writer:
    """A body that does not end (well: ``most`` bytes, so a broken client fails a test, not the machine)."""

    def write(w: BinaryIO) -> None:
        sent = 0
        while sent < most:
            w.write(chunk)
            sent += len(chunk)

    return write


def trickle(every: float = 0.1, most: float = 10.0) -> Writer:
    """One byte every ``every`` seconds, for at most ``most`` seconds."""

    def write(w: BinaryIO) -> None:
        end = time.monotonic() + most
        while time.monotonic() < end:
            w.write(b"x")
            w.flush()
            time.sleep(every)

    return write


def silent(most: float = 5.0) -> Writer:
    """Headers, then nothing (for at most ``most`` seconds)."""

    def write(w: BinaryIO) -> None:
        time.sleep(most)

    return write


def servers(n: int) -> Iterator[list[RecordingServer]]:
    started = [RecordingServer() for _ in range(n)]
    try:
        yield started
    finally:
        for s in started:
            s.close()
