"""Serve a built site folder as GitHub Pages serves it: gzip-compressed.

``python -m bench.lighthouse.serve SITE [--port P]`` serves SITE on 127.0.0.1
until Ctrl-C; ``GzipSiteServer(site)`` does the same in a thread (``start()``,
``stop()``, ``with``; ``base_url`` has no trailing slash).

Like GitHub Pages: text files (HTML, CSS, JS, JSON, SVG, XML, iCalendar, …) are
sent with ``Content-Encoding: gzip`` when the request accepts gzip (and
``Vary: Accept-Encoding`` always), other files (images, WASM, Pagefind's own
compressed index files) as they are; every response has ``Cache-Control:
max-age=600``, a ``Last-Modified`` and an ``ETag`` (a matching
``If-None-Match`` is answered 304); a ``Range`` request for a file sent
uncompressed gets that part (206; the map's PMTiles file); ``/folder`` is redirected to ``/folder/``;
a missing file is answered 404 with the site's ``404.html``. Compressed bodies
are made once per file (zlib level 6) and kept in memory.
"""
from __future__ import annotations

import argparse
import email.utils
import gzip
import hashlib
import http.server
import os
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

from tests.support.server import MIME_TYPES, SiteServer, byte_range, satisfiable
from tests.support.server import _Server as _QuietServer

__all__ = ["COMPRESSED_TYPES", "GzipSiteServer"]

#: Media types sent gzip-compressed (GitHub Pages compresses these, not images or WASM).
COMPRESSED_TYPES = ("text/", "application/json", "application/javascript", "application/xml",
                    "application/manifest+json", "image/svg+xml")
MAX_AGE = 600
GZIP_LEVEL = 6


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        self._serve(body=True)

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def _serve(self, body: bool) -> None:
        root = self.server.root
        url_path = unquote(urlsplit(self.path).path)
        rel = os.path.normpath(url_path.lstrip("/"))
        if rel.startswith("..") or os.path.isabs(rel):
            return self._send(404, *self._not_found(), body=body)
        path = root / rel if rel != "." else root
        if path.is_dir():
            if not url_path.endswith("/"):
                self.send_response(301)
                self.send_header("Location", url_path + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            path = path / "index.html"
        if not path.is_file():
            return self._send(404, *self._not_found(), body=body)
        data, ctype, etag, mtime = self.server.entry(path)
        if etag in (t.strip() for t in (self.headers.get("If-None-Match") or "").split(",")):
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Cache-Control", f"max-age={MAX_AGE}")
            self.send_header("Vary", "Accept-Encoding")
            self.end_headers()
            return None
        wanted = self.headers.get("Range")
        if wanted and "gzip" not in data:  # a byte range of a binary file (the map's PMTiles file)
            return self._send_range(wanted, data["identity"], ctype, etag, body=body)
        return self._send(200, data, ctype, etag, mtime, body=body)

    def _send_range(self, wanted: str, whole: bytes, ctype: str, etag: str | None, body: bool) -> None:
        """206 with one range ``bytes=a-b`` / ``a-`` / ``-n``, as GitHub Pages answers it."""
        size = len(whole)
        span = byte_range(wanted, size)
        if span is None:
            return self._send(200, {"identity": whole}, ctype, etag, None, body=body)
        if not satisfiable(self, span, size):
            return None
        start, end = span
        part = whole[start:end + 1]
        self.send_response(206)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(len(part)))
        self.send_header("Cache-Control", f"max-age={MAX_AGE}")
        if etag:
            self.send_header("ETag", etag)
        self.end_headers()
        if body:
            self.wfile.write(part)
        return None

    def _not_found(self):
        page = self.server.root / "404.html"
        if page.is_file():
            return self.server.entry(page)
        return ({"identity": b"Not Found"}, "text/plain; charset=utf-8", None, None)

    def _send(self, status, data, ctype, etag, mtime, body: bool) -> None:
        accepts = self.headers.get("Accept-Encoding") or ""
        gz = "gzip" in data and any(p.split(";")[0].strip() == "gzip" for p in accepts.split(","))
        payload = data["gzip"] if gz else data["identity"]
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if gz:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Cache-Control", f"max-age={MAX_AGE}")
        self.send_header("Vary", "Accept-Encoding")
        if etag:
            self.send_header("ETag", etag)
        if mtime is not None:
            self.send_header("Last-Modified", email.utils.formatdate(mtime, usegmt=True))
        self.end_headers()
        if body:
            self.wfile.write(payload)

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


class _Server(_QuietServer):
    def __init__(self, address, root: Path):
        super().__init__(address, _Handler)
        self.root = root
        self._cache: dict[Path, tuple] = {}
        self._lock = threading.Lock()

    def entry(self, path: Path) -> tuple[dict, str, str, float]:
        """({"identity": bytes[, "gzip": bytes]}, content type, ETag, mtime) of one file, cached."""
        st = path.stat()
        key = (st.st_mtime_ns, st.st_size)
        with self._lock:
            hit = self._cache.get(path)
        if hit and hit[0] == key:
            return hit[1]
        raw = path.read_bytes()
        ctype = content_type(path)
        data = {"identity": raw}
        if ctype.startswith(COMPRESSED_TYPES):
            data["gzip"] = gzip.compress(raw, GZIP_LEVEL, mtime=0)
        etag = '"' + hashlib.sha1(raw).hexdigest()[:16] + '"'
        value = (data, ctype, etag, st.st_mtime)
        with self._lock:
            self._cache[path] = (key, value)
        return value


def content_type(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in MIME_TYPES:
        return MIME_TYPES[suffix]
    import mimetypes

    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


class GzipSiteServer(SiteServer):
    """``site`` served gzip-compressed on ``host`` and a free port (or ``port``), in a
    daemon thread: the test server's lifecycle (start, stop, base_url, ``with``)."""

    def make_server(self) -> _Server:
        return _Server((self.host, self.port), self.directory)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.lighthouse.serve", description=__doc__.split("\n")[0])
    ap.add_argument("site", type=Path)
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args(argv)
    with GzipSiteServer(args.site, port=args.port) as server:
        print(f"serving {args.site} gzip-compressed at {server.base_url}/ (Ctrl-C stops)", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
