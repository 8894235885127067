"""A throwaway HTTP server on 127.0.0.1 for tests.

``serve`` binds a free port (port 0, so parallel runs never collide), answers from a daemon thread
(a hung handler cannot keep pytest from exiting) and, on leaving the ``with``, stops serving, closes
the socket and joins the thread, so no test leaves a server behind. Fake portals, recording servers,
faulty proxies and static-site servers all start it the same way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

__all__ = ["QuietFiles", "serve"]

Handler = Callable[..., BaseHTTPRequestHandler]


class QuietFiles(SimpleHTTPRequestHandler):
    """Static files without a log line per request (the test output is for failures)."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(handler: Handler | None = None, *, directory: str | Path | None = None,
          name: str = "test-http-server") -> Iterator[str]:
    """Serve on 127.0.0.1 and yield the base URL (``http://127.0.0.1:PORT``, no trailing slash).

    ``handler`` is the request handler class; with ``directory``, the folder is served as static
    files (by ``handler``, a ``SimpleHTTPRequestHandler``, or ``QuietFiles`` when none is given).
    """
    if directory is not None:
        handler = partial(handler or QuietFiles, directory=str(directory))
    if handler is None:
        raise TypeError("serve needs a handler class or a directory")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True  # a request still being answered never holds up the end of the test run
    # A short poll interval: shutdown() waits up to one interval, and tests start many servers.
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, name=name, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)
