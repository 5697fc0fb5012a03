"""The folders of the pages made ahead, in a thread (``mkdocs build`` only).

MkDocs writes each page into its own folder (``angebote/<id>/index.html``)
and makes that folder right before. Making a folder is the slowest part of
writing a page on some disks (0.3–1 ms of system time each, 14,000 of them
at 10,000 entries), and this process is the one that writes every page. A
thread makes them ahead: the system call runs without the interpreter lock,
so the page loop goes on meanwhile; MkDocs then finds the folder there
(``os.makedirs(..., exist_ok=True)``). The same folders, so the same output.

Started after the second process is forked (a thread holding a lock at the
fork would leave it held in the child: nahbei.mkdocs.prefetch).
"""
from __future__ import annotations

import os
import threading


class FolderMaker:
    def __init__(self):
        self.folders: list[str] = []
        self.thread: threading.Thread | None = None
        self.stopping = False
        self.made = 0

    def plan(self, folders) -> None:
        """The folders in the order MkDocs will write into them (duplicates dropped)."""
        self.stop()
        self.folders = list(dict.fromkeys(folders))

    def start(self) -> None:
        if self.thread is not None or not self.folders:
            return
        self.stopping = False
        self.thread = threading.Thread(target=self._run, args=(self.folders,), name="nahbei-folders", daemon=True)
        self.thread.start()

    def _run(self, folders) -> None:
        for folder in folders:
            if self.stopping:
                return
            try:
                os.makedirs(folder, exist_ok=True)
                self.made += 1
            except OSError:
                pass  # MkDocs' own write of the page reports it

    def finish(self) -> None:
        """Wait until every folder is made."""
        if self.thread is not None:
            self.thread.join()
            self.thread = None

    def stop(self) -> None:
        """End the thread at its next folder (after the build: the pages are written)."""
        self.stopping = True
        self.finish()
        self.folders = []
