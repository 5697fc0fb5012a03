"""Run the Pagefind binary that ships inside the ``pagefind-bin`` wheel (no MkDocs import)."""
from __future__ import annotations

import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

BUNDLE_DIR = "pagefind"


class IndexError_(RuntimeError):
    """Pagefind could not be run or failed; the message says why."""


@dataclass(frozen=True)
class IndexResult:
    pages: int
    words: int
    filters: int
    languages: int
    seconds: float
    output: str


def executable(explicit: str | None = None) -> Path:
    """The Pagefind binary: ``explicit`` if given, else the one in pagefind-bin."""
    if explicit:
        found = shutil.which(explicit) or (explicit if Path(explicit).is_file() else None)
        if not found:
            raise IndexError_(f"Pagefind binary not found: {explicit}")
        return Path(found)
    try:
        from pagefind_bin import get_executable
    except ImportError as exc:  # pragma: no cover - dependency of the package
        raise IndexError_("The Python package pagefind-bin is missing: pip install 'pagefind-bin>=1.5,<2'") from exc
    try:
        return Path(get_executable())
    except FileNotFoundError as exc:  # pragma: no cover - broken wheel
        raise IndexError_(f"pagefind-bin ships no binary for this platform: {exc}") from exc


def _count(pattern: str, text: str) -> int:
    m = re.search(pattern, text)
    return int(m.group(1)) if m else 0


def run(site_dir: str | Path, *, binary: str | None = None, extra_args: tuple[str, ...] = (),
        timeout: float | None = 600) -> IndexResult:
    """Index ``site_dir`` into ``site_dir/pagefind/`` (replacing an old bundle)."""
    site = Path(site_dir)
    if not site.is_dir():
        raise IndexError_(f"Site folder not found: {site}")
    bundle = site / BUNDLE_DIR
    if bundle.exists():
        shutil.rmtree(bundle)
    cmd = [str(executable(binary)), "--site", str(site), *extra_args]
    started = time.monotonic()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise IndexError_(f"Pagefind could not run ({' '.join(cmd)}): {exc}") from exc
    seconds = time.monotonic() - started
    output = (proc.stdout or "") + (proc.stderr or "")
    if proc.returncode != 0:
        raise IndexError_(f"Pagefind failed (exit code {proc.returncode}):\n{output.strip()}")
    if not (bundle / "pagefind.js").is_file():
        raise IndexError_(f"Pagefind wrote no search bundle to {bundle}:\n{output.strip()}")
    return IndexResult(
        pages=_count(r"Indexed (\d+) pages?", output),
        words=_count(r"Indexed (\d+) words?", output),
        filters=_count(r"Indexed (\d+) filters?", output),
        languages=_count(r"Indexed (\d+) languages?", output),
        seconds=seconds,
        output=output,
    )
