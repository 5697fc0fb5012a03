"""Serve a built site folder over HTTP on 127.0.0.1 for browser tests.

Usage::

    from tests.support.server import serve_directory

    with serve_directory(tmp_path / "site") as base_url:
        page.goto(base_url + "/")          # base_url has no trailing slash

The server is the standard library's ``ThreadingHTTPServer`` on a free port,
running in a daemon thread; it logs nothing, sends ``Cache-Control: no-store``
and the MIME types a static MkDocs/Pagefind site needs (``.wasm``, ``.ics``,
Pagefind's binary index files ...).  Leaving the ``with`` block shuts it down.

``SiteServer`` is the same thing as an object (``start()``/``stop()``), and it
records every request path in ``.requests`` so a test can check what a page
fetched from the site itself. HTTP range requests (``Range: bytes=a-b``, one
range) are answered 206 with that part, as GitHub Pages does; each is also
recorded in ``.ranges`` as (path, Range header) – the map reads its PMTiles
file that way. ``headers`` are sent with every response (e.g.
``{"Access-Control-Allow-Origin": "*"}``, as GitHub Pages sends it).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import io
import os
import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

__all__ = ["MIME_TYPES", "SiteServer", "serve_directory"]

# Extensions whose type Python's mimetypes guesses wrongly, differently per
# platform, or not at all.
MIME_TYPES: dict[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".ics": "text/calendar; charset=utf-8",
    ".wasm": "application/wasm",
    ".svg": "image/svg+xml",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".gz": "application/gzip",
    # Pagefind's index files are opaque binary blobs.
    ".pf_meta": "application/octet-stream",
    ".pf_fragment": "application/octet-stream",
    ".pf_index": "application/octet-stream",
    ".pf_filter": "application/octet-stream",
}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """SimpleHTTPRequestHandler without logging and with fixed MIME types."""

    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        **MIME_TYPES,
        "": "application/octet-stream",
    }
    # HTTP/1.1 keep-alive is what real hosting does and is much faster for
    # pages that load many assets.
    protocol_version = "HTTP/1.1"

    def __init__(self, *args, request_log: list[str] | None = None, range_log: list | None = None,
                 headers: dict[str, str] | None = None, **kwargs):
        self._request_log = request_log
        self._range_log = range_log
        self._headers = dict(headers or {})
        super().__init__(*args, **kwargs)

    def send_head(self):  # noqa: D401 - stdlib override
        if self._request_log is not None:
            self._request_log.append(self.path)
        wanted = self.headers.get("Range")
        if wanted:
            if self._range_log is not None:
                self._range_log.append((self.path.split("?", 1)[0], wanted))
            path = self.translate_path(self.path)
            if os.path.isfile(path):
                span = byte_range(wanted, os.path.getsize(path))
                if span is not None:
                    return self._send_range(path, span)
        return super().send_head()

    def _send_range(self, path: str, span: tuple[int, int]):
        """206 with one byte range of the file (416 when it starts past the end)."""
        size = os.path.getsize(path)
        start, end = span
        if not satisfiable(self, span, size):
            return None
        with open(path, "rb") as f:
            f.seek(start)
            data = f.read(end - start + 1)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        return io.BytesIO(data)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("Accept-Ranges", "bytes")
        for name, value in self._headers.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def byte_range(wanted: str, size: int) -> tuple[int, int] | None:
    """The first and last byte of a single range ``bytes=a-b`` / ``a-`` / ``-n`` of a
    file of ``size`` bytes; None when the header names no such range (send it whole)."""
    m = _RANGE.fullmatch(wanted.strip())
    if not m or not (m[1] or m[2]):
        return None
    if m[1]:
        return int(m[1]), min(int(m[2]) if m[2] else size - 1, size - 1)
    return max(0, size - int(m[2])), size - 1  # the last n bytes


def satisfiable(handler, span: tuple[int, int], size: int) -> bool:
    """False after answering 416, when the range starts past the end."""
    start, end = span
    if start < size and start <= end:
        return True
    handler.send_response(416)
    handler.send_header("Content-Range", f"bytes */{size}")
    handler.send_header("Content-Length", "0")
    handler.end_headers()
    return False


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address) -> None:
        # The browser aborts requests (navigation, blocked resources); a
        # broken pipe there is normal and must not spam the test output.
        import sys

        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, socket.timeout, TimeoutError)):
            return
        super().handle_error(request, client_address)


class SiteServer:
    """A static file server for ``directory`` on ``host`` and a free port."""

    def __init__(self, directory: str | os.PathLike[str], host: str = "127.0.0.1", port: int = 0,
                 headers: dict[str, str] | None = None):
        self.directory = Path(directory).resolve()
        self.headers = dict(headers or {})
        if not self.directory.is_dir():
            raise FileNotFoundError(f"not a directory: {self.directory}")
        self.host = host
        self.port = port
        self.requests: list[str] = []
        self.ranges: list[tuple[str, str]] = []  # (path, Range header) of each range request
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash)."""
        if self._httpd is None:
            raise RuntimeError("server is not running")
        return f"http://{self.host}:{self._httpd.server_address[1]}"

    def url(self, path: str = "/") -> str:
        """Absolute URL for a site-relative ``path``."""
        return self.base_url + "/" + path.lstrip("/")

    def make_server(self) -> http.server.ThreadingHTTPServer:
        """The HTTP server on (host, port): a subclass serves otherwise
        (bench/lighthouse/serve.py: gzip-compressed, as GitHub Pages)."""
        handler = functools.partial(
            _QuietHandler, directory=str(self.directory), request_log=self.requests, range_log=self.ranges,
            headers=self.headers
        )
        return _Server((self.host, self.port), handler)

    def start(self) -> "SiteServer":
        if self._httpd is not None:
            return self
        self._httpd = self.make_server()
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"site-server:{self._httpd.server_address[1]}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, thread = self._httpd, self._thread
        self._httpd = self._thread = None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> "SiteServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


@contextlib.contextmanager
def serve_directory(path: str | os.PathLike[str]) -> Iterator[str]:
    """Serve ``path`` on 127.0.0.1:<free port>; yields the base URL.

    The base URL has no trailing slash: ``base_url + "/"`` is the home page.
    """
    with SiteServer(path) as server:
        yield server.base_url
