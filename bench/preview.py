"""Time the volunteer's preview: ``mkdocs serve --dirty`` on a site, change one
entry, and measure until the changed page is served (``python -m bench.preview``).

Used by ``python -m bench --preview`` (generated 10,000-entry site) and by
tests/test_preview.py (the example site). Only loopback traffic.
"""
from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``mkdocs serve --dirty`` in a child process; its log is collected."""

    def __init__(self, config: Path, env: dict | None = None, dirty: bool = True, as_typed: bool = False):
        """``as_typed``: ``-f mkdocs.yml`` as a person types it in the config's
        folder (MkDocs then gives the first build relative paths, the later
        builds absolute ones)."""
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        cmd = [sys.executable, "-m", "mkdocs", "serve", "-f", config.name if as_typed else str(config),
               "-a", f"127.0.0.1:{self.port}", "--livereload", "--no-strict"]
        if dirty:
            cmd.append("--dirty")
        self.proc = subprocess.Popen(cmd, cwd=config.parent, env={**os.environ, **(env or {})},
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def log(self) -> str:
        return "\n".join(self.lines)

    def builds_done(self) -> int:
        return sum(1 for x in self.lines if "Documentation built in" in x or "Error:" in x or "Aborted" in x)

    def serving(self) -> bool:
        """MkDocs opens its port only after the first build and the plugins' on_serve."""
        return any("Serving on " in x for x in self.lines)

    def wait_for_build(self, count: int, timeout: float) -> None:
        """Until ``count`` builds are done and the server answers requests."""
        deadline = time.monotonic() + timeout
        while self.builds_done() < count or not self.serving():
            if self.proc.poll() is not None:
                raise RuntimeError("mkdocs serve ended:\n" + self.log[-3000:])
            if time.monotonic() > deadline:
                raise TimeoutError(f"no build {count} after {timeout} s:\n" + self.log[-3000:])
            time.sleep(0.05)

    def get(self, path: str) -> str | None:
        try:
            with urllib.request.urlopen(self.base + path, timeout=10) as r:
                return r.read().decode("utf-8")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return None

    def status(self, path: str) -> int | None:
        try:
            with urllib.request.urlopen(self.base + path, timeout=10) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return None

    def wait_for_status(self, path: str, code: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.status(path) != code:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{path} not {code} after {timeout} s:\n" + self.log[-3000:])
            time.sleep(0.1)

    def wait_for_log(self, pattern: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not re.search(pattern, self.log):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {pattern!r} in the log after {timeout} s:\n" + self.log[-3000:])
            time.sleep(0.05)

    def wait_for_text(self, path: str, text: str, timeout: float) -> float:
        """Seconds until ``path`` is served with ``text`` in it."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            page = self.get(path)
            if page is not None and text in page:
                return time.monotonic() - start
            time.sleep(0.05)
        raise TimeoutError(f"{path} without {text!r} after {timeout} s:\n" + self.log[-3000:])

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def change_name(path: Path, new_name: str) -> None:
    """Give the entry in ``path`` a new name/title (its first ``name:`` or ``title:`` line)."""
    text = path.read_text("utf-8")
    text, n = re.subn(r"^(name|title): .*$", lambda m: f"{m.group(1)}: {new_name}", text, count=1, flags=re.M)
    assert n == 1, path
    path.write_text(text, "utf-8")


def measure(config: Path, entry: Path, page: str, env: dict | None = None, first_timeout: float = 900) -> dict:
    """Start the preview, wait for its first build, rename ``entry``, time until ``page`` shows it."""
    server = Server(config, env)
    try:
        t0 = time.monotonic()
        server.wait_for_build(1, first_timeout)
        first = time.monotonic() - t0
        server.wait_for_text(page, "<html", 60)
        new = f"Vorschau-Test {int(time.time() * 1000) % 100000}"
        change_name(entry, new)
        seconds = server.wait_for_text(page, new, 120)
        server.wait_for_build(2, 120)
        rebuilt = [x for x in server.lines if "Vorschau:" in x or "Preview:" in x]
        return {"first_build": first, "change_served": seconds, "log": rebuilt[-1] if rebuilt else ""}
    finally:
        server.stop()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.preview", description=__doc__.split("\n")[0])
    ap.add_argument("config", type=Path, help="mkdocs.yml of the site")
    ap.add_argument("entry", type=Path, help="YAML file of the entry to change")
    ap.add_argument("page", help="its page path, e.g. angebote/x/")
    args = ap.parse_args(argv)
    r = measure(args.config.resolve(), args.entry.resolve(), args.page)
    print(f"first build {r['first_build']:.1f} s; after changing {args.entry.name}: page served in "
          f"{r['change_served']:.2f} s ({r['log'].strip()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
