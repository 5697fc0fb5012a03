"""The preview's watch on content/ (nahbei.mkdocs.watch): the system's change
events, forwarded to one file that MkDocs' server polls. Real watchdog observer,
real files; tests/test_preview.py runs it inside a real ``mkdocs serve``."""
from __future__ import annotations

import time

from nahbei.mkdocs.watch import SIGNAL, ContentWatch


def wait_for_line(path, text: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = path.read_text("utf-8")
        if text in lines:
            return lines
        time.sleep(0.02)
    raise TimeoutError(f"{text!r} not in {path} after {timeout} s: {path.read_text('utf-8')!r}")


def test_a_change_reaches_the_signal_file_and_reading_does_not(tmp_path):
    content = tmp_path / "content" / "offers"
    content.mkdir(parents=True)
    read_only = content / "gelesen.yaml"
    read_only.write_text("id: gelesen\n", "utf-8")
    watch = ContentWatch()
    folder = watch.start([tmp_path / "content"])
    try:
        signal = folder / SIGNAL
        assert signal.read_text("utf-8") == ""
        assert not folder.is_relative_to(tmp_path)  # MkDocs polls this small folder, not content/
        read_only.read_text("utf-8")  # a build reads every file: no rebuild for that
        (content / "neu.yaml").write_text("id: neu\n", "utf-8")
        # the system reports events in order: once the write is there, a read's event would be too
        lines = wait_for_line(signal, "neu.yaml")
        assert "gelesen.yaml" not in lines
        (content / "neu.yaml").unlink()
        assert "deleted" in wait_for_line(signal, "deleted ")
    finally:
        watch.stop()
    assert not folder.exists()
    assert not watch.running


def test_stop_without_start_and_twice_is_harmless():
    watch = ContentWatch()
    watch.stop()
    watch.stop()
    assert not watch.running
