"""What the preview server keeps between checks of the same content tree: files
that loaded and passed their schema, and what follows from each file alone."""
from __future__ import annotations

import os
from pathlib import Path


class LoadCache:
    """Files that loaded and passed their schema, kept between checks of the same
    tree (the preview server checks again after every change). A file is taken
    from here while its size and modification time are unchanged and the schemas
    are the same; everything across files is checked anew every time."""

    def __init__(self):
        self.entries: dict[str, tuple] = {}  # path -> (size, mtime_ns, kind, text, data)
        # What follows from one file alone, keyed by its path and valid while its
        # data is the same object (an unchanged file keeps it):
        self.local: dict[str, tuple] = {}  # path -> (data, (today, lang, tz, country), problems of the file's own rules)
        self.model: dict[str, tuple] = {}  # path -> (data, (rel, tz), the model's entry)
        # (git HEAD, [(path, data)] of the translated files, their Staleness): check._staleness
        self.staleness = None
        self.schemas_key = None
        self.hits = 0
        self.misses = 0

    def get(self, path: Path, kind: str, *, count: bool = True):
        """``count=False``: not counted in hits and misses (they count the entry
        files; the postcode table is kept here too)."""
        try:
            st = os.stat(path)
        except OSError:
            return None, None
        stamp = (st.st_size, st.st_mtime_ns)
        hit = self.entries.get(str(path))
        if hit is not None and hit[:3] == (*stamp, kind):
            self.hits += count
            return stamp, hit
        self.misses += count
        return stamp, None

    def put(self, path: Path, stamp, kind: str, text: str, data) -> None:
        if stamp is not None:
            self.entries[str(path)] = (*stamp, kind, text, data)

    def use_schemas(self, key) -> None:
        if key != self.schemas_key:
            self.entries.clear()
            self.local.clear()
            self.model.clear()
            self.schemas_key = key
